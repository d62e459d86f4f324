import Foundation

/// Instants as the API and the CLI accept them: ISO 8601 in UTC or with an offset, with or without seconds and
/// fractional seconds (`2026-12-31T23:59:59Z`, `2026-12-31T23:59:59.999+01:00`), or a bare date meaning its UTC
/// midnight (`2026-12-31`). Strict: a field out of range (`25:00`, February 30th) is refused, never rolled over.
/// Anything else is nil: the caller answers 422 naming the field.
enum InstantText {
    /// The accepted forms (a `Regex` is not `Sendable`, so each parse makes its own).
    private static let pattern =
        #"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$"#

    static func parse(_ text: String) -> Date? {
        guard text.count <= 40, let form = try? Regex(pattern), let match = try? form.wholeMatch(in: text) else { return nil }
        func number(_ index: Int) -> Int? { match.output[index].substring.flatMap { Int($0) } }
        guard let year = number(1), let month = number(2), let day = number(3) else { return nil }
        let hour = number(4) ?? 0, minute = number(5) ?? 0, second = number(6) ?? 0
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              (0...59).contains(second) else { return nil }
        var offset = 0
        if let zone = match.output[8].substring, zone != "Z" {
            let digits = zone.dropFirst().filter(\.isNumber)
            guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
                  hours <= 18, minutes <= 59 else { return nil }
            offset = (hours * 3_600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(secondsFromGMT: 0) else { return nil }
        calendar.timeZone = utc
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        // February 30th would roll over into March: refuse a date the calendar does not have.
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        var fraction = 0.0
        if let digits = match.output[7].substring { fraction = Double("0." + digits) ?? 0 }
        return date.addingTimeInterval(fraction - Double(offset))
    }
}
