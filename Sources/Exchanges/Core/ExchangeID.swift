/// The exchanges Holdfast reads, named by the ids used in storage, configuration and the CLI.
public enum ExchangeID: String, CaseIterable, Sendable, Codable, Hashable {
    case binance
    case coinbase
    case coinbaseexchange
    case kraken
    case kucoin
    case okx
    case bybit
    case bitvavo

    /// Static facts about the exchange for forms and help text.
    public var info: ExchangeInfo { ExchangeInfo.all[self]! }
}

/// A credential part an exchange asks for, as a form and the API name it: the raw value is the JSON member
/// (`apiKey`). Not `Vault.CredentialField`, whose raw value is the stored column (`api_key`).
public enum CredentialInput: String, Sendable, Codable, CaseIterable {
    case apiKey, apiSecret, passphrase
}

/// What a user needs to know to connect an exchange: its name, the fields to fill and how to make a safe key.
public struct ExchangeInfo: Sendable, Equatable {
    /// The exchange's stable id.
    public let id: ExchangeID
    /// Name shown to users.
    public let displayName: String
    /// Credential fields the exchange requires, in form order.
    public let requiredFields: [CredentialInput]
    /// How to label each field in a form (exchanges name them differently).
    public let fieldLabels: [CredentialInput: String]
    /// Steps to create a read-only key.
    public let readOnlyKeyHelp: String
    /// The hosts a key may belong to, the default first; empty when the exchange has one host for everyone.
    /// A key works only on the host of the entity that issued it (OKX §A.2, Bybit §B.1).
    public var regions: [ExchangeRegion] = []
    /// False when the exchange offers no way to ask what a key may do (Bitvavo §C.4): the user is told the
    /// key's rights cannot be checked.
    public var canCheckPermissions = true

    /// The region with `id`, or nil when the exchange has no such region.
    public func region(_ id: String) -> ExchangeRegion? { regions.first { $0.id == id } }
    /// The region used when a connection names none.
    public var defaultRegion: ExchangeRegion? { regions.first }

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
        .okx: ExchangeInfo(
            id: .okx, displayName: "OKX", requiredFields: [.apiKey, .apiSecret, .passphrase],
            fieldLabels: [.apiKey: "API key", .apiSecret: "Secret key", .passphrase: "Passphrase"],
            readOnlyKeyHelp: """
            In OKX open Profile → API keys → Create API key (not inside Demo Trading). Choose the "Read" \
            permission only (no Trade, no Withdraw), set a passphrase and note it, and bind the key to your \
            server's IP address if it has a fixed one. Pick the region your account belongs to: OKX EEA and \
            OKX US keys work only on their own hosts.
            """,
            // Hosts per entity: exchanges-okx-bybit-bitvavo.md §A.2.
            regions: [
                ExchangeRegion(id: "global", displayName: "Global (www.okx.com)", productionURL: "https://www.okx.com"),
                ExchangeRegion(id: "eea", displayName: "EEA (eea.okx.com)", productionURL: "https://eea.okx.com"),
                ExchangeRegion(id: "us", displayName: "US (us.okx.com)", productionURL: "https://us.okx.com"),
            ]),
        .bybit: ExchangeInfo(
            id: .bybit, displayName: "Bybit", requiredFields: [.apiKey, .apiSecret],
            fieldLabels: [.apiKey: "API key", .apiSecret: "API secret"],
            readOnlyKeyHelp: """
            In Bybit open Account → API → Create New Key → System-generated API keys (Holdfast supports these \
            HMAC keys only, not self-generated RSA keys). Choose "Read-Only" and tick the read scopes (Wallet, \
            Earn). Keys without an IP restriction expire after 90 days; bind the key to your server's IP address \
            to keep it. Pick the region your account belongs to. Bybit EU (api.bybit.eu) accepts only keys made \
            for registered broker apps, so a key you create yourself cannot be used there.
            """,
            // Hosts per entity: exchanges-okx-bybit-bitvavo.md §B.1.
            regions: [
                ExchangeRegion(id: "global", displayName: "Global (api.bybit.com)", productionURL: "https://api.bybit.com"),
                ExchangeRegion(id: "nl", displayName: "Netherlands (api.bybit.nl)", productionURL: "https://api.bybit.nl"),
                ExchangeRegion(id: "tr", displayName: "Turkey (api.bybit.tr)", productionURL: "https://api.bybit.tr"),
                ExchangeRegion(id: "kz", displayName: "Kazakhstan (api.bybit.kz)", productionURL: "https://api.bybit.kz"),
                ExchangeRegion(id: "ge", displayName: "Georgia (api.bybitgeorgia.ge)", productionURL: "https://api.bybitgeorgia.ge"),
                ExchangeRegion(id: "ae", displayName: "UAE (api.bybit.ae)", productionURL: "https://api.bybit.ae"),
                ExchangeRegion(id: "eu", displayName: "EEA (api.bybit.eu)", productionURL: "https://api.bybit.eu"),
                ExchangeRegion(id: "id", displayName: "Indonesia (api.bybit.id)", productionURL: "https://api.bybit.id"),
                ExchangeRegion(id: "jp", displayName: "Japan (api.manepa.jp)", productionURL: "https://api.manepa.jp"),
            ]),
        .bitvavo: ExchangeInfo(
            id: .bitvavo, displayName: "Bitvavo", requiredFields: [.apiKey, .apiSecret],
            fieldLabels: [.apiKey: "API key", .apiSecret: "API secret"],
            readOnlyKeyHelp: """
            In Bitvavo open Settings → API → Create API key. Tick only "View" (leave Trade and Withdraw off), \
            confirm the key from the e-mail Bitvavo sends, and restrict it to your server's IP address. Bitvavo \
            offers no way to ask what a key may do, so Holdfast cannot check that this key is read-only: \
            make sure yourself that Trade and Withdraw are off.
            """,
            canCheckPermissions: false),
    ]
}
