import Foundation

/// A read-only client for one exchange account.
public protocol ExchangeClient: Sendable {
    /// The exchange this client talks to.
    var exchange: ExchangeID { get }
    /// Every non-zero balance, one per canonical asset, summed over the exchange's wallets.
    func fetchBalances() async throws -> [Balance]
    /// What the key may do; `nil` fields where the exchange offers no way to ask.
    func permissions() async throws -> KeyPermissions
    /// The exchange's clock, from its public time endpoint.
    func serverTime() async throws -> Date
}

/// Builds clients by exchange id.
public enum ExchangeClients {
    /// A client for `exchange`. Throws `invalid_credentials` when a required field is missing or unusable.
    public static func client(
        for exchange: ExchangeID, credentials: Credentials, configuration: ExchangeConfiguration
    ) throws -> any ExchangeClient {
        try validate(credentials, for: exchange)
        switch exchange {
        case .binance: return BinanceClient(credentials: credentials, configuration: configuration)
        case .coinbase: return try CoinbaseClient(credentials: credentials, configuration: configuration)
        case .coinbaseexchange: return CoinbaseExchangeClient(credentials: credentials, configuration: configuration)
        case .kraken: return KrakenClient(credentials: credentials, configuration: configuration)
        case .kucoin: return KuCoinClient(credentials: credentials, configuration: configuration)
        }
    }

    /// Checks that every field `exchange` requires is present.
    public static func validate(_ credentials: Credentials, for exchange: ExchangeID) throws {
        let info = exchange.info
        for field in info.requiredFields {
            let value: String?
            switch field {
            case .apiKey: value = credentials.apiKey
            case .apiSecret: value = credentials.apiSecret
            case .passphrase: value = credentials.passphrase
            }
            if (value ?? "").isEmpty {
                let label = info.fieldLabels[field] ?? field.rawValue
                throw ExchangeError(
                    field == .passphrase ? .invalidPassphrase : .invalidCredentials,
                    message: "\(info.displayName) needs the \(label); it was empty.",
                    exchange: exchange, detail: "missing \(field.rawValue)")
            }
        }
    }
}
