import Foundation
import PostgreSQL

/// A PostgreSQL server for App tests, and a fresh database on it per test: the same throwaway server as
/// `Tests/PostgreSQLTests/TestServer.swift` (`HOLDFAST_TEST_POSTGRES_URL`, else `scripts/postgres.sh start`,
/// stopped at exit when these tests started it). Tests never skip: without a server they fail, saying why.
enum PostgresScratch {
    /// The checkout's root folder (Tests/AppTests/ is two levels below it).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The server's URL, or why there is none.
    static let serverURL: Result<String, ScratchError> = {
        if let url = ProcessInfo.processInfo.environment["HOLDFAST_TEST_POSTGRES_URL"], !url.isEmpty {
            return .success(url)
        }
        let wasRunning = (try? script("status")) != nil
        do {
            let url = try script("start").trimmingCharacters(in: .whitespacesAndNewlines)
            if !wasRunning { atexit { _ = try? PostgresScratch.script("stop") } }
            return .success(url)
        } catch {
            return .failure(ScratchError(description: "\(error)"))
        }
    }()

    /// A new, empty database for one test, dropped when the handle is released.
    static func database() throws -> ScratchDatabase {
        let server = try serverURL.get()
        let name = "holdfast_app_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try PostgresConnection(connectionString: server).execute("CREATE DATABASE \(name)")
        var components = URLComponents(string: server)
        components?.path = "/\(name)"
        return ScratchDatabase(name: name, url: components?.string ?? server, serverURL: server)
    }

    @discardableResult
    private static func script(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/postgres.sh")
        process.arguments = [command]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScratchError(description: "scripts/postgres.sh \(command) failed: "
                               + String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}

/// Why no test server could be had.
struct ScratchError: Error, CustomStringConvertible {
    let description: String
}

/// A database made for one test, dropped (with any sessions left on it) when released.
final class ScratchDatabase: Sendable {
    let name: String
    /// A URL connecting to this database.
    let url: String
    private let serverURL: String

    init(name: String, url: String, serverURL: String) {
        self.name = name
        self.url = url
        self.serverURL = serverURL
    }

    /// A new connection to this database.
    func connect() throws -> PostgresConnection { try PostgresConnection(connectionString: url) }

    deinit {
        try? PostgresConnection(connectionString: serverURL).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
