import Exchanges
import Foundation
import Store
import Testing
@testable import App

/// `ConnectionStore.replaceCredentials` on both backends: a new key is stored in place, the old key's trouble
/// goes with it, and everything the connection has read so far stays.
@Suite(.serialized)
struct ConnectionRekeyStoreTests {
    let t: TestApp
    let userID: String

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        userID = try t.addUser("rekey@example.com")
    }

    /// A connection with one successful sync (two holdings, one history row), then failed `failures` times with
    /// a credential error, so it waits for the person.
    func brokenConnection(status: ConnectionStatus = .error, failures: Int = 3) throws -> String {
        let id = UUIDs.make()
        try t.app.database.write { db in
            let new = ConnectionStore.NewConnection(id: id, userID: userID, exchange: "kucoin", label: "Main", apiKeyEncrypted: "old-k",
                                                    apiSecretEncrypted: "old-s", passphraseEncrypted: "old-p",
                                                    createdAt: "2026-01-01T00:00:00.000Z")
            try ConnectionStore.insert(new, in: db)
            let read = AccountBalances(balances: [Balance(asset: "BTC", free: "1", locked: "0", total: "1"),
                                                  Balance(asset: "ETH", free: "2", locked: "0", total: "2")])
            _ = try t.app.engine.record(outcome: nil, read: read, for: id, trigger: .connect, holder: "connect",
                                        startedAt: Date(), duration: .zero, in: db)
            try db.run("""
                UPDATE exchange_connections SET status = ?, needs_attention = 1, consecutive_failures = ?,
                    last_error_code = 'invalid_credentials', last_error = 'rejected', next_attempt_at = NULL WHERE id = ?
                """, [.text(status.rawValue), .int(failures), .text(id)])
        }
        return id
    }

    static let replacement = ConnectionStore.CredentialsReplacement(
        apiKeyEncrypted: "new-k", apiSecretEncrypted: "new-s", passphraseEncrypted: "new-p", region: nil,
        permissions: #"{"canRead":true,"canTrade":false,"canWithdraw":false}"#, apiKeyHint: "abcd", unreadWallets: "[]",
        readNotes: "[]")

    func replace(_ id: String, userID: String? = nil, now: Date = Date()) throws -> ConnectionRecord? {
        try t.app.database.write { db in
            try ConnectionStore.replaceCredentials(id, userID: userID ?? self.userID, with: Self.replacement, now: now, in: db)
        }
    }

    func historyCount(_ id: String) throws -> Int {
        try t.app.database.read { try SyncRunStore.recent(connectionID: id, in: $0).count }
    }

    @Test(arguments: TestBackend.allCases)
    static func theNewKeyIsStoredAndTheOldTroubleCleared(_ backend: TestBackend) throws {
        try Self(backend).theNewKeyIsStoredAndTheOldTroubleCleared()
    }
    func theNewKeyIsStoredAndTheOldTroubleCleared() throws {
        let id = try brokenConnection()
        let before = try #require(try t.app.database.read { try ConnectionStore.find(id, in: $0) })
        #expect(before.status == .error && before.needsAttention && !before.due && before.holdingsCount == 2)
        let history = try historyCount(id)
        #expect(history == 1)

        let now = Date()
        let record = try #require(try replace(id, now: now))
        #expect(record.id == id && record.label == "Main")
        #expect(record.apiKeyEncrypted == "new-k" && record.apiSecretEncrypted == "new-s" && record.passphraseEncrypted == "new-p")
        #expect(record.apiKeyHint == "abcd" && record.permissions == Self.replacement.permissions)
        #expect(record.status == .active && !record.needsAttention && record.consecutiveFailures == 0)
        #expect(record.lastErrorCode == nil && record.lastError == nil)
        #expect(record.nextAttemptAt == Timestamp.format(now) && record.due)
        // Kept: the holdings and the history read with the old key.
        #expect(record.holdingsCount == 2)
        #expect(try historyCount(id) == history)
    }

    @Test(arguments: TestBackend.allCases)
    static func aPausedConnectionStaysPaused(_ backend: TestBackend) throws { try Self(backend).aPausedConnectionStaysPaused() }
    func aPausedConnectionStaysPaused() throws {
        let id = try brokenConnection(status: .disabled)
        let record = try #require(try replace(id))
        #expect(record.status == .disabled && !record.needsAttention && !record.due)
    }

    @Test(arguments: TestBackend.allCases)
    static func anotherUsersConnectionIsUntouched(_ backend: TestBackend) throws { try Self(backend).anotherUsersConnectionIsUntouched() }
    func anotherUsersConnectionIsUntouched() throws {
        let id = try brokenConnection()
        let stranger = try t.addUser("stranger@example.com")
        #expect(try replace(id, userID: stranger) == nil)
        #expect(try replace(UUIDs.make()) == nil)
        let record = try #require(try t.app.database.read { try ConnectionStore.find(id, in: $0) })
        #expect(record.apiKeyEncrypted == "old-k" && record.status == .error && record.needsAttention)
    }

    /// A sync that started with the old key and ends after the replacement must not put the old key's error back:
    /// it has lost its lease, so its result is discarded, and the connection is free to be claimed at once.
    @Test(arguments: TestBackend.allCases)
    static func aSyncStillRunningWithTheOldKeyIsDiscarded(_ backend: TestBackend) throws {
        try Self(backend).aSyncStillRunningWithTheOldKeyIsDiscarded()
    }
    func aSyncStillRunningWithTheOldKeyIsDiscarded() throws {
        let id = try brokenConnection(failures: 1)
        let running = SyncLease.holderID()
        let claimed = try t.app.database.lockingWrite { try ConnectionStore.claim(id, holder: running, onlyIfDue: false, in: $0) }
        guard case .claimed = claimed else { Issue.record("not claimed: \(claimed)"); return }
        #expect(try t.app.database.read { try ConnectionStore.find(id, in: $0) }?.syncing == true)

        let replaced = try #require(try replace(id))
        #expect(!replaced.syncing && replaced.due)
        try t.app.database.write { db in
            _ = try t.app.engine.record(outcome: ExchangeError(.invalidCredentials, exchange: .kucoin), read: AccountBalances(balances: []),
                                        for: id, trigger: .scheduled, holder: running, startedAt: Date(), duration: .zero, in: db)
        }
        let after = try #require(try t.app.database.read { try ConnectionStore.find(id, in: $0) })
        #expect(after.status == .active && !after.needsAttention && after.lastErrorCode == nil && after.holdingsCount == 2)
        let next = SyncLease.holderID()
        let again = try t.app.database.lockingWrite { try ConnectionStore.claim(id, holder: next, onlyIfDue: true, in: $0) }
        guard case .claimed = again else { Issue.record("the timer could not claim it: \(again)"); return }
    }
}
