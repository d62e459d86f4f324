import Foundation

/// Bybit-only parts of a sandbox account (`FixtureAccount.bybit`).
public struct FixtureBybit: Codable, Sendable, Equatable {
    // SCAFFOLD: the Bybit simulator adds its wallets and knobs here (issue 17).
}
