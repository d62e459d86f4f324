import App
import Exchanges
import FastCGI
import Foundation
import Sandbox
import Vault
import Web

/// The fuzz targets, by name. Each takes arbitrary bytes and must never crash, hang or trap; every
/// rejection must be an ordinary thrown error.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "params": params, "json": json, "jwt": jwt, "ciphertext": ciphertext,
        "binance": binanceWallets, "coinbase": { exchangeResponse(.coinbase, $0) },
        "coinbaseexchange": { exchangeResponse(.coinbaseexchange, $0) }, "kraken": { exchangeResponse(.kraken, $0) },
        "kucoin": kucoin, "time": serverTime, "krakenearn": krakenEarn,
        "coinbasekey": coinbaseKey, "okx": okx, "bitvavo": bitvavo, "bybit": bybit,
    ]

    /// Text pasted as a Coinbase key name and secret (split at the first NUL): every form is read to a key or
    /// refused with a thrown `invalid_key_format`; DER goes to OpenSSL's decoder here, so that is fuzzed too.
    static func coinbaseKey(_ data: [UInt8]) {
        let parts = data.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.count > 1 ? String(decoding: parts[0], as: UTF8.self) : ""
        let secret = String(decoding: parts.last ?? [], as: UTF8.self)
        _ = try? CoinbaseCredentials.normalized(Credentials(apiKey: name, apiSecret: secret))
    }

    /// FastCGI params → Request (NUL-separated NAME=value pairs), then the request's own parsers and the
    /// response header block.
    static func params(_ data: [UInt8]) {
        var params: [String: String] = [:]
        for pair in data.split(separator: 0) {
            let text = String(decoding: pair, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            params[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        _ = CGIMapping.contentLength(params: params)
        let request = CGIMapping.request(params: params, body: [], requestID: "fuzz")
        _ = request.queryItems
        _ = request.cookie(Sessions.cookieName(secure: true))
        _ = request.cookieValues(Sessions.cookieName(secure: false))
        let response = Response(status: 200, headers: params.map { ($0.key, $0.value) }, body: [])
        _ = CGIMapping.headerBlock(for: response)
    }

    /// A JSON body through the same validation the connect and PATCH handlers use.
    static func json(_ data: [UInt8]) {
        let request = Request(method: "POST", path: "/", headers: ["Content-Type": "application/json"], body: data)
        guard var body = try? JSONBody(request) else { return }
        body.rejectUnknownFields(allowing: ["exchange", "apiKey", "apiSecret", "passphrase", "label"])
        _ = body.string("exchange", maxLength: 40)
        _ = body.string("apiSecret", maxLength: 4096, allowNewlines: true)
        _ = body.string("label", required: false, maxLength: 100)
        _ = body.bool("autoSync")
        _ = body.int("syncInterval", in: 60...86_400)
        _ = try? body.validate()
    }

    static let jwtVerifier = JWT(secret: Array("fuzzing-secret-fuzzing-secret-0001".utf8))

    /// Arbitrary text as a session token.
    static func jwt(_ data: [UInt8]) {
        _ = try? jwtVerifier.verify(String(decoding: data, as: UTF8.self))
    }

    static let cipher = CredentialCipher(keyRing: try! KeyRing(activeKey: "fuzzing-encryption-key-fuzzing-0001"))

    /// Arbitrary text as a stored credential (Holdfast's format and the seed's).
    static func ciphertext(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        _ = try? StoredCredential(parsing: text)
        _ = try? cipher.open(text, connectionId: "fuzz", field: .apiKey)
        _ = cipher.needsRotation(text)
        _ = LegacyDecryptor.recognizes(text)
    }

    /// A real client of `exchange` reading a response whose status and body come from the fuzzer (the public
    /// time endpoint answers correctly, so the signed call is reached): classification, decoding, amounts,
    /// normalization and aggregation all run on hostile input.
    static func exchangeResponse(_ exchange: ExchangeID, _ data: [UInt8]) {
        let status = data.first.map { statuses[Int($0) % statuses.count] } ?? 200
        ExchangeStub.shared.earnReply = nil
        ExchangeStub.shared.reply = (status, Data(data.dropFirst()))
        let client = ExchangeStub.shared.client(exchange)
        _ = runBlocking { try? await client.fetchBalances() }
    }
}

extension FuzzTargets {
    /// The mode answer of a classic KuCoin account (exchanges.md §9.1).
    static let kucoinClassicMode = (200, Data(#"{"code":"200000","data":{"selfAccountMode":"CLASSIC"}}"#.utf8))

    /// KuCoin reads the account mode before anything else, and one body cannot be both a mode object and the
    /// classic listing's array: so each input runs twice, once with the mode endpoint answering `CLASSIC` (the
    /// fuzzed body reaches `/api/v1/accounts` and the margin endpoints) and once with every call fuzzed (the mode
    /// endpoint and the unified balance read it).
    static func kucoin(_ data: [UInt8]) {
        ExchangeStub.shared.pathReplies = ["/api/ua/v1/account/mode": kucoinClassicMode]
        exchangeResponse(.kucoin, data)
        ExchangeStub.shared.pathReplies = [:]
        exchangeResponse(.kucoin, data)
    }

    /// The account-info answer of a UTA 1.0 Bybit account (exchanges-okx-bybit-bitvavo.md §B.1), so the fuzzed
    /// body reaches the unified and contract wallets, Funding, Earn and the overview.
    static let bybitUTA1 = (200, Data(#"{"retCode":0,"retMsg":"OK","result":{"unifiedMarginStatus":3},"retExtInfo":{},"time":1}"#.utf8))

    /// Bybit reads the account mode first; as for KuCoin, each input runs twice: once with the mode fixed (UTA
    /// 1.0, every wallet call reads the fuzzed body), once with every call fuzzed (the mode and key info too).
    static func bybit(_ data: [UInt8]) {
        ExchangeStub.shared.pathReplies = ["/v5/account/info": bybitUTA1]
        exchangeResponse(.bybit, data)
        ExchangeStub.shared.pathReplies = [:]
        exchangeResponse(.bybit, data)
        let client = ExchangeStub.shared.client(.bybit)
        _ = runBlocking { try? await client.permissions() }
    }

    static let statuses = [200, 200, 200, 400, 401, 403, 404, 418, 429, 500, 502, 503]

    /// OKX (exchanges-okx-bybit-bitvavo.md §A.1, §A.5): one fuzzed body answers the trading balance, funding,
    /// Simple Earn, On-chain Earn and the account config (one `data` object can carry the fields of all five, so
    /// every wallet and the permission parser are reached), after a correct public time.
    static func okx(_ data: [UInt8]) {
        exchangeResponse(.okx, data)
        let client = ExchangeStub.shared.client(.okx)
        _ = runBlocking { try? await client.permissions() }
    }

    /// A valid, non-empty Bitvavo `/v2/balance` answer (exchanges-okx-bybit-bitvavo.md §C.1).
    static let bitvavoSpot = (200, Data(#"[{"symbol":"BTC","available":"0.5","inOrder":"0.1"}]"#.utf8))

    /// Bitvavo reads `/v2/balance` and then `/v2/stakingBalance`: each input runs twice, once with every call
    /// fuzzed (the spot listing and the error classifier read it) and once with the spot listing answering
    /// correctly, so the fuzzed body reaches the staking listing and the unread-wallet path.
    static func bitvavo(_ data: [UInt8]) {
        ExchangeStub.shared.pathReplies = [:]
        exchangeResponse(.bitvavo, data)
        ExchangeStub.shared.pathReplies = ["/v2/balance": bitvavoSpot]
        exchangeResponse(.bitvavo, data)
        ExchangeStub.shared.pathReplies = [:]
    }

    /// Every exchange's time endpoint and headers fuzzed: byte 0 picks the exchange, byte 1 the status, the
    /// text up to the first newline is the `Retry-After` header, the rest is the body of every answer (time
    /// endpoints included). Reads the server time, then balances (whose clock retry re-reads the time).
    static func serverTime(_ data: [UInt8]) {
        guard data.count >= 2 else { return }
        let exchanges = ExchangeID.allCases
        let exchange = exchanges[Int(data[0]) % exchanges.count]
        let status = statuses[Int(data[1]) % statuses.count]
        let rest = data.dropFirst(2)
        let newline = rest.firstIndex(of: 10) ?? rest.endIndex
        let retryAfter = String(decoding: rest[..<newline], as: UTF8.self)
        let body = newline < rest.endIndex ? Data(rest[rest.index(after: newline)...]) : Data()
        ExchangeStub.shared.timeFuzzed = true
        ExchangeStub.shared.earnReply = nil
        ExchangeStub.shared.reply = (status, body)
        ExchangeStub.shared.retryAfter = retryAfter
        let client = ExchangeStub.shared.client(exchange)
        _ = runBlocking { try? await client.serverTime() }
        _ = runBlocking { try? await client.fetchBalances() }
    }
}

extension FuzzTargets {
    /// The paths of one Binance read, in the order it calls them: spot, then the wallets of exchanges.md §7.1–§7.4.
    static let binancePaths = [
        "/api/v3/account", "/sapi/v1/asset/get-funding-asset", "/sapi/v1/simple-earn/flexible/position",
        "/sapi/v1/simple-earn/locked/position", "/sapi/v1/bfusd/account", "/sapi/v1/rwusd/account",
    ]

    /// Binance with one answer per call (spot wants an object, funding an array, Simple Earn pages: one body for
    /// all could never reach past the funding wallet). Byte 0 is the status of the spot answer, whose body runs to
    /// the first NUL; each further NUL-separated part, for the next path of `binancePaths`, is a status byte (never
    /// 0, the separator: 12 also means 200) and a body; a missing part repeats the last one. So an input without
    /// NUL after byte 0 is a status byte and one body for every call, as the other exchange targets take it.
    static func binanceWallets(_ data: [UInt8]) {
        let first = data.first.map { statuses[Int($0) % statuses.count] } ?? 200
        let parts = data.dropFirst().split(separator: 0, omittingEmptySubsequences: false)
        var replies: [String: (Int, Data)] = [:]
        var last = (first, Data(parts.first ?? []))
        for (index, path) in binancePaths.enumerated() {
            if index > 0, index < parts.count {
                let part = parts[index]
                last = (part.first.map { statuses[Int($0) % statuses.count] } ?? 200, Data(part.dropFirst()))
            }
            replies[path] = last
        }
        ExchangeStub.shared.timeFuzzed = false
        ExchangeStub.shared.earnReply = nil
        ExchangeStub.shared.pathReplies = replies
        defer { ExchangeStub.shared.pathReplies = [:] }
        let client = ExchangeStub.shared.client(.binance)
        _ = runBlocking { try? await client.readBalances() }
    }

    /// Kraken with separate answers: byte 0 picks the status, the bytes up to the first NUL are the `BalanceEx`
    /// body, the rest the body of `Earn/Allocations`, `Earn/Strategies` and `Assets` (one item can carry the
    /// fields of an allocation and of a strategy at once) (one body for all could never be a valid
    /// balance map and a valid allocation list at once, so reconciliation would go unfuzzed).
    static func krakenEarn(_ data: [UInt8]) {
        let status = data.first.map { statuses[Int($0) % statuses.count] } ?? 200
        let rest = data.dropFirst()
        let split = rest.firstIndex(of: 0) ?? rest.endIndex
        ExchangeStub.shared.timeFuzzed = false
        ExchangeStub.shared.reply = (status, Data(rest[..<split]))
        ExchangeStub.shared.earnReply = (200, split < rest.endIndex ? Data(rest[rest.index(after: split)...]) : Data())
        let client = ExchangeStub.shared.client(.kraken)
        _ = runBlocking { try? await client.fetchBalances() }
    }
}

/// A loopback server standing in for every exchange during fuzzing: correct time endpoints, fuzzed answers
/// for everything else.
///
/// `@unchecked Sendable`: `reply` is guarded by `lock`; libFuzzer calls one input at a time.
final class ExchangeStub: @unchecked Sendable {
    static let shared = ExchangeStub()

    private let lock = NSLock()
    private var _reply: (Int, Data) = (200, Data())
    var reply: (Int, Data) {
        get { lock.withLock { _reply } }
        set { lock.withLock { _reply = newValue } }
    }
    private var _retryAfter = "3"
    /// The `Retry-After` header sent with every fuzzed answer.
    var retryAfter: String {
        get { lock.withLock { _retryAfter } }
        set { lock.withLock { _retryAfter = newValue } }
    }
    private static let earnPaths: Set = ["/0/private/Earn/Allocations", "/0/private/Earn/Strategies", "/0/public/Assets"]
    private var _earnReply: (Int, Data)?
    /// When set, Kraken's `Earn/Allocations`, `Earn/Strategies` and `Assets` answer with this instead of `reply`.
    var earnReply: (Int, Data)? {
        get { lock.withLock { _earnReply } }
        set { lock.withLock { _earnReply = newValue } }
    }
    private var _pathReplies: [String: (Int, Data)] = [:]
    /// Answers by path, ahead of `reply` (Binance's wallets, see `FuzzTargets.binanceWallets`; KuCoin's fixed mode).
    var pathReplies: [String: (Int, Data)] {
        get { lock.withLock { _pathReplies } }
        set { lock.withLock { _pathReplies = newValue } }
    }
    private var _timeFuzzed = false
    /// When set, the time endpoints answer with `reply` too.
    var timeFuzzed: Bool {
        get { lock.withLock { _timeFuzzed } }
        set { lock.withLock { _timeFuzzed = newValue } }
    }
    private var server: HTTPServer!
    private var configuration: ExchangeConfiguration!
    private let accounts = Dictionary(Fixture.demo.accounts.map { ($0.exchange, $0) }, uniquingKeysWith: { first, _ in first })

    private init() {
        server = try! HTTPServer(port: 0) { [unowned self] request in self.answer(request) }
        server.start()
        let base = URL(string: "http://127.0.0.1:\(server.port)")!
        configuration = ExchangeConfiguration(
            baseURLs: Dictionary(uniqueKeysWithValues: ExchangeID.allCases.map { ($0, base) }), timeout: 5,
            nonceStore: FileNonceStore(directory: FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-fuzz-nonces")),
            budget: UnlimitedBudget())
    }

    /// A budget that always says go: a fuzzed 429 or rate-limit error would otherwise make the next input wait
    /// for the scope to free (seconds each), and the fuzzer would test waiting instead of parsing. The feedback
    /// is still read from every answer before it reaches `record`, so that parsing stays fuzzed.
    private struct UnlimitedBudget: RequestBudget {
        func reserve(_ weight: Int, in scope: BudgetScope, at now: Date) throws -> Reservation { .go }
        func record(_ feedback: BudgetFeedback, in scope: BudgetScope, at now: Date) throws {}
    }

    func client(_ exchange: ExchangeID) -> any ExchangeClient {
        let account = accounts[exchange]!
        return try! ExchangeClients.client(
            for: exchange, credentials: Credentials(apiKey: account.apiKey, apiSecret: account.apiSecret, passphrase: account.passphrase),
            configuration: configuration)
    }

    private func answer(_ request: ServerRequest) -> ServerResponse {
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let timePaths: Set<String> = ["/api/v3/time", "/api/v3/brokerage/time", "/time", "/0/public/Time", "/api/v1/timestamp",
                                      "/api/v5/public/time", "/v2/time", "/v5/market/time"]
        switch request.path {
        case let path where timeFuzzed && timePaths.contains(path):
            let (status, body) = reply
            return ServerResponse(status: status, headers: [("Content-Type", "application/json"), ("Retry-After", retryAfter)], body: body)
        case "/api/v3/time": return .json(200, #"{"serverTime":\#(nowMs)}"#)
        case "/api/v3/brokerage/time": return .json(200, #"{"iso":"","epochSeconds":"\#(nowMs / 1000)","epochMillis":"\#(nowMs)"}"#)
        case "/time": return .json(200, #"{"iso":"","epoch":\#(Double(nowMs) / 1000)}"#)
        case "/0/public/Time": return .json(200, #"{"error":[],"result":{"unixtime":\#(nowMs / 1000),"rfc1123":""}}"#)
        case "/api/v1/timestamp": return .json(200, #"{"code":"200000","data":\#(nowMs)}"#)
        case "/api/v5/public/time": return .json(200, #"{"code":"0","msg":"","data":[{"ts":"\#(nowMs)"}]}"#)
        case "/v2/time": return .json(200, #"{"time":\#(nowMs)}"#)
        case "/v5/market/time":
            return .json(200, #"{"retCode":0,"retMsg":"OK","result":{"timeSecond":"\#(nowMs / 1000)","timeNano":"\#(nowMs)000000"},"retExtInfo":{},"time":\#(nowMs)}"#)
        case let path where pathReplies[path] != nil:
            let (status, body) = pathReplies[path] ?? reply
            return ServerResponse(status: status, headers: [("Content-Type", "application/json"), ("Retry-After", retryAfter)], body: body)
        case let path where earnReply != nil && Self.earnPaths.contains(path):
            let (status, body) = earnReply ?? reply
            return ServerResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
        default:
            let (status, body) = reply
            return ServerResponse(status: status, headers: [("Content-Type", "application/json"), ("Retry-After", retryAfter)], body: body)
        }
    }
}
