import Foundation
@testable import Exchanges
import Sandbox

/// Starts an in-process sandbox on ephemeral loopback ports for one test and stops it afterwards.
struct SandboxHarness {
    let sandbox: SandboxServer
    let nonceDirectory: URL

    /// Runs `body` against a fresh sandbox serving `fixture` (the demo fixture by default).
    static func run<T>(
        fixture: Fixture = .demo, _ body: (SandboxHarness) async throws -> T
    ) async throws -> T {
        let sandbox = try SandboxServer(fixture: fixture)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-test-\(UUID().uuidString)")
        defer {
            sandbox.stop()
            try? FileManager.default.removeItem(at: directory)
        }
        return try await body(SandboxHarness(sandbox: sandbox, nonceDirectory: directory))
    }

    /// The first demo account on `exchange` (optionally the one whose label contains `label`).
    func account(_ exchange: ExchangeID, label: String? = nil) -> FixtureAccount {
        sandbox.state.currentFixture.accounts.first {
            $0.exchange == exchange && (label == nil || ($0.label ?? "").contains(label!))
        }!
    }

    /// A client for `account`, with credential parts optionally replaced.
    func client(
        _ account: FixtureAccount, apiKey: String? = nil, apiSecret: String? = nil, passphrase: String? = nil,
        timeout: TimeInterval = 10
    ) throws -> any ExchangeClient {
        let credentials = Credentials(apiKey: apiKey ?? account.apiKey, apiSecret: apiSecret ?? account.apiSecret,
                                      passphrase: passphrase ?? account.passphrase)
        let configuration = sandbox.configuration(timeout: timeout, nonceStore: FileNonceStore(directory: nonceDirectory))
        return try ExchangeClients.client(for: account.exchange, credentials: credentials, configuration: configuration)
    }

    /// Sends an admin update to `exchange`'s port.
    func update(_ exchange: ExchangeID, _ update: FixtureUpdate) async throws {
        var request = URLRequest(url: sandbox.baseURL(for: exchange).appendingPathComponent("__sandbox/fixture"))
        request.httpMethod = "POST"
        request.httpBody = try JSONEncoder().encode(update)
        let (_, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ExchangeError(.badResponse, message: "admin update refused")
        }
    }

    /// `GET /__sandbox/stats` of `exchange`, decoded.
    func stats(_ exchange: ExchangeID) async throws -> [String: Any] {
        let url = sandbox.baseURL(for: exchange).appendingPathComponent("__sandbox/stats")
        let (data, _) = try await URLSession.shared.data(from: url)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// How often `path` was requested on `exchange`.
    func count(_ exchange: ExchangeID, path: String) async throws -> Int {
        ((try await stats(exchange))["paths"] as? [String: Int])?[path] ?? 0
    }
}

/// The `ExchangeError` thrown by `body`, or nil when it succeeded or threw something else.
func exchangeError(_ body: () async throws -> Void) async -> ExchangeError? {
    do {
        try await body()
        return nil
    } catch let error as ExchangeError {
        return error
    } catch {
        return nil
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension Array where Element == Balance {
    /// The balance of `asset`.
    subscript(asset asset: String) -> Balance? { first { $0.asset == asset } }
}
