import Exchanges
import Foundation
import Store
import Web

/// `GET /api/v1/portfolio/history`, `/statement` and `/export`: the value over time, holdings and values as of
/// an instant, and today's holdings with values as CSV or JSON (issue 13).
enum PortfolioHistoryHandlers {
    /// The longest range `5m` may be asked for (the bound), in seconds: 5 years.
    static let longestFiveMinuteRange: TimeInterval = 5 * 366 * 86_400

    struct PointView: Encodable {
        let time: String
        /// The total in `currency`, 2 decimals (BTC 8, JPY 0); null when nothing could be valued.
        @OrNull var value: String?
        @OrNull var valueExact: String?
        let complete: Bool
        let currency: String
    }

    struct HistoryBody: Encodable {
        let from: String
        let to: String
        let resolution: String
        let points: [PointView]
    }

    /// `GET /portfolio/history?from=&to=&resolution=`: one point per bucket (the last recorded in it) from the
    /// best retained resolution. `to` defaults to now, `from` to 30 days before `to`, `resolution` to the
    /// finest that makes at most about 1,000 points (5m up to 2 days, 1h up to 90 days, else 1d). 422 for an
    /// unparseable instant, `from` after `to`, an unknown resolution, or `5m` over more than 5 years.
    static func history(_ request: Request, _ parameters: Router<Application>.Parameters, _ app: Application,
                        _ session: AuthenticatedSession) throws -> Response {
        let query = request.queryItems
        var problems: [String: String] = [:]
        let now = Date()
        let to = instant(query["to"], field: "to", default: now, problems: &problems)
        let from = instant(query["from"], field: "from", default: to.addingTimeInterval(-30 * 86_400), problems: &problems)
        if problems.isEmpty, from > to { problems["from"] = "must not be after to" }
        var resolution = HistoryResolution.day
        if let text = query["resolution"] {
            if let parsed = HistoryResolution(rawValue: text) { resolution = parsed } else {
                problems["resolution"] = "must be one of 5m, 1h, 1d"
            }
        } else {
            let span = to.timeIntervalSince(from)
            resolution = span <= 2 * 86_400 ? .fiveMinutes : span <= 90 * 86_400 ? .hour : .day
        }
        if problems.isEmpty, resolution == .fiveMinutes, to.timeIntervalSince(from) > longestFiveMinuteRange {
            problems["resolution"] = "5m covers at most 5 years: ask for 1h or 1d"
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let points = try app.database.read { db in
            try ValuePointStore.points(ofUser: session.userID, from: from, to: to, resolution: resolution, in: db)
        }
        return .json(HistoryBody(from: Timestamp.format(from), to: Timestamp.format(to), resolution: resolution.rawValue,
                                 points: points.map(pointView)))
    }

    static func pointView(_ point: ValuePointStore.HistoryPoint) -> PointView {
        let digits = ValuationCurrency(code: point.currency)?.displayFractionDigits ?? 2
        return PointView(time: Timestamp.format(point.time), value: point.value.flatMap { DecimalString.fixed($0, fractionDigits: digits) },
                         valueExact: point.value, complete: point.complete, currency: point.currency)
    }

    /// The instant in `text` (absent: `fallback`), noting an unparseable one under `field`.
    static func instant(_ text: String?, field: String, default fallback: Date, problems: inout [String: String]) -> Date {
        guard let text else { return fallback }
        guard let date = InstantText.parse(text) else {
            problems[field] = "must be an ISO 8601 instant (2026-12-31T23:59:59Z) or a date (2026-12-31)"
            return fallback
        }
        return date
    }

    /// The `format` parameter: `json` (default) or `csv`; anything else is 422.
    static func format(_ request: Request) throws -> String {
        let format = request.queryItems["format"] ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.validation(["format": "must be json or csv"]) }
        return format
    }

    /// A CSV attachment named `filename`.
    static func csv(_ bytes: [UInt8], filename: String) -> Response {
        Response(status: 200, headers: [("Content-Type", "text/csv; charset=utf-8"),
                                        ("Content-Disposition", "attachment; filename=\"\(filename)\"")], body: bytes)
    }
}
