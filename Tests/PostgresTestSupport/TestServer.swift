import Foundation
import PostgreSQL

/// The PostgreSQL server the tests use (PostgreSQLTests, and AppTests' store suites on PostgreSQL), and a fresh database on it per test.
///
/// `make test-unit` starts a throwaway server (`scripts/postgres.sh`) and exports its URL as
/// `HOLDFAST_TEST_POSTGRES_URL`. When that is unset (`swift test` run by hand) the tests start the same server
/// themselves through the script, and stop it when the test process exits if they were the ones to start it.
/// They never skip: without a server they fail, saying why.
public enum TestServer {
    /// The checkout's root folder (Tests/PostgreSQLTests/ is two levels below it).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The server's URL (the maintenance database tests create their own databases from).
    public static let url: Result<String, TestServerError> = {
        if let url = ProcessInfo.processInfo.environment["HOLDFAST_TEST_POSTGRES_URL"], !url.isEmpty {
            return .success(url)
        }
        let wasRunning = (try? script("status")) != nil
        do {
            let url = try script("start").trimmingCharacters(in: .whitespacesAndNewlines)
            if !wasRunning { atexit { _ = try? TestServer.script("stop") } }
            return .success(url)
        } catch let error as TestServerError {
            return .failure(error)
        } catch {
            return .failure(TestServerError(description: "\(error)"))
        }
    }()

    /// A new, empty database of its own for one test; dropped when the returned handle is released.
    public static func freshDatabase() throws -> TestDatabase {
        let server = try url.get()
        let name = "holdfast_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try PostgresConnection(connectionString: server)
        try admin.execute("CREATE DATABASE \(name)")
        return TestDatabase(name: name, url: replacingDatabase(in: server, with: name), serverURL: server)
    }

    /// `url` naming database `name` instead of its own.
    public static func replacingDatabase(in url: String, with name: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/\(name)"
        return components.string ?? url
    }

    /// Runs `scripts/postgres.sh command` and returns its stdout; throws with its stderr when it fails.
    /// `environment` is added to this process's own (`HOLDFAST_POSTGRES_DIR` for a server in another folder,
    /// `HOLDFAST_POSTGRES_TLS_CERT` / `_KEY` for one that speaks TLS: see `OwnServer`).
    @discardableResult
    public static func script(_ command: String, environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/postgres.sh")
        process.arguments = [command]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(description: "scripts/postgres.sh \(command) failed (\(process.terminationStatus)): "
                                  + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}

/// Why no test server could be had.
public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
}

/// A database made for one test, dropped (with any connections still on it) when released.
public final class TestDatabase: Sendable {
    public let name: String
    /// A URL connecting to this database.
    public let url: String
    private let serverURL: String

    init(name: String, url: String, serverURL: String) {
        self.name = name
        self.url = url
        self.serverURL = serverURL
    }

    /// A new connection to this database.
    public func connect() throws -> PostgresConnection { try PostgresConnection(connectionString: url) }

    deinit {
        // WITH (FORCE) (PostgreSQL 13+) ends sessions a test left open, e.g. a pool's idle connections.
        let admin = try? PostgresConnection(connectionString: serverURL)
        try? admin?.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
