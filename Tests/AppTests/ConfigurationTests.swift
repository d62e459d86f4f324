import Foundation
import Logging
import Testing
import Exchanges
@testable import App

/// The one `Configuration`: defaults, a typed error naming each unusable setting, and the README's table.
struct ConfigurationTests {
    /// The smallest environment `load` accepts.
    static let minimal = [
        "HOLDFAST_DATABASE": "/tmp/x.sqlite",
        "JWT_SECRET": String(repeating: "j", count: 40),
        "ENCRYPTION_KEY": String(repeating: "k", count: 40),
    ]

    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../README.md").standardized

    @Test func defaultsWhenUnset() throws {
        let configuration = try Configuration.load(environment: Self.minimal)
        #expect(configuration.socketPath == "/run/holdfast/fcgi.sock")
        #expect(configuration.socketMode == 0o660)
        #expect(configuration.workerCount == 96)
        #expect(configuration.syncConcurrency == 8)
        #expect(configuration.syncLeaseSeconds == 180)
        #expect(configuration.exchanges.egressID == ExchangeConfiguration.hostName)
        #expect(configuration.checkpointInterval == 60)
        #expect(configuration.requireReadOnlyKeys == false)
        #expect(configuration.cookieSecure == true)
        #expect(configuration.logLevel == .info)
        #expect(configuration.nginx.mainPath == "/etc/nginx/nginx.conf")
        #expect(configuration.nginx.upstreamPath == "/etc/nginx/holdfast/holdfast-http.conf")
    }

    @Test func valuesAreParsed() throws {
        let configuration = try Configuration.load(environment: Self.minimal.merging([
            "HOLDFAST_SOCKET_MODE": "0600", "HOLDFAST_SYNC_CONCURRENCY": "3", "HOLDFAST_CHECKPOINT_SECONDS": "5",
            "HOLDFAST_REQUIRE_READ_ONLY_KEYS": "1", "HOLDFAST_COOKIE_SECURE": "0", "HOLDFAST_LOG_LEVEL": "DEBUG",
            "HOLDFAST_NGINX_CONF": "/x/nginx.conf", "HOLDFAST_KRAKEN_BASE_URL": "http://127.0.0.1:9",
            "HOLDFAST_EXCHANGE_DEADLINE_SECONDS": "10", "HOLDFAST_SYNC_LEASE_SECONDS": "16", "HOLDFAST_EGRESS_ID": "web-2.eu",
        ]) { $1 })
        #expect(configuration.syncLeaseSeconds == 16)
        #expect(configuration.exchanges.egressID == "web-2.eu")
        #expect(configuration.socketMode == 0o600)
        #expect(configuration.syncConcurrency == 3)
        #expect(configuration.checkpointInterval == 5)
        #expect(configuration.requireReadOnlyKeys)
        #expect(!configuration.cookieSecure)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.nginx.mainPath == "/x/nginx.conf")
        #expect(configuration.exchanges.baseURL(for: .kraken).absoluteString == "http://127.0.0.1:9")
    }

    /// Each unusable value stops the load with an error naming its setting, never its value.
    @Test(arguments: [
        ("HOLDFAST_SOCKET_MODE", "rw-rw----"), ("HOLDFAST_SOCKET_MODE", "1777"),
        ("HOLDFAST_SYNC_CONCURRENCY", "0"), ("HOLDFAST_SYNC_CONCURRENCY", "many"),
        ("HOLDFAST_CHECKPOINT_SECONDS", "-3"), ("HOLDFAST_REQUIRE_READ_ONLY_KEYS", "yes"),
        ("HOLDFAST_COOKIE_SECURE", "true"), ("HOLDFAST_LOG_LEVEL", "loud"), ("HOLDFAST_SESSION_HOURS", "999"),
        ("HOLDFAST_SYNC_LEASE_SECONDS", "7"), ("HOLDFAST_SYNC_LEASE_SECONDS", "50"),
        ("HOLDFAST_DATABASE", "postgresq://holdfast:s3cret@db/holdfast"), ("HOLDFAST_DATABASE", "mysql://db/holdfast"),
    ])
    func unusableValueNamesTheSetting(_ setting: String, _ value: String) {
        do {
            _ = try Configuration.load(environment: Self.minimal.merging([setting: value]) { $1 })
            Issue.record("\(setting)=\(value) was accepted")
        } catch let error as ConfigurationError {
            #expect(error.setting == setting)
            #expect(!error.description.contains(value))
            #expect(StartupError.exitCode(for: error) == 78)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// File paths (absolute, relative, with odd characters) and PostgreSQL's URLs and keyword strings are all
    /// database settings; only a URL of another scheme is refused.
    @Test(arguments: ["/var/lib/holdfast/holdfast.sqlite", "state/holdfast.sqlite", "/srv/a://b.sqlite",
                      "postgresql://holdfast@db/holdfast", "POSTGRES://db/holdfast", "host=db dbname=holdfast"])
    func databaseSettingsThatAreUsable(_ value: String) throws {
        let configuration = try Configuration.load(environment: Self.minimal.merging(["HOLDFAST_DATABASE": value]) { $1 })
        #expect(configuration.databasePath == value)
    }

    /// Hosts name their egress address for per-IP budgets with plain characters only (it is part of a stored
    /// scope name); anything else is refused, naming the setting.
    @Test(arguments: ["web 1", "a/b", String(repeating: "h", count: 65), "höst"])
    func unusableEgressIDIsNamed(_ value: String) {
        #expect(throws: ExchangeConfigurationError.self) {
            _ = try Configuration.load(environment: Self.minimal.merging(["HOLDFAST_EGRESS_ID": value]) { $1 })
        }
    }

    @Test func badExchangeURLIsPermanentAndNamed() {
        do {
            _ = try Configuration.load(environment: Self.minimal.merging(["HOLDFAST_OKX_BASE_URL": "ftp://x"]) { $1 })
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("HOLDFAST_OKX_BASE_URL"))
            #expect(StartupError.exitCode(for: error) == 78)
        }
    }

    /// The README's settings table names every setting `Configuration` knows, each once, and no other.
    @Test func readmeTableListsEverySettingOnce() throws {
        let names = try Self.readmeSettingNames()
        #expect(names.count == Set(names).count, "listed twice: \(names.filter { name in names.filter { $0 == name }.count > 1 })")
        #expect(Set(names) == Set(Configuration.settingNames),
                "README only: \(Set(names).subtracting(Configuration.settingNames).sorted()); code only: \(Set(Configuration.settingNames).subtracting(names).sorted())")
        #expect(Configuration.settingNames.count == Set(Configuration.settingNames).count)
    }

    /// The backquoted names in the first column of the table that follows `## Configuration`.
    static func readmeSettingNames() throws -> [String] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "\n## Configuration\n"))
        var names: [String] = []
        var inTable = false
        for line in text[section.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                inTable = true
                let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                guard cells.count > 1 else { continue }
                names += cells[1].split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            } else if inTable {
                break
            }
        }
        return names
    }
}
