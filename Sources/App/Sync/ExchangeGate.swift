import Exchanges
import Foundation

/// Bounds how many exchange conversations run at once in this process.
///
/// A hung exchange holds each caller for up to the 30 s timeout. Without a bound, enough such calls would
/// occupy every responder worker and starve requests that never touch an exchange. A caller that cannot get
/// a slot within `wait` gets `exchange_unavailable` at once instead of queueing behind the hang.
public actor ExchangeGate {
    private let limit: Int
    private var inUse = 0
    private var waiters: [(id: UUID, continuation: CheckedContinuation<Bool, Never>)] = []

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` holding one slot.
    public func withSlot<T: Sendable>(wait: Duration = .seconds(2), _ body: @Sendable () async throws -> T) async throws -> T {
        guard await acquire(wait: wait) else {
            throw ExchangeError(.exchangeUnavailable, message:
                "Holdfast is already waiting on the maximum number of exchange requests; try again in a minute.")
        }
        defer { release() }
        return try await body()
    }

    private func acquire(wait: Duration) async -> Bool {
        if inUse < limit {
            inUse += 1
            return true
        }
        let id = UUID()
        let timer = Task { [weak self] in
            try? await Task.sleep(for: wait)
            await self?.expire(id)
        }
        let granted = await withCheckedContinuation { continuation in waiters.append((id, continuation)) }
        timer.cancel()
        return granted
    }

    private func expire(_ id: UUID) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    private func release() {
        if waiters.isEmpty {
            inUse -= 1
        } else {
            // Hand the slot straight to the oldest waiter; inUse stays the same.
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }
}
