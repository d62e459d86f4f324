import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What came back from one HTTP exchange, with the local times it was sent and received.
struct HTTPResult: Sendable {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: Data
    let sentAt: Date
    let receivedAt: Date

    /// The body as text, for matching error strings.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One URLSession for all clients of a configuration: raised per-host connection limit for parallel syncs,
/// no cookies, no cache, a fixed User-Agent, never a redirect followed, and never more than
/// `maximumBodyBytes` of an answer read (`TransportDelegate`).
final class HTTPTransport: Sendable {
    /// The largest answer body accepted, in bytes: 8 MiB. The largest answer Holdfast reads, Binance's
    /// `/api/v3/account` without `omitZeroBalances`, is about 100 KB; anything near this cap is not a balance.
    static let maximumBodyBytes = 8 << 20

    private let session: URLSession
    private let delegate = TransportDelegate()
    private let timeout: TimeInterval
    private let userAgent: String

    init(timeout: TimeInterval, maximumConnectionsPerHost: Int, userAgent: String) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpMaximumConnectionsPerHost = maximumConnectionsPerHost
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        // The refusal must be the session's delegate: swift-corelibs-foundation (Swift 6.3, Linux) ignores a
        // per-task delegate given to `data(for:delegate:)` and follows the redirect (RedirectTests fail with it).
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        self.timeout = timeout
        self.userAgent = userAgent
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Failures where no request reached the exchange (DNS, refused or dropped connection, no network, TLS
    /// setup): the answer says the exchange was not reached instead of calling it an outage.
    static let unreachableCodes: Set<URLError.Code> = [
        .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet, .networkConnectionLost,
        .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate, .cannotLoadFromNetwork,
    ]

    /// Sends one request. Transport failures become `timeout` or `exchange_unavailable`; a 3xx answer is not
    /// followed and becomes `bad_response` (no exchange redirects the calls we make, and following one would hand
    /// the credentials to another host); a body over `maximumBodyBytes` becomes `bad_response`, read no further
    /// than the cap. The URL (which may carry a signature) is never put into the error.
    func send(
        _ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil, exchange: ExchangeID
    ) async throws -> HTTPResult {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let sentAt = Date()
        do {
            let (data, response) = try await receive(request, exchange: exchange)
            let receivedAt = Date()
            guard let http = response as? HTTPURLResponse else {
                throw ExchangeError(.badResponse, exchange: exchange, detail: "not an HTTP response")
            }
            if (300..<400).contains(http.statusCode) {
                // The Location is not logged either: it may echo the signed query.
                throw ExchangeError.redirectRefused(exchange, status: http.statusCode)
            }
            var lowered: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
            }
            return HTTPResult(status: http.statusCode, headers: lowered, body: data, sentAt: sentAt, receivedAt: receivedAt)
        } catch let error as ExchangeError {
            throw error
        } catch let error as URLError {
            if error.code == .timedOut { throw ExchangeError(.timeout, exchange: exchange, detail: "timed out") }
            if Self.unreachableCodes.contains(error.code) {
                // Nothing reached the exchange: say so, rather than blame an outage on its side.
                throw ExchangeError(.exchangeUnavailable, message: "Holdfast could not reach \(exchange.info.displayName) "
                    + "from this server (no connection to \(request.url?.host ?? "its API")): check the server's network "
                    + "and DNS. Your key was not checked.", exchange: exchange, detail: "unreachable \(error.code.rawValue)")
            }
            throw ExchangeError(.exchangeUnavailable, exchange: exchange, detail: "network error \(error.code.rawValue)")
        } catch {
            throw ExchangeError(.exchangeUnavailable, exchange: exchange, detail: "network error")
        }
    }

    /// Runs one data task, collecting its body through the delegate up to the cap; cancelling the calling task
    /// cancels the request.
    private func receive(_ request: URLRequest, exchange: ExchangeID) async throws -> (Data, URLResponse) {
        let task = session.dataTask(with: request)
        let body = BoundedBody(limit: Self.maximumBodyBytes)
        delegate.register(body, for: task)
        let outcome = await withTaskCancellationHandler {
            task.resume()
            return await body.wait()
        } onCancel: {
            task.cancel()
        }
        switch outcome {
        case .complete(let response, let data):
            return (data, response)
        case .tooLarge:
            throw ExchangeError(.badResponse, exchange: exchange, detail: "answer larger than \(Self.maximumBodyBytes >> 20) MiB")
        case .failed(let error):
            throw error
        }
    }
}
