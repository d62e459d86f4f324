import Exchanges
import Foundation
import Logging
import Store
import Testing
import Vault
@testable import App

/// Fairness between keys, exchanges and users: a queue for one key holds no shared slot, a hung exchange
/// leaves the others their slots, and one user cannot take every slot of an exchange.
///
/// The exchanges are fake clients: "hung" ones wait on a latch the test opens at the end (ignoring
/// cancellation, as a stuck socket does), the others answer at once. Nothing sleeps for a fixed time; tests
/// wait for observable conditions (slots in use, callers queued) with a bound.
struct FairnessTests {
    /// Forty tests of one Kraken key, whose first call hangs, and meanwhile another user's Binance test.
    /// Before: the forty held all 32 slots while queueing per key, and Binance failed `exchange_unavailable`
    /// after the 2 s slot wait. Now the key's queue holds one slot and Binance answers at once. The queue
    /// itself is bounded (32 waiting callers, one worker thread each): the seven beyond are refused at once.
    @Test func oneKeysQueueHoldsOneSlot() async throws {
        let fake = FakeExchanges()
        let engine = try Self.engine(fake, limits: ExchangeGate.Limits(concurrency: 32))
        let kraken = Credentials(apiKey: "hung-kraken", apiSecret: "s")
        let queue = (0..<40).map { _ in
            Task { () -> Result<SyncEngine.Inspection, ExchangeError> in
                do {
                    return .success(try await engine.inspect(.kraken, credentials: kraken, user: "alice", measureClock: true))
                } catch let error as ExchangeError {
                    return .failure(error)
                }
            }
        }
        let key = SyncEngine.turnKey(.kraken, kraken)
        #expect(await eventually { fake.started.value == 1 && engine.turns.waiting[key] == 32 })
        #expect(engine.gate.usage.total == 1)

        // Answered while the Kraken call still hangs, so not after the queue (no wall-clock bound: the machine
        // may be loaded); before, this failed `exchange_unavailable` once the 2 s slot wait ran out.
        let binance = try await engine.inspect(.binance, credentials: Credentials(apiKey: "b", apiSecret: "s"), user: "bob")
        #expect(binance.balances.count == 1)
        #expect(fake.started.value == 1)

        fake.release.open()
        var succeeded = 0
        for task in queue {
            switch try await task.value {
            case .success(let inspection):
                #expect(inspection.balances.count == 1)
                succeeded += 1
            case .failure(let error):
                #expect(error.code == .exchangeUnavailable)
                #expect(error.detail == "too many queued calls")
            }
        }
        #expect(succeeded == 33)
        #expect(fake.started.value == 33)
        #expect(engine.gate.usage == ExchangeGate.Usage())
        #expect(engine.turns.waiting.isEmpty)
    }

    /// Kraken hangs with every one of its slots taken: another Kraken call is refused quickly, while Binance
    /// and Coinbase calls, even by a user with a hung Kraken call, go through.
    @Test func aHungExchangeLeavesTheOthersTheirSlots() async throws {
        let fake = FakeExchanges()
        let limits = ExchangeGate.Limits(total: 8, perExchange: 4, perUser: 2)
        let engine = try Self.engine(fake, limits: limits, slotWait: .milliseconds(200))
        let hung = (0..<4).map { index in
            Task {
                try await engine.inspect(.kraken, credentials: Credentials(apiKey: "hung-\(index)", apiSecret: "s"), user: "user-\(index)")
            }
        }
        #expect(await eventually { engine.gate.usage.byExchange[.kraken] == 4 })

        await #expect(throws: ExchangeError.self) {
            do {
                _ = try await engine.inspect(.kraken, credentials: Credentials(apiKey: "k9", apiSecret: "s"), user: "user-9")
            } catch let error as ExchangeError {
                #expect(error.code == .exchangeUnavailable)
                throw error
            }
        }
        let binance = try await engine.inspect(.binance, credentials: Credentials(apiKey: "b", apiSecret: "s"), user: "user-0")
        #expect(binance.balances.count == 1)
        let coinbase = try await engine.inspect(.coinbaseexchange, credentials: Credentials(apiKey: "c", apiSecret: "s", passphrase: "p"),
                                                user: "someone-else")
        #expect(coinbase.balances.count == 1)

        fake.release.open()
        for task in hung { #expect(try await task.value.balances.count == 1) }
        #expect(engine.gate.usage == ExchangeGate.Usage())
    }

    /// One user starts ten hung Binance tests with ten keys: they get the user's two slots and the rest wait,
    /// holding nothing; another user's Binance test still finds a slot of the exchange.
    @Test func oneUserCannotTakeEveryExchangeSlot() async throws {
        let fake = FakeExchanges()
        let engine = try Self.engine(fake, limits: ExchangeGate.Limits(total: 8, perExchange: 4, perUser: 2),
                                     slotWait: .seconds(30))
        let flood = (0..<10).map { index in
            Task {
                try await engine.inspect(.binance, credentials: Credentials(apiKey: "hung-\(index)", apiSecret: "s"), user: "mallory")
            }
        }
        #expect(await eventually { engine.gate.usage.byUser["mallory"] == 2 && engine.gate.usage.waiting == 8 })
        #expect(engine.gate.usage.byExchange[.binance] == 2)

        // Answered while the flood still hangs and waits: its slot came from the exchange's free half.
        let alice = try await engine.inspect(.binance, credentials: Credentials(apiKey: "a", apiSecret: "s"), user: "alice")
        #expect(alice.balances.count == 1)
        #expect(engine.gate.usage.byUser["mallory"] == 2)

        // Released, the flood drains through the user's two slots; every waiter gets its turn.
        fake.release.open()
        for task in flood { #expect(try await task.value.balances.count == 1) }
        #expect(engine.gate.usage == ExchangeGate.Usage())
    }

    /// Waiting for a key's turn ends at the conversation deadline with `timeout`; the waiter leaves the queue
    /// and never calls the exchange, and every slot comes back once the hung call ends.
    @Test func waitingForTheKeysTurnEndsAtTheDeadline() async throws {
        let fake = FakeExchanges()
        let engine = try Self.engine(fake, limits: ExchangeGate.Limits(concurrency: 32), deadline: .milliseconds(300))
        let kraken = Credentials(apiKey: "hung-kraken", apiSecret: "s")
        let key = SyncEngine.turnKey(.kraken, kraken)
        let first = Task { try await engine.inspect(.kraken, credentials: kraken, user: "alice") }
        #expect(await eventually { fake.started.value == 1 })

        do {
            _ = try await engine.inspect(.kraken, credentials: kraken, user: "alice")
            Issue.record("the queued conversation should have hit the deadline")
        } catch let error as ExchangeError {
            #expect(error.code == .timeout)
            #expect(error.detail == "conversation deadline")
        }
        #expect(await eventually { engine.turns.waiting[key] == 0 })
        // The hung holder keeps its slot: the exchange request is still open on the wire.
        #expect(engine.gate.usage.total == 1)

        fake.release.open()
        _ = try? await first.value
        #expect(await eventually { engine.gate.usage == ExchangeGate.Usage() && engine.turns.waiting.isEmpty })
        #expect(fake.started.value == 1)
    }

    /// Many quick conversations on a few keys: every one gets its turn and its slots, and everything is given
    /// back. A waiter lost between "the key is busy" and joining the queue would wait for nobody and end at the
    /// deadline instead.
    @Test func manyQuickConversationsOnFewKeysAllFinish() async throws {
        let fake = FakeExchanges()
        let engine = try Self.engine(fake, limits: ExchangeGate.Limits(total: 512, perExchange: 256, perUser: 128),
                                     slotWait: .seconds(30), deadline: .seconds(30))
        let exchanges: [ExchangeID] = [.kraken, .binance, .kucoin]
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<300 {
                group.addTask {
                    let exchange = exchanges[index % 3]
                    let credentials = Credentials(apiKey: "key-\(index % 3)", apiSecret: "s", passphrase: "p")
                    return (try? await engine.inspect(exchange, credentials: credentials, user: "user-\(index % 5)")) != nil
                }
            }
            var all: [Bool] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.count == 300 && outcomes.allSatisfy { $0 })
        #expect(engine.gate.usage == ExchangeGate.Usage())
        #expect(engine.turns.waiting.isEmpty)
    }

    /// Syncs of one user beyond the user's slots wait for a slot (up to the deadline) rather than fail after
    /// the 2 s a test or connect waits: sync-all of a person with more connections than slots must not fail
    /// the rest `exchange_unavailable`. Here the engine's wait is 50 ms and the second sync outlives it.
    @Test func aUsersSyncsWaitForTheirSlotsRatherThanFail() async throws {
        let t = try TestApp()
        let user = try t.addUser("fair@example.com")
        let fake = FakeExchanges()
        let engine = SyncEngine(
            database: t.app.database, cipher: CredentialCipher(keyRing: t.app.configuration.keyRing),
            exchanges: ExchangeConfiguration(), gate: ExchangeGate(limits: ExchangeGate.Limits(total: 4, perExchange: 2, perUser: 1)),
            logger: Logger(label: "test"),
            makeClient: { exchange, credentials, _ in
                FakeClient(exchange: exchange, hangs: credentials.apiKey.hasPrefix("hung"), exchanges: fake)
            },
            deadline: .seconds(30), slotWait: .milliseconds(50))
        let hung = try Self.storeConnection(.binance, apiKey: "hung-1", user: user, in: t)
        let quick = try Self.storeConnection(.kraken, apiKey: "quick-1", user: user, in: t)

        let first = Task { try await engine.sync(hung, trigger: .manual) }
        #expect(await eventually { engine.gate.usage.byUser[user] == 1 })
        let second = Task { try await engine.sync(quick, trigger: .manual) }
        #expect(await eventually { engine.gate.usage.waiting == 1 })
        // Six times the engine's slot wait: what is under test is that this much time passes harmlessly.
        try await Task.sleep(for: .milliseconds(300))
        #expect(engine.gate.usage.waiting == 1)

        fake.release.open()
        #expect(try await first.value.success)
        let outcome = try await second.value
        #expect(outcome.success, "\(String(describing: outcome.error))")
        #expect(engine.gate.usage == ExchangeGate.Usage())
    }

    /// Stores a connection of `user` on `exchange` with `apiKey`, as the connect handler would.
    static func storeConnection(_ exchange: ExchangeID, apiKey: String, user: String, in t: TestApp) throws -> String {
        let id = UUID().uuidString.lowercased()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted,
                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(user), .text(exchange.rawValue),
                      .text(try cipher.seal(apiKey, connectionId: id, field: .apiKey)),
                      .text(try cipher.seal("secret", connectionId: id, field: .apiSecret))])
        }
        return id
    }

    /// The derived sizes: the whole figure for the process, half per exchange, a quarter per user.
    @Test func limitsFromOneFigure() {
        #expect(ExchangeGate.Limits(concurrency: 32) == ExchangeGate.Limits(total: 32, perExchange: 16, perUser: 8))
        #expect(ExchangeGate.Limits(concurrency: 8) == ExchangeGate.Limits(total: 8, perExchange: 4, perUser: 2))
        #expect(ExchangeGate.Limits(concurrency: 1) == ExchangeGate.Limits(total: 1, perExchange: 1, perUser: 1))
    }

    static func engine(_ fake: FakeExchanges, limits: ExchangeGate.Limits, slotWait: Duration = .seconds(2),
                       deadline: Duration = .seconds(60)) throws -> SyncEngine {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fairness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let keyRing = try KeyRing.load(environment: ["ENCRYPTION_KEY": "test-encryption-key-test-encryption-key-01"])
        return SyncEngine(
            database: Database(path: directory.appendingPathComponent("db.sqlite").path),
            cipher: CredentialCipher(keyRing: keyRing), exchanges: ExchangeConfiguration(),
            gate: ExchangeGate(limits: limits), logger: Logger(label: "test"),
            makeClient: { exchange, credentials, _ in
                FakeClient(exchange: exchange, hangs: credentials.apiKey.hasPrefix("hung"), exchanges: fake)
            },
            deadline: deadline, slotWait: slotWait)
    }
}

/// Polls `condition` until it holds or `limit` passes; returns whether it held.
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + limit
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

/// What the fake clients share: the latch hung calls wait on, and how many balance reads started.
final class FakeExchanges: Sendable {
    let release = Latch()
    let started = Tally()
}

/// A client that answers at once, or, when `hangs`, reads balances only once the test opens the latch.
private struct FakeClient: ExchangeClient {
    let exchange: ExchangeID
    let hangs: Bool
    let exchanges: FakeExchanges

    func readBalances() async throws -> AccountBalances {
        if hangs {
            exchanges.started.increment()
            await exchanges.release.wait()
        }
        return AccountBalances(balances: [Balance(asset: "BTC", free: "1", locked: "0", total: "1")])
    }

    func permissions() async throws -> KeyPermissions { KeyPermissions(canRead: true, canTrade: false, canWithdraw: false) }

    func serverTime() async throws -> Date { Date() }
}

/// A one-way gate: `wait` suspends until `open`, and returns at once afterwards. Ignores cancellation, like
/// a request stuck on the wire. `@unchecked Sendable`: fields only touched under `lock`.
final class Latch: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = lock.withLock { () -> Bool in
                if isOpen { return true }
                waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiting = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            isOpen = true
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.resume() }
    }
}

/// A thread-safe count. `@unchecked Sendable`: only touched under `lock`.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
