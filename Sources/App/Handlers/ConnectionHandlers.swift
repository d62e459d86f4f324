import Exchanges
import Foundation
import Store
import Web

/// The user's stored connections: list, change, remove, sync, and read their holdings and history.
///
/// Every lookup is scoped to the signed-in user, so another user's connection is a 404 exactly like a
/// missing one, and a malformed id never reaches SQL.
enum ConnectionHandlers {
    typealias Parameters = Router<Application>.Parameters

    static func list(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let records = try app.database.read { try ConnectionRecord.all(userID: session.userID, in: $0) }
        return .json(["connections": records.map(ConnectionView.init)])
    }

    /// The caller's connection named in the path, or 404.
    static func owned(_ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> ConnectionRecord {
        guard let id = parameters["id"],
              let record = try app.database.read({ try ConnectionRecord.find(id, userID: session.userID, in: $0) }) else {
            throw APIError.notFound
        }
        return record
    }

    static func delete(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let record = try owned(parameters, app, session)
        // Cascades remove its portfolio, holdings, lease and history in the same statement's transaction.
        try app.database.write { db in
            try db.run("DELETE FROM exchange_connections WHERE id = ? AND user_id = ?", [.text(record.id), .text(session.userID)])
        }
        return .noContent
    }

    /// `PATCH`: label, autoSync, syncInterval (60 s to one day), status active/disabled.
    static func update(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let record = try owned(parameters, app, session)
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: ["label", "autoSync", "syncInterval", "status"])
        let label = body.string("label", required: false, maxLength: 100)
        let autoSync = body.bool("autoSync")
        let interval = body.int("syncInterval", in: 60...86_400)
        let status = body.string("status", required: false, maxLength: 20)
        if let status, !["active", "disabled"].contains(status) { body.note("status", "must be active or disabled") }
        try body.validate()

        let now = Date()
        let nowText = Timestamp.format(now)
        try app.database.write { db in
            var newStatus = record.status
            var nextAttempt = record.nextAttemptAt
            if status == "disabled" { newStatus = "disabled" }
            if status == "active" && record.status == "disabled" {
                newStatus = "active"
                nextAttempt = nowText  // resuming makes it due at once
            }
            let newInterval = interval ?? record.syncInterval
            if interval != nil, newStatus != "disabled" {
                let base = record.lastAttemptAt.flatMap(Timestamp.parse) ?? now
                nextAttempt = Timestamp.format(max(now, base.addingTimeInterval(TimeInterval(newInterval))))
            }
            let newLabel: SQLValue = body.has("label")
                ? .optionalText(label.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 })
                : .optionalText(record.label)
            // Any change by the user counts as attention: automatic retries resume.
            try db.run("""
                UPDATE exchange_connections SET label = ?, auto_sync = ?, sync_interval = ?, status = ?, next_attempt_at = ?,
                    needs_attention = 0, consecutive_failures = CASE WHEN ? THEN 0 ELSE consecutive_failures END, updated_at = ?
                WHERE id = ? AND user_id = ?
                """, [newLabel, .bool(autoSync ?? record.autoSync), .int(newInterval), .text(newStatus), .optionalText(nextAttempt),
                      .bool(record.needsAttention), .text(nowText), .text(record.id), .text(session.userID)])
        }
        let updated = try owned(parameters, app, session)
        return .json(["connection": ConnectionView(updated)])
    }

    struct HoldingView: Encodable {
        let asset: String
        let amount: String
        let free: String?
        let locked: String?
        let updatedAt: String
        let wallets: [WalletView]
    }

    static func holdings(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let record = try owned(parameters, app, session)
        let stored = try app.database.read { db in try HoldingStore.holdings(ofConnection: record.id, in: db) }
        let holdings = stored.map {
            HoldingView(asset: $0.asset, amount: $0.amount, free: $0.free, locked: $0.locked, updatedAt: $0.updatedAt,
                        wallets: $0.wallets.map(WalletView.init))
        }
        return .json(["holdings": holdings])
    }

    struct SyncRunView: Encodable {
        let startedAt: String
        let finishedAt: String
        let trigger: String
        let outcome: String
        let errorCode: String?
        let assetCount: Int?
        let durationMs: Int
    }

    static func syncs(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let record = try owned(parameters, app, session)
        let rows = try app.database.read { db in
            try db.query("SELECT * FROM sync_runs WHERE connection_id = ? ORDER BY id DESC LIMIT 50", [.text(record.id)])
        }
        let runs = rows.map {
            SyncRunView(startedAt: $0.string("started_at") ?? "", finishedAt: $0.string("finished_at") ?? "",
                        trigger: $0.string("trigger") ?? "", outcome: $0.string("outcome") ?? "",
                        errorCode: $0.string("error_code"), assetCount: $0.int("asset_count"), durationMs: $0.int("duration_ms") ?? 0)
        }
        return .json(["syncs": runs])
    }

    /// `POST /connections/:id/sync`: sync now.
    static func sync(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let record = try owned(parameters, app, session)
        if record.status == "disabled" {
            throw APIError.conflict("This connection is paused; resume it before syncing.", code: .connectionPaused)
        }
        let engine = app.engine
        let result: Result<SyncEngine.Outcome, SyncEngine.SyncError> = runBlocking {
            do throws(SyncEngine.SyncError) { return .success(try await engine.sync(record.id, trigger: .manual)) } catch { return .failure(error) }
        }
        let outcome = try result.get()
        let updated = try owned(parameters, app, session)
        if let error = outcome.error { throw SyncFailedError(failure: error, connection: ConnectionView(updated)) }
        return .json(ConnectionResult(connection: ConnectionView(updated), holdingsCount: outcome.holdingsCount))
    }

    struct SyncAllResult: Encodable {
        let connectionId: String
        let success: Bool
        let error: ErrorDetail?
    }

    /// `POST /sync-all`: every connection that is not paused, in parallel (bounded by the exchange gate),
    /// continuing past failures.
    static func syncAll(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let ids = try app.database.read { try ConnectionRecord.all(userID: session.userID, in: $0) }
            .filter { $0.status != "disabled" }.map(\.id)
        let engine = app.engine
        let results: [SyncAllResult] = runBlocking {
            await withTaskGroup(of: SyncAllResult.self) { group in
                for id in ids {
                    group.addTask {
                        do throws(SyncEngine.SyncError) {
                            let outcome = try await engine.sync(id, trigger: .manual)
                            return SyncAllResult(connectionId: id, success: outcome.success, error: outcome.error?.httpError.detail)
                        } catch {
                            // Each connection's failure is reported with the code it would have alone.
                            return SyncAllResult(connectionId: id, success: false, error: error.detail)
                        }
                    }
                }
                var results: [SyncAllResult] = []
                for await result in group { results.append(result) }
                return results.sorted { (ids.firstIndex(of: $0.connectionId) ?? 0) < (ids.firstIndex(of: $1.connectionId) ?? 0) }
            }
        }
        return .json(["results": results])
    }
}
