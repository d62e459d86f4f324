import Foundation

/// Per-exchange server-minus-local clock offsets, measured from public time endpoints.
///
/// Keyed by base URL, so an override (a sandbox) never shares an offset with production.
actor ServerClock {
    /// The process-wide offsets.
    static let shared = ServerClock()

    private var offsets: [String: Int64] = [:]

    /// The known offset for `key`, measuring it with `measure` on first use.
    func offset(for key: String, measure: @Sendable () async throws -> Int64) async throws -> Int64 {
        if let known = offsets[key] { return known }
        let measured = try await measure()
        offsets[key] = measured
        return measured
    }

    /// Measures again (after a clock error) and stores the result.
    func refresh(for key: String, measure: @Sendable () async throws -> Int64) async throws -> Int64 {
        let measured = try await measure()
        offsets[key] = measured
        return measured
    }

    /// Forgets every offset (tests).
    func reset() { offsets.removeAll() }

    /// Offset in ms from a server time read between `sentAt` and `receivedAt`: the server stamped its time at
    /// about the midpoint of the round trip.
    static func offsetMs(serverTimeMs: Int64, sentAt: Date, receivedAt: Date) -> Int64 {
        let sent = sentAt.timeIntervalSince1970 * 1000
        let received = receivedAt.timeIntervalSince1970 * 1000
        return serverTimeMs - Int64((sent + received) / 2)
    }

    /// Local time in ms shifted by `offset`.
    static func nowMs(offset: Int64) -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000) + offset
    }

    /// Runs a signed call with the current offset; on `clock_skew` re-measures and retries once. A second clock
    /// error carries the measured offset so the user sees how far off the server is.
    static func withClockRetry<T: Sendable>(
        key: String, measure: @escaping @Sendable () async throws -> Int64,
        _ call: @Sendable (Int64) async throws -> T
    ) async throws -> T {
        let offset = try await shared.offset(for: key, measure: measure)
        do {
            return try await call(offset)
        } catch let error as ExchangeError where error.code == .clockSkew {
            let fresh = try await shared.refresh(for: key, measure: measure)
            do {
                return try await call(fresh)
            } catch let again as ExchangeError where again.code == .clockSkew {
                throw again.withClockOffset(fresh)
            }
        }
    }
}
