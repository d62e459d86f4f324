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
        let (handler, params) = try router.match(Request(method: "DELETE", path: "/things/a%20b"))
        let response = try handler(Request(method: "DELETE", path: "/things/a%20b"), params, 0)
        #expect(String(decoding: response.body, as: UTF8.self) == "del a b")
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
            #expect(error.headers["Allow"] == "DELETE, GET")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorBodyShape() throws {
        let response = APIError.validation(["email": "is required"]).response
        #expect(response.status == 422)
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"error":{"code":"validation_failed","fields":{"email":"is required"},"message":"Some fields are invalid."}}"#)
    }
}
