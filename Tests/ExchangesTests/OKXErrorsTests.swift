import Foundation
import Testing
@testable import Exchanges

/// OKX answers classified by body code, never by status alone (exchanges-okx-bybit-bitvavo.md §A.6, §E.10).
struct OKXErrorsTests {
    private func result(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResult {
        HTTPResult(status: status, headers: headers, body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
    }

    private func body(_ code: String, _ message: String = "x") -> String {
        #"{"code":"\#(code)","msg":"\#(message)","data":[]}"#
    }

    @Test(arguments: [
        ("50103", 401, ExchangeError.Code.invalidCredentials), ("50111", 401, .invalidCredentials),
        ("50119", 200, .invalidCredentials), ("50119", 401, .invalidCredentials), ("50101", 401, .invalidCredentials),
        ("50105", 401, .invalidPassphrase), ("50113", 401, .invalidSignature), ("50102", 401, .clockSkew),
        ("50112", 401, .clockSkew), ("50110", 401, .ipNotAllowed), ("50120", 200, .permissionDenied),
        ("50030", 200, .permissionDenied), ("50011", 429, .rateLimited), ("50011", 200, .rateLimited),
        ("50013", 429, .exchangeUnavailable), ("50001", 503, .exchangeUnavailable), ("50121", 403, .regionRestricted),
        ("59999", 200, .badResponse), ("59999", 400, .badResponse), ("59999", 502, .exchangeUnavailable),
    ])
    func codeDecides(code: String, status: Int, expected: ExchangeError.Code) {
        let error = OKXErrors.classify(result(status, body(code)))
        #expect(error?.code == expected)
        #expect(error?.exchange == .okx)
        #expect(error?.detail?.hasPrefix(status >= 500 && code == "59999" ? "HTTP" : code) == true)
    }

    @Test func successAndFallbacks() {
        #expect(OKXErrors.classify(result(200, #"{"code":"0","msg":"","data":[]}"#)) == nil)
        // A code sent as a number is still read.
        #expect(OKXErrors.classify(result(401, #"{"code":50113,"msg":"Invalid Sign"}"#))?.code == .invalidSignature)
        #expect(OKXErrors.classify(result(502, "<html>Bad Gateway</html>"))?.code == .exchangeUnavailable)
        #expect(OKXErrors.classify(result(401, ""))?.code == .badResponse)
        #expect(OKXErrors.classify(result(451, ""))?.code == .regionRestricted)
    }

    @Test func rateLimitWaitsForRetryAfterOrOneWindow() {
        #expect(OKXErrors.classify(result(429, body("50011", "Too Many Requests")))?.retryAfter == 2)
        #expect(OKXErrors.classify(result(429, body("50011"), headers: ["retry-after": "9"]))?.retryAfter == 9)
    }

    @Test func wrongRegionNamesTheHostUsed() {
        let eea = ExchangeID.okx.info.region("eea")
        let message = OKXErrors.classify(result(401, body("50119", "API key doesn't exist")), region: eea)?.message ?? ""
        #expect(message.contains("sent to, EEA (eea.okx.com)"))
        #expect(message.contains("www.okx.com") && message.contains("us.okx.com"))
    }

    @Test(arguments: [
        ("Your IP 203.0.113.7 is not included in your API key's IP whitelist.", "203.0.113.7"),
        ("Your IP 2001:db8::1 is not included in your API key's IP whitelist.", "2001:db8::1"),
        ("Your IP is not included in your API key's IP whitelist.", nil),
        ("Your IP <script>1.2.3.4</script> is bad", nil), ("IP 1.2.3 deadbeef", nil), ("", nil),
    ] as [(String, String?)])
    func ipIsTakenFromTheTextOnlyWhenItIsAnAddress(text: String, ip: String?) {
        #expect(OKXErrors.address(in: text) == ip)
        let error = OKXErrors.classify(result(401, body("50110", text)))
        #expect(error?.code == .ipNotAllowed)
        if let ip { #expect(error?.message.contains(ip) == true) }
        #expect(error?.message.contains("<script>") == false)
    }
}
