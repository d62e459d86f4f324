import BenchmarkSeeding
import Foundation
import Logging
import Sandbox
import Store
import Testing
@testable import App

/// `holdfast-sync`'s whole run, in process, through the same `TimerRun.run` its `main` calls; on both backends but
/// for the restore lock, which is a file beside the SQLite database.
@Suite(.serialized)
struct TimerRunTests {
    /// Lines a run printed, gathered from whichever thread printed them.
    ///
    /// `@unchecked Sendable`: `lines` is only read or written under `lock`.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        var lines: [String] { lock.withLock { stored } }
        func append(_ line: String) { lock.withLock { stored.append(line) } }
    }

    /// A migrated app beside a sandbox, with `count` due connections of one user; returns their ids.
    static func seeded(_ t: TestApp, _ sandbox: SandboxServer, count: Int) throws -> [String] {
        try t.addUser("timer@example.com")
        let accounts = sandbox.state.currentFixture.accounts.filter { $0.exchange == .kucoin || $0.exchange == .binance }
            .prefix(2).map { BenchmarkSeed.Account(exchange: $0.exchange, apiKey: $0.apiKey, apiSecret: $0.apiSecret,
                                                   passphrase: $0.passphrase) }
        return try BenchmarkSeed.seed(count: count, accounts: Array(accounts), userEmail: "timer@example.com",
                                      database: t.app.database, keyRing: t.app.configuration.keyRing)
    }

    @Test(arguments: TestBackend.allCases)
    func dryRunListsWhatIsDueAndSyncsNothing(_ backend: TestBackend) async throws {
        let sandbox = try SandboxServer(fixture: .demo)
        let t = try TestApp(backend: backend, extraEnvironment: sandbox.environment)
        let ids = try Self.seeded(t, sandbox, count: 2)
        let output = Output()
        let status = await TimerRun.run(TimerRun.Options(dryRun: true), configuration: t.app.configuration,
                                        logger: Logger(label: "test"), output: { output.append($0) })
        #expect(status == 0)
        #expect(output.lines.last == "2 connections due")
        for id in ids { #expect(output.lines.contains { $0.hasPrefix(id + " ") }) }
        #expect(try Set(t.due().map(\.id)) == Set(ids))
    }

    @Test(arguments: TestBackend.allCases)
    func aRunSyncsEveryDueConnection(_ backend: TestBackend) async throws {
        let sandbox = try SandboxServer(fixture: .demo)
        let t = try TestApp(backend: backend, extraEnvironment: sandbox.environment)
        let ids = try Self.seeded(t, sandbox, count: 3)
        #expect(try t.due().count == ids.count)
        let status = await TimerRun.run(TimerRun.Options(concurrency: 2), configuration: t.app.configuration,
                                        logger: Logger(label: "test"))
        #expect(status == 0)
        #expect(try t.due().isEmpty)
        let records = try await t.app.database.read { db in try ids.map { try ConnectionStore.find($0, in: db) } }
        for record in records {
            #expect(record?.lastSyncAt != nil && record?.lastErrorCode == nil)
        }
    }

    /// A restore in progress (the exclusive lock held) skips the run: exit 0, nothing synced.
    @Test func aRunDuringARestoreSkipsAndSucceeds() async throws {
        let sandbox = try SandboxServer(fixture: .demo)
        let t = try TestApp(extraEnvironment: sandbox.environment)
        let ids = try Self.seeded(t, sandbox, count: 1)
        let restore = try #require(try DatabaseLock.acquire(for: t.app.configuration.databasePath, mode: .exclusive))
        let status = await TimerRun.run(TimerRun.Options(), configuration: t.app.configuration, logger: Logger(label: "test"))
        withExtendedLifetime(restore) {}
        #expect(status == 0)
        #expect(try t.due().map(\.id) == ids)
    }

    @Test(arguments: TestBackend.allCases)
    func anUnmigratedDatabaseExitsWithThePermanentStatus(_ backend: TestBackend) async throws {
        let t = try TestApp(backend: backend, migrate: false)
        let status = await TimerRun.run(TimerRun.Options(), configuration: t.app.configuration, logger: Logger(label: "test"))
        #expect(status == ServiceStartup.permanentErrorExitCode)
        // The dry run refuses the same database the same way: the check runs before either.
        let dry = await TimerRun.run(TimerRun.Options(dryRun: true), configuration: t.app.configuration,
                                     logger: Logger(label: "test"), output: { _ in })
        #expect(dry == ServiceStartup.permanentErrorExitCode)
    }
}
