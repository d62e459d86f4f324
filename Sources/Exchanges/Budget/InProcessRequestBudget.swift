import Foundation

/// A `RequestBudget` held in memory: shared by every client of one `ExchangeConfiguration` in one process.
///
/// The default for the CLI and unit tests, which run without a database. The responder and the timer use
/// App's `RequestBudgetStore` instead, so the count is shared by every process on the host. Its calls only take
/// a lock held for a few arithmetic steps, so they stay synchronous (which satisfies the `async` requirements).
public final class InProcessRequestBudget: RequestBudget, @unchecked Sendable {
    // @unchecked: `states` is read and written only while holding `lock`.
    private let lock = NSLock()
    private var states: [String: BudgetState] = [:]

    /// An empty budget.
    public init() {}

    public func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) throws -> Reservation {
        let nowMs = BudgetLedger.milliseconds(now)
        lock.lock(); defer { lock.unlock() }
        let (next, answer) = BudgetLedger.reserve(weight, state: states[scope.name] ?? BudgetState(),
                                                  policy: scope.policy, nowMs: nowMs)
        states[scope.name] = next
        return answer
    }

    public func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) throws {
        let nowMs = BudgetLedger.milliseconds(now)
        lock.lock(); defer { lock.unlock() }
        states[scope.name] = BudgetLedger.record(feedback, state: states[scope.name] ?? BudgetState(),
                                                 policy: scope.policy, nowMs: nowMs)
    }
}
