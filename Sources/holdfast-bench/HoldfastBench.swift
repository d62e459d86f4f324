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
        subcommands: [Vault.self, SeedConnections.self, HistorySize.self])

    /// `holdfast-bench vault`: the vault's per-field costs (a benchmark, not a test).
    struct Vault: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vault", abstract: "Seal/open cost per field and per connection.")
        @Option(help: "Iterations per measurement.") var iterations = 20_000

        func run() {
            print(VaultBenchmark(iterations: iterations).report())
        }
    }

    /// `holdfast-bench history-size`: a year of one user's history written and thinned in the (fresh, migrated)
    /// database of `HOLDFAST_DATABASE` (Benchmarks/history-size.sh, which prints the file's size).
    struct HistorySize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history-size", abstract: "Write DAYS of history for a new user USER, thin it, time a 1-year read.")
        @Option(help: "Days of history.") var days = 365
        @Option(help: "The new user's email.") var user = "history@example.com"

        func run() throws {
            let database = try Configuration.openDatabaseOnly()
            defer { database.close() }
            var hasher = PasswordHasher()
            hasher.logN = 10  // the user only owns the rows; a full-cost hash would only slow the set-up
            let userID = try Users.add(email: user, password: "benchmark password 1", in: database, hasher: hasher)
            for line in try HistorySizeBenchmark(database: database, days: days).run(userID: userID) { print(line) }
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
