import BenchmarkSeeding
import Foundation
import Testing
@testable import App

/// The benchmark seeder (`holdfast-bench seed-connections`, the timer's tests), which stores through `ConnectionImport`.
struct BenchmarkSeedTests {
    @Test(arguments: TestBackend.allCases)
    func seedSpreadsConnectionsOverTheAccounts(_ backend: TestBackend) throws {
        let t = try TestApp(backend: backend)
        let userID = try t.addUser("bench@example.com")
        let accounts = [
            BenchmarkSeed.Account(exchange: .kucoin, apiKey: "k-key-0123456789", apiSecret: "k-secret", passphrase: "k-pass"),
            BenchmarkSeed.Account(exchange: .binance, apiKey: "b-key-0123456789", apiSecret: "b-secret", passphrase: nil),
        ]
        let ids = try BenchmarkSeed.seed(count: 5, accounts: accounts, userEmail: "bench@example.com",
                                         database: t.app.database, keyRing: t.app.configuration.keyRing)
        #expect(ids.count == 5)
        let stored = try ConnectionImportTests.connections(t, userID: userID)
        for (index, id) in ids.enumerated() {
            let record = try #require(stored.first { $0.id == id })
            #expect(record.label == "bench \(index)")
            #expect(record.exchange == accounts[index % 2].exchange.rawValue)
        }
        #expect(Set(try t.due().map(\.id)) == Set(ids))
    }

    @Test func seedRefusesBadInputBeforeStoring() throws {
        let t = try TestApp()
        let userID = try t.addUser("bench@example.com")
        let keyRing = t.app.configuration.keyRing
        #expect(throws: BenchmarkSeedError.noAccounts) {
            try BenchmarkSeed.seed(count: 3, accounts: [], userEmail: "bench@example.com", database: t.app.database,
                                   keyRing: keyRing)
        }
        #expect(throws: BenchmarkSeedError.negativeCount(-1)) {
            try BenchmarkSeed.seed(count: -1, accounts: [], userEmail: "bench@example.com", database: t.app.database,
                                   keyRing: keyRing)
        }
        #expect(throws: UserError.notFound) {
            try BenchmarkSeed.seed(count: 1, accounts: [
                BenchmarkSeed.Account(exchange: .binance, apiKey: "b-key-0123456789", apiSecret: "s", passphrase: nil),
            ], userEmail: "nobody@example.com", database: t.app.database, keyRing: keyRing)
        }
        #expect(try ConnectionImportTests.connections(t, userID: userID).isEmpty)
        #expect(try BenchmarkSeed.seed(count: 0, accounts: [], userEmail: "bench@example.com", database: t.app.database,
                                       keyRing: keyRing).isEmpty)
    }
}
