import Dispatch
import Exchanges
import Foundation
import Logging
import Store
import Testing
import Vault
@testable import App

/// The conversation deadline: a test or connect answers before nginx's upstream timeout however many slow
/// exchange calls a conversation strings together.
struct DeadlineTests {
    struct Expired: Error {}

    @Test func aFastOperationReturnsItsResult() async throws {
        let value = try await withDeadline(.seconds(5), expired: { Expired() }) { 42 }
        #expect(value == 42)
    }

    @Test func anOperationErrorPassesThrough() async {
        await #expect(throws: ExchangeError.self) {
            try await withDeadline(.seconds(5), expired: { Expired() }) { () async throws -> Int in
                throw ExchangeError(.badResponse, message: "broken")
            }
        }
    }

    @Test func theDeadlineWinsEvenWhenTheOperationIgnoresCancellation() async throws {
        let started = ContinuousClock.now
        await #expect(throws: Expired.self) {
            try await withDeadline(.milliseconds(100), expired: { Expired() }) { await Self.uncancellableWait(seconds: 3) }
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }

    /// Three calls of 400 ms each are each well inside any per-call timeout, yet together they outlast a
    /// 600 ms deadline: the conversation ends with `timeout` at the deadline.
    @Test func slowCallsInARowEndAtTheDeadline() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deadline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = Database(path: directory.appendingPathComponent("db.sqlite").path)
        let keyRing = try KeyRing.load(environment: ["ENCRYPTION_KEY": "test-encryption-key-test-encryption-key-01"])
        let engine = SyncEngine(
            database: database, cipher: CredentialCipher(keyRing: keyRing), exchanges: ExchangeConfiguration(),
            gate: ExchangeGate(limit: 4), logger: Logger(label: "test"),
            makeClient: { exchange, _, _ in SlowClient(exchange: exchange, callSeconds: 0.4) }, deadline: .milliseconds(600))

        let started = ContinuousClock.now
        do {
            _ = try await engine.inspect(.kraken, credentials: Credentials(apiKey: "k", apiSecret: "s"), measureClock: true)
            Issue.record("the conversation should have hit the deadline")
        } catch let error as ExchangeError {
            #expect(error.code == .timeout)
            #expect(error.detail == "conversation deadline")
            #expect(error.message.contains("Kraken"))
        }
        #expect(ContinuousClock.now - started < .seconds(1))

        // Without the deadline pressure the same client completes: the bound, not the client, ended it.
        let relaxed = SyncEngine(
            database: database, cipher: CredentialCipher(keyRing: keyRing), exchanges: ExchangeConfiguration(),
            gate: ExchangeGate(limit: 4), logger: Logger(label: "test"),
            makeClient: { exchange, _, _ in SlowClient(exchange: exchange, callSeconds: 0.05) }, deadline: .seconds(5))
        let inspection = try await relaxed.inspect(.kraken, credentials: Credentials(apiKey: "k", apiSecret: "s"), measureClock: true)
        #expect(inspection.balances.count == 1)
    }

    /// Waits on a Dispatch timer, which task cancellation does not interrupt.
    static func uncancellableWait(seconds: Double) async -> Int {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume(returning: 0) }
        }
    }
}

/// An exchange client whose every call takes `callSeconds` and ignores cancellation, like a slow exchange.
private struct SlowClient: ExchangeClient {
    let exchange: ExchangeID
    let callSeconds: Double

    func fetchBalances() async throws -> [Balance] {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        return [Balance(asset: "BTC", free: "1", locked: "0", total: "1")]
    }

    func permissions() async throws -> KeyPermissions {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        return KeyPermissions(canRead: true, canTrade: false, canWithdraw: false)
    }

    func serverTime() async throws -> Date {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        return Date()
    }
}
