import Foundation
import Store
import Testing
import Web
@testable import App

/// `SessionStore` against a real SQLite file migrated with the repository's migrations, on fixed instants.
struct SessionStoreTests {
    let t: TestApp
    let ada: String
    let bob: String
    var database: Database { t.app.database }
    let start = StoreFixtures.epoch

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        ada = try StoreFixtures.user("ada@example.com", in: t.app.database)
        bob = try StoreFixtures.user("bob@example.com", in: t.app.database)
    }

    func insert(_ id: String, of user: String, lasting seconds: TimeInterval = 3600) throws {
        try database.write { db in
            try SessionStore.insert(id: id, userID: user, createdAt: start, expiresAt: start + seconds, in: db)
        }
    }

    func owner(_ id: String, at date: Date) throws -> SessionStore.Owner? {
        try database.read { db in try SessionStore.liveOwner(ofSession: id, at: date, in: db) }
    }

    @Test(arguments: TestBackend.allCases)
    static func aLiveSessionNamesItsOwnerUntilItExpires(_ backend: TestBackend) throws { try Self(backend).aLiveSessionNamesItsOwnerUntilItExpires() }
    func aLiveSessionNamesItsOwnerUntilItExpires() throws {
        try insert("s1", of: ada)
        #expect(try owner("s1", at: start) == SessionStore.Owner(userID: ada, email: "ada@example.com"))
        #expect(try owner("s1", at: start + 3599.999) != nil)
        #expect(try owner("s1", at: start + 3600) == nil)
        #expect(try owner("unknown", at: start) == nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func aRevokedSessionHasNoOwnerAndASecondRevokeChangesNothing(_ backend: TestBackend) throws { try Self(backend).aRevokedSessionHasNoOwnerAndASecondRevokeChangesNothing() }
    func aRevokedSessionHasNoOwnerAndASecondRevokeChangesNothing() throws {
        try insert("s1", of: ada)
        try insert("s2", of: ada)
        #expect(try database.write { db in try SessionStore.revoke(id: "s1", at: StoreFixtures.now, in: db) })
        #expect(try !database.write { db in try SessionStore.revoke(id: "s1", at: StoreFixtures.now, in: db) })
        #expect(try owner("s1", at: start) == nil)
        #expect(try owner("s2", at: start) != nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func revokingAllOfAUsersSessionsLeavesOtherUsersAlone(_ backend: TestBackend) throws { try Self(backend).revokingAllOfAUsersSessionsLeavesOtherUsersAlone() }
    func revokingAllOfAUsersSessionsLeavesOtherUsersAlone() throws {
        try insert("a1", of: ada)
        try insert("a2", of: ada)
        try insert("b1", of: bob)
        #expect(try database.write { db in try SessionStore.revokeAll(ofUser: ada, at: StoreFixtures.now, in: db) } == 2)
        #expect(try owner("a1", at: start) == nil && owner("a2", at: start) == nil)
        #expect(try owner("b1", at: start)?.userID == bob)
    }

    @Test(arguments: TestBackend.allCases)
    static func deletesOnlyTheUsersSessionsThatExpiredBeforeTheCutoff(_ backend: TestBackend) throws { try Self(backend).deletesOnlyTheUsersSessionsThatExpiredBeforeTheCutoff() }
    func deletesOnlyTheUsersSessionsThatExpiredBeforeTheCutoff() throws {
        try insert("old", of: ada, lasting: 60)
        try insert("new", of: ada, lasting: 7200)
        try insert("bobs-old", of: bob, lasting: 60)
        let removed = try database.write { db in try SessionStore.deleteExpired(ofUser: ada, before: start + 3600, in: db) }
        #expect(removed == 1)
        #expect(try database.read { db in try SessionStore.count(ofUser: ada, in: db) } == 1)
        #expect(try database.read { db in try SessionStore.count(ofUser: bob, in: db) } == 1)
    }

    /// Through `Sessions`: a token stops working at logout, and the login that starts a session prunes the
    /// user's sessions that ended more than a day ago.
    @Test(arguments: TestBackend.allCases)
    static func sessionsStartAuthenticateAndRevokeThroughTheStore(_ backend: TestBackend) throws { try Self(backend).sessionsStartAuthenticateAndRevokeThroughTheStore() }
    func sessionsStartAuthenticateAndRevokeThroughTheStore() throws {
        // Ended two days before the real now that `start(userID:)` uses.
        let ended = Date() - 2 * 86_400
        try database.write { db in
            try SessionStore.insert(id: "stale", userID: ada, createdAt: ended - 3600, expiresAt: ended, in: db)
        }
        let sessions = t.app.sessions
        let started = try sessions.start(userID: ada)
        let request = Request(method: "GET", path: "/", headers: ["Authorization": "Bearer \(started.token)"], body: [],
                                  remoteAddress: "")
        #expect(try sessions.authenticate(request).email == "ada@example.com")
        #expect(try database.read { db in try SessionStore.count(ofUser: ada, in: db) } == 1)
        try sessions.revoke(started.sessionID)
        #expect(throws: (any Error).self) { try sessions.authenticate(request) }
    }
}
