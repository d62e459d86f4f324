import Foundation
import Testing
import Store
import Vault
@testable import App

/// Which start-up errors exit 78 (no restart) and which exit 1 (systemd restarts).
struct StartupErrorTests {
    @Test func settingsKeysAndMigrationsArePermanent() {
        #expect(StartupError.exitCode(for: ConfigurationError(setting: "HOLDFAST_WORKERS", problem: "is bad")) == 78)
        #expect(StartupError.exitCode(for: KeyConfigurationError(setting: "ENCRYPTION_KEY", message: "is missing")) == 78)
        #expect(StartupError.exitCode(for: MigrationError.unknownApplied("0099_future")) == 78)
    }

    @Test func aFileThatIsNotADatabaseIsPermanentAndOtherErrorsAreNot() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-db-\(UUID().uuidString)").path
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteConnection(path: path).query("SELECT 1")
            Issue.record("expected an error")
        } catch {
            #expect(StartupError.exitCode(for: error) == 78)
        }
        #expect(StartupError.exitCode(for: CancellationError()) == 1)
    }

    @Test func aBadSettingIsAConfigurationError() {
        #expect(throws: ConfigurationError.self) {
            _ = try Configuration.load(environment: ["HOLDFAST_DATABASE": "/tmp/x.sqlite", "HOLDFAST_WORKERS": "many",
                                                     "JWT_SECRET": String(repeating: "s", count: 40)])
        }
    }
}
