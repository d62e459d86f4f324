import Exchanges
import Foundation
import Sandbox
import Web
@testable import App

/// An application wired to an in-process sandbox of the exchanges, with two signed-in users, for handler tests
/// through `Application.handle` (the responder's own entry point): no nginx, no sockets but the sandbox's.
/// The handler suites run each test on both backends (`@Test(arguments: TestBackend.allCases)`), as the store
/// suites do: the handlers reach the store only through its owners, and those must behave alike on both.
struct HandlerHarness {
    let sandbox: SandboxServer
    let t: TestApp
    /// The signed-in users: (bearer token, CSRF token).
    let alice: (String, String)
    let bob: (String, String)

    init(backend: TestBackend = .sqlite, extraEnvironment: [String: String] = [:]) throws {
        sandbox = try SandboxServer(fixture: .demo)
        t = try TestApp(backend: backend, extraEnvironment: sandbox.environment.merging(extraEnvironment) { $1 })
        try t.addUser("alice@example.com")
        try t.addUser("bob@example.com")
        alice = try t.login("alice@example.com")
        bob = try t.login("bob@example.com")
    }

    /// `method path` as `user` (alice by default), with the CSRF token a browser would send.
    func call(_ method: String, _ path: String, json: String? = nil, as user: (String, String)? = nil) -> Response {
        let (token, csrf) = user ?? alice
        return t.request(method, path, json: json, headers: ["Authorization": "Bearer \(token)", "X-CSRF-Token": csrf])
    }

    /// The demo account of `exchange`.
    func account(_ exchange: ExchangeID) -> FixtureAccount {
        sandbox.state.currentFixture.accounts.first { $0.exchange == exchange }!
    }

    /// The connect/test body for `account`, with `apiSecret` replaced when given.
    func credentials(_ account: FixtureAccount, apiSecret: String? = nil, label: String? = nil) -> String {
        var object: [String: String] = ["exchange": account.exchange.rawValue, "apiKey": account.apiKey,
                                        "apiSecret": apiSecret ?? account.apiSecret]
        if let passphrase = account.passphrase { object["passphrase"] = passphrase }
        if let label { object["label"] = label }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// Connects alice's (or `user`'s) demo account of `exchange` through the API; returns the connection id.
    func connect(_ exchange: ExchangeID, as user: (String, String)? = nil) throws -> String {
        let response = call("POST", "/api/v1/exchanges/connect", json: credentials(account(exchange)), as: user)
        guard response.status == 201, let connection = response.json["connection"] as? [String: Any],
              let id = connection["id"] as? String else { throw HarnessError.connectFailed(response.status, response.bodyText) }
        return id
    }

    /// Sets account-level faults on the demo account of `exchange` (nil clears them).
    func fault(_ exchange: ExchangeID, _ faults: Faults?) {
        let update = faults.map { FixtureUpdate(apiKey: account(exchange).apiKey, faults: $0) }
            ?? FixtureUpdate(apiKey: account(exchange).apiKey, clearFaults: true)
        _ = sandbox.state.apply(update, exchange: exchange)
    }
}

enum HarnessError: Error { case connectFailed(Int, String) }

extension Response {
    /// `error` of an error body.
    var error: [String: Any]? { json["error"] as? [String: Any] }
}
