import Exchanges
import Foundation
import Logging
import Primitives
import Store
import Vault

/// The one code path that turns an exchange's balances into holdings, shared by the responder (connect,
/// sync now, sync all) and the timer (`holdfast-sync`).
///
/// A sync takes the connection's lease, decrypts its credentials, fetches balances, and then commits
/// everything in ONE transaction: tokens, holdings, the connection's status and schedule, the history row,
/// and the lease's release. A failure changes no holding; it records the error and the backoff instead. A
/// process killed mid-sync leaves the old holdings intact and a lease that expires on its own.
public final class SyncEngine: Sendable {
    /// What started a sync, kept in the history.
    public enum Trigger: String, Sendable { case connect, manual, scheduled }

    /// The result of one sync.
    public struct Outcome: Sendable {
        public let connectionID: String
        public let error: ExchangeError?
        public let holdingsCount: Int
        public let duration: Duration
        /// Set when a scheduled sync was not attempted because the exchange's request budget could not afford
        /// it this run: the connection is due again at this time; nothing failed and no history row was written.
        public var deferredUntil: Date? = nil
        public var success: Bool { error == nil && deferredUntil == nil }
    }

    /// Why a sync did not run at all.
    public enum SyncError: Error, Equatable {
        case notFound
        case inProgress
        /// Asked to sync only if due, and it is not: another run synced it since the caller listed it.
        case notDue
        /// The connection is paused: resume it before syncing.
        case paused
    }

    /// What the exchange says about a set of credentials (the test and connect endpoints).
    public struct Inspection: Sendable {
        /// The balances read, and the wallets the key may not read (the read succeeded without them).
        public let read: AccountBalances
        public let permissions: KeyPermissions?
        public let clockOffsetMs: Int64?

        public var balances: [Balance] { read.balances }
        public var unreadWallets: [UnreadWallet] { read.unreadWallets }
    }

    /// Builds a client; replaceable so tests can count calls, but production always uses the real clients.
    public typealias ClientFactory = @Sendable (ExchangeID, Credentials, ExchangeConfiguration) throws -> any ExchangeClient

    let database: Database
    let cipher: CredentialCipher
    let exchanges: ExchangeConfiguration
    let gate: ExchangeGate
    /// One conversation at a time per exchange and API key, waited for before any slot of `gate` is taken.
    let turns: KeyTurns
    /// How long a test or connect waits for its slots (2 s in the binaries): each waits in a responder worker
    /// thread, and nothing else bounds how many arrive. A sync waits up to `deadline` instead (see `sync`).
    let slotWait: Duration
    let logger: Logger
    let makeClient: ClientFactory
    /// The longest one conversation with an exchange may take, from waiting for a slot to the last answer.
    let deadline: Duration
    /// How long a claim lasts (seconds): longer than `deadline` plus the write after it, so a live sync never
    /// loses its lease; a dead process's claims return to the pool when it ends.
    let leaseDuration: TimeInterval

    /// The default `deadline`: below nginx's 75 s `fastcgi_read_timeout` with room for the database write
    /// that follows, so a test or connect answers with Holdfast's own `timeout` error, never nginx's 504.
    public static let defaultDeadline: Duration = .seconds(45)

    public init(database: Database, cipher: CredentialCipher, exchanges: ExchangeConfiguration, gate: ExchangeGate,
                logger: Logger, makeClient: @escaping ClientFactory = ExchangeClients.client,
                deadline: Duration = SyncEngine.defaultDeadline, slotWait: Duration = .seconds(2),
                leaseDuration: TimeInterval = SyncLease.defaultDuration) {
        self.deadline = deadline
        self.leaseDuration = leaseDuration
        self.slotWait = slotWait
        self.database = database
        self.cipher = cipher
        self.exchanges = exchanges
        self.gate = gate
        // As many may wait for their key's turn as may hold slots; each holds a responder worker, so with the
        // defaults (32 + 32 of 96 workers) a third of the workers stays free for requests without an exchange.
        turns = KeyTurns(maxWaiting: gate.limits.total)
        self.logger = logger
        self.makeClient = makeClient
    }

    // MARK: Inspecting credentials

    /// Fetches balances and, when asked and where the exchange offers it, the key's permissions, for `user`
    /// (whose pool of exchange slots the conversation counts against).
    ///
    /// Order of waiting: first the turn of this exchange and API key (`turns`, holding nothing shared), then
    /// the slots (`gate`); `deadline` bounds both waits and the conversation itself, and throws `timeout`.
    /// No free slot within `slotWait` (default: the engine's) throws `exchange_unavailable`. `waitForBudget`
    /// false: a request the request budget cannot afford right now fails at once (the timer defers it) instead
    /// of waiting up to `ExchangeConfiguration.budgetWait`.
    public func inspect(_ exchange: ExchangeID, credentials: Credentials, user: String, permissions askPermissions: Bool = true,
                        measureClock: Bool = false, slotWait: Duration? = nil, waitForBudget: Bool = true) async throws -> Inspection {
        var configuration = exchanges
        if !waitForBudget { configuration.budgetWait = 0 }
        let client = try makeClient(exchange, credentials, configuration)
        let gate = self.gate
        let turns = self.turns
        let limit = deadline
        let slotWait = slotWait ?? self.slotWait
        let logger = self.logger
        let key = Self.turnKey(exchange, credentials)
        // One bound for the whole conversation (turn and slot waits, balances, pages, permissions, clock): each
        // call has its own 30 s timeout, but several slow calls in a row would outlast nginx's upstream timeout.
        return try await withDeadline(limit, expired: { Self.deadlineExpired(exchange, after: limit) }) {
            try await turns.withTurn(for: key, exchange: exchange) {
                try await gate.withSlot(exchange: exchange, user: user, wait: slotWait) {
                    try await Self.converse(with: client, permissions: askPermissions, measureClock: measureClock,
                                            logger: logger)
                }
            }
        }
    }

    /// The calls of one inspection, in order: balances, then (advisory) permissions and the clock.
    private static func converse(with client: any ExchangeClient, permissions askPermissions: Bool,
                                 measureClock: Bool, logger: Logger) async throws -> Inspection {
        let read = try await client.readBalances()
        // What the read reconciled rather than added (e.g. Binance LD rows against Simple Earn, a Bybit debt): logged
        // for whoever investigates a total, and stored with the connection for its owner; never an error.
        for note in read.notes {
            logger.notice("balance read note", metadata: ["exchange": "\(client.exchange.rawValue)", "note": "\(note)"])
        }
        // Permissions are advisory: a failure to read them must not fail a key that can read balances.
        let permissions = askPermissions ? try? await client.permissions() : nil
        var offset: Int64?
        if measureClock {
            let sent = Date()
            if let server = try? await client.serverTime() {
                let midpoint = sent.addingTimeInterval(Date().timeIntervalSince(sent) / 2)
                offset = Int64((server.timeIntervalSince(midpoint) * 1000).rounded())
            }
        }
        return Inspection(read: read, permissions: permissions, clockOffsetMs: offset)
    }

    /// The queue name of one exchange and API key: the key's SHA-256, so the queue table holds no key text.
    static func turnKey(_ exchange: ExchangeID, _ credentials: Credentials) -> String {
        exchange.rawValue + ":" + Hex.encode(Digest.sha256(credentials.apiKey))
    }

    /// The `timeout` a conversation gets when it outlasts `deadline`.
    static func deadlineExpired(_ exchange: ExchangeID, after limit: Duration) -> ExchangeError {
        ExchangeError(.timeout, message: "\(exchange.info.displayName) answered too slowly: Holdfast stopped waiting after "
            + "\(limit.components.seconds) s and will try again later.", exchange: exchange, detail: "conversation deadline")
    }

    // MARK: Syncing a stored connection

    /// Syncs connection `id`. Exchange failures come back in the outcome (and are recorded); only a missing
    /// connection, a sync already running, or (with `onlyIfDue`) one no longer due throw.
    ///
    /// With `onlyIfDue` (for a caller that listed due connections itself), the claim re-checks the due rule in
    /// the same transaction that takes the lease (`ConnectionStore.claim`), so a connection synced by someone else
    /// since it was listed is not fetched again. The timer claims with `syncNextDue` instead.
    public func sync(_ id: String, trigger: Trigger, holder: String = SyncLease.holderID(),
                     onlyIfDue: Bool = false) async throws(SyncError) -> Outcome {
        let started = ContinuousClock.now
        let startedAt = Date()
        let duration = leaseDuration
        let record: ConnectionRecord
        do {
            switch try await database.lockingWrite({
                try ConnectionStore.claim(id, holder: holder, onlyIfDue: onlyIfDue, duration: duration, in: $0)
            }) {
            case .claimed(let claimed): record = claimed
            case .notFound: throw SyncError.notFound
            case .inProgress: throw SyncError.inProgress
            case .notDue: throw SyncError.notDue
            case .paused: throw SyncError.paused
            }
        } catch let error as SyncError {
            throw error
        } catch {
            logger.error("sync could not start", metadata: ["connection": "\(id)", "error": "\(error)"])
            return Outcome(connectionID: id, error: ExchangeError(.exchangeUnavailable, message: "The database is busy; try again."),
                           holdingsCount: 0, duration: .zero)
        }
        return await sync(claimed: record, trigger: trigger, holder: holder, started: started, startedAt: startedAt)
    }

    /// Claims the due connection that has waited longest (`ConnectionStore.claimNext`) and syncs it as a
    /// scheduled sync: the timer's step. Returns nil when nothing due is left to claim; throws what the database
    /// throws when the claim itself cannot be made (the run then stops: the next one tries again).
    public func syncNextDue(holder: String) async throws -> Outcome? {
        let started = ContinuousClock.now
        let startedAt = Date()
        let duration = leaseDuration
        guard let record = try await database.lockingWrite({
            try ConnectionStore.claimNext(holder: holder, duration: duration, in: $0)
        }) else { return nil }
        return await sync(claimed: record, trigger: .scheduled, holder: holder, started: started, startedAt: startedAt)
    }

    /// Syncs a connection whose lease `holder` has just taken: fetch, then record the result and give the lease
    /// back in one transaction.
    private func sync(claimed record: ConnectionRecord, trigger: Trigger, holder: String,
                      started: ContinuousClock.Instant, startedAt: Date) async -> Outcome {
        var failure: ExchangeError?
        var read = AccountBalances(balances: [])
        do {
            guard let exchange = record.exchangeID else {
                throw ExchangeError(.invalidRequest, message: "This connection's exchange is no longer supported.")
            }
            let credentials = try open(record)
            // A scheduled or manual sync needs only balances: permissions were checked when connecting. It waits
            // for its slots as long as the deadline allows: the lease admits one sync per connection, so waiting
            // syncs are bounded by the connections, and sync-all's many wait inside one request's worker.
            let inspection = try await inspect(exchange, credentials: credentials, user: record.userID, permissions: false,
                                               slotWait: deadline, waitForBudget: trigger != .scheduled)
            read = inspection.read
        } catch let error as ExchangeError where error.isLocalBudgetRefusal {
            if trigger == .scheduled { return await recordDeferral(record, holder: holder, error: error, started: started) }
            // Nothing was sent, so nothing is known about the connection: its status, backoff and history stay
            // as they were, and the person gets `rate_limited` with Retry-After (503).
            await release(record.id, holder: holder)
            return Outcome(connectionID: record.id, error: error, holdingsCount: 0, duration: ContinuousClock.now - started)
        } catch let error as ExchangeError {
            failure = error
        } catch {
            logger.error("credentials could not be opened", metadata: ["connection": "\(record.id)", "error": "\(error)"])
            failure = ExchangeError(.invalidCredentials, message:
                "Holdfast could not decrypt this connection's keys (was ENCRYPTION_KEY changed?). Reconnect the account.")
        }

        let duration = ContinuousClock.now - started
        var holdingsCount = 0
        do {
            let (failure, read) = (failure, read)
            holdingsCount = try await database.lockingWrite { db in
                try self.record(outcome: failure, read: read, for: record.id, trigger: trigger, holder: holder,
                                startedAt: startedAt, duration: duration, in: db)
            }
        } catch {
            logger.error("sync result could not be saved", metadata: ["connection": "\(record.id)", "error": "\(error)"])
            await release(record.id, holder: holder)
            failure = ExchangeError(.exchangeUnavailable, message: "The result could not be saved; try again.")
        }
        // A failure is a warning, so `journalctl -p warning` shows connections that keep failing.
        logger.log(level: failure == nil ? .info : .warning, "sync", metadata: [
            "connection": "\(record.id)", "exchange": "\(record.exchange)", "trigger": "\(trigger.rawValue)",
            "outcome": "\(failure == nil ? "success" : "failure")", "error_code": "\(failure?.code.rawValue ?? "")",
            "duration_ms": "\(duration.milliseconds)", "assets": "\(holdingsCount)",
        ])
        return Outcome(connectionID: record.id, error: failure, holdingsCount: holdingsCount, duration: duration)
    }

    /// Gives the lease back in its own transaction, off the cooperative pool; a failure is logged, and the
    /// lease then simply expires.
    private func release(_ id: String, holder: String) async {
        do {
            try await database.lockingWrite { try ConnectionStore.release(id, holder: holder, in: $0) }
        } catch {
            logger.error("sync lease could not be released", metadata: ["connection": "\(id)", "error": "\(error)"])
        }
    }

    /// A scheduled sync the request budget could not afford: the connection is due again when the budget said
    /// (`retryAfter`), with no failure, no backoff and no history row; only the `deferred` counter moves. The
    /// lease is released so the next run can take it.
    private func recordDeferral(_ record: ConnectionRecord, holder: String, error: ExchangeError,
                                started: ContinuousClock.Instant) async -> Outcome {
        let until = Date().addingTimeInterval(TimeInterval(max(1, error.retryAfter ?? 60)))
        do {
            try await database.lockingWrite { db in
                try ConnectionStore.deferSync(record.id, until: Timestamp.format(until), in: db)
                try SyncRunStore.recordDeferral(exchange: record.exchange, in: db)
                try ConnectionStore.release(record.id, holder: holder, in: db)
            }
        } catch {
            logger.error("sync deferral could not be saved", metadata: ["connection": "\(record.id)", "error": "\(error)"])
            await release(record.id, holder: holder)
        }
        let duration = ContinuousClock.now - started
        logger.info("sync", metadata: [
            "connection": "\(record.id)", "exchange": "\(record.exchange)", "trigger": "scheduled",
            "outcome": "deferred", "next_attempt_at": "\(Timestamp.format(until))", "duration_ms": "\(duration.milliseconds)",
        ])
        return Outcome(connectionID: record.id, error: nil, holdingsCount: 0, duration: duration, deferredUntil: until)
    }

    /// Decrypts the connection's credentials; the plaintext lives only in the returned value.
    func open(_ record: ConnectionRecord) throws -> Credentials {
        let apiKey = try cipher.open(record.apiKeyEncrypted, connectionId: record.id, field: .apiKey)
        let apiSecret = try cipher.open(record.apiSecretEncrypted, connectionId: record.id, field: .apiSecret)
        let passphrase = try record.passphraseEncrypted.map { try cipher.open($0, connectionId: record.id, field: .passphrase) }
        return Credentials(apiKey: apiKey, apiSecret: apiSecret, passphrase: passphrase, region: record.region)
    }

    /// Writes a sync's result: holdings and schedule on success, error and backoff on failure, always a
    /// history row and the lease's release; nothing when another holder has taken the lease over. Returns the
    /// holdings count. Runs inside the caller's write transaction, and reads the connection again there: a `PATCH` committed while the exchange answered (a
    /// new interval, label or pause) is built on, not overwritten.
    func record(outcome failure: ExchangeError?, read: AccountBalances, for id: String, trigger: Trigger,
                holder: String, startedAt: Date, duration: Duration, in db: Connection) throws -> Int {
        let now = Date()
        let nowText = Timestamp.format(now)
        // Locked as it is read: in a locking write (READ COMMITTED on PostgreSQL) the row lock is what keeps a
        // PATCH, a claim or a delete from changing the connection between this read and the writes below.
        // The connection may have been deleted while the exchange answered: then there is nothing to write.
        guard let record = try ConnectionStore.findLocked(id, in: db, now: now) else { return 0 }
        // The lease is given back first (the connection's row lock keeps anyone from claiming it before the commit):
        // one statement when this holder still has it. A sync that outlasted its lease (a process stalled past
        // `leaseDuration`) may have been taken over; the taker's result is the one kept, so a connection's balances
        // are never applied twice for one due period. (No lease at all: the first sync of `connect`.)
        if try !ConnectionStore.release(record.id, holder: holder, in: db),
           try ConnectionStore.leasedToAnother(record.id, holder: holder, in: db) {
            logger.warning("sync result discarded: the lease was taken over", metadata: ["connection": "\(record.id)"])
            return 0
        }
        var holdingsCount = 0
        if let failure {
            // A manual sync starts the failure count afresh: the person is looking at it now.
            let failures = (trigger == .scheduled ? record.consecutiveFailures : 0) + 1
            let attention = SyncBackoff.needsAttention(failure.code.rawValue)
            let next = attention ? nil : Timestamp.format(now.addingTimeInterval(SyncBackoff.delay(failures: failures, retryAfter: failure.retryAfter)))
            try ConnectionStore.recordFailure(record.id, code: failure.code.rawValue, message: failure.message, failures: failures,
                                              needsAttention: attention, nextAttemptAt: next, at: nowText, in: db)
        } else {
            let portfolio = try HoldingStore.portfolioID(for: record.id, userID: record.userID,
                                                           name: record.label ?? record.exchangeID?.info.displayName ?? record.exchange,
                                                           at: nowText, in: db)
            holdingsCount = try HoldingStore.replace(portfolioID: portfolio, with: read.balances, at: nowText, in: db)
            // Same transaction as the holdings: a snapshot exists exactly when its sync's holdings were committed.
            try SnapshotStore.record(connectionID: record.id, userID: record.userID, exchange: record.exchange,
                                     balances: read.balances, at: now, in: db)
            let next = Timestamp.format(now.addingTimeInterval(TimeInterval(record.syncInterval)))
            try ConnectionStore.recordSuccess(record.id, nextAttemptAt: next, unreadWallets: UnreadWalletsJSON.encode(read.unreadWallets),
                                              readNotes: ReadNotesJSON.encode(read.notes), at: nowText, in: db)
        }
        try SyncRunStore.record(.init(connectionID: record.id, exchange: record.exchange, trigger: trigger,
                                      startedAt: Timestamp.format(startedAt), finishedAt: nowText, errorCode: failure?.code.rawValue,
                                      errorMessage: failure?.message, assetCount: failure == nil ? holdingsCount : nil,
                                      durationMs: duration.milliseconds), in: db)
        return holdingsCount
    }
}

extension Duration {
    /// Whole milliseconds.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
