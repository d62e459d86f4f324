import Foundation

/// A read-only client for one exchange account.
public protocol ExchangeClient: Sendable {
    /// The exchange this client talks to.
    var exchange: ExchangeID { get }
    /// Every non-zero balance, one per canonical asset, summed over the exchange's wallets, with the wallets the
    /// key may not read. Throws when any wallet the key may read cannot be read completely.
    func readBalances() async throws -> AccountBalances
    /// What the key may do; `nil` fields where the exchange offers no way to ask.
    func permissions() async throws -> KeyPermissions
    /// The exchange's clock, from its public time endpoint.
    func serverTime() async throws -> Date
}

extension ExchangeClient {
    /// The balances of `readBalances()`, for callers that do not report unread wallets.
    public func fetchBalances() async throws -> [Balance] { try await readBalances().balances }
}

/// Builds clients by exchange id.
public enum ExchangeClients {
    /// A client for `exchange`. Throws `invalid_credentials` when a required field is missing or unusable.
    public static func client(
        for exchange: ExchangeID, credentials: Credentials, configuration: ExchangeConfiguration
    ) throws -> any ExchangeClient {
        // A Coinbase key file in the secret field may supply the key name, so it is resolved before the check
        // (an empty secret is left to the check, which names the missing field).
        try validate(credentials.apiSecret.isEmpty ? credentials : try normalized(credentials, for: exchange),
                     for: exchange)
        switch exchange {
        case .binance: return BinanceClient(credentials: credentials, configuration: configuration)
        case .coinbase: return try CoinbaseClient(credentials: credentials, configuration: configuration)
        case .coinbaseexchange: return CoinbaseExchangeClient(credentials: credentials, configuration: configuration)
        case .kraken: return KrakenClient(credentials: credentials, configuration: configuration)
        case .kucoin: return KuCoinClient(credentials: credentials, configuration: configuration)
        case .okx: return OKXClient(credentials: credentials, configuration: configuration)
        case .bybit: return BybitClient(credentials: credentials, configuration: configuration)
        case .bitvavo: return BitvavoClient(credentials: credentials, configuration: configuration)
        }
    }

    /// `credentials` as they should be stored: Coinbase keys resolved from any pasted form into the key name and
    /// a canonical private key (`CoinbaseCredentials.normalized`); other exchanges' as entered. Throws
    /// `invalid_key_format` for a key that cannot be read, before any request.
    public static func normalized(_ credentials: Credentials, for exchange: ExchangeID) throws -> Credentials {
        exchange == .coinbase ? try CoinbaseCredentials.normalized(credentials) : credentials
    }

    /// Checks that every field `exchange` requires is present and that the region, if any, is one of the
    /// exchange's (`invalid_request` otherwise: the region comes from a list, not from the key).
    public static func validate(_ credentials: Credentials, for exchange: ExchangeID) throws {
        let info = exchange.info
        if let region = credentials.region, info.region(region) == nil {
            let known = info.regions.map(\.id)
            throw ExchangeError(
                .invalidRequest,
                message: known.isEmpty
                    ? "\(info.displayName) has no regions; leave the region empty."
                    : "\(info.displayName) has no region \"\(region.prefix(40))\"; choose one of \(known.joined(separator: ", ")).",
                exchange: exchange, detail: "unknown region")
        }
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
