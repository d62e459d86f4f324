import Exchanges
import Web

extension ExchangeError {
    /// Whether this failure left the key unchecked: the exchange (or the way to it) did not give a verdict —
    /// no connection, a timeout, a 5xx or maintenance answer, no free exchange slot here, or the exchange's own
    /// "slow down" (its 429 or rate-limit code). Such a failure must never read as a refused key. Holdfast's own
    /// request budget refusing to send (`isLocalBudgetRefusal`) is not one: no request left, and its error already
    /// says when to try again.
    var leftKeyUnchecked: Bool {
        code == .exchangeUnavailable || code == .timeout || (code == .rateLimited && !isLocalBudgetRefusal)
    }

    /// The answer to a request that was to check a key on `exchange` (`/exchanges/test`, `/exchanges/connect`,
    /// a new key in `PATCH /connections/:id`) when `leftKeyUnchecked`: a 503 saying that the key was not checked
    /// and why, with the exchange's `Retry-After` when it gave one. The code is `rate_limited` when the exchange
    /// asked to slow down, else `exchange_unavailable`. Nothing was saved, so unlike a sync's message it promises
    /// no retry.
    func uncheckedKeyError(on exchange: ExchangeID) -> APIError {
        let name = exchange.info.displayName
        let headers = retryAfter.map { ["Retry-After": String($0)] } ?? [:]
        if code == .rateLimited {
            let wait = retryAfter.map { "Try again in \($0) second\($0 == 1 ? "" : "s")." } ?? "Try again in a few minutes."
            return APIError(.rateLimited, "\(name) asked Holdfast to slow down; your key was not checked. " + wait,
                            headers: headers)
        }
        let reason: String
        if detail?.hasPrefix("unreachable") == true {
            reason = "This server has no connection to \(name)'s API: check the server's network and DNS, then try again."
        } else if detail == "no free slot" || detail == "too many queued calls" {
            reason = message
        } else if code == .timeout {
            reason = "\(name) answered too slowly; try again in a few minutes."
        } else {
            reason = "\(name) is not answering normally (server error or maintenance); try again in a few minutes."
        }
        return APIError(.exchangeUnavailable, "Couldn't reach \(name); your key was not checked. " + reason,
                        headers: headers)
    }
}
