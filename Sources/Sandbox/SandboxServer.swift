import Exchanges
import Foundation

/// Loopback stand-ins for every exchange, one HTTP server per exchange on 127.0.0.1, sharing one fixture.
///
/// In tests: `let sandbox = try SandboxServer(fixture: .demo)` (ephemeral ports), then
/// `ExchangeClients.client(for:credentials:configuration: sandbox.configuration())`, and `sandbox.stop()`.
public final class SandboxServer: Sendable {
    /// The ports `holdfast-sandbox` uses by default.
    public static let defaultPorts: [ExchangeID: UInt16] = [
        .binance: 17001, .coinbase: 17002, .coinbaseexchange: 17003, .kraken: 17004, .kucoin: 17005,
    ]

    /// The shared fixture, nonce memory and counters.
    public let state: SandboxState
    private let servers: [ExchangeID: HTTPServer]

    /// Binds every exchange (port 0 or missing = an ephemeral port) and starts serving.
    public init(fixture: Fixture, ports: [ExchangeID: UInt16] = [:]) throws {
        let state = SandboxState(fixture: fixture)
        var servers: [ExchangeID: HTTPServer] = [:]
        do {
            for exchange in ExchangeID.allCases {
                // The router needs the server's stop flag, and the server needs the router: break the cycle
                // with a box filled in right after the server exists.
                let box = ServerBox()
                let router = SandboxRouter(simulator: SandboxServer.simulator(for: exchange), state: state,
                                           isStopped: { box.server?.isStopped ?? false })
                let server = try HTTPServer(port: ports[exchange] ?? 0) { router.respond($0) }
                box.server = server
                servers[exchange] = server
            }
        } catch {
            for server in servers.values { server.stop() }
            throw error
        }
        self.state = state
        self.servers = servers
        for server in servers.values { server.start() }
    }

    /// The port `exchange` listens on.
    public func port(for exchange: ExchangeID) -> UInt16 { servers[exchange]!.port }

    /// `http://127.0.0.1:<port>` for `exchange`.
    public func baseURL(for exchange: ExchangeID) -> URL {
        URL(string: "http://127.0.0.1:\(port(for: exchange))")!
    }

    /// Base URLs of every exchange.
    public var baseURLs: [ExchangeID: URL] {
        Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { ($0, baseURL(for: $0)) })
    }

    /// The `HOLDFAST_<EXCHANGE>_BASE_URL` variables pointing at this sandbox.
    public var environment: [String: String] {
        Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map {
            (ExchangeConfiguration.environmentVariable(for: $0), baseURL(for: $0).absoluteString)
        })
    }

    /// A client configuration aimed at this sandbox.
    public func configuration(timeout: TimeInterval = 30, nonceStore: (any NonceStore)? = nil) -> ExchangeConfiguration {
        ExchangeConfiguration(baseURLs: baseURLs, timeout: timeout, nonceStore: nonceStore)
    }

    /// Stops every server.
    public func stop() {
        for server in servers.values { server.stop() }
    }

    /// The simulator for `exchange`.
    static func simulator(for exchange: ExchangeID) -> any ExchangeSimulator {
        switch exchange {
        case .binance: return BinanceSimulator()
        case .coinbase: return CoinbaseSimulator()
        case .coinbaseexchange: return CoinbaseExchangeSimulator()
        case .kraken: return KrakenSimulator()
        case .kucoin: return KuCoinSimulator()
        }
    }
}

/// Holds a server reference set once after construction.
private final class ServerBox: @unchecked Sendable {
    // @unchecked: written once on the constructing thread before the server starts accepting; read-only after.
    var server: HTTPServer?
}
