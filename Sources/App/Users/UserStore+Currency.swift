import Store

/// Each user's valuation currency (`users.currency`, issue 13): the currency `GET /portfolio`, the history and
/// the statements value holdings in.
extension UserStore {
    /// The valuation currency of user `id` as stored (an upper-case code, `USD` unless changed), or nil when no
    /// such user exists.
    static func currency(ofUser id: String, in db: Connection) throws -> String? {
        try db.queryOne("SELECT currency FROM users WHERE id = ?", [.text(id)])?.string("currency")
    }

    /// Every user's id and valuation currency: what the timer values and records a point for.
    static func currencies(in db: Connection) throws -> [(userID: String, currency: String)] {
        try db.query("SELECT id, currency FROM users ORDER BY id").compactMap { row in
            guard let id = row.string("id") else { return nil }
            return (id, row.string("currency") ?? "USD")
        }
    }

    /// Sets the valuation currency of user `id` (the caller checked it is a `ValuationCurrency`); returns whether
    /// a row changed (false: no such user).
    @discardableResult
    static func setCurrency(_ currency: String, ofUser id: String, at now: String, in db: Connection) throws -> Bool {
        try db.run("UPDATE users SET currency = ?, updated_at = ? WHERE id = ?", [.text(currency), .text(now), .text(id)]) > 0
    }
}
