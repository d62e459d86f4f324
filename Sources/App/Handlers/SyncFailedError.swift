import Exchanges
import Web

/// A sync now that reached the exchange and failed: the exchange's error (its catalogue code and status,
/// `Retry-After` when known) with the connection as it now stands beside it, so a client shows the new error
/// state and next attempt without asking again (the `SyncFailure` schema of openapi.yaml).
struct SyncFailedError: HTTPResponseError {
    let failure: ExchangeError
    let connection: ConnectionView

    var status: Int { failure.httpError.status }
    var code: String { failure.httpError.code }
    var message: String { failure.httpError.message }
    var headers: [String: String] { failure.httpError.headers }
    var bodyMembers: (any Encodable & Sendable)? { Members(connection: connection) }

    private struct Members: Encodable, Sendable {
        let connection: ConnectionView
    }
}
