import Foundation

// SCAFFOLD: replaced by the Bybit client (issue 17). Until then every call answers exchange_unavailable.
struct BybitClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .bybit }

    func readBalances() async throws -> AccountBalances { throw unavailable }
    func permissions() async throws -> KeyPermissions { throw unavailable }
    func serverTime() async throws -> Date { throw unavailable }

    private var unavailable: ExchangeError { ExchangeError(.exchangeUnavailable, exchange: .bybit, detail: "scaffold") }
}
