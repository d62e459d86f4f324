import App
import ArgumentParser
import Foundation

/// `holdfast-sync`: run by a systemd timer every minute; syncs the connections that are due, then exits.
/// Everything but argument parsing is `TimerRun`, which the tests call in process.
@main
struct HoldfastSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-sync",
        abstract: "Sync every exchange connection that is due, then exit (run by holdfast-sync.timer).")

    @Option(help: "Sync only this connection (whether due or not).") var connection: String?
    @Flag(help: "List what is due and exit without syncing.") var dryRun = false
    @Option(help: "Start no new sync after this many seconds.") var maxDuration: Double?
    @Option(help: "Syncs at once (default HOLDFAST_SYNC_CONCURRENCY or 8).") var concurrency: Int?

    func validate() throws {
        if let concurrency, !TimerRun.concurrencyRange.contains(concurrency) {
            throw ValidationError("--concurrency must be between 1 and 256")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = LogSetup.logger("holdfast-sync", environment: environment)
        let status: Int32
        do {
            let configuration = try Configuration.load(environment: environment, needsSessions: false)
            let options = TimerRun.Options(connection: connection, dryRun: dryRun, maxDuration: maxDuration,
                                           concurrency: concurrency)
            status = await TimerRun.run(options, configuration: configuration, logger: logger)
        } catch {
            // A setting no retry fixes: 78 (EX_CONFIG), as the responder exits.
            logger.critical("sync run failed", metadata: ["error": "\(error)"])
            status = StartupError.exitCode(for: error)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
