import Foundation

/// Finds the `Migrations/` folder when `HOLDFAST_MIGRATIONS_DIR` is not set: next to an installed binary
/// (`PREFIX/bin/../share/holdfast/migrations`), or, for a build inside the source tree, in a parent folder.
enum MigrationsLocator {
    static func find() -> URL? {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var candidates = [
            executable.deletingLastPathComponent().appendingPathComponent("../share/holdfast/migrations").standardized
        ]
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("Migrations"))
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { url in
            (try? FileManager.default.contentsOfDirectory(atPath: url.path))?.contains { $0.hasSuffix(".sql") } ?? false
        }
    }
}
