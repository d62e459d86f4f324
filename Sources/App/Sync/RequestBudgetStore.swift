import Exchanges
import Foundation
import Store

/// The owner of `request_budgets` (migration 0006): the exchange request budget kept in the database, so the
/// responder's workers and the timer, separate processes sending from one IP, spend from one count.
///
/// Each call reads the scope's row, applies `BudgetLedger` and writes the row back only if it still holds what was
/// read (a compare-and-swap, retried; after a few lost swaps the row is locked instead): two processes can never
/// both take the last units. The exchange clients call it from async code before every
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
            if let answer = try await database.autocommit({ db in
                try Self.swap(scope.name, nowMs: nowMs, change, attempts: Self.swapAttempts, in: db)
            }) { return answer }
            // The row kept changing under the swaps (many writers on one scope): wait for its lock instead.
            return try await database.lockingWrite { db in try Self.update(scope.name, nowMs: nowMs, change, in: db) }
        } catch {
            throw RequestBudgetError("\(error)")
        }
    }

    /// Compare-and-swap attempts before an update falls back to the row lock.
    static let swapAttempts = 4

    /// One update as a compare-and-swap, each statement on its own (`Database.autocommit`): read the scope's row,
    /// apply `change`, and write the result only where the row still holds what was read; when another process
    /// wrote in between, read again, up to `attempts` times. Nil when every attempt lost (the caller then locks
    /// the row). Two round trips on PostgreSQL where a locking write takes four: every exchange request makes one
    /// or two of these.
    ///
    /// A `change` that leaves the state as it is writes nothing: its answer holds at the moment of the read, which
    /// lies inside this call. Comparing every column is enough: the ledger is a function of these three numbers,
    /// so a row changed and changed back is the same budget. A new scope's row is inserted with its first state
    /// (`ON CONFLICT DO NOTHING`: when another process inserted it first, read again), and its insert sweeps rows
    /// idle for longer than `retentionMs`, as `update` does.
    static func swap<T>(_ scopeName: String, nowMs: Int64, _ change: (BudgetState) -> (BudgetState, T), attempts: Int,
                        in db: Connection) throws -> T? {
        for _ in 0..<attempts {
            guard let row = try db.queryOne(
                "SELECT used_milli, mark_ms, blocked_until_ms FROM request_budgets WHERE scope = ?", [.text(scopeName)]) else {
                let (next, answer) = change(BudgetState())
                let inserted = try db.run("""
                    INSERT INTO request_budgets (scope, used_milli, mark_ms, blocked_until_ms, updated_ms) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(scope) DO NOTHING
                    """, [.text(scopeName), .integer(next.usedMilli), .integer(next.markMs), .integer(next.blockedUntilMs),
                          .integer(nowMs)]) == 1
                guard inserted else { continue }
                try db.run("DELETE FROM request_budgets WHERE updated_ms < ?", [.integer(nowMs - retentionMs)])
                return answer
            }
            let state = BudgetState(usedMilli: Int64(row.int("used_milli") ?? 0), markMs: Int64(row.int("mark_ms") ?? 0),
                                    blockedUntilMs: Int64(row.int("blocked_until_ms") ?? 0))
            let (next, answer) = change(state)
            if next == state { return answer }
            let swapped = try db.run("""
                UPDATE request_budgets SET used_milli = ?, mark_ms = ?, blocked_until_ms = ?, updated_ms = ?
                WHERE scope = ? AND used_milli = ? AND mark_ms = ? AND blocked_until_ms = ?
                """, [.integer(next.usedMilli), .integer(next.markMs), .integer(next.blockedUntilMs), .integer(nowMs),
                      .text(scopeName), .integer(state.usedMilli), .integer(state.markMs), .integer(state.blockedUntilMs)]) == 1
            if swapped { return answer }
        }
        return nil
    }

    /// The statements of one update under the row's lock, inside the caller's write transaction (`Database.lockingWrite`
    /// is enough: the scope's row is locked before it is read): the fallback of `swap`. When it creates a scope's
    /// row it also prunes rows idle for longer than `retentionMs`.
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
