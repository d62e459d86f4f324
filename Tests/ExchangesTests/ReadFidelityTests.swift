import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// A read that cannot be proven complete fails (`bad_response`) instead of returning part of the account:
/// a partial list would replace the holdings and delete what was not read (issue 11, exchanges.md §10.3).
struct ReadFidelityTests {
    /// The input: every page of Coinbase accounts says `has_next: true` with the same cursor, and the
    /// first page holds BTC 0.5 and ETH 2. Before the fix this returned BTC and ETH only.
    @Test func coinbaseRepeatedCursorFailsTheRead() async throws {
        try await SandboxHarness.run { h in
            var account = h.account(.coinbase, label: "ECDSA")
            account.balances = [
                FixtureBalance(asset: "BTC", free: "0.5"), FixtureBalance(asset: "ETH", free: "2"),
                FixtureBalance(asset: "SOL", free: "10"), FixtureBalance(asset: "USDC", free: "250"),
            ]
            account.pageSize = 2
            var faults = Faults()
            faults.pagingFault = .repeatCursor
            account.faults = faults
            try await h.update(.coinbase, FixtureUpdate(account: account))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.detail == "account cursor repeated")
            // It stopped as soon as the cursor came back: the first page, then the page that repeated it.
            let pages = try await h.count(.coinbase, path: "/api/v3/brokerage/accounts")
            #expect(pages == 2)
        }
    }

    /// Every way the paging can fail to prove it reached the end.
    @Test(arguments: PagingFault.allCases)
    func coinbaseUnprovablePagingFails(fault: PagingFault) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.coinbase, label: "ECDSA")
            var faults = Faults()
            faults.pagingFault = fault
            try await h.update(.coinbase, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            var configuration = h.sandbox.configuration(timeout: 10)
            configuration.coinbaseMaxPages = 5
            let credentials = Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret)
            let client = try ExchangeClients.client(for: .coinbase, credentials: credentials, configuration: configuration)
            let error = await exchangeError { _ = try await client.fetchBalances() }
            #expect(error?.code == .badResponse)
            if fault == .endless {
                let pages = try await h.count(.coinbase, path: "/api/v3/brokerage/accounts")
                #expect(pages == 5)
            }
        }
    }

    /// Every exchange × every damaged listing: `bad_response`, except Kraken's `{"error":[]}` without `result`,
    /// which is how a never-funded account really answers (an empty, complete listing).
    @Test(arguments: ExchangeID.allCases, ListingFault.allCases)
    func unprovableListingFails(exchange: ExchangeID, fault: ListingFault) async throws {
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            var faults = Faults()
            faults.listingFault = fault
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let client = try h.client(account)
            if exchange == .kraken && fault == .missing {
                let balances = try await client.fetchBalances()
                #expect(balances.isEmpty)
            } else {
                let error = await exchangeError { _ = try await client.fetchBalances() }
                #expect(error?.code == .badResponse)
            }
        }
    }

    /// The same account without the knob reads fully, so the failures above come from the damage alone.
    @Test(arguments: ExchangeID.allCases)
    func undamagedListingReads(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            let balances = try await h.client(h.account(exchange)).fetchBalances()
            #expect(balances.isEmpty == false)
        }
    }
}
