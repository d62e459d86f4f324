import Exchanges
import Foundation

/// Coinbase Advanced Trade account paging that cannot be proven complete (exchanges.md §2a, §10.3).
public enum PagingFault: String, Codable, Sendable, CaseIterable {
    /// Every page is the first page, with `has_next: true` and the same cursor (as in ccxt/ccxt#22780).
    case repeatCursor
    /// Cursors go c1, c2, c1, …: the repeat is of a cursor seen two pages earlier, not the previous one.
    case cycleCursor
    /// The first page says `has_next: true` with `"cursor": ""`.
    case emptyCursor
    /// The first page says `has_next: true` and has no `cursor` field.
    case missingCursor
    /// `has_next: true` with a fresh cursor on every page, for ever (the client's page bound must trip).
    case endless
    /// The first page has no `has_next` field.
    case missingHasNext
}

/// A balance listing whose shape cannot be proven complete. The listing is Binance `balances`, Coinbase
/// `accounts`, Kraken `result`, KuCoin `data` (classic and unified), and the whole body for Coinbase Exchange (an array).
public enum ListingFault: String, Codable, Sendable, CaseIterable {
    /// The listing is absent (Coinbase Exchange: the body is `{}`). For Kraken this is the real answer of a
    /// never-funded account, `{"error":[]}`, which is complete.
    case missing
    /// The listing is JSON `null`.
    case null
    /// The listing is a string instead of an array (object for Kraken).
    case wrongType
    /// The first row has lost its amount fields.
    case rowWithoutAmount
}

/// Documented outage and server-side answers (exchanges.md §1.4, §7.8, §8.4, §9.4). Exchanges without a
/// documented body for one kind answer it with their generic 5xx body.
public enum OutageFault: String, Codable, Sendable, CaseIterable {
    /// Kraken `EGeneral:Internal error`; KuCoin 500 `500000`; Binance 500 `-1001`; Coinbase 500.
    case internalError
    /// Kraken `EService:Unavailable`; KuCoin 503 `503000` "Service Unavailable"; others 503.
    case unavailable
    /// Kraken `EService:Busy`; Binance 503 `-1008` (server overloaded); others 503.
    case busy
    /// Kraken `EService:Deadline elapsed`; Binance 503 `-1007` (backend timeout); others 503.
    case deadlineElapsed
    /// Kraken `EDatabase:Internal error`; others 500.
    case databaseError
    /// A 502 with an empty body, as an edge proxy answers when the exchange is down.
    case emptyBadGateway
}

/// Builds the answers of the fidelity-reads knobs: redirects, outages, listing shapes.
enum ReadFaults {
    /// A redirect (`status`, 302 by default) to `location`, with a small body as real servers send.
    static func redirect(to location: String, status: Int?) -> ServerResponse {
        ServerResponse(status: status ?? 302, headers: [("Location", location), ("Content-Type", "text/html")],
                       body: Data("<html><body>Moved</body></html>".utf8))
    }

    /// The exchange's answer for `fault`.
    static func outage(_ fault: OutageFault, exchange: ExchangeID) -> ServerResponse {
        if fault == .emptyBadGateway { return ServerResponse(status: 502) }
        switch exchange {
        case .kraken:
            // Kraken reports API errors in the body with HTTP 200 (§8.4).
            let text: String
            switch fault {
            case .internalError: text = "EGeneral:Internal error"
            case .unavailable: text = "EService:Unavailable"
            case .busy: text = "EService:Busy"
            case .deadlineElapsed: text = "EService:Deadline elapsed"
            case .databaseError, .emptyBadGateway: text = "EDatabase:Internal error"
            }
            return .json(200, object: ["error": [text]])
        case .kucoin:
            if fault == .internalError || fault == .databaseError {
                return .json(500, object: ["code": "500000", "msg": "Internal Server Error"])
            }
            return .json(503, object: ["code": "503000", "msg": "Service Unavailable"])
        case .binance:
            // Codes and messages from Binance's errors.md (§1.4).
            switch fault {
            case .busy:
                return .json(503, object: ["code": -1008, "msg":
                    "Server is currently overloaded with other requests. Please try again in a few minutes."])
            case .deadlineElapsed:
                return .json(503, object: ["code": -1007, "msg":
                    "Timeout waiting for response from backend server. Send status unknown; execution status unknown."])
            case .unavailable:
                return .html(503, title: "Service Unavailable")
            default:
                return .json(500, object: ["code": -1001, "msg":
                    "Internal error; unable to process your request. Please try again."])
            }
        case .coinbase:
            let status = fault == .internalError || fault == .databaseError ? 500 : 503
            return .json(status, object: ["error": status == 500 ? "INTERNAL" : "UNAVAILABLE",
                                          "error_details": "", "message": status == 500 ? "internal error" : "unavailable"])
        case .coinbaseexchange:
            let status = fault == .internalError || fault == .databaseError ? 500 : 503
            return .json(status, object: ["message": status == 500 ? "Internal server error" : "service unavailable"])
        case .okx:
            // §A.6: 50013 "system busy" comes with HTTP 429; 50001 (maintenance, HTTP 503) is the one other
            // documented server-side body, used for the kinds OKX documents none of.
            if fault == .busy {
                return OKXSimulator.error(429, "50013", "Systems are busy. Please try again later.")
            }
            let status = fault == .internalError || fault == .databaseError ? 500 : 503
            return OKXSimulator.error(status, "50001", "Service temporarily unavailable. Please try again later.")
        case .bitvavo:
            // HTTP 500 errorCode 101 (§C.5, observed body); maintenance is errorCode 404 under HTTP 503 (ccxt
            // maps it to OnMaintenance; its text is our own wording).
            if fault == .internalError || fault == .databaseError {
                return BitvavoSimulator.unknownError(500)
            }
            return BitvavoSimulator.error(503, 404, "The service is temporarily unavailable for maintenance.")
        case .bybit:
            return BybitReadFaults.outage(fault)
        }
    }

    /// The path of `exchange`'s balance listing.
    static func isListing(_ path: String, exchange: ExchangeID) -> Bool {
        switch exchange {
        case .binance: return path == "/api/v3/account"
        case .coinbase: return path == "/api/v3/brokerage/accounts"
        case .coinbaseexchange: return path == "/accounts"
        case .kraken: return path == "/0/private/Balance" || path == "/0/private/BalanceEx"
        // KuCoin: the classic listing and the unified account's (exchanges.md §9.2), whose `data` is an object.
        case .kucoin: return path == "/api/v1/accounts" || path == "/api/ua/v1/unified/account/balance"
        // OKX: the trading balance, on any regional host (exchanges-okx-bybit-bitvavo.md §A.1).
        case .okx: return OKXSimulator.route(path).path == OKXAccountBodies.balancePath
        // Bitvavo: spot and fixed-staking listings, both top-level arrays (§C.1).
        case .bitvavo: return path == "/v2/balance" || path == "/v2/stakingBalance"
        case .bybit: return BybitReadFaults.isListing(path)
        }
    }

    /// `response` with its listing damaged as `fault` says; unchanged when the body is not the expected JSON.
    static func damage(_ response: ServerResponse, _ fault: ListingFault, exchange: ExchangeID) -> ServerResponse {
        guard let object = try? JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed])
        else { return response }
        let damaged: Any
        if exchange == .bybit {
            guard let body = object as? [String: Any] else { return response }
            damaged = BybitReadFaults.damage(body, fault)
        } else if exchange == .coinbaseexchange || exchange == .bitvavo {
            // Top-level array listings: Coinbase Exchange `/accounts`, Bitvavo `/v2/balance` and `/v2/stakingBalance`.
            guard var rows = object as? [[String: Any]] else { return response }
            switch fault {
            case .missing: damaged = [String: Any]()
            case .null: damaged = NSNull()
            case .wrongType: damaged = exchange == .bitvavo ? "balance" : "accounts"
            case .rowWithoutAmount:
                let fields = exchange == .bitvavo ? ["available", "inOrder", "amount"] : ["balance", "available"]
                if !rows.isEmpty { for field in fields { rows[0][field] = nil } }
                damaged = rows
            }
        } else {
            guard var body = object as? [String: Any] else { return response }
            let key: String
            let amountFields: [String]
            switch exchange {
            case .binance: key = "balances"; amountFields = ["free"]
            case .coinbase: key = "accounts"; amountFields = ["available_balance"]
            case .kraken: key = "result"; amountFields = ["balance"]
            case .okx: key = "data"; amountFields = ["eq"]
            default: key = "data"; amountFields = ["available", "balance"]
            }
            switch fault {
            case .missing: body[key] = nil
            case .null: body[key] = NSNull()
            case .wrongType: body[key] = "unavailable"
            case .rowWithoutAmount:
                if exchange != .okx, var rows = body[key] as? [[String: Any]], !rows.isEmpty {
                    for field in amountFields { rows[0][field] = nil }
                    body[key] = rows
                } else if exchange == .okx, var accounts = body[key] as? [[String: Any]], !accounts.isEmpty,
                          var details = accounts[0]["details"] as? [[String: Any]], !details.isEmpty {
                    // OKX's trading balance (§A.1): the first currency of the first account loses `eq`.
                    for field in amountFields { details[0][field] = nil }
                    accounts[0]["details"] = details
                    body[key] = accounts
                } else if exchange == .kucoin, var data = body[key] as? [String: Any],
                          var accounts = data["accounts"] as? [[String: Any]], !accounts.isEmpty,
                          var currencies = accounts[0]["currencies"] as? [[String: Any]], !currencies.isEmpty {
                    // KuCoin's unified balance (exchanges.md §9.2): the first currency loses its amounts.
                    for field in ["balance", "available", "liability"] { currencies[0][field] = nil }
                    accounts[0]["currencies"] = currencies
                    data["accounts"] = accounts
                    body[key] = data
                } else if var entries = body[key] as? [String: Any], let first = entries.keys.sorted().first,
                          var entry = entries[first] as? [String: Any] {
                    for field in amountFields { entry[field] = nil }
                    entries[first] = entry
                    body[key] = entries
                }
            }
            damaged = body
        }
        var copy = response
        copy.body = (try? JSONSerialization.data(withJSONObject: damaged, options: [.sortedKeys, .fragmentsAllowed]))
            ?? response.body
        return copy
    }
}
