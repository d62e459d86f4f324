import Store
import Web

/// `GET /health`: whether the database answers and is fully migrated. No auth; nginx does not rate-limit it.
enum HealthHandler {
    struct Body: Encodable {
        let status: String
        let database: String
        let migrations: String
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
        let healthy = database == "ok" && migrations == "current"
        return .json(Body(status: healthy ? "ok" : "unavailable", database: database, migrations: migrations),
                     status: healthy ? 200 : 503)
    }
}
