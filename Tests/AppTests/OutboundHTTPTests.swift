import Foundation
import Sandbox
import Testing
@testable import App

/// `OutboundHTTP`: URL checks at API time, and what `send` refuses or reports, against a loopback listener.
struct OutboundHTTPTests {
    /// A loopback listener answering by path: `/ok` 200, `/redirect` 302 to `/ok`, `/fail` 500 echoing the
    /// Authorization header, `/missing` 404; it records every request line.
    final class Listener: @unchecked Sendable {
        // @unchecked: `received` is only touched under `lock`; `server` is immutable after init.
        private let lock = NSLock()
        private var received: [String] = []
        private(set) var server: HTTPServer?

        init() throws {
            server = try HTTPServer(port: 0) { [weak self] request in
                self?.record(request.method + " " + request.path)
                switch request.path {
                case "/redirect": return .text(302, "moved", headers: [("Location", "/ok")])
                case "/fail": return .text(500, "boom " + (request.headers["authorization"] ?? ""))
                case "/missing": return .text(404, "no such topic")
                default: return .json(200, "{\"ok\":true}")
                }
            }
            server?.start()
        }

        private func record(_ line: String) { lock.lock(); received.append(line); lock.unlock() }

        /// Request lines seen so far.
        var requests: [String] { lock.lock(); defer { lock.unlock() }; return received }
        /// The listener's port.
        var port: Int { Int(server?.port ?? 0) }
        deinit { server?.stop() }
    }

    private func outbound(allowing port: Int) throws -> OutboundHTTP {
        OutboundHTTP(policy: try OutboundPolicy(parsing: "127.0.0.1:\(port)"), timeout: 5)
    }

    private func error(_ body: () async throws -> Void) async -> OutboundError? {
        do { try await body(); return nil } catch let error as OutboundError { return error } catch { return nil }
    }

    /// URLs refused when they are entered.
    @Test func validateRefusesBadURLs() throws {
        let http = OutboundHTTP(policy: try OutboundPolicy(parsing: "127.0.0.1:19301"))
        for text in ["", "ftp://example.com/x", "example.com/hook", "https://user:pw@example.com/hook",
                     "https://token@example.com/hook", "https:///nohost", "https://exa mple.com/",
                     "https://example.com/" + String(repeating: "a", count: 2_000)] {
            #expect(throws: OutboundError.self) { _ = try http.validate(text) }
            #expect((try? http.validate(text)) == nil)
        }
        for text in ["http://127.0.0.1:19302/hook", "http://localhost:19301/", "http://[::1]:19301/",
                     "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::ffff:127.0.0.1]:19301/",
                     "http://[fd00::1]/", "http://0.0.0.0:19301/"] {
            do {
                _ = try http.validate(text)
                Issue.record("accepted \(text)")
            } catch let error as OutboundError {
                #expect(error.code == "target_not_allowed", "\(text)")
            }
        }
        #expect(try http.validate("https://ntfy.sh/topic").host == "ntfy.sh")
        #expect(try http.validate("http://127.0.0.1:19301/hook").port == 19301)
        let apiError = OutboundError("target_not_allowed", "nope").apiError(field: "url")
        #expect(apiError.status == 422)
        #expect(apiError.fields == ["url": "nope"])
    }

    /// A 302 is reported, not followed: the target of the redirect receives nothing.
    @Test func redirectIsNotFollowed() async throws {
        let listener = try Listener()
        let http = try outbound(allowing: listener.port)
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/redirect"))
        let failure = await error { _ = try await http.send(method: "POST", url: url, body: Data("{}".utf8)) }
        #expect(failure?.code == "target_redirect")
        #expect(listener.requests == ["POST /redirect"])
    }

    /// The listener answers a direct request (so "nothing else received" above means something).
    @Test func directRequestIsSent() async throws {
        let listener = try Listener()
        let http = try outbound(allowing: listener.port)
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/ok"))
        let answer = try await http.send(method: "POST", url: url, headers: ["Content-Type": "application/json"])
        #expect(answer.status == 200)
        #expect(listener.requests == ["POST /ok"])
    }

    /// Errors keep the status and an excerpt, with our header values hidden.
    @Test func httpErrorsKeepAnExcerptWithoutSecrets() async throws {
        let listener = try Listener()
        let http = try outbound(allowing: listener.port)
        let fail = try #require(URL(string: "http://127.0.0.1:\(listener.port)/fail"))
        let failure = await error {
            _ = try await http.send(method: "POST", url: fail, headers: ["Authorization": "Bearer tk_secretsecret123"])
        }
        #expect(failure?.code == "target_http_500")
        #expect(failure?.message.contains("tk_secretsecret123") == false)
        #expect(failure?.message.contains("boom") == true)
        let missing = try #require(URL(string: "http://127.0.0.1:\(listener.port)/missing"))
        #expect(await error { _ = try await http.send(method: "GET", url: missing) }?.code == "target_http_404")
    }

    /// A loopback port not in the list is refused before any connection; a name resolving to a restricted
    /// address too (the resolver's answer is checked, every address of it).
    @Test func sendChecksResolvedAddresses() async throws {
        let listener = try Listener()
        let http = try outbound(allowing: listener.port + 1)
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/ok"))
        #expect(await error { _ = try await http.send(method: "GET", url: url) }?.code == "target_not_allowed")
        let mixed = OutboundHTTP(policy: .publicOnly, resolver: HostResolver { _ in
            [IPAddress(literal: "93.184.216.34")!, IPAddress(literal: "10.0.0.7")!]
        })
        let named = try #require(URL(string: "https://hooks.example.test/x"))
        #expect(await error { _ = try await mixed.send(method: "GET", url: named) }?.code == "target_not_allowed")
        #expect(listener.requests.isEmpty)
    }

    /// Nothing listening: unreachable.
    @Test func closedPortIsUnreachable() async throws {
        let port = try Listener().port  // released at once: nothing listens there any more
        let http = try outbound(allowing: port)
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/ok"))
        #expect(await error { _ = try await http.send(method: "GET", url: url) }?.code == "target_unreachable")
    }
}
