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
            let database = try Configuration.openDatabaseOnly()
            let cipher = CredentialCipher(keyRing: try Configuration.loadKeyRing())
            let report = try KeyRotation.rotate(database, cipher: cipher)
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
            let database = try Configuration.openDatabaseOnly()
            let keyRing = try Configuration.loadKeyRing()
            let report = try KeyRingCheck.run(database, keyRing: keyRing)
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
        let legacyKey = try Configuration.legacyEncryptionKey()
        let database = try Configuration.openDatabaseOnly()
        let cipher = CredentialCipher(keyRing: try Configuration.loadKeyRing())
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let count = try LegacyImport.run(data: data, email: user, legacyKey: legacyKey, database: database, cipher: cipher)
        print("imported \(count) connection\(count == 1 ? "" : "s") for \(user)")
    }
}
