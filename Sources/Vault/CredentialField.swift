/// The encrypted columns of an exchange connection. The raw value is the column name, and it is bound into
/// each ciphertext's associated data, so a value copied into another column no longer decrypts.
public enum CredentialField: String, Sendable, CaseIterable {
    /// The exchange API key (public half, but still kept encrypted at rest).
    case apiKey = "api_key"
    /// The signing secret.
    case apiSecret = "api_secret"
    /// The extra passphrase some exchanges (KuCoin, OKX) require.
    case passphrase = "passphrase"
    /// An alert channel's secret (a webhook's HMAC key, an ntfy access token), bound to the channel's id in place
    /// of a connection's: not a column of `exchange_connections` but `alert_channels.secret_encrypted`.
    case alertSecret = "alert_secret"
}
