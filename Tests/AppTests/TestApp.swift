import Foundation
import Logging
import PostgreSQL
import PostgresTestSupport
import Store
import Web
@testable import App

/// The database a test runs on: the store suites run every test on both (`@Test(arguments: TestBackend.allCases)`).
enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A fresh SQLite file in a temp folder.
    case sqlite
    /// A fresh database (`CREATE DATABASE`) on the throwaway server of `TestServer`, dropped afterwards.
    case postgresql

    var description: String { rawValue }
}

/// An application on a fresh database (a temp SQLite file, or a new PostgreSQL database), migrated with the
/// repository's real migrations, called through the same `handle(_:)` entry point the responder uses.
struct TestApp {
    let app: Application
    let directory: URL
    let backend: TestBackend
    /// The PostgreSQL database, dropped when the last copy of this value goes; nil on SQLite.
    let postgres: TestDatabase?

    static let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Migrations").standardized

    init(backend: TestBackend = .sqlite, migrate: Bool = true, extraEnvironment: [String: String] = [:],
         logger: Logger = Logger(label: "test"), throttleClock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.backend = backend
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("app-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        postgres = backend == .postgresql ? try TestServer.freshDatabase() : nil
        let environment = [
            "HOLDFAST_DATABASE": postgres?.url ?? directory.appendingPathComponent("holdfast.sqlite").path,
            "HOLDFAST_MIGRATIONS_DIR": Self.migrations.path,
            "JWT_SECRET": "test-secret-test-secret-test-secret-0001",
            "ENCRYPTION_KEY": "test-encryption-key-test-encryption-key-01",
        ] as [String: String]
        app = try Application(configuration: try Configuration.load(environment: environment.merging(extraEnvironment) { $1 }),
                              logger: logger, throttleClock: throttleClock)
        if migrate {
            // A connection of its own: each migration is a transaction, which cannot nest inside a read.
            if let postgres {
                try PostgresMigrator(directory: MigrationCheck.postgresDirectory(in: Self.migrations))
                    .migrate(postgres.connect())
            } else {
                try Migrator(directory: Self.migrations).migrate(SQLiteConnection(path: app.database.path))
            }
        }
    }

    /// Adds a user with a cheap hash and returns its id.
    @discardableResult
    func addUser(_ email: String, password: String = "correct horse battery") throws -> String {
        var hasher = PasswordHasher()
        hasher.logN = 10
        return try Users.add(email: email, password: password, in: app.database, hasher: hasher)
    }

    func request(_ method: String, _ path: String, json: String? = nil, headers: [String: String] = [:],
                 remoteAddress: String = "") -> Response {
        var allHeaders = headers
        if json != nil && allHeaders["Content-Type"] == nil { allHeaders["Content-Type"] = "application/json" }
        return app.handle(Request(method: method, path: path, headers: allHeaders, body: Array((json ?? "").utf8),
                                  remoteAddress: remoteAddress))
    }

    /// Logs in and returns (token, csrfToken).
    func login(_ email: String, password: String = "correct horse battery") throws -> (String, String) {
        let response = request("POST", "/api/v1/auth/login", json: #"{"email":"\#(email)","password":"\#(password)"}"#)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.status == 200, let token = object?["token"] as? String, let csrf = object?["csrfToken"] as? String else {
            throw TestAppError.loginFailed(response.status)
        }
        return (token, csrf)
    }
}

enum TestAppError: Error { case loginFailed(Int) }

extension Response {
    /// The body as a JSON object.
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

extension TestApp {
    /// The connections due at `now`, by the store's one due rule.
    func due(now: Date = Date()) throws -> [ConnectionStore.Due] {
        try app.database.read { try ConnectionStore.due(in: $0, now: now) }
    }

    /// Claims connection `id`'s sync lease for `holder` whether or not it is due; true when taken.
    func claim(_ id: String, holder: String) throws -> Bool {
        if case .claimed = try app.database.lockingWrite({ try ConnectionStore.claim(id, holder: holder, onlyIfDue: false, in: $0) }) {
            return true
        }
        return false
    }
}
