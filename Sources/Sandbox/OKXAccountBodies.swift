import Exchanges
import Foundation

/// The bodies of OKX's account endpoints (exchanges-okx-bybit-bitvavo.md §A.1, §A.5), built from a fixture
/// account once its request is verified, with the fields of the docs' examples. Amounts are served
/// canonicalized, hostile text as given.
enum OKXAccountBodies {
    /// Trading account, `data[0].details[]`.
    static let balancePath = "/api/v5/account/balance"
    /// Funding account, `data[]`.
    static let fundingPath = "/api/v5/asset/balances"
    /// Simple Earn flexible, `data[]`.
    static let savingsPath = "/api/v5/finance/savings/balance"
    /// On-chain Earn active orders, `data[].investData[]`.
    static let onchainPath = "/api/v5/finance/staking-defi/orders-active"
    /// ETH staking: account-wide BETH (overlaps trading and funding).
    static let ethStakingPath = "/api/v5/finance/staking-defi/eth/balance"
    /// SOL staking: account-wide OKSOL (overlaps trading and funding).
    static let solStakingPath = "/api/v5/finance/staking-defi/sol/balance"
    /// Account configuration with `perm`.
    static let configPath = "/api/v5/account/config"

    /// The client's wallet name for each wallet endpoint (for the fixture's per-wallet knobs).
    static let wallets = [
        balancePath: "trading", fundingPath: "funding", savingsPath: "earn-flexible", onchainPath: "earn-onchain",
        ethStakingPath: "earn-onchain", solStakingPath: "earn-onchain",
    ]

    /// The answer to `path` for `account`, after the account's per-wallet knobs.
    static func body(path: String, account: FixtureAccount) -> ServerResponse {
        let okx = account.okx ?? FixtureOKX()
        if let wallet = wallets[path] {
            if okx.permissionDenied?.contains(wallet) == true {
                return wallet == "funding"
                    ? OKXSimulator.error(200, "50120", "API key doesn't have permission to access this endpoint.")
                    : OKXSimulator.error(200, "50030", "No permission to use this API.")
            }
            if let status = okx.serverError?[wallet], status >= 500 {
                return OKXSimulator.error(status, "50001", "Service temporarily unavailable. Please try again later.")
            }
        }
        let data: [Any]
        switch path {
        case balancePath: data = [trading(account)]
        case fundingPath:
            // Only currencies with a balance are listed (§A.1).
            data = SimulatorSupport.merged(okx.funding ?? [], byWallet: false)
                .filter { !DecimalString.isZero($0.total) }
                .map { ["ccy": $0.asset, "bal": $0.total, "availBal": served($0.free), "frozenBal": served($0.lockedAmount)] }
        case savingsPath:
            data = (okx.savings ?? []).map {
                ["ccy": $0.asset, "amt": served($0.amount), "earnings": "0", "rate": "0.01", "loanAmt": served($0.amount),
                 "pendingAmt": "0", "redemptAmt": ""]
            }
        case onchainPath:
            data = (okx.onchain ?? []).enumerated().map { index, order in
                ["ordId": String(2_000_000 + index), "ccy": order.asset, "productId": "1234", "state": "1",
                 "protocol": "OKX Earn", "protocolType": "staking", "term": "0", "apy": "0.05",
                 "investData": [["ccy": order.asset, "amt": served(order.amount)]],
                 "earningData": [["ccy": order.asset, "earningType": "0", "earnings": "0"]],
                 "purchasedTime": "1700000000000", "tag": ""] as [String: Any]
            }
        case ethStakingPath, solStakingPath:
            let (ccy, amount) = path == ethStakingPath ? ("BETH", okx.ethStaking) : ("OKSOL", okx.solStaking)
            data = amount.map { [["ccy": ccy, "amt": served($0), "latestInterestAccrual": "0",
                                  "totalInterestAccrual": "0", "ts": "1700000000000"]] } ?? []
        default: data = [configuration(account)]
        }
        return .json(200, object: ["code": "0", "msg": "", "data": data])
    }

    /// The trading account: one detail per currency with `eq = free + locked − liability` (how OKX's
    /// `eq`/`liab` relate for a borrowed currency is UNVERIFIED, §A.1; this models `eq` as net, so a currency
    /// borrowed and not held shows a negative `eq`). Currencies with `eq` and `cashBal` both 0 are omitted.
    private static func trading(_ account: FixtureAccount) -> [String: Any] {
        let details = SimulatorSupport.merged(account.balances, byWallet: false).compactMap { row -> [String: Any]? in
            let liability = row.liability ?? "0"
            let equity = DecimalString.subtract(row.total, liability) ?? row.free
            if DecimalString.isZero(equity) && DecimalString.isZero(row.total) { return nil }
            return ["ccy": row.asset, "eq": equity, "cashBal": equity, "availBal": served(row.free),
                    "frozenBal": served(row.lockedAmount), "ordFrozen": served(row.lockedAmount), "availEq": "",
                    "liab": DecimalString.isZero(liability) ? "" : served(liability), "upl": "", "stgyEq": "0",
                    "rewardBal": "", "eqUsd": "", "uTime": "1700000000000"]
        }
        return ["totalEq": "", "adjEq": "", "isoEq": "0", "uTime": "1700000000000", "details": details]
    }

    /// The account configuration (§A.5): `perm` from the fixture, or from the account's permission flags.
    private static func configuration(_ account: FixtureAccount) -> [String: Any] {
        var perm = ["read_only"]
        if account.canWithdraw == true { perm.append("withdraw") }
        if account.canTrade == true { perm.append("trade") }
        return ["uid": "44705892343619584", "mainUid": "44705892343619584", "acctLv": "2", "posMode": "net_mode",
                "perm": account.okx?.perm ?? perm.joined(separator: ","), "ip": "", "label": account.label ?? "holdfast",
                "type": "0", "kycLv": "2", "level": "Lv1"]
    }

    /// Canonical text of an amount, or the text as given when it is not a number in range (hostile fixtures).
    private static func served(_ amount: String) -> String { DecimalString.canonical(amount) ?? amount }
}
