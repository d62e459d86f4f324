import Exchanges
import Web

extension ExchangeError {
    /// Whether this failure left the key unchecked: the exchange (or the way to it) did not give a verdict —
    /// no connection, a timeout, a 5xx or maintenance answer, or no free exchange slot here. Such a failure
    /// must never read as a refused key.
    var leftKeyUnchecked: Bool { code == .exchangeUnavailable || code == .timeout }

    /// The answer to a request that was to check a key on `exchange` (`/exchanges/test`, `/exchanges/connect`,
    /// a new key in `PATCH /connections/:id`) when `leftKeyUnchecked`: 503 `exchange_unavailable`, saying
    /// that the key was not checked and why. Nothing was saved, so unlike a sync's message it promises no retry.
    func uncheckedKeyError(on exchange: ExchangeID) -> APIError {
        let name = exchange.info.displayName
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
                        headers: retryAfter.map { ["Retry-After": String($0)] } ?? [:])
    }
}
