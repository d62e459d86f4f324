/// Builds market data clients by exchange id.
public enum MarketDataClients {
    /// The keyless market data client of `exchange`, reading the exchange's default host (market data is public
    /// and the same on every regional host).
    public static func client(for exchange: ExchangeID, configuration: ExchangeConfiguration) -> any MarketDataClient {
        switch exchange {
        case .binance: return BinanceMarketData(configuration: configuration)
        case .coinbase: return CoinbaseMarketData(configuration: configuration)
        case .coinbaseexchange: return CoinbaseExchangeMarketData(configuration: configuration)
        case .kraken: return KrakenMarketData(configuration: configuration)
        case .kucoin: return KuCoinMarketData(configuration: configuration)
        case .okx: return OKXMarketData(configuration: configuration)
        case .bybit: return BybitMarketData(configuration: configuration)
        case .bitvavo: return BitvavoMarketData(configuration: configuration)
        }
    }
}
