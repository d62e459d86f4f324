import Foundation

/// Classifies Bybit answers by `retCode` first, then by HTTP status (exchanges-okx-bybit-bitvavo.md §B.6, §E.10).
///
/// Body `{"retCode":<int>,"retMsg":"…","result":{},"retExtInfo":{},"time":<ms>}`, `retCode` 0 = success. The
/// `retMsg` is never copied into an error: 10004's echoes the signed string (`origin_string[…]`), which holds
/// the key id. `detail` carries the retCode only.
enum BybitErrors {
    /// The envelope fields every answer carries. `retMsg` and `time` are read leniently: a garbled one must not
    /// hide the `retCode` beside it (a refusal read as a success).
    struct Status: Decodable {
        let retCode: Int?
        let retMsg: String?
        let time: LenientInt64?

        private enum CodingKeys: String, CodingKey { case retCode, retMsg, time }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            retCode = try container.decodeIfPresent(Int.self, forKey: .retCode)
            retMsg = try? container.decodeIfPresent(String.self, forKey: .retMsg)
            time = try? container.decodeIfPresent(LenientInt64.self, forKey: .time)
        }
    }

    /// The error `result` stands for, or nil for a success. `region` is the connection's region id (nil:
    /// default), used to say which host a 10003/10010 came from.
    static func classify(_ result: HTTPResult, region: String? = nil) -> ExchangeError? {
        if let blocked = RegionBlock.error(result, exchange: .bybit) { return blocked }
        guard let status = try? JSONDecoderCache.decoder.decode(Status.self, from: result.body),
              let code = status.retCode else {
            return statusOnly(result)
        }
        let detail = String(code)
        switch code {
        case 0:
            return ResponseSupport.statusError(result, exchange: .bybit)
        case 10002:
            return ExchangeError(.clockSkew, exchange: .bybit, detail: detail)
        case 10003:
            return unknownKey(region: region, detail: detail)
        case 10004:
            return ExchangeError(.invalidSignature, exchange: .bybit, detail: detail)
        case 10005:
            return ExchangeError(.permissionDenied, message:
                "Bybit refused this API key access to the balances. Edit the key on Bybit and tick the read " +
                "scopes Holdfast needs (Wallet; Earn for Earn positions), keeping the key Read-Only.",
                exchange: .bybit, detail: detail)
        case 10010:
            return region == "eu" ? euKey(detail: detail) : ExchangeError(.ipNotAllowed, exchange: .bybit, detail: detail)
        case 33004, -2015:
            return ExchangeError(.invalidCredentials, message:
                "Bybit says this API key has expired. Keys without an IP restriction expire after 90 days (and 7 " +
                "days after a password change): on Bybit edit the key and save it again (or bind it to this " +
                "server's IP address so it no longer expires), then sync again.",
                exchange: .bybit, detail: detail)
        case 10009, 10024:
            return ExchangeError(.regionRestricted, exchange: .bybit, detail: detail)
        case 10006:
            return ExchangeError(.rateLimited, exchange: .bybit, detail: detail, retryAfter: retryAfter(result) ?? 1)
        case 10016:
            return ExchangeError(.exchangeUnavailable, exchange: .bybit, detail: detail)
        default:
            return ResponseSupport.unmappedCode(detail, result, exchange: .bybit)
        }
    }

    /// An answer without a `retCode`. HTTP 403 is either the IP rate limit ("access too frequent": Bybit asks
    /// for a pause of at least 10 minutes) or a request from the US or mainland China, which Bybit refuses on
    /// every endpoint (§B.1, §B.6). Holdfast's GETs never carry a JSON body, the third documented 403 cause, so
    /// any other 403 is read as the location block. A 401 without a body is an unknown key or missing headers.
    private static func statusOnly(_ result: HTTPResult) -> ExchangeError? {
        switch result.status {
        case 403:
            let text = String(decoding: result.body.prefix(4096), as: UTF8.self)
            if text.range(of: "too frequent", options: .caseInsensitive) != nil {
                return ExchangeError(.rateLimited, exchange: .bybit, detail: "HTTP 403 IP rate limit",
                                     retryAfter: ipBanSeconds)
            }
            return ExchangeError(.regionRestricted, message:
                "Bybit refuses every request from this server's location (HTTP 403): Bybit does not serve IP " +
                "addresses in the United States or mainland China, whatever the API key. Run Holdfast on a server " +
                "in a location Bybit serves, then sync again. Automatic syncs are paused until then.",
                exchange: .bybit, detail: "HTTP 403")
        case 401:
            return ExchangeError(.invalidCredentials, exchange: .bybit, detail: "HTTP 401")
        default:
            return ResponseSupport.statusError(result, exchange: .bybit)
        }
    }

    /// Seconds to stop after Bybit's IP rate-limit 403: "stop all sessions ≥ 10 min" (§B.6).
    static let ipBanSeconds = 600

    /// 10003 "API key is invalid.": the key does not exist on the host that was asked (§B.6, §B.9). A key works
    /// only on the host of the Bybit entity that issued it, and testnet/demo keys never on mainnet.
    static func unknownKey(region: String?, detail: String) -> ExchangeError {
        let host = ExchangeID.bybit.info.region(region ?? "")?.displayName
            ?? ExchangeID.bybit.info.defaultRegion?.displayName ?? "Global"
        return ExchangeError(.invalidCredentials, message:
            "Bybit \(host) does not know this API key. Check that the key was pasted completely and still exists. " +
            "A key works only on the host of the Bybit entity that issued it (Global, Netherlands, Turkey, " +
            "Kazakhstan, Georgia, UAE, EEA, Indonesia or Japan): choose the region of your account. Keys made in " +
            "Testnet or Demo Trading do not work on the live exchange.",
            exchange: .bybit, detail: detail)
    }

    /// 10010 from the EEA host: Bybit EU accepts only keys made through "Connect to Third-Party Applications"
    /// for registered brokers; a self-made key gets 10010 on every call even without an IP binding (§B.1).
    static func euKey(detail: String) -> ExchangeError {
        ExchangeError(.ipNotAllowed, message:
            "Bybit EU (api.bybit.eu) accepts only API keys created for registered broker applications, not keys " +
            "you create yourself, so it refuses this key from any IP address. Holdfast cannot read a Bybit EU " +
            "account with an ordinary key.",
            exchange: .bybit, detail: detail)
    }

    /// Whole seconds until `X-Bapi-Limit-Reset-Timestamp` (ms, §B.7), at least 1, clamped like `Retry-After`;
    /// nil when absent or not a number. Compared with the local clock: a skewed clock makes the wait only
    /// approximate, which is harmless.
    static func retryAfter(_ result: HTTPResult) -> Int? {
        guard let text = result.headers["x-bapi-limit-reset-timestamp"]?.trimmingCharacters(in: .whitespaces),
              text.utf8.count <= 16, let resetMs = Int64(text) else { return ResponseSupport.retryAfter(result) }
        let nowMs = Int64(result.receivedAt.timeIntervalSince1970 * 1000)
        return max(1, ResponseSupport.clampedSeconds(Double(resetMs - nowMs) / 1000))
    }

    /// The server clock a 10002 answer reports: `server_timestamp[…]` in `retMsg` (§B.4), else the envelope's
    /// `time`; nil when neither is there or the value is outside the believable range.
    static func serverTimestamp(in result: HTTPResult) -> Int64? {
        guard let status = try? JSONDecoderCache.decoder.decode(Status.self, from: result.body) else { return nil }
        if let message = status.retMsg, let start = message.range(of: "server_timestamp[") {
            let digits = message[start.upperBound...].prefix { $0 != "]" }
            if digits.count <= 16, let value = Int64(digits),
               let checked = try? ServerClock.checkedServerTimeMs(value, exchange: .bybit) {
                return checked
            }
        }
        return status.time.flatMap { try? ServerClock.checkedServerTimeMs($0.value, exchange: .bybit) }
    }
}
