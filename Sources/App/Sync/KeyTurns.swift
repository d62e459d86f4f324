import Exchanges
import Foundation

/// Runs conversations one at a time per key (an exchange and an API key), in arrival order; different keys
/// run concurrently.
///
/// This queue sits in front of `ExchangeGate`: a conversation waiting for its key's turn holds no shared
/// slot, so forty tests of one Kraken key occupy one slot, not forty. Waiting has no timer of its own: it
/// ends when the caller's task is cancelled (the conversation deadline cancels it), and the waiter then
/// leaves the queue without ever having started its conversation.
///
/// Each waiting caller of the responder still holds a worker thread, so the number of waiters in all queues
/// together is bounded (`maxWaiting`); one more is refused at once with `exchange_unavailable`.
///
/// `@unchecked Sendable`: `queues` is only read and written under `lock`; continuations are resumed outside it.
final class KeyTurns: @unchecked Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    /// A key is present while some conversation holds its turn; the array is who waits, oldest first.
    private var queues: [String: [Waiter]] = [:]
    private var nextID: UInt64 = 0
    private var waitingCount = 0
    /// The most callers that may wait, over all keys.
    let maxWaiting: Int

    /// Queues with room for `maxWaiting` waiting callers in all.
    init(maxWaiting: Int) { self.maxWaiting = max(1, maxWaiting) }

    /// What a test can observe: conversations waiting per key (the holder not counted).
    var waiting: [String: Int] { lock.withLock { queues.mapValues(\.count) } }

    /// Runs `body` once every earlier conversation for `key` has finished. Throws `CancellationError` if the
    /// calling task is cancelled before the turn comes, and `exchange_unavailable` for `exchange` if
    /// `maxWaiting` callers already wait; `body` then never runs.
    func withTurn<T: Sendable>(for key: String, exchange: ExchangeID, _ body: () async throws -> T) async throws -> T {
        try await acquire(key, exchange: exchange)
        defer { release(key) }
        // The turn may have been handed over just as the deadline cancelled this caller: do not start a
        // conversation nobody waits for.
        try Task.checkCancellation()
        return try await body()
    }

    private enum Decision {
        case turn, queued, full, cancelled
    }

    private func acquire(_ key: String, exchange: ExchangeID) async throws {
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // One decision under the lock: whether the key is free, the queues full, the caller cancelled
                // (a cancellation before the append finds nothing to remove, so it must be seen here; one after
                // it finds the waiter), or it waits. Taken apart, a holder could leave between the look and the
                // append, and the waiter would queue behind nobody.
                let decision = lock.withLock { () -> Decision in
                    if Task.isCancelled { return .cancelled }
                    guard queues[key] != nil else {
                        queues[key] = []
                        return .turn
                    }
                    guard waitingCount < maxWaiting else { return .full }
                    queues[key, default: []].append(Waiter(id: id, continuation: continuation))
                    waitingCount += 1
                    return .queued
                }
                switch decision {
                case .turn:
                    continuation.resume()
                case .queued:
                    break
                case .full:
                    continuation.resume(throwing: ExchangeError(.exchangeUnavailable, message:
                        "Holdfast is already waiting on the maximum number of exchange requests; try again in a minute.",
                        exchange: exchange, detail: "too many queued calls"))
                case .cancelled:
                    continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let removed = lock.withLock { () -> Waiter? in
                guard let index = queues[key]?.firstIndex(where: { $0.id == id }) else { return nil }
                waitingCount -= 1
                return queues[key]?.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands the turn to the oldest waiter, or frees the key when nobody waits.
    private func release(_ key: String) {
        let next = lock.withLock { () -> Waiter? in
            guard var waiters = queues[key], !waiters.isEmpty else {
                queues[key] = nil
                return nil
            }
            let first = waiters.removeFirst()
            queues[key] = waiters
            waitingCount -= 1
            return first
        }
        next?.continuation.resume()
    }
}
