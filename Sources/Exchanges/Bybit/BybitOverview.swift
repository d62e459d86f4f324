/// The asset overview as a completeness check (exchanges-okx-bybit-bitvavo.md §B.2, §E.6): it is the only call
/// that shows bot, copy-trading, loan and launchpool funds, and it aggregates every wallet Holdfast reads, so it
/// is never added to the balances. It is called on the global host only (not supported for regional accounts,
/// §B.2) and never fails a read: any failure becomes a note.
///
/// The exact field names of its answer beyond what §B.2 states are UNVERIFIED; Holdfast reads
/// `result.list[]` `{accountType, equity}` (equity in the valuation currency, USD by default). Decision on the
/// tolerance: an account type Holdfast does not read (anything but `FundingAccount`, `UnifiedTradingAccount`,
/// `Earn`) whose equity is at least 0.01 in absolute value (a cent: below it is dust) is noted. The types Holdfast
/// reads are not compared: the overview values them in USD and includes unrealised PnL, so a difference there
/// says nothing about a missing coin.
enum BybitOverview {
    /// `result` of `/v5/asset/asset-overview`.
    struct Answer: Decodable, Sendable {
        struct Entry: Decodable, Sendable {
            let accountType: String
            let equity: AmountText?
        }
        let list: [Entry]?
    }

    /// Account types whose funds Holdfast reads through the wallet calls.
    static let readTypes: Set<String> = ["FundingAccount", "UnifiedTradingAccount", "Earn"]

    /// The smallest absolute equity worth a note, in the valuation currency.
    static let tolerance = "0.01"

    /// Notes for funds the overview shows outside the wallets read; a note saying the check did not run when the
    /// overview could not be read.
    static func check(using client: BybitClient) async -> [String] {
        do {
            return notes(for: try await client.get(Answer.self, .assetOverview))
        } catch let error as ExchangeError {
            return ["asset overview not checked (\(error.code.rawValue)\(error.detail.map { " " + $0 } ?? ""))"]
        } catch {
            return ["asset overview not checked"]
        }
    }

    /// The notes `answer` calls for (see the type's rule).
    static func notes(for answer: Answer) -> [String] {
        guard let list = answer.list else { return ["asset overview without list, not checked"] }
        var notes: [String] = []
        for entry in list where !readTypes.contains(entry.accountType) {
            guard let text = entry.equity?.text, let equity = DecimalString.canonical(text) else {
                notes.append("asset overview: \(entry.accountType.prefix(40)) has an unreadable equity")
                continue
            }
            let magnitude = equity.hasPrefix("-") ? String(equity.dropFirst()) : equity
            guard let excess = DecimalString.subtract(magnitude, tolerance), !excess.hasPrefix("-") else { continue }
            notes.append("asset overview: \(entry.accountType.prefix(40)) holds \(equity) (USD value) that Holdfast " +
                         "does not read (bots, copy trading, loans and similar are not counted)")
        }
        return notes
    }
}
