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
        .okx: 17006, .bybit: 17007, .bitvavo: 17008,
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

    /// Ports `base + 1`, `base + 2`, … in `ExchangeID.allCases` order (what `holdfast-sandbox --port-base` and
    /// the test stacks use).
    public static func ports(base: UInt16) -> [ExchangeID: UInt16] {
        Dictionary(uniqueKeysWithValues: ExchangeID.allCases.enumerated().map { ($1, base + UInt16($0 + 1)) })
    }

    /// `http://127.0.0.1:<port>` for `exchange`.
    public func baseURL(for exchange: ExchangeID) -> URL { SandboxServer.baseURL(port: port(for: exchange)) }

    /// The stand-in for `exchange`'s host in `region`: the exchange's port, with the region id as the first path
    /// segment for a non-default region (`http://127.0.0.1:<port>/eea`). The simulator strips that segment and
    /// answers as that region's host; clients sign the API path, never the base URL's path.
    public func baseURL(for exchange: ExchangeID, region: String) -> URL {
        SandboxServer.baseURL(port: port(for: exchange), exchange: exchange, region: region)
    }

    /// `http://127.0.0.1:<port>`, plus `/<region>` for a non-default region of `exchange`.
    static func baseURL(port: UInt16, exchange: ExchangeID? = nil, region: String? = nil) -> URL {
        let root = URL(string: "http://127.0.0.1:\(port)")!
        guard let exchange, let region, region != exchange.info.defaultRegion?.id else { return root }
        return root.appendingPathComponent(region)
    }

    /// The `HOLDFAST_<EXCHANGE>_BASE_URL` and `HOLDFAST_<EXCHANGE>_<REGION>_BASE_URL` variables for a sandbox
    /// listening on `ports`.
    public static func environment(ports: [ExchangeID: UInt16]) -> [String: String] {
        var variables: [String: String] = [:]
        for exchange in ExchangeID.allCases {
            guard let port = ports[exchange] else { continue }
            variables[ExchangeConfiguration.environmentVariable(for: exchange)] = baseURL(port: port).absoluteString
            for region in exchange.info.regions.dropFirst() {
                variables[ExchangeConfiguration.environmentVariable(for: exchange, region: region.id)] =
                    baseURL(port: port, exchange: exchange, region: region.id).absoluteString
            }
        }
        return variables
    }

    /// Base URLs of every exchange.
    public var baseURLs: [ExchangeID: URL] {
        Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { ($0, baseURL(for: $0)) })
    }

    /// Base URLs of every non-default region.
    public var regionBaseURLs: [ExchangeID: [String: URL]] {
        Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { exchange in
            (exchange, Dictionary(uniqueKeysWithValues: exchange.info.regions.dropFirst().map {
                ($0.id, baseURL(for: exchange, region: $0.id))
            }))
        })
    }

    /// The `HOLDFAST_<EXCHANGE>_BASE_URL` and `HOLDFAST_<EXCHANGE>_<REGION>_BASE_URL` variables pointing at this
    /// sandbox.
    public var environment: [String: String] {
        SandboxServer.environment(ports: Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { ($0, port(for: $0)) }))
    }

    /// A client configuration aimed at this sandbox.
    public func configuration(timeout: TimeInterval = 30, nonceStore: (any NonceStore)? = nil) -> ExchangeConfiguration {
        var configuration = ExchangeConfiguration(baseURLs: baseURLs, timeout: timeout, nonceStore: nonceStore)
        configuration.regionBaseURLs = regionBaseURLs
        return configuration
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
        case .okx: return OKXSimulator()
        case .bybit: return BybitSimulator()
        case .bitvavo: return BitvavoSimulator()
        }
    }
}

/// Holds a server reference set once after construction.
private final class ServerBox: @unchecked Sendable {
    // @unchecked: written once on the constructing thread before the server starts accepting; read-only after.
    var server: HTTPServer?
}
