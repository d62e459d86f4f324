import Synchronization

/// A bounded memo from a stored JSON text to what it parses to, shared by every request of the process.
///
/// The connection list parses each connection's stored permissions on every request (`ConnectionView`), and
/// those texts are few and rarely change: a lookup by text costs a hash, the parse costs a JSON decoder (7 % of
/// the list's time, BENCHMARKS.md §1). At `limit` entries the memo starts afresh rather than tracking use: a
/// text no longer stored is simply never asked for again.
final class ParsedTextCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    private let limit: Int

    init(limit: Int = 1_024) {
        self.limit = limit
    }

    /// The value `text` parses to: remembered, or `parse(text)` (remembered when not nil).
    func value(for text: String, parse: (String) -> Value?) -> Value? {
        if let known = entries.withLock({ $0[text] }) { return known }
        guard let parsed = parse(text) else { return nil }
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[text] = parsed
        }
        return parsed
    }
}
