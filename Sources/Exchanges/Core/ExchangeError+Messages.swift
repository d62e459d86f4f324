/// User-facing texts, one per code; each names the exchange and says what to do next.
extension ExchangeError {
    /// The standard message for `code` on `exchange`.
    static func standardMessage(
        _ code: Code, exchange: ExchangeID, retryAfter: Int?, clockOffsetMs: Int64?
    ) -> String {
        let name = exchange.info.displayName
        switch code {
        case .invalidCredentials:
            switch exchange {
            case .binance:
                return "\(name) rejected the API key. Check that the key and secret were pasted completely, without " +
                    "spaces or quotes, that the key still exists and has \"Enable Reading\", and that any IP " +
                    "restriction includes this server."
            case .coinbase:
                return "\(name) rejected the request (Unauthorized). Check that you entered the full key name and " +
                    "the complete private key of a CDP API key with the View permission, that the key is not " +
                    "deleted, that any IP allow list includes this server, and that this server's clock is correct."
            default:
                return "\(name) rejected the API key. Check that the key and secret were pasted completely and " +
                    "that the key has not been deleted or expired."
            }
        case .invalidPassphrase:
            // KuCoin verifies the passphrase through an HMAC keyed by the secret, so a wrong secret lands here too.
            return "\(name) rejected the passphrase. Enter the API passphrase you chose when creating this key " +
                "(not your login or trading password)" +
                (exchange == .kucoin ? ", and check that the API secret was pasted completely." : ".")
        case .invalidSignature:
            return "\(name) rejected the request signature. The API secret is probably wrong or incomplete: paste " +
                "it again exactly as shown when the key was created" +
                (exchange == .kraken ? ", and make sure the key has no key password (2FA)." : ".")
        case .permissionDenied:
            return "The \(name) API key is not allowed to read balances. Edit the key on \(name) and enable the " +
                "read/query permission (only that one), or create a new read-only key."
        case .ipNotAllowed:
            return "\(name) refused the request because this server's IP address is not on the key's allow list. " +
                "Add this server's public IP to the key's IP restriction on \(name)."
        case .clockSkew:
            let offset = clockOffsetMs.map { " (measured offset \($0) ms)" } ?? ""
            return "\(name) rejected the request timestamp: this server's clock differs from \(name)'s\(offset). " +
                "Enable time synchronisation (NTP, e.g. systemd-timesyncd or chrony) on the server."
        case .nonceConflict:
            return "\(name) rejected the request nonce. Another program is probably using the same API key; create " +
                "a separate key for Holdfast (or widen the key's nonce window on \(name))."
        case .rateLimited:
            let wait = retryAfter.map { " Try again in \($0) seconds." } ?? " Try again in a few minutes."
            return "\(name) is rate limiting requests from this server.\(wait)"
        case .exchangeUnavailable:
            return "\(name) is not answering normally right now (server error or maintenance). Holdfast will try " +
                "again later; nothing needs to change on your side."
        case .timeout:
            return "\(name) did not answer in time. Check this server's network connection; Holdfast will try again."
        case .badResponse:
            return "\(name) sent an answer Holdfast could not read. This is usually temporary; if it persists, " +
                "report it so the client can be updated."
        case .regionRestricted:
            return "\(name) refuses requests from the location of this server (the country or cloud region where " +
                "Holdfast runs), whatever the API key. A new key will not help: run Holdfast on a server in a " +
                "location \(name) serves, then sync the connection again. Automatic syncs are paused until then."
        case .invalidRequest:
            return "The request for \(name) was incomplete or malformed."
        case .invalidKeyFormat:
            return "The \(name) secret is not in a format Holdfast can use. Paste the secret or the whole " +
                "private key file exactly as the exchange gave it to you."
        }
    }
}
