import Exchanges
import Foundation
import Logging
import Store
import Vault

/// The settings a CLI command or a process's first lines need before (or instead of) the whole
/// `Configuration`: each parses its settings exactly as `Configuration.load` does, which calls them too.
extension Configuration {
    /// The database settings only (`HOLDFAST_DATABASE`, `HOLDFAST_MIGRATIONS_DIR`): for CLI commands that
    /// need no secrets (`migrate`, `user add`). Throws `ConfigurationError` when the database is not set, or is a
    /// URL of another scheme than PostgreSQL's.
    public static func databaseOnly(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (String, URL?) {
        let settings = Settings(environment)
        guard let databasePath = settings.text("HOLDFAST_DATABASE") else {
            throw ConfigurationError(setting: "HOLDFAST_DATABASE", problem: "is not set; point it at the SQLite file or a postgresql:// URL")
        }
        // A URL of another scheme (a typo such as `postgresq://`, or another database's) would otherwise be taken
        // for a SQLite file name and fail later with "unable to open database file". Only the scheme is quoted:
        // the rest may hold a password.
        if DatabaseLocation(setting: databasePath).isSQLite,
           let scheme = databasePath.range(of: #"^\s*[A-Za-z][A-Za-z0-9+.-]*://"#, options: .regularExpression) {
            throw ConfigurationError(setting: "HOLDFAST_DATABASE", problem: "starts with "
                + "\(databasePath[scheme].trimmingCharacters(in: .whitespaces)), which is neither a postgresql:// (or "
                + "postgres://) URL nor a SQLite file path")
        }
        let migrations = settings.text("HOLDFAST_MIGRATIONS_DIR").map { URL(fileURLWithPath: $0) }
            ?? MigrationsLocator.find()
        return (databasePath, migrations)
    }

    /// `JWT_SECRET` (or its file) alone: for CLI commands that need the keys derived from it and nothing else.
    /// Throws `ConfigurationError` when it is missing or shorter than `minimumJWTSecretBytes`.
    public static func loadSecret(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        let settings = Settings(environment)
        var value = settings.text("JWT_SECRET")
        var source = "JWT_SECRET"
        if value == nil {
            // `CREDENTIALS_DIRECTORY` is systemd's protocol (`LoadCredential=`), not a Holdfast setting.
            let file = settings.text("JWT_SECRET_FILE") ?? settings.text("CREDENTIALS_DIRECTORY").map { $0 + "/jwt-secret" }
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

    /// The credential keys alone (`ENCRYPTION_KEY`, `ENCRYPTION_KEYS_PREVIOUS`, their systemd credential
    /// files): for `holdfast keys` and imports. Throws `KeyConfigurationError` naming the setting.
    public static func loadKeyRing(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> KeyRing {
        try KeyRing.load(environment: environment)
    }

    /// The exchanges' settings alone (base URLs, regions, nonce folder, budget limits): for
    /// `holdfast exchange balances`. Throws `ExchangeConfigurationError` naming the variable.
    public static func exchanges(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 timeout: TimeInterval = 30) throws -> ExchangeConfiguration {
        try ExchangeConfiguration.fromEnvironment(environment, timeout: timeout)
    }

    /// `HOLDFAST_LEGACY_ENCRYPTION_KEY`, the seed backend's key, for `holdfast import-legacy` only; throws
    /// `ConfigurationError` when it is not set.
    public static func legacyEncryptionKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        guard let key = Settings(environment).text("HOLDFAST_LEGACY_ENCRYPTION_KEY") else {
            throw ConfigurationError(setting: "HOLDFAST_LEGACY_ENCRYPTION_KEY",
                                     problem: "is not set: it must hold the seed backend's ENCRYPTION_KEY")
        }
        return key
    }

    /// `HOLDFAST_LOG_LEVEL` (`trace` … `critical`, any case; default `info`). Logging starts before the rest of
    /// the configuration is read, so `LogSetup` calls this leniently and `load` again strictly.
    public static func logLevel(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Logger.Level {
        guard let text = Settings(environment).text("HOLDFAST_LOG_LEVEL") else { return .info }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(setting: "HOLDFAST_LOG_LEVEL", problem: "must be one of \(names)")
        }
        return level
    }
}
