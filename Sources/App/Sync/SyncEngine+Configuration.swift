import Exchanges
import Foundation
import Logging
import Store
import Vault

extension SyncEngine {
    /// The engine as the binaries run it: exchange base URLs from the environment, Kraken nonces in the
    /// database, the exchange request budget in the database (shared with every other process on the host),
    /// credentials opened with the configured key ring, each conversation bounded by the configured
    /// deadline, claims lasting the configured lease, and exchange slots sized from `concurrency`.
    ///
    /// The responder splits its slots (`ExchangeGate.Limits(concurrency:)`: half per exchange, a quarter per
    /// user); a test or connect gives up after 2 s without one, since its waiting holds a worker thread. The
    /// timer (`forTimer`) is already bounded by its runner, which starts a sync only when another ends, so a
    /// split would only serialise one person's connections: it gets `concurrency` slots for every pool.
    public static func build(configuration: Configuration, database: Database, concurrency: Int, logger: Logger,
                             makeClient: ClientFactory? = nil, forTimer: Bool = false) throws -> SyncEngine {
        let deadline = Duration.seconds(configuration.exchangeDeadlineSeconds)
        let limits = forTimer
            ? ExchangeGate.Limits(total: concurrency, perExchange: concurrency, perUser: concurrency)
            : ExchangeGate.Limits(concurrency: concurrency)
        var exchanges = configuration.exchanges
        exchanges.nonceStore = ExchangeNonceStore(database: database)
        exchanges.budget = RequestBudgetStore(database: database)
        return SyncEngine(database: database, cipher: CredentialCipher(keyRing: configuration.keyRing), exchanges: exchanges,
                          gate: ExchangeGate(limits: limits), logger: logger, makeClient: makeClient ?? ExchangeClients.client,
                          deadline: deadline, slotWait: .seconds(2),
                          leaseDuration: TimeInterval(configuration.syncLeaseSeconds))
    }
}
