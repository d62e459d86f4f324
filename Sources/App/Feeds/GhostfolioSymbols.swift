/// How a Holdfast asset appears in Ghostfolio and Wealthfolio (issue 15, "crypto symbols mapped to a data source
/// Ghostfolio can price").
///
/// Ghostfolio prices crypto through its CoinGecko provider (`DataSource.COINGECKO`, one of the default
/// `DATA_SOURCES` = COINGECKO, MANUAL, YAHOO in apps/api/src/services/configuration/configuration.service.ts), whose
/// symbols are CoinGecko coin ids ("bitcoin", not "BTC") and whose asset profiles are in USD (`DEFAULT_CURRENCY`,
/// apps/api/src/services/data-provider/coingecko/coingecko.service.ts). A ticker cannot be turned into a coin id
/// by rule (many coins share a ticker), so the ids are a fixed table of well-known coins; an asset not in it is
/// left out of the push and listed as unmapped (Ghostfolio's import refuses a symbol its data source does not
/// know: `activities.N.symbol ... is not valid for the specified data source`, import.service.ts).
///
/// Fiat currencies and stablecoins are not positions but cash: in Ghostfolio the account's cash balance, in
/// Wealthfolio `$CASH` rows.
enum GhostfolioSymbols {
    /// Holdfast asset id (the exchanges' canonical ticker) → CoinGecko coin id.
    static let coinGeckoIDs: [String: String] = [
        "BTC": "bitcoin", "ETH": "ethereum", "SOL": "solana", "XRP": "ripple", "BNB": "binancecoin",
        "ADA": "cardano", "DOGE": "dogecoin", "DOT": "polkadot", "TRX": "tron", "AVAX": "avalanche-2",
        "LINK": "chainlink", "MATIC": "matic-network", "POL": "polygon-ecosystem-token", "LTC": "litecoin",
        "BCH": "bitcoin-cash", "XLM": "stellar", "ATOM": "cosmos", "ETC": "ethereum-classic", "XMR": "monero",
        "UNI": "uniswap", "AAVE": "aave", "ALGO": "algorand", "NEAR": "near", "FIL": "filecoin", "ICP": "internet-computer",
        "APT": "aptos", "ARB": "arbitrum", "OP": "optimism", "SUI": "sui", "TON": "the-open-network", "SHIB": "shiba-inu",
        "XTZ": "tezos", "EOS": "eos", "KSM": "kusama", "MKR": "maker", "LDO": "lido-dao", "SAND": "the-sandbox",
        "MANA": "decentraland", "GRT": "the-graph", "CRV": "curve-dao-token", "KCS": "kucoin-shares", "OKB": "okb",
        "MNT": "mantle", "PEPE": "pepe", "HBAR": "hedera-hashgraph", "VET": "vechain", "INJ": "injective-protocol",
        "ZRX": "0x", "API3": "api3", "IOTA": "iota", "ZEC": "zcash", "DASH": "dash", "SNX": "havven", "COMP": "compound-governance-token",
        "BETH": "binance-eth", "PAXG": "pax-gold", "WBTC": "wrapped-bitcoin",
    ]

    /// Stablecoins: counted as cash (valued through their own markets, never taken as 1).
    static let stablecoins: Set<String> = ["USDT", "USDC", "DAI", "FDUSD", "TUSD", "USDP", "PYUSD", "BUSD", "USDE", "EURC",
                                           "EURT", "USDS", "USD1", "RLUSD", "GUSD", "LUSD"]

    /// Fiat currencies exchanges report balances in (ISO 4217 codes; Kraken's Z-prefixed ids are canonical already).
    static let fiat: Set<String> = ["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "TRY", "BRL", "PLN", "SEK",
                                    "NOK", "DKK", "CZK", "HUF", "RON", "MXN", "ARS", "ZAR", "SGD", "HKD", "KRW", "INR",
                                    "IDR", "UAH", "AED", "NGN", "KZT", "GEL", "COP", "PEN", "CLP", "THB", "VND", "PHP"]

    /// What Holdfast does with one asset in a feed.
    enum Kind: Equatable {
        /// A position priced by Ghostfolio's CoinGecko provider under this coin id.
        case coin(id: String)
        /// Fiat or a stablecoin: part of the cash balance.
        case cash
        /// No data source Ghostfolio can price: left out of the push.
        case unmapped
    }

    /// The kind of `asset`.
    static func kind(of asset: String) -> Kind {
        if fiat.contains(asset) || stablecoins.contains(asset) { return .cash }
        if let id = coinGeckoIDs[asset] { return .coin(id: id) }
        return .unmapped
    }

    /// The Wealthfolio (Yahoo Finance) symbol of a crypto asset priced in `currency`: "BTC-USD".
    static func wealthfolioSymbol(of asset: String, currency: String) -> String { asset + "-" + currency }
}
