import Exchanges
import Foundation

/// Binance's wallet endpoints beyond spot, on their production paths with the documented shapes
/// (exchanges.md §7.1 funding, §7.2 Simple Earn positions, §7.4 BFUSD/RWUSD), signed and checked like
/// `/api/v3/account`. Holdings come from `FixtureAccount.binanceWallets`; its knobs answer `-2015` or a 5xx
/// for one wallet, or damage Simple Earn paging.
extension BinanceSimulator {
    /// Path → (method, wallet name as the client calls it).
    static let walletPaths: [String: (method: String, wallet: String)] = [
        "/sapi/v1/asset/get-funding-asset": ("POST", "funding"),
        "/sapi/v1/simple-earn/flexible/position": ("GET", "earn-flexible"),
        "/sapi/v1/simple-earn/locked/position": ("GET", "earn-locked"),
        "/sapi/v1/bfusd/account": ("GET", "bfusd"),
        "/sapi/v1/rwusd/account": ("GET", "rwusd"),
    ]

    /// A signed wallet request: verified like the spot account call, then the wallet's knobs, then its body.
    func wallet(_ request: ServerRequest, state: SandboxState) -> SimulatorOutcome {
        let verified: Verified
        switch verify(request, state: state) {
        case .success(let result): verified = result
        case .failure(let refusal): return .response(refusal.response)
        }
        let wallets = verified.account.binanceWallets ?? FixtureBinanceWallets()
        let wallet = BinanceSimulator.walletPaths[request.path]?.wallet ?? ""
        return .authenticated(verified.account) {
            if wallets.permissionDenied?.contains(wallet) == true { return self.permissionDenied() }
            if let status = wallets.serverError?[wallet], status >= 500 { return self.serverError(status) }
            switch wallet {
            case "funding":
                return .json(200, object: (wallets.funding ?? []).map(Self.fundingRow))
            case "earn-flexible", "earn-locked":
                let flexible = wallet == "earn-flexible"
                let positions = (flexible ? wallets.flexible : wallets.locked) ?? []
                let rows = positions.enumerated().map { index, position in
                    flexible ? Self.flexibleRow(position) : Self.lockedRow(position, index: index)
                }
                return self.page(rows, parameters: verified.parameters, fault: wallets.pagingFault)
            case "bfusd":
                return .json(200, object: ["bfusdAmount": Self.amount(wallets.bfusd ?? "0"), "usdtProfit": "0",
                                           "bfusdProfit": "0"])
            default:
                return .json(200, object: ["rwusdAmount": Self.amount(wallets.rwusd ?? "0"), "totalProfit": "0"])
            }
        }
    }

    /// One page of a Simple Earn listing: `current` (1-based, default 1), `size` (default 10, max 100), `total`
    /// the number of rows (exchanges.md §7.2), damaged as `fault` says.
    private func page(_ rows: [[String: Any]], parameters: [String: String], fault: EarnPagingFault?) -> ServerResponse {
        let current = parameters["current"].flatMap(Int.init) ?? 1
        let size = parameters["size"].flatMap(Int.init) ?? 10
        guard current >= 1, (1...100).contains(size) else {
            return body(400, -1130, "Data sent for parameter 'size' is not valid.")
        }
        let served = fault == .repeatPage ? 1 : current
        let start = min(rows.count, (served - 1) * size)
        var object: [String: Any] = ["rows": Array(rows[start..<min(rows.count, start + size)]), "total": rows.count]
        switch fault {
        case .totalChanges where current > 1: object["total"] = rows.count + 1
        case .missingTotal: object["total"] = nil
        case .missingRows: object["rows"] = nil
        case .totalTooLarge: object["total"] = rows.count + 100
        default: break
        }
        return .json(200, object: object)
    }

    /// `[{asset,free,locked,freeze,withdrawing,btcValuation}]` with `needBtcValuation=false` (§7.1).
    private static func fundingRow(_ row: FixtureFundingAsset) -> [String: Any] {
        ["asset": row.asset, "free": amount(row.free), "locked": amount(row.locked ?? "0"),
         "freeze": amount(row.freeze ?? "0"), "withdrawing": amount(row.withdrawing ?? "0"), "btcValuation": "0"]
    }

    /// A flexible position with the fields of the docs' example (§7.2); the holding is `totalAmount`.
    private static func flexibleRow(_ position: FixtureEarnPosition) -> [String: Any] {
        ["asset": position.asset, "productId": position.asset + "001", "totalAmount": amount(position.amount),
         "collateralAmount": "0", "canRedeem": true, "autoSubscribe": true,
         "latestAnnualPercentageRate": "0.02599033", "tierAnnualPercentageRate": ["0-5BTC": 0.05, "5-10BTC": 0.03],
         "airDropAsset": "BETH", "yesterdayAirdropPercentageRate": "0.02599033",
         "yesterdayRealTimeRewards": "0.1", "cumulativeBonusRewards": "0.1", "cumulativeRealTimeRewards": "0.1",
         "cumulativeTotalRewards": "0.1"]
    }

    /// A locked position with the fields of the docs' example (§7.2; time fields as strings, as there); the
    /// holding is `amount`, `rewardAmt` is history.
    private static func lockedRow(_ position: FixtureEarnPosition, index: Int) -> [String: Any] {
        ["positionId": 123_123 + index, "parentPositionId": 123_122, "projectId": position.asset + "*180",
         "asset": position.asset, "amount": amount(position.amount), "purchaseTime": "1646182276000",
         "duration": "180", "accrualDays": "4", "rewardAsset": position.asset, "APY": "0.0443",
         "rewardAmt": "5.17181528", "nextPay": "1.29295383", "nextPayDate": "1646697600000", "payPeriod": "1",
         "redeemAmountEarly": "2802.24068892", "rewardsEndDate": "1651449600000", "deliverDate": "1651536000000",
         "redeemPeriod": "1", "redeemingAmt": "232.2323", "redeemTo": "FLEXIBLE", "partialAmtDeliverDate": "1651536000000",
         "canRedeemEarly": true, "canFastRedemption": true, "autoSubscribe": true, "type": "AUTO", "status": "HOLDING"]
    }

    /// A fixture amount as served: canonical when it is a number in range, else as given (hostile fixtures).
    private static func amount(_ text: String) -> String { DecimalString.canonical(text) ?? text }
}
