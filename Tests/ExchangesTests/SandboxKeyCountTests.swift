import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// The sandbox's per-key request counts (`GET /__sandbox/stats` → `keys`), which the multi-host test reads to
/// prove each connection was fetched exactly once: signed requests count under the account's key, the clock
/// and refused signatures do not, and a stats reset forgets them.
struct SandboxKeyCountTests {
    /// The counts under `keys` in `exchange`'s stats.
    private func keys(_ h: SandboxHarness, _ exchange: ExchangeID) async throws -> [String: Int] {
        (try await h.stats(exchange))["keys"] as? [String: Int] ?? [:]
    }

    /// Requests per path without the clock calls (which carry no key).
    private func signedRequests(_ h: SandboxHarness, _ exchange: ExchangeID) async throws -> Int {
        let paths = (try await h.stats(exchange))["paths"] as? [String: Int] ?? [:]
        return paths.filter { !$0.key.lowercased().contains("time") }.values.reduce(0, +)
    }

    /// Each balance read counts every signed request it made under its own key, and only there.
    @Test(arguments: [ExchangeID.kucoin, .bitvavo])
    func balanceReadsCountUnderTheirKey(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            let first = h.account(exchange)
            var second = first
            // Both exchanges check only the key's shape and the signature: same length, same secret.
            second.apiKey = String(first.apiKey.dropLast(4)) + "0f0f"
            try await h.update(exchange, FixtureUpdate(account: second))

            _ = try await h.client(first).readBalances()
            let perRead = try await signedRequests(h, exchange)
            #expect(perRead > 0)
            #expect(try await keys(h, exchange) == [first.apiKey: perRead])

            _ = try await h.client(second).readBalances()
            _ = try await h.client(second).readBalances()
            #expect(try await keys(h, exchange) == [first.apiKey: perRead, second.apiKey: 2 * perRead])
        }
    }

    /// A request whose signature is refused reached no account, so it is counted under no key.
    @Test func refusedSignaturesCountUnderNoKey() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kucoin)
            _ = await exchangeError { _ = try await h.client(account, apiSecret: "wrong-secret").readBalances() }
            let signed = try await signedRequests(h, .kucoin)
            let counted = try await keys(h, .kucoin)
            #expect(signed > 0)
            #expect(counted.isEmpty)
        }
    }

    /// `POST /__sandbox/stats/reset` forgets the per-key counts with the rest.
    @Test func resetForgetsTheCounts() async throws {
        try await SandboxHarness.run { h in
            _ = try await h.client(h.account(.kucoin)).readBalances()
            #expect(try await !keys(h, .kucoin).isEmpty)
            var request = URLRequest(url: h.sandbox.baseURL(for: .kucoin).appendingPathComponent("__sandbox/stats/reset"))
            request.httpMethod = "POST"
            _ = try await URLSession.shared.data(for: request)
            #expect(try await keys(h, .kucoin).isEmpty)
        }
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
