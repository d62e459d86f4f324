import Store

/// What the timer's market data step needs to know about the connections (issue 13): which exchanges anyone
/// has connected, so only their public market data is read.
extension ConnectionStore {
    /// The distinct exchange ids of every connection, of every user, sorted.
    static func exchangesInUse(in db: Connection) throws -> [String] {
        try db.query("SELECT DISTINCT exchange FROM exchange_connections ORDER BY exchange").compactMap { $0.string("exchange") }
    }
}
