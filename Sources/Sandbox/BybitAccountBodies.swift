import Exchanges
import Foundation

/// The bodies of Bybit's signed endpoints (exchanges-okx-bybit-bitvavo.md §B.1, §B.2, §B.5), built from a
/// verified fixture account. Amounts are served canonicalized, hostile text as given.
enum BybitAccountBodies {
    static let accountInfoPath = "/v5/account/info"
    static let walletBalancePath = "/v5/account/wallet-balance"
    static let fundPath = "/v5/asset/transfer/query-account-coins-balance"
    static let earnPath = "/v5/earn/position"
    static let overviewPath = "/v5/asset/asset-overview"
    static let keyInfoPath = "/v5/user/query-api"

    /// The answer to `path` (region prefix removed) for `account`.
    static func answer(path: String, query: String, region: String?, account: FixtureAccount, now: Int64) -> ServerResponse {
        let knobs = account.bybit ?? FixtureBybit()
        let parameters = ServerRequest.parameters(query)
        let mode = knobs.accountMode ?? 6
        switch path {
        case accountInfoPath:
            return BybitSimulator.body([
                "unifiedMarginStatus": mode, "marginMode": "REGULAR_MARGIN", "isMasterTrader": false,
                "spotHedgingStatus": "OFF", "updatedTime": "1697078946000", "dcpStatus": "OFF", "timeWindow": 10,
                "smpGroup": 0,
            ] as [String: Any], time: now)
        case walletBalancePath:
            return walletBalance(parameters["accountType"], mode: mode, account: account, now: now)
        case fundPath:
            guard parameters["accountType"] == "FUND" else { return paramsError(now) }
            if knobs.fundPermissionDenied == true { return denied(now) }
            let rows = rows(account, wallet: "funding").map { row -> [String: Any] in
                ["coin": row.asset, "walletBalance": total(row), "transferBalance": served(row.free), "bonus": ""]
            }
            return BybitSimulator.body(["accountType": "FUND", "memberId": "", "balance": rows] as [String: Any],
                                       time: now)
        case earnPath:
            let wallet: String
            switch parameters["category"] {
            case "FlexibleSaving": wallet = "earn-flexible"
            case "OnChain": wallet = "earn-onchain"
            default: return paramsError(now)
            }
            if knobs.earnScopeMissing == true { return denied(now) }
            let list = rows(account, wallet: wallet).map { row -> [String: Any] in
                var position: [String: Any] = [
                    "coin": row.asset, "productId": SimulatorSupport.id(wallet, row.asset).prefix(6).description,
                    "amount": total(row), "totalPnl": "0", "claimableYield": "0", "status": "Active",
                    "id": SimulatorSupport.id(account.apiKey, wallet, row.asset), "orderId": "",
                    "estimateRedeemTime": "", "estimateStakeTime": "", "estimateInterestCalculationTime": "",
                    "settlementTime": "",
                ]
                if wallet == "earn-onchain", let swap = knobs.swapCoins?[row.asset] { position["swapCoin"] = swap }
                return position
            }
            return BybitSimulator.body(["list": list], time: now)
        case overviewPath:
            // Not supported for regional accounts (§B.2): no regional body is documented, so not simulated.
            guard region == nil else { return .json(404, object: ["error": "not simulated", "path": path]) }
            return overview(account, knobs: knobs, now: now)
        default:
            return keyInfo(account, knobs: knobs, now: now)
        }
    }

    /// `wallet-balance`: UNIFIED for every UTA; CONTRACT only for UTA 1.0 (§B.1); anything else is a parameter
    /// error. Each coin: `walletBalance` gross (free + locked, borrowed coins included), `spotBorrow` and
    /// `borrowAmount` the fixture's `liability`.
    private static func walletBalance(_ type: String?, mode: Int, account: FixtureAccount, now: Int64) -> ServerResponse {
        let wallet: String
        switch (type, mode) {
        case ("UNIFIED", 3...6): wallet = "unified"
        case ("CONTRACT", 3...4): wallet = "contract"
        default: return BybitSimulator.error(200, 10001, "accountType only support UNIFIED.", time: now)
        }
        let interest = account.bybit?.accruedInterest ?? [:]
        let coins = rows(account, wallet: wallet).map { row -> [String: Any] in
            let borrowed = served(row.liability ?? "0")
            return [
                "coin": row.asset, "walletBalance": total(row), "locked": served(row.lockedAmount),
                "spotBorrow": borrowed, "borrowAmount": borrowed, "accruedInterest": interest[row.asset] ?? "0",
                "equity": DecimalString.subtract(total(row), borrowed) ?? total(row), "unrealisedPnl": "0",
                "cumRealisedPnl": "0", "usdValue": "", "bonus": "0", "free": "", "availableToWithdraw": "",
                "totalOrderIM": "0", "totalPositionIM": "0", "totalPositionMM": "0", "collateralSwitch": true,
                "marginCollateral": true, "spotHedgingQty": "0",
            ]
        }
        return BybitSimulator.body(["list": [[
            "accountType": wallet == "unified" ? "UNIFIED" : "CONTRACT", "totalEquity": "", "totalWalletBalance": "",
            "accountIMRate": "0", "accountMMRate": "0", "coin": coins,
        ] as [String: Any]]], time: now)
    }

    /// Totals per account type (`equity`, here the sum of coin amounts: the sandbox has no prices) plus the
    /// fixture's extra rows (bots, copy trading, loans).
    private static func overview(_ account: FixtureAccount, knobs: FixtureBybit, now: Int64) -> ServerResponse {
        var list: [[String: Any]] = []
        for (type, wallets) in [("UnifiedTradingAccount", ["unified", "contract"]), ("FundingAccount", ["funding"]),
                                ("Earn", ["earn-flexible", "earn-onchain"])] {
            let amounts = wallets.flatMap { rows(account, wallet: $0) }.map(total)
            list.append(["accountType": type, "equity": DecimalString.sum(amounts) ?? "0"])
        }
        for extra in knobs.overviewExtras ?? [] {
            list.append(["accountType": extra.accountType, "equity": extra.equity])
        }
        return BybitSimulator.body(["valuationCurrency": "USD", "list": list] as [String: Any], time: now)
    }

    /// `/v5/user/query-api` (§B.5): scopes filled in even for a read-only key, as Bybit's own example shows.
    private static func keyInfo(_ account: FixtureAccount, knobs: FixtureBybit, now: Int64) -> ServerResponse {
        let readOnly = knobs.readOnly ?? (account.canTrade == true ? 0 : 1)
        var wallet = ["AccountTransfer", "SubMemberTransfer"]
        if knobs.withdrawScope ?? (account.canWithdraw == true) { wallet.append("Withdraw") }
        let deadline = knobs.deadlineDay ?? -2
        let expiredAt = knobs.expiredAt ?? (deadline >= 0
            ? ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(now) / 1000 + Double(deadline) * 86_400))
            : "1970-01-01T00:00:00Z")
        var permissions: [String: [String]] = [
            "ContractTrade": ["Order", "Position"], "Spot": ["SpotTrade"], "Wallet": wallet, "Options": ["OptionsTrade"],
            "Derivatives": ["DerivativesTrade"], "Exchange": ["ExchangeHistory"], "Earn": ["Earn"], "FiatP2P": [],
            "CopyTrading": [], "BlockTrade": [], "NFT": [], "Affiliate": [],
        ]
        if knobs.earnScopeMissing == true { permissions["Earn"] = [] }
        return BybitSimulator.body([
            "id": "13770661", "note": account.label ?? "holdfast", "apiKey": account.apiKey, "readOnly": readOnly,
            "secret": "", "permissions": permissions, "ips": deadline >= 0 ? ["*"] : ["203.0.113.7"], "type": 1,
            "deadlineDay": deadline, "expiredAt": expiredAt, "createdAt": "2023-09-23T09:12:06Z", "unified": 0,
            "uta": 1, "userID": 24_617_703, "inviterID": 0, "vipLevel": "No VIP", "mktMakerLevel": "0",
            "affiliateID": 0, "rsaPublicKey": "", "isMaster": true, "parentUid": "0", "kycLevel": "LEVEL_DEFAULT",
            "kycRegion": "",
        ] as [String: Any], time: now)
    }

    /// The fixture rows of `wallet` (none or `unified` for the unified wallet), summed per coin.
    private static func rows(_ account: FixtureAccount, wallet: String) -> [FixtureBalance] {
        SimulatorSupport.merged(account.balances.filter { ($0.wallet ?? "unified") == wallet }, byWallet: false)
    }

    /// `free + locked` canonical, or `free` as given when it is not a number (a hostile fixture).
    private static func total(_ row: FixtureBalance) -> String {
        DecimalString.add(row.free, row.lockedAmount) ?? row.free
    }

    /// `text` canonical, or as given when it is not a number.
    private static func served(_ text: String) -> String { DecimalString.canonical(text) ?? text }

    private static func denied(_ now: Int64) -> ServerResponse {
        BybitSimulator.error(200, 10005, "Permission denied, please check your API key permissions.", time: now)
    }

    private static func paramsError(_ now: Int64) -> ServerResponse {
        BybitSimulator.error(200, 10001, "params error", time: now)
    }
}
