import Exchanges
import Foundation

/// The logic behind `holdfast exchange balances EXCHANGE` (the command itself lives in the `holdfast`
/// executable): credentials as JSON on stdin, balances as JSON out. Here, not in the executable, so tests call it.
public enum BalancesReport {
    private struct Input: Decodable {
        let apiKey: String?
        let apiSecret: String?
        let passphrase: String?
        /// An `ExchangeRegion` id (OKX, Bybit); nil for the default host.
        let region: String?

        /// Every field the input may have.
        static let fields: Set<String> = ["apiKey", "apiSecret", "passphrase", "region"]
    }

    /// Reads `{"apiKey","apiSecret","passphrase","region"}` from `stdin`, fetches balances with the exchanges' settings in
    /// `environment` (`Configuration.exchanges`), and returns `{"balances":[{"asset","free","locked","total","wallets":[{"wallet","rawAsset",
    /// "free","locked"}]}],"unreadWallets":[{"wallet","reason","message"}]}` with exit code 0 (a wallet the key may
    /// not read is listed, not an error, and named again in `warnings`), or `{"error":{"code","message"}}` with
    /// exit code 1 (2 for bad input). Output never contains secrets.
    public static func run(
        exchange: String, stdin: Data, environment: [String: String], timeout: TimeInterval = 30
    ) async -> (output: String, exitCode: Int32, warnings: [String]) {
        guard let id = ExchangeID(rawValue: exchange.lowercased()) else {
            let known = ExchangeID.allCases.map(\.rawValue).joined(separator: ", ")
            return failure(ExchangeError(.invalidRequest, message: "Unknown exchange \"\(exchange)\". Use one of: \(known)."),
                           exitCode: 2)
        }
        // A misspelt field ("regoin") would silently send the key to the default host: refuse it, as the API does.
        if let object = (try? JSONSerialization.jsonObject(with: stdin)) as? [String: Any],
           let unknown = object.keys.sorted().first(where: { !Input.fields.contains($0) }) {
            return failure(ExchangeError(.invalidRequest, message:
                "Unknown field \"\(unknown.prefix(40))\" on standard input; use \(Input.fields.sorted().joined(separator: ", ")).",
                exchange: id), exitCode: 2)
        }
        guard let input = try? JSONDecoder().decode(Input.self, from: stdin) else {
            return failure(ExchangeError(.invalidRequest, message:
                "Expected JSON on standard input: {\"apiKey\":…,\"apiSecret\":…,\"passphrase\":…}.", exchange: id),
                exitCode: 2)
        }
        let configuration: ExchangeConfiguration
        do {
            configuration = try Configuration.exchanges(environment: environment, timeout: timeout)
        } catch {
            return failure(ExchangeError(.invalidRequest, message: "Server configuration error: \(error).", exchange: id),
                           exitCode: 2)
        }
        let credentials = Credentials(apiKey: input.apiKey ?? "", apiSecret: input.apiSecret ?? "", passphrase: input.passphrase,
                                      region: input.region?.lowercased())
        do {
            let client = try ExchangeClients.client(for: id, credentials: credentials, configuration: configuration)
            let read = try await client.readBalances()
            return (render(read), 0, warnings(read.unreadWallets))
        } catch let error as ExchangeError {
            return failure(error, exitCode: 1)
        } catch {
            return failure(ExchangeError(.badResponse, exchange: id, detail: "unexpected error"), exitCode: 1)
        }
    }

    /// `{"balances":[…],"unreadWallets":[…]}` with amounts as JSON strings.
    static func render(_ read: AccountBalances) -> String {
        let rows = read.balances.map { balance in
            let wallets = balance.wallets.map { wallet in
                JSONText.object([
                    ("wallet", .string(wallet.wallet)), ("rawAsset", .string(wallet.rawAsset)),
                    ("free", .string(wallet.free)), ("locked", .string(wallet.locked)),
                ])
            }
            return JSONText.object([
                ("asset", .string(balance.asset)), ("free", .string(balance.free)),
                ("locked", .string(balance.locked)), ("total", .string(balance.total)),
                ("wallets", .raw("[" + wallets.joined(separator: ",") + "]")),
            ])
        }
        let unread = read.unreadWallets.map { wallet in
            JSONText.object([("wallet", .string(wallet.wallet)), ("reason", .string(wallet.reason)),
                             ("message", .string(wallet.message))])
        }
        return "{\"balances\":[" + rows.joined(separator: ",") + "],\"unreadWallets\":[" + unread.joined(separator: ",") + "]}"
    }

    /// One line per wallet the key may not read, for standard error: the balances on standard output leave
    /// those wallets out.
    static func warnings(_ unread: [UnreadWallet]) -> [String] {
        unread.map { "warning: wallet \($0.wallet) not read: \($0.message)" }
    }

    /// `{"error":{"code","message"[,"retryAfter"][,"clockOffsetMs"]}}`.
    static func failure(_ error: ExchangeError, exitCode: Int32) -> (output: String, exitCode: Int32, warnings: [String]) {
        var members: [(String, JSONText.Value)] = [("code", .string(error.code.rawValue)), ("message", .string(error.message))]
        if let retryAfter = error.retryAfter { members.append(("retryAfter", .integer(Int64(retryAfter)))) }
        if let offset = error.clockOffsetMs { members.append(("clockOffsetMs", .integer(offset))) }
        return ("{\"error\":" + JSONText.object(members) + "}", exitCode, [])
    }
}
