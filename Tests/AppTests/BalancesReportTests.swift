import Foundation
import Sandbox
import Testing
@testable import App

/// `holdfast exchange balances` in process: its output is JSON with amounts as strings and never a secret.
struct BalancesReportTests {
    @Test func printsBalancesAsJSONAndErrorsWithoutSecrets() async throws {
        let sandbox = try SandboxServer(fixture: .demo)
        let nonces = FileManager.default.temporaryDirectory.appendingPathComponent("nonces-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: nonces) }
        let account = try #require(sandbox.state.currentFixture.accounts.first { $0.exchange == .kucoin })
        let input = try JSONSerialization.data(withJSONObject: [
            "apiKey": account.apiKey, "apiSecret": account.apiSecret, "passphrase": account.passphrase!,
        ])
        var environment = sandbox.environment
        environment["HOLDFAST_NONCE_DIRECTORY"] = nonces.path
        let (output, code, warnings) = await BalancesReport.run(exchange: "kucoin", stdin: input, environment: environment)
        #expect(code == 0)
        #expect(output.contains(#"{"asset":"BTC","free":"0.45","locked":"0.05","total":"0.5","wallets":[{"wallet":"#))
        #expect(output.hasSuffix(#""unreadWallets":[]}"#))
        #expect(warnings.isEmpty)
        #expect(!output.contains(account.apiSecret))

        let wrong = try JSONSerialization.data(withJSONObject: [
            "apiKey": account.apiKey, "apiSecret": account.apiSecret, "passphrase": "nope",
        ])
        let (failure, failureCode, _) = await BalancesReport.run(exchange: "kucoin", stdin: wrong, environment: environment)
        #expect(failureCode != 0)
        #expect(failure.hasPrefix(#"{"error":{"code":"invalid_passphrase","message":"#))
        #expect(!failure.contains("nope"))

        let (unknown, unknownCode, _) = await BalancesReport.run(exchange: "ftx", stdin: input, environment: environment)
        #expect(unknownCode == 2 && unknown.contains("invalid_request"))

        var broken = environment
        broken["HOLDFAST_KUCOIN_BASE_URL"] = "file:///etc/passwd"
        let (misconfigured, misconfiguredCode, _) = await BalancesReport.run(exchange: "kucoin", stdin: input, environment: broken)
        #expect(misconfiguredCode == 2 && misconfigured.contains("HOLDFAST_KUCOIN_BASE_URL"))
    }
}
