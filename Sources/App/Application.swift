import Exchanges
import Foundation
import Logging
import Store
import Vault
import Web

/// The whole HTTP application behind one entry point, `handle(_:)`, which the FastCGI responder and the
/// in-process tests call alike.
///
/// It owns the router and the services handlers use, and `serve` is the one place where errors become
/// responses (`response(for:)`): an `HTTPResponseError` becomes its JSON body, an `ExchangeError` its catalogue
/// code and status, storage trouble 503; anything else is logged with the request id and becomes a bare 500
/// `internal`, so no SQL, path or stack ever reaches a client.
public final class Application: Sendable {
    public let configuration: Configuration
    public let database: Database
    public let sessions: Sessions
    public let csrf: CSRF
    public let passwords: PasswordHasher
    /// Failed logins counted per account (see `LoginThrottle`).
    public let loginThrottle: LoginThrottle
    public let logger: Logger
    /// The sync engine shared with the timer.
    public let engine: SyncEngine
    /// The responder's WAL checkpoints and their outcome, for `/metrics`.
    public let checkpoints = WALCheckpoints()
    /// The price book from the stored quotes, rebuilt when they change (`GET /portfolio`).
    let priceBooks = PriceBookCache()
    /// Each user's encoded `GET /portfolio` body while nothing it depends on changed.
    let portfolioBodies = PortfolioResponseCache()
    /// Refuse keys that can trade or withdraw (`HOLDFAST_REQUIRE_READ_ONLY_KEYS=1`).
    public let requireReadOnlyKeys: Bool
    let cipher: CredentialCipher
    /// Requests to user-given URLs (alert channels), with the operator's address policy.
    let outbound: OutboundHTTP
    /// Sends a test alert right away (`POST /alerts/channels/:id/test`).
    let alertSender: AlertSender
    let migrator: Migrator?
    private let router: Router<Application>

    /// Builds the application; `build` is what `main` and the tests call. `throttleClock` is the time the
    /// login throttle reads: tests pass a clock they control instead of sleeping through its locks.
    public init(configuration: Configuration, logger: Logger, makeClient: SyncEngine.ClientFactory? = nil,
                throttleClock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.configuration = configuration
        self.logger = logger
        // One PostgreSQL connection per responder worker: a worker holds one at a time.
        database = configuration.openDatabase(poolSize: configuration.workerCount)
        let jwt = JWT(secret: configuration.jwtSecret)
        sessions = Sessions(database: database, jwt: jwt, lifetime: configuration.sessionLifetime,
                            cookieName: Sessions.cookieName(secure: configuration.cookieSecure))
        csrf = CSRF(jwtSecret: configuration.jwtSecret)
        passwords = PasswordHasher()
        loginThrottle = LoginThrottle(database: database, jwtSecret: configuration.jwtSecret, now: throttleClock)
        migrator = try configuration.migrationsDirectory.map {
            try MigrationCheck.migrator(directory: $0, for: configuration.databaseLocation)
        }
        cipher = CredentialCipher(keyRing: configuration.keyRing)
        outbound = OutboundHTTP(policy: configuration.outboundPolicy)
        alertSender = AlertSender(database: database, outbound: outbound, cipher: cipher, logger: logger)
        engine = try SyncEngine.build(configuration: configuration, database: database,
                                      concurrency: configuration.exchangeConcurrency, logger: logger, makeClient: makeClient)
        requireReadOnlyKeys = configuration.requireReadOnlyKeys
        router = Routes.build()
    }

    /// Serves one request. Never throws: every failure becomes a JSON error response.
    public func handle(_ request: Request) -> Response {
        // Every line logged while serving this request, by any logger or task, carries its id.
        RequestContext.$requestID.withValue(request.requestID) { serve(request) }
    }

    private func serve(_ request: Request) -> Response {
        let started = DispatchTime.now()
        let logger = self.logger
        var response: Response
        do {
            // The transport's refusal to read the body is answered here like any other error.
            if let refusal = request.bodyRefusal { throw refusal }
            let (handler, parameters) = try router.match(request)
            response = try handler(request, parameters, self)
        } catch {
            // The one site where errors become responses (the router's 404/405 included).
            response = self.response(for: error)
        }
        response.addHeader("X-Request-Id", request.requestID)
        response.addHeader("Cache-Control", "no-store")
        // Every 503 says when to come back (RFC 9110 §10.2.3); a handler that knows better (an exchange's own
        // Retry-After) has set it already. Clients and monitors that honour it stop hammering a sick server.
        if response.status == 503, response.header("Retry-After") == nil {
            response.addHeader("Retry-After", String(Self.defaultRetryAfterSeconds))
        }
        if request.method == "HEAD" { response = response.withoutBody() }
        let micros = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000
        // Debug, not info: nginx's access log already records every request with the same id and timings,
        // and a line per request at info level costs the responder a third of its time on a cheap request.
        logger.debug("request", metadata: [
            "method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)",
            "duration_us": "\(micros)",
        ])
        return response
    }

    /// `Retry-After` of a 503 whose handler did not choose one: long enough for a busy lock or a freed disk,
    /// short enough that a monitor notices the recovery promptly.
    public static let defaultRetryAfterSeconds = 30

    /// Whether every migration file has been applied; the responder refuses to start otherwise.
    public func migrationStatus() throws -> Migrator.Status {
        try MigrationCheck.status(of: database, migrator: migrator ?? MigrationCheck.migrator(directory: nil, for: database.location))
    }
}
