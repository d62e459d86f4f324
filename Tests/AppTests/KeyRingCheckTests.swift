import Foundation
import Store
import Testing
import Vault
@testable import App

/// The start-up check both services run: a key ring that opens no stored credential is refused before any
/// sync work, with the connections left exactly as they were; a partly wrong ring is not.
struct KeyRingCheckTests {
    static let right = "key-ring-check-right-key-0001-right-key-0001"
    static let previous = "key-ring-check-previous-key-0002-previous-02"
    static let wrong = "key-ring-check-wrong-key-0003-wrong-key-00003"

    let t: TestApp
    let userID: String

    init(_ backend: TestBackend = .sqlite) throws {
        t = try TestApp(backend: backend)
        userID = try t.addUser("ada@example.com")
    }

    func insert(sealedWith key: String) throws -> String {
        try CredentialsTests().insertConnection(
            t, userID: userID, cipher: CredentialCipher(keyRing: try KeyRing(activeKey: key)), secret: UUID().uuidString)
    }

    func configuration(active: String, previous: [String] = []) throws -> Configuration {
        var configuration = t.app.configuration
        configuration.keyRing = try KeyRing(activeKey: active, previousKeys: previous)
        return configuration
    }

    /// Every column of every connection, to prove a refusal changed nothing.
    func connectionRows() throws -> [String] {
        try t.app.database.read { db in
            try db.query("SELECT * FROM exchange_connections ORDER BY id").map { row in
                row.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func countsConnectionsByTheKeyTheyOpenWith(_ backend: TestBackend) throws { try Self(backend).countsConnectionsByTheKeyTheyOpenWith() }
    func countsConnectionsByTheKeyTheyOpenWith() throws {
        _ = try insert(sealedWith: Self.right)
        _ = try insert(sealedWith: Self.previous)
        _ = try insert(sealedWith: Self.wrong)
        let ring = try KeyRing(activeKey: Self.right, previousKeys: [Self.previous])
        let report = try KeyRingCheck.run(t.app.database, keyRing: ring)
        #expect(report.stored == 3 && report.openWithActive == 1 && report.openOnlyWithPrevious == 1 && report.openWithNone == 1)
        #expect(!report.nothingOpens)
    }

    @Test(arguments: TestBackend.allCases)
    static func noStoredCredentialIsNotAWrongKey(_ backend: TestBackend) throws { try Self(backend).noStoredCredentialIsNotAWrongKey() }
    func noStoredCredentialIsNotAWrongKey() throws {
        let report = try KeyRingCheck.run(t.app.database, keyRing: try KeyRing(activeKey: Self.wrong))
        #expect(report == KeyRingCheck.Report())
        #expect(!report.nothingOpens)
        try ServiceStartup.check(try configuration(active: Self.wrong), database: t.app.database)
    }

    @Test(arguments: TestBackend.allCases)
    static func aRingThatOpensNothingIsRefusedAndNoRowChanges(_ backend: TestBackend) throws { try Self(backend).aRingThatOpensNothingIsRefusedAndNoRowChanges() }
    func aRingThatOpensNothingIsRefusedAndNoRowChanges() throws {
        _ = try insert(sealedWith: Self.right)
        _ = try insert(sealedWith: Self.right)
        let before = try connectionRows()
        do {
            try ServiceStartup.check(try configuration(active: Self.wrong), database: t.app.database)
            Issue.record("a key ring that opens nothing was accepted")
        } catch let refusal as ServiceStartup.Refusal {
            #expect(refusal.description.contains("stored: 2, open with the current key: 0"))
            #expect(refusal.description.contains("/etc/holdfast/encryption-key"))
            #expect(refusal.description.contains("holdfast keys check"))
            #expect(!refusal.description.contains(Self.wrong) && !refusal.description.contains(Self.right))
        }
        #expect(try connectionRows() == before)
        // The right key as a previous one is enough to start (rotation finishes the job).
        try ServiceStartup.check(try configuration(active: Self.wrong, previous: [Self.right]), database: t.app.database)
    }

    @Test(arguments: TestBackend.allCases)
    static func somethingOpeningKeepsThePerConnectionBehaviour(_ backend: TestBackend) throws { try Self(backend).somethingOpeningKeepsThePerConnectionBehaviour() }
    func somethingOpeningKeepsThePerConnectionBehaviour() throws {
        _ = try insert(sealedWith: Self.right)
        _ = try insert(sealedWith: Self.wrong)
        try ServiceStartup.check(try configuration(active: Self.right), database: t.app.database)
    }

    @Test(arguments: TestBackend.allCases)
    static func aDatabaseFromANewerHoldfastIsRefusedWithWhatToDo(_ backend: TestBackend) throws { try Self(backend).aDatabaseFromANewerHoldfastIsRefusedWithWhatToDo() }
    func aDatabaseFromANewerHoldfastIsRefusedWithWhatToDo() throws {
        try t.app.database.write { db in
            try db.run("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future', 'x', 'now')")
        }
        do {
            try ServiceStartup.check(t.app.configuration, database: t.app.database)
            Issue.record("a newer database was accepted")
        } catch let refusal as ServiceStartup.Refusal {
            #expect(refusal.description.contains("9999_future"))
            #expect(refusal.description.contains("made by a newer Holdfast: install that version or restore the backup taken before the upgrade"))
        }
    }

    @Test(arguments: TestBackend.allCases)
    static func anUnmigratedDatabaseIsRefused(_ backend: TestBackend) throws { try Self(backend).anUnmigratedDatabaseIsRefused() }
    func anUnmigratedDatabaseIsRefused() throws {
        let fresh = try TestApp(backend: t.backend, migrate: false)
        #expect(throws: ServiceStartup.Refusal.self) { try ServiceStartup.check(fresh.app.configuration, database: fresh.app.database) }
    }
}
