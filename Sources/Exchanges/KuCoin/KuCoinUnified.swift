/// The balance of a KuCoin unified trading account (exchanges.md §9.2): one call, every currency in the wallet
/// `unified`, borrowed coins left out.
enum KuCoinUnified {
    /// The UTA balance endpoint (v1 as ccxt 4.5.90 uses it; KuCoin's SDK 1.3.2 names a v2 route, §9.1).
    static let path = "/api/ua/v1/unified/account/balance"
    /// The wallet name of every UTA row.
    static let wallet = "unified"

    /// `data`: `{"accountType":"UNIFIED","ts":…,"accounts":[{"currencies":[…]}]}`. `accounts` and `currencies`
    /// are optional here only so that their absence is reported as an incomplete listing, not as unreadable JSON.
    struct Answer: Decodable, Sendable {
        let accounts: [Account]?
    }

    struct Account: Decodable, Sendable {
        let currencies: [Currency]?
    }

    /// One currency: `balance` gross, `available` free, `liability` borrowed (`equity = balance − liability`).
    /// All three are required: without `liability` borrowed coins could not be told apart.
    struct Currency: Decodable, Sendable {
        let currency: String
        let balance: AmountText
        let available: AmountText
        let liability: AmountText
    }

    /// Raw rows of the UTA balance, net of liabilities (`BorrowedNetting`). Throws `bad_response` for an answer
    /// without `data`, `accounts` or `currencies` (it cannot be shown to be complete) or with a bad amount.
    static func rows(using client: KuCoinClient) async throws -> [RawBalance] {
        try rows(in: try await client.get(Answer.self, endpoint: path))
    }

    /// The rows of one decoded `data` (see `rows(using:)`).
    static func rows(in answer: Answer) throws -> [RawBalance] {
        guard let accounts = answer.accounts else {
            throw ExchangeError.incompleteListing(.kucoin, detail: "unified balance without accounts")
        }
        var rows: [RawBalance] = []
        for account in accounts {
            guard let currencies = account.currencies else {
                throw ExchangeError.incompleteListing(.kucoin, detail: "unified account without currencies")
            }
            for entry in currencies {
                let net = try BorrowedNetting.net(balance: entry.balance.text, available: entry.available.text,
                                                  liability: entry.liability.text, currency: entry.currency)
                rows.append(RawBalance(wallet: wallet, asset: entry.currency, free: net.free, locked: net.locked))
            }
        }
        return try BorrowedNetting.merged(rows)
    }
}
