import Foundation

/// A throwaway PostgreSQL server of a test's own, in a folder of its own, for what the shared server cannot show:
/// one that speaks TLS with a certificate the test made (`TestCertificates`). Started by `scripts/postgres.sh` like
/// the shared one, so it is set up the same way (loopback, trusted local clients, an unprivileged user); stopped
/// by `stop()`, or at the latest when the test process exits, which also removes its folder.
public final class OwnServer: Sendable {
    /// The server's folder (`HOLDFAST_POSTGRES_DIR`): data, socket, log.
    public let folder: URL
    /// The server's URL: `postgresql://holdfast@127.0.0.1:PORT/holdfast`.
    public let url: String
    /// The server's TCP port on 127.0.0.1.
    public let port: Int
    private let environment: [String: String]

    /// Makes and starts a server in `folder` (created if missing); with `tls`, it has `ssl = on` and serves
    /// `tls.serverCertificate`.
    ///
    /// - Throws: `TestServerError` with the script's stderr when the server cannot be made or started.
    public init(in folder: URL, tls: TestCertificates? = nil) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = ["HOLDFAST_POSTGRES_DIR": folder.path]
        if let tls {
            environment["HOLDFAST_POSTGRES_TLS_CERT"] = tls.serverCertificate.path
            environment["HOLDFAST_POSTGRES_TLS_KEY"] = tls.serverKey.path
        }
        self.folder = folder
        self.environment = environment
        url = try TestServer.script("start", environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = URLComponents(string: url)?.port else {
            throw TestServerError(description: "scripts/postgres.sh start printed no URL with a port: \(url)")
        }
        self.port = port
        StopAtExit.add(environment, folder: folder)
    }

    /// Stops the server (idempotent); its folder stays until the process exits.
    public func stop() throws { try TestServer.script("stop", environment: environment) }
}

/// The servers `OwnServer` started, stopped when the test process exits (a test that failed before its own
/// `stop()` leaves no server running). `atexit` takes a C function, which captures nothing, hence the list.
private enum StopAtExit {
    // Guarded by `lock`; read by the exit handler after every test has finished.
    nonisolated(unsafe) private static var servers: [(environment: [String: String], folder: URL)] = []
    private static let lock = NSLock()
    private static let registered: Void = { atexit { StopAtExit.stopAll() } }()

    static func add(_ environment: [String: String], folder: URL) {
        _ = registered
        lock.withLock { servers.append((environment, folder)) }
    }

    private static func stopAll() {
        for server in lock.withLock({ servers }) {
            _ = try? TestServer.script("stop", environment: server.environment)
            try? FileManager.default.removeItem(at: server.folder)
        }
    }
}
