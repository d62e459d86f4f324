import Foundation

/// OKX-only parts of a sandbox account (`FixtureAccount.okx`).
public struct FixtureOKX: Codable, Sendable, Equatable {
    // SCAFFOLD: the OKX simulator adds its wallets and knobs here (issue 17).
}
