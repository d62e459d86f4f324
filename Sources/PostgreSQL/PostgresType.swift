import CPostgreSQL
import Store

/// How the Store's values travel to and from PostgreSQL: parameters in text format (bytes in binary), results
/// in text format mapped by column type OID. Pure functions, so the mapping is tested without a server.
enum PostgresType {
    // Type OIDs from the catalogue (pg_type.dat); fixed since PostgreSQL 7 and the same on every server.
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let oid: Oid = 26
    static let float4: Oid = 700
    static let float8: Oid = 701

    /// One parameter ready for `PQexecParams`: its type (0 lets the server infer it from the statement), its
    /// bytes, and whether they are binary.
    struct Parameter {
        let type: Oid
        let bytes: [UInt8]?
        let binary: Bool
    }

    /// The parameter for `value`.
    ///
    /// Integers are sent as int8 and reals as float8, so `SELECT ?` answers in kind and `? IS NULL` has a type;
    /// text and NULL are left untyped (OID 0) because SQLite-style SQL binds text to columns of every type (an
    /// id, a timestamp) and the server then reads it as the column's type. Bytes go in binary as bytea, which
    /// is their raw octets.
    static func parameter(_ value: SQLValue) -> Parameter {
        switch value {
        case .null: Parameter(type: 0, bytes: nil, binary: false)
        case .integer(let int): Parameter(type: int8, bytes: Array(String(int).utf8), binary: false)
        case .real(let double): Parameter(type: float8, bytes: Array(text(of: double).utf8), binary: false)
        case .text(let string): Parameter(type: 0, bytes: Array(string.utf8), binary: false)
        case .blob(let bytes): Parameter(type: bytea, bytes: bytes, binary: true)
        }
    }

    /// The value of one non-NULL result column given as text: int2/4/8 and oid → `.integer`, bool → `.integer`
    /// 0/1 (as SQLite stores booleans), bytea → `.blob`, float4/8 → `.real`, everything else (text, varchar,
    /// numeric — exact decimal stays text —, timestamps, JSON) → `.text`.
    static func value(text bytes: UnsafeRawBufferPointer, type: Oid) -> SQLValue {
        let string = { String(decoding: bytes, as: UTF8.self) }
        switch type {
        case int2, int4, int8, oid:
            return Int64(string()).map { .integer($0) } ?? .text(string())
        case bool:
            return .integer(bytes.first == UInt8(ascii: "t") ? 1 : 0)
        case float4, float8:
            return double(from: string()).map { .real($0) } ?? .text(string())
        case bytea:
            return .blob(decodeBytea(Array(bytes)))
        default:
            return .text(string())
        }
    }

    /// A double as PostgreSQL reads it back exactly: Swift's shortest round-trip digits, and PostgreSQL's own
    /// spellings of the special values.
    static func text(of double: Double) -> String {
        if double.isNaN { return "NaN" }
        if double.isInfinite { return double < 0 ? "-Infinity" : "Infinity" }
        return String(double)
    }

    private static func double(from text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }

    /// Decodes bytea text output: the hex format (`\x0a1b`, the default since 9.0) or the older escape format
    /// (`\\` for a backslash, `\ooo` octal for other bytes), whichever the server's `bytea_output` chose.
    static func decodeBytea(_ text: [UInt8]) -> [UInt8] {
        let backslash = UInt8(ascii: "\\")
        if text.count >= 2 && text[0] == backslash && text[1] == UInt8(ascii: "x") {
            var bytes: [UInt8] = []
            bytes.reserveCapacity((text.count - 2) / 2)
            var i = 2
            while i + 1 < text.count {
                if let high = hexDigit(text[i]), let low = hexDigit(text[i + 1]) { bytes.append(high << 4 | low) }
                i += 2
            }
            return bytes
        }
        var bytes: [UInt8] = []
        var i = 0
        while i < text.count {
            if text[i] == backslash, i + 1 < text.count, text[i + 1] == backslash {
                bytes.append(backslash)
                i += 2
            } else if text[i] == backslash, i + 3 < text.count {
                let octal = text[(i + 1)...(i + 3)].reduce(0) { $0 << 3 | ($1 &- UInt8(ascii: "0")) }
                bytes.append(octal)
                i += 4
            } else {
                bytes.append(text[i])
                i += 1
            }
        }
        return bytes
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
