import Primitives

/// OKX v5 request signing (exchanges-okx-bybit-bitvavo.md §A.3, §E.1–§E.4).
///
/// `OK-ACCESS-SIGN = base64(HMAC-SHA256(key = the secret's UTF-8 text, timestamp + METHOD + requestPath + body))`,
/// where `requestPath` is the API path plus `?query` exactly as sent (never the base URL's path: regional and
/// sandbox hosts may carry a path prefix, and the signature is the same on every host, §D `regional_hosts`).
/// The secret is not hex-decoded; the passphrase travels in clear.
public enum OKXSigner {
    /// `OK-ACCESS-SIGN` over `timestamp + METHOD + requestPath + body` (body "" for GET). Base64, 44 characters.
    public static func signature(timestamp: String, method: String, requestPath: String, body: String = "",
                                 secret: String) -> String {
        let prehash = timestamp + method.uppercased() + requestPath + body
        return Base64.encode(HMAC.authenticationCode(.sha256, for: prehash, using: secret))
    }

    /// `OK-ACCESS-TIMESTAMP` for `milliseconds` since the Unix epoch: ISO 8601 UTC with exactly three fraction
    /// digits and `Z`, e.g. `2023-11-14T22:13:20.000Z` (§A.3). Formatted by hand from the integer, so neither a
    /// locale, a time zone nor a calendar setting can change it (§A.9: local time or missing milliseconds give
    /// 50102/50112). Years outside 0000…9999 cannot occur: callers pass clock-checked times (`ServerClock`).
    public static func timestamp(milliseconds: Int64) -> String {
        let days = floorDivide(milliseconds, 86_400_000)
        let msOfDay = milliseconds - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let seconds = msOfDay / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(seconds / 3600, 2) + ":"
            + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + "." + pad(msOfDay % 1000, 3) + "Z"
    }

    /// The headers of one signed request: key, signature, timestamp and passphrase (§A.3).
    static func headers(apiKey: String, secret: String, passphrase: String, timestamp: String, method: String,
                        requestPath: String, body: String = "") -> [String: String] {
        [
            "OK-ACCESS-KEY": apiKey,
            "OK-ACCESS-SIGN": signature(timestamp: timestamp, method: method, requestPath: requestPath, body: body,
                                        secret: secret),
            "OK-ACCESS-TIMESTAMP": timestamp,
            "OK-ACCESS-PASSPHRASE": passphrase,
        ]
    }

    /// `a / b` rounded toward negative infinity (`b > 0`), so times before 1970 still land on the right day.
    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Proleptic Gregorian (year, month, day) of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
