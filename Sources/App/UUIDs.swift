import Foundation

/// Lowercase UUID strings, the id format of every table.
enum UUIDs {
    static func make() -> String { UUID().uuidString.lowercased() }

    /// Whether `text` is a UUID in any case (ids in paths are checked before any query).
    static func isValid(_ text: String) -> Bool { UUID(uuidString: text) != nil }
}
