/// A currency a portfolio can be valued in (issue 13; stored as `users.currency`, Migrations/0010_value_history.sql).
///
/// The raw value is the upper-case code, which is also the canonical asset id the exchanges' markets use
/// (`AssetNormalizer`: Kraken's `XBT` and `ZUSD` arrive as `BTC` and `USD`), so a currency is a node of the
/// price book's graph like any asset.
public enum ValuationCurrency: String, Sendable, Codable, CaseIterable {
    case usd = "USD"
    case eur = "EUR"
    case gbp = "GBP"
    case chf = "CHF"
    case jpy = "JPY"
    case cad = "CAD"
    case aud = "AUD"
    case btc = "BTC"

    /// USD: a user who never chose one is valued in it (the column's default).
    public static let `default`: ValuationCurrency = .usd

    /// The currency named by exactly one of the codes above ("EUR"); nil for anything else, including "eur",
    /// " EUR" and "XBT", so a request's bad value is refused rather than guessed.
    public init?(code: String) {
        self.init(rawValue: code)
    }

    /// The upper-case code, also the asset id of the currency in the price book.
    public var code: String { rawValue }

    /// Digits after the point when a value in this currency is shown (`DecimalString.fixed`): 2 for fiat, 0 for
    /// JPY (the yen has no minor unit in use), 8 for BTC (one satoshi). Values themselves stay exact.
    public var displayFractionDigits: Int {
        switch self {
        case .jpy: 0
        case .btc: 8
        case .usd, .eur, .gbp, .chf, .cad, .aud: 2
        }
    }
}
