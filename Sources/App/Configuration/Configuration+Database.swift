import Foundation
import PostgreSQL
import Store

extension Configuration {
    /// Where `HOLDFAST_DATABASE` points: SQLite (a path, the default) or PostgreSQL (a URL or keyword string).
    /// Its `description` masks the password, so it is what messages and logs show.
    public var databaseLocation: DatabaseLocation { DatabaseLocation(setting: databasePath) }

    /// Opens the configured database with a PostgreSQL pool of `poolSize` connections: the responder passes its
    /// worker count, the timer its sync concurrency, the CLI 2 (SQLite ignores it: its pool grows on demand).
    public func openDatabase(poolSize: Int) -> Database {
        Database.open(databaseLocation, poolSize: poolSize)
    }

    /// The pool size of the CLI's commands: one connection at work, one spare for a nested helper thread.
    public static let commandLinePoolSize = 2

    /// `HOLDFAST_DATABASE` alone, opened for a CLI command (a pool of `commandLinePoolSize`).
    public static func openDatabaseOnly(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Database {
        let (setting, _) = try databaseOnly(environment: environment)
        return Database.open(DatabaseLocation(setting: setting), poolSize: commandLinePoolSize)
    }
}
