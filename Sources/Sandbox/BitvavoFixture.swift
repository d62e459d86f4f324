import Foundation

/// Bitvavo-only parts of a sandbox account (`FixtureAccount.bitvavo`).
public struct FixtureBitvavo: Codable, Sendable, Equatable {
    // SCAFFOLD: the Bitvavo simulator adds its wallets and knobs here (issue 17).
}
