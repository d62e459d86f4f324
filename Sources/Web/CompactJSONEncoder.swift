import Foundation

/// Encodes an `Encodable` response body to the exact bytes `JSON.encoder` (Foundation's `JSONEncoder` with
/// `.sortedKeys` and `.withoutEscapingSlashes`) writes, several times faster, for the value types response
/// bodies are made of: strings, booleans, integers, optionals (a nil `encodeIfPresent` is left out, as
/// Foundation does), arrays, string-keyed dictionaries and nested `Encodable` structs.
///
/// Why our own: the connection list and the portfolio spent a quarter of their time in `JSONEncoder`, whose
/// keyed containers hash every key into dictionaries before sorting them (BENCHMARKS.md §1). Here each value
/// is written to bytes as it is encoded, and an object's members are sorted once, by the UTF-8 bytes of their
/// keys as Foundation sorts them. Anything else (floating point, `Date`, `Data`, `URL`, `Decimal`, a value
/// that encodes nothing) throws `Unsupported`, and `Response.json` falls back to `JSONEncoder`, so a body is
/// never encoded differently from Foundation's. `CompactJSONEncoderTests` compares the two byte for byte.
public enum CompactJSONEncoder {
    /// A value this encoder does not write itself; the caller uses `JSONEncoder` instead.
    public struct Unsupported: Error {}

    /// The JSON bytes of `value`. Throws `Unsupported` (or the value's own encoding error).
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try bytes(of: value)
    }

    /// The bytes of `value` as a whole body, a member or an element: encoded by a fresh `ValueEncoder`.
    fileprivate static func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
        let encoder = ValueEncoder()
        try encode(value, with: encoder)
        return try encoder.finished()
    }

    /// Routes the types Foundation's encoder special-cases away from the generic path.
    fileprivate static func encode<T: Encodable>(_ value: T, with encoder: ValueEncoder) throws {
        switch value {
        case is Date, is Data, is URL, is Decimal, is Double, is Float: throw Unsupported()
        default: try value.encode(to: encoder)
        }
    }
}

/// One value being encoded: it ends up as the bytes of exactly one JSON value.
private final class ValueEncoder: Encoder {
    /// What was encoded: nothing yet, one scalar's bytes, an object's members or an array's elements.
    enum Content {
        case none
        case scalar([UInt8])
        case object([(key: String, value: Slot)])
        case array([Slot])
    }

    /// A member or element: bytes already written, or a nested encoder still being filled (nested containers
    /// and super encoders hand out an encoder before its value exists).
    enum Slot {
        case bytes([UInt8])
        case encoder(ValueEncoder)

        func finished() throws -> [UInt8] {
            switch self {
            case .bytes(let bytes): return bytes
            case .encoder(let encoder): return try encoder.finished()
            }
        }
    }

    var content = Content.none
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .none = content { content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .none = content { content = .array([]) }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }

    func addMember(_ key: String, _ slot: Slot) {
        guard case .object(var members) = content else { content = .object([(key, slot)]); return }
        content = .none  // keeps `members` uniquely referenced while it grows
        members.append((key, slot))
        content = .object(members)
    }

    func addElement(_ slot: Slot) {
        guard case .array(var elements) = content else { content = .array([slot]); return }
        content = .none
        elements.append(slot)
        content = .array(elements)
    }

    /// The value's bytes. An object's members are sorted by the UTF-8 bytes of their keys, as Foundation sorts
    /// them, and a repeated key keeps its last value, as Foundation's dictionary does.
    func finished() throws -> [UInt8] {
        switch content {
        case .none:
            throw CompactJSONEncoder.Unsupported()
        case .scalar(let bytes):
            return bytes
        case .array(let elements):
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += try element.finished()
            }
            out.append(UInt8(ascii: "]"))
            return out
        case .object(let members):
            var byKey: [(key: String, value: Slot)] = []
            byKey.reserveCapacity(members.count)
            for member in members.enumerated().sorted(by: { a, b in
                a.element.key == b.element.key ? a.offset < b.offset
                    : a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
            }).map(\.element) {
                if let last = byKey.last, last.key == member.key { byKey[byKey.count - 1] = member } else { byKey.append(member) }
            }
            var out: [UInt8] = [UInt8(ascii: "{")]
            for (index, member) in byKey.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.appendString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                out += try member.value.finished()
            }
            out.append(UInt8(ascii: "}"))
            return out
        }
    }
}

/// JSON text of scalars, escaped as Foundation's `JSONWriter` escapes them (with `.withoutEscapingSlashes`).
enum JSONBytes {
    static let null = Array("null".utf8)

    static func bool(_ value: Bool) -> [UInt8] { Array((value ? "true" : "false").utf8) }

    static func integer<T: BinaryInteger>(_ value: T) -> [UInt8] { Array(String(value).utf8) }

    static func string(_ value: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count + 2)
        appendString(value, to: &out)
        return out
    }

    /// Appends `value` quoted: `"` and `\` escaped, control characters as `\b \f \n \r \t` or `\u00XX`, every
    /// other byte (slashes and non-ASCII UTF-8 included) as is.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most texts need no escape: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }

    private func add(_ key: Key, _ bytes: [UInt8]) { encoder.addMember(key.stringValue, .bytes(bytes)) }

    mutating func encodeNil(forKey key: Key) throws { add(key, JSONBytes.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, JSONBytes.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(key, JSONBytes.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(key, JSONBytes.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(key, try CompactJSONEncoder.bytes(of: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueEncoder()
        encoder.addMember(key.stringValue, .encoder(nested))
        return nested.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ValueEncoder()
        encoder.addMember(key.stringValue, .encoder(nested))
        return nested.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let nested = ValueEncoder()
        encoder.addMember(name, .encoder(nested))
        return nested
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }
    var count: Int {
        if case .array(let elements) = encoder.content { return elements.count }
        return 0
    }

    private func add(_ bytes: [UInt8]) { encoder.addElement(.bytes(bytes)) }

    mutating func encodeNil() throws { add(JSONBytes.null) }
    mutating func encode(_ value: Bool) throws { add(JSONBytes.bool(value)) }
    mutating func encode(_ value: String) throws { add(JSONBytes.string(value)) }
    mutating func encode(_ value: Double) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int8) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int16) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int32) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int64) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt8) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt16) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt32) throws { add(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt64) throws { add(JSONBytes.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try CompactJSONEncoder.bytes(of: value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = ValueEncoder()
        encoder.addElement(.encoder(nested))
        return nested.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = ValueEncoder()
        encoder.addElement(.encoder(nested))
        return nested.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let nested = ValueEncoder()
        encoder.addElement(.encoder(nested))
        return nested
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: ValueEncoder
    var codingPath: [any CodingKey] { [] }

    private func set(_ bytes: [UInt8]) { encoder.content = .scalar(bytes) }

    mutating func encodeNil() throws { set(JSONBytes.null) }
    mutating func encode(_ value: Bool) throws { set(JSONBytes.bool(value)) }
    mutating func encode(_ value: String) throws { set(JSONBytes.string(value)) }
    mutating func encode(_ value: Double) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Float) throws { throw CompactJSONEncoder.Unsupported() }
    mutating func encode(_ value: Int) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int8) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int16) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int32) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: Int64) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt8) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt16) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt32) throws { set(JSONBytes.integer(value)) }
    mutating func encode(_ value: UInt64) throws { set(JSONBytes.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        // A value encoded through a single-value container is that value's own encoding (a wrapper type).
        encoder.content = .scalar(try CompactJSONEncoder.bytes(of: value))
    }
}
