import Foundation
import Store
import Testing
@testable import App

/// `UserStore` against a real database, SQLite and PostgreSQL, migrated with the repository's migrations.
struct UserStoreTests {
    let t: TestApp
    var database: Database { t.app.database }

    init(_ backend: TestBackend = .sqlite) throws { t = try TestApp(backend: backend) }

    @Test(arguments: TestBackend.allCases)
    static func findsAUserByEmailInAnyASCIICase(_ backend: TestBackend) throws { try Self(backend).findsAUserByEmailInAnyASCIICase() }
    func findsAUserByEmailInAnyASCIICase() throws {
        let id = try StoreFixtures.user("Ada@Example.com", in: database)
        let found = try database.read { db in try UserStore.find(email: "aDA@eXAMPLE.COM", in: db) }
        #expect(found == UserStore.User(id: id, email: "Ada@Example.com", passwordHash: "$placeholder$",
                                        createdAt: StoreFixtures.now))
        #expect(try database.read { db in try UserStore.find(email: "bob@example.com", in: db) } == nil)
    }

    @Test(arguments: TestBackend.allCases)
    static func refusesAnEmailAlreadyTakenInAnotherCase(_ backend: TestBackend) throws { try Self(backend).refusesAnEmailAlreadyTakenInAnotherCase() }
    func refusesAnEmailAlreadyTakenInAnotherCase() throws {
        try StoreFixtures.user("ada@example.com", in: database)
        #expect(throws: UserError.emailTaken) {
            try StoreFixtures.user("ADA@EXAMPLE.COM", in: database)
        }
        #expect(try StoreFixtures.count("users", in: database) == 1)
    }

    @Test(arguments: TestBackend.allCases)
    static func setsThePasswordHashOfAnExistingUserOnly(_ backend: TestBackend) throws { try Self(backend).setsThePasswordHashOfAnExistingUserOnly() }
    func setsThePasswordHashOfAnExistingUserOnly() throws {
        let id = try StoreFixtures.user("ada@example.com", in: database)
        let changed = try database.write { db in try UserStore.setPasswordHash("$new$", ofUser: id, at: "2027-01-01T00:00:00.000Z", in: db) }
        let missing = try database.write { db in try UserStore.setPasswordHash("$new$", ofUser: "nobody", at: "2027-01-01T00:00:00.000Z", in: db) }
        #expect(changed && !missing)
        #expect(try database.read { db in try UserStore.find(email: "ada@example.com", in: db)?.passwordHash } == "$new$")
    }

    @Test(arguments: TestBackend.allCases)
    static func listsUsersOldestFirstWithTheirConnectionCounts(_ backend: TestBackend) throws { try Self(backend).listsUsersOldestFirstWithTheirConnectionCounts() }
    func listsUsersOldestFirstWithTheirConnectionCounts() throws {
        let bob = try StoreFixtures.user("bob@example.com", in: database, at: "2026-02-01T00:00:00.000Z")
        let ada = try StoreFixtures.user("ada@example.com", in: database, at: "2026-01-01T00:00:00.000Z")
        try StoreFixtures.connection(of: bob, in: database)
        try StoreFixtures.connection(of: bob, exchange: "binance", in: database)
        let users = try database.read { db in try UserStore.list(in: db) }
        #expect(users == [
            Users.Summary(id: ada, email: "ada@example.com", createdAt: "2026-01-01T00:00:00.000Z", connections: 0),
            Users.Summary(id: bob, email: "bob@example.com", createdAt: "2026-02-01T00:00:00.000Z", connections: 2),
        ])
    }

    @Test(arguments: TestBackend.allCases)
    static func deletingAUserCascadesToTheirSessionsAndConnections(_ backend: TestBackend) throws { try Self(backend).deletingAUserCascadesToTheirSessionsAndConnections() }
    func deletingAUserCascadesToTheirSessionsAndConnections() throws {
        let ada = try StoreFixtures.user("ada@example.com", in: database)
        let bob = try StoreFixtures.user("bob@example.com", in: database)
        try StoreFixtures.connection(of: ada, in: database)
        try database.write { db in
            for user in [ada, bob] {
                try SessionStore.insert(id: UUID().uuidString, userID: user, createdAt: StoreFixtures.epoch,
                                        expiresAt: StoreFixtures.epoch + 3600, in: db)
            }
        }
        #expect(try database.write { db in try UserStore.delete(id: ada, in: db) })
        #expect(try !database.write { db in try UserStore.delete(id: ada, in: db) })
        #expect(try StoreFixtures.count("sessions", where: "user_id = ?", [.text(ada)], in: database) == 0)
        #expect(try StoreFixtures.count("exchange_connections", where: "user_id = ?", [.text(ada)], in: database) == 0)
        #expect(try StoreFixtures.count("sessions", where: "user_id = ?", [.text(bob)], in: database) == 1)
    }

    /// `holdfast user password` finds the user in any case and revokes their sessions in the same transaction.
    @Test(arguments: TestBackend.allCases)
    static func changingAPasswordRevokesEverySessionOfThatUser(_ backend: TestBackend) throws { try Self(backend).changingAPasswordRevokesEverySessionOfThatUser() }
    func changingAPasswordRevokesEverySessionOfThatUser() throws {
        let ada = try t.addUser("ada@example.com")
        let (token, _) = try t.login("ada@example.com")
        var hasher = PasswordHasher()
        hasher.logN = 10
        try Users.setPassword(email: "ADA@example.com", password: "a new long password", in: database, hasher: hasher)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(token)"]).status == 401)
        #expect(try StoreFixtures.count("sessions", where: "user_id = ? AND revoked_at IS NULL", [.text(ada)], in: database) == 0)
        #expect(try t.login("ada@example.com", password: "a new long password").0.isEmpty == false)
    }

    @Test(arguments: TestBackend.allCases)
    static func logsInWithTheEmailInAnotherCase(_ backend: TestBackend) throws { try Self(backend).logsInWithTheEmailInAnotherCase() }
    func logsInWithTheEmailInAnotherCase() throws {
        try t.addUser("ada@example.com")
        #expect(try t.login("ADA@Example.COM").0.isEmpty == false)
    }
}
