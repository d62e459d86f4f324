import Foundation
import Store
import Testing
import Vault
@testable import App

/// Key rotation and the seed import, on a real temp database.
struct CredentialsTests {
    static let keyA = "rotation-test-key-A-rotation-test-key-A-0001"
    static let keyB = "rotation-test-key-B-rotation-test-key-B-0002"

    struct LegacyFile: Decodable {
        struct Vector: Decodable { let plaintext: String; let ciphertext: String }
        let encryption_key: String
        let vectors: [Vector]
    }

    static let legacy: LegacyFile = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../VaultTests/Vectors/legacy-format.json").standardized
        return try! JSONDecoder().decode(LegacyFile.self, from: Data(contentsOf: url))
    }()

    func insertConnection(_ t: TestApp, userID: String, cipher: CredentialCipher, secret: String) throws -> String {
        let id = UUID().uuidString.lowercased()
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, passphrase_encrypted, created_at, updated_at)
                VALUES (?, ?, 'kucoin', ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(userID), .text(try cipher.seal("key-\(secret)", connectionId: id, field: .apiKey)),
                      .text(try cipher.seal("secret-\(secret)", connectionId: id, field: .apiSecret)),
                      .text(try cipher.seal("pass-\(secret)", connectionId: id, field: .passphrase))])
        }
        return id
    }

    @Test(arguments: TestBackend.allCases) func rotationRoundTripThenTheOldKeyCanGo(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("ada@example.com")
        let underA = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyA))
        let ids = try (0..<3).map { try insertConnection(t, userID: userID, cipher: underA, secret: "s\($0)") }

        let bWithA = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyB, previousKeys: [Self.keyA]))
        let first = try KeyRotation.rotate(t.app.database, cipher: bWithA)
        #expect(first == KeyRotation.Report(connections: 3, fieldsRotated: 9, fieldsAlreadyCurrent: 0))
        let second = try KeyRotation.rotate(t.app.database, cipher: bWithA)
        #expect(second == KeyRotation.Report(connections: 3, fieldsRotated: 0, fieldsAlreadyCurrent: 9))

        // With key A removed, everything still opens under B alone.
        let onlyB = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyB))
        for (index, id) in ids.enumerated() {
            let row = try #require(try t.app.database.read { try $0.queryOne("SELECT * FROM exchange_connections WHERE id = ?", [.text(id)]) })
            #expect(try onlyB.open(row.string("api_secret_encrypted")!, connectionId: id, field: .apiSecret) == "secret-s\(index)")
            #expect(try onlyB.open(row.string("passphrase_encrypted")!, connectionId: id, field: .passphrase) == "pass-s\(index)")
        }
    }

    /// Alert channels' secrets (webhook keys, ntfy tokens) rotate with the credentials.
    @Test(arguments: TestBackend.allCases) func alertSecretsRotateToo(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("alerts@example.com")
        let underA = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyA))
        let channelID = UUID().uuidString.lowercased()
        try t.app.database.write { db in
            try AlertChannelStore.insert(AlertChannel(
                id: channelID, userID: userID, kind: .ntfy, url: "https://ntfy.example.com/t",
                sealedSecret: try underA.seal("tk_topic", connectionId: channelID, field: .alertSecret),
                enabled: true, createdAt: "2027-01-15T08:00:00.000Z"), in: db)
        }
        let bWithA = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyB, previousKeys: [Self.keyA]))
        #expect(try KeyRotation.rotate(t.app.database, cipher: bWithA) == KeyRotation.Report(connections: 0, fieldsRotated: 1))
        let onlyB = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyB))
        let sealed = try #require(try t.app.database.read { try AlertChannelStore.sealedSecrets(in: $0) }.first?.sealed)
        #expect(try onlyB.open(sealed, connectionId: channelID, field: .alertSecret) == "tk_topic")
    }

    @Test(arguments: TestBackend.allCases) func rotationWithoutTheOldKeyFailsNamingItAndChangesNothing(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("ada@example.com")
        let underA = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyA))
        let id = try insertConnection(t, userID: userID, cipher: underA, secret: "x")
        let before = try t.app.database.read { try $0.queryOne("SELECT api_key_encrypted FROM exchange_connections") }
        let onlyB = CredentialCipher(keyRing: try KeyRing(activeKey: Self.keyB))
        #expect(throws: VaultError.unknownKey(underA.keyRing.activeKeyId)) { try KeyRotation.rotate(t.app.database, cipher: onlyB) }
        let after = try t.app.database.read { try $0.queryOne("SELECT api_key_encrypted FROM exchange_connections") }
        #expect(before?.string("api_key_encrypted") == after?.string("api_key_encrypted"))
        _ = id
    }

    func legacyRows(corruptIndex: Int? = nil) -> Data {
        let v = Self.legacy.vectors
        var rows: [[String: Any]] = [
            ["exchange": "binance", "label": "Main", "api_key_encrypted": v[0].ciphertext, "api_secret_encrypted": v[1].ciphertext,
             "passphrase_encrypted": NSNull(), "status": "active", "auto_sync": true, "sync_interval": 300],
            ["exchange": "kucoin", "label": NSNull(), "api_key_encrypted": v[1].ciphertext, "api_secret_encrypted": v[0].ciphertext,
             "passphrase_encrypted": v[1].ciphertext, "status": "error", "auto_sync": false, "sync_interval": 600],
            ["exchange": "coinbase", "label": "Pro", "api_key_encrypted": v[0].ciphertext, "api_secret_encrypted": v[0].ciphertext,
             "passphrase_encrypted": v[1].ciphertext, "status": "active", "auto_sync": true, "sync_interval": 300],
        ]
        if let corruptIndex {
            var parts = v[0].ciphertext.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            parts[2] = String(parts[2].reversed())  // a different authentication tag
            rows[corruptIndex]["api_secret_encrypted"] = parts.joined(separator: ":")
        }
        return try! JSONSerialization.data(withJSONObject: rows)
    }

    @Test(arguments: TestBackend.allCases) func importLegacyReencryptsEveryRow(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        let count = try LegacyImport.run(data: legacyRows(), email: "ada@example.com", legacyKey: Self.legacy.encryption_key,
                                         database: t.app.database, cipher: cipher)
        #expect(count == 3)
        let rows = try t.app.database.read { try $0.query("SELECT * FROM exchange_connections ORDER BY exchange") }
        #expect(rows.map { $0.string("exchange") } == ["binance", "coinbaseexchange", "kucoin"])
        let binance = rows[0]
        let id = try #require(binance.string("id"))
        #expect(try cipher.open(binance.string("api_key_encrypted")!, connectionId: id, field: .apiKey) == Self.legacy.vectors[0].plaintext)
        #expect(try cipher.open(binance.string("api_secret_encrypted")!, connectionId: id, field: .apiSecret) == Self.legacy.vectors[1].plaintext)
        #expect(binance.string("passphrase_encrypted") == nil)
        #expect(rows[2].string("status") == "error" && rows[2].int("auto_sync") == 0 && rows[2].int("sync_interval") == 600)
        let portfolios = try t.app.database.read { try $0.query("SELECT * FROM portfolios") }
        #expect(portfolios.count == 3)

        // No plaintext secret anywhere in the database files (on PostgreSQL, whose files are the server's, in
        // what the rows hold).
        let bytes: Data
        if backend == .sqlite {
            try t.app.database.read { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            bytes = try Data(contentsOf: URL(fileURLWithPath: t.app.configuration.databasePath))
        } else {
            bytes = Data(rows.flatMap { row in row.columns.keys.compactMap { row.string($0) } }.joined().utf8)
        }
        #expect(bytes.range(of: Data(Self.legacy.vectors[0].plaintext.utf8)) == nil)
        #expect(bytes.range(of: Data(Self.legacy.vectors[1].plaintext.utf8)) == nil)
    }

    @Test(arguments: TestBackend.allCases) func importWithOneBadRowImportsNothingAndNamesTheRow(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        do {
            _ = try LegacyImport.run(data: legacyRows(corruptIndex: 2), email: "ada@example.com", legacyKey: Self.legacy.encryption_key,
                                     database: t.app.database, cipher: cipher)
            Issue.record("expected failure")
        } catch let error as LegacyImportError {
            guard case .badRow(let index, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(index == 2)
            #expect(reason.contains("api_secret_encrypted"))
            #expect(!error.description.contains(Self.legacy.vectors[0].plaintext))
        }
        #expect(try t.app.database.read { try $0.query("SELECT id FROM exchange_connections") }.isEmpty)
        #expect(try t.app.database.read { try $0.query("SELECT id FROM portfolios") }.isEmpty)
    }

    @Test(arguments: TestBackend.allCases) func importWithTheWrongLegacyKeyImportsNothing(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        #expect(throws: LegacyImportError.badRow(index: 0, reason: "api_key_encrypted does not decrypt with HOLDFAST_LEGACY_ENCRYPTION_KEY")) {
            try LegacyImport.run(data: legacyRows(), email: "ada@example.com", legacyKey: "not-the-right-legacy-key-at-all-000",
                                 database: t.app.database, cipher: cipher)
        }
    }
}
