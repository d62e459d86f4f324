/// The encrypted columns of an exchange connection. The raw value is the column name, and it is bound into
/// each ciphertext's associated data, so a value copied into another column no longer decrypts.
public enum CredentialField: String, Sendable, CaseIterable {
    case apiKey = "api_key"
    case apiSecret = "api_secret"
    case passphrase = "passphrase"
}
