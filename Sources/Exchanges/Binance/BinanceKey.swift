import Primitives

/// A Binance API secret, typed by how it signs (exchanges.md §1.2, §7.6): an HMAC secret, or the private
/// half of an Ed25519 or RSA key pair whose public half the user registered with Binance.
public enum BinanceKey: Sendable, Equatable {
    /// HMAC-SHA256 keyed by the secret's text.
    case hmac(secret: String)
    /// Pure Ed25519 (RFC 8032) with a PKCS#8 `PRIVATE KEY` PEM.
    case ed25519(privateKeyPEM: String)
    /// RSASSA-PKCS1-v1_5 / SHA-256 with an RSA private key PEM of at least 2048 bits.
    case rsa(privateKeyPEM: String)

    /// The key type read from the secret itself: a PEM private key (or its bare base64 body) is Ed25519 or
    /// RSA according to its AlgorithmIdentifier; anything else is an HMAC secret. Line breaks lost on the way
    /// (a one-line form field, literal `\n`, CRLF) are repaired by re-wrapping the base64 body.
    ///
    /// Throws `ExchangeError` `.invalidKeyFormat` before any request when the secret is a PEM Holdfast cannot
    /// sign with: encrypted (Binance keys have no passphrase field here), a public key, an EC or other
    /// algorithm Binance does not issue, an RSA key under 2048 bits, or text OpenSSL cannot read.
    public init(secret: String) throws {
        let armour = PEMArmour(secret)
        guard let armour else {
            if let key = BinanceKey.bareKey(secret) { self = key } else { self = .hmac(secret: secret) }
            return
        }
        if armour.isEncrypted {
            throw BinanceKey.formatError("""
                This Binance private key is encrypted with a passphrase, which Holdfast does not take for Binance. \
                Save an unencrypted copy (for example `openssl pkcs8 -in key.pem -out plain.pem`) and paste that.
                """, detail: "encrypted private key")
        }
        if armour.label.contains("PUBLIC KEY") {
            throw BinanceKey.formatError("""
                This is a public key: the one you registered with Binance. Paste the PRIVATE key file that was \
                created with it (-----BEGIN PRIVATE KEY-----).
                """, detail: "public key given as secret")
        }
        guard armour.label.hasSuffix("PRIVATE KEY") else {
            throw BinanceKey.formatError("""
                The Binance secret looks like a PEM block but not a private key ("\(armour.label)"). Paste the \
                HMAC secret key, or the whole Ed25519/RSA private key file.
                """, detail: "PEM label \(armour.label)")
        }
        self = try BinanceKey.typed(pem: armour.pem)
    }

    /// The name Binance gives the key type, for logs and messages.
    public var typeName: String {
        switch self {
        case .hmac: return "HMAC"
        case .ed25519: return "Ed25519"
        case .rsa: return "RSA"
        }
    }

    /// `error` with a message fit for this key type: for an asymmetric key a rejected signature means the
    /// private key is not the pair of the public key registered for this API key, not a mistyped secret.
    public func explaining(_ error: ExchangeError) -> ExchangeError {
        if case .hmac = self { return error }
        guard error.code == .invalidSignature else { return error }
        var explained = error
        explained.message = """
            Binance rejected the request signature made with this \(typeName) private key. It is probably not the \
            private key of the public key registered for this API key: paste the private key file created \
            together with that public key, or register this key's public key on Binance.
            """
        return explained
    }

    /// Ed25519 or RSA from a readable private key PEM; other algorithms and unreadable text throw.
    private static func typed(pem: String) throws -> BinanceKey {
        let algorithm: KeyAlgorithm
        do {
            algorithm = try KeyAlgorithm(privateKeyPEM: pem)
        } catch {
            throw formatError("""
                The Binance private key could not be read. Paste the whole private key file, including the \
                -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY----- lines.
                """, detail: "unreadable private key PEM")
        }
        switch algorithm {
        case .ed25519:
            return .ed25519(privateKeyPEM: pem)
        case .rsa(let bits) where bits >= RS256.minimumBits:
            return .rsa(privateKeyPEM: pem)
        case .rsa(let bits):
            throw formatError("This RSA key has \(bits) bits; Binance RSA keys have 2048 or 4096. Create a new key.",
                              detail: "RSA \(bits) bits")
        case .ecdsa, .other:
            throw formatError("""
                Binance API keys are HMAC, Ed25519 or RSA; this private key is of another type. Paste the key \
                you created for Binance.
                """, detail: "unsupported key algorithm")
        }
    }

    /// A PKCS#8 body pasted without its BEGIN/END lines. An Ed25519 body is 64 base64 characters, often all
    /// letters and digits like an HMAC secret, so only the parse can tell: an HMAC secret never decodes to a
    /// well-formed PKCS#8 structure (it would have to begin with the fixed DER header `MC4CAQAwBQYDK2Vw…`).
    private static func bareKey(_ secret: String) -> BinanceKey? {
        let body = secret.filter { !$0.isWhitespace }
        guard body.count >= 64, body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
        else { return nil }
        return try? typed(pem: PEM.armour(base64: body, label: "PRIVATE KEY"))
    }

    private static func formatError(_ message: String, detail: String) -> ExchangeError {
        ExchangeError(.invalidKeyFormat, message: message, exchange: .binance, detail: detail)
    }
}

/// A PEM block as pasted, with its line structure rebuilt: label from the BEGIN (or END) line, the base64
/// body with every space, line break and literal `\n` removed, re-wrapped at 64 columns (RFC 7468 §2).
struct PEMArmour {
    /// The label, e.g. `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, `RSA PRIVATE KEY`.
    let label: String
    /// True for PKCS#8 `ENCRYPTED PRIVATE KEY` and legacy `Proc-Type: 4,ENCRYPTED` blocks.
    let isEncrypted: Bool
    /// The rebuilt PEM text.
    let pem: String

    /// nil when `text` has no `-----BEGIN …-----` or `-----END …-----` line, i.e. is not PEM at all.
    init?(_ text: String) {
        let unescaped = text.replacingOccurrences(of: "\\r", with: "").replacingOccurrences(of: "\\n", with: "\n")
        var labels: [String] = []
        var body = ""
        var rest = Substring(unescaped)
        while let start = rest.range(of: "-----") {
            body += rest[..<start.lowerBound]
            let afterStart = rest[start.upperBound...]
            guard let end = afterStart.range(of: "-----") else { rest = afterStart; break }
            labels.append(String(afterStart[..<end.lowerBound]))
            rest = afterStart[end.upperBound...]
        }
        body += rest
        let names = labels.compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard let first = words.first, first == "BEGIN" || first == "END" else { return nil }
            return words.dropFirst().joined(separator: " ")
        }
        guard let label = names.first else { return nil }
        // Legacy OpenSSL encryption puts "Proc-Type: 4,ENCRYPTED" and "DEK-Info: …" headers before the body.
        let legacyEncrypted = body.contains("ENCRYPTED")
        self.label = label
        isEncrypted = label.contains("ENCRYPTED") || legacyEncrypted
        pem = PEM.armour(base64: body.filter { !$0.isWhitespace }, label: label)
    }
}
