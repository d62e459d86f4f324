import Exchanges
import Foundation
import Store
import Testing
import Vault
@testable import App

/// Connections stored from plaintext credentials without asking the exchange (`ConnectionImport`), on both backends.
struct ConnectionImportTests {
    static let entries = [
        ConnectionImport.Entry(exchange: .binance, label: "spot", apiKey: "binance-key-0123456789",
                               apiSecret: "binance-secret", passphrase: nil),
        ConnectionImport.Entry(exchange: .kucoin, label: nil, apiKey: "kucoin-key-abcdefghij",
                               apiSecret: "kucoin-secret", passphrase: "kucoin-passphrase"),
    ]

    /// Every connection of `userID`, oldest first.
    static func connections(_ t: TestApp, userID: String) throws -> [ConnectionRecord] {
        try t.app.database.read { try ConnectionStore.all(userID: userID, in: $0) }
    }

    @Test(arguments: TestBackend.allCases)
    func storesSealedDueConnectionsOfTheUser(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("import@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        // The email's case does not matter, as at login.
        let ids = try ConnectionImport.add(Self.entries, forUserWithEmail: "Import@Example.com", in: t.app.database,
                                           cipher: cipher)
        #expect(ids.count == 2 && Set(ids).count == 2)
        let stored = try Self.connections(t, userID: userID)
        #expect(Set(stored.map(\.id)) == Set(ids))
        for (id, entry) in zip(ids, Self.entries) {
            let record = try #require(stored.first { $0.id == id })
            #expect(record.exchange == entry.exchange.rawValue && record.label == entry.label)
            #expect(record.status == .active && record.lastAttemptAt == nil && record.due)
            #expect(record.apiKeyHint == ConnectionView.keyHint(entry.apiKey))
            // Sealed, and bound to this row: the plaintext is not stored, and the cipher opens it for this id.
            #expect(!record.apiKeyEncrypted.contains(entry.apiKey))
            #expect(try cipher.open(record.apiKeyEncrypted, connectionId: id, field: .apiKey) == entry.apiKey)
            #expect(try cipher.open(record.apiSecretEncrypted, connectionId: id, field: .apiSecret) == entry.apiSecret)
            #expect(try record.passphraseEncrypted.map { try cipher.open($0, connectionId: id, field: .passphrase) }
                    == entry.passphrase)
        }
        #expect(Set(try t.due().map(\.id)) == Set(ids))
    }

    @Test(arguments: TestBackend.allCases)
    func anUnknownEmailStoresNothing(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("someone@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        #expect(throws: UserError.notFound) {
            try ConnectionImport.add(Self.entries, forUserWithEmail: "nobody@example.com", in: t.app.database,
                                     cipher: cipher)
        }
        #expect(try Self.connections(t, userID: userID).isEmpty)
        #expect(try t.due().isEmpty)
    }
}
