import Foundation

/// Bybit's answers for the fidelity-reads knobs (`ReadFaults`): its outage bodies and its balance listings
/// (exchanges-okx-bybit-bitvavo.md §B.2, §B.6).
enum BybitReadFaults {
    /// The listings a read must prove complete: the trading wallets (`result.list[].coin`) and Funding
    /// (`result.balance`), on any host.
    static func isListing(_ path: String) -> Bool {
        let apiPath = BybitSimulator.host(of: path).path
        return apiPath == BybitAccountBodies.walletBalancePath || apiPath == BybitAccountBodies.fundPath
    }

    /// Bybit's server-side failure: retCode 10016 "Server error." (§B.6, the one documented server-side code),
    /// with HTTP 500 for internal errors and 200 for a busy or slow backend (Bybit reports errors in the body);
    /// `unavailable` is the bare 503 a load balancer answers while the API restarts.
    static func outage(_ fault: OutageFault) -> ServerResponse {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        switch fault {
        case .internalError, .databaseError: return BybitSimulator.error(500, 10016, "Server error.", time: now)
        case .unavailable: return .html(503, title: "Service Temporarily Unavailable")
        case .busy, .deadlineElapsed, .emptyBadGateway: return BybitSimulator.error(200, 10016, "Server error.", time: now)
        }
    }

    /// `body` (a decoded success envelope) with its listing damaged: `result.list` of the trading wallets or
    /// `result.balance` of Funding is removed, null, a string, or its first coin loses `walletBalance`.
    static func damage(_ body: [String: Any], _ fault: ListingFault) -> [String: Any] {
        guard var result = body["result"] as? [String: Any] else { return body }
        let key = result["balance"] != nil ? "balance" : "list"
        switch fault {
        case .missing: result[key] = nil
        case .null: result[key] = NSNull()
        case .wrongType: result[key] = "unavailable"
        case .rowWithoutAmount:
            if key == "balance", var rows = result[key] as? [[String: Any]], !rows.isEmpty {
                rows[0]["walletBalance"] = nil
                result[key] = rows
            } else if var accounts = result[key] as? [[String: Any]], !accounts.isEmpty,
                      var coins = accounts[0]["coin"] as? [[String: Any]], !coins.isEmpty {
                coins[0]["walletBalance"] = nil
                accounts[0]["coin"] = coins
                result[key] = accounts
            }
        }
        var copy = body
        copy["result"] = result
        return copy
    }
}
