import FuzzTargets
import Foundation

// Replays saved inputs through a fuzz target in an ordinary build: `holdfast-fuzz TARGET FILE...`, for
// reproducing a crash the fuzzer found and for running the corpus as a regression check.
let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let target = FuzzTargets.all[name] else {
    print("usage: holdfast-fuzz TARGET FILE...   targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
    exit(2)
}
for path in arguments.dropFirst() {
    target(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
}
print("replayed \(arguments.count - 1) input(s) through \(name)")
