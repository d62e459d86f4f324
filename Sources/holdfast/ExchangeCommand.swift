import App
import ArgumentParser
import Foundation

/// `holdfast exchange balances EXCHANGE`: reads `{"apiKey","apiSecret","passphrase","region"}` on stdin and prints the
/// account's balances as JSON (decimal strings). Base URLs come from the server's `HOLDFAST_*_BASE_URL`.
struct ExchangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange", abstract: "Talk to an exchange directly.", subcommands: [Balances.self])

    struct Balances: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Print an account's balances. Credentials come as JSON on stdin: {"apiKey","apiSecret","passphrase","region"} (region: okx eea/us, bybit nl/tr/kz/ge/ae/eu/id/jp; omit for the default host).
            """)

        @Argument(help: "binance, coinbase, coinbaseexchange, kraken, kucoin, okx, bybit or bitvavo.") var exchange: String

        func run() throws {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let name = exchange
            let (output, status, warnings) = runBlocking {
                await BalancesReport.run(exchange: name, stdin: input, environment: ProcessInfo.processInfo.environment)
            }
            print(output)
            // The balances leave out wallets the key may not read: say so where a person running it will see it.
            for warning in warnings {
                FileHandle.standardError.write(Data((warning + "\n").utf8))
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
