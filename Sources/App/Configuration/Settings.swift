/// Typed reads of one environment map: each returns the default when the setting is unset or blank, and
/// throws `ConfigurationError` naming the setting when its value is unusable.
struct Settings {
    let environment: [String: String]

    init(_ environment: [String: String]) { self.environment = environment }

    /// The value, nil when unset or only blanks.
    func text(_ name: String) -> String? {
        guard let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }

    /// A whole number within `range`.
    func number(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = text(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(setting: name, problem: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `1` (on) or `0` (off).
    func flag(_ name: String, default fallback: Bool) throws -> Bool {
        switch text(name) {
        case nil: return fallback
        case "1": return true
        case "0": return false
        default: throw ConfigurationError(setting: name, problem: "must be 1 (on) or 0 (off)")
        }
    }

    /// File permission bits in octal, e.g. `0660`.
    func octalMode(_ name: String, default fallback: UInt16) throws -> UInt16 {
        guard let text = text(name) else { return fallback }
        guard let value = UInt16(text, radix: 8), value <= 0o777 else {
            throw ConfigurationError(setting: name, problem: "must be octal permission bits such as 0660")
        }
        return value
    }
}
