import Foundation

/// Instants as the API and the CLI accept them: ISO 8601 in UTC or with an offset, with or without fractional
/// seconds (`2026-12-31T23:59:59Z`, `2026-12-31T23:59:59.999+01:00`), or a bare date meaning its UTC midnight
/// (`2026-12-31`). Anything else is nil: the caller answers 422 naming the field.
enum InstantText {
    static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 40 else { return nil }
        if trimmed.count == 10, let date = try? Date(trimmed + "T00:00:00Z", strategy: .iso8601) { return date }
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
