/// A `Database` refused work for a reason of its own, not the backend's (those are `SQLiteError`).
public enum DatabaseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `close()` was called: the database lends no more connections.
    case closed

    public var description: String {
        switch self {
        case .closed: "the database was closed; it lends no more connections"
        }
    }
}
