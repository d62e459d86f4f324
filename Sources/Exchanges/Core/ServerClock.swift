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

    /// Earliest server time Holdfast believes: 2015-01-01T00:00:00Z, in ms since the epoch.
    static let earliestServerTimeMs: Int64 = 1_420_070_400_000
    /// Latest server time Holdfast believes: 2200-01-01T00:00:00Z, in ms since the epoch.
    static let latestServerTimeMs: Int64 = 7_258_118_400_000

    /// `milliseconds` when it lies between `earliestServerTimeMs` and `latestServerTimeMs`; otherwise
    /// `bad_response`. A clock that far off is a broken answer, and bounding it keeps every offset sum below
    /// (`offsetMs`, `nowMs`, the sync's clock display) far from Int64 overflow.
    static func checkedServerTimeMs(_ milliseconds: Int64, exchange: ExchangeID) throws -> Int64 {
        guard milliseconds >= earliestServerTimeMs, milliseconds <= latestServerTimeMs else {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "server time out of range")
        }
        return milliseconds
    }

    /// `seconds` since the epoch as checked milliseconds (see `checkedServerTimeMs`); no overflow on any input.
    static func checkedServerTimeMs(seconds: Int64, exchange: ExchangeID) throws -> Int64 {
        let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "server time out of range")
        }
        return try checkedServerTimeMs(milliseconds, exchange: exchange)
    }

    /// `seconds` since the epoch (a JSON number with a fraction) as checked milliseconds; NaN and infinities are
    /// `bad_response` too.
    static func checkedServerTimeMs(fractionalSeconds seconds: Double, exchange: ExchangeID) throws -> Int64 {
        let milliseconds = (seconds * 1000).rounded()
        guard milliseconds.isFinite, milliseconds >= Double(earliestServerTimeMs),
              milliseconds <= Double(latestServerTimeMs) else {
            throw ExchangeError(.badResponse, exchange: exchange, detail: "server time out of range")
        }
        return try checkedServerTimeMs(Int64(milliseconds), exchange: exchange)
    }

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
