import Foundation
import Testing
@testable import Exchanges
import Sandbox

/// No client follows a redirect: a 3xx is `bad_response` and the redirect target receives nothing (a followed
/// redirect would resend the API key, the passphrase and a live signature to it).
struct RedirectTests {
    /// Counts the requests reaching a loopback listener the test owns.
    final class Listener: @unchecked Sendable {
        // @unchecked: `received` is only touched under `lock`; `server` is immutable after init.
        private let lock = NSLock()
        private var received: [String] = []
        private(set) var server: HTTPServer?

        init() throws {
            server = try HTTPServer(port: 0) { [weak self] request in
                self?.record(request.method + " " + request.target)
                return .text(200, "{\"accounts\":[],\"has_next\":false}")
            }
            server?.start()
        }

        private func record(_ line: String) { lock.lock(); received.append(line); lock.unlock() }

        /// Requests seen so far.
        var requests: [String] { lock.lock(); defer { lock.unlock() }; return received }

        /// `http://127.0.0.1:<port>/metrics`.
        var target: String { "http://127.0.0.1:\(server?.port ?? 0)/metrics" }

        deinit { server?.stop() }
    }

    /// The signed balance call answered with 302 to another listener.
    @Test(arguments: ExchangeID.allCases)
    func signedCallIsNotRedirected(exchange: ExchangeID) async throws {
        let listener = try Listener()
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            var faults = Faults()
            faults.redirectTo = listener.target
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.detail == "HTTP 302 redirect, not followed")
        }
        #expect(listener.requests.isEmpty)
    }

    /// Every request of the exchange redirected (the public time endpoint too).
    @Test(arguments: ExchangeID.allCases)
    func noRequestIsRedirected(exchange: ExchangeID) async throws {
        let listener = try Listener()
        try await SandboxHarness.run { h in
            var faults = Faults()
            faults.redirectTo = listener.target
            try await h.update(exchange, FixtureUpdate(exchangeFaults: faults))
            let client = try h.client(h.account(exchange))
            #expect(await exchangeError { _ = try await client.fetchBalances() }?.code == .badResponse)
            #expect(await exchangeError { _ = try await client.serverTime() }?.code == .badResponse)
        }
        #expect(listener.requests.isEmpty)
    }

    /// Every redirect status, for a GET and for a signed POST (a 307/308 would resend the body and signature).
    @Test(arguments: [301, 302, 303, 307, 308], [ExchangeID.kraken, .coinbaseexchange])
    func noRedirectStatusIsFollowed(status: Int, exchange: ExchangeID) async throws {
        let listener = try Listener()
        try await SandboxHarness.run { h in
            let account = h.account(exchange)
            var faults = Faults()
            faults.redirectTo = listener.target
            faults.redirectStatus = status
            try await h.update(exchange, FixtureUpdate(apiKey: account.apiKey, faults: faults))
            let error = await exchangeError { _ = try await h.client(account).fetchBalances() }
            #expect(error?.code == .badResponse)
            #expect(error?.detail == "HTTP \(status) redirect, not followed")
        }
        #expect(listener.requests.isEmpty)
    }

    /// The listener works: a direct request reaches it (so "received nothing" above means something).
    @Test func listenerSeesDirectRequests() async throws {
        let listener = try Listener()
        let transport = HTTPTransport(timeout: 5, maximumConnectionsPerHost: 2, userAgent: "test")
        let url = try #require(URL(string: listener.target))
        let answer = try await transport.send("GET", url, exchange: .binance)
        #expect(answer.status == 200)
        #expect(listener.requests == ["GET /metrics"])
    }
}
