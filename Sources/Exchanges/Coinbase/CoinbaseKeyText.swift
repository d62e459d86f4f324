import Foundation
import Primitives

/// Reads a Coinbase CDP private key from text as people paste it, and says precisely what is wrong when the
/// text cannot hold a whole key. Nothing here sends a request.
///
/// Accepted (exchanges.md §10.1, §2a, §12.2 item 5): SEC1 `EC PRIVATE KEY` and PKCS#8 `PRIVATE KEY` PEM on
/// P-256; Ed25519 as PKCS#8 PEM or as base64 of 64 bytes (seed ‖ public key) or 32 bytes (seed). The PEM may
/// have its line breaks turned into spaces (a one-line form field), written as literal `\n` (copied out of
/// JSON), as CRLF, or lack its BEGIN or END line, or both: the armour is rebuilt from the base64 body.
/// Refused with `invalid_key_format`: truncated or damaged keys, public keys, encrypted keys, other key types,
/// legacy Coinbase App secrets (§10.2) and secrets of another product.
enum CoinbaseKeyText {
    /// The key in `secret`, or an `invalid_key_format` error saying what is wrong.
    static func key(from secret: String) throws -> CoinbaseKey {
        let text = unescaped(secret)
        if text.contains("-----") { return try pemKey(text) }
        return try bareKey(text)
    }

    /// The text with JSON-style escapes (`\n`, `\r`, `\t`, as the official SDK's `unicode_escape` step) turned
    /// into real whitespace, and CRLF/CR line ends into LF.
    static func unescaped(_ secret: String) -> String {
        secret.replacingOccurrences(of: "\\r\\n", with: "\n").replacingOccurrences(of: "\\n", with: "\n")
            .replacingOccurrences(of: "\\r", with: "\n").replacingOccurrences(of: "\\t", with: " ")
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    // MARK: - PEM

    /// A PEM whose line structure may be lost: the label comes from whichever armour line survives, the body
    /// is every base64 character between them.
    private static func pemKey(_ text: String) throws -> CoinbaseKey {
        let begin = armour(in: text, kind: "BEGIN")
        let end = armour(in: text, kind: "END")
        guard let label = begin?.label ?? end?.label else {
            throw failure("pem-armour", "The Coinbase private key has a damaged -----BEGIN or -----END line. Paste " +
                          "the whole key again, including both lines.")
        }
        if let begin, let end, begin.label != end.label {
            throw failure("pem-labels", "The Coinbase private key's -----BEGIN and -----END lines do not match: " +
                          "parts of two keys were pasted. Paste one whole key.")
        }
        try checkLabel(label)
        let start = begin?.range.upperBound ?? text.startIndex
        let stop = end?.range.lowerBound ?? text.endIndex
        guard start <= stop else {
            throw failure("pem-order", "The Coinbase private key's -----END line comes before its -----BEGIN line.")
        }
        let body = String(text[start..<stop])
        if body.contains(":") {
            // RFC 1421 headers (Proc-Type, DEK-Info) only appear on encrypted keys.
            throw encrypted
        }
        let der = try decodeBody(body, hasEnd: end != nil)
        return try key(fromDER: der, truncatedHint: end == nil)
    }

    /// The label and position of the first `-----BEGIN label-----` (or END) line, wherever it sits.
    private static func armour(in text: String, kind: String) -> (label: String, range: Range<String.Index>)? {
        guard let open = text.range(of: "-----\(kind) ") else { return nil }
        guard let close = text.range(of: "-----", range: open.upperBound..<text.endIndex) else { return nil }
        let label = text[open.upperBound..<close.lowerBound].split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return (label, open.lowerBound..<close.upperBound)
    }

    /// Refuses labels that are not an unencrypted private key.
    private static func checkLabel(_ label: String) throws {
        switch label {
        case "EC PRIVATE KEY", "PRIVATE KEY":
            return
        case "PUBLIC KEY", "EC PUBLIC KEY":
            throw publicKey
        case "ENCRYPTED PRIVATE KEY":
            throw encrypted
        case "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY":
            throw otherType(label.replacingOccurrences(of: " PRIVATE KEY", with: ""))
        default:
            throw failure("pem-label", "The text pasted as the Coinbase private key is not a private key (it is " +
                          "labelled \"\(label.prefix(40))\"). Paste the private key of a CDP API key.")
        }
    }

    /// The DER bytes of a PEM body whose line breaks may be spaces or missing.
    private static func decodeBody(_ body: String, hasEnd: Bool) throws -> [UInt8] {
        let compact = String(body.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        guard !compact.isEmpty else {
            throw failure("pem-empty", "The Coinbase private key has its -----BEGIN/-----END lines but nothing " +
                          "between them. Paste the whole key.")
        }
        guard compact.unicodeScalars.allSatisfy(isBase64) else { throw strayCharacters }
        guard let der = Base64.decode(padded(compact)) else {
            throw hasEnd ? damaged : truncated
        }
        return der
    }

    private static func key(fromDER der: [UInt8], truncatedHint: Bool) throws -> CoinbaseKey {
        switch PrivateKeyDER.identify(der) {
        case .p256(let pem): return .ecdsa(pem: pem)
        case .ed25519(let seed): return .ed25519(seed: seed)
        case .otherPrivateKey(let type): throw otherType(type)
        case .publicKey: throw publicKey
        case .unreadable: throw truncatedHint ? truncated : damaged
        }
    }

    // MARK: - Bare base64

    /// Base64 without armour: Ed25519 seed‖public key or seed, or a whole DER key whose armour was lost.
    private static func bareKey(_ text: String) throws -> CoinbaseKey {
        let compact = String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        if isLegacySecret(compact) { throw legacy }
        guard !compact.isEmpty, compact.unicodeScalars.allSatisfy(isBase64), let bytes = Base64.decode(padded(compact))
        else {
            throw failure("not-a-key", "The text pasted as the Coinbase private key is not a CDP private key. Paste " +
                          "the private key shown when the CDP API key was created (it starts with -----BEGIN EC " +
                          "PRIVATE KEY----- for ECDSA keys, or is 88 characters of base64 for Ed25519 keys).")
        }
        switch bytes.count {
        case 64:
            let seed = Array(bytes.prefix(32))
            // The CDP form is seed ‖ public key; a second half that is not that public key means the text is
            // not an Ed25519 key at all (a Coinbase Exchange HMAC secret is also 64 bytes of base64).
            guard let derived = try? Ed25519.publicKey(forSeed: seed), derived == Array(bytes.suffix(32)) else {
                throw failure("ed25519-halves", "The Coinbase secret is 64 bytes of base64 but is not a CDP Ed25519 " +
                              "key (its second half is not the public key of its first half). If this key came with " +
                              "a passphrase it is a Coinbase Exchange key: connect it as Coinbase Exchange.")
            }
            return .ed25519(seed: seed)
        case 32:
            return .ed25519(seed: bytes)
        default:
            // A PEM whose BEGIN and END lines were both lost still holds a whole DER key (a SEQUENCE).
            if bytes.first == 0x30, PrivateKeyDER.identify(bytes) != .unreadable {
                return try key(fromDER: bytes, truncatedHint: false)
            }
            throw failure("ed25519-length", "The Coinbase secret decodes to \(bytes.count) bytes; a CDP Ed25519 " +
                          "secret is 64 bytes (88 base64 characters) and an ECDSA key is a PEM block. It looks " +
                          "incomplete: paste the whole secret again.")
        }
    }

    /// A legacy Coinbase App API secret: 32 plain alphanumerics (exchanges.md §10.2).
    static func isLegacySecret(_ text: String) -> Bool {
        text.utf8.count == 32 && text.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
    }

    /// A legacy Coinbase App API key: 16 plain alphanumerics (exchanges.md §10.2).
    static func isLegacyKey(_ text: String) -> Bool {
        text.utf8.count == 16 && text.unicodeScalars.allSatisfy { $0.isASCII && CharacterSet.alphanumerics.contains($0) }
    }

    private static func isBase64(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "+", "/", "=": return true
        default: return false
        }
    }

    /// Adds missing `=` padding (some copies drop it); a length that no padding can fix stays as it is.
    private static func padded(_ text: String) -> String {
        let remainder = text.utf8.count % 4
        return remainder == 2 || remainder == 3 ? text + String(repeating: "=", count: 4 - remainder) : text
    }

    // MARK: - Errors

    private static func failure(_ detail: String, _ message: String) -> ExchangeError {
        ExchangeError(.invalidKeyFormat, message: message, exchange: .coinbase, detail: detail)
    }

    static let legacy = failure("legacy-key", "This is a legacy Coinbase API key (a 16-character key with a " +
        "32-character secret). Coinbase switched these keys off in February 2025. Create a CDP API key (Secret API " +
        "key, View permission) in the Coinbase Developer Platform and connect that one.")
    private static let truncated = failure("pem-truncated", "The Coinbase private key is incomplete: it is cut " +
        "short. Paste the whole key, from the -----BEGIN line to the -----END line.")
    private static let damaged = failure("pem-damaged", "The Coinbase private key is damaged: its content is not a " +
        "valid key (characters are missing or were changed). Paste the whole key again exactly as CDP showed it.")
    private static let strayCharacters = failure("pem-characters", "The Coinbase private key contains characters " +
        "that cannot be part of a key. Paste the key again exactly as CDP showed it, without anything around it.")
    private static let publicKey = failure("public-key", "This is a public key. Holdfast needs the private key of " +
        "the CDP API key (-----BEGIN EC PRIVATE KEY----- …, or the Ed25519 secret), shown once when it was created.")
    private static let encrypted = failure("encrypted-key", "This private key is encrypted with a password. CDP " +
        "API keys are issued unencrypted: paste the private key exactly as CDP showed it.")
    private static func otherType(_ type: String) -> ExchangeError {
        failure("key-type", "This is a \(type) private key. Coinbase CDP API keys are ECDSA (P-256) or Ed25519 keys: " +
                "paste the private key of a CDP API key.")
    }
}
