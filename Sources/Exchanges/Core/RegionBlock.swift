import Foundation

/// Recognises an exchange (or the CDN in front of it) refusing this server's location, as opposed to a
/// temporary fault or a problem with the key. Retrying cannot help: only moving the server can.
///
/// Forms recognised:
/// - HTTP 451 (Unavailable For Legal Reasons), whatever the body. Binance answers it to requests from
///   restricted countries and cloud regions, on signed and public endpoints alike, with
///   `{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility' …"}`
///   (exchanges.md §7.8, §12.2 item 3).
/// - Any status whose body carries Binance's "restricted location" text.
/// - HTTP 403 with CloudFront's geo-restriction page ("The Amazon CloudFront distribution is configured to
///   block access from your country."), which Binance's CDN serves from blocked countries (reported against
///   Binance in python-binance#1413 and hummingbot/deploy#28). A 403 without that sentence stays what it was
///   (Binance's WAF: §7.8 "no JSON contract").
enum RegionBlock {
    /// Texts that name a location block, compared case-insensitively.
    static let markers = [
        "restricted location",
        "configured to block access from your country",
    ]

    /// The `region_restricted` error for `result`, or nil when the answer is not a location block.
    static func error(_ result: HTTPResult, exchange: ExchangeID) -> ExchangeError? {
        if result.status == 451 {
            return ExchangeError(.regionRestricted, exchange: exchange, detail: "HTTP 451")
        }
        guard !(200..<300).contains(result.status), !result.body.isEmpty else { return nil }
        // Only the start of the body is read: error pages are short, and a huge body is not worth scanning.
        let text = String(decoding: result.body.prefix(4096), as: UTF8.self)
        guard markers.contains(where: { text.range(of: $0, options: .caseInsensitive) != nil }) else { return nil }
        return ExchangeError(.regionRestricted, exchange: exchange, detail: "HTTP \(result.status) location block")
    }
}
