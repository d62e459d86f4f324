import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// Server-time offsets (measure, refresh after a clock error, report) and Kraken nonces.
struct ClockAndNonceTests {
    @Test(arguments: [ExchangeID.binance, .coinbase, .coinbaseexchange, .kucoin, .okx, .bitvavo])
    func recoversAfterTheExchangeClockJumps(exchange: ExchangeID) async throws {
        try await SandboxHarness.run { h in
            let client = try h.client(h.account(exchange))
            _ = try await client.fetchBalances()
            // The exchange clock jumps 200 s ahead (beyond every window, Coinbase's 120 s JWT lifetime included): the cached offset is stale, the first attempt fails, the client
            // re-measures and the retry succeeds.
            try await h.update(exchange, FixtureUpdate(exchangeFaults: Faults(clockSkewMs: 200_000)))
            let balances = try await client.fetchBalances()
            #expect(!balances.isEmpty)
            let timePath = ["binance": "/api/v3/time", "coinbase": "/api/v3/brokerage/time",
                            "coinbaseexchange": "/time", "kucoin": "/api/v1/timestamp",
                            "okx": "/api/v5/public/time", "bitvavo": "/v2/time"][exchange.rawValue]!
            #expect(try await h.count(exchange, path: timePath) == 2)
        }
    }

    @Test(arguments: [ExchangeID.binance, .coinbaseexchange, .kucoin, .okx, .bitvavo])
    func persistentSkewReportsMeasuredOffset(exchange: ExchangeID) async throws {
        var fixture = Fixture.demo
        fixture.exchangeFaults = [exchange.rawValue: Faults(clockSkewMs: 40_000)]
        try await SandboxHarness.run(fixture: fixture) { h in
            let account = h.account(exchange)
            // Signed requests are checked against a clock 60 s further ahead than the time endpoint reports.
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: Faults(clockSkewMs: 60_000)))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .clockSkew)
            let offset = try #require(error?.clockOffsetMs)
            #expect(abs(offset - 40_000) < 2_000)
            #expect(error?.message.contains("\(offset) ms") == true)
        }
    }

    @Test func coinbaseSkewEndsAsUnauthorizedWithOffset() async throws {
        var fixture = Fixture.demo
        fixture.exchangeFaults = ["coinbase": Faults(clockSkewMs: -30_000)]
        try await SandboxHarness.run(fixture: fixture) { h in
            let account = h.account(.coinbase)
            try await h.update(.coinbase, FixtureUpdate(apiKey: account.apiKey, faults: Faults(clockSkewMs: 300_000)))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .invalidCredentials)
            #expect(abs((error?.clockOffsetMs ?? 0) + 30_000) < 2_000)
        }
    }

    @Test func krakenNoncesIncreaseAcrossStoreInstances() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nonce-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = FileNonceStore(directory: directory), second = FileNonceStore(directory: directory)
        var last: UInt64 = 0
        for index in 0..<50 {
            let store = index.isMultiple(of: 2) ? first : second
            let nonce = try store.nextNonceBlocking(forKey: "key-A", atLeast: 1000)
            #expect(nonce > last)
            last = nonce
        }
        #expect(last == 1049)
        // Another key has its own sequence; `atLeast` moves a sequence forward.
        #expect(try second.nextNonceBlocking(forKey: "key-B", atLeast: 5) == 5)
        #expect(try first.nextNonceBlocking(forKey: "key-A", atLeast: 2_000_000) == 2_000_000)
    }

    @Test func krakenNoncesStayUniqueUnderConcurrency() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nonce-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let nonces = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = FileNonceStore(directory: directory)
                    var batch: [UInt64] = []
                    for _ in 0..<25 { batch.append(try await store.nextNonce(forKey: "shared", atLeast: 1)) }
                    return batch
                }
            }
            var all: [UInt64] = []
            for try await batch in group {
                #expect(batch == batch.sorted() && Set(batch).count == batch.count)
                all += batch
            }
            return all
        }
        #expect(Set(nonces).count == 100)
    }

    @Test func krakenSandboxRejectsReusedNonce() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kraken)
            let configuration = h.sandbox.configuration(nonceStore: FixedNonceStore(value: 42))
            let client = try ExchangeClients.client(
                for: .kraken, credentials: Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret),
                configuration: configuration)
            // `permissions()` is one signed call (a balance read makes two, the second already reusing 42).
            _ = try await client.permissions()
            let error = await exchangeError { _ = try await client.permissions() }
            #expect(error?.code == .nonceConflict)
            // A correct store after the conflict works again.
            #expect(try await h.client(account).fetchBalances().isEmpty == false)
        }
    }

    @Test func krakenCallsForOneKeyAreSerialized() async throws {
        try await SandboxHarness.run { h in
            let account = h.account(.kraken)
            // Rows that need no asset list: every request counted here is a signed one.
            try await h.update(.kraken, FixtureUpdate(apiKey: account.apiKey, balances: [
                FixtureBalance(asset: "XXBT", free: "1"), FixtureBalance(asset: "DOT.S", free: "2"),
                FixtureBalance(asset: "DOT", free: "3"),
            ], faults: Faults(latencyMs: 100)))
            let client = try h.client(account)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<5 { group.addTask { _ = try await client.fetchBalances() } }
                try await group.waitForAll()
            }
            let stats = try await h.stats(.kraken)
            #expect(stats["maxInFlight"] as? Int == 1)
            #expect(stats["requests"] as? Int == 10)  // BalanceEx and Earn/Allocations, five times each
            #expect(try await h.count(.kraken, path: "/0/private/BalanceEx") == 5)
        }
    }
}

/// A broken store that always hands out the same nonce.
struct FixedNonceStore: NonceStore {
    let value: UInt64
    func nextNonce(forKey apiKey: String, atLeast: UInt64) throws -> UInt64 { value }
}
