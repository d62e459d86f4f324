import App
import FastCGI
import Foundation

// The FastCGI responder: read settings, refuse a database it cannot serve (ServiceStartup), then serve until SIGTERM.
// Before anything else: a stop signal that arrives during start-up waits for the server instead of being lost.
FastCGIServer.blockStopSignals()
let usage = """
    usage: holdfast-fcgi
    The FastCGI responder behind nginx. It takes no arguments: settings come from the environment (README,
    "Configuration"; installed: /etc/holdfast/holdfast.env), and under systemd the socket from holdfast-fcgi.socket.

    """
// Anything on the command line is a person asking for help, never a request to start a second responder.
if CommandLine.arguments.count > 1 {
    let asked = ["--help", "-h", "help"].contains(CommandLine.arguments[1])
    if asked { print(usage, terminator: "") } else { FileHandle.standardError.write(Data(("holdfast-fcgi: takes no arguments\n" + usage).utf8)) }
    exit(asked ? 0 : 64)
}
// The one read of the process environment: settings (`Configuration`) and systemd's protocol variables
// (`LISTEN_FDS`/`LISTEN_PID`, `JOURNAL_STREAM`) are all taken from this map.
let environment = ProcessInfo.processInfo.environment
let logger = LogSetup.logger("holdfast-fcgi", environment: environment)

/// Logs one critical line (journald files it under `-p crit`) and exits with `code`: 78 (EX_CONFIG) for a
/// start-up error a restart cannot fix, so systemd's `RestartPreventExitStatus=78` leaves the unit failed
/// instead of restarting it every 500 ms for ever.
func fail(_ message: String, code: Int32) -> Never {
    logger.critical("\(message)")
    exit(code)
}

do {
    let configuration = try Configuration.load(environment: environment)
    // Held until exit; exits 78 when the database is not migrated, is newer, or no credential opens.
    let databaseLock = ServiceStartup.begin(configuration: configuration, logger: logger)
    defer { withExtendedLifetime(databaseLock) {} }
    let app = try Application(configuration: configuration, logger: logger)
    if let advice = WorkerCapacity.advice(configuration: configuration) {
        logger.warning("\(advice)")
    }
    app.startMaintenance()
    let listener = FastCGIServer.systemdListener(environment: environment)
        ?? .unixSocket(path: configuration.socketPath, mode: mode_t(configuration.socketMode))
    let server = FastCGIServer(listener: listener, workerCount: configuration.workerCount, logger: logger) { request in
        app.handle(request)
    }
    try server.run()
} catch {
    // A bad setting or key is permanent (78); a listener that cannot be bound may well work on a restart (1).
    fail("\(error)", code: StartupError.exitCode(for: error))
}
