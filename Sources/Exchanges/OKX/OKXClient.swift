import Foundation

// SCAFFOLD: replaced by the OKX client (issue 17). Until then every call answers exchange_unavailable.
struct OKXClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .okx }

    func readBalances() async throws -> AccountBalances { throw unavailable }
    func permissions() async throws -> KeyPermissions { throw unavailable }
    func serverTime() async throws -> Date { throw unavailable }

    private var unavailable: ExchangeError { ExchangeError(.exchangeUnavailable, exchange: .okx, detail: "scaffold") }
}
