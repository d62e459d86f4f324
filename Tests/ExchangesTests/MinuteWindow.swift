import Foundation

/// Binance counts weight per wall-clock minute (exchanges.md §7.7). A test that spends a minute's weight and
/// then checks what is refused must not straddle a minute boundary: this awaits the moment when at least
/// `seconds` are left in the current minute (bounded: at most one minute).
func awaitRoomInMinute(_ seconds: Double) async throws {
    let into = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
    guard 60 - into < seconds else { return }
    try await Task.sleep(nanoseconds: UInt64((60 - into + 0.05) * 1_000_000_000))
}
