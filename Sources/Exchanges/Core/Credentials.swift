/// An exchange API key as the user entered it. Its description never shows the secret or the passphrase.
public struct Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The public key id (Coinbase: the key name).
    public var apiKey: String
    /// The secret (Coinbase: a PEM or base64 private key).
    public var apiSecret: String
    /// The passphrase, for exchanges that use one.
    public var passphrase: String?
    /// The id of the `ExchangeRegion` whose host issued the key (nil: the exchange's default region). Not a
    /// secret: a key works only on its entity's host, so the region travels with the key (OKX §A.2, Bybit §B.1).
    public var region: String?

    /// Credentials with surrounding whitespace and quotes removed, since pasted keys often carry them.
    public init(apiKey: String, apiSecret: String, passphrase: String? = nil, region: String? = nil) {
        self.apiKey = Credentials.cleaned(apiKey)
        self.apiSecret = Credentials.cleaned(apiSecret)
        self.passphrase = passphrase.map(Credentials.cleaned)
        self.region = region
    }

    /// Shows the key id's first characters only.
    public var description: String {
        let visible = apiKey.count > 8 ? String(apiKey.prefix(6)) + "…" : "…"
        return "Credentials(apiKey: \(visible), apiSecret: <redacted>, passphrase: \(passphrase == nil ? "none" : "<redacted>"), region: \(region ?? "default"))"
    }

    /// Same as `description`: debug output must not leak secrets either.
    public var debugDescription: String { description }

    /// Trims whitespace and one layer of matching quotes.
    private static func cleaned(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" {
            value = String(value.dropFirst().dropLast()).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return value
    }
}

import Foundation
