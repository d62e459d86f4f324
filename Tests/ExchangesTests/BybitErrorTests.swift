import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Bybit's error taxonomy by retCode, then status (exchanges-okx-bybit-bitvavo.md §B.6), and hostile amounts in
/// every wallet (bad_response, never a crash and never a partial read).
struct BybitErrorTests {
    private func result(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResult {
        HTTPResult(status: status, headers: headers, body: Data(body.utf8), sentAt: Date(), receivedAt: Date())
    }

    private func envelope(_ code: Int, _ message: String) -> String {
        #"{"retCode":\#(code),"retMsg":"\#(message)","result":{},"retExtInfo":{},"time":1700000000000}"#
    }

    @Test(arguments: [
        (10002, ExchangeError.Code.clockSkew), (10003, .invalidCredentials), (10004, .invalidSignature),
        (10005, .permissionDenied), (10010, .ipNotAllowed), (33004, .invalidCredentials), (-2015, .invalidCredentials),
        (10009, .regionRestricted), (10024, .regionRestricted), (10006, .rateLimited), (10016, .exchangeUnavailable),
        (10001, .badResponse),
    ])
    func retCodes(code: Int, expected: ExchangeError.Code) {
        let error = BybitErrors.classify(result(200, envelope(code, "x")))
        #expect(error?.code == expected)
        #expect(error?.detail == String(code))
    }

    @Test func successIsNil() {
        #expect(BybitErrors.classify(result(200, envelope(0, "OK"))) == nil)
    }

    /// A garbled `time` or `retMsg` never hides the retCode beside it.
    @Test func garbledEnvelopeFieldsKeepTheCode() {
        #expect(BybitErrors.classify(result(200, #"{"retCode":10004,"retMsg":"x","time":"soon"}"#))?.code == .invalidSignature)
        #expect(BybitErrors.classify(result(200, #"{"retCode":10003,"retMsg":42,"time":1e400}"#))?.code == .invalidCredentials)
    }

    @Test func expiredKeyMessageSaysExpired() {
        for code in [33004, -2015] {
            #expect(BybitErrors.classify(result(200, envelope(code, "Your api key has expired")))?.message
                .contains("expired") == true)
        }
    }

    /// 10010 on the EEA host is the broker-only rule, anywhere else an IP allow list.
    @Test func euHostExplains10010() {
        let answer = result(200, envelope(10010, "Unmatched IP, please check your API key's bound IP addresses."))
        #expect(BybitErrors.classify(answer, region: "eu")?.message.contains("broker") == true)
        #expect(BybitErrors.classify(answer, region: nil)?.message.contains("broker") == false)
    }

    /// 403 without a retCode: "access too frequent" is the IP limit (10 minutes), anything else the US/China
    /// block (§B.1, §B.6).
    @Test func status403() {
        let limited = BybitErrors.classify(result(403, "403, access too frequent"))
        #expect(limited?.code == .rateLimited)
        #expect(limited?.retryAfter == 600)
        #expect(BybitErrors.classify(result(403, "<html>Forbidden</html>"))?.code == .regionRestricted)
        #expect(BybitErrors.classify(result(403, ""))?.code == .regionRestricted)
        #expect(BybitErrors.classify(result(451, ""))?.code == .regionRestricted)
        #expect(BybitErrors.classify(result(401, ""))?.code == .invalidCredentials)
        #expect(BybitErrors.classify(result(502, "<html>bad gateway</html>"))?.code == .exchangeUnavailable)
        #expect(BybitErrors.classify(result(500, envelope(10099, "x")))?.code == .exchangeUnavailable)
    }

    /// 10006's wait comes from `X-Bapi-Limit-Reset-Timestamp`; a hostile header never traps.
    @Test func rateLimitResetHeader() {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let soon = BybitErrors.classify(result(200, envelope(10006, "Too many visits!"),
                                               headers: ["x-bapi-limit-reset-timestamp": String(now + 3_500)]))
        #expect(soon?.retryAfter == 4)
        for header in ["-99999999999999999", "abc", "1e400", "", String(now - 5_000)] {
            let error = BybitErrors.classify(result(200, envelope(10006, "x"), headers: ["x-bapi-limit-reset-timestamp": header]))
            #expect(error?.code == .rateLimited)
            #expect((error?.retryAfter ?? 0) >= 1)
        }
    }

    static let hostile = ["NaN", "1e400", "", "-5", "0x10", "Infinity", "1,5"]

    /// A hostile amount in any wallet fails the read with `bad_response`.
    @Test(arguments: hostile, ["unified", "funding", "earn-flexible", "earn-onchain", "contract"])
    func hostileAmountIsBadResponse(amount: String, wallet: String) async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.bybit, label: "UTA 2.0")
            account.balances = [FixtureBalance(asset: "BTC", free: "1", wallet: "unified"),
                                FixtureBalance(asset: "ETH", free: amount, wallet: wallet)]
            var knobs = account.bybit ?? FixtureBybit()
            knobs.accountMode = 3
            account.bybit = knobs
            try await h.update(.bybit, FixtureUpdate(account: account))
            let client = try h.client(account)
            let error = await exchangeError { _ = try await client.readBalances() }
            #expect(error?.code == .badResponse, "\(wallet) \(amount)")
        }
    }

    /// Hostile borrowed amounts and interest are bad answers too: they decide what is owned.
    @Test(arguments: hostile)
    func hostileBorrowIsBadResponse(amount: String) async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.bybit, label: "UTA 2.0")
            account.balances = [FixtureBalance(asset: "USDT", free: "10", wallet: "unified", liability: amount)]
            try await h.update(.bybit, FixtureUpdate(account: account))
            let error = await exchangeError { _ = try await h.client(account).readBalances() }
            #expect(error?.code == .badResponse, "\(amount)")
        }
    }

    /// A unified coin without `spotBorrow` cannot be told apart from borrowed coins: refused, unless the coin
    /// shows no debt at all, where nothing of it can be borrowed.
    @Test func unifiedCoinWithoutSpotBorrowIsRefusedUnlessItHasNoDebt() throws {
        func rows(_ coin: String, wallet: String = "unified") throws -> [RawBalance] {
            let body = #"{"list":[{"coin":["# + coin + "]}]}"
            let answer = try JSONDecoder().decode(BybitWallets.WalletAnswer.self, from: Data(body.utf8))
            var notes: [String] = []
            return try BybitWallets.tradingRows(answer, wallet: wallet, notes: &notes)
        }
        let missing = #"{"coin":"USDT","walletBalance":"10","locked":"0"}"#
        #expect(throws: ExchangeError.self) { try rows(missing) }
        #expect((try? rows(missing, wallet: "contract"))?.count == 1)
        // Empty, with a debt: the borrowed part is unknown.
        #expect(throws: ExchangeError.self) {
            try rows(#"{"coin":"USDT","walletBalance":"10","locked":"","spotBorrow":"","borrowAmount":"4"}"#)
        }
        #expect(throws: ExchangeError.self) {
            try rows(#"{"coin":"USDT","walletBalance":"10","locked":"","spotBorrow":"","borrowAmount":""}"#)
        }
        // Empty, without any debt: all of it is owned; an empty `locked` holds nothing.
        let owned = try rows(#"{"coin":"USDT","walletBalance":"10","locked":"","spotBorrow":"","borrowAmount":"0"}"#)
        #expect(owned.map(\.free) == ["10"] && owned.map(\.locked) == ["0"])
        #expect(throws: ExchangeError.self) {
            try rows(#"{"coin":"USDT","walletBalance":"10","locked":"","spotBorrow":"NaN","borrowAmount":"0"}"#)
        }
    }

    /// Key info: the documented example's shape (scopes filled in, readOnly 1) and the IP-bound expiry sentinel.
    @Test func keyInfoExamples() throws {
        let example = #"{"readOnly":1,"permissions":{"ContractTrade":["Order","Position"],"Spot":["SpotTrade"],"Wallet":["AccountTransfer","SubMemberTransfer"]},"deadlineDay":-2,"expiredAt":"1970-01-01T00:00:00Z"}"#
        let permissions = BybitKeyInfo.permissions(of: try JSONDecoder().decode(BybitKeyInfo.Answer.self, from: Data(example.utf8)))
        #expect(permissions.isKnownReadOnly)
        #expect(permissions.expiresAt == nil)
        let expiring = #"{"readOnly":"1","permissions":{"Wallet":["Withdraw"]},"deadlineDay":83,"expiredAt":"2023-12-22T07:20:25Z"}"#
        let second = BybitKeyInfo.permissions(of: try JSONDecoder().decode(BybitKeyInfo.Answer.self, from: Data(expiring.utf8)))
        #expect(second.canWithdraw == true)
        #expect(second.expiresAt == Date(timeIntervalSince1970: 1_703_229_625))
        let unknown = #"{"deadlineDay":5,"expiredAt":"soon"}"#
        let third = BybitKeyInfo.permissions(of: try JSONDecoder().decode(BybitKeyInfo.Answer.self, from: Data(unknown.utf8)))
        #expect(third.canTrade == nil)
        #expect(third.canWithdraw == nil)
        #expect(third.expiresAt == nil)
    }
}
