import Exchanges
import Foundation
import Sandbox
import Store
import Synchronization
import Testing
import Vault
@testable import App

/// `PATCH /connections/:id` against a sync that commits a failure at the same moment (issue 12 §1).
///
/// PATCH used to read the connection outside its write transaction and write the whole schedule back: a sync
/// failure committed in between lost its `error` status and its backoff. Both effects must survive, whatever
/// the interleaving.
@Suite(.serialized)
struct ConnectionUpdateRaceTests {
    let sandbox: SandboxServer
    let t: TestApp
    let userID: String

    init(_ backend: TestBackend = .sqlite) throws {
        sandbox = try SandboxServer(fixture: .demo)
        t = try TestApp(backend: backend, extraEnvironment: sandbox.environment)
        userID = try t.addUser("race@example.com")
    }

    /// The demo KuCoin account as a connection of the test user, its exchange answering every request 503.
    func storeFailingConnection() throws -> String {
        let account = sandbox.state.currentFixture.accounts.first { $0.exchange == .kucoin }!
        #expect(sandbox.state.apply(FixtureUpdate(apiKey: account.apiKey, faults: Faults(serverError: 503)), exchange: .kucoin))
        let id = UUID().uuidString.lowercased()
        let cipher = CredentialCipher(keyRing: t.app.configuration.keyRing)
        try t.app.database.write { db in
            try db.run("""
                INSERT INTO exchange_connections (id, user_id, exchange, api_key_encrypted, api_secret_encrypted, passphrase_encrypted,
                    created_at, updated_at)
                VALUES (?, ?, 'kucoin', ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')
                """, [.text(id), .text(userID),
                      .text(try cipher.seal(account.apiKey, connectionId: id, field: .apiKey)),
                      .text(try cipher.seal(account.apiSecret, connectionId: id, field: .apiSecret)),
                      .optionalText(try account.passphrase.map { try cipher.seal($0, connectionId: id, field: .passphrase) })])
        }
        return id
    }

    @Test(arguments: TestBackend.allCases)
    static func patchRacingAFailingSyncKeepsTheLabelAndTheBackoff(_ backend: TestBackend) async throws { try await Self(backend).patchRacingAFailingSyncKeepsTheLabelAndTheBackoff() }
    func patchRacingAFailingSyncKeepsTheLabelAndTheBackoff() async throws {
        let id = try storeFailingConnection()
        let (token, csrf) = try t.login("race@example.com")
        let headers = ["Authorization": "Bearer \(token)", "X-CSRF-Token": csrf]
        let t = self.t
        for round in 0..<40 {
            // Every round starts from a healthy, never-failed connection.
            try await t.app.database.write { db in
                try db.run("""
                    UPDATE exchange_connections SET status = 'active', label = NULL, next_attempt_at = NULL, last_attempt_at = NULL,
                        last_error = NULL, last_error_code = NULL, consecutive_failures = 0 WHERE id = ?
                    """, [.text(id)])
            }
            let syncDone = Atomic<Bool>(false)
            // PATCHes back to back from a blocking thread (as the responder's workers run them) until the sync
            // has committed, so some PATCH reads the row just before the sync's commit and writes just after.
            async let patching: (Int, [Int]) = BlockingWork.run {
                var statuses: [Int] = []
                var count = 0
                repeat {
                    count += 1
                    let label = "round \(round) patch \(count)"
                    statuses.append(t.request("PATCH", "/api/v1/exchanges/connections/\(id)", json: #"{"label":"\#(label)"}"#,
                                              headers: headers).status)
                } while !syncDone.load(ordering: .acquiring)
                return (count, statuses)
            }
            let outcome = try await t.app.engine.sync(id, trigger: .scheduled)
            syncDone.store(true, ordering: .releasing)
            let (patches, statuses) = try await patching
            #expect(outcome.error?.code == .exchangeUnavailable)
            #expect(statuses.allSatisfy { $0 == 200 }, "round \(round): \(statuses)")

            let row = try #require(try await t.app.database.read {
                try $0.queryOne("SELECT * FROM exchange_connections WHERE id = ?", [.text(id)])
            })
            // The last PATCH's label, and the failure's status, count and backoff, all at once.
            #expect(row.string("label") == "round \(round) patch \(patches)", "round \(round)")
            #expect(row.string("status") == ConnectionStatus.error.rawValue, "round \(round): the sync's error status was lost")
            #expect(row.string("last_error_code") == "exchange_unavailable", "round \(round)")
            #expect(row.int("consecutive_failures") == 1, "round \(round)")
            let next = row.string("next_attempt_at").flatMap(Timestamp.parse)
            #expect(next.map { $0.timeIntervalSinceNow > 30 } == true, "round \(round): the backoff was lost (\(String(describing: next)))")
        }
    }
}
