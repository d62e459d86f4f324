import Testing
@testable import holdfast_bench

/// The benchmark runs end to end (with few iterations) and reports every measurement.
struct VaultBenchmarkTests {
    @Test func reportHasEveryLine() {
        let report = VaultBenchmark(iterations: 50, slowIterations: 1).report()
        #expect(!report.contains("failed"))
        for label in ["key ring load", "seal one field", "open one field", "seal one connection",
                      "open one connection", "legacy open, per record", "legacy open, repeated salt"] {
            #expect(report.contains(label))
        }
    }
}
