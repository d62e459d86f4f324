import Foundation
import Primitives
import Vault
import VaultFixtures

/// Measures what the vault costs in a warm process, for `holdfast-bench vault`.
///
/// Uses throwaway random keys and secrets, never the configured ones. Per-operation figures are medians of
/// individually timed calls, after a warm-up, so one scheduler hiccup does not skew them.
struct VaultBenchmark: Sendable {
    /// Timed calls per per-field and per-connection measurement.
    let iterations: Int
    /// Timed key ring loads and legacy record opens (each costs a full PBKDF2, so few are enough).
    let slowIterations: Int

    /// A benchmark with `iterations` timed calls per fast measurement.
    init(iterations: Int = 20_000, slowIterations: Int = 5) {
        self.iterations = max(iterations, 1)
        self.slowIterations = max(slowIterations, 1)
    }

    /// Runs every measurement and returns printable lines; a failure becomes a line rather than a crash.
    func report() -> String {
        do {
            return try measure().joined(separator: "\n")
        } catch {
            return "vault benchmark failed: \(error)"
        }
    }

    private func measure() throws -> [String] {
        var lines = [
            "vault benchmark (AES-256-GCM; medians; \(iterations) iterations, \(slowIterations) for slow steps)",
        ]

        let secret = { SecureRandom.hex(length: 64) }
        let active = secret(), previous = secret()
        let environment = ["ENCRYPTION_KEY": active]
        let load = try median(slowIterations) { _ = try KeyRing.load(environment: environment) }
        lines.append(line("key ring load, 1 key (PBKDF2-HMAC-SHA256, \(KeyRing.derivationIterations) iterations)", load))
        let loadTwo = try median(slowIterations) { _ = try KeyRing(activeKey: active, previousKeys: [previous]) }
        lines.append(line("key ring load, active + 1 previous", loadTwo))

        let cipher = CredentialCipher(keyRing: try KeyRing(activeKey: active))
        let apiSecret = SecureRandom.hex(length: 64)
        let connectionId = UUID().uuidString.lowercased()
        let stored = try cipher.seal(apiSecret, connectionId: connectionId, field: .apiSecret)
        let seal = try median(iterations) {
            _ = try cipher.seal(apiSecret, connectionId: connectionId, field: .apiSecret)
        }
        lines.append(line("seal one field (64-char secret)", seal))
        let open = try median(iterations) { _ = try cipher.open(stored, connectionId: connectionId, field: .apiSecret) }
        lines.append(line("open one field", open))

        let fields: [CredentialField] = [.apiKey, .apiSecret, .passphrase]
        let sealedFields = try fields.map { try cipher.seal(apiSecret, connectionId: connectionId, field: $0) }
        let sealConnection = try median(iterations) {
            for field in fields { _ = try cipher.seal(apiSecret, connectionId: connectionId, field: field) }
        }
        lines.append(line("seal one connection (\(fields.count) fields)", sealConnection))
        let openConnection = try median(iterations) {
            for (field, value) in zip(fields, sealedFields) {
                _ = try cipher.open(value, connectionId: connectionId, field: field)
            }
        }
        lines.append(line("open one connection (\(fields.count) fields)", openConnection))

        let legacyRecords = try (0..<slowIterations).map { _ in try LegacyFixture.seal(apiSecret, password: active) }
        let legacy = LegacyDecryptor(key: active)
        var index = 0
        let legacyOpen = try median(slowIterations, warmUp: 0) {
            _ = try legacy.open(legacyRecords[index])
            index += 1
        }
        lines.append(line("legacy open, per record (PBKDF2, \(LegacyDecryptor.iterations) iterations)", legacyOpen))
        let legacyCached = try median(iterations) { _ = try legacy.open(legacyRecords[0]) }
        lines.append(line("legacy open, repeated salt (cached key)", legacyCached))
        return lines
    }

    /// Median duration in seconds of `count` timed calls of `body`, after `warmUp` untimed ones.
    private func median(_ count: Int, warmUp: Int? = nil, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<(warmUp ?? min(count, 100)) { try body() }
        let clock = ContinuousClock()
        var samples = [Double]()
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let elapsed = try clock.measure(body)
            samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    private func line(_ label: String, _ seconds: Double) -> String {
        let value = seconds >= 1e-3
            ? String(format: "%.1f", seconds * 1e3) + " ms" : String(format: "%.1f", seconds * 1e6) + " µs"
        return label.padding(toLength: 64, withPad: " ", startingAt: 0) + value
    }
}
