import Foundation
import Testing
import Web

/// The body and header fields of an `HTTPResponseError`'s response.
struct ErrorResponseTests {
    struct Extra: Encodable, Sendable { let connection: [String: String] }

    struct Failure: HTTPResponseError {
        var status: Int { 503 }
        var code: String { ErrorCode.exchangeUnavailable.rawValue }
        var message: String { "Down." }
        var headers: [String: String] { ["Retry-After": "9", "A-First": "1"] }
        var bodyMembers: (any Encodable & Sendable)? { Extra(connection: ["id": "c1"]) }
    }

    @Test func bodyMembersSitBesideTheErrorAndHeadersAreInNameOrder() {
        let response = Response(error: Failure())
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"connection":{"id":"c1"},"error":{"code":"exchange_unavailable","message":"Down."}}"#)
        #expect(response.headers.map(\.name) == ["Content-Type", "A-First", "Retry-After"])
    }

    @Test func anAPIErrorTakesItsStatusFromTheCatalogue() {
        for code in ErrorCode.allCases {
            guard let status = code.status else { continue }
            #expect(APIError(code, "m").status == status)
        }
        #expect(APIError.methodNotAllowed(allowed: ["GET", "HEAD"]).headers == ["Allow": "GET, HEAD"])
        #expect(APIError.conflict("x", code: .syncInProgress).status == 409)
    }
}
