import Testing
@testable import Web

struct JSONBodyTests {
    func request(_ body: String, contentType: String? = "application/json") -> Request {
        Request(method: "POST", path: "/", headers: contentType.map { ["Content-Type": $0] } ?? [:], body: Array(body.utf8))
    }

    @Test func wrongContentTypeIs415() {
        #expect(throws: APIError.unsupportedMediaType) { try JSONBody(request("{}", contentType: "text/plain")) }
        #expect(throws: APIError.unsupportedMediaType) { try JSONBody(request("{}", contentType: nil)) }
    }

    @Test func malformedJSONIs400() {
        #expect(throws: APIError.badRequest("The request body is not valid JSON.")) { try JSONBody(request("{\"a\":")) }
        #expect(throws: APIError.badRequest("The request body must be a JSON object.")) { try JSONBody(request("[1]")) }
    }

    @Test func invalidUTF8Is400() {
        let bad = Request(method: "POST", path: "/", headers: ["Content-Type": "application/json"], body: [0x7b, 0x22, 0xff, 0x22, 0x7d])
        #expect(throws: APIError.badRequest("The request body is not valid UTF-8.")) { try JSONBody(bad) }
    }

    @Test func collectsEveryBadField() throws {
        var body = try JSONBody(request(#"{"a": 5, "c": "x\u0001", "d": "yes", "e": 1.5, "f": 100}"#))
        _ = body.string("a")
        _ = body.string("b")
        _ = body.string("c")
        _ = body.bool("d")
        _ = body.int("e", in: 0...10)
        _ = body.int("f", in: 0...10)
        #expect(body.problems == [
            "a": "must be a string", "b": "is required", "c": "must not contain control characters",
            "d": "must be true or false", "e": "must be a whole number", "f": "must be between 0 and 10",
        ])
        #expect(throws: APIError.self) { try body.validate() }
    }

    /// Every text field gets the text rule (`TextSafety`), named in the field's problem.
    @Test func textFieldsRefuseDirectionAndInvisibleCharacters() throws {
        var body = try JSONBody(request(#"{"label": "\u202Egpj.exe", "email": "a\u200B@example.com", "other": "x\u2029"}"#))
        #expect(body.string("label", required: false) == nil)
        #expect(body.string("email") == nil)
        #expect(body.string("other") == nil)
        #expect(body.problems == [
            "label": "must not contain invisible or text-direction formatting characters",
            "email": "must not contain invisible or text-direction formatting characters",
            "other": "must not contain line or paragraph separators",
        ])
    }

    /// Secrets the person chose (passwords, passphrases) are kept as typed, except for control characters.
    @Test func secretsAreExemptFromTheTextRule() throws {
        var body = try JSONBody(request(#"{"password": "p\u202Ess\u200B", "passphrase": "p\u0007"}"#))
        #expect(body.string("password", secret: true) == "p\u{202E}ss\u{200B}")
        #expect(body.string("passphrase", secret: true) == nil)
        #expect(body.problems == ["passphrase": "must not contain control characters"])
    }

    @Test func readsGoodValues() throws {
        var body = try JSONBody(request(#"{"s": "hi", "b": false, "n": 7}"#))
        #expect(body.string("s") == "hi")
        #expect(body.bool("b") == false)
        #expect(body.int("n", in: 0...10) == 7)
        try body.validate()
        #expect(body.bool("n") == nil)
        #expect(body.problems == ["n": "must be true or false"])
    }
}
