import Exchanges
import Foundation

/// Bounds how many exchange conversations run at once: in the whole process, per exchange, and per user.
///
/// A hung exchange holds each caller for up to the 30 s timeout. Without a bound, enough such calls would
/// occupy every responder worker and starve requests that never touch an exchange; with only one shared
/// bound, one hung exchange or one busy user would take every slot from everyone else. So a conversation
/// needs a slot of three pools at once: the process's, its exchange's, and its user's. All three are taken
/// in one step under one lock, or none is: a waiter never holds a slot while waiting for another, so there is
/// no order to get wrong and no deadlock. A caller that cannot get its slots within `wait` gets
/// `exchange_unavailable` instead of queueing behind the hang.
///
/// Waiting for one's own API key's turn happens before this gate (`KeyTurns`), so queued calls of one key
/// hold no slot here.
///
/// `@unchecked Sendable`: every counter and the waiter list are only touched under `lock`; continuations
/// are resumed outside it.
public final class ExchangeGate: @unchecked Sendable {
    /// The three pool sizes.
    public struct Limits: Sendable, Equatable {
        /// Conversations the whole process may have in flight.
        public var total: Int
        /// Conversations one exchange may have in flight: below `total`, so a hung exchange leaves slots to
        /// the others.
        public var perExchange: Int
        /// Conversations one user may have in flight: below `perExchange`, so one user cannot take every slot
        /// of an exchange.
        public var perUser: Int

        /// Explicit sizes, each at least 1.
        public init(total: Int, perExchange: Int, perUser: Int) {
            self.total = max(1, total)
            self.perExchange = max(1, min(perExchange, self.total))
            self.perUser = max(1, min(perUser, self.perExchange))
        }

        /// The sizes derived from one figure (`HOLDFAST_EXCHANGE_CONCURRENCY` for the responder, the sync
        /// width for the timer): the whole figure for the process, half of it per exchange, a quarter per
        /// user (32 → 32, 16, 8), each at least 1.
        public init(concurrency: Int) {
            self.init(total: concurrency, perExchange: (concurrency + 1) / 2, perUser: (concurrency + 3) / 4)
        }
    }

    /// Slots in use, for tests and logs.
    struct Usage: Equatable {
        var total = 0
        var byExchange: [ExchangeID: Int] = [:]
        var byUser: [String: Int] = [:]
        /// Callers queued for slots; filled in by `usage` from the waiter list, never kept by hand.
        var waiting = 0
    }

    private struct Waiter {
        let id: UInt64
        let exchange: ExchangeID
        let user: String
        let continuation: CheckedContinuation<Bool, Never>
        /// Withdraws the waiter after `wait`; cancelled when the waiter is served first.
        var timer: Task<Void, Never>?
    }

    /// The pool sizes this gate enforces.
    public let limits: Limits
    private let lock = NSLock()
    private var inUse = Usage()
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0

    /// A gate with the given pool sizes.
    public init(limits: Limits) { self.limits = limits }

    /// A gate sized from one figure; see `Limits.init(concurrency:)`.
    public convenience init(limit: Int) { self.init(limits: Limits(concurrency: limit)) }

    /// The slots in use now and how many callers wait.
    var usage: Usage {
        lock.withLock {
            var now = inUse
            now.waiting = waiters.count
            return now
        }
    }

    /// Runs `body` holding one slot of the process's pool, one of `exchange`'s and one of `user`'s.
    ///
    /// Throws `exchange_unavailable` when the slots are not free within `wait`, and `CancellationError` when
    /// the caller is cancelled while waiting. The slots are released when `body` ends, however it ends.
    public func withSlot<T: Sendable>(exchange: ExchangeID, user: String, wait: Duration = .seconds(2),
                                      _ body: () async throws -> T) async throws -> T {
        guard try await acquire(exchange: exchange, user: user, wait: wait) else {
            throw ExchangeError(.exchangeUnavailable, message:
                "Holdfast is already waiting on the maximum number of exchange requests; try again in a minute.",
                exchange: exchange, detail: "no free slot")
        }
        defer { release(exchange: exchange, user: user) }
        // Granted just as the deadline cancelled this caller: do not start a conversation nobody waits for.
        try Task.checkCancellation()
        return try await body()
    }

    /// Whether all three pools have room; call under `lock`.
    private func fits(_ exchange: ExchangeID, _ user: String) -> Bool {
        inUse.total < limits.total && inUse.byExchange[exchange, default: 0] < limits.perExchange
            && inUse.byUser[user, default: 0] < limits.perUser
    }

    /// Takes the three slots; call under `lock` after `fits`.
    private func take(_ exchange: ExchangeID, _ user: String) {
        inUse.total += 1
        inUse.byExchange[exchange, default: 0] += 1
        inUse.byUser[user, default: 0] += 1
    }

    private func acquire(exchange: ExchangeID, user: String, wait: Duration) async throws -> Bool {
        let id: UInt64? = lock.withLock {
            if fits(exchange, user) {
                take(exchange, user)
                return nil
            }
            nextID += 1
            return nextID
        }
        guard let id else { return true }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                // Decided under the lock, like `KeyTurns`: a cancellation before the append is seen here, one
                // after it finds the waiter to withdraw. Slots may also have been freed since the first look.
                let decision = lock.withLock { () -> Bool? in
                    if Task.isCancelled { return false }
                    if fits(exchange, user) {
                        take(exchange, user)
                        return true
                    }
                    waiters.append(Waiter(id: id, exchange: exchange, user: user, continuation: continuation))
                    return nil
                }
                if let decision {
                    continuation.resume(returning: decision)
                    return
                }
                // Queued: `release`, the timer or the cancellation resumes it. The timer starts only now, so it
                // cannot fire before there is a waiter to withdraw.
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: wait)
                    guard !Task.isCancelled else { return }
                    self?.withdraw(id)
                }
                let attached = lock.withLock { () -> Bool in
                    guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
                    waiters[index].timer = timer
                    return true
                }
                if !attached { timer.cancel() }
            }
        } onCancel: {
            withdraw(id)
        }
        if !granted { try Task.checkCancellation() }
        return granted
    }

    /// Removes waiter `id` (timed out or cancelled) and resumes it ungranted, if it still waits.
    private func withdraw(_ id: UInt64) {
        let waiter = lock.withLock { () -> Waiter? in
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: false)
    }

    /// Frees the three slots and hands them, in arrival order, to every waiter whose pools now have room.
    private func release(exchange: ExchangeID, user: String) {
        let granted = lock.withLock { () -> [Waiter] in
            inUse.total -= 1
            inUse.byExchange[exchange, default: 1] -= 1
            if inUse.byExchange[exchange] == 0 { inUse.byExchange[exchange] = nil }
            inUse.byUser[user, default: 1] -= 1
            if inUse.byUser[user] == 0 { inUse.byUser[user] = nil }
            var granted: [Waiter] = []
            var index = 0
            while index < waiters.count, inUse.total < limits.total {
                let waiter = waiters[index]
                if fits(waiter.exchange, waiter.user) {
                    take(waiter.exchange, waiter.user)
                    granted.append(waiters.remove(at: index))
                } else {
                    index += 1
                }
            }
            return granted
        }
        for waiter in granted {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }
}
