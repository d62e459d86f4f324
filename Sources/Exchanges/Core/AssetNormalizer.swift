/// Maps an exchange's own asset ids to canonical symbols, as data tables rather than prefix rules.
///
/// Kraken: see `KrakenAssetID` (legacy X/Z ids from an explicit table, dotted suffixes naming the wallet, lock-up
/// staking ids, fee credits that are not a holding). Without Kraken's asset list this type cannot tell a
/// lock-up id from a ticker, so it treats every stem as known; `KrakenClient` resolves with the list.
/// Binance: `LD…` rows are Simple Earn Flexible positions mirrored into the spot account (exchanges.md §7.3). They
/// are folded into the base asset under the wallet "earn-flexible"; `BinanceWallets` drops them instead when it
/// read the flexible positions themselves. Real coins that start with "LD" are listed in `binanceLDCoins` and
/// kept as they are (a fixed list rather than an `exchangeInfo` request on every read).
public enum AssetNormalizer {
    /// A canonical symbol plus the wallet the raw id implies (nil: the caller's default wallet).
    public struct Normalized: Sendable, Equatable {
        /// Canonical symbol.
        public let asset: String
        /// Wallet implied by the id, e.g. "staked" for `DOT.S`.
        public let wallet: String?
        /// False for ids that are not holdings (Kraken fee credits): such rows are left out of balances.
        public var isHolding: Bool = true
    }

    /// Listed Binance coins whose symbol starts with "LD" but that are not Simple Earn positions.
    public static let binanceLDCoins: Set<String> = ["LDO"]

    /// The canonical symbol and implied wallet of `rawAsset` on `exchange`.
    public static func normalize(_ rawAsset: String, on exchange: ExchangeID) -> Normalized {
        let raw = rawAsset.uppercased()
        switch exchange {
        case .kraken:
            return normalized(KrakenAssetID.resolve(raw, isKnown: { _ in true }), rawAsset: raw)
        case .binance:
            if raw.hasPrefix("LD"), raw.count > 3, !binanceLDCoins.contains(raw) {
                return Normalized(asset: String(raw.dropFirst(2)), wallet: "earn-flexible")
            }
            return Normalized(asset: raw, wallet: nil)
        case .coinbase, .coinbaseexchange, .kucoin, .okx, .bybit, .bitvavo:
            return Normalized(asset: raw, wallet: nil)
        }
    }

    /// A Kraken resolution as `Normalized`; fee credits keep their id and are marked as no holding.
    public static func normalized(_ resolution: KrakenAssetID.Resolution, rawAsset: String) -> Normalized {
        switch resolution {
        case let .holding(asset, wallet): return Normalized(asset: asset, wallet: wallet)
        case .notAHolding: return Normalized(asset: rawAsset.uppercased(), wallet: nil, isHolding: false)
        }
    }
}
