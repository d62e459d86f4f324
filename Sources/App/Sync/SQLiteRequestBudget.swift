import Exchanges
import Foundation
import Store

/// The exchange request budget kept in the database (`request_budgets`, migration 0006), so the responder's
/// workers and the timer, separate processes sending from one IP, spend from one count.
///
/// Each call is one short `BEGIN IMMEDIATE` transaction (read the scope's row, apply `BudgetLedger`, write
/// it back): two processes can never both take the last units. It runs on the calling thread like
/// `SQLiteNonceStore`: a few statements, no network, so the cooperative thread is held for about as long as a
/// nonce is.
public struct SQLiteRequestBudget: RequestBudget {
    let database: Database

    /// Rows untouched this long (ms) are deleted: a day, far longer than any window or block they could hold
    /// except a day-long Retry-After, which `ResponseSupport.maxRetryAfterSeconds` caps at exactly that.
    static let retentionMs: Int64 = 86_400_000 + 60_000

    /// A budget in `database`.
    public init(database: Database) { self.database = database }

    public func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) throws -> Reservation {
        let nowMs = BudgetLedger.milliseconds(now)
        return try update(scope, nowMs: nowMs) { state in
            BudgetLedger.reserve(weight, state: state, policy: scope.policy, nowMs: nowMs)
        }
    }

    public func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) throws {
        let nowMs = BudgetLedger.milliseconds(now)
        try update(scope, nowMs: nowMs) { state in
            (BudgetLedger.record(feedback, state: state, policy: scope.policy, nowMs: nowMs), ())
        }
    }

    /// Reads `scope`'s row, applies `change`, writes the row back, in one write transaction.
    @discardableResult
    private func update<T>(_ scope: BudgetScope, nowMs: Int64, _ change: (BudgetState) -> (BudgetState, T)) throws -> T {
        do {
            return try database.write { db in
                let row = try db.queryOne(
                    "SELECT used_milli, mark_ms, blocked_until_ms FROM request_budgets WHERE scope = ?", [.text(scope.name)])
                let state = row.map {
                    BudgetState(usedMilli: Int64($0.int("used_milli") ?? 0), markMs: Int64($0.int("mark_ms") ?? 0),
                                blockedUntilMs: Int64($0.int("blocked_until_ms") ?? 0))
                } ?? BudgetState()
                let (next, answer) = change(state)
                try db.run("""
                    INSERT INTO request_budgets (scope, used_milli, mark_ms, blocked_until_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(scope) DO UPDATE SET used_milli = excluded.used_milli, mark_ms = excluded.mark_ms,
                        blocked_until_ms = excluded.blocked_until_ms, updated_ms = excluded.updated_ms
                    """, [.text(scope.name), .integer(next.usedMilli), .integer(next.markMs),
                          .integer(next.blockedUntilMs), .integer(nowMs)])
                try db.run("DELETE FROM request_budgets WHERE updated_ms < ?", [.integer(nowMs - Self.retentionMs)])
                return answer
            }
        } catch {
            throw RequestBudgetError("\(error)")
        }
    }
}
