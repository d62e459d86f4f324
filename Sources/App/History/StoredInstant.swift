import Foundation
import Store

/// A fast reader of the timestamps Holdfast writes (`Timestamp.format`: `2026-01-02T03:04:05.678Z`, exactly 24
/// characters). History reads turn thousands of stored instants into dates per request (a year at `1h` is
/// about 3,000 points); Foundation's ISO 8601 parser costs microseconds each, this costs nanoseconds.
/// Anything else falls back to `Timestamp.parse`.
enum StoredInstant {
    /// The instant `text` names, nil when it is not a timestamp.
    static func date(_ text: String) -> Date? {
        guard let millis = unixMilliseconds(text) else { return Timestamp.parse(text) }
        return Date(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }

    /// Milliseconds since 1970 of a 24-character `YYYY-MM-DDTHH:MM:SS.mmmZ`, nil for any other text.
    static func unixMilliseconds(_ text: String) -> Int64? {
        let utf8 = text.utf8
        return utf8.withContiguousStorageIfAvailable { bytes -> Int64? in
            guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
                  bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z") else { return nil }
            func number(_ from: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for index in from..<(from + count) {
                    let digit = Int64(bytes[index]) - 48
                    guard (0...9).contains(digit) else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
        } ?? nil
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
