import Exchanges
import Foundation
import PostgreSQL
import PostgresTestSupport
import Primitives
@testable import Store
import Testing
import Vault
@testable import App

/// `holdfast db copy`: a populated SQLite database, built through the migrations and the stores, copied into a
/// fresh PostgreSQL database on the throwaway test server, and every way the copy must refuse or roll back.
final class DatabaseCopyTests {
    static let migrations = TestServer.repositoryRoot.appendingPathComponent("Migrations")
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    static let encryptionKey = "database-copy-test-key-database-copy-0001"

    let folder: URL
    let sourcePath: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dbcopy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        sourcePath = folder.appendingPathComponent("holdfast.sqlite").path
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    // MARK: - The copy

    @Test func copiesEveryTableValueByValueAndAdvancesSequences() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        let sourceTables = try sourceTableNames()
        // Every table holds rows, so "identical" below is not vacuous for any of them (a new table fails here
        // until the fixture writes to it).
        for table in sourceTables { #expect(try rows(of: table, inSource: ()).count > 0, "\(table) is empty") }
        let before = try fileDigest(sourcePath)

        let report = try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)

        #expect(Set(report.tables.map(\.name)) == Set(sourceTables))
        let order = report.tables.map(\.name)
        #expect(try #require(order.firstIndex(of: "users")) < #require(order.firstIndex(of: "sessions")))
        #expect(try #require(order.firstIndex(of: "holdings")) < #require(order.firstIndex(of: "holding_wallets")))
        #expect(report.lines.last?.hasPrefix("copied \(report.totalRows) rows in ") == true)
        #expect(report.lines.contains("users: 3 rows"))
        let db = try target.connect()
        for table in sourceTables {
            let source = try rows(of: table, inSource: ())
            let copied = try sorted(db.query("SELECT * FROM \(table)"))
            #expect(copied == source, "\(table) differs")
            #expect(report.tables.first { $0.name == table }?.rows == source.count)
        }
        #expect(try fileDigest(sourcePath) == before, "the source file changed")

        // The identity sequences moved past the copied ids: the stores insert new rows on the copy.
        let maxToken = try #require(db.queryOne("SELECT max(id) AS id FROM tokens")?.int("id"))
        let maxRun = try #require(db.queryOne("SELECT max(id) AS id FROM sync_runs")?.int("id"))
        let newToken = try #require(db.queryOne(
            "INSERT INTO tokens (symbol, created_at) VALUES ('NEWCOIN', ?) RETURNING id", [.text(Timestamp.now())]
        )?.int("id"))
        #expect(newToken > maxToken)
        let newRun = try #require(db.queryOne("""
            INSERT INTO sync_runs (connection_id, trigger, started_at, finished_at, outcome, duration_ms)
            SELECT id, 'manual', ?1, ?1, 'success', 5 FROM exchange_connections LIMIT 1 RETURNING id
            """, [.text(Timestamp.now())])?.int("id"))
        #expect(newRun > maxRun)
    }

    @Test func smallBatchesCopyTheSameRows() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        // Batches of 2 rows: every table of more than two rows takes several keyset steps.
        let report = try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations, batchSize: 2)
        let db = try target.connect()
        for table in try sourceTableNames() {
            #expect(try sorted(db.query("SELECT * FROM \(table)")) == rows(of: table, inSource: ()), "\(table)")
        }
        #expect(report.totalRows > 20)
    }

    @Test func theCopyReadsOneSnapshotWhileTheSourceIsWritten() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        let database = Database(path: sourcePath)
        defer { database.close() }
        var written = false
        // Between two tables, a service commits a new user and a new session to the source: neither is copied,
        // because the copy reads the snapshot it started with (and its counts verify against that snapshot).
        let report = try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations) { _, _ in
            guard !written else { return }
            written = true
            try? database.write { db in
                let id = UUIDs.make()
                try UserStore.insert(id: id, email: "late@example.com", passwordHash: "$x$", at: Timestamp.now(), in: db)
                try SessionStore.insert(id: UUIDs.make(), userID: id, createdAt: Date(),
                                        expiresAt: Date().addingTimeInterval(60), in: db)
            }
        }
        #expect(written)
        #expect(try await database.read { db in try UserStore.list(in: db).count } == 4)
        #expect(report.tables.first { $0.name == "users" }?.rows == 3)
        let db = try target.connect()
        #expect(try db.queryOne("SELECT count(*) AS n FROM users")?.int("n") == 3)
        #expect(try db.queryOne("SELECT count(*) AS n FROM sessions")?.int("n") == 2)
    }

    @Test func theSourceConnectionCannotWriteNorCreate() throws {
        try Migrator(directory: Self.migrations).migrate(SQLiteConnection(path: sourcePath))
        let source = try SQLiteConnection(readOnlyPath: sourcePath)
        #expect(throws: SQLiteError.self) { try source.execute("CREATE TABLE scribble (id INTEGER)") }
        #expect(throws: SQLiteError.self) { try source.run("DELETE FROM users", []) }
        let missing = folder.appendingPathComponent("never.sqlite").path
        #expect(throws: SQLiteError.self) { try SQLiteConnection(readOnlyPath: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    // MARK: - Refusals that touch nothing

    @Test func secondCopyIntoTheNowNonEmptyTargetIsRefusedAndChangesNothing() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        _ = try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)
        let db = try target.connect()
        let snapshot = try targetSnapshot(db)

        let error = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)
        }
        guard case .targetNotEmpty(let tables) = error else { Issue.record("\(error)"); return }
        #expect(tables.contains("users"))
        #expect(error.description.contains("not empty"))
        #expect(try targetSnapshot(db) == snapshot)
    }

    @Test func oneRowInOneTableIsEnoughToRefuse() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        let db = try target.connect()
        try PostgresMigrator(directory: Self.migrations.appendingPathComponent("postgresql")).migrate(db)
        try db.run("INSERT INTO sync_deferrals (exchange, count) VALUES ('kraken', 1)")
        #expect(throws: DatabaseCopyError.targetNotEmpty(["sync_deferrals"])) {
            try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)
        }
        #expect(try db.queryOne("SELECT count(*) AS n FROM users")?.int("n") == 0)
    }

    @Test func unmigratedForeignAndMissingSourcesAreRefusedBeforeTheTargetIsTouched() throws {
        let target = try TestServer.freshDatabase()
        let migrator = try Migrator(directory: Self.migrations)
        let all = migrator.migrations

        let behind = folder.appendingPathComponent("behind.sqlite").path
        try Migrator(migrations: Array(all.dropLast())).migrate(SQLiteConnection(path: behind))
        #expect(throws: DatabaseCopyError.sourceNotMigrated([all.last!.name])) {
            try DatabaseCopy.copy(from: behind, to: target.url, migrations: Self.migrations)
        }

        let newer = folder.appendingPathComponent("newer.sqlite").path
        let future = Migrator.Migration(version: 9_999, name: "9999_future", sql: "CREATE TABLE future (id TEXT);")
        try Migrator(migrations: all + [future]).migrate(SQLiteConnection(path: newer))
        let unknown = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: newer, to: target.url, migrations: Self.migrations)
        }
        #expect(unknown == .sourceMigrationsUnknown(MigrationError.unknownApplied("9999_future").description))

        let foreign = folder.appendingPathComponent("foreign.sqlite").path
        try SQLiteConnection(path: foreign).execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        #expect(throws: DatabaseCopyError.notHoldfast(foreign)) {
            try DatabaseCopy.copy(from: foreign, to: target.url, migrations: Self.migrations)
        }

        let text = folder.appendingPathComponent("text.sqlite")
        try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: text)
        let unreadable = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: text.path, to: target.url, migrations: Self.migrations)
        }
        guard case .sourceUnreadable = unreadable else { Issue.record("\(unreadable)"); return }

        let missing = folder.appendingPathComponent("missing.sqlite").path
        #expect(throws: DatabaseCopyError.noSource(missing)) {
            try DatabaseCopy.copy(from: missing, to: target.url, migrations: Self.migrations)
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "the copy created the missing source")
        // None of these reached the target: it did not even get the schema.
        #expect(try CopySchema.targetTables(in: target.connect()).isEmpty)
    }

    @Test func targetWithOtherTablesOrAnotherVersionIsRefused() async throws {
        try await populateSource()
        let other = try TestServer.freshDatabase()
        try other.connect().execute("CREATE TABLE invoices (id BIGINT PRIMARY KEY)")
        #expect(throws: DatabaseCopyError.targetNotHoldfast(["invoices"])) {
            try DatabaseCopy.copy(from: sourcePath, to: other.url, migrations: Self.migrations)
        }

        let older = try TestServer.freshDatabase()
        let shipped = try PostgresMigrator(directory: Self.migrations.appendingPathComponent("postgresql")).migrations
        try PostgresMigrator(migrations: Array(shipped.dropLast())).migrate(older.connect())
        let error = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: older.url, migrations: Self.migrations)
        }
        guard case .targetVersionMismatch = error else { Issue.record("\(error)"); return }

        let extra = try TestServer.freshDatabase()
        let db = try extra.connect()
        try PostgresMigrator(migrations: shipped).migrate(db)
        try db.execute("CREATE TABLE invoices (id BIGINT PRIMARY KEY)")
        #expect(throws: DatabaseCopyError.tableOnOneSide(table: "invoices", side: "target")) {
            try DatabaseCopy.copy(from: sourcePath, to: extra.url, migrations: Self.migrations)
        }

        // A table someone added to the source by hand has nowhere to go.
        try SQLiteConnection(path: sourcePath).execute("CREATE TABLE scratch_notes (id INTEGER PRIMARY KEY)")
        let fresh = try TestServer.freshDatabase()
        #expect(throws: DatabaseCopyError.tableOnOneSide(table: "scratch_notes", side: "source")) {
            try DatabaseCopy.copy(from: sourcePath, to: fresh.url, migrations: Self.migrations)
        }
        #expect(try fresh.connect().queryOne("SELECT count(*) AS n FROM users")?.int("n") == 0)
    }

    @Test func unreachableTargetIsNamedWithoutItsPassword() async throws {
        try await populateSource()
        let password = "Sup3r-Secret-Pa55word"
        // Port 1 on loopback: nothing listens, the connection is refused.
        let closed = "postgresql://holdfast:\(password)@127.0.0.1:1/holdfast"
        let refused = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: closed, migrations: Self.migrations)
        }
        guard case .targetUnreachable = refused else { Issue.record("\(refused)"); return }
        #expect(!refused.description.contains(password))

        // The real server, a database it does not have: the server's own refusal, still without the password.
        var components = try #require(URLComponents(string: TestServer.url.get()))
        components.password = password
        components.path = "/no_such_database_here"
        let missing = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: try #require(components.string), migrations: Self.migrations)
        }
        guard case .targetUnreachable(let reason) = missing else { Issue.record("\(missing)"); return }
        #expect(reason.contains("no_such_database_here"))
        #expect(!missing.description.contains(password))
    }

    // MARK: - Failures midway roll back

    @Test func aTableThatFailsMidwayLeavesTheTargetEmpty() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        let db = try target.connect()
        try PostgresMigrator(directory: Self.migrations.appendingPathComponent("postgresql")).migrate(db)
        // holding_wallets comes late in foreign-key order: users, connections and holdings are in by then.
        try db.execute("""
            CREATE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON holding_wallets FOR EACH ROW EXECUTE FUNCTION refuse_row();
            """)
        let error = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)
        }
        #expect(error == .copyFailed(table: "holding_wallets", reason: "refused by the test"))
        for table in try sourceTableNames() {
            #expect(try db.queryOne("SELECT count(*) AS n FROM \(table)")?.int("n") == 0, "\(table) kept rows")
        }
    }

    @Test func aTargetThatChangesKeysFailsVerificationAndRollsBack() async throws {
        try await populateSource()
        let target = try TestServer.freshDatabase()
        let db = try target.connect()
        try PostgresMigrator(directory: Self.migrations.appendingPathComponent("postgresql")).migrate(db)
        // Same number of rows, different keys: only the checksum can see it.
        try db.execute("""
            CREATE FUNCTION change_key() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN NEW.key := NEW.key || '-changed'; RETURN NEW; END $$;
            CREATE TRIGGER change BEFORE INSERT ON login_throttle FOR EACH ROW EXECUTE FUNCTION change_key();
            """)
        let error = try #require(throws: DatabaseCopyError.self) {
            try DatabaseCopy.copy(from: sourcePath, to: target.url, migrations: Self.migrations)
        }
        guard case .verificationFailed(let table, let detail) = error else { Issue.record("\(error)"); return }
        #expect(table == "login_throttle")
        #expect(detail.contains("primary keys differ"))
        #expect(try db.queryOne("SELECT count(*) AS n FROM users")?.int("n") == 0)
        #expect(try db.queryOne("SELECT count(*) AS n FROM login_throttle")?.int("n") == 0)
    }

    // MARK: - Fixture

    /// A source database with rows in every table, written through the migrations and the tables' stores:
    /// users, sessions, connections with sealed credentials, holdings with wallets, sync runs (which bump the
    /// counters), a deferral, a lease, a login throttle entry, a nonce and a request budget.
    private func populateSource() async throws {
        try Migrator(directory: Self.migrations).migrate(SQLiteConnection(path: sourcePath))
        let database = Database(path: sourcePath)
        let cipher = CredentialCipher(keyRing: try KeyRing(activeKey: Self.encryptionKey))
        let now = Timestamp.format(Self.epoch)
        let users = ["alice@example.com", "Bob@Example.com", "carol@example.com"].map { (UUIDs.make(), $0) }
        let kraken = UUIDs.make()
        let okx = UUIDs.make()
        try await database.write { db in
            for (id, email) in users {
                try UserStore.insert(id: id, email: email, passwordHash: "$argon2id$v=19$placeholder", at: now, in: db)
            }
            let alice = users[0].0
            try SessionStore.insert(id: UUIDs.make(), userID: alice, createdAt: Self.epoch,
                                    expiresAt: Self.epoch.addingTimeInterval(3_600), in: db)
            try SessionStore.insert(id: UUIDs.make(), userID: users[1].0, createdAt: Self.epoch,
                                    expiresAt: Self.epoch.addingTimeInterval(7_200), in: db)
            try ConnectionStore.insert(.init(
                id: kraken, userID: alice, exchange: "kraken", label: "Main",
                apiKeyEncrypted: try cipher.seal("kraken-key", connectionId: kraken, field: .apiKey),
                apiSecretEncrypted: try cipher.seal("kraken-secret", connectionId: kraken, field: .apiSecret),
                passphraseEncrypted: nil, createdAt: now), in: db)
            try ConnectionStore.insert(.init(
                id: okx, userID: users[1].0, exchange: "okx", label: nil,
                apiKeyEncrypted: try cipher.seal("okx-key", connectionId: okx, field: .apiKey),
                apiSecretEncrypted: try cipher.seal("okx-secret", connectionId: okx, field: .apiSecret),
                passphraseEncrypted: try cipher.seal("okx-pass", connectionId: okx, field: .passphrase),
                createdAt: now), in: db)
            for (connection, user) in [(kraken, alice), (okx, users[1].0)] {
                let portfolio = try HoldingStore.portfolioID(for: connection, userID: user, name: "Exchange", at: now,
                                                             in: db)
                _ = try HoldingStore.replace(portfolioID: portfolio, with: [
                    Balance(asset: "BTC", free: "0.12345678", locked: "0.00000001", total: "0.12345679", wallets: [
                        WalletBalance(wallet: "spot", rawAsset: "XXBT", free: "0.12345678", locked: "0"),
                        WalletBalance(wallet: "staked", rawAsset: "XBT.M", free: "0", locked: "0.00000001"),
                    ]),
                    Balance(asset: "ETH", free: "1.000000000000000001", locked: "0", total: "1.000000000000000001",
                            wallets: [WalletBalance(wallet: "spot", rawAsset: "XETH", free: "1.000000000000000001",
                                                    locked: "0")]),
                ], at: now, in: db)
            }
            for (index, code) in [nil, "rate_limited", nil].enumerated() {
                try SyncRunStore.record(.init(
                    connectionID: kraken, exchange: "kraken", trigger: .scheduled, startedAt: now, finishedAt: now,
                    errorCode: code, errorMessage: code.map { "exchange said \($0)" }, assetCount: code == nil ? 2 : nil,
                    durationMs: 100 + index), in: db)
            }
            try SyncRunStore.recordDeferral(exchange: "okx", in: db)
            try LoginThrottleStore.save(key: "login:alice@example.com", failures: 3, failedAt: Self.epoch,
                                        lockedUntil: Self.epoch.addingTimeInterval(60), in: db)
            try LoginThrottleStore.save(key: "ip:127.0.0.1", failures: 1, failedAt: Self.epoch, lockedUntil: nil,
                                        in: db)
            _ = try ConnectionStore.claim(okx, holder: "host-a:123", onlyIfDue: false, now: Self.epoch, in: db)
            // Issue 13's history: market data, snapshots (WITHOUT ROWID tables are walked by primary key), points.
            try QuoteStore.replacePairs(of: "kraken", with: [MarketPair(market: "XXBTZUSD", base: "BTC", quote: "USD")], in: db)
            try QuoteStore.upsertQuotes([MarketQuote(market: "XXBTZUSD", base: "BTC", quote: "USD", price: "91250.1",
                                                     asOf: Self.epoch, raw: #"{"c":["91250.1","1"]}"#)],
                                        of: "kraken", fetchedAt: now, in: db)
            try QuoteStore.recordFetch(of: "kraken", at: now, errorCode: nil, pairsRefreshed: true, in: db)
            try QuoteStore.record(prices: (0..<5).flatMap { step in ["BTC", "ETH"].map { asset in
                QuoteStore.AssetPrice(asset: asset, currency: "USD", at: Self.epoch.addingTimeInterval(Double(step) * 300),
                                      price: "\(1000 + step).5", source: "kraken:X\(asset)ZUSD")
            } }, in: db)
            for step in 0..<3 {
                _ = try SnapshotStore.record(connectionID: kraken, userID: alice, exchange: "kraken",
                                         balances: [Balance(asset: "BTC", free: "0.\(step + 1)", locked: "0", total: "0.\(step + 1)")],
                                         at: Self.epoch.addingTimeInterval(Double(step) * 3_600), in: db)
                try ValuePointStore.record(.init(at: Self.epoch.addingTimeInterval(Double(step) * 600), currency: "USD",
                                                 total: step == 1 ? nil : "12.3\(step)", complete: step == 0, detail: .init()),
                                           forUser: alice, in: db)
            }
            // Issue 15's alerts: a channel (its secret sealed), settings, a condition's state and a delivery.
            let channelID = UUIDs.make()
            let channel = AlertChannel(id: channelID, userID: alice, kind: .webhook, url: "https://hooks.example.com/h",
                                       sealedSecret: try cipher.seal("whsec", connectionId: channelID, field: .alertSecret),
                                       enabled: true, createdAt: now)
            try AlertChannelStore.insert(channel, in: db)
            try AlertChannelStore.setStaleHours(6, ofUser: alice, in: db)
            _ = try AlertStateStore.set(.needsAttention, of: kraken, raised: true, at: Self.epoch, in: db)
            try AlertDeliveryStore.insert(AlertDelivery.queued(.test(at: Self.epoch), to: channel, now: Self.epoch), in: db)
            // Issue 15's Ghostfolio feed: the user's feed (its token sealed) and a connection's push state with an error.
            try FeedStore.save(userID: alice, url: "https://ghostfol.io",
                               tokenEncrypted: try FeedToken.seal("security-token", userID: alice, cipher: cipher),
                               enabled: true, at: now, in: db)
            try FeedStore.addMissingPushes(userID: alice, in: db)
            try FeedStore.fail(connectionID: kraken, code: "target_timeout", message: "Ghostfolio took too long",
                               at: Self.epoch, in: db)
        }
        _ = try await ExchangeNonceStore(database: database).nextNonce(forKey: "kraken-key", atLeast: 1_800_000_000_000)
        let scope = BudgetScope(name: "shared", policy: BudgetPolicy(limit: 100, refill: .window(milliseconds: 60_000)))
        _ = try await RequestBudgetStore(database: database).reserve(3, in: scope, at: Self.epoch)
        database.close()
    }

    /// The source's tables, as the copy discovers them.
    private func sourceTableNames() throws -> [String] {
        try CopySchema.sourceTables(in: SQLiteConnection(readOnlyPath: sourcePath)).map(\.name)
    }

    /// Every row of `table` in the source, sorted (the `inSource` label only reads well at the call site).
    private func rows(of table: String, inSource: Void) throws -> [[String: SQLValue]] {
        try sorted(SQLiteConnection(readOnlyPath: sourcePath).query("SELECT * FROM \(table)", []))
    }

    /// Rows as column dictionaries in a fixed order (by their values' text), for comparing two databases.
    private func sorted(_ rows: [Row]) -> [[String: SQLValue]] {
        let key = { (row: [String: SQLValue]) in
            row.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "|")
        }
        return rows.map(\.columns).sorted { key($0) < key($1) }
    }

    /// Every row of every table of the target, to prove a refusal changed nothing.
    private func targetSnapshot(_ db: PostgresConnection) throws -> [String: [[String: SQLValue]]] {
        var snapshot: [String: [[String: SQLValue]]] = [:]
        for table in try CopySchema.targetTables(in: db).keys {
            snapshot[table] = try sorted(db.query("SELECT * FROM \(table)"))
        }
        snapshot["schema_migrations"] = try sorted(db.query("SELECT * FROM schema_migrations"))
        return snapshot
    }

    /// SHA-256 of a file's bytes.
    private func fileDigest(_ path: String) throws -> [UInt8] {
        Digest.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
