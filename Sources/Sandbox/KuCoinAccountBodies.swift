import Exchanges
import Foundation

/// The bodies of KuCoin's account-mode, unified-account and margin endpoints (exchanges.md §9.1–§9.3), built
/// from a fixture account once its request is verified. Amounts are served canonicalized, hostile text as given.
enum KuCoinAccountBodies {
    /// `GET /api/ua/v1/account/mode` (§9.1).
    static let modePath = "/api/ua/v1/account/mode"
    /// `GET /api/ua/v1/unified/account/balance` (§9.2).
    static let unifiedPath = "/api/ua/v1/unified/account/balance"
    /// Cross margin with liabilities (§9.3).
    static let crossMarginPath = "/api/v3/margin/accounts"
    /// Isolated margin with liabilities, per pair (§9.3).
    static let isolatedMarginPath = "/api/v3/isolated/accounts"

    /// True when the account's mode is `UNIFIED`.
    static func isUnified(_ account: FixtureAccount) -> Bool { account.accountMode?.uppercased() == "UNIFIED" }

    /// The `/api/v1/accounts` `type` of a fixture row: its wallet (default `trade`), `isolated:PAIR` read as
    /// `isolated`.
    static func accountType(_ row: FixtureBalance) -> String {
        let wallet = row.wallet ?? "trade"
        return wallet.hasPrefix("isolated:") ? "isolated" : wallet
    }

    /// The answer builder for `request` when it is one of these endpoints, nil otherwise.
    static func body(for request: ServerRequest, account: FixtureAccount) -> (() -> ServerResponse)? {
        switch request.path {
        case modePath:
            return { mode(account) }
        case unifiedPath:
            return { unified(account) }
        case crossMarginPath, isolatedMarginPath:
            // §4.3: a key without permission for the URI gets 400007 "Access Denied".
            if account.marginPermissionDenied == true {
                return { .json(403, object: ["code": "400007", "msg": "Access Denied"]) }
            }
            if request.path == crossMarginPath { return { crossMargin(account) } }
            return { isolatedMargin(account) }
        default:
            return nil
        }
    }

    /// `data.selfAccountMode` plus the sub-account lists; `unavailable` answers 404 like an unknown path.
    private static func mode(_ account: FixtureAccount) -> ServerResponse {
        if account.accountMode?.lowercased() == "unavailable" {
            return .json(404, object: ["error": "not simulated", "path": modePath])
        }
        return .json(200, object: ["code": "200000", "data": [
            "selfAccountMode": isUnified(account) ? "UNIFIED" : "CLASSIC",
            "unifiedSubAccount": [String](), "classicSubAccount": [String](),
        ] as [String: Any]])
    }

    /// Every fixture row of the account summed per currency (wallets do not exist in unified mode).
    private static func unified(_ account: FixtureAccount) -> ServerResponse {
        let currencies = SimulatorSupport.merged(account.balances, byWallet: false).map { row -> [String: Any] in
            let liability = row.liability ?? "0"
            return [
                "currency": row.asset, "balance": row.total, "available": served(row.free),
                "hold": served(row.lockedAmount), "liability": served(liability),
                "equity": DecimalString.subtract(row.total, liability) ?? row.total,
            ]
        }
        return .json(200, object: ["code": "200000", "data": [
            "accountType": "UNIFIED", "ts": Int64(Date().timeIntervalSince1970 * 1000),
            "accounts": [["currencies": currencies]],
        ] as [String: Any]])
    }

    /// Rows of wallet `margin` as cross margin accounts.
    private static func crossMargin(_ account: FixtureAccount) -> ServerResponse {
        let rows = SimulatorSupport.merged(account.balances.filter { $0.wallet == "margin" }, byWallet: false)
        return .json(200, object: ["code": "200000", "data": [
            "totalAssetOfQuoteCurrency": "0", "totalLiabilityOfQuoteCurrency": "0", "debtRatio": "0",
            "status": "EFFECTIVE", "accounts": rows.map(marginAsset),
        ] as [String: Any]])
    }

    /// Rows of wallets `isolated:BASE-QUOTE` (or `isolated`, read as `ASSET-USDT`) as isolated pairs; the side
    /// a pair has no row for is all zeros.
    private static func isolatedMargin(_ account: FixtureAccount) -> ServerResponse {
        var order: [String] = []
        var pairs: [String: [FixtureBalance]] = [:]
        for row in account.balances where accountType(row) == "isolated" {
            let symbol = row.wallet.flatMap { $0.hasPrefix("isolated:") ? String($0.dropFirst(9)) : nil }
                ?? row.asset + "-USDT"
            if pairs[symbol] == nil { order.append(symbol) }
            pairs[symbol, default: []].append(row)
        }
        let assets = order.map { symbol -> [String: Any] in
            let parts = symbol.split(separator: "-").map(String.init)
            let base = parts.first ?? symbol, quote = parts.count > 1 ? parts[1] : "USDT"
            let rows = SimulatorSupport.merged(pairs[symbol] ?? [], byWallet: false)
            func side(_ currency: String) -> [String: Any] {
                marginAsset(rows.first { $0.asset == currency } ?? FixtureBalance(asset: currency, free: "0"))
            }
            return ["symbol": symbol, "status": "EFFECTIVE", "debtRatio": "0",
                    "baseAsset": side(base), "quoteAsset": side(quote)]
        }
        return .json(200, object: ["code": "200000", "data": [
            "totalAssetOfQuoteCurrency": "0", "totalLiabilityOfQuoteCurrency": "0",
            "timestamp": Int64(Date().timeIntervalSince1970 * 1000), "assets": assets,
        ] as [String: Any]])
    }

    /// One margin currency: `total = available + hold`, `liability` (all principal here).
    private static func marginAsset(_ row: FixtureBalance) -> [String: Any] {
        let liability = served(row.liability ?? "0")
        return [
            "currency": row.asset, "total": row.total, "available": served(row.free), "hold": served(row.lockedAmount),
            "liability": liability, "liabilityPrincipal": liability, "liabilityInterest": "0",
            "maxBorrowSize": "0", "borrowEnabled": true, "transferInEnabled": true,
        ]
    }

    /// Canonical text of an amount, or the text as given when it is not a number in range (hostile fixtures).
    private static func served(_ amount: String) -> String { DecimalString.canonical(amount) ?? amount }
}
