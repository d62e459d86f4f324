import Foundation
import Testing

/// Every table has one owner: the store type whose files hold every statement changing it (STYLE.md, "State with one
/// owner"). This test reads the sources and fails on a statement that names a table outside its owner, so a
/// newcomer can trust the map below — it is the map the README's "Where the state lives" section shows.
struct TableOwnershipTests {
    /// Table → the store type that owns it. Its statements live in `<Owner>.swift` and `<Owner>+Feature.swift`.
    static let owners: [String: String] = [
        "exchange_connections": "ConnectionStore", "sync_leases": "ConnectionStore",
        "portfolios": "HoldingStore", "tokens": "HoldingStore", "holdings": "HoldingStore", "holding_wallets": "HoldingStore",
        "sync_runs": "SyncRunStore", "sync_counters": "SyncRunStore", "sync_deferrals": "SyncRunStore",
        "users": "UserStore", "sessions": "SessionStore", "login_throttle": "LoginThrottleStore",
        "exchange_nonces": "ExchangeNonceStore", "request_budgets": "RequestBudgetStore",
        "market_pairs": "QuoteStore", "market_quotes": "QuoteStore", "market_fetches": "QuoteStore",
        "asset_prices": "QuoteStore", "quantity_snapshots": "SnapshotStore", "value_points": "ValuePointStore",
        "alert_channels": "AlertChannelStore", "alert_settings": "AlertChannelStore", "alert_states": "AlertStateStore",
        "alert_deliveries": "AlertDeliveryStore",
        "ghostfolio_feeds": "FeedStore", "ghostfolio_pushes": "FeedStore",
        "schema_migrations": "Migrator",
    ]

    /// Whether `file` (a path) is part of store type `owner`; its PostgreSQL twin `Postgres<Owner>` counts as
    /// part of it (the same statements in the other dialect).
    static func isPart(_ file: String, of owner: String) -> Bool {
        let name = (file as NSString).lastPathComponent
        return [owner, "Postgres" + owner].contains { name == $0 + ".swift" || name.hasPrefix($0 + "+") }
    }

    /// Whether `file` is some store (a statement returning one store's rows may join another store's table).
    static func isStore(_ file: String) -> Bool {
        owners.values.contains { isPart(file, of: $0) }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Swift sources that run Holdfast's own SQL: every target under `Sources/` (the libraries, the executables and
    /// the seed libraries only `holdfast-bench` and the tests link) but the sandbox, which has none on these tables;
    /// the fuzz targets live outside `Sources/` and have none either.
    static func sourceFiles() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(atPath: sources.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") && !$0.hasPrefix("Sandbox/") }
            .map { "Sources/" + $0 }
    }

    /// Whether `line` has a SQL clause that reads `table` (FROM, JOIN).
    static func readsTable(_ line: String, _ table: String) -> Bool {
        line.range(of: "\\b(FROM|JOIN)\\s+" + table + "\\b", options: [.regularExpression, .caseInsensitive]) != nil
    }

    /// Whether `line` has a SQL clause that changes `table` or its schema (INTO, UPDATE, DELETE FROM, TABLE, INDEX … ON).
    static func changesTable(_ line: String, _ table: String) -> Bool {
        line.range(of: "\\b(INTO|UPDATE|TABLE|ON|DELETE\\s+FROM)\\s+" + table + "\\b", options: [.regularExpression, .caseInsensitive]) != nil
    }

    @Test func everyStatementLivesInItsTablesOwner() throws {
        var strays: [String] = []
        for file in try Self.sourceFiles() {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("//") { continue }  // doc comments may name a table
                for (table, owner) in Self.owners where line.contains(table) && !Self.isPart(file, of: owner) {
                    // A store may read another's table in a join; only the owner changes it.
                    let reads = Self.readsTable(String(line), table) && !Self.isStore(file)
                    if reads || Self.changesTable(String(line), table) {
                        strays.append("\(file):\(number + 1) names \(table) (owner: \(owner))")
                    }
                }
            }
        }
        #expect(strays.isEmpty, Comment(rawValue: "SQL outside its table's owner:\n" + strays.joined(separator: "\n")))
    }

    @Test func everyOwnerExistsAndEveryTableIsMapped() throws {
        let files = try Self.sourceFiles()
        for owner in Set(Self.owners.values) {
            #expect(files.contains { Self.isPart($0, of: owner) }, "no file of \(owner)")
        }
        // Every table the migrations create has an owner.
        let migrations = Self.root.appendingPathComponent("Migrations")
        for name in try FileManager.default.contentsOfDirectory(atPath: migrations.path) where name.hasSuffix(".sql") {
            let sql = try String(contentsOf: migrations.appendingPathComponent(name), encoding: .utf8)
            let regex = try NSRegularExpression(pattern: "CREATE TABLE (\\w+)", options: [.caseInsensitive])
            for match in regex.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)) {
                let table = (sql as NSString).substring(with: match.range(at: 1))
                #expect(Self.owners[table] != nil, "\(table) (\(name)) has no owner in the map")
            }
        }
    }

    /// The scan covers the seed libraries too: code that only benchmarks and tests link still goes through the
    /// stores (`BenchmarkSeed` stores through App's `ConnectionImport`).
    @Test func scanCoversTheSeedLibrariesAndExecutables() throws {
        let folders = Set(try Self.sourceFiles().map { $0.split(separator: "/")[1] })
        for folder in ["App", "BenchmarkSeeding", "VaultFixtures", "holdfast", "holdfast-bench", "holdfast-sync"] {
            #expect(folders.contains(Substring(folder)), "Sources/\(folder) is not scanned")
        }
        #expect(!folders.contains("Sandbox"))
    }

    /// The scanner itself: it must see a table in each clause form, and not a column that merely shares a prefix.
    @Test func scannerSeesEachClause() {
        #expect(Self.readsTable("SELECT * FROM holdings h", "holdings"))
        #expect(Self.readsTable("  JOIN tokens t ON", "tokens"))
        #expect(Self.changesTable("INSERT INTO sync_runs (", "sync_runs"))
        #expect(Self.changesTable("update users set", "users"))
        #expect(Self.changesTable("DELETE FROM users WHERE", "users"))
        #expect(!Self.readsTable("FROM holding_wallets", "holdings"))
        #expect(!Self.readsTable("FROM users_view", "users"))
        #expect(Self.isPart("Sources/App/Connections/ConnectionStore+Due.swift", of: "ConnectionStore"))
        #expect(!Self.isPart("Sources/App/Connections/ConnectionStoreView.swift", of: "ConnectionStore"))
    }
}
