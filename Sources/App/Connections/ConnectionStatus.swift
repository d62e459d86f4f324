/// A connection's stored status (`exchange_connections.status`); the raw values are the stored ones.
///
/// `active` and `error` are the sync engine's: the last sync succeeded or failed. `disabled` is the person's
/// (paused with `PATCH`), and no sync result overrides it.
public enum ConnectionStatus: String, Sendable, Codable, CaseIterable {
    /// The last sync succeeded, or none failed yet.
    case active
    /// Paused by its owner: the timer skips it and a manual sync is refused until it is resumed.
    case disabled
    /// The last sync failed; the connection's `last_error_code` says why.
    case error
}
