import Foundation
import Testing
@testable import Web

/// `CompactJSONEncoder` writes exactly the bytes `JSON.encoder` writes, for every shape response bodies take,
/// and refuses (so `Response.json` falls back) what it does not write itself.
struct CompactJSONEncoderTests {
    struct Inner: Encodable, Equatable {
        let code: String
        let count: Int
        let flag: Bool?
    }

    struct Body: Encodable {
        let zeta: String
        let alpha: Int
        let nested: Inner?
        let list: [Inner]
        let map: [String: String]
        let optionalNil: String?
        let strings: [String?]
        let big: Int64
        let small: Int8
        let unsigned: UInt64
        let émoji: String
        let Upper: Bool
    }

    /// Hand-written encodings: nested containers, super encoders, a repeated key, explicit nulls.
    struct HandWritten: Encodable {
        let value: String
        enum Keys: String, CodingKey { case b, a, nested, list, repeated }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(value, forKey: .b)
            try container.encodeNil(forKey: .a)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(1, forKey: .b)
            try nested.encode("x", forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(true)
            var inner = list.nestedUnkeyedContainer()
            try inner.encode("deep")
            try inner.encodeNil()
            try container.encode("first", forKey: .repeated)
            try container.encode("second", forKey: .repeated)
            try value.encode(to: container.superEncoder())
        }
    }

    /// Texts that exercise every escaping rule: quotes, backslashes, each control character, slashes, DEL,
    /// non-ASCII, a lone combining mark, the line separators JavaScript cares about.
    static let hostileTexts: [String] = {
        var texts = ["", "plain", "quote \" and backslash \\", "slash / and </script>", "tab\tnew\nline\rret",
                     "\u{7F} del", "Zürich €100 ✓ 🚀", "\u{301}", "\u{2028}\u{2029}", "=cmd|' /C calc'!A0"]
        texts.append(String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }))
        return texts
    }()

    func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let foundation = Array(try JSON.encoder.encode(value))
        let compact = try CompactJSONEncoder.encode(value)
        #expect(compact == foundation, "\(String(decoding: compact, as: UTF8.self)) ≠ \(String(decoding: foundation, as: UTF8.self))",
                sourceLocation: sourceLocation)
    }

    @Test func structsArraysDictionariesAndOptionalsMatchFoundation() throws {
        for (index, text) in Self.hostileTexts.enumerated() {
            let body = Body(zeta: text, alpha: -index, nested: index % 2 == 0 ? Inner(code: text, count: index, flag: nil) : nil,
                            list: (0..<index % 4).map { Inner(code: "\($0)\(text)", count: $0, flag: $0 % 2 == 0) },
                            map: [text: "v", "b": text, "a": "", "é": "x", "B": "upper"],
                            optionalNil: nil, strings: [text, nil, "x"], big: index == 0 ? .min : .max,
                            small: -128, unsigned: .max, émoji: text, Upper: index % 3 == 0)
            try expectSameBytes(body)
        }
    }

    @Test func topLevelScalarsAndCollectionsMatchFoundation() throws {
        try expectSameBytes("top level \n string")
        try expectSameBytes(42)
        try expectSameBytes(true)
        try expectSameBytes([Int]())
        try expectSameBytes([String: Int]())
        try expectSameBytes([[1, 2], [3]])
        try expectSameBytes(["k": ["nested": [Inner(code: "c", count: 1, flag: true)]]])
        try expectSameBytes(Optional<String>.none)
        try expectSameBytes([Optional<Int>.none, 3])
    }

    @Test func handWrittenContainersMatchFoundation() throws {
        for text in Self.hostileTexts { try expectSameBytes(HandWritten(value: text)) }
    }

    @Test func refusesWhatFoundationEncodesSpecially() {
        struct WithDouble: Encodable { let value: Double }
        struct WithDate: Encodable { let value: Date }
        struct WithData: Encodable { let value: Data }
        struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try CompactJSONEncoder.encode(WithDouble(value: 1.5)) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try CompactJSONEncoder.encode(WithDate(value: Date())) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try CompactJSONEncoder.encode(WithData(value: Data([1]))) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try CompactJSONEncoder.encode(Empty()) }
        #expect(throws: CompactJSONEncoder.Unsupported.self) { try CompactJSONEncoder.encode([Decimal(1)]) }
    }

    @Test func responseJSONFallsBackToFoundationForRefusedTypes() throws {
        struct WithDouble: Encodable { let value: Double }
        let response = Response.json(WithDouble(value: 0.1))
        #expect(response.status == 200)
        #expect(response.body == Array(try JSON.encoder.encode(WithDouble(value: 0.1))))
    }
}
