import Foundation

/// Timestamps as stored: ISO 8601 UTC with milliseconds (`2026-01-02T03:04:05.678Z`), which sort as text.
public enum Timestamp {
    /// The current time, formatted.
    public static func now() -> String { format(Date()) }

    /// `date` formatted as stored.
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
            .replacingOccurrences(of: "+0000", with: "Z")
    }

    /// Parses a stored timestamp.
    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
