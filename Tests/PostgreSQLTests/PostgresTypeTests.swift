import Store
import Testing
@testable import PostgreSQL

/// The value mapping without a server: bytea decoding in both output formats, doubles as text.
struct PostgresTypeTests {
    @Test func byteaHexAndEscapeFormats() {
        #expect(PostgresType.decodeBytea(Array(#"\x00ff7F"#.utf8)) == [0x00, 0xFF, 0x7F])
        #expect(PostgresType.decodeBytea(Array(#"\x"#.utf8)) == [])
        #expect(PostgresType.decodeBytea(Array(#"a\\b\000\377"#.utf8)) == [0x61, 0x5C, 0x62, 0x00, 0xFF])
    }

    @Test func doublesUseSpellingsPostgreSQLReads() {
        #expect(PostgresType.text(of: .nan) == "NaN")
        #expect(PostgresType.text(of: -.infinity) == "-Infinity")
        #expect(PostgresType.text(of: 0.1) == "0.1")
    }

    @Test func resultTextIsMappedByType() {
        func value(_ text: String, _ type: UInt32) -> SQLValue {
            Array(text.utf8).withUnsafeBytes { PostgresType.value(text: $0, type: type) }
        }
        #expect(value("-42", PostgresType.int4) == .integer(-42))
        #expect(value("t", PostgresType.bool) == .integer(1))
        #expect(value("f", PostgresType.bool) == .integer(0))
        #expect(value("Infinity", PostgresType.float8) == .real(.infinity))
        #expect(value("12.3400", 1700) == .text("12.3400"))
    }
}
