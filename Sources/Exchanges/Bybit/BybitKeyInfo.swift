import Foundation

/// What a Bybit key may do, from `GET /v5/user/query-api` (exchanges-okx-bybit-bitvavo.md §B.5, §E.9).
///
/// The `permissions` lists are scopes, not write rights (a read-only key shows `Spot: ["SpotTrade"]`), so
/// trading is decided on `readOnly` alone: `1` read-only, `0` read-write. Withdrawal is `Withdraw` in the
/// `Wallet` scope, checked as well whatever `readOnly` says (whether a read-only key can carry it is
/// UNVERIFIED, so a key showing it is never called read-only).
enum BybitKeyInfo {
    /// `result` of query-api; only the fields Holdfast decides on.
    struct Answer: Decodable, Sendable {
        let readOnly: LenientInt64?
        let permissions: [String: [String]]?
        let deadlineDay: LenientInt64?
        let expiredAt: String?
    }

    static func read(using client: BybitClient) async throws -> KeyPermissions {
        permissions(of: try await client.get(Answer.self, .keyInfo))
    }

    /// The permissions `answer` states. `canTrade` is nil when `readOnly` is missing or not 0/1 (unknown, so not
    /// read-only). `expiresAt` is `expiredAt` when `deadlineDay` ≥ 0: keys bound to IPs show `deadlineDay` −2
    /// and `expiredAt` 1970-01-01, meaning no expiry (§B.5).
    static func permissions(of answer: Answer) -> KeyPermissions {
        let canTrade: Bool?
        switch answer.readOnly?.value {
        case 1: canTrade = false
        case 0: canTrade = true
        default: canTrade = nil
        }
        // No permissions object: whether the key may withdraw is unknown (nil), never assumed false.
        let wallet = answer.permissions.map { $0["Wallet"] ?? [] }
        var expiresAt: Date?
        if let days = answer.deadlineDay?.value, days >= 0, let text = answer.expiredAt, let date = parse(text),
           date.timeIntervalSince1970 > 0 {
            expiresAt = date
        }
        return KeyPermissions(canRead: true, canTrade: canTrade,
                              canWithdraw: wallet.map { $0.contains { $0.caseInsensitiveCompare("Withdraw") == .orderedSame } },
                              expiresAt: expiresAt)
    }

    /// ISO 8601 with or without fractional seconds (`2023-12-22T07:20:25Z`); nil otherwise.
    static func parse(_ text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
