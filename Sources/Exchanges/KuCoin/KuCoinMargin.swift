/// KuCoin classic margin wallets, which hold borrowed coins (exchanges.md §9.3): their `/api/v1/accounts` rows
/// are never counted; the wallet is re-read from its own endpoint, whose rows carry `liability`, and counted net
/// of it (`BorrowedNetting`).
///
/// Our rule, chosen to cost no request for the many accounts without margin: a margin endpoint is read only when
/// `/api/v1/accounts` returned a non-empty row of that wallet's type (an empty one nets to 0 whatever it owes). A key refused with `400007` (§4.3) leaves the wallet
/// out and names it in `AccountBalances.unreadWallets`; any other failure fails the read.
enum KuCoinMargin {
    /// A margin wallet: cross (`GET /api/v3/margin/accounts`) or isolated (`GET /api/v3/isolated/accounts`).
    enum Wallet: Equatable, Sendable {
        case cross
        case isolated

        /// The wallet of a `/api/v1/accounts` `type`: `margin…` is cross, `isolated…` isolated (a `_v2` suffix
        /// included), anything else is not margin. nil for every other type, `trade_hf` included.
        init?(accountType: String?) {
            let type = (accountType ?? "").lowercased()
            if type == "margin" || type.hasPrefix("margin_") {
                self = .cross
            } else if type == "isolated" || type.hasPrefix("isolated_") {
                self = .isolated
            } else {
                return nil
            }
        }

        /// The wallet name in balances and unread wallets (the classic account type).
        var name: String { self == .cross ? "margin" : "isolated" }
        /// The endpoint with `liability` per currency (§9.3; SDK 1.3.2 `GetCrossMarginAccountAccounts`,
        /// `GetIsolatedMarginAccountAssetsBaseAsset`), called without query (KuCoin's defaults).
        var path: String { self == .cross ? "/api/v3/margin/accounts" : "/api/v3/isolated/accounts" }
    }

    /// What one margin wallet read gave.
    enum Outcome {
        /// Net rows of the wallet (possibly none).
        case rows([RawBalance])
        /// The key may not read the wallet.
        case refused(UnreadWallet)
    }

    /// One currency of a margin wallet: `total = available + hold`, `liability` borrowed (principal + interest).
    private struct Asset: Decodable, Sendable {
        let currency: String
        let total: AmountText
        let available: AmountText
        let liability: AmountText
    }

    /// Cross margin `data`: `{"accounts":[Asset], "debtRatio", …}`.
    private struct CrossAnswer: Decodable, Sendable {
        let accounts: [Asset]?
    }

    /// Isolated margin `data`: `{"assets":[{"symbol","baseAsset":Asset,"quoteAsset":Asset}], …}`.
    private struct IsolatedAnswer: Decodable, Sendable {
        struct Pair: Decodable, Sendable {
            let baseAsset: Asset
            let quoteAsset: Asset
        }
        let assets: [Pair]?
    }

    /// Reads `wallet` net of liabilities. Throws the classified error of any failure but a permission refusal;
    /// `bad_response` when the listing (`accounts`/`assets`) is missing or an amount is not a decimal.
    static func read(_ wallet: Wallet, using client: KuCoinClient) async throws -> Outcome {
        let assets: [Asset]
        do {
            switch wallet {
            case .cross:
                guard let listed = try await client.get(CrossAnswer.self, endpoint: wallet.path).accounts else {
                    throw ExchangeError.incompleteListing(.kucoin, detail: "cross margin without accounts")
                }
                assets = listed
            case .isolated:
                guard let pairs = try await client.get(IsolatedAnswer.self, endpoint: wallet.path).assets else {
                    throw ExchangeError.incompleteListing(.kucoin, detail: "isolated margin without assets")
                }
                // Liabilities are per pair, so each side is netted within its pair before the sums.
                assets = pairs.flatMap { [$0.baseAsset, $0.quoteAsset] }
            }
        } catch let error as ExchangeError where error.code == .permissionDenied {
            return .refused(UnreadWallet(wallet: wallet.name, message:
                "KuCoin refused this key access to the \(wallet == .cross ? "cross" : "isolated") margin account, " +
                "so its coins are not counted. Allow the key to read margin accounts on KuCoin to include them."))
        }
        return .rows(try BorrowedNetting.merged(try assets.map { asset in
            let net = try BorrowedNetting.net(balance: asset.total.text, available: asset.available.text,
                                              liability: asset.liability.text, currency: asset.currency)
            return RawBalance(wallet: wallet.name, asset: asset.currency, free: net.free, locked: net.locked)
        }))
    }
}
