/// The exchanges Holdfast reads, named by the ids used in storage, configuration and the CLI.
public enum ExchangeID: String, CaseIterable, Sendable, Codable, Hashable {
    case binance
    case coinbase
    case coinbaseexchange
    case kraken
    case kucoin

    /// Static facts about the exchange for forms and help text.
    public var info: ExchangeInfo { ExchangeInfo.all[self]! }
}

/// A credential part an exchange asks for.
public enum CredentialField: String, Sendable, Codable, CaseIterable {
    case apiKey, apiSecret, passphrase
}

/// What a user needs to know to connect an exchange: its name, the fields to fill and how to make a safe key.
public struct ExchangeInfo: Sendable, Equatable {
    /// The exchange's stable id.
    public let id: ExchangeID
    /// Name shown to users.
    public let displayName: String
    /// Credential fields the exchange requires, in form order.
    public let requiredFields: [CredentialField]
    /// How to label each field in a form (exchanges name them differently).
    public let fieldLabels: [CredentialField: String]
    /// Steps to create a read-only key.
    public let readOnlyKeyHelp: String

    /// Every exchange's facts.
    public static let all: [ExchangeID: ExchangeInfo] = [
        .binance: ExchangeInfo(
            id: .binance, displayName: "Binance", requiredFields: [.apiKey, .apiSecret],
            fieldLabels: [.apiKey: "API Key", .apiSecret: "Secret Key (HMAC) or private key file (Ed25519/RSA)"],
            // Key types and what the user holds for each: exchanges.md §7.6.
            readOnlyKeyHelp: """
            In Binance open Account → API Management → Create API. For an Ed25519 key (Binance's recommended \
            type) or an RSA key, make the key pair with Binance's Asymmetric Key Generator without a password, \
            register the public key, and paste the whole private key file (-----BEGIN PRIVATE KEY----- …) as the \
            secret; for a System generated (HMAC) key paste its Secret Key. Leave only "Enable Reading" ticked; \
            do not enable Spot & Margin Trading or Withdrawals. Restrict access to your server's IP address if it \
            has a fixed one.
            """),
        .coinbase: ExchangeInfo(
            id: .coinbase, displayName: "Coinbase", requiredFields: [.apiKey, .apiSecret],
            fieldLabels: [.apiKey: "API key name (organizations/…/apiKeys/… or key id)",
                          .apiSecret: "Private key (EC PEM or Ed25519 base64), or the whole key file"],
            readOnlyKeyHelp: """
            In the Coinbase Developer Platform (portal.cdp.coinbase.com) open API Keys → Create API key. \
            Grant only the "View" permission (no Trade, no Transfer). Copy the key name and the whole private \
            key, including the BEGIN/END lines for an EC key; or paste the downloaded key file as the private \
            key and leave the key name empty.
            """),
        .coinbaseexchange: ExchangeInfo(
            id: .coinbaseexchange, displayName: "Coinbase Exchange", requiredFields: [.apiKey, .apiSecret, .passphrase],
            fieldLabels: [.apiKey: "API Key", .apiSecret: "API Secret", .passphrase: "Passphrase"],
            readOnlyKeyHelp: """
            In Coinbase Exchange open Settings → API → New API Key. Tick only the "View" permission, note the \
            passphrase you choose, and add your server's IP to the allow list.
            """),
        .kraken: ExchangeInfo(
            id: .kraken, displayName: "Kraken", requiredFields: [.apiKey, .apiSecret],
            fieldLabels: [.apiKey: "API Key", .apiSecret: "Private Key"],
            readOnlyKeyHelp: """
            In Kraken open Settings → API → Create API key. Tick only "Funds permissions: Query"; leave Deposit, \
            Withdraw and all trading permissions off, and do not set a key password (2FA). Use this key only \
            for Holdfast: Kraken rejects requests when two programs share a key.
            """),
        .kucoin: ExchangeInfo(
            id: .kucoin, displayName: "KuCoin", requiredFields: [.apiKey, .apiSecret, .passphrase],
            fieldLabels: [.apiKey: "API Key", .apiSecret: "API Secret", .passphrase: "API Passphrase"],
            readOnlyKeyHelp: """
            In KuCoin open Account → API Management → Create API. Choose API Trading, tick only "General" \
            (read-only), set an API passphrase (not your login or trading password) and restrict the key to your \
            server's IP.
            """),
    ]
}
