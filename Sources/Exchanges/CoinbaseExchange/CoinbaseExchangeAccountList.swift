/// De-duplication of Coinbase Exchange `GET /accounts` rows for keys that see several profiles (exchanges.md
/// §10.4: one key = one profile's accounts, but portfolio isolation off or a cross-portfolio key can return
/// other profiles' rows too). Each profile has one account per currency, so the same account `id`, or the same
/// `(profile_id, currency)`, listed twice is one account: an identical repeat is dropped; a repeat with other
/// amounts (or the same id under another profile or currency) makes the whole answer untrustworthy. The rule is
/// ours (§10.4 "de-duplicate by `(profile_id, currency)`").
enum CoinbaseExchangeAccountList {
    /// `accounts` without repeats, in first-seen order. Throws `bad_response` when two rows of one account
    /// disagree.
    static func deduplicated(_ accounts: [CoinbaseExchangeClient.Account]) throws -> [CoinbaseExchangeClient.Account] {
        var byID: [String: CoinbaseExchangeClient.Account] = [:]
        var byProfileCurrency: [String: CoinbaseExchangeClient.Account] = [:]
        var kept: [CoinbaseExchangeClient.Account] = []
        for account in accounts {
            let slot = (account.profile_id ?? "") + "\u{0}" + account.currency
            let earlier = account.id.flatMap { byID[$0] } ?? byProfileCurrency[slot]
            if let earlier {
                guard sameAccount(earlier, account) else { throw conflicting(account.currency) }
                continue
            }
            if let id = account.id { byID[id] = account }
            byProfileCurrency[slot] = account
            kept.append(account)
        }
        return kept
    }

    /// True when `a` and `b` carry the same profile, currency and amounts (compared as decimal values, so "1.0"
    /// equals "1"). Ids are not compared: a match was found by id or by `(profile_id, currency)`, and either
    /// names one account.
    private static func sameAccount(_ a: CoinbaseExchangeClient.Account, _ b: CoinbaseExchangeClient.Account) -> Bool {
        func amount(_ text: AmountText?) -> String? { text.map { DecimalString.canonical($0.text) ?? $0.text } }
        return a.profile_id == b.profile_id && a.currency == b.currency
            && amount(a.balance) == amount(b.balance) && amount(a.hold) == amount(b.hold)
            && amount(a.available) == amount(b.available)
    }

    /// The error for one account listed twice with different contents.
    private static func conflicting(_ currency: String) -> ExchangeError {
        ExchangeError(.badResponse, message:
            "Coinbase Exchange listed the same account twice with different amounts, so the answer was not used " +
            "and the holdings were left as they were. Holdfast will try again later.",
            exchange: .coinbaseexchange, detail: "account listed twice with different amounts: " +
            String(currency.prefix(20)))
    }
}
