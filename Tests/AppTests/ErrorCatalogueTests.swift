import Exchanges
import Foundation
import Testing
import Web
@testable import App

/// The one catalogue of error codes (`ErrorCode`) against everything else that names codes: openapi.yaml, the
/// README's table, nginx's own error pages, the exchange taxonomy, the sync errors and the sources.
struct ErrorCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// One row of the README's table: code, responder status, nginx status, meaning.
    struct Row: Equatable, CustomStringConvertible {
        let code: String
        let status: Int?
        let nginxStatus: Int?
        let meaning: String
        var description: String { "\(code) \(status.map(String.init) ?? "—") \(nginxStatus.map(String.init) ?? "—") \(meaning)" }
    }

    /// The codes of `components.schemas.ErrorCode.enum` in openapi.yaml, in order.
    static func openAPICodes() throws -> [String] {
        let spec = try text("openapi.yaml")
        let schema = try #require(spec.range(of: "\n    ErrorCode:\n"))
        let rest = spec[schema.upperBound...]
        let open = try #require(rest.range(of: "enum: ["))
        let close = try #require(rest[open.upperBound...].firstIndex(of: "]"))
        return rest[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// The rows of the README's "Error codes" table.
    static func readmeRows() throws -> [Row] {
        let readme = try text("README.md")
        let section = try #require(readme.range(of: "\n## Error codes\n"))
        let body = readme[section.upperBound...]
        let end = body.range(of: "\n## ")?.lowerBound ?? body.endIndex
        return body[..<end].split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            return Row(code: cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")), status: Int(cells[1]),
                       nginxStatus: Int(cells[2]), meaning: cells.dropFirst(3).joined(separator: "|"))
        }
    }

    @Test func catalogueOpenAPIAndReadmeAgreeExactly() throws {
        let catalogue = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(catalogue).count == catalogue.count)
        #expect(try Self.openAPICodes() == catalogue)
        let expected = ErrorCode.allCases.map {
            Row(code: $0.rawValue, status: $0.status, nginxStatus: $0.nginxStatus, meaning: $0.meaning)
        }
        #expect(try Self.readmeRows() == expected)
    }

    @Test func everyCodeHasAStatusAndAMeaning() {
        for code in ErrorCode.allCases {
            #expect(code.status != nil || code.nginxStatus != nil, "\(code.rawValue) is sent by nobody")
            #expect(!code.meaning.isEmpty && !code.meaning.contains("\n"), "\(code.rawValue)")
            for status in [code.status, code.nginxStatus].compactMap({ $0 }) { #expect((400...599).contains(status)) }
        }
    }

    /// nginx's error pages answer exactly the (status, code) pairs the catalogue gives nginx.
    @Test func nginxErrorPagesUseCatalogueCodesAndStatuses() throws {
        let snippets = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("nginx/snippets").path)
        var answered: Set<String> = []
        for name in snippets where name.hasSuffix(".conf") {
            let conf = try Self.text("nginx/snippets/\(name)")
            let pattern = try NSRegularExpression(pattern: #"return (\d{3}) '\{"error":\{"code":"([a-z_]+)""#)
            for match in pattern.matches(in: conf, range: NSRange(conf.startIndex..., in: conf)) {
                let status = String(conf[Range(match.range(at: 1), in: conf)!])
                let code = String(conf[Range(match.range(at: 2), in: conf)!])
                answered.insert("\(status) \(code)")
            }
        }
        let catalogued = Set(ErrorCode.allCases.compactMap { code in code.nginxStatus.map { "\($0) \(code.rawValue)" } })
        #expect(!answered.isEmpty)
        #expect(answered == catalogued)
    }

    /// Every taxonomy code is a catalogue code of the same spelling (the stored `errorCode` is the wire code),
    /// with an explicit status: 422 when the person must act, 503 when a later try may work.
    @Test(arguments: ExchangeError.Code.allCases)
    func everyExchangeCodeHasAnExplicitStatus(code: ExchangeError.Code) throws {
        #expect(code.errorCode.rawValue == code.rawValue)
        let status = try #require(code.errorCode.status)
        #expect(status == 422 || status == 503)
        let error = ExchangeError(code, message: "m", retryAfter: 7)
        #expect(error.httpError.status == status)
        #expect(error.httpError.code == code.rawValue)
        #expect(error.httpError.headers == ["Retry-After": "7"])
    }

    /// The statuses that were derived from the retry policy before stay the same now that they are explicit:
    /// the 503s are exactly the codes the timer retries on a schedule.
    @Test func exchangeStatusesMatchWhatTheAPIAnsweredBefore() {
        let unavailable = Set(ExchangeError.Code.allCases.filter { $0.errorCode.status == 503 }.map(\.rawValue))
        #expect(unavailable == SyncBackoff.transientCodes)
    }

    @Test func syncErrorsUseCatalogueCodes() {
        let cases: [(SyncEngine.SyncError, ErrorCode)] = [(.notFound, .notFound), (.inProgress, .syncInProgress),
                                                          (.notDue, .syncInProgress), (.paused, .connectionPaused)]
        for (error, code) in cases {
            #expect(error.code == code.rawValue)
            #expect(error.status == code.status)
            #expect(!error.message.isEmpty)
        }
    }

    /// No code is spelled as a string literal outside the catalogue: `code: "…"` or `APIError(status:` in the
    /// responder's sources would be a code (or a status) with no home.
    @Test func noLiteralCodesOutsideTheCatalogue() throws {
        let pattern = try NSRegularExpression(pattern: #"code: "[a-z_]+"|APIError\(status: \d"#)
        var offenders: [String] = []
        for module in ["App", "Web", "FastCGI"] {
            let folder = Self.root.appendingPathComponent("Sources/\(module)")
            let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
            for file in files where file.hasSuffix(".swift") {
                let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                if pattern.firstMatch(in: source, range: NSRange(source.startIndex..., in: source)) != nil {
                    offenders.append("\(module)/\(file)")
                }
            }
        }
        #expect(offenders == [])
    }
}
