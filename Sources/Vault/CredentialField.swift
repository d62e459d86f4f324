/// The encrypted columns of an exchange connection. The raw value is the column name, and it is bound into
/// each ciphertext's associated data, so a value copied into another column no longer decrypts.
public enum CredentialField: String, Sendable, CaseIterable {
    /// The exchange API key (public half, but still kept encrypted at rest).
    case apiKey = "api_key"
    /// The signing secret.
    case apiSecret = "api_secret"
    /// The extra passphrase some exchanges (KuCoin, OKX) require.
    case passphrase = "passphrase"
}
