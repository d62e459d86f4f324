import Foundation

extension DatabaseCopy {
    /// The migrations folder the copy checks both databases against: `HOLDFAST_MIGRATIONS_DIR`, or the folder
    /// found beside the binary, exactly as the services find it (`Configuration.databaseOnly`).
    ///
    /// The copy names its database on the command line, so `HOLDFAST_DATABASE` need not be set: when it is not,
    /// a placeholder stands in for it, since only the migrations setting is read from the answer.
    ///
    /// - Throws: `ConfigurationError` naming `HOLDFAST_MIGRATIONS_DIR` when no folder was set or found.
    public static func migrationsFolder(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> URL {
        var environment = environment
        if environment["HOLDFAST_DATABASE", default: ""].isEmpty { environment["HOLDFAST_DATABASE"] = "unused" }
        guard let folder = try Configuration.databaseOnly(environment: environment).1 else {
            throw ConfigurationError(setting: "HOLDFAST_MIGRATIONS_DIR",
                                     problem: "is not set and no Migrations folder was found")
        }
        return folder
    }
}
