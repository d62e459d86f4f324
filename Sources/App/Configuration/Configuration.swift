import Foundation
import Vault

/// Every setting the binaries read, from one environment map, so the responder, the timer and the CLI act
/// on the same database with the same secrets.
///
/// Secrets may also come from files: `JWT_SECRET_FILE`, or `$CREDENTIALS_DIRECTORY/jwt-secret` when systemd
/// passes them with `LoadCredential=`. A value in the environment wins over a file.
public struct Configuration: Sendable {
    /// The SQLite database file (`HOLDFAST_DATABASE`).
    public var databasePath: String
    /// The folder of `NNNN_name.sql` files (`HOLDFAST_MIGRATIONS_DIR`, else found next to the binary).
    public var migrationsDirectory: URL?
    /// The HMAC key for session tokens (`JWT_SECRET`), at least 32 bytes.
    public var jwtSecret: [UInt8]
    /// How long a login lasts (`HOLDFAST_SESSION_HOURS`, default 12).
    public var sessionLifetime: TimeInterval
    /// The unix socket the responder listens on when not socket-activated (`HOLDFAST_SOCKET`).
    public var socketPath: String
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
    /// Whether the session cookie carries `Secure` (`HOLDFAST_COOKIE_SECURE`, default on).
    public var cookieSecure: Bool
    /// The keys that encrypt exchange credentials (`ENCRYPTION_KEY`, `ENCRYPTION_KEYS_PREVIOUS`, or
    /// systemd credential files); derived once here so each field costs microseconds afterwards.
    public var keyRing: KeyRing
    /// The raw environment, for the modules that read their own settings (vault, exchanges).
    public var environment: [String: String]

    /// The smallest accepted `JWT_SECRET`, in bytes (HS256 wants a key at least as long as its output).
    public static let minimumJWTSecretBytes = 32

    /// Reads and checks the configuration; a bad or missing setting throws an error naming it.
    /// `needsSessions: false` is for the timer, which signs no tokens and so needs no `JWT_SECRET`.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment, needsSessions: Bool = true) throws -> Configuration {
        let (databasePath, migrationsDirectory) = try databaseOnly(environment: environment)
        let secret = needsSessions ? try loadSecret(environment: environment) : []
        let hours = try number("HOLDFAST_SESSION_HOURS", in: environment, default: 12, range: 1...720)
        let workers = try number("HOLDFAST_WORKERS", in: environment, default: 96, range: 2...1024)
        let keyRing = try KeyRing.load(environment: environment)
        let exchangeConcurrency = try number("HOLDFAST_EXCHANGE_CONCURRENCY", in: environment, default: 32, range: 1...512)
        let deadline = try number("HOLDFAST_EXCHANGE_DEADLINE_SECONDS", in: environment,
                                  default: Int(SyncEngine.defaultDeadline.components.seconds), range: 1...60)
        // Up to this many conversations hold a worker each, and as many more may wait for their key's turn
        // (`KeyTurns`): both together must leave workers for requests that never touch an exchange.
        guard 2 * exchangeConcurrency < workers else {
            throw ConfigurationError(setting: "HOLDFAST_EXCHANGE_CONCURRENCY",
                                     problem: "must be less than half of HOLDFAST_WORKERS (\(workers))")
        }
        return Configuration(
            databasePath: databasePath,
            migrationsDirectory: migrationsDirectory,
            jwtSecret: secret,
            sessionLifetime: TimeInterval(hours * 3600),
            socketPath: nonEmpty(environment["HOLDFAST_SOCKET"]) ?? "/run/holdfast/fcgi.sock",
            workerCount: workers,
            exchangeConcurrency: exchangeConcurrency,
            exchangeDeadlineSeconds: deadline,
            cookieSecure: environment["HOLDFAST_COOKIE_SECURE"] != "0",
            keyRing: keyRing,
            environment: environment)
    }

    /// Reads only the database settings: for CLI commands that need no secrets (`migrate`).
    public static func databaseOnly(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (String, URL?) {
        guard let databasePath = nonEmpty(environment["HOLDFAST_DATABASE"]) else {
            throw ConfigurationError(setting: "HOLDFAST_DATABASE", problem: "is not set; point it at the SQLite file")
        }
        let migrations = nonEmpty(environment["HOLDFAST_MIGRATIONS_DIR"]).map { URL(fileURLWithPath: $0) }
            ?? MigrationsLocator.find()
        return (databasePath, migrations)
    }

    /// Reads `JWT_SECRET` (or its file) alone: for CLI commands that need the keys derived from it and nothing else.
    public static func loadSecret(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        var value = nonEmpty(environment["JWT_SECRET"])
        var source = "JWT_SECRET"
        if value == nil {
            let file = nonEmpty(environment["JWT_SECRET_FILE"])
                ?? nonEmpty(environment["CREDENTIALS_DIRECTORY"]).map { $0 + "/jwt-secret" }
            if let file, let contents = try? String(contentsOfFile: file, encoding: .utf8) {
                value = contents.trimmingCharacters(in: .whitespacesAndNewlines)
                source = "JWT_SECRET (from \(file))"
            }
        }
        guard let value else {
            throw ConfigurationError(
                setting: "JWT_SECRET",
                problem: "is not set; set it (or JWT_SECRET_FILE) to at least \(minimumJWTSecretBytes) random bytes, e.g. `openssl rand -hex 32`")
        }
        guard value.utf8.count >= minimumJWTSecretBytes else {
            throw ConfigurationError(setting: source, problem: "is shorter than \(minimumJWTSecretBytes) bytes")
        }
        return Array(value.utf8)
    }

    private static func number(_ name: String, in environment: [String: String], default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = nonEmpty(environment[name]) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(setting: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }
}

/// A setting that is missing or unusable; the message names the setting so the operator knows what to fix.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let setting: String
    public let problem: String
    public var description: String { "\(setting) \(problem)" }

    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }
}
