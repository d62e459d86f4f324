/// The places a Bybit account holds assets, read once each (exchanges-okx-bybit-bitvavo.md §B.2, §E.6–§E.7).
///
/// | wallet | call | counted |
/// |---|---|---|
/// | `unified` | `wallet-balance?accountType=UNIFIED` | `walletBalance − spotBorrow` (never below 0), `locked` |
/// | `contract` (UTA 1.0) | `wallet-balance?accountType=CONTRACT` | `walletBalance` |
/// | `funding` | `query-account-coins-balance?accountType=FUND` | `walletBalance` |
/// | `earn-flexible`, `earn-onchain` | `earn/position?category=FlexibleSaving` / `OnChain` | `amount` (locked) |
///
/// `walletBalance` includes borrowed coins since Bybit's manual-borrow change, so the borrowed part
/// (`spotBorrow`) is taken out and the debt (`borrowAmount + accruedInterest`) is named in `notes`. `bonus` is
/// promotional credit (§B.8) and never counted on its own. A Funding or Earn read refused with 10005 is an
/// `UnreadWallet`; any other failure, and any failure of the unified wallet, fails the read.
enum BybitWallets {
    static let unified = "unified"
    static let contract = "contract"
    static let funding = "funding"
    static let earnFlexible = "earn-flexible"
    static let earnOnChain = "earn-onchain"

    /// `wallet-balance` `result`: `list` of accounts, each with its `coin` rows. Optional only so that their
    /// absence is reported as an incomplete listing rather than unreadable JSON.
    struct WalletAnswer: Decodable, Sendable {
        struct Account: Decodable, Sendable {
            let coin: [Coin]?
        }
        let list: [Account]?
    }

    /// One coin of a trading wallet. `walletBalance` is required everywhere; `spotBorrow` is required in the
    /// unified wallet (without it borrowed coins cannot be told apart), optional in `CONTRACT` (no spot borrowing).
    struct Coin: Decodable, Sendable {
        let coin: String
        let walletBalance: AmountText
        let locked: AmountText?
        let spotBorrow: AmountText?
        let borrowAmount: AmountText?
        let accruedInterest: AmountText?
        let bonus: AmountText?
    }

    /// FUND `result`: `balance` rows `{coin, walletBalance, transferBalance, bonus}` (§B.2).
    struct FundAnswer: Decodable, Sendable {
        struct Row: Decodable, Sendable {
            let coin: String
            let walletBalance: AmountText
            let bonus: AmountText?
        }
        let balance: [Row]?
    }

    /// Earn `result`: `list` of positions; `amount` is the holding (§B.2). `swapCoin` is read only to recognise
    /// an On-chain position in LST mode (see `rows(earn:wallet:)`).
    struct EarnAnswer: Decodable, Sendable {
        struct Position: Decodable, Sendable {
            let coin: String
            let amount: AmountText
            let swapCoin: String?
        }
        let list: [Position]?
    }

    /// Reads every wallet of an account in `mode` and aggregates them.
    ///
    /// A classic account (status 1) fails the read: its Spot and Derivatives wallets can no longer be named in
    /// `accountType` (§B.1), and Funding and Earn alone would be a partial read that deletes the rest. The user is
    /// told to upgrade to the Unified Trading Account.
    static func read(mode: BybitAccountMode, using client: BybitClient) async throws -> AccountBalances {
        if mode == .classic {
            throw ExchangeError(.badResponse, message:
                "Bybit reports a classic account, whose Spot and Derivatives wallets Bybit's API no longer lets " +
                "Holdfast read, so nothing was changed. Upgrade the account to the Unified Trading Account on " +
                "Bybit, then sync again.", exchange: .bybit, detail: "classic account (unifiedMarginStatus 1)")
        }
        var rows: [RawBalance] = []
        var notes: [String] = []
        var unread: [UnreadWallet] = []
        let unifiedAnswer = try await client.get(WalletAnswer.self, .walletBalance, query: "accountType=UNIFIED")
        rows += try tradingRows(unifiedAnswer, wallet: unified, notes: &notes)
        if mode == .uta1 {
            let contractAnswer = try await client.get(WalletAnswer.self, .walletBalance, query: "accountType=CONTRACT")
            rows += try tradingRows(contractAnswer, wallet: contract, notes: &notes)
        }
        if let fund = try await refusable(funding, into: &unread, {
            try await client.get(FundAnswer.self, .fundBalance, query: "accountType=FUND")
        }) {
            rows += try fundRows(fund, notes: &notes)
        }
        for (wallet, category) in [(earnFlexible, "FlexibleSaving"), (earnOnChain, "OnChain")] {
            if let earn = try await refusable(wallet, into: &unread, {
                try await client.get(EarnAnswer.self, .earnPosition, query: "category=" + category)
            }) {
                rows += try earnRows(earn, wallet: wallet, notes: &notes)
            }
        }
        let balances = try BalanceAggregator.aggregate(rows, exchange: .bybit)
        if client.isGlobalHost {
            notes += await BybitOverview.check(using: client)
        }
        return AccountBalances(balances: balances, unreadWallets: unread, notes: notes)
    }

    /// `body`'s answer, or nil with `wallet` listed as unread when Bybit refuses it with 10005 (missing scope,
    /// §B.5, §B.6). The unified wallet is read before, so the key and the IP are known good.
    private static func refusable<T>(_ wallet: String, into unread: inout [UnreadWallet],
                                     _ body: () async throws -> T) async throws -> T? {
        do {
            return try await body()
        } catch let error as ExchangeError where error.code == .permissionDenied {
            unread.append(UnreadWallet(wallet: wallet, message: unreadMessage(wallet)))
            return nil
        }
    }

    /// What a person does about a wallet the key may not read.
    static func unreadMessage(_ wallet: String) -> String {
        switch wallet {
        case funding:
            return "Bybit did not let this API key read the Funding account (10005), so it is left out of the " +
                "balances. Edit the key on Bybit and enable the Wallet read permission (keep it Read-Only)."
        default:
            let name = wallet == earnFlexible ? "Flexible Saving" : "On-chain Earn"
            return "Bybit did not let this API key read the \(name) positions (10005), so they are left out of " +
                "the balances. Edit the key on Bybit and enable the Earn read permission (keep it Read-Only)."
        }
    }

    /// Rows of a `wallet-balance` answer: per coin `walletBalance − spotBorrow` (at least 0) as the holding, of
    /// which `locked` (at most the holding) is locked. A debt (`borrowAmount + accruedInterest` > 0) and a
    /// non-zero `bonus` are noted. Throws `bad_response` for a missing listing, a `spotBorrow` the unified wallet
    /// cannot do without (`spotBorrow(of:wallet:)`), or an amount that is not a decimal, is negative, or is out of range.
    static func tradingRows(_ answer: WalletAnswer, wallet: String, notes: inout [String]) throws -> [RawBalance] {
        guard let accounts = answer.list else {
            throw ExchangeError.incompleteListing(.bybit, detail: "\(wallet) wallet without list")
        }
        var rows: [RawBalance] = []
        for account in accounts {
            guard let coins = account.coin else {
                throw ExchangeError.incompleteListing(.bybit, detail: "\(wallet) account without coin")
            }
            for coin in coins {
                let gross = try amount(coin.walletBalance.text, coin.coin)
                let borrowed = try spotBorrow(of: coin, wallet: wallet)
                // `locked` only splits the holding into free and held, so an empty one is "nothing held".
                let held = try amount(coin.locked.map { $0.text.isEmpty ? "0" : $0.text } ?? "0", coin.coin)
                let net = try difference(gross, borrowed, coin.coin)
                let owned = net.hasPrefix("-") ? "0" : net
                let locked = try isLess(owned, than: held, coin.coin) ? owned : held
                rows.append(RawBalance(wallet: wallet, asset: coin.coin,
                                       free: try difference(owned, locked, coin.coin), locked: locked))
                let debt = try sum(try amount(coin.borrowAmount?.text ?? "0", coin.coin),
                                   try amount(coin.accruedInterest?.text ?? "0", coin.coin), coin.coin)
                if !DecimalString.isZero(debt) || !DecimalString.isZero(borrowed) {
                    notes.append("\(wallet) \(coin.coin): walletBalance \(gross) includes \(borrowed) borrowed " +
                                 "(spotBorrow), counted \(owned); debt \(debt) (borrowAmount + accruedInterest) " +
                                 "not counted as a holding")
                }
                try noteBonus(coin.bonus, wallet: wallet, coin: coin.coin, notes: &notes)
            }
        }
        return rows
    }

    /// The borrowed part of a coin's `walletBalance`. Bybit leaves fields that do not apply empty on some accounts
    /// (UNVERIFIED for `spotBorrow`, §B.2), so an absent or empty `spotBorrow` counts as 0 only when the coin shows
    /// no debt at all (`borrowAmount` present and 0, as spot borrowing is part of it); with a debt or no
    /// `borrowAmount` the owned amount cannot be told and the read fails (`bad_response`). `CONTRACT` has no spot
    /// borrowing.
    static func spotBorrow(of coin: Coin, wallet: String) throws -> String {
        if let text = coin.spotBorrow?.text, !text.isEmpty { return try amount(text, coin.coin) }
        guard wallet == unified else { return "0" }
        if let debt = coin.borrowAmount?.text, !debt.isEmpty, DecimalString.isZero(try amount(debt, coin.coin)) {
            return "0"
        }
        throw ExchangeError(.badResponse, exchange: .bybit, detail: "unified \(coin.coin) without spotBorrow")
    }

    /// Rows of the Funding answer: `walletBalance` per coin, all free. Throws like `tradingRows`.
    static func fundRows(_ answer: FundAnswer, notes: inout [String]) throws -> [RawBalance] {
        guard let balance = answer.balance else {
            throw ExchangeError.incompleteListing(.bybit, detail: "funding without balance")
        }
        return try balance.map { row in
            try noteBonus(row.bonus, wallet: funding, coin: row.coin, notes: &notes)
            return RawBalance(wallet: funding, asset: row.coin, free: try amount(row.walletBalance.text, row.coin),
                              locked: "0")
        }
    }

    /// Rows of an Earn answer: each non-zero `amount`, locked (it cannot be traded as it is). Fully redeemed
    /// Flexible Saving positions are still listed with 0 and leave no row (§B.2).
    ///
    /// LST mode (§B.2): an On-chain product in LST mode swaps the staked coin for a liquid-staking token that
    /// may sit in Funding or Unified, and whether the position is then listed too is UNVERIFIED. Decided
    /// conservatively, as §B.2 advises: a position naming a `swapCoin` is not counted (its token is counted
    /// where it sits) and is noted. A position without `swapCoin` counts.
    static func earnRows(_ answer: EarnAnswer, wallet: String, notes: inout [String]) throws -> [RawBalance] {
        guard let list = answer.list else {
            throw ExchangeError.incompleteListing(.bybit, detail: "\(wallet) without list")
        }
        var rows: [RawBalance] = []
        for position in list {
            let value = try amount(position.amount.text, position.coin)
            if DecimalString.isZero(value) { continue }
            if let swap = position.swapCoin, !swap.isEmpty {
                notes.append("\(wallet) \(position.coin): \(value) in LST mode (token \(swap.prefix(20))), not counted " +
                             "here; the token is counted where it is held")
                continue
            }
            rows.append(RawBalance(wallet: wallet, asset: position.coin, free: "0", locked: value))
        }
        return rows
    }

    /// Notes a non-zero `bonus`; throws `bad_response` when it is not a non-negative decimal ("" is accepted as
    /// absent: Bybit sends "" for fields that do not apply).
    private static func noteBonus(_ bonus: AmountText?, wallet: String, coin: String, notes: inout [String]) throws {
        guard let text = bonus?.text, !text.isEmpty else { return }
        let value = try amount(text, coin)
        if !DecimalString.isZero(value) {
            notes.append("\(wallet) \(coin): bonus \(value) (promotional credit) not counted on its own")
        }
    }

    /// `text` canonical; `bad_response` when it is not a decimal in range or is negative (no balance, borrowed
    /// amount or position can be below zero).
    static func amount(_ text: String, _ coin: String) throws -> String {
        guard let value = DecimalString.canonical(text), !value.hasPrefix("-") else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "negative or non-decimal amount for \(coin.prefix(20))")
        }
        return value
    }

    private static func difference(_ a: String, _ b: String, _ coin: String) throws -> String {
        guard let value = DecimalString.subtract(a, b) else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "amount out of range for \(coin.prefix(20))")
        }
        return value
    }

    private static func sum(_ a: String, _ b: String, _ coin: String) throws -> String {
        guard let value = DecimalString.add(a, b) else {
            throw ExchangeError(.badResponse, exchange: .bybit, detail: "amount out of range for \(coin.prefix(20))")
        }
        return value
    }

    private static func isLess(_ a: String, than b: String, _ coin: String) throws -> Bool {
        try difference(a, b, coin).hasPrefix("-")
    }
}
