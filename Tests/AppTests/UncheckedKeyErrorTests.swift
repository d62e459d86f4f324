import Exchanges
import Testing
import Web
@testable import App

/// Which exchange failures leave a key unchecked, and how test, connect and a new key in PATCH answer them: a 503
/// (`exchange_unavailable`, or `rate_limited` when the exchange asked to slow down) that says the key was not
/// checked, never a refusal and never a promise to retry.
struct UncheckedKeyErrorTests {
    @Test(arguments: ExchangeError.Code.allCases)
    func onlyUnreachableTimeoutAndSlowDownLeaveAKeyUnchecked(_ code: ExchangeError.Code) {
        let error = ExchangeError(code, exchange: .binance)
        #expect(error.leftKeyUnchecked == (code == .exchangeUnavailable || code == .timeout || code == .rateLimited))
    }

    /// Holdfast's own budget sent nothing: its refusal keeps its own "try again in n seconds" answer.
    @Test func aLocalBudgetRefusalIsNotAnUncheckedKey() {
        let refusal = ExchangeError(.rateLimited, exchange: .binance, detail: ExchangeError.localBudgetDetail, retryAfter: 4)
        #expect(refusal.isLocalBudgetRefusal && !refusal.leftKeyUnchecked)
    }

    /// The exchange's 429 (or its rate-limit code) gave no verdict on the key: `rate_limited`, not checked, with the
    /// exchange's Retry-After when it gave one.
    @Test(arguments: [(7 as Int?, "Try again in 7 seconds."), (1, "Try again in 1 second."), (nil, "Try again in a few minutes.")])
    func anExchangeThatAskedToSlowDownLeftTheKeyUnchecked(_ retryAfter: Int?, _ wait: String) {
        let answer = ExchangeError(.rateLimited, exchange: .kraken, detail: "EAPI:Rate limit exceeded", retryAfter: retryAfter)
            .uncheckedKeyError(on: .kraken)
        #expect(answer.status == 503 && answer.code == ErrorCode.rateLimited.rawValue)
        #expect(answer.message == "Kraken asked Holdfast to slow down; your key was not checked. " + wait)
        #expect(answer.headers["Retry-After"] == retryAfter.map(String.init))
    }

    @Test(arguments: [
        (ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: "HTTP 503"), "server error or maintenance"),
        (ExchangeError(.exchangeUnavailable, exchange: .kraken, detail: "network error -1005"), "server error or maintenance"),
        (ExchangeError(.exchangeUnavailable, message: "no connection", exchange: .kraken, detail: "unreachable -1004"),
         "network and DNS"),
        (ExchangeError(.timeout, exchange: .kraken, detail: "timed out"), "answered too slowly"),
        (SyncEngine.deadlineExpired(.kraken, after: .seconds(50)), "answered too slowly"),
        (ExchangeError(.exchangeUnavailable, message: "Holdfast is already waiting on the maximum number of exchange "
                       + "requests; try again in a minute.", exchange: .kraken, detail: "no free slot"), "maximum number"),
    ])
    func theAnswerSaysTheKeyWasNotCheckedAndWhy(_ error: ExchangeError, _ reason: String) {
        let answer = error.uncheckedKeyError(on: .kraken)
        #expect(answer.status == 503 && answer.code == ErrorCode.exchangeUnavailable.rawValue)
        #expect(answer.message.hasPrefix("Couldn't reach Kraken; your key was not checked. "))
        #expect(answer.message.contains(reason), "\(answer.message)")
        // Nothing was saved, so nothing will be retried: the sync's wording must not leak in.
        #expect(!answer.message.contains("will try again"), "\(answer.message)")
    }
}
