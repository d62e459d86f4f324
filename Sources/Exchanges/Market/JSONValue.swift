import Foundation

/// Any JSON value, read without a schema: a ticker answer's rows are decoded into this first, so one row of the
/// wrong shape (a number where a string belongs, `null`, an array) is skipped by its reader instead of failing
/// the whole answer, and the row can be written back as the quote's `raw` text.
///
/// Numbers keep their text (through `Decimal`, never `Double`, as `AmountText` does), so a price sent as a JSON
/// number is read exactly. A body with a number token too long to read exactly never gets here: the caller
/// decodes through `ResponseSupport.decode`, which refuses it first.
enum JSONValue: Decodable, Sendable, Equatable {
    case string(String)
    /// A JSON number, as the decimal text `Decimal` prints for it.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Most likely first (strings are most fields, objects most rows): each failed attempt throws, and a
        // 10^5-row answer pays for every one.
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let members = try? container.decode([String: JSONValue].self) {
            self = .object(members)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else {
            let number = try container.decode(Decimal.self)
            guard number.isFinite else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "number out of range")
            }
            self = .number(number.description)
        }
    }

    /// The member `key` of an object; nil for any other value or a missing member.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The text of a string value; nil for anything else (a number is not an id).
    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The text of a string or number value (amounts and times arrive as either); nil for anything else.
    var scalarText: String? {
        switch self {
        case .string(let text), .number(let text): return text
        default: return nil
        }
    }

    /// Compact JSON text, object members in key order (so the same row always gives the same text).
    var compactText: String {
        switch self {
        case .string(let text): return JSONText.quoted(text)
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.compactText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.keys.sorted().map { JSONText.quoted($0) + ":" + members[$0]!.compactText }
                .joined(separator: ",") + "}"
        }
    }
}
