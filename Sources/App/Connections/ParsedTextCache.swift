import Foundation

/// A bounded memo from a stored JSON text to what it parses to, shared by every request of the process.
///
/// The connection list parses each connection's stored permissions on every request (`ConnectionView`), and
/// those texts are few and rarely change: a lookup by text costs a hash, the parse costs a JSON decoder (7 % of
/// the list's time, BENCHMARKS.md §1). At `limit` entries the memo starts afresh rather than tracking use: a
/// text no longer stored is simply never asked for again.
///
/// `@unchecked Sendable`: `entries` is only touched under `lock`. An `NSLock` (a pthread mutex), as the JWT cache
/// uses: `Synchronization.Mutex` spent 13 % of the list's time spinning in its slow path with 16 requests at once.
final class ParsedTextCache<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: Value] = [:]
    private let limit: Int

    init(limit: Int = 1_024) {
        self.limit = limit
    }

    /// The value `text` parses to: remembered, or `parse(text)` (remembered when not nil).
    func value(for text: String, parse: (String) -> Value?) -> Value? {
        if let known = lock.withLock({ entries[text] }) { return known }
        guard let parsed = parse(text) else { return nil }
        lock.withLock {
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[text] = parsed
        }
        return parsed
    }
}
