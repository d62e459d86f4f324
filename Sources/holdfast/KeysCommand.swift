import App
import ArgumentParser
import Foundation
import Store
import Vault

/// `holdfast keys rotate|check`: re-encrypts stored credentials under the active `ENCRYPTION_KEY`, or checks
/// that they open with the configured keys.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the keys that encrypt exchange credentials.", subcommands: [Rotate.self, Check.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Re-encrypt every stored credential under ENCRYPTION_KEY, reading old ones with ENCRYPTION_KEYS_PREVIOUS. \
            Safe to run twice; afterwards the previous keys can be removed.
            """)

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let (path, _) = try Configuration.databaseOnly(environment: environment)
            let cipher = CredentialCipher(keyRing: try KeyRing.load(environment: environment))
            let report = try KeyRotation.rotate(Database(path: path), cipher: cipher)
            print("connections: \(report.connections), fields re-encrypted: \(report.fieldsRotated), "
                + "already under the active key: \(report.fieldsAlreadyCurrent) (active key \(cipher.keyRing.activeKeyId))")
        }
    }
}

extension KeysCommand {
    /// `holdfast keys check`: counts the stored credentials by the key they open with; exit 1 when credentials
    /// are stored and none opens (the configured key is wrong, and the services refuse to start).
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Count stored credentials: open with the current key, only with a previous key, with none. \
            Exits 1 when none opens (a wrong ENCRYPTION_KEY). Changes nothing.
            """)

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let (path, _) = try Configuration.databaseOnly(environment: environment)
            let keyRing = try KeyRing.load(environment: environment)
            let report = try KeyRingCheck.run(Database(path: path), keyRing: keyRing)
            print("\(report.summary) (active key \(keyRing.activeKeyId))")
            if report.nothingOpens { throw ExitCode.reporting(KeyRingCheck.nothingOpensMessage(report)) }
            if report.openOnlyWithPrevious > 0 {
                print("run `holdfast keys rotate` to re-encrypt them under the current key")
            }
        }
    }
}

/// `holdfast import-legacy --user EMAIL FILE`: imports connections exported from the seed backend.
struct ImportLegacy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-legacy",
        abstract: "Import exchange connections exported from the seed backend (old key in HOLDFAST_LEGACY_ENCRYPTION_KEY).")

    @Option(help: "The email of the Holdfast user who will own the connections.") var user: String
    @Argument(help: "A JSON array of the seed's exchange_connections rows.") var file: String

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let legacyKey = environment["HOLDFAST_LEGACY_ENCRYPTION_KEY"], !legacyKey.isEmpty else {
            throw ValidationError("HOLDFAST_LEGACY_ENCRYPTION_KEY is not set: it must hold the seed backend's ENCRYPTION_KEY")
        }
        let (path, _) = try Configuration.databaseOnly(environment: environment)
        let cipher = CredentialCipher(keyRing: try KeyRing.load(environment: environment))
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let count = try LegacyImport.run(data: data, email: user, legacyKey: legacyKey, database: Database(path: path), cipher: cipher)
        print("imported \(count) connection\(count == 1 ? "" : "s") for \(user)")
    }
}

/// `holdfast bench vault`: prints the vault's per-field costs (a benchmark, not a test).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Print performance figures, and seed data for benchmarks.",
        subcommands: [VaultBench.self, SeedConnections.self])

    struct VaultBench: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "vault", abstract: "Seal/open cost per field and per connection.")
        @Option(help: "Iterations per measurement.") var iterations = 20_000

        func run() {
            print(VaultBenchmark(iterations: iterations).report())
        }
    }

    /// `holdfast bench seed-connections`: due connections for the sync benchmark (Benchmarks/sync.sh).
    struct SeedConnections: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seed-connections", abstract: "Add COUNT due connections for USER from a sandbox fixture's accounts.")
        @Option(help: "How many connections.") var count = 1000
        @Option(help: "The owner's email.") var user: String
        @Option(help: "A sandbox fixture JSON (holdfast-sandbox --print-fixture).") var fixture: String

        func run() throws {
            struct Fixture: Decodable { let accounts: [BenchmarkSeed.Account] }
            let environment = ProcessInfo.processInfo.environment
            let (path, _) = try Configuration.databaseOnly(environment: environment)
            let accounts = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: fixture))).accounts
            let ids = try BenchmarkSeed.seed(count: count, accounts: accounts, userEmail: user, database: Database(path: path),
                                             keyRing: try KeyRing.load(environment: environment))
            print("seeded \(ids.count) connections")
        }
    }
}
