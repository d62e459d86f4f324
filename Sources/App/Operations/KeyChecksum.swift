import Primitives
import Store

/// An order-independent checksum of a table's primary keys, computed the same way over the rows read from the
/// source and over the rows the target holds after the copy, so the two can be compared without sorting either
/// side (SQLite and PostgreSQL order text differently) and with one row in memory at a time.
///
/// Each key is encoded without ambiguity (a type tag and a length before every value), hashed with SHA-256, and
/// the first 8 bytes of the hash are added up modulo 2^64: a sum, so the order rows arrive in does not matter,
/// while a missing, extra, duplicated or changed key changes it (but for a 2^-64 chance). It guards against a
/// faulty copy, not an adversary.
struct KeyChecksum: Equatable, CustomStringConvertible {
    /// How many keys were added.
    private(set) var count = 0
    /// The wrapping sum of the keys' hash prefixes.
    private(set) var sum: UInt64 = 0

    /// Adds one row's key: its primary-key values in key-column order.
    mutating func add(_ key: [SQLValue]) {
        var bytes: [UInt8] = []
        for value in key { Self.encode(value, into: &bytes) }
        let digest = Digest.sha256(bytes)
        let prefix = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        sum &+= prefix
        count += 1
    }

    var description: String { "\(count) keys, checksum \(String(sum, radix: 16))" }

    /// Appends a type tag, the value's byte length (4 bytes, big-endian) and its bytes. Integers as decimal
    /// text, so an `.integer` from SQLite and one from PostgreSQL's BIGINT encode alike.
    private static func encode(_ value: SQLValue, into bytes: inout [UInt8]) {
        let tag: UInt8
        let body: [UInt8]
        switch value {
        case .null: (tag, body) = (0x6E, [])
        case .integer(let int): (tag, body) = (0x69, Array(String(int).utf8))
        case .real(let double): (tag, body) = (0x72, Array(String(double).utf8))
        case .text(let text): (tag, body) = (0x74, Array(text.utf8))
        case .blob(let blob): (tag, body) = (0x62, blob)
        }
        bytes.append(tag)
        let length = UInt32(truncatingIfNeeded: body.count)
        bytes.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) })
        bytes.append(contentsOf: body)
    }
}
