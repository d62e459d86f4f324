import Foundation

/// How finely a stretch of history is kept, and how finely it is read back: the `resolution` column of
/// `value_points` and `asset_prices` (migration 0010), and the `resolution` of `GET /portfolio/history`.
///
/// Buckets are UTC-aligned: a 5-minute bucket starts at a multiple of 300 s since the Unix epoch, an hourly one
/// at a whole UTC hour, a daily one at UTC midnight (Unix time has no leap seconds, so a day is 86,400 s).
enum HistoryResolution: String, Sendable, CaseIterable, Codable {
    case fiveMinutes = "5m"
    case hour = "1h"
    case day = "1d"

    /// The length of one bucket, in seconds.
    var seconds: Int64 {
        switch self {
        case .fiveMinutes: 300
        case .hour: 3_600
        case .day: 86_400
        }
    }

    /// How long a stored price of this resolution stands for the asset's price: twice its bucket, so a price
    /// thinned to one a day still values an instant of the next day, and a 5-minute price covers one missed run.
    var priceValidity: TimeInterval { TimeInterval(seconds * 2) }

    /// The start of the bucket holding `unixSeconds` (whole seconds since 1970, UTC).
    func bucket(ofUnixSeconds unixSeconds: Int64) -> Int64 {
        let size = seconds
        let quotient = unixSeconds / size
        // Floor division: an instant before 1970 belongs to the bucket that starts before it.
        return (unixSeconds % size < 0 ? quotient - 1 : quotient) * size
    }

    /// The start of the bucket holding `date`.
    func bucketStart(of date: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(bucket(ofUnixSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))))
    }
}
