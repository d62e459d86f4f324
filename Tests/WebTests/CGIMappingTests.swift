import Testing
@testable import FastCGI
@testable import Web

struct CGIMappingTests {
    let params = [
        "REQUEST_METHOD": "post", "REQUEST_URI": "/api/v1/auth/login?next=%2Fhome&x=1", "QUERY_STRING": "next=%2Fhome&x=1",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "2", "HTTP_X_CSRF_TOKEN": "abc",
        "HTTP_COOKIE": "a=1; holdfast_session=tok; b=2", "REMOTE_ADDR": "127.0.0.1", "SCRIPT_NAME": "/ignored",
    ]

    @Test func paramsBecomeRequest() {
        let request = CGIMapping.request(params: params, body: Array("{}".utf8), requestID: "rid-12345678")
        #expect(request.method == "POST")
        #expect(request.path == "/api/v1/auth/login")
        #expect(request.query == "next=%2Fhome&x=1")
        #expect(request.queryItems["next"] == "/home")
        #expect(request.header("X-CSRF-Token") == "abc")
        #expect(request.header("content-type") == "application/json")
        #expect(request.cookie("holdfast_session") == "tok")
        #expect(request.cookie("missing") == nil)
        #expect(request.remoteAddress == "127.0.0.1")
        #expect(request.body == Array("{}".utf8))
        #expect(request.requestID == "rid-12345678")
    }

    @Test func missingURIFallsBackToRoot() {
        let request = CGIMapping.request(params: ["REQUEST_METHOD": "GET"], body: [], requestID: "r")
        #expect(request.path == "/")
        #expect(request.method == "GET")
    }

    @Test func contentLengthParsing() {
        #expect(CGIMapping.contentLength(params: [:]) == 0)
        #expect(CGIMapping.contentLength(params: ["CONTENT_LENGTH": "12"]) == 12)
        #expect(CGIMapping.contentLength(params: ["CONTENT_LENGTH": "-1"]) == nil)
        #expect(CGIMapping.contentLength(params: ["CONTENT_LENGTH": "abc"]) == nil)
    }

    @Test func responseHeaderBlockBytes() {
        let response = Response(status: 201, headers: [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                                body: Array("{}".utf8))
        let text = String(decoding: CGIMapping.headerBlock(for: response), as: UTF8.self)
        #expect(text == "Status: 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func headerInjectionIsStripped() {
        let response = Response(status: 200, headers: [("X-Evil", "a\r\nSet-Cookie: stolen=1")])
        let text = String(decoding: CGIMapping.headerBlock(for: response), as: UTF8.self)
        #expect(text == "Status: 200 OK\r\nX-Evil: aSet-Cookie: stolen=1\r\nContent-Length: 0\r\n\r\n")
    }

    @Test func noContentHasNoLength() {
        let text = String(decoding: CGIMapping.headerBlock(for: .noContent), as: UTF8.self)
        #expect(text == "Status: 204 No Content\r\n\r\n")
    }

    @Test func requestIDFromNginxIsKeptOnlyWhenWellFormed() {
        #expect(FastCGIServer.requestID(from: "0123456789abcdef0123456789abcdef") == "0123456789abcdef0123456789abcdef")
        let made = FastCGIServer.requestID(from: "bad id\nwith newline")
        #expect(made != "bad id\nwith newline" && made.count == 36)
    }
}
