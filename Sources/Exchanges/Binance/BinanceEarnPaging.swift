/// Reads every page of a Simple Earn position listing and proves the read complete (exchanges.md §7.2).
///
/// Binance pages these listings with `current` (1-based) and `size` (max 100) and states the number of positions
/// in `total`. The stop rule is ours (§7.2): stop when the rows read equal `total` or a page comes back empty,
/// and never ask for more than `ceil(total/100)+1` pages. A read that cannot be shown complete is
/// `bad_response` (issue 11, item 1), so the sync keeps the holdings it had instead of deleting the unread
/// positions.
enum BinanceEarnPaging {
    /// One page: `{"rows":[…],"total":<int>}`. Both fields are optional here so that their absence is reported
    /// as an incomplete read rather than a generic decoding failure.
    struct Page<Row: Decodable & Sendable>: Decodable, Sendable {
        let rows: [Row]?
        let total: LenientInt64?
    }

    /// Most positions one listing may claim. Far above any real account; it bounds the pages a hostile `total`
    /// could make Holdfast ask for (each page costs 150 of the endpoint's SAPI weight, §7.7). Our limit, not
    /// Binance's.
    static let maxPositions: Int64 = 10_000

    /// Every row of the listing called `listing` ("flexible", "locked"), page after page via `fetch(current)`.
    /// `identity` gives a row's position id (nil: unknown), so a page served twice is caught even when the
    /// row count happens to match `total`.
    /// Throws `bad_response` when `rows` or `total` is missing, `total` is negative, above `maxPositions` or
    /// changes between pages, a position id repeats, more rows arrive than `total`, or the pages end (empty page
    /// or page bound) with rows still missing. Errors thrown by `fetch` pass through.
    static func readAll<Row: Decodable & Sendable>(
        listing: String, identity: (Row) -> String?, fetch: (Int) async throws -> Page<Row>
    ) async throws -> [Row] {
        func incomplete(_ why: String) -> ExchangeError {
            ExchangeError(.badResponse, exchange: .binance, detail: "Simple Earn \(listing): \(why)")
        }
        var rows: [Row] = []
        var seen: Set<String> = []
        var expected: Int64?
        var bound = 1
        var current = 1
        while current <= bound {
            let page = try await fetch(current)
            guard let pageRows = page.rows, let total = page.total?.value else {
                throw incomplete("page \(current) without rows or total")
            }
            if let expected {
                guard total == expected else { throw incomplete("total changed from \(expected) to \(total)") }
            } else {
                guard total >= 0, total <= maxPositions else { throw incomplete("total \(total) out of range") }
                expected = total
                let size = Int64(BinanceEndpoint.earnPageSize)
                bound = Int((total + size - 1) / size) + 1
            }
            if pageRows.isEmpty { break }
            for row in pageRows {
                if let id = identity(row) {
                    guard seen.insert(id).inserted else { throw incomplete("position \(id) repeated") }
                }
                rows.append(row)
            }
            guard Int64(rows.count) <= total else { throw incomplete("\(rows.count) rows for a total of \(total)") }
            if Int64(rows.count) == total { return rows }
            current += 1
        }
        let total = expected ?? 0
        guard Int64(rows.count) == total else {
            throw incomplete("\(rows.count) of \(total) rows after \(current - 1) pages")
        }
        return rows
    }
}
