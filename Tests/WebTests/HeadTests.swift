import Testing
@testable import Web

/// HEAD answers like GET without a body (RFC 9110 §9.3.2), which uptime monitors rely on.
struct HeadTests {
    func makeRouter() -> Router<Int> {
        var router = Router<Int>()
        router.add("GET", "/things/:id", { _, p, _ in Response(status: 200, body: Array("get \(p["id"] ?? "")".utf8)) })
        router.add("POST", "/things/:id", { _, _, _ in Response(status: 201) })
        router.add("POST", "/forms", { _, _, _ in Response(status: 201) })
        return router
    }

    @Test func headRunsTheGetRouteWithItsParameters() throws {
        let (handler, parameters) = try makeRouter().match(Request(method: "HEAD", path: "/things/abc"))
        #expect(parameters["id"] == "abc")
        #expect(String(decoding: try handler(Request(method: "HEAD", path: "/things/abc"), parameters, 0).body, as: UTF8.self) == "get abc")
    }

    @Test func aHeadRouteOfItsOwnWins() throws {
        var router = makeRouter()
        router.add("HEAD", "/things/:id", { _, _, _ in Response(status: 204) })
        let (handler, parameters) = try router.match(Request(method: "HEAD", path: "/things/x"))
        #expect(try handler(Request(method: "HEAD", path: "/things/x"), parameters, 0).status == 204)
    }

    @Test func headWhereThereIsNoGetIs405AndAllowListsHeadBesideGet() {
        #expect(throws: APIError.methodNotAllowed(allowed: ["POST"])) {
            try makeRouter().match(Request(method: "HEAD", path: "/forms"))
        }
        #expect(throws: APIError.methodNotAllowed(allowed: ["GET", "HEAD", "POST"])) {
            try makeRouter().match(Request(method: "PUT", path: "/things/1"))
        }
        #expect(throws: APIError.notFound) { try makeRouter().match(Request(method: "HEAD", path: "/nope")) }
    }

    @Test func withoutBodyKeepsStatusHeadersAndTheBodysLength() {
        var response = Response.json(["status": "ok"], status: 503)
        response.addHeader("Retry-After", "30")
        let head = response.withoutBody()
        #expect(head.body.isEmpty)
        #expect(head.status == 503)
        #expect(head.header("Retry-After") == "30")
        #expect(head.header("Content-Type") == "application/json")
        #expect(head.header("Content-Length") == String(response.body.count))
    }

    @Test func noContentGetsNoContentLength() {
        #expect(Response.noContent.withoutBody().header("Content-Length") == nil)
    }
}
