import Foundation

// SCAFFOLD: replaced by the Bitvavo client (issue 17). Until then every call answers exchange_unavailable.
struct BitvavoClient: ExchangeClient {
    let credentials: Credentials
    let configuration: ExchangeConfiguration

    var exchange: ExchangeID { .bitvavo }

    func readBalances() async throws -> AccountBalances { throw unavailable }
    func permissions() async throws -> KeyPermissions { throw unavailable }
    func serverTime() async throws -> Date { throw unavailable }

    private var unavailable: ExchangeError { ExchangeError(.exchangeUnavailable, exchange: .bitvavo, detail: "scaffold") }
}
