import App
import ArgumentParser
import Foundation
import Store

/// `holdfast-sync`: run by a systemd timer every minute; syncs the connections that are due, then exits.
@main
struct HoldfastSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-sync",
        abstract: "Sync every exchange connection that is due, then exit (run by holdfast-sync.timer).")

    @Option(help: "Sync only this connection (whether due or not).") var connection: String?
    @Flag(help: "List what is due and exit without syncing.") var dryRun = false
    @Option(help: "Start no new sync after this many seconds.") var maxDuration: Double?
    @Option(help: "Syncs at once (default HOLDFAST_SYNC_CONCURRENCY or 8).") var concurrency: Int?

    func run() async throws {
        let logger = LogSetup.logger("holdfast-sync")
        let environment = ProcessInfo.processInfo.environment
        do {
            let settings = try Configuration.load(environment: environment, needsSessions: false)
            // Held for the run; exits 78 when the database is not migrated, is newer, or no credential opens.
            let databaseLock = ServiceStartup.begin(.sync, configuration: settings, logger: logger)
            defer { withExtendedLifetime(databaseLock) {} }
            let database = Database(path: settings.databasePath)
            if dryRun {
                let due = try await database.read { try ConnectionStore.due(in: $0) }
                for item in due { print("\(item.id) \(item.exchange) due since \(item.nextAttemptAt ?? "never synced")") }
                print("\(due.count) connection\(due.count == 1 ? "" : "s") due")
                return
            }
            let width = try concurrency ?? Self.number(environment["HOLDFAST_SYNC_CONCURRENCY"]) ?? 8
            guard (1...256).contains(width) else { throw ValidationError("--concurrency must be between 1 and 256") }
            let engine = try SyncEngine.build(configuration: settings, database: database, concurrency: width, logger: logger,
                                              forTimer: true)
            let runner = SyncRunner(engine: engine, database: database, concurrency: width, logger: logger)
            let deadline = maxDuration.map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
            _ = try await runner.run(only: connection.map { [$0] }, deadline: deadline)
            // Once per run, after the writes: bounds the WAL even when the responder is idle (socket-activated,
            // not started). On a plain thread: the checkpoint blocks on file I/O.
            await WALCheckpoints().runOnOwnThread(on: database, logger: logger)
        } catch let error as ValidationError {
            throw error
        } catch {
            logger.critical("sync run failed", metadata: ["error": "\(error)"])
            // 78 (EX_CONFIG) for what no retry fixes (a setting, the migrations, the key), as the responder does.
            throw ExitCode(StartupError.exitCode(for: error))
        }
    }

    static func number(_ text: String?) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw ValidationError("HOLDFAST_SYNC_CONCURRENCY must be a whole number") }
        return value
    }
}
