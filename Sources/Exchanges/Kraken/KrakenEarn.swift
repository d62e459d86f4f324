/// Kraken Earn allocations (`POST /0/private/Earn/Allocations`, exchanges.md §8.3) and how they are reconciled
/// with the suffixed rows of `BalanceEx`.
///
/// Allocated funds may or may not be mirrored as suffixed rows (`DOT.S`, `DOT28.S`, …); one tracker found vault
/// allocations missing from the balance while other earn funds were visible there. So per asset the earn part
/// is the larger of the two, never their sum: when allocations exceed the suffixed rows, only the excess is
/// added, as its own wallet row. Allocations to `flex` strategies ("Kraken Rewards": earning on spot balances,
/// docs "List Earn Strategies") are the spot balance itself and are never added; nor is an allocation whose
/// strategy Kraken does not list, since it cannot be shown not to be `flex`.
enum KrakenEarn {
    /// The `Earn/Allocations` response: `result.items[].strategy_id`, `native_asset`, `amount_allocated.total.native`.
    struct Envelope: Decodable {
        struct Result: Decodable { let items: [Item]? }
        struct Item: Decodable {
            struct Allocated: Decodable { let total: Amount }
            struct Amount: Decodable { let native: AmountText }
            let strategy_id: String?
            let native_asset: String
            let amount_allocated: Allocated
        }
        let result: Result?
    }

    /// The `Earn/Strategies` response: `result.items[].id` and `lock_type.type` (`instant`, `bonded`, `flex`).
    struct StrategiesEnvelope: Decodable {
        struct Result: Decodable { let items: [Strategy]? }
        struct Strategy: Decodable {
            struct LockType: Decodable { let type: String? }
            let id: String
            let lock_type: LockType?
        }
        let result: Result?
    }

    /// The ids of strategies that may be added: every listed strategy except `flex` ones.
    static func countedStrategies(_ strategies: [StrategiesEnvelope.Strategy]) -> Set<String> {
        Set(strategies.filter { $0.lock_type?.type?.lowercased() != "flex" }.map(\.id))
    }

    /// The wallet of allocated funds that `BalanceEx` does not show.
    static let allocationWallet = "earn-allocations"

    /// Wallets (from `KrakenAssetID.suffixWallets` and `ETH2`) that mirror earn or staking funds; `hold` and
    /// `tokenized` are not earn.
    static let earnWallets: Set<String> = ["staked", "rewards", "bonded", "earn", "auto-earn"]

    /// `rows` plus one `earn-allocations` row per asset whose allocations to `counted` strategies exceed its
    /// suffixed rows, holding the excess (locked: allocated funds cannot be traded). Throws `bad_response` for an amount that is not a
    /// decimal number in range.
    static func reconcile(
        _ rows: [RawBalance], allocations: [Envelope.Item], counted: Set<String>
    ) throws -> [RawBalance] {
        var allocated: [String: String] = [:]
        var rawIDs: [String: String] = [:]
        for item in allocations {
            guard let strategy = item.strategy_id, counted.contains(strategy) else { continue }
            guard case let .holding(asset, _) = KrakenAssetID.resolve(item.native_asset, isKnown: { _ in true })
            else { continue }
            guard let sum = DecimalString.add(allocated[asset] ?? "0", item.amount_allocated.total.native.text) else {
                throw ExchangeError(.badResponse, exchange: .kraken, detail: "non-decimal allocation")
            }
            allocated[asset] = sum
            rawIDs[asset] = rawIDs[asset] ?? item.native_asset
        }
        var mirrored: [String: String] = [:]
        for row in rows {
            guard let normalized = row.normalized, let wallet = normalized.wallet, earnWallets.contains(wallet)
            else { continue }
            let amount = DecimalString.add(row.free, row.locked)
            guard let amount, let sum = DecimalString.add(mirrored[normalized.asset] ?? "0", amount) else {
                throw ExchangeError(.badResponse, exchange: .kraken, detail: "non-decimal amount for \(row.asset)")
            }
            mirrored[normalized.asset] = sum
        }
        var result = rows
        for asset in allocated.keys.sorted() {
            guard let excess = DecimalString.subtract(allocated[asset] ?? "0", mirrored[asset] ?? "0") else {
                throw ExchangeError(.badResponse, exchange: .kraken, detail: "allocation out of range")
            }
            guard !excess.hasPrefix("-"), !DecimalString.isZero(excess) else { continue }
            result.append(RawBalance(
                wallet: allocationWallet, asset: rawIDs[asset] ?? asset, free: "0", locked: excess,
                normalized: AssetNormalizer.Normalized(asset: asset, wallet: allocationWallet)))
        }
        return result
    }
}
