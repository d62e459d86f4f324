import App
import ArgumentParser
import BenchmarkSeeding
import Foundation
import Store

/// `holdfast-bench`: benchmarks and their seed data, kept out of the libraries and the admin CLI a server runs.
/// `make bench` and `Benchmarks/*.sh` call it; it is built with the other binaries but never installed.
@main
struct HoldfastBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-bench", abstract: "Print performance figures, and seed data for benchmarks.",
        subcommands: [Vault.self, SeedConnections.self])

    /// `holdfast-bench vault`: the vault's per-field costs (a benchmark, not a test).
    struct Vault: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vault", abstract: "Seal/open cost per field and per connection.")
        @Option(help: "Iterations per measurement.") var iterations = 20_000

        func run() {
            print(VaultBenchmark(iterations: iterations).report())
        }
    }

    /// `holdfast-bench seed-connections`: due connections for the sync benchmarks (Benchmarks/sync.sh, budget.sh),
    /// in the database of `HOLDFAST_DATABASE`, sealed with `ENCRYPTION_KEY`.
    struct SeedConnections: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-connections", abstract: "Add COUNT due connections for USER from a sandbox fixture's accounts.")
        @Option(help: "How many connections.") var count = 1000
        @Option(help: "The owner's email.") var user: String
        @Option(help: "A sandbox fixture JSON (holdfast-sandbox --print-fixture).") var fixture: String

        func run() throws {
            struct Fixture: Decodable { let accounts: [BenchmarkSeed.Account] }
            let database = try Configuration.openDatabaseOnly()
            let accounts = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: fixture))).accounts
            let ids = try BenchmarkSeed.seed(count: count, accounts: accounts, userEmail: user, database: database,
                                             keyRing: try Configuration.loadKeyRing())
            print("seeded \(ids.count) connections")
        }
    }
}
