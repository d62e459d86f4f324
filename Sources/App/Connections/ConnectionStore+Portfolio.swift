import Store

/// What the portfolio needs to know about the connections (issue 13): which exchanges anyone
/// has connected (only their public market data is read), and what identifies a user's connections as shown.
extension ConnectionStore {
    /// The distinct exchange ids of every connection, of every user, sorted.
    static func exchangesInUse(in db: Connection) throws -> [String] {
        try db.query("SELECT DISTINCT exchange FROM exchange_connections ORDER BY exchange").compactMap { $0.string("exchange") }
    }
}

extension ConnectionStore {
    /// What changes whenever anything shown about a user's connections or holdings changes: each connection's
    /// id, `updated_at` (moved by every sync, failure, settings change), status and label, in id order. One
    /// lookup on the user index, no joins: `GET /portfolio` compares it with its cached body's.
    static func versions(ofUser userID: String, in db: Connection) throws -> String {
        try db.query("""
            SELECT id, updated_at, status, label FROM exchange_connections WHERE user_id = ? ORDER BY id
            """, [.text(userID)]).map { row in
            [row.string("id"), row.string("updated_at"), row.string("status"), row.string("label")]
                .map { $0 ?? "" }.joined(separator: "|")
        }.joined(separator: "\n")
    }
}
