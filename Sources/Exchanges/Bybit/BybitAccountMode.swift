/// Which kind of Bybit account a key belongs to, from `GET /v5/account/info` `unifiedMarginStatus`
/// (exchanges-okx-bybit-bitvavo.md §B.1): it decides which wallets exist.
enum BybitAccountMode: Equatable, Sendable {
    /// `1`: a classic account. Bybit says classic accounts "are now unavailable" and the `accountType` enum has
    /// only `UNIFIED` and `FUND`; whether a classic account still answers `SPOT` is UNVERIFIED (§B.1).
    case classic
    /// `3`/`4`: UTA 1.0, with inverse contracts still in a separate `CONTRACT` wallet.
    case uta1
    /// `5`/`6`: UTA 2.0, everything in `UNIFIED`.
    case uta2

    /// `result` of the account info call; the margin mode and other fields are not needed.
    private struct Info: Decodable, Sendable {
        let unifiedMarginStatus: LenientInt64?
    }

    /// The mode of `client`'s account. Any failure fails the read with its own code; a status other than the
    /// documented ones, or none, is `bad_response` (guessing would read the wrong wallets).
    static func read(using client: BybitClient) async throws -> BybitAccountMode {
        let info = try await client.get(Info.self, .accountInfo)
        return try mode(info.unifiedMarginStatus?.value)
    }

    /// The mode for a `unifiedMarginStatus` value.
    static func mode(_ status: Int64?) throws -> BybitAccountMode {
        switch status {
        case 1: return .classic
        case 3, 4: return .uta1
        case 5, 6: return .uta2
        case let other:
            throw ExchangeError(.badResponse, exchange: .bybit,
                                detail: "unifiedMarginStatus " + (other.map { String($0) } ?? "missing"))
        }
    }
}
