import Foundation
import Testing
@testable import Exchanges
@testable import Sandbox

/// Regional hosts (OKX §A.2, Bybit §B.1): which URL a key of each region is sent to, and how servers override them.
@Suite struct RegionConfigurationTests {
    @Test func productionHostsPerRegion() {
        let configuration = ExchangeConfiguration()
        #expect(configuration.baseURL(for: .okx, region: nil).absoluteString == "https://www.okx.com")
        #expect(configuration.baseURL(for: .okx, region: "global").absoluteString == "https://www.okx.com")
        #expect(configuration.baseURL(for: .okx, region: "eea").absoluteString == "https://eea.okx.com")
        #expect(configuration.baseURL(for: .okx, region: "us").absoluteString == "https://us.okx.com")
        #expect(configuration.baseURL(for: .bybit, region: "nl").absoluteString == "https://api.bybit.nl")
        #expect(configuration.baseURL(for: .bybit, region: "jp").absoluteString == "https://api.manepa.jp")
        #expect(configuration.baseURL(for: .bitvavo, region: nil).absoluteString == "https://api.bitvavo.com")
    }

    @Test func environmentOverridesEachRegionSeparately() throws {
        let configuration = try ExchangeConfiguration.fromEnvironment([
            "HOLDFAST_OKX_BASE_URL": "http://127.0.0.1:9/",
            "HOLDFAST_OKX_EEA_BASE_URL": "http://127.0.0.1:9/eea",
        ])
        #expect(configuration.baseURL(for: .okx, region: nil).absoluteString == "http://127.0.0.1:9")
        #expect(configuration.baseURL(for: .okx, region: "eea").absoluteString == "http://127.0.0.1:9/eea")
        // A region without its own variable keeps its production host: never silently another region's.
        #expect(configuration.baseURL(for: .okx, region: "us").absoluteString == "https://us.okx.com")
        #expect(throws: ExchangeConfigurationError(variable: "HOLDFAST_BYBIT_NL_BASE_URL")) {
            _ = try ExchangeConfiguration.fromEnvironment(["HOLDFAST_BYBIT_NL_BASE_URL": "ftp://x"])
        }
    }

    @Test func regionsAreValidatedBeforeAnyRequest() throws {
        let credentials = Credentials(apiKey: "k", apiSecret: "s", passphrase: "p", region: "atlantis")
        #expect(throws: ExchangeError.self) {
            _ = try ExchangeClients.client(for: .okx, credentials: credentials, configuration: ExchangeConfiguration())
        }
        let binance = Credentials(apiKey: "k", apiSecret: "s", region: "eea")
        do {
            _ = try ExchangeClients.client(for: .binance, credentials: binance, configuration: ExchangeConfiguration())
            Issue.record("a region on Binance was accepted")
        } catch let error as ExchangeError {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("Binance has no regions"))
        }
    }

    /// The sandbox's variables cover every exchange and every non-default region, on the exchange's port.
    @Test func sandboxEnvironmentNamesEveryRegion() {
        let environment = SandboxServer.environment(ports: SandboxServer.ports(base: 17000))
        #expect(environment["HOLDFAST_OKX_BASE_URL"] == "http://127.0.0.1:17006")
        #expect(environment["HOLDFAST_OKX_EEA_BASE_URL"] == "http://127.0.0.1:17006/eea")
        #expect(environment["HOLDFAST_BYBIT_TR_BASE_URL"] == "http://127.0.0.1:17007/tr")
        #expect(environment["HOLDFAST_BITVAVO_BASE_URL"] == "http://127.0.0.1:17008")
        #expect(environment["HOLDFAST_OKX_GLOBAL_BASE_URL"] == nil)
        let regional = ExchangeID.allCases.reduce(0) { $0 + max(0, $1.info.regions.count - 1) }
        #expect(environment.count == ExchangeID.allCases.count + regional)
        let configuration = try? ExchangeConfiguration.fromEnvironment(environment)
        #expect(configuration?.baseURL(for: .bybit, region: "tr").absoluteString == "http://127.0.0.1:17007/tr")
    }

    @Test func credentialsDescriptionShowsTheRegionNotTheSecrets() {
        let credentials = Credentials(apiKey: "abcdefghijkl", apiSecret: "topsecret", passphrase: "hunter2", region: "eea")
        #expect(credentials.description.contains("region: eea"))
        #expect(!credentials.description.contains("topsecret") && !credentials.description.contains("hunter2"))
    }
}
