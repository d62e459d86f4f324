import Exchanges
import Logging
import Store
import Web

extension Application {
    /// The response for anything a handler (or the router, or the transport's body refusal) threw: the one
    /// place where errors become responses.
    ///
    /// An `HTTPResponseError` answers as itself; an `ExchangeError` as its catalogue code and status; a busy or
    /// failing database (SQLite busy or storage errors; PostgreSQL lost or out of connections,
    /// `DatabaseError.unavailable`) as 503 `service_unavailable`. Anything else is a bug: it is logged with the request id
    /// (the caller's task-local context) and answered as a bare 500 `internal`, so no SQL, path or stack
    /// reaches a client.
    func response(for error: any Error) -> Response {
        Response(error: httpError(for: error))
    }

    /// `error` as the HTTP error it is answered with (see `response(for:)`); logs what is not one already.
    func httpError(for error: any Error) -> any HTTPResponseError {
        switch error {
        case let error as any HTTPResponseError:
            return error
        case let error as ExchangeError:
            return error.httpError
        case let error as SQLiteError where error.isBusy || error.isStorageUnavailable:
            logger.error("storage unavailable", metadata: ["error": "\(error.code)"])
            return APIError.unavailable("The database is temporarily unavailable; try again shortly.")
        case DatabaseError.unavailable(let reason):
            // A PostgreSQL connection lost or none free in time: nothing was committed, a retry may well succeed.
            // The reason has no password (the PostgreSQL module scrubs it) but may name the server: log only.
            logger.error("database unavailable", metadata: ["error": "\(reason)"])
            return APIError.unavailable("The database is temporarily unavailable; try again shortly.")
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(describing: error))"])
            return APIError.internalError
        }
    }
}
