import App
import FastCGI
import Foundation

// The FastCGI responder: read settings, refuse an un-migrated database, then serve until SIGTERM.
let logger = LogSetup.logger("holdfast-fcgi")
let environment = ProcessInfo.processInfo.environment

/// Logs one critical line (journald files it under `-p crit`) and exits with `code`: 78 (EX_CONFIG) for a
/// start-up error a restart cannot fix, so systemd's `RestartPreventExitStatus=78` leaves the unit failed
/// instead of restarting it every 500 ms for ever.
func fail(_ message: String, code: Int32) -> Never {
    logger.critical("\(message)")
    exit(code)
}

let server: FastCGIServer
do {
    let configuration = try Configuration.load(environment: environment)
    let app = try Application(configuration: configuration, logger: logger)
    switch try app.migrationStatus() {
    case .current: break
    case .pending(let names):
        fail("the database \(configuration.databasePath) is not migrated (pending: \(names.joined(separator: ", "))). Run `holdfast migrate` first.",
             code: StartupError.configurationExitCode)
    }
    if let advice = WorkerCapacity.advice(configuration: configuration) {
        logger.warning("\(advice)")
    }
    app.startMaintenance()
    let listener = FastCGIServer.systemdListener(environment: environment)
        ?? .unixSocket(path: configuration.socketPath, mode: socketMode(environment))
    server = FastCGIServer(listener: listener, workerCount: configuration.workerCount, logger: logger) { request in
        app.handle(request)
    }
} catch {
    fail("cannot start: \(error)", code: StartupError.exitCode(for: error))
}
do {
    try server.run()
} catch {
    // A listener that cannot be bound or an accept loop that fails: a restart may well succeed.
    fail("\(error)", code: StartupError.transientExitCode)
}

/// `HOLDFAST_SOCKET_MODE` in octal (default 0660: the responder and nginx's group only).
func socketMode(_ environment: [String: String]) -> mode_t {
    environment["HOLDFAST_SOCKET_MODE"].flatMap { mode_t($0, radix: 8) } ?? 0o660
}
