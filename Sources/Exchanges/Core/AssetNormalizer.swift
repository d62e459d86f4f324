/// Maps an exchange's own asset ids to canonical symbols, as data tables rather than prefix rules.
///
/// Kraken: legacy X/Z-prefixed ids and its XBT/XDG altnames come from an explicit table (never a generic
/// "strip a leading X or Z": XTZ, ZRX and XCN are real tickers); dotted suffixes (`.S .M .P .F .B .T .HOLD`)
/// fold into the base asset and name the wallet instead.
/// Binance: `LD…` rows are Simple Earn Flexible positions mirrored into the spot account. Holdfast does not read
/// Simple Earn separately, so they are folded into the base asset under the wallet "simple-earn" (counted once,
/// and not lost). Real coins that start with "LD" are listed in `binanceLDCoins` and kept as they are.
public enum AssetNormalizer {
    /// A canonical symbol plus the wallet the raw id implies (nil: the caller's default wallet).
    public struct Normalized: Sendable, Equatable {
        /// Canonical symbol.
        public let asset: String
        /// Wallet implied by the id, e.g. "staked" for `DOT.S`.
        public let wallet: String?
    }

    /// Kraken ids that are not their canonical symbol (ccxt's `commonCurrencies` plus Kraken's altnames).
    public static let krakenAssets: [String: String] = [
        "XXBT": "BTC", "XBT": "BTC", "XXDG": "DOGE", "XDG": "DOGE",
        "XETH": "ETH", "XETC": "ETC", "XLTC": "LTC", "XXRP": "XRP", "XXLM": "XLM", "XXMR": "XMR",
        "XZEC": "ZEC", "XMLN": "MLN", "XREP": "REP", "XXTZ": "XTZ", "XICN": "ICN", "XNMC": "NMC", "XXVN": "XVN",
        "XDAO": "DAO",
        "ZUSD": "USD", "ZEUR": "EUR", "ZGBP": "GBP", "ZJPY": "JPY", "ZCAD": "CAD", "ZAUD": "AUD", "ZKRW": "KRW",
        // Staked ether is ETH for portfolio purposes; the wallet says it is staked.
        "ETH2": "ETH",
    ]

    /// Kraken ids that imply a wallet even without a suffix.
    public static let krakenImpliedWallets: [String: String] = ["ETH2": "staked"]

    /// Kraken balance suffixes and the wallet each one means.
    public static let krakenSuffixWallets: [String: String] = [
        "S": "staked", "M": "rewards", "P": "parachain", "F": "auto-earn", "B": "yield", "T": "tokenized",
        "HOLD": "hold",
    ]

    /// Listed Binance coins whose symbol starts with "LD" but that are not Simple Earn positions.
    public static let binanceLDCoins: Set<String> = ["LDO"]

    /// The canonical symbol and implied wallet of `rawAsset` on `exchange`.
    public static func normalize(_ rawAsset: String, on exchange: ExchangeID) -> Normalized {
        let raw = rawAsset.uppercased()
        switch exchange {
        case .kraken:
            if let dot = raw.firstIndex(of: ".") {
                let base = String(raw[..<dot]), suffix = String(raw[raw.index(after: dot)...])
                if let wallet = krakenSuffixWallets[suffix] {
                    return Normalized(asset: krakenAssets[base] ?? base, wallet: wallet)
                }
                return Normalized(asset: raw, wallet: nil)
            }
            return Normalized(asset: krakenAssets[raw] ?? raw, wallet: krakenImpliedWallets[raw])
        case .binance:
            if raw.hasPrefix("LD"), raw.count > 3, !binanceLDCoins.contains(raw) {
                return Normalized(asset: String(raw.dropFirst(2)), wallet: "simple-earn")
            }
            return Normalized(asset: raw, wallet: nil)
        case .coinbase, .coinbaseexchange, .kucoin:
            return Normalized(asset: raw, wallet: nil)
        }
    }
}
