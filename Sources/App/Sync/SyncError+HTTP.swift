import Web

extension SyncEngine.SyncError: HTTPResponseError {
    /// `notFound` is 404 like any missing connection; `paused` is 409 `connection_paused`; the other two are 409
    /// `sync_in_progress`: a sync asked only if due that is no longer due was synced by someone else a moment
    /// ago, which to a person is the same.
    public var status: Int { errorCode.status ?? 500 }
    public var code: String { errorCode.rawValue }

    public var message: String {
        switch self {
        case .notFound: "The connection was not found; it may have been removed."
        case .inProgress, .notDue: "A sync of this connection is already running."
        case .paused: "This connection is paused; resume it before syncing."
        }
    }

    private var errorCode: ErrorCode {
        switch self {
        case .notFound: .notFound
        case .inProgress, .notDue: .syncInProgress
        case .paused: .connectionPaused
        }
    }
}
