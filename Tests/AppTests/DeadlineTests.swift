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
        // No wall-clock assertion (the machine may be loaded): the operation, which ignores cancellation, must
        // still be running when the deadline's error arrives.
        let finished = Flag()
        await #expect(throws: Expired.self) {
            try await withDeadline(.milliseconds(100), expired: { Expired() }) {
                _ = await Self.uncancellableWait(seconds: 20)
                finished.set()
            }
        }
        #expect(!finished.isSet)
    }

    /// Three calls of one second each are each well inside any per-call timeout, yet together they outlast a
    /// 300 ms deadline: the conversation ends with `timeout` before the client has finished.
    @Test func slowCallsInARowEndAtTheDeadline() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deadline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = Database(path: directory.appendingPathComponent("db.sqlite").path)
        let keyRing = try KeyRing.load(environment: ["ENCRYPTION_KEY": "test-encryption-key-test-encryption-key-01"])
        func engine(callSeconds: Double, deadline: Duration, calls: Counter) -> SyncEngine {
            SyncEngine(
                database: database, cipher: CredentialCipher(keyRing: keyRing), exchanges: ExchangeConfiguration(),
                gate: ExchangeGate(limit: 4), logger: Logger(label: "test"),
                makeClient: { exchange, _, _ in SlowClient(exchange: exchange, callSeconds: callSeconds, calls: calls) },
                deadline: deadline)
        }

        let slowCalls = Counter()
        do {
            _ = try await engine(callSeconds: 1, deadline: .milliseconds(300), calls: slowCalls)
                .inspect(.kraken, credentials: Credentials(apiKey: "k", apiSecret: "s"), user: "u", measureClock: true)
            Issue.record("the conversation should have hit the deadline")
        } catch let error as ExchangeError {
            #expect(error.code == .timeout)
            #expect(error.detail == "conversation deadline")
            #expect(error.message.contains("Kraken"))
        }
        #expect(slowCalls.value < 3)

        // With room to finish, the same client completes all three calls: the bound, not the client, ended it.
        let quickCalls = Counter()
        let inspection = try await engine(callSeconds: 0.05, deadline: .seconds(30), calls: quickCalls)
            .inspect(.kraken, credentials: Credentials(apiKey: "k", apiSecret: "s"), user: "u", measureClock: true)
        #expect(inspection.balances.count == 1)
        #expect(quickCalls.value == 3)
    }

    /// Waits on a Dispatch timer, which task cancellation does not interrupt.
    static func uncancellableWait(seconds: Double) async -> Int {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { continuation.resume(returning: 0) }
        }
    }
}

/// A thread-safe boolean. `@unchecked Sendable`: the value is only touched under `lock`.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A thread-safe count of finished calls. `@unchecked Sendable`: only touched under `lock`.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

/// An exchange client whose every call takes `callSeconds` and ignores cancellation, like a slow exchange.
private struct SlowClient: ExchangeClient {
    let exchange: ExchangeID
    let callSeconds: Double
    let calls: Counter

    func readBalances() async throws -> AccountBalances {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        calls.increment()
        return AccountBalances(balances: [Balance(asset: "BTC", free: "1", locked: "0", total: "1")])
    }

    func permissions() async throws -> KeyPermissions {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        calls.increment()
        return KeyPermissions(canRead: true, canTrade: false, canWithdraw: false)
    }

    func serverTime() async throws -> Date {
        _ = await DeadlineTests.uncancellableWait(seconds: callSeconds)
        calls.increment()
        return Date()
    }
}
