import Testing
@testable import Web

struct RouterTests {
    func makeRouter() -> Router<Int> {
        var router = Router<Int>()
        router.add("GET", "/things", { _, _, _ in Response(status: 200, body: Array("list".utf8)) })
        router.add("DELETE", "/things/:id", { _, p, _ in Response(status: 200, body: Array("del \(p["id"] ?? "")".utf8)) })
        router.add("GET", "/things/:id", { _, p, _ in Response(status: 200, body: Array("get \(p["id"] ?? "")".utf8)) })
        return router
    }

    @Test func dispatchesByMethodAndCapturesParameters() throws {
        let router = makeRouter()
        let id = "0b6e6c52-3f7e-4d55-9d7a-1f2a3b4c5d6e"
        let (handler, params) = try router.match(Request(method: "DELETE", path: "/things/\(id)"))
        let response = try handler(Request(method: "DELETE", path: "/things/\(id)"), params, 0)
        #expect(String(decoding: response.body, as: UTF8.self) == "del \(id)")
    }

    /// Every other spelling of a route is 404, whatever the method: nginx picks its location (and rate limit)
    /// by the normalised path, so a second spelling that still reached the handler would dodge that limit.
    @Test(arguments: [
        "/things/", "/things//", "//things", "/things//1", "/./things", "/things/.", "/things/./1", "/x/../things",
        "/things/..", "/thing%73", "/%74hings", "/things/%31", "/things/1%2F", "/things/a%20b", "/things/%", "things",
        "", "/things/1/", "/things/1/.", "/things/1//",
    ])
    func nonCanonicalPathsAre404(path: String) {
        for method in ["GET", "DELETE", "PUT"] {
            #expect(throws: APIError.notFound) { try makeRouter().match(Request(method: method, path: path)) }
        }
    }

    @Test func rootAndCanonicalPathsStillMatch() throws {
        var router = makeRouter()
        router.add("GET", "/", { _, _, _ in Response(status: 200) })
        _ = try router.match(Request(method: "GET", path: "/"))
        _ = try router.match(Request(method: "GET", path: "/things"))
        #expect(try router.match(Request(method: "GET", path: "/things/abc")).1["id"] == "abc")
    }

    @Test func unknownPathIs404() {
        #expect(throws: APIError.notFound) { try makeRouter().match(Request(method: "GET", path: "/nope")) }
        #expect(throws: APIError.notFound) { try makeRouter().match(Request(method: "GET", path: "/things/1/extra")) }
    }

    @Test func wrongMethodIs405WithAllow() {
        do {
            _ = try makeRouter().match(Request(method: "PUT", path: "/things/1"))
            Issue.record("expected 405")
        } catch let error as APIError {
            #expect(error.status == 405)
            #expect(error.code == "method_not_allowed")
            #expect(error.headers["Allow"] == "DELETE, GET, HEAD")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorBodyShape() throws {
        let response = Response(error: APIError.validation(["email": "is required"]))
        #expect(response.status == 422)
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"error":{"code":"validation_failed","fields":{"email":"is required"},"message":"Some fields are invalid."}}"#)
    }
}
