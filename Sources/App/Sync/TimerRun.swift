import Foundation
import Logging
import Store
import Vault

/// One run of `holdfast-sync` (the systemd timer's service), callable in process: the executable only parses
/// its arguments and calls `run(_:configuration:logger:)`, and tests call the same function.
///
/// The run takes the shared database lock (a restore in progress skips the run), refuses a database that
/// is not migrated or whose credentials no key opens, then either lists what is due (`dryRun`) or syncs it,
/// and checkpoints the WAL once at the end.
public enum TimerRun {
    /// What the command line asked for.
    public struct Options: Sendable, Equatable {
        /// Sync only this connection, whether due or not.
        public var connection: String?
        /// List the due connections and sync nothing.
        public var dryRun = false
        /// Start no new sync after this many seconds from the start of the run.
        public var maxDuration: Double?
        /// Syncs at once; nil means `Configuration.syncConcurrency`.
        public var concurrency: Int?

        public init(connection: String? = nil, dryRun: Bool = false, maxDuration: Double? = nil, concurrency: Int? = nil) {
            self.connection = connection
            self.dryRun = dryRun
            self.maxDuration = maxDuration
            self.concurrency = concurrency
        }
    }

    /// The range `--concurrency` and `HOLDFAST_SYNC_CONCURRENCY` must fall in.
    public static let concurrencyRange = 1...256

    /// The run's market data and history steps (issue 13): the connected exchanges' prices (unless
    /// `HOLDFAST_MARKET_DATA=0`), then the value points, asset prices and retention that are due.
    static func valueHoldings(configuration: Configuration, database: Database, logger: Logger) async throws {
        let clock = ContinuousClock()
        var markets = MarketRefresh.Report()
        let marketsTook = await clock.measure {
            if configuration.marketData {
                var exchanges = configuration.exchanges
                exchanges.budget = RequestBudgetStore(database: database)
                markets = await MarketRefresh(database: database, exchanges: exchanges, logger: logger).run()
            }
        }
        var history = ValueRecorder.Report()
        let historyTook = try await clock.measure {
            history = try await ValueRecorder(database: database, logger: logger).run()
        }
        logger.info("prices and history recorded", metadata: [
            "marketsRead": "\(markets.quotes.count)", "quotes": "\(markets.quotes.values.reduce(0, +))",
            "marketsFailed": "\(markets.failures.count)", "marketsSkipped": "\(markets.skipped.count)",
            "points": "\(history.points)", "prices": "\(history.prices)", "thinned": "\(history.thinned)",
            "marketsMs": "\(marketsTook.milliseconds)", "historyMs": "\(historyTook.milliseconds)",
        ])
    }

    /// The run's feeds step (issue 15), after the value step: the Ghostfolio pushes that are due, at most 20 s in
    /// all. Never throws and never fails the run: a push's failure is recorded on its connection's push state.
    static func pushFeeds(configuration: Configuration, database: Database, logger: Logger) async {
        let pusher = GhostfolioPusher(database: database, http: OutboundHTTP(policy: configuration.outboundPolicy),
                                      cipher: CredentialCipher(keyRing: configuration.keyRing), logger: logger)
        let report = await pusher.run()
        if report != GhostfolioPusher.Report() {
            logger.info("ghostfolio pushes", metadata: ["pushed": "\(report.pushed)", "unchanged": "\(report.unchanged)",
                                                         "failed": "\(report.failed)"])
        }
    }

    /// Runs once and returns the process exit status: 0 when the run did its job (exchange failures are
    /// recorded per connection and do not fail it; a restore in progress skips the run), 78 (EX_CONFIG) for
    /// what no retry fixes (a setting, the migrations, the key: `StartupError.isPermanent`), 1 otherwise.
    /// `output` receives the dry run's lines (stdout in the executable); `makeClient` replaces the exchange
    /// clients in tests.
    public static func run(_ options: Options, configuration: Configuration, logger: Logger,
                           output: @Sendable (String) -> Void = { print($0) },
                           makeClient: SyncEngine.ClientFactory? = nil) async -> Int32 {
        do {
            // Held for the run, so `holdfast restore` cannot replace the database under it. Opening blocks on
            // `flock` and SQLite, so it runs on a blocking-work thread.
            let held = try await BlockingWork.run { try ServiceStartup.open(configuration: configuration) }
            guard let held else {
                logger.notice("a restore of the database is in progress (holdfast restore); skipping this run")
                return 0
            }
            defer { withExtendedLifetime(held) {} }
            let width = options.concurrency ?? configuration.syncConcurrency
            // One connection per sync in flight, and one for the runner's own listing.
            let database = configuration.openDatabase(poolSize: width + 1)
            defer { database.close() }
            if options.dryRun {
                let due = try await database.read { try ConnectionStore.due(in: $0) }
                for item in due { output("\(item.id) \(item.exchange) due since \(item.nextAttemptAt ?? "never synced")") }
                output("\(due.count) connection\(due.count == 1 ? "" : "s") due")
                return 0
            }
            let engine = try SyncEngine.build(configuration: configuration, database: database, concurrency: width,
                                              logger: logger, makeClient: makeClient, forTimer: true)
            let runner = SyncRunner(engine: engine, database: database, concurrency: width, logger: logger)
            let deadline = options.maxDuration.map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
            _ = try await runner.run(only: options.connection.map { [$0] }, deadline: deadline)
            // A full run then refreshes prices and records history; a run for one connection only syncs it.
            if options.connection == nil {
                try await valueHoldings(configuration: configuration, database: database, logger: logger)
                await pushFeeds(configuration: configuration, database: database, logger: logger)
                // Last: alerts never delay a sync or the values, and never fail the run.
                await sendAlerts(configuration: configuration, database: database, logger: logger)
            }
            // Once per run, after the writes: bounds the WAL even when the responder is idle (socket-activated,
            // not started). On a plain thread: the checkpoint blocks on file I/O.
            // PostgreSQL has no WAL file of ours to bound.
            if database.isSQLite { await WALCheckpoints().runOnOwnThread(on: database, logger: logger) }
            return 0
        } catch let refusal as ServiceStartup.Refusal {
            // The same one critical line the responder logs for the same database.
            logger.critical("\(refusal.description)")
            return ServiceStartup.permanentErrorExitCode
        } catch {
            logger.critical("sync run failed", metadata: ["error": "\(error)"])
            return StartupError.exitCode(for: error)
        }
    }
}
