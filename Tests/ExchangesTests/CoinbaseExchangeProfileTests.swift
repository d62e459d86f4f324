import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Coinbase Exchange keys that see several profiles (exchanges.md §10.4): one wallet per profile, an identical
/// repeated account counted once, a repeat with other amounts refused as untrustworthy.
struct CoinbaseExchangeProfileTests {
    /// Rows of two profiles with `repeated` (the `repeatedAccount` knob).
    private func twoProfiles(_ h: SandboxHarness, repeated: String?) async throws -> FixtureAccount {
        var account = h.account(.coinbaseexchange)
        account.balances = [
            FixtureBalance(asset: "BTC", free: "1.5", locked: "0.5", wallet: "profile-a"),
            FixtureBalance(asset: "USD", free: "100", wallet: "profile-a"),
            FixtureBalance(asset: "BTC", free: "0.25", wallet: "profile-b"),
        ]
        account.repeatedAccount = repeated
        try await h.update(.coinbaseexchange, FixtureUpdate(account: account))
        return account
    }

    @Test func identicalRepeatIsCountedOnce() async throws {
        try await SandboxHarness.run { h in
            let account = try await twoProfiles(h, repeated: "identical")
            let balances = try await h.client(account).fetchBalances()
            #expect(balances[asset: "BTC"]?.total == "2.25")
            #expect(balances[asset: "BTC"]?.wallets == [
                WalletBalance(wallet: "profile:profile-a", rawAsset: "BTC", free: "1.5", locked: "0.5"),
                WalletBalance(wallet: "profile:profile-b", rawAsset: "BTC", free: "0.25", locked: "0"),
            ])
            #expect(balances[asset: "USD"]?.total == "100")
        }
    }

    @Test func conflictingRepeatIsBadResponse() async throws {
        try await SandboxHarness.run { h in
            let account = try await twoProfiles(h, repeated: "conflicting")
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.detail?.hasPrefix("account listed twice") == true)
        }
    }

    private func row(_ id: String?, _ profile: String, _ currency: String, _ balance: String) -> CoinbaseExchangeClient.Account {
        let json = #"{"id":\#(id.map { "\"\($0)\"" } ?? "null"),"currency":"\#(currency)","balance":"\#(balance)","hold":"0","available":"\#(balance)","profile_id":"\#(profile)"}"#
        return try! JSONDecoder().decode(CoinbaseExchangeClient.Account.self, from: Data(json.utf8))
    }

    /// The same `(profile_id, currency)` under another id, or without ids, is the same account; the same id with
    /// another currency or profile is a contradiction.
    @Test func deduplicationKeys() throws {
        let kept = try CoinbaseExchangeAccountList.deduplicated([
            row("a1", "p1", "BTC", "1"), row(nil, "p1", "BTC", "1.0"), row("a2", "p2", "BTC", "1"),
        ])
        #expect(kept.map(\.id) == ["a1", "a2"])
        for rows in [[row("a1", "p1", "BTC", "1"), row(nil, "p1", "BTC", "2")],
                     [row("a1", "p1", "BTC", "1"), row("a1", "p2", "BTC", "1")],
                     [row("a1", "p1", "BTC", "1"), row("a9", "p1", "BTC", "1.5")]] {
            #expect(throws: ExchangeError.self) { _ = try CoinbaseExchangeAccountList.deduplicated(rows) }
        }
    }
}
