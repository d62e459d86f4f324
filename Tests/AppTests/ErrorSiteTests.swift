import Exchanges
import Foundation
import Testing
import Web
@testable import App

/// `Application.serve` is the one site where errors become responses: thrown API errors, the router's 404 and
/// 405, the transport's body refusals, exchange errors, and anything else as a bare 500.
struct ErrorSiteTests {
    @Test func routerErrorsAreAnsweredWithCatalogueCodes() throws {
        let t = try TestApp()
        let missing = t.request("GET", "/api/v1/nothing-here")
        #expect(missing.status == 404 && missing.errorCode == "not_found")
        let wrongMethod = t.request("PUT", "/api/v1/auth/login")
        #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method_not_allowed")
        #expect(wrongMethod.header("Allow") == "POST")
        #expect(missing.header("X-Request-Id") != nil && missing.header("Cache-Control") == "no-store")
    }

    /// What the FastCGI layer used to answer itself: it now hands the request on with the refusal, and the
    /// application answers before any route runs (even a route that would need no body).
    @Test(arguments: [(APIError.payloadTooLarge, 413, "payload_too_large"),
                      (APIError.badRequest("Content-Length is not a number."), 400, "bad_request")])
    func bodyRefusalsAreAnsweredHere(refusal: APIError, status: Int, code: String) throws {
        let t = try TestApp()
        var request = Request(method: "POST", path: "/api/v1/auth/login", headers: ["Content-Type": "application/json"])
        request.bodyRefusal = refusal
        let response = t.app.handle(request)
        #expect(response.status == status)
        #expect(response.errorCode == code)
        #expect(response.header("X-Request-Id") == request.requestID)
    }

    @Test func exchangeErrorsGetTheirCatalogueStatusAndRetryAfter() throws {
        let t = try TestApp()
        let limited = t.app.response(for: ExchangeError(.rateLimited, message: "Slow down.", retryAfter: 12))
        #expect(limited.status == 503 && limited.errorCode == "rate_limited" && limited.header("Retry-After") == "12")
        let refused = t.app.response(for: ExchangeError(.invalidCredentials, message: "No."))
        #expect(refused.status == 422 && refused.errorCode == "invalid_credentials" && refused.header("Retry-After") == nil)
    }

    @Test func anythingElseIsABare500() throws {
        struct Secret: Error { let path = "/var/lib/holdfast/holdfast.sqlite" }
        let t = try TestApp()
        let response = t.app.response(for: Secret())
        #expect(response.status == 500)
        #expect(response.errorCode == "internal")
        #expect(!response.bodyText.contains("holdfast.sqlite"))
    }

    @Test func syncErrorsAreAnsweredAsThemselves() throws {
        let t = try TestApp()
        let busy = t.app.response(for: SyncEngine.SyncError.inProgress)
        #expect(busy.status == 409 && busy.errorCode == "sync_in_progress")
        let gone = t.app.response(for: SyncEngine.SyncError.notFound)
        #expect(gone.status == 404 && gone.errorCode == "not_found")
    }
}
