import Foundation
import Testing
@testable import Exchanges

/// `BitvavoErrors` on the bodies of exchanges-okx-bybit-bitvavo.md §C.5, classified by `errorCode`, never by
/// the HTTP status alone.
struct BitvavoErrorTests {
    private static func result(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResult {
        HTTPResult(status: status, headers: headers, body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
    }

    private static func body(_ code: Int) -> String { #"{"errorCode":\#(code),"error":"x"}"# }

    @Test(arguments: [
        (300, ExchangeError.Code.invalidCredentials), (301, .invalidCredentials), (305, .invalidCredentials),
        (306, .invalidCredentials), (308, .invalidSignature), (309, .invalidSignature), (302, .clockSkew),
        (304, .clockSkew), (303, .invalidRequest), (307, .ipNotAllowed), (311, .permissionDenied),
        (317, .permissionDenied), (110, .rateLimited), (103, .rateLimited), (105, .rateLimited),
        (101, .exchangeUnavailable), (404, .exchangeUnavailable),
    ])
    func errorCodes(code: Int, expected: ExchangeError.Code) throws {
        // The status Bitvavo uses for the 3xx codes is UNVERIFIED: the code alone must decide, under any status.
        for status in [400, 403, 429, 500] {
            let error = try #require(BitvavoErrors.classify(Self.result(status, Self.body(code))))
            #expect(error.code == expected, "errorCode \(code) under HTTP \(status)")
            #expect(error.detail == String(code))
            #expect(error.exchange == .bitvavo)
        }
    }

    @Test func specificMessagesSayWhatToDo() throws {
        #expect(BitvavoErrors.classify(Self.result(403, Self.body(306)))?.message.contains("e-mail") == true)
        #expect(BitvavoErrors.classify(Self.result(403, Self.body(317)))?.message.contains("locked") == true)
        #expect(BitvavoErrors.classify(Self.result(403, Self.body(311)))?.message.contains("View") == true)
    }

    @Test func banTextNamesTheWait() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let text = #"{"errorCode":105,"error":"Your IP or API key has been banned for not respecting the rate limit. The ban expires at 1700000042500."}"#
        #expect(BitvavoErrors.classify(Self.result(429, text), now: now)?.retryAfter == 43)
        // 110 without a time in its text: the reset header says when.
        let reset = Self.result(429, Self.body(110), headers: ["bitvavo-ratelimit-resetat": "1700000060000"])
        #expect(BitvavoErrors.classify(reset, now: now)?.retryAfter == 60)
        // Neither: one minute, the documented key block (§C.6). A hostile expiry is clamped, never a trap.
        #expect(BitvavoErrors.classify(Self.result(429, Self.body(110)), now: now)?.retryAfter == 60)
        let huge = #"{"errorCode":105,"error":"The ban expires at 9999999999999999."}"#
        #expect(BitvavoErrors.classify(Self.result(429, huge), now: now)?.retryAfter == ResponseSupport.maxRetryAfterSeconds)
        let past = #"{"errorCode":105,"error":"The ban expires at 1."}"#
        #expect(BitvavoErrors.classify(Self.result(429, past), now: now)?.retryAfter == 1)
    }

    @Test func bodiesWithoutErrorCodeFollowTheStatus() {
        #expect(BitvavoErrors.classify(Self.result(200, #"[{"symbol":"BTC","available":"1","inOrder":"0"}]"#)) == nil)
        #expect(BitvavoErrors.classify(Self.result(200, #"{"time":1700000000000}"#)) == nil)
        #expect(BitvavoErrors.classify(Self.result(503, ""))?.code == .exchangeUnavailable)
        #expect(BitvavoErrors.classify(Self.result(429, ""))?.code == .rateLimited)
        #expect(BitvavoErrors.classify(Self.result(403, "<html>Forbidden</html>"))?.code == .badResponse)
        // An errorCode the client does not know: a server fault on a 5xx, a bad answer otherwise.
        #expect(BitvavoErrors.classify(Self.result(400, Self.body(999)))?.code == .badResponse)
        #expect(BitvavoErrors.classify(Self.result(502, Self.body(999)))?.code == .exchangeUnavailable)
    }

    @Test func rateHeadersFeedTheBudget() {
        let answer = Self.result(200, "[]", headers: [
            "bitvavo-ratelimit-limit": "1000", "bitvavo-ratelimit-remaining": "990",
            "bitvavo-ratelimit-resetat": "1700000060000"])
        let policy = BudgetPool.bitvavoPrivate.publishedPolicy
        #expect(BudgetFeedback.read(answer, pool: .bitvavoPrivate, policy: policy).usedWeight == 10)
        // Contradicting or hostile headers are ignored, not trusted.
        for (limit, remaining) in [("10", "20"), ("-1", "0"), ("1e3", "5"), ("1000", "NaN")] {
            let odd = Self.result(200, "[]", headers: ["bitvavo-ratelimit-limit": limit, "bitvavo-ratelimit-remaining": remaining])
            #expect(BudgetFeedback.read(odd, pool: .bitvavoPrivate, policy: policy).usedWeight == nil)
        }
        let refused = Self.result(429, Self.body(110), headers: [
            "bitvavo-ratelimit-resetat": String(Int64(Date().timeIntervalSince1970 * 1000) + 30_000)])
        let blocked = BudgetFeedback.read(refused, pool: .bitvavoPrivate, policy: policy).blockedForSeconds ?? 0
        #expect((29...31).contains(blocked))
        // The ban's end in the body is more specific than the minute's reset header: the budget and the error
        // wait the same, short time.
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let banned = Self.result(429, #"{"errorCode":105,"error":"The ban expires at \#(nowMs + 2_000)."}"#,
                                 headers: ["bitvavo-ratelimit-resetat": String(nowMs + 59_000)])
        #expect(BudgetFeedback.read(banned, pool: .bitvavoPrivate, policy: policy).blockedForSeconds == 2)
        #expect(BitvavoErrors.classify(banned)?.retryAfter == 2)
    }
}
