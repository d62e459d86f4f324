import Foundation

/// Classifies OKX v5 answers by the body's `code` (exchanges-okx-bybit-bitvavo.md §A.6), then by the status.
///
/// OKX's body is `{"code":"<string>","msg":"…","data":[…]}` with `"0"` for success. The live `msg` texts differ
/// from the docs' table and the HTTP status of one code varies (50119: documented 200, observed 401), so the
/// code decides and the status is only the fallback for bodies without one (HTML pages, empty 5xx; §E.10).
enum OKXErrors {
    /// The error envelope; `code` arrives as a string, tolerated as a number.
    private struct Body: Decodable {
        let code: LenientID?
        let msg: String?
    }

    /// The codes that mean the key may not call this endpoint (§A.6 "key lacks permission": 50120, 50030).
    static let permissionCodes: Set<String> = ["50120", "50030"]

    /// The error in `result`, or nil for success. `region` is the region whose host was called (for the 50119
    /// message, which must tell the user which host refused the key).
    static func classify(_ result: HTTPResult, region: ExchangeRegion? = ExchangeID.okx.info.defaultRegion)
        -> ExchangeError?
    {
        if let blocked = RegionBlock.error(result, exchange: .okx) { return blocked }
        guard let body = try? JSONDecoderCache.decoder.decode(Body.self, from: result.body), let code = body.code?.text
        else { return ResponseSupport.statusError(result, exchange: .okx) }
        switch code {
        case "0":
            return ResponseSupport.statusError(result, exchange: .okx)
        case "50103", "50111", "50100":
            // 50103 key header missing, 50111 unknown key, 50100 API frozen: the key as entered cannot be used.
            return ExchangeError(.invalidCredentials, exchange: .okx, detail: code)
        case "50119":
            return wrongRegion(region)
        case "50101":
            return ExchangeError(.invalidCredentials, message:
                "OKX says this API key belongs to the other environment (a Demo Trading key used on the live " +
                "API, or the reverse). Holdfast reads live accounts only: create the key in your live OKX " +
                "account, not inside Demo Trading.", exchange: .okx, detail: code)
        case "50105":
            return ExchangeError(.invalidPassphrase, exchange: .okx, detail: code)
        case "50113":
            return ExchangeError(.invalidSignature, exchange: .okx, detail: code)
        case "50102", "50112":
            // 50102 expired (more than 30 s off), 50112 malformed timestamp (§A.4): both are a clock matter
            // for Holdfast, which always sends the documented format.
            return ExchangeError(.clockSkew, exchange: .okx, detail: code)
        case "50110":
            return ipNotAllowed(body.msg)
        case _ where permissionCodes.contains(code):
            return ExchangeError(.permissionDenied, exchange: .okx, detail: code)
        case "50011":
            // Windows are 1–2 s (§A.7): without a Retry-After, two seconds is one whole window.
            return ExchangeError(.rateLimited, exchange: .okx, detail: code,
                                 retryAfter: ResponseSupport.retryAfter(result) ?? 2)
        case "50013", "50001":
            // 50013 "system busy" comes with HTTP 429 but is OKX's load, not our rate (§A.6, ccxt/ccxt#9612).
            return ExchangeError(.exchangeUnavailable, exchange: .okx, detail: code)
        case "50121":
            return ExchangeError(.regionRestricted, exchange: .okx, detail: code)
        default:
            return ResponseSupport.unmappedCode(code, result, exchange: .okx)
        }
    }

    /// `invalid_credentials` for 50119 "API key doesn't exist" (§A.2): naming the host that was called and the
    /// three entities' hosts, since a key works only on the host of the entity that issued it.
    static func wrongRegion(_ region: ExchangeRegion?) -> ExchangeError {
        let host = region?.displayName ?? "Global (www.okx.com)"
        return ExchangeError(.invalidCredentials, message:
            "OKX does not know this API key on the host it was sent to, \(host). OKX keys work only on the host " +
            "of the entity that issued them: global accounts on www.okx.com, EEA accounts on eea.okx.com, US " +
            "accounts on us.okx.com. Choose the region your OKX account belongs to for this connection and try " +
            "again; if the region is right, the key may have been deleted.",
            exchange: .okx, detail: "50119 on region " + (region?.id ?? "global"))
    }

    /// `ip_not_allowed` for 50110, naming the address OKX saw when its text carries one (§A.6, §A.9: a server
    /// reaching OKX over IPv6 while the key is bound to its IPv4 address).
    static func ipNotAllowed(_ message: String?) -> ExchangeError {
        guard let ip = address(in: message ?? "") else {
            return ExchangeError(.ipNotAllowed, exchange: .okx, detail: "50110")
        }
        return ExchangeError(.ipNotAllowed, message:
            "OKX refused the request because the address it came from, \(ip), is not on the key's IP allow " +
            "list. Add \(ip) to the key's IP binding on OKX (if this server also has an IPv6 or IPv4 address, " +
            "check which one it uses to reach OKX).", exchange: .okx, detail: "50110")
    }

    /// The first word of `text` that reads as an IPv4 or IPv6 address: only hex digits, dots and colons, with
    /// at least one separator, 3…45 characters. Anything else in the text is never echoed.
    static func address(in text: String) -> String? {
        let allowed = Set("0123456789abcdefABCDEF.:")
        for word in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "'" || $0 == "\"" }) {
            var candidate = Substring(word)
            while let last = candidate.last, last == "." || last == ":" { candidate = candidate.dropLast() }
            guard (3...45).contains(candidate.count), candidate.allSatisfy(allowed.contains),
                  candidate.contains(where: { $0 == "." || $0 == ":" }),
                  candidate.contains(where: \.isNumber) else { continue }
            // "IP" alone or a hex word is not an address: IPv4 needs three dots, IPv6 two colons.
            let dots = candidate.filter { $0 == "." }.count, colons = candidate.filter { $0 == ":" }.count
            if (dots == 3 && colons == 0) || colons >= 2 { return String(candidate) }
        }
        return nil
    }
}
