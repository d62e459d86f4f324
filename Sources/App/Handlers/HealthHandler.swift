import Foundation
import Store
import Web

/// `GET /health`: whether the database answers, is fully migrated and takes writes, and how much disk is left.
/// No auth; nginx does not rate-limit it.
///
/// 200 when all is well (a low disk is reported but still 200: writes work, the operator is warned); 503 with
/// `Retry-After` when the database cannot be read, is not migrated, or its last write failed because of the
/// storage (full disk, I/O error, read-only file), so a monitor sees a full disk before users do.
enum HealthHandler {
    struct Body: Encodable {
        let status: String
        let database: String
        let migrations: String
        /// `ok`, or `failing` when the last write failed because of the storage.
        let writes: String
        /// Why writes fail (`disk_full`, `io_error`, `read_only`) and since when; absent while they work.
        let writesFailure: WritesFailure?
        /// The database's filesystem; absent when statvfs fails.
        let disk: Disk?

        enum CodingKeys: String, CodingKey {
            case status, database, migrations, writes, disk
            case writesFailure = "writes_failure"
        }
    }

    struct WritesFailure: Encodable {
        let reason: String
        let since: String
    }

    struct Disk: Encodable {
        /// `ok`, or `low` when little space is left (`DiskSpace.isLow`).
        let status: String
        let availableBytes: Int64
        let totalBytes: Int64

        enum CodingKeys: String, CodingKey {
            case status
            case availableBytes = "available_bytes"
            case totalBytes = "total_bytes"
        }
    }

    static func health(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application) throws -> Response {
        var database = "ok"
        var migrations = "current"
        do {
            _ = try app.database.read { try $0.queryOne("SELECT 1 AS one") }
            switch try app.migrationStatus() {
            case .current: break
            case .pending(let names): migrations = "pending: " + names.joined(separator: ", ")
            }
        } catch {
            app.logger.error("health check failed", metadata: ["error": "\(error)"])
            database = "unavailable"
            migrations = "unknown"
        }
        app.database.probeWritesIfFailing()
        let failure = app.database.writeHealth.currentFailure
        // The disk a PostgreSQL server writes to is the server's to watch, not ours.
        let space = app.database.isSQLite ? DiskSpace.of(app.database.path) : nil
        let healthy = database == "ok" && migrations == "current" && failure == nil
        let body = Body(
            status: healthy ? "ok" : "unavailable", database: database, migrations: migrations,
            writes: failure == nil ? "ok" : "failing",
            writesFailure: failure.map { WritesFailure(reason: $0.reason, since: Timestamp.format($0.since)) },
            disk: space.map { Disk(status: $0.isLow ? "low" : "ok", availableBytes: $0.availableBytes, totalBytes: $0.totalBytes) })
        // The 503's Retry-After is added where every response passes (`Application.serve`).
        return .json(body, status: healthy ? 200 : 503)
    }
}
