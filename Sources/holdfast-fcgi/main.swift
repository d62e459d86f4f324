import App
import FastCGI
import Foundation

// The FastCGI responder: read settings, refuse a database it cannot serve (ServiceStartup), then serve until SIGTERM.
let logger = LogSetup.logger("holdfast-fcgi")
let environment = ProcessInfo.processInfo.environment

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("holdfast-fcgi: \(message)\n".utf8))
    exit(1)
}

do {
    let configuration = try Configuration.load(environment: environment)
    // Held until exit; exits 78 when the database is not migrated, is newer, or no credential opens.
    let databaseLock = ServiceStartup.begin(.responder, configuration: configuration, logger: logger)
    defer { withExtendedLifetime(databaseLock) {} }
    let app = try Application(configuration: configuration, logger: logger)
    let listener = FastCGIServer.systemdListener(environment: environment)
        ?? .unixSocket(path: configuration.socketPath, mode: socketMode(environment))
    let server = FastCGIServer(listener: listener, workerCount: configuration.workerCount, logger: logger) { request in
        app.handle(request)
    }
    try server.run()
} catch {
    fail("\(error)")
}

/// `HOLDFAST_SOCKET_MODE` in octal (default 0660: the responder and nginx's group only).
func socketMode(_ environment: [String: String]) -> mode_t {
    environment["HOLDFAST_SOCKET_MODE"].flatMap { mode_t($0, radix: 8) } ?? 0o660
}
