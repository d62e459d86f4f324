import ArgumentParser
import Exchanges
import Foundation
import Sandbox

/// `holdfast-sandbox`: every exchange's production paths on its own loopback port, from a fixture.
@main
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-sandbox",
        abstract: "Offline stand-ins for Binance, Coinbase, Coinbase Exchange, Kraken, KuCoin, OKX, Bybit and Bitvavo on 127.0.0.1.")

    @Option(help: "Fixture JSON file (default: the built-in demo fixture).")
    var fixture: String?

    @Option(help: "Binance port.") var binancePort: UInt16 = SandboxServer.defaultPorts[.binance]!
    @Option(help: "Coinbase Advanced Trade port.") var coinbasePort: UInt16 = SandboxServer.defaultPorts[.coinbase]!
    @Option(help: "Coinbase Exchange port.") var coinbaseexchangePort: UInt16 = SandboxServer.defaultPorts[.coinbaseexchange]!
    @Option(help: "Kraken port.") var krakenPort: UInt16 = SandboxServer.defaultPorts[.kraken]!
    @Option(help: "KuCoin port.") var kucoinPort: UInt16 = SandboxServer.defaultPorts[.kucoin]!
    @Option(help: "OKX port (every region: /eea, /us).") var okxPort: UInt16 = SandboxServer.defaultPorts[.okx]!
    @Option(help: "Bybit port (every region: /nl, /tr, …).") var bybitPort: UInt16 = SandboxServer.defaultPorts[.bybit]!
    @Option(help: "Bitvavo port.") var bitvavoPort: UInt16 = SandboxServer.defaultPorts[.bitvavo]!

    @Option(help: "Listen on base+1, base+2, … in the order binance, coinbase, coinbaseexchange, kraken, kucoin, okx, bybit, bitvavo (overrides the port options).")
    var portBase: UInt16?

    @Flag(help: "Print the built-in demo fixture and exit.")
    var printFixture = false

    @Flag(help: "Print the HOLDFAST_*_BASE_URL settings (every exchange and region) for these ports and exit.")
    var printEnvironment = false

    func run() throws {
        if printFixture {
            print(DemoFixture.json)
            return
        }
        let ports = portBase.map(SandboxServer.ports(base:)) ?? [
            .binance: binancePort, .coinbase: coinbasePort, .coinbaseexchange: coinbaseexchangePort,
            .kraken: krakenPort, .kucoin: kucoinPort,
            .okx: okxPort, .bybit: bybitPort, .bitvavo: bitvavoPort,
        ]
        if printEnvironment {
            print(SandboxServer.environment(ports: ports).sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
                .joined(separator: "\n"))
            return
        }
        let loaded = try fixture.map { try Fixture.load(path: $0) } ?? Fixture.demo
        let sandbox = try SandboxServer(fixture: loaded, ports: ports)
        // One write, so the lines reach a pipe immediately (stdout is block-buffered when piped).
        let lines = ExchangeID.allCases.map { "\($0.rawValue) \(sandbox.baseURL(for: $0).absoluteString)\n" }
        FileHandle.standardOutput.write(Data(lines.joined().utf8))
        // Signals arrive on a dispatch source, not in a C handler, so stopping can take locks safely.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let done = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            return source
        }
        done.wait()
        sources.forEach { $0.cancel() }
        sandbox.stop()
        print("stopped")
    }
}
