import Exchanges
import Foundation
import Sandbox
import Testing
import Web
@testable import App

/// The connection endpoints through `Application.handle` against the in-process sandbox: list, change, remove,
/// sync now (succeeding and failing), sync-all, holdings and history; another user's connection is a 404.
@Suite(.serialized)
struct ConnectionHandlerTests {
    let h: HandlerHarness
    let connections = "/api/v1/exchanges/connections"

    init(_ backend: TestBackend = .sqlite) throws { h = try HandlerHarness(backend: backend) }

    @Test(arguments: TestBackend.allCases)
    static func listShowsOnlyTheCallersConnectionsWithoutSecrets(_ backend: TestBackend) throws { try Self(backend).listShowsOnlyTheCallersConnectionsWithoutSecrets() }
    func listShowsOnlyTheCallersConnectionsWithoutSecrets() throws {
        let id = try h.connect(.kucoin)
        _ = try h.connect(.kraken, as: h.bob)
        let response = h.call("GET", connections)
        #expect(response.status == 200)
        let list = try #require(response.json["connections"] as? [[String: Any]])
        #expect(list.map { $0["id"] as? String } == [id])
        let connection = list[0]
        #expect(connection["exchange"] as? String == "kucoin")
        #expect(connection["status"] as? String == "active")
        #expect((connection["apiKeyHint"] as? String)?.count ?? 0 <= 8)
        #expect(!response.bodyText.contains(h.account(.kucoin).apiSecret))
        #expect(!response.bodyText.contains(h.account(.kucoin).apiKey))
    }

    @Test(arguments: TestBackend.allCases)
    static func patchChangesLabelIntervalAndStatus(_ backend: TestBackend) throws { try Self(backend).patchChangesLabelIntervalAndStatus() }
    func patchChangesLabelIntervalAndStatus() throws {
        let id = try h.connect(.kucoin)
        let response = h.call("PATCH", "\(connections)/\(id)", json: #"{"label":"Savings","syncInterval":900,"status":"disabled"}"#)
        #expect(response.status == 200)
        let connection = try #require(response.json["connection"] as? [String: Any])
        #expect(connection["label"] as? String == "Savings")
        #expect(connection["syncInterval"] as? Int == 900)
        #expect(connection["status"] as? String == "disabled")
    }

    @Test(arguments: TestBackend.allCases)
    static func patchWithBadFieldsIs422WithOneMessagePerField(_ backend: TestBackend) throws { try Self(backend).patchWithBadFieldsIs422WithOneMessagePerField() }
    func patchWithBadFieldsIs422WithOneMessagePerField() throws {
        let id = try h.connect(.kucoin)
        let response = h.call("PATCH", "\(connections)/\(id)", json: #"{"syncInterval":1,"status":"gone","colour":"red"}"#)
        #expect(response.status == 422)
        #expect(response.errorCode == ErrorCode.validationFailed.rawValue)
        let fields = try #require(response.error?["fields"] as? [String: String])
        #expect(Set(fields.keys) == ["syncInterval", "status", "colour"])
        let malformed = h.call("PATCH", "\(connections)/\(id)", json: "{not json")
        #expect(malformed.status == 400 && malformed.errorCode == "bad_request")
    }

    /// Every per-connection route answers another user's id exactly like a missing one, and changes nothing.
    @Test(arguments: TestBackend.allCases)
    static func anotherUsersConnectionIsNotFound(_ backend: TestBackend) throws { try Self(backend).anotherUsersConnectionIsNotFound() }
    func anotherUsersConnectionIsNotFound() throws {
        let id = try h.connect(.kucoin)
        let routes: [(String, String, String?)] = [
            ("PATCH", "\(connections)/\(id)", #"{"label":"mine now"}"#), ("DELETE", "\(connections)/\(id)", nil),
            ("POST", "\(connections)/\(id)/sync", nil), ("GET", "\(connections)/\(id)/holdings", nil),
            ("GET", "\(connections)/\(id)/syncs", nil),
        ]
        for (method, path, json) in routes {
            for missing in [path, path.replacingOccurrences(of: id, with: UUID().uuidString.lowercased()),
                            path.replacingOccurrences(of: id, with: "not-an-id")] {
                let response = h.call(method, missing, json: json, as: missing == path ? h.bob : h.alice)
                #expect(response.status == 404, "\(method) \(missing)")
                #expect(response.errorCode == ErrorCode.notFound.rawValue, "\(method) \(missing)")
            }
        }
        let list = h.call("GET", connections).json["connections"] as? [[String: Any]]
        #expect(list?.count == 1 && list?.first?["label"] as? String != "mine now")
    }

    @Test(arguments: TestBackend.allCases)
    static func deleteRemovesTheConnectionAndItsHoldings(_ backend: TestBackend) throws { try Self(backend).deleteRemovesTheConnectionAndItsHoldings() }
    func deleteRemovesTheConnectionAndItsHoldings() throws {
        let id = try h.connect(.kucoin)
        #expect(h.call("DELETE", "\(connections)/\(id)").status == 204)
        #expect((h.call("GET", connections).json["connections"] as? [Any])?.isEmpty == true)
        #expect(h.call("DELETE", "\(connections)/\(id)").status == 404)
        #expect((h.call("GET", "/api/v1/portfolios").json["portfolios"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: TestBackend.allCases)
    static func changesNeedTheCSRFTokenAndReadsNeedASession(_ backend: TestBackend) throws { try Self(backend).changesNeedTheCSRFTokenAndReadsNeedASession() }
    func changesNeedTheCSRFTokenAndReadsNeedASession() throws {
        let id = try h.connect(.kucoin)
        let (token, _) = h.alice
        let forged = h.t.request("DELETE", "\(connections)/\(id)", headers: ["Authorization": "Bearer \(token)"])
        #expect(forged.status == 403 && forged.errorCode == ErrorCode.csrfFailed.rawValue)
        let anonymous = h.t.request("GET", connections)
        #expect(anonymous.status == 401 && anonymous.errorCode == ErrorCode.unauthorized.rawValue)
    }

    @Test(arguments: TestBackend.allCases)
    static func syncNowReturnsTheConnectionThenHoldingsAndHistoryShowIt(_ backend: TestBackend) throws { try Self(backend).syncNowReturnsTheConnectionThenHoldingsAndHistoryShowIt() }
    func syncNowReturnsTheConnectionThenHoldingsAndHistoryShowIt() throws {
        let id = try h.connect(.kucoin)
        let response = h.call("POST", "\(connections)/\(id)/sync")
        #expect(response.status == 200)
        #expect((response.json["connection"] as? [String: Any])?["id"] as? String == id)
        let count = try #require(response.json["holdingsCount"] as? Int)
        #expect(count > 0)

        let holdings = try #require(h.call("GET", "\(connections)/\(id)/holdings").json["holdings"] as? [[String: Any]])
        #expect(holdings.count == count)
        for holding in holdings {
            let amount = try #require(holding["amount"] as? String)
            #expect(Decimal(string: amount) != nil, "\(amount)")
            #expect(holding["asset"] is String && holding["wallets"] is [Any] && holding["updatedAt"] is String)
        }
        let syncs = try #require(h.call("GET", "\(connections)/\(id)/syncs").json["syncs"] as? [[String: Any]])
        #expect(syncs.map { $0["trigger"] as? String } == ["manual", "connect"])
        #expect(syncs.allSatisfy { $0["outcome"] as? String == "success" })
    }

    /// An exchange that is rate limiting: 503 with the exchange's code and its Retry-After, the connection as it
    /// now stands beside the error, and the history records the code.
    @Test(arguments: TestBackend.allCases)
    static func syncNowAgainstARateLimitingExchangeIs503WithRetryAfter(_ backend: TestBackend) throws { try Self(backend).syncNowAgainstARateLimitingExchangeIs503WithRetryAfter() }
    func syncNowAgainstARateLimitingExchangeIs503WithRetryAfter() throws {
        let id = try h.connect(.kucoin)
        h.fault(.kucoin, Faults(rateLimited: true, retryAfterSeconds: 7))
        let response = h.call("POST", "\(connections)/\(id)/sync")
        #expect(response.status == 503)
        #expect(response.errorCode == ErrorCode.rateLimited.rawValue)
        #expect(response.header("Retry-After") == "7")
        let message = response.error?["message"] as? String
        #expect(message?.contains("7 seconds") == true)
        let connection = try #require(response.json["connection"] as? [String: Any])
        #expect(connection["id"] as? String == id)
        #expect((connection["lastError"] as? [String: Any])?["code"] as? String == "rate_limited")
        #expect(Set(response.json.keys) == ["error", "connection"])
        let syncs = h.call("GET", "\(connections)/\(id)/syncs").json["syncs"] as? [[String: Any]]
        #expect(syncs?.first?["errorCode"] as? String == "rate_limited")
    }

    /// A key that lost its read permission: 422 `permission_denied`, and the connection now needs attention.
    @Test(arguments: TestBackend.allCases)
    static func syncNowWithARefusedKeyIs422AndNeedsAttention(_ backend: TestBackend) throws { try Self(backend).syncNowWithARefusedKeyIs422AndNeedsAttention() }
    func syncNowWithARefusedKeyIs422AndNeedsAttention() throws {
        let id = try h.connect(.kucoin)
        h.fault(.kucoin, Faults(noReadPermission: true))
        let response = h.call("POST", "\(connections)/\(id)/sync")
        #expect(response.status == 422)
        #expect(response.errorCode == ErrorCode.permissionDenied.rawValue)
        #expect(response.header("Retry-After") == nil)
        #expect((response.json["connection"] as? [String: Any])?["needsAttention"] as? Bool == true)
    }

    @Test(arguments: TestBackend.allCases)
    static func syncNowOfAPausedConnectionIs409(_ backend: TestBackend) throws { try Self(backend).syncNowOfAPausedConnectionIs409() }
    func syncNowOfAPausedConnectionIs409() throws {
        let id = try h.connect(.kucoin)
        #expect(h.call("PATCH", "\(connections)/\(id)", json: #"{"status":"disabled"}"#).status == 200)
        let response = h.call("POST", "\(connections)/\(id)/sync")
        #expect(response.status == 409)
        #expect(response.errorCode == ErrorCode.connectionPaused.rawValue)
    }

    /// Sync-all continues past a failing connection, skips paused ones, and reports each failure with the code
    /// it would have alone, from the catalogue.
    @Test(arguments: TestBackend.allCases)
    static func syncAllReportsEachConnectionWithCatalogueCodes(_ backend: TestBackend) throws { try Self(backend).syncAllReportsEachConnectionWithCatalogueCodes() }
    func syncAllReportsEachConnectionWithCatalogueCodes() throws {
        let good = try h.connect(.kraken)
        let refused = try h.connect(.kucoin)
        let paused = try h.connect(.okx)
        #expect(h.call("PATCH", "\(connections)/\(paused)", json: #"{"status":"disabled"}"#).status == 200)
        h.fault(.kucoin, Faults(noReadPermission: true))
        let response = h.call("POST", "/api/v1/exchanges/sync-all")
        #expect(response.status == 200)
        let results = try #require(response.json["results"] as? [[String: Any]])
        #expect(Set(results.compactMap { $0["connectionId"] as? String }) == [good, refused])
        for result in results {
            let id = result["connectionId"] as? String
            #expect(result["success"] as? Bool == (id == good))
            if id == good {
                #expect(result["error"] == nil || result["error"] is NSNull)
            } else {
                let error = try #require(result["error"] as? [String: Any])
                let code = try #require(error["code"] as? String)
                #expect(code == ErrorCode.permissionDenied.rawValue)
                #expect(ErrorCode(rawValue: code) != nil)
                #expect(!(error["message"] as? String ?? "").isEmpty)
            }
        }
    }
}
