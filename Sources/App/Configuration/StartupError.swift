import Exchanges
import Store
import Vault

/// Exit codes of the services at start, and which start-up errors a restart cannot fix.
///
/// systemd restarts a failed responder (`Restart=on-failure`) so that a crash costs half a second. A bad
/// setting, an un-migrated database or a wrong key fails the same way on every start, so such errors exit 78
/// (EX_CONFIG, sysexits(3)) and the unit says `RestartPreventExitStatus=78`: the unit stays failed with the
/// reason in the journal instead of restarting every 500 ms for ever.
public enum StartupError {
    /// Whether `error`, thrown while starting, will recur on every start until an operator fixes something.
    ///
    /// Settings and keys (`ConfigurationError`, `KeyConfigurationError`, `ExchangeConfigurationError`), the migration timeline
    /// (`MigrationError`: a database migrated by a newer Holdfast, a changed migration), what
    /// `ServiceStartup` refuses (`ServiceStartup.Refusal`) and a database file
    /// that cannot be opened or is not a database are permanent. A busy database, an I/O error or a full disk
    /// are not: they can clear while systemd waits.
    public static func isPermanent(_ error: any Error) -> Bool {
        switch error {
        case is ConfigurationError, is KeyConfigurationError, is ExchangeConfigurationError, is MigrationError,
             is ServiceStartup.Refusal: true
        case let error as SQLiteError: error.isUnusableFile
        default: false
        }
    }

    /// The process exit code for a start-up `error`: `ServiceStartup.permanentErrorExitCode` (78) when it is
    /// permanent, else 1 (a lock held a little too long, a socket in use: worth a restart).
    public static func exitCode(for error: any Error) -> Int32 {
        isPermanent(error) ? ServiceStartup.permanentErrorExitCode : 1
    }
}
