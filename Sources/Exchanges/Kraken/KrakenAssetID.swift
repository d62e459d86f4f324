/// Kraken balance ids (`Balance`/`BalanceEx` keys) → canonical symbol, wallet, or "not a holding"
/// (exchanges.md §3.6, §8.1, §8.2).
///
/// Suffixed ids are read-only mirrors of a base asset in another product, so their rows are added to the base
/// asset's, under the wallet the suffix names. Lock-up staking ids (`DOT28.S`, `SOL03.S`, `FLOWH.S`) put a run
/// of digits or one letter between the code and `.S`; which variants exist is not documented (§8.1), so they
/// are parsed rather than listed: the extra part is stripped only when what remains is a known asset, which
/// keeps real tickers such as `API3` and `1INCH` whole.
public enum KrakenAssetID {
    /// Legacy ids and altnames that are not their canonical symbol (§3.6: ccxt's `commonCurrencies` plus
    /// Kraken's `XBT`/`XDG` altnames). Never a generic "strip a leading X or Z": `XTZ`, `ZRX`, `XCN` are real.
    public static let renamed: [String: String] = [
        "XXBT": "BTC", "XBT": "BTC", "XXDG": "DOGE", "XDG": "DOGE",
        "XETH": "ETH", "XETC": "ETC", "XLTC": "LTC", "XXRP": "XRP", "XXLM": "XLM", "XXMR": "XMR",
        "XZEC": "ZEC", "XMLN": "MLN", "XREP": "REP", "XXTZ": "XTZ", "XICN": "ICN", "XNMC": "NMC", "XXVN": "XVN",
        "XDAO": "DAO",
        "ZUSD": "USD", "ZEUR": "EUR", "ZGBP": "GBP", "ZJPY": "JPY", "ZCAD": "CAD", "ZAUD": "AUD", "ZKRW": "KRW",
        // Staked ether from the 2020–23 programme (§8.1): ETH for portfolio purposes, in the staked wallet.
        "ETH2": "ETH",
    ]

    /// Unsuffixed ids that still name a wallet (§8.1: `ETH2` is staked ETH).
    public static let impliedWallets: [String: String] = ["ETH2": "staked"]

    /// Balance-id suffixes and the wallet each names (§8.1 table; `.F` is deprecated in Balance/BalanceEx since
    /// 2025-11-13 but still read, `.HOLD` is unverified but seen on fiat).
    public static let suffixWallets: [String: String] = [
        "S": "staked", "M": "rewards", "P": "bonded", "B": "earn", "F": "auto-earn", "T": "tokenized",
        "HOLD": "hold",
    ]

    /// Fee credits (`KFEE`, altname `FEE`): usable only to pay Kraken trading fees, so not a holding (§8.1,
    /// support article 204799657).
    public static let feeCredits: Set<String> = ["KFEE", "FEE"]

    /// Where one balance id goes.
    public enum Resolution: Sendable, Equatable {
        /// Into `asset`, under `wallet` (nil: the caller's default wallet).
        case holding(asset: String, wallet: String?)
        /// Not a holding (fee credits): left out of the balances.
        case notAHolding
    }

    /// Resolves `rawAsset`. `isKnown` answers whether a code (uppercased, unsuffixed) is a Kraken asset id or
    /// altname, from `/0/public/Assets` (§8.2); it is asked only about stems of suffixed ids that `renamed` does
    /// not cover. An id whose stem is unknown, even after stripping a lock-up part, is kept whole (§8.1:
    /// "keep the id"), so it never folds into the wrong coin.
    public static func resolve(_ rawAsset: String, isKnown: (String) -> Bool) -> Resolution {
        let raw = rawAsset.uppercased()
        if feeCredits.contains(raw) { return .notAHolding }
        guard let dot = raw.lastIndex(of: ".") else {
            return .holding(asset: renamed[raw] ?? raw, wallet: impliedWallets[raw])
        }
        let stem = String(raw[..<dot]), suffix = String(raw[raw.index(after: dot)...])
        guard let wallet = suffixWallets[suffix], !stem.isEmpty else { return .holding(asset: raw, wallet: nil) }
        // Tokenized assets (xStocks) are not crypto (§8.1: "keep separate"): the whole id stays the symbol, so
        // `AAPLx.T` can never be added to a coin that shares its stem.
        if suffix == "T" { return .holding(asset: raw, wallet: wallet) }
        if feeCredits.contains(stem) { return .notAHolding }
        if let base = baseAsset(of: stem, isKnown: isKnown) { return .holding(asset: base, wallet: wallet) }
        return .holding(asset: raw, wallet: wallet)
    }

    /// The canonical asset a suffix's stem stands for, or nil when neither it nor its lock-up base is known.
    static func baseAsset(of stem: String, isKnown: (String) -> Bool) -> String? {
        if let renamed = renamed[stem] { return renamed }
        if isKnown(stem) { return stem }
        for candidate in lockUpBases(of: stem) where renamed[candidate] != nil || isKnown(candidate) {
            return renamed[candidate] ?? candidate
        }
        return nil
    }

    /// What `stem` could be without a lock-up part: without its trailing run of digits (`DOT28` → `DOT`), then
    /// without one trailing letter (`FLOWH` → `FLOW`); never an empty code.
    static func lockUpBases(of stem: String) -> [String] {
        var candidates: [String] = []
        let digits = stem.reversed().prefix { $0.isASCII && $0.isNumber }.count
        if digits > 0, digits < stem.count { candidates.append(String(stem.dropLast(digits))) }
        if let last = stem.last, last.isASCII, last.isLetter, stem.count > 1 {
            candidates.append(String(stem.dropLast()))
        }
        return candidates
    }

    /// True when the stem of `rawAsset` (a suffixed id other than `.T`) is not settled by `renamed` or by
    /// `locallyKnown`, so resolving it needs Kraken's asset list.
    static func needsCatalog(_ rawAsset: String, locallyKnown: Set<String>) -> Bool {
        let raw = rawAsset.uppercased()
        guard let dot = raw.lastIndex(of: "."), !feeCredits.contains(raw) else { return false }
        let stem = String(raw[..<dot]), suffix = String(raw[raw.index(after: dot)...])
        guard suffixWallets[suffix] != nil, suffix != "T", !stem.isEmpty, !feeCredits.contains(stem) else {
            return false
        }
        return baseAsset(of: stem, isKnown: { locallyKnown.contains($0) }) == nil
    }
}
