import Primitives

/// Binance request signing for spot REST and SAPI "SIGNED" endpoints, for all three key types
/// (exchanges.md §1.2, §7.5, §7.6).
///
/// Since 2026-01-15 Binance verifies the signature over the percent-encoded payload, so the payload is built
/// once with `payload(_:)` and those exact bytes are both signed and sent (§7.5).
public enum BinanceSigner {
    /// `name=value` pairs in the given order joined by `&`, each name and value form-encoded as UTF-8 the way
    /// Binance's SDK does (`urllib.parse.urlencode`): `A–Z a–z 0–9 - _ . ~` kept, space → `+`, every other
    /// byte → `%XX` with uppercase hex (exchanges.md §7.5).
    public static func payload(_ parameters: [(String, String)]) -> String {
        parameters.map { formEncoded($0.0) + "=" + formEncoded($0.1) }.joined(separator: "&")
    }

    /// Lowercase hex HMAC-SHA256 of `payload` (query string, plus body for POST) keyed by the secret's text.
    public static func signature(payload: String, secret: String) -> String {
        Hex.encode(HMAC.authenticationCode(.sha256, for: payload, using: secret))
    }

    /// The `signature=` value for `payload` signed with `key`: HMAC as lowercase hex; Ed25519 and RSA as
    /// standard base64, form-encoded (`+` `/` `=` → `%2B` `%2F` `%3D`) because it goes into the query as is.
    /// Throws `ExchangeError` `.invalidKeyFormat` when OpenSSL refuses the key.
    public static func signatureValue(payload: String, key: BinanceKey) throws -> String {
        let message = Array(payload.utf8)
        do {
            switch key {
            case .hmac(let secret):
                return signature(payload: payload, secret: secret)
            case .ed25519(let pem):
                return formEncoded(Base64.encode(try Ed25519.signature(for: message, privateKeyPEM: pem)))
            case .rsa(let pem):
                return formEncoded(Base64.encode(try RS256.signature(for: message, privateKeyPEM: pem)))
            }
        } catch {
            // BinanceKey parsing already read the key; this only happens if OpenSSL changes its mind.
            throw ExchangeError(.invalidKeyFormat, exchange: .binance, detail: "\(key.typeName) key refused by OpenSSL")
        }
    }

    /// The encoded payload of `parameters` with `&signature=…` appended as the last parameter, ready to send
    /// as the query string.
    public static func signedQuery(_ parameters: [(String, String)], key: BinanceKey) throws -> String {
        let encoded = payload(parameters)
        return encoded + "&signature=" + (try signatureValue(payload: encoded, key: key))
    }

    /// The account query Holdfast signs: timestamp first, zero balances omitted, 5 s window (any order is
    /// valid as long as the signed bytes are the bytes sent, exchanges.md §1.2).
    public static func accountParameters(timestampMs: Int64) -> [(String, String)] {
        [("timestamp", String(timestampMs)), ("omitZeroBalances", "true"), ("recvWindow", "5000")]
    }

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~".utf8)
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// x-www-form-urlencoded UTF-8 with uppercase hex, as exchanges.md §7.5 states Binance's SDK encodes.
    static func formEncoded(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                output.append(byte)
            } else if byte == UInt8(ascii: " ") {
                output.append(UInt8(ascii: "+"))
            } else {
                output += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
