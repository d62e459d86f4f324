import Store

/// The assets held anywhere: what the timer asks the exchanges' market data about (issue 13).
extension HoldingStore {
    /// The distinct canonical asset ids of every holding, of every user, sorted.
    static func assetsHeld(in db: Connection) throws -> [String] {
        try db.query("""
            SELECT DISTINCT t.symbol FROM holdings h JOIN tokens t ON t.id = h.token_id ORDER BY t.symbol
            """).compactMap { $0.string("symbol") }
    }
}
