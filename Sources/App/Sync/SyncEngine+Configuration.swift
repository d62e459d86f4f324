import Exchanges
import Logging
import Store
import Vault

extension SyncEngine {
    /// The engine as the binaries run it: exchange base URLs from the environment, Kraken nonces in the
    /// database, the exchange request budget in the database (shared with every other process on the host),
    /// credentials opened with the configured key ring, at most `concurrency` exchange calls at once, each conversation bounded by the configured deadline.
    public static func build(configuration: Configuration, database: Database, concurrency: Int, logger: Logger,
                             makeClient: ClientFactory? = nil) throws -> SyncEngine {
        var exchanges = try ExchangeConfiguration.fromEnvironment(configuration.environment)
        exchanges.nonceStore = SQLiteNonceStore(database: database)
        exchanges.budget = SQLiteRequestBudget(database: database)
        return SyncEngine(database: database, cipher: CredentialCipher(keyRing: configuration.keyRing), exchanges: exchanges,
                          gate: ExchangeGate(limit: concurrency), logger: logger, makeClient: makeClient ?? ExchangeClients.client,
                          deadline: .seconds(configuration.exchangeDeadlineSeconds))
    }
}
