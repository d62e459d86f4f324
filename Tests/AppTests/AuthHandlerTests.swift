import Foundation
import Testing
import Web
@testable import App

/// Handler tests in process, each on both backends: a temp SQLite file and a fresh PostgreSQL database.
struct AuthHandlerTests {
    @Test(arguments: TestBackend.allCases) func healthIsOkWhenMigratedAnd503WhenNot(_ backend: TestBackend) throws {
        let ready = try TestApp(backend: backend)
        let response = ready.request("GET", "/health")
        #expect(response.status == 200)
        #expect(response.json["status"] as? String == "ok")
        #expect(response.json["migrations"] as? String == "current")

        let fresh = try TestApp(backend: backend, migrate: false)
        let pending = fresh.request("GET", "/health")
        #expect(pending.status == 503)
        #expect((pending.json["migrations"] as? String)?.hasPrefix("pending: 0001_initial") == true)
    }

    @Test(arguments: TestBackend.allCases) func loginMeLogout(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let login = t.request("POST", "/api/v1/auth/login", json: #"{"email":"ADA@example.com","password":"correct horse battery"}"#)
        #expect(login.status == 200)
        let cookie = try #require(login.header("Set-Cookie"))
        #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        let token = try #require(login.json["token"] as? String)
        let csrf = try #require(login.json["csrfToken"] as? String)
        #expect(login.json["expiresAt"] as? String != nil)
        #expect(!String(decoding: login.body, as: UTF8.self).contains("password"))

        let me = t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(me.status == 200)
        #expect((me.json["user"] as? [String: Any])?["email"] as? String == "ada@example.com")

        let cookieValue = String(cookie.split(separator: ";")[0])
        let viaCookie = t.request("GET", "/api/v1/auth/me", headers: ["Cookie": cookieValue])
        #expect(viaCookie.status == 200)

        let noCSRF = t.request("POST", "/api/v1/auth/logout", headers: ["Authorization": "Bearer \(token)"])
        #expect(noCSRF.status == 403)
        #expect(noCSRF.errorCode == "csrf_failed")

        let logout = t.request("POST", "/api/v1/auth/logout", headers: ["Authorization": "Bearer \(token)", "X-CSRF-Token": csrf])
        #expect(logout.status == 204)
        let after = t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(token)"])
        #expect(after.status == 401)
    }

    /// With `Secure` (the default) the cookie is `__Host-` prefixed, host-only and `Path=/`, and logout
    /// expires that same name.
    @Test(arguments: TestBackend.allCases) func sessionCookieIsHostPrefixedWhenSecure(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let login = t.request("POST", "/api/v1/auth/login", json: #"{"email":"ada@example.com","password":"correct horse battery"}"#)
        let cookie = try #require(login.header("Set-Cookie"))
        let attributes = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(attributes[0].hasPrefix("__Host-holdfast_session="))
        #expect(attributes.contains("Path=/") && attributes.contains("Secure") && attributes.contains("HttpOnly"))
        #expect(attributes.contains("SameSite=Strict"))
        #expect(!attributes.contains { $0.lowercased().hasPrefix("domain") })

        // The unprefixed name is not read any more: a cookie a sibling could set counts for nothing.
        let token = try #require(login.json["token"] as? String)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Cookie": "holdfast_session=\(token)"]).status == 401)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Cookie": attributes[0]]).status == 200)

        let csrf = try #require(login.json["csrfToken"] as? String)
        let logout = t.request("POST", "/api/v1/auth/logout", headers: ["Cookie": attributes[0], "X-CSRF-Token": csrf])
        #expect(logout.status == 204)
        let cleared = try #require(logout.header("Set-Cookie"))
        #expect(cleared.hasPrefix("__Host-holdfast_session=;") && cleared.contains("Max-Age=0") && cleared.contains("Secure"))
        #expect(cleared.contains("Path=/") && !cleared.lowercased().contains("domain"))
    }

    /// Plain-HTTP development (`HOLDFAST_COOKIE_SECURE=0`) keeps the unprefixed name: `__Host-` demands
    /// `Secure`. The secure stack's name counts for nothing there, and the other way round.
    @Test(arguments: TestBackend.allCases) func sessionCookieKeepsThePlainNameOnlyWithoutSecure(_ backend: TestBackend) throws {
        for (secure, name, otherName) in [("0", "holdfast_session", "__Host-holdfast_session"),
                                          ("1", "__Host-holdfast_session", "holdfast_session")] {
            let t = try TestApp(backend: backend, extraEnvironment: ["HOLDFAST_COOKIE_SECURE": secure])
            try t.addUser("ada@example.com")
            let login = t.request("POST", "/api/v1/auth/login", json: #"{"email":"ada@example.com","password":"correct horse battery"}"#)
            let cookie = try #require(login.header("Set-Cookie"))
            #expect(cookie.hasPrefix("\(name)=") && cookie.contains("Secure") == (secure == "1"))
            let token = try #require(login.json["token"] as? String)
            #expect(t.request("GET", "/api/v1/auth/me", headers: ["Cookie": "\(name)=\(token)"]).status == 200)
            #expect(t.request("GET", "/api/v1/auth/me", headers: ["Cookie": "\(otherName)=\(token)"]).status == 401)
        }
    }

    /// Two session cookies: neither is chosen, even when one is valid, in either order, with either name. A
    /// Bearer header still wins over whatever cookies come with it.
    @Test(arguments: TestBackend.allCases) func twoSessionCookiesAre401(_ backend: TestBackend) throws {
        for secure in ["1", "0"] {
            let t = try TestApp(backend: backend, extraEnvironment: ["HOLDFAST_COOKIE_SECURE": secure])
            try t.addUser("ada@example.com")
            try t.addUser("eve@example.com")
            let (ada, _) = try t.login("ada@example.com")
            let (eve, _) = try t.login("eve@example.com")
            // The name login sets, whatever it is on this configuration.
            let login = t.request("POST", "/api/v1/auth/login", json: #"{"email":"ada@example.com","password":"correct horse battery"}"#)
            let name = try #require(login.header("Set-Cookie")?.split(separator: "=").first.map(String.init))
            #expect(t.request("GET", "/api/v1/auth/me", headers: ["Cookie": "\(name)=\(ada)"]).status == 200)
            for header in ["\(name)=\(ada); \(name)=\(eve)", "\(name)=\(ada); \(name)=garbage", "\(name)=garbage; \(name)=\(ada)",
                           "\(name)=\(ada); a=1; \(name) =\(ada)", "\(name)=\(ada); \(name)="] {
                let response = t.request("GET", "/api/v1/auth/me", headers: ["Cookie": header])
                #expect(response.status == 401, "\(header)")
                #expect(response.errorCode == "unauthorized")
            }
            let bearer = t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(eve)", "Cookie": "\(name)=\(ada); \(name)=\(ada)"])
            #expect((bearer.json["user"] as? [String: Any])?["email"] as? String == "eve@example.com")
        }
    }

    @Test(arguments: TestBackend.allCases) func failedLoginsShareOneMessage(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let wrongPassword = t.request("POST", "/api/v1/auth/login", json: #"{"email":"ada@example.com","password":"nope nope nope"}"#)
        let unknownUser = t.request("POST", "/api/v1/auth/login", json: #"{"email":"bob@example.com","password":"nope nope nope"}"#)
        #expect(wrongPassword.status == 401 && unknownUser.status == 401)
        #expect(wrongPassword.body == unknownUser.body)
    }

    @Test(arguments: TestBackend.allCases) func badRequestsGetTheirDocumentedErrors(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        #expect(t.request("POST", "/api/v1/auth/login", json: "{").errorCode == "bad_request")
        #expect(t.request("POST", "/api/v1/auth/login", json: "{}", headers: ["Content-Type": "text/plain"]).status == 415)
        let missing = t.request("POST", "/api/v1/auth/login", json: "{}")
        #expect(missing.status == 422)
        #expect((missing.json["error"] as? [String: Any])?["fields"] as? [String: String] == ["email": "is required", "password": "is required"])
        #expect(t.request("GET", "/api/v1/nothing-here").status == 404)
        #expect(t.request("GET", "/api/v1/auth/login").status == 405)
        #expect(t.request("GET", "/api/v1/auth/me").status == 401)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer x.y.z"]).status == 401)
    }

    /// The real routes answer only their one spelling: another one with the right password is a 404, not a
    /// login (nginx would have put it under another location's rate limit).
    @Test(arguments: TestBackend.allCases) func onlyTheCanonicalSpellingOfARouteIsServed(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let body = #"{"email":"ada@example.com","password":"correct horse battery"}"#
        for path in ["/api/v1/auth/login/", "/api/v1/auth//login", "/api/v1/auth/./login", "/api/v1/auth/%6cogin",
                     "/api/v1/x/../auth/login", "/api/v1/auth/login%2F"] {
            let response = t.request("POST", path, json: body)
            #expect(response.status == 404, "\(path)")
            #expect(response.errorCode == "not_found")
            #expect(response.header("Set-Cookie") == nil)
        }
        for path in ["/health/", "//health", "/health/.", "/%68ealth", "/metrics/", "/api/v1/auth/me/"] {
            #expect(t.request("GET", path).status == 404, "\(path)")
        }
        #expect(t.request("POST", "/api/v1/auth/login", json: body).status == 200)
    }

    @Test(arguments: TestBackend.allCases) func everyResponseCarriesTheRequestID(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let response = t.app.handle(Request(method: "GET", path: "/nope", requestID: "req-abcdef12"))
        #expect(response.header("X-Request-Id") == "req-abcdef12")
    }

    @Test(arguments: TestBackend.allCases) func passwordChangeRevokesSessions(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let (token, _) = try t.login("ada@example.com")
        var hasher = PasswordHasher()
        hasher.logN = 10
        try Users.setPassword(email: "ada@example.com", password: "a brand new password", in: t.app.database, hasher: hasher)
        #expect(t.request("GET", "/api/v1/auth/me", headers: ["Authorization": "Bearer \(token)"]).status == 401)
        _ = try t.login("ada@example.com", password: "a brand new password")
    }

    @Test(arguments: TestBackend.allCases) func duplicateOrBadUsersAreRefused(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        #expect(throws: UserError.self) { try t.addUser("ADA@example.com") }
        #expect(throws: UserError.self) { try t.addUser("not-an-email") }
        #expect(throws: UserError.self) { try t.addUser("b@example.com", password: "short") }
    }
}
