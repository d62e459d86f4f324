import Exchanges
import Foundation
import Store

/// The owner of `request_budgets` (migration 0006): the exchange request budget kept in the database, so the
/// responder's workers and the timer, separate processes sending from one IP, spend from one count.
///
/// Each call is one short locking write transaction (lock and read the scope's row, apply `BudgetLedger`, write
/// it back): two processes can never both take the last units. The exchange clients call it from async code before every
/// request, so the transaction runs through the `async` `Database.write` on a `BlockingWork` thread: waiting
/// for another process's write lock (up to the busy timeout) never holds a thread of the cooperative pool.
public struct RequestBudgetStore: RequestBudget {
    let database: Database

    /// Rows untouched this long (ms) are deleted: a day, far longer than any window or block they could hold
    /// except a day-long Retry-After, which `ResponseSupport.maxRetryAfterSeconds` caps at exactly that.
    static let retentionMs: Int64 = 86_400_000 + 60_000

    /// A budget in `database`.
    public init(database: Database) { self.database = database }

    /// Takes `weight` from `scope` or names when it could be afforded (`BudgetLedger.reserve`). Throws
    /// `RequestBudgetError` when the database fails.
    public func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) async throws -> Reservation {
        let nowMs = BudgetLedger.milliseconds(now)
        return try await update(scope, nowMs: nowMs) { state in
            BudgetLedger.reserve(weight, state: state, policy: scope.policy, nowMs: nowMs)
        }
    }

    /// Folds an answer's `feedback` into `scope` (`BudgetLedger.record`). Throws `RequestBudgetError` when the
    /// database fails.
    public func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) async throws {
        let nowMs = BudgetLedger.milliseconds(now)
        try await update(scope, nowMs: nowMs) { state in
            (BudgetLedger.record(feedback, state: state, policy: scope.policy, nowMs: nowMs), ())
        }
    }

    /// Reads `scope`'s row, applies `change`, writes the row back, in one write transaction on a blocking-work
    /// thread.
    @discardableResult
    private func update<T: Sendable>(_ scope: BudgetScope, nowMs: Int64,
                                     _ change: @escaping @Sendable (BudgetState) -> (BudgetState, T)) async throws -> T {
        do {
            return try await database.lockingWrite { db in try Self.update(scope.name, nowMs: nowMs, change, in: db) }
        } catch {
            throw RequestBudgetError("\(error)")
        }
    }

    /// The statements of one update, inside the caller's write transaction (`Database.lockingWrite` is enough: the
    /// scope's row is locked before it is read); when it creates a scope's row it also prunes rows idle for longer
    /// than `retentionMs`.
    static func update<T>(_ scopeName: String, nowMs: Int64, _ change: (BudgetState) -> (BudgetState, T),
                          in db: Connection) throws -> T {
        let select = "SELECT used_milli, mark_ms, blocked_until_ms FROM request_budgets WHERE scope = ?" + db.forUpdate
        var row = try db.queryOne(select, [.text(scopeName)])
        var created = false
        if row == nil {
            // A new scope. Inserted empty and then locked like any other: a process inserting the same scope at the
            // same moment makes this insert wait for it and do nothing, and the lock then reads its state.
            created = try db.run("""
                INSERT INTO request_budgets (scope, used_milli, mark_ms, blocked_until_ms, updated_ms) VALUES (?, 0, 0, 0, ?)
                ON CONFLICT(scope) DO NOTHING
                """, [.text(scopeName), .integer(nowMs)]) == 1
            row = try db.queryOne(select, [.text(scopeName)])
        }
        let state = row.map {
            BudgetState(usedMilli: Int64($0.int("used_milli") ?? 0), markMs: Int64($0.int("mark_ms") ?? 0),
                        blockedUntilMs: Int64($0.int("blocked_until_ms") ?? 0))
        } ?? BudgetState()
        let (next, answer) = change(state)
        try db.run("""
            UPDATE request_budgets SET used_milli = ?, mark_ms = ?, blocked_until_ms = ?, updated_ms = ? WHERE scope = ?
            """, [.integer(next.usedMilli), .integer(next.markMs), .integer(next.blockedUntilMs), .integer(nowMs),
                  .text(scopeName)])
        // Swept only when a scope's row is new: the table grows only then, and a sweep reads every row, which
        // would make each budget update wait for every other one running beside it.
        if created {
            try db.run("DELETE FROM request_budgets WHERE updated_ms < ?", [.integer(nowMs - retentionMs)])
        }
        return answer
    }
}
