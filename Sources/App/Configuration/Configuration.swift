import Exchanges
import Foundation
import Logging
import Vault

/// Every setting the binaries read, parsed once from one environment map, so the responder, the timer and the
/// CLI act on the same database with the same secrets, and nothing else in Holdfast reads the environment.
///
/// Each setting has its default here and a `ConfigurationError` naming it when its value is unusable. The
/// names are listed in `Configuration.settingNames` (and the README's settings table, which a test compares).
/// Secrets may also come from files: `JWT_SECRET_FILE`, or `$CREDENTIALS_DIRECTORY/jwt-secret` when systemd
/// passes them with `LoadCredential=`. A value in the environment wins over a file.
public struct Configuration: Sendable {
    /// The database as `HOLDFAST_DATABASE` names it: a SQLite file path, or a PostgreSQL `postgres://` /
    /// `postgresql://` URL or libpq keyword string. May hold a password: log `databaseLocation`, never this.
    public var databasePath: String
    /// The folder of `NNNN_name.sql` files (`HOLDFAST_MIGRATIONS_DIR`, else found next to the binary).
    public var migrationsDirectory: URL?
    /// The HMAC key for session tokens (`JWT_SECRET`), at least 32 bytes; empty for the timer.
    public var jwtSecret: [UInt8]
    /// How long a login lasts (`HOLDFAST_SESSION_HOURS`, default 12).
    public var sessionLifetime: TimeInterval
    /// The unix socket the responder listens on when not socket-activated (`HOLDFAST_SOCKET`).
    public var socketPath: String
    /// The permission bits of that socket (`HOLDFAST_SOCKET_MODE`, octal, default 0660: the responder and
    /// nginx's group only).
    public var socketMode: UInt16
    /// Responder worker threads (`HOLDFAST_WORKERS`, default 96): more than nginx's kept upstream connections
    /// (16 per nginx worker process in our site config) plus the requests that may wait on exchanges at once.
    public var workerCount: Int
    /// Exchange conversations one process may have in flight (`HOLDFAST_EXCHANGE_CONCURRENCY`, default 32), so
    /// a hung exchange can never hold every responder worker; `ExchangeGate.Limits(concurrency:)` derives the
    /// per-exchange (half) and per-user (quarter) pools from it.
    public var exchangeConcurrency: Int
    /// The longest one exchange conversation may take, in seconds (`HOLDFAST_EXCHANGE_DEADLINE_SECONDS`,
    /// default 45, at most 60): it must stay below nginx's `fastcgi_read_timeout` (75 s) so a test or connect
    /// answers with Holdfast's own `timeout` error rather than nginx's 504.
    public var exchangeDeadlineSeconds: Int
    /// Syncs one timer run performs at once (`HOLDFAST_SYNC_CONCURRENCY`, default 8, 1…256); the timer's
    /// `--concurrency` overrides it.
    public var syncConcurrency: Int
    /// How long a sync's claim on its connection lasts, in seconds (`HOLDFAST_SYNC_LEASE_SECONDS`, default 180,
    /// 15…3600, more than the conversation deadline plus 5 s so a live sync never outlasts its claim): a timer
    /// or responder that dies mid-sync, on any host, leaves claims that return to the pool this long after.
    public var syncLeaseSeconds: Int
    /// Seconds between the responder's WAL checkpoints (`HOLDFAST_CHECKPOINT_SECONDS`, default 60, 1…86400).
    public var checkpointInterval: TimeInterval
    /// Whether the timer reads the connected exchanges' public market data to value holdings
    /// (`HOLDFAST_MARKET_DATA`, default on; `0` turns prices, and so values and value points, off).
    public var marketData: Bool = true
    /// Refuse exchange keys that can trade or withdraw (`HOLDFAST_REQUIRE_READ_ONLY_KEYS=1`; default off).
    public var requireReadOnlyKeys: Bool
    /// Whether the session cookie carries `Secure` (`HOLDFAST_COOKIE_SECURE`, default on; `0` turns it off).
    public var cookieSecure: Bool
    /// The lowest level logged (`HOLDFAST_LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level
    /// nginx's main configuration and Holdfast's upstream file, read at start for the `HOLDFAST_WORKERS` check
    /// only (`HOLDFAST_NGINX_CONF`, `HOLDFAST_NGINX_UPSTREAM_CONF`).
    public var nginx: NginxFiles
    /// The keys that encrypt exchange credentials (`ENCRYPTION_KEY`, `ENCRYPTION_KEYS_PREVIOUS`, or
    /// systemd credential files); derived once here so each field costs microseconds afterwards.
    public var keyRing: KeyRing
    /// Exchange base URLs, regions' hosts, the nonce folder and request budget limits
    /// (`HOLDFAST_<EXCHANGE>_BASE_URL`, `HOLDFAST_<EXCHANGE>_<REGION>_BASE_URL`, `HOLDFAST_NONCE_DIRECTORY`,
    /// `HOLDFAST_BINANCE_WEIGHT_PER_MINUTE`, `HOLDFAST_BINANCE_SAPI_WEIGHT_PER_MINUTE`, `HOLDFAST_KRAKEN_COUNTER_MAX`)
    /// and this host's egress name for per-IP budgets (`HOLDFAST_EGRESS_ID`).
    public var exchanges: ExchangeConfiguration
    /// The `host:port` targets outbound requests (webhooks, ntfy, Ghostfolio) may reach although they resolve to
    /// a loopback, private or link-local address (`HOLDFAST_OUTBOUND_ALLOW`, comma-separated; default none).
    public var outboundPolicy: OutboundPolicy = .publicOnly

    /// Where the responder looks for nginx's configuration (see `WorkerCapacity`).
    public struct NginxFiles: Sendable, Equatable {
        /// nginx's main configuration (default `/etc/nginx/nginx.conf`).
        public var mainPath: String
        /// Holdfast's http configuration with the `holdfast_fcgi` upstream.
        public var upstreamPath: String
    }

    /// The smallest accepted `JWT_SECRET`, in bytes (HS256 wants a key at least as long as its output).
    public static let minimumJWTSecretBytes = 32

    /// Reads and checks the configuration; a bad or missing setting throws an error naming it
    /// (`ConfigurationError`, `KeyConfigurationError`, `ExchangeConfigurationError`).
    /// `needsSessions: false` is for the timer, which signs no tokens and so needs no `JWT_SECRET`.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            needsSessions: Bool = true) throws -> Configuration {
        let settings = Settings(environment)
        let (databasePath, migrationsDirectory) = try databaseOnly(environment: environment)
        let secret = needsSessions ? try loadSecret(environment: environment) : []
        let hours = try settings.number("HOLDFAST_SESSION_HOURS", default: 12, range: 1...720)
        let workers = try settings.number("HOLDFAST_WORKERS", default: 96, range: 2...1024)
        let keyRing = try KeyRing.load(environment: environment)
        let exchangeConcurrency = try settings.number("HOLDFAST_EXCHANGE_CONCURRENCY", default: 32, range: 1...512)
        let deadline = try settings.number("HOLDFAST_EXCHANGE_DEADLINE_SECONDS",
                                           default: Int(SyncEngine.defaultDeadline.components.seconds), range: 1...60)
        // Up to this many conversations hold a worker each, and as many more may wait for their key's turn
        // (`KeyTurns`): both together must leave workers for requests that never touch an exchange.
        guard 2 * exchangeConcurrency < workers else {
            throw ConfigurationError(setting: "HOLDFAST_EXCHANGE_CONCURRENCY",
                                     problem: "must be less than half of HOLDFAST_WORKERS (\(workers))")
        }
        let lease = try settings.number("HOLDFAST_SYNC_LEASE_SECONDS", default: Int(SyncLease.defaultDuration),
                                        range: 15...3_600)
        guard lease > deadline + 5 else {
            throw ConfigurationError(setting: "HOLDFAST_SYNC_LEASE_SECONDS",
                                     problem: "must be more than HOLDFAST_EXCHANGE_DEADLINE_SECONDS (\(deadline)) + 5")
        }
        return Configuration(
            databasePath: databasePath,
            migrationsDirectory: migrationsDirectory,
            jwtSecret: secret,
            sessionLifetime: TimeInterval(hours * 3600),
            socketPath: settings.text("HOLDFAST_SOCKET") ?? "/run/holdfast/fcgi.sock",
            socketMode: try settings.octalMode("HOLDFAST_SOCKET_MODE", default: 0o660),
            workerCount: workers,
            exchangeConcurrency: exchangeConcurrency,
            exchangeDeadlineSeconds: deadline,
            syncConcurrency: try settings.number("HOLDFAST_SYNC_CONCURRENCY", default: 8, range: 1...256),
            syncLeaseSeconds: lease,
            checkpointInterval: TimeInterval(try settings.number("HOLDFAST_CHECKPOINT_SECONDS", default: 60,
                                                                 range: 1...86_400)),
            marketData: try settings.flag("HOLDFAST_MARKET_DATA", default: true),
            requireReadOnlyKeys: try settings.flag("HOLDFAST_REQUIRE_READ_ONLY_KEYS", default: false),
            cookieSecure: try settings.flag("HOLDFAST_COOKIE_SECURE", default: true),
            logLevel: try logLevel(environment: environment),
            nginx: NginxFiles(
                mainPath: settings.text("HOLDFAST_NGINX_CONF") ?? "/etc/nginx/nginx.conf",
                upstreamPath: settings.text("HOLDFAST_NGINX_UPSTREAM_CONF") ?? "/etc/nginx/holdfast/holdfast-http.conf"),
            keyRing: keyRing,
            exchanges: try exchanges(environment: environment),
            outboundPolicy: try OutboundPolicy(parsing: settings.text("HOLDFAST_OUTBOUND_ALLOW") ?? ""))
    }
}
