import Exchanges
import Foundation
import Store
import Testing
import Vault
@testable import App

/// The region of a connection (issue 17): chosen from the exchange's list, stored with the connection, handed to
/// the client with the credentials; and the permission warnings for keys that cannot be checked or expire.
@Suite struct ConnectionRegionTests {
    @Test(arguments: TestBackend.allCases) func supportedExchangesListRegionsAndWhetherPermissionsCanBeChecked(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        try t.addUser("ada@example.com")
        let (token, _) = try t.login("ada@example.com")
        let response = t.request("GET", "/api/v1/exchanges/supported", headers: ["Authorization": "Bearer \(token)"])
        #expect(response.status == 200)
        let exchanges = try #require(response.json["exchanges"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: exchanges.map { ($0["id"] as! String, $0) })
        let okxRegions = (byID["okx"]?["regions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(okxRegions == ["global", "eea", "us"])
        let bybitRegions = (byID["bybit"]?["regions"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(bybitRegions?.first == "global" && bybitRegions?.contains("nl") == true && bybitRegions?.count == 9)
        #expect((byID["binance"]?["regions"] as? [Any])?.isEmpty == true)
        #expect(byID["bitvavo"]?["permissionsCheckable"] as? Bool == false)
        #expect(byID["okx"]?["permissionsCheckable"] as? Bool == true)
    }

    /// A region the exchange does not have, or any region for an exchange without regions, is a validation
    /// error on the field, before any request leaves.
    @Test(arguments: [
        #"{"exchange":"okx","apiKey":"k","apiSecret":"s","passphrase":"p","region":"mars"}"#,
        #"{"exchange":"okx","apiKey":"k","apiSecret":"s","passphrase":"p","region":""}"#,
        #"{"exchange":"okx","apiKey":"k","apiSecret":"s","passphrase":"p","region":7}"#,
        #"{"exchange":"binance","apiKey":"k","apiSecret":"s","region":"eea"}"#,
        #"{"exchange":"bybit","apiKey":"k","apiSecret":"s","region":"eea"}"#,
    ])
    func unknownRegionIsAFieldError(body: String) throws {
        let t = try TestApp()
        try t.addUser("ada@example.com")
        let (token, csrf) = try t.login("ada@example.com")
        for path in ["/api/v1/exchanges/test", "/api/v1/exchanges/connect"] {
            let response = t.request("POST", path, json: body, headers: ["Authorization": "Bearer \(token)", "X-CSRF-Token": csrf])
            #expect(response.status == 422, "\(path) \(body)")
            #expect(response.errorCode == "validation_failed", "\(path) \(body)")
            let fields = (response.json["error"] as? [String: Any])?["fields"] as? [String: String]
            #expect(fields?["region"] != nil, "\(path) \(body): \(response.json)")
        }
    }

    /// The stored region reaches the client through the credentials the sync opens.
    @Test(arguments: TestBackend.allCases) func storedRegionIsPartOfTheOpenedCredentials(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("ada@example.com")
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        var ids: [String?: String] = [:]
        for region in ["eea", nil] as [String?] {
            let id = UUID().uuidString.lowercased()
            ids[region] = id
            try t.app.database.write { db in
                try db.run("""
                    INSERT INTO exchange_connections (id, user_id, exchange, region, api_key_encrypted, api_secret_encrypted,
                        passphrase_encrypted, created_at, updated_at)
                    VALUES (?, ?, 'okx', ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                    """, [.text(id), .text(userID), .optionalText(region),
                          .text(try cipher.seal("key-\(region ?? "none")", connectionId: id, field: .apiKey)),
                          .text(try cipher.seal("secret", connectionId: id, field: .apiSecret)),
                          .text(try cipher.seal("pass", connectionId: id, field: .passphrase))])
            }
        }
        for (region, id) in ids {
            let record = try #require(try t.app.database.read { try ConnectionStore.find(id, in: $0) })
            #expect(record.region == region)
            let credentials = try t.app.engine.open(record)
            #expect(credentials.region == region)
            #expect(credentials.apiKey == "key-\(region ?? "none")")
            #expect(ConnectionView(record).region == region)
            #expect(ConnectionView(record).regionName == (region == nil ? nil : "EEA (eea.okx.com)"))
        }
    }

    @Test(arguments: TestBackend.allCases) func migrationRefusesAnOverlongRegion(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("ada@example.com")
        #expect(throws: (any Error).self) {
            try t.app.database.write { db in
                try db.run("""
                    INSERT INTO exchange_connections (id, user_id, exchange, region, api_key_encrypted, api_secret_encrypted,
                        created_at, updated_at) VALUES ('c1', ?, 'okx', ?, 'k', 's', 'x', 'x')
                    """, [.text(userID), .text(String(repeating: "r", count: 17))])
            }
        }
    }

    @Test func keysThatCannotBeCheckedOrExpireSoonAreWarnedAbout() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let unknown = KeyPermissions(canRead: true, canTrade: nil, canWithdraw: nil)
        #expect(ConnectionView.view(of: unknown, exchange: .bitvavo, now: now).warning?.contains("Bitvavo cannot tell") == true)
        // Unknown rights on an exchange that can be asked (the check failed) say nothing new.
        #expect(ConnectionView.view(of: unknown, exchange: .okx, now: now).warning == nil)

        let soon = KeyPermissions(canRead: true, canTrade: false, canWithdraw: false, expiresAt: now.addingTimeInterval(3 * 86_400 + 60))
        let soonView = ConnectionView.view(of: soon, exchange: .bybit, now: now)
        #expect(soonView.warning?.contains("expires on 2027-01-18 (in 3 days)") == true, "\(soonView.warning ?? "nil")")
        #expect(soonView.expiresAt == "2027-01-18T08:01:00.000Z")
        let later = KeyPermissions(canRead: true, canTrade: false, canWithdraw: false, expiresAt: now.addingTimeInterval(60 * 86_400))
        #expect(ConnectionView.view(of: later, exchange: .bybit, now: now).warning == nil)
        let expired = KeyPermissions(canRead: true, canTrade: false, canWithdraw: false, expiresAt: now.addingTimeInterval(-60))
        #expect(ConnectionView.view(of: expired, exchange: .bybit, now: now).warning?.contains("expired on 2027-01-15") == true)
        let risky = KeyPermissions(canRead: true, canTrade: true, canWithdraw: nil, expiresAt: now.addingTimeInterval(86_400 + 1))
        let riskyWarning = ConnectionView.view(of: risky, exchange: .bybit, now: now).warning ?? ""
        #expect(riskyWarning.contains("This key can trade") && riskyWarning.contains("in 1 day)"))
    }

    /// Stored permissions keep the expiry as an ISO date and read it back to the same instant.
    @Test func storedPermissionsKeepTheExpiry() throws {
        let expiry = Date(timeIntervalSince1970: 1_900_000_000.250)
        let stored = try #require(ConnectionView.json(KeyPermissions(canRead: true, canTrade: false, canWithdraw: false, expiresAt: expiry)))
        #expect(stored.contains(#""expiresAt":"2030-03-17T17:46:40.250Z""#), "\(stored)")
        let view = try #require(ConnectionView.permissions(fromJSON: stored, exchange: .bybit))
        #expect(view.expiresAt == "2030-03-17T17:46:40.250Z")
        #expect(view.canTrade == false)
    }
}
