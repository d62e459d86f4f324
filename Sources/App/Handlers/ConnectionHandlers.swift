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
        let records = try app.database.read { try ConnectionStore.all(userID: session.userID, in: $0) }
        return .json(["connections": records.map(ConnectionView.init)])
    }

    /// The caller's connection named in the path, or 404.
    static func owned(_ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> ConnectionRecord {
        try app.database.read { try owned(parameters, session, in: $0) }
    }

    /// The caller's connection named in the path, read in the caller's transaction, or 404.
    static func owned(_ parameters: Parameters, _ session: AuthenticatedSession, in db: Connection) throws -> ConnectionRecord {
        guard let id = parameters["id"], let record = try ConnectionStore.find(id, userID: session.userID, in: db) else {
            throw APIError.notFound
        }
        return record
    }

    static func delete(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        // Cascades remove its portfolio, holdings, lease and history in the same transaction.
        try app.database.write { db in
            let record = try owned(parameters, session, in: db)
            try ConnectionStore.delete(record.id, userID: session.userID, in: db)
        }
        return .noContent
    }

    /// `PATCH`: label, autoSync, syncInterval (60 s to one day), status active/disabled, and a new key
    /// (`apiKey`, `apiSecret`, `passphrase`, `region`: `replaceKey`, in `ConnectionHandlers+Rekey`).
    ///
    /// The row is read and written in one write transaction (`ConnectionStore.change`): a sync that commits
    /// its error and backoff while the request is parsed is not overwritten by a stale copy.
    static func update(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        // Someone else's or a missing connection is a 404 before the body is judged, as for every other route;
        // this read only decides that (and the exchange a new key is for), the write below reads the row again.
        let record = try owned(parameters, app, session)
        let id = record.id
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: credentialFields.union(["label", "autoSync", "syncInterval", "status"]))
        let label = body.string("label", required: false, maxLength: 100)
        let autoSync = body.bool("autoSync")
        let interval = body.int("syncInterval", in: 60...86_400)
        let status = body.string("status", required: false, maxLength: 20)
        let newStatus = status.flatMap(ConnectionStatus.init(rawValue:))
        if status != nil, newStatus != .active && newStatus != .disabled {
            body.note("status", "must be \(ConnectionStatus.active.rawValue) or \(ConnectionStatus.disabled.rawValue)")
        }
        let newKey = readNewCredentials(&body, for: record)
        try body.validate()

        let change = ConnectionStore.SettingsChange(label: body.has("label") ? .some(label) : nil, autoSync: autoSync,
                                                    syncInterval: interval, status: newStatus)
        if let (exchange, credentials) = newKey {
            return try replaceKey(of: record, exchange: exchange, credentials: credentials, change: change, app: app, session: session)
        }
        let updated = try app.database.write { db in
            guard let updated = try ConnectionStore.change(id, userID: session.userID, change, in: db) else { throw APIError.notFound }
            return updated
        }
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

    static func syncs(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let entries = try app.database.read { db in
            try SyncRunStore.recent(connectionID: try owned(parameters, session, in: db).id, in: db)
        }
        return .json(["syncs": entries])
    }

    /// `POST /connections/:id/sync`: sync now.
    static func sync(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        // Paused is decided by the engine's claim, in the transaction that takes the lease (409 connection_paused).
        let record = try owned(parameters, app, session)
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
        let ids = try app.database.read { try ConnectionStore.all(userID: session.userID, in: $0) }
            .filter { $0.status != .disabled }.map(\.id)
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
