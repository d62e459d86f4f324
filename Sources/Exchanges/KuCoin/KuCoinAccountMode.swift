/// Whether a KuCoin account is classic or a unified trading account (UTA), which decides where its coins are
/// read: UTA users' funds do not appear in the classic `/api/v1/accounts` (exchanges.md §9.1–§9.2).
enum KuCoinAccountMode: Equatable {
    /// Classic account types (`main`, `trade`, `trade_hf`, margin…), read from `/api/v1/accounts`.
    case classic
    /// Unified trading account, read from `KuCoinUnified.path` alone.
    case unified

    /// The mode endpoint, signed like every private call (§4.2) and answering `data.selfAccountMode`
    /// `CLASSIC`|`UNIFIED`. v1 as ccxt 4.5.90 uses it (§9.1); KuCoin's own SDK 1.3.2 routes the same call as
    /// `/api/ua/v2/account/mode`, unverified against the server — change it here if v1 is retired.
    static let path = "/api/ua/v1/account/mode"

    /// `data` of the mode answer; the sub-account UID lists it also carries are not needed.
    private struct Answer: Decodable, Sendable {
        let selfAccountMode: String?
    }

    /// The account mode of `client`'s key.
    ///
    /// HTTP 404 means the endpoint does not exist for this account, so it is classic: exchanges.md names no
    /// error code for "not available", so the status alone decides (our rule). Every other failure fails the read
    /// with its own code (outages `exchange_unavailable`, `400007` `permission_denied`, …): guessing classic
    /// would read `/api/v1/accounts`, where a UTA user's coins are not, and replace the holdings with nothing.
    /// A mode other than `CLASSIC`/`UNIFIED`, or none, is `bad_response`.
    static func read(using client: KuCoinClient) async throws -> KuCoinAccountMode {
        guard let answer = try await client.signedGet(Answer.self, endpoint: path, notFoundIsAbsent: true) else {
            return .classic
        }
        switch answer.selfAccountMode?.uppercased() {
        case "CLASSIC": return .classic
        case "UNIFIED": return .unified
        case let other:
            throw ExchangeError(.badResponse, exchange: .kucoin,
                                detail: "account mode " + String((other ?? "missing").prefix(40)))
        }
    }
}
