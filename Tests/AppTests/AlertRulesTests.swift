import Foundation
import Primitives
import Testing
@testable import App

/// The pure rules of alerts: which conditions hold, the retry backoff, and the requests sent to channels.
struct AlertRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func watched(paused: Bool = false, attention: Bool = false, lastSuccessHoursAgo: Double = 1,
                         expiresInDays: Double? = nil, raised: Set<AlertStateStore.Condition> = [],
                         raisedHoursAgo: Double? = nil) -> AlertStateStore.Watched {
        var raisedAt: [AlertStateStore.Condition: Date] = [:]
        if let hours = raisedHoursAgo { for condition in raised { raisedAt[condition] = Self.now.addingTimeInterval(-hours * 3600) } }
        return AlertStateStore.Watched(id: "c1", userID: "u1", exchange: "bybit", label: "Main", paused: paused,
                                       needsAttention: attention, errorCode: attention ? "invalid_credentials" : nil,
                                       lastSuccess: Self.now.addingTimeInterval(-lastSuccessHoursAgo * 3600),
                                       keyExpiresAt: expiresInDays.map { Self.now.addingTimeInterval($0 * 86_400) },
                                       raised: raised, raisedAt: raisedAt)
    }

    @Test func conditions() {
        #expect(AlertDetector.conditions(of: watched(), staleHours: 24, now: Self.now).isEmpty)
        #expect(AlertDetector.conditions(of: watched(lastSuccessHoursAgo: 25), staleHours: 24, now: Self.now) == [.stale])
        #expect(AlertDetector.conditions(of: watched(lastSuccessHoursAgo: 2), staleHours: 1, now: Self.now) == [.stale])
        // Needing attention: stale is not judged (kept as it was), so no second alert for one failure.
        #expect(AlertDetector.conditions(of: watched(attention: true, lastSuccessHoursAgo: 99), staleHours: 24,
                                         now: Self.now) == [.needsAttention])
        #expect(AlertDetector.conditions(of: watched(attention: true, lastSuccessHoursAgo: 99, raised: [.stale]),
                                         staleHours: 24, now: Self.now) == [.needsAttention, .stale])
        #expect(AlertDetector.conditions(of: watched(expiresInDays: 13.9), staleHours: 24, now: Self.now) == [.keyExpiring])
        #expect(AlertDetector.conditions(of: watched(expiresInDays: 15), staleHours: 24, now: Self.now).isEmpty)
        // The engine's flag cleared by the person's edit, no sync since it was raised: still needs attention.
        #expect(AlertDetector.conditions(of: watched(lastSuccessHoursAgo: 3, raised: [.needsAttention], raisedHoursAgo: 2),
                                         staleHours: 24, now: Self.now) == [.needsAttention])
        // A sync succeeded after it was raised: cleared.
        #expect(AlertDetector.conditions(of: watched(lastSuccessHoursAgo: 1, raised: [.needsAttention], raisedHoursAgo: 2),
                                         staleHours: 24, now: Self.now).isEmpty)
        // Paused: nothing is raised, whatever holds.
        #expect(AlertDetector.conditions(of: watched(paused: true, attention: true, lastSuccessHoursAgo: 99,
                                                     expiresInDays: 1), staleHours: 24, now: Self.now).isEmpty)
    }

    @Test func backoffDoublesFromAMinuteToSixHours() {
        #expect((1...12).map { AlertSender.backoff(afterAttempts: $0) }
                == [60, 120, 240, 480, 960, 1_920, 3_840, 7_680, 15_360, 21_600, 21_600, 21_600])
    }

    @Test func webhookIsSignedOverTheExactBody() throws {
        let channel = AlertChannel(id: "ch", userID: "u1", kind: .webhook, url: "https://example.com/h", sealedSecret: nil,
                                   enabled: true, createdAt: "2027-01-15T08:00:00.000Z")
        let delivery = AlertDelivery.queued(.test(at: Self.now), to: channel, now: Self.now)
        let request = AlertRequest.make(delivery, kind: .webhook, secret: "s3cret")
        let expected = Hex.encode(HMAC.authenticationCode(for: Array(delivery.body.utf8), using: Array("s3cret".utf8)))
        #expect(request.headers["X-Holdfast-Signature"] == "sha256=" + expected)
        #expect(request.headers["X-Holdfast-Event"] == "test")
        #expect(request.headers["X-Holdfast-Delivery"] == delivery.id)
        #expect(request.body == Data(delivery.body.utf8))
        #expect(!delivery.body.contains("s3cret"))
        let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(object["event"] as? String == "test")
        #expect(object["connection"] is NSNull)
    }

    @Test func ntfyCarriesTitleTagsPriorityAndToken() {
        let channel = AlertChannel(id: "ch", userID: "u1", kind: .ntfy, url: "https://ntfy.sh/t", sealedSecret: nil,
                                   enabled: true, createdAt: "2027-01-15T08:00:00.000Z")
        let subject = AlertEvent.Subject(id: "c1", exchange: "kraken", label: "Épargne")
        let event = AlertEvent.needsAttention(subject, errorCode: "permission_denied", at: Self.now)
        let delivery = AlertDelivery.queued(event, to: channel, now: Self.now)
        let request = AlertRequest.make(delivery, kind: .ntfy, secret: "tk_abc")
        #expect(request.headers["Authorization"] == "Bearer tk_abc")
        #expect(request.headers["Tags"] == "warning" && request.headers["Priority"] == "4")
        // Not ASCII: RFC 2047, which ntfy decodes.
        #expect(request.headers["Title"]?.hasPrefix("=?UTF-8?B?") == true)
        #expect(String(decoding: request.body, as: UTF8.self).contains("may no longer read balances"))
        #expect(AlertRequest.make(delivery, kind: .ntfy, secret: nil).headers["Authorization"] == nil)
        let unnamed = AlertEvent.recovered(AlertEvent.Subject(id: "c1", exchange: "kraken", label: nil), at: Self.now)
        #expect(unnamed.title == "Kraken recovered")
    }
}
