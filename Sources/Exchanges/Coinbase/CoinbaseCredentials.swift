import Foundation

/// Resolves a Coinbase CDP credential as entered into the key name the JWT names and the key that signs it.
///
/// The secret field may hold the downloaded key file (exchanges.md §10.1 item 4): JSON with the key name in
/// `name` (ECDSA keys) or `id` (Ed25519 keys) and the private key in `privateKey`. Its name then **supplies**
/// the key name when the key-name field is empty, and must **match** it otherwise: equal to it, or the field
/// holds only the key id that ends the file's `organizations/…/apiKeys/<id>` name (the file's full name is
/// used). Any other name is refused, since the JWT would name one key and be signed by another.
public enum CoinbaseCredentials {
    /// The key name and the private key of `credentials`, or `invalid_key_format` before any request.
    static func resolve(_ credentials: Credentials) throws -> (keyName: String, key: CoinbaseKey) {
        let entered = credentials.apiKey
        if entered.contains("-----BEGIN") || entered.contains("PRIVATE KEY-----") {
            throw failure("key-name-is-key", "The Coinbase key name field holds a key, not the key name. Enter the " +
                          "key name (organizations/…/apiKeys/… or the key id) and put the private key in the " +
                          "secret field.")
        }
        var secret = credentials.apiSecret
        var keyName = entered
        if let file = try keyFile(secret) {
            secret = file.privateKey
            if let fileName = file.name {
                if entered.isEmpty || entered == fileName || fileName.hasSuffix("/apiKeys/" + entered) {
                    keyName = fileName
                } else {
                    throw failure("key-file-name", "The key file pasted as the secret belongs to another key than " +
                                  "the key name entered. Leave the key name empty to use the file's, or paste the " +
                                  "matching file.")
                }
            }
        }
        if CoinbaseKeyText.isLegacyKey(keyName) && CoinbaseKeyText.isLegacySecret(secret) {
            throw CoinbaseKeyText.legacy
        }
        let key = try CoinbaseKey(secret: secret)
        guard !keyName.isEmpty else {
            throw failure("key-name-missing", "Coinbase needs the API key name (organizations/…/apiKeys/… or the " +
                          "key id) as well as the private key; it was empty.")
        }
        return (keyName, key)
    }

    /// `credentials` with the key name resolved and the secret in its canonical form (see
    /// `CoinbaseKey.canonicalSecret`), as stored for a connection; or `invalid_key_format`.
    public static func normalized(_ credentials: Credentials) throws -> Credentials {
        let (keyName, key) = try resolve(credentials)
        return Credentials(apiKey: keyName, apiSecret: try key.canonicalSecret, passphrase: credentials.passphrase)
    }

    /// A key file's parts.
    private struct KeyFile {
        let name: String?
        let privateKey: String
    }

    /// The key file in `secret`, nil when the secret is not JSON, or `invalid_key_format` for a broken file.
    private static func keyFile(_ secret: String) throws -> KeyFile? {
        guard secret.hasPrefix("{") else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(secret.utf8)) as? [String: Any] else {
            throw failure("key-file-json", "The secret looks like a Coinbase key file but is not complete JSON (it " +
                          "may be cut short). Paste the whole file, from { to }.")
        }
        guard let privateKey = object["privateKey"] as? String, !privateKey.isEmpty else {
            throw failure("key-file-private-key", "The Coinbase key file pasted as the secret has no privateKey. " +
                          "Paste the file CDP gave you for a Secret API key.")
        }
        let name = [object["name"], object["id"]].lazy.compactMap { $0 as? String }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
        return KeyFile(name: name, privateKey: privateKey)
    }

    private static func failure(_ detail: String, _ message: String) -> ExchangeError {
        ExchangeError(.invalidKeyFormat, message: message, exchange: .coinbase, detail: detail)
    }
}
