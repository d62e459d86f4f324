import Exchanges
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Every request Holdfast sends to a URL a person gave it (webhooks, ntfy topics, Ghostfolio): the URL checked
/// when it is stored (`validate`), and each request sent with the address policy, a timeout, no redirect and a
/// capped answer (`send`).
///
/// The session's delegate is the exchange transport's (`TransportDelegate`): it refuses every redirect (one
/// would resend a token or a signed body to wherever `Location` points) and stops reading an answer past the
/// cap. Nothing here logs a header, a body or a URL path: headers carry tokens and a URL may be a secret.
///
/// The addresses are checked by resolving the host just before the request; URLSession then resolves it again
/// to connect, so a name whose DNS answer changes in between (rebinding) is not caught by the check alone.
public final class OutboundHTTP: Sendable {
    /// The longest a request may take, connect to last byte: 10 s.
    public static let defaultTimeout: TimeInterval = 10
    /// The largest answer body read: 64 KiB (no receiver Holdfast talks to answers more than a few KiB).
    public static let maximumBodyBytes = 64 << 10
    /// The longest URL accepted.
    public static let maximumURLLength = 2_000

    /// The targets allowed beyond public addresses.
    public let policy: OutboundPolicy
    private let resolver: HostResolver
    private let timeout: TimeInterval
    private let session: URLSession
    private let delegate = TransportDelegate()

    /// A sender applying `policy`, resolving with `resolver`, giving up after `timeout` seconds.
    public init(policy: OutboundPolicy, resolver: HostResolver = .system, timeout: TimeInterval = defaultTimeout) {
        self.policy = policy
        self.resolver = resolver
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpMaximumConnectionsPerHost = 4
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Checks a URL a person entered: http or https, a host, no `user:password@`, at most 2,000 characters, and
    /// not a literal loopback/private/… address (or `localhost`) unless the policy lists it. Throws
    /// `OutboundError` `invalid_url` or `target_not_allowed` (`apiError(field:)` makes the 422).
    /// Names are not resolved here: `send` checks what they resolve to each time.
    public func validate(_ text: String) throws -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw OutboundError("invalid_url", "Enter a URL.") }
        guard trimmed.count <= Self.maximumURLLength else {
            throw OutboundError("invalid_url", "The URL is longer than \(Self.maximumURLLength) characters.")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }),
              let components = URLComponents(string: trimmed), let url = components.url,
              let scheme = components.scheme?.lowercased() else {
            throw OutboundError("invalid_url", "This is not a URL.")
        }
        guard scheme == "http" || scheme == "https" else {
            throw OutboundError("invalid_url", "The URL must start with http:// or https://.")
        }
        guard components.user == nil && components.password == nil else {
            throw OutboundError("invalid_url", "The URL must not carry a user name or password; use the token field.")
        }
        guard let host = Self.bareHost(components.host), !host.isEmpty else {
            throw OutboundError("invalid_url", "The URL has no host.")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw OutboundError("invalid_url", "The URL's port is not 1-65535.")
        }
        let port = Self.port(of: components, scheme: scheme)
        let loopbackName = host == "localhost" || host.hasSuffix(".localhost")
        if let address = IPAddress(literal: host), let why = address.restriction,
           !policy.permits(host: host, port: port, address: address) {
            throw Self.notAllowed(host: host, port: port, why: why)
        }
        if loopbackName && !policy.lists(host: host, port: port) {
            throw Self.notAllowed(host: host, port: port, why: "loopback")
        }
        return url
    }

    /// Sends one request and answers its 2xx response. Before anything is sent the host is resolved, and if ANY
    /// of its addresses is not allowed the request is refused (`target_not_allowed`). Failures: `target_redirect`
    /// (3xx, not followed), `target_tls`, `target_unreachable`, `target_timeout`, `target_too_large` (an answer
    /// over 64 KiB), `target_http_<status>` with a short excerpt of the answer (header values removed from it).
    public func send(method: String, url: URL, headers: [String: String] = [:], body: Data? = nil)
        async throws -> OutboundResponse {
        let validated = try validate(url.absoluteString)
        guard let components = URLComponents(url: validated, resolvingAgainstBaseURL: false),
              let host = Self.bareHost(components.host) else { throw OutboundError("invalid_url", "The URL has no host.") }
        let port = Self.port(of: components, scheme: components.scheme?.lowercased() ?? "http")
        let addresses = await resolver.addresses(of: host)
        guard !addresses.isEmpty else {
            throw OutboundError("target_unreachable", "The host \(host) could not be resolved.")
        }
        for address in addresses where !policy.permits(host: host, port: port, address: address) {
            throw Self.notAllowed(host: host, port: port, why: address.restriction ?? "restricted")
        }
        var request = URLRequest(url: validated, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Holdfast", forHTTPHeaderField: "User-Agent")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await receive(request, host: host)
        if (300..<400).contains(response.statusCode) {
            throw OutboundError("target_redirect",
                                "\(host) answered HTTP \(response.statusCode), a redirect; Holdfast does not follow redirects.")
        }
        guard (200..<300).contains(response.statusCode) else {
            let excerpt = Self.excerpt(of: data, hiding: Array(headers.values))
            throw OutboundError("target_http_\(response.statusCode)",
                                "\(host) answered HTTP \(response.statusCode)" + (excerpt.isEmpty ? "." : ": \(excerpt)"))
        }
        var lowered: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { lowered[name.lowercased()] = value }
        }
        return OutboundResponse(status: response.statusCode, headers: lowered, body: data)
    }

    /// Runs the data task through the delegate, mapping transport failures onto the outbound codes.
    private func receive(_ request: URLRequest, host: String) async throws -> (Data, HTTPURLResponse) {
        let task = session.dataTask(with: request)
        let collector = BoundedBody(limit: Self.maximumBodyBytes)
        delegate.register(collector, for: task)
        let outcome = await withTaskCancellationHandler {
            task.resume()
            return await collector.wait()
        } onCancel: {
            task.cancel()
        }
        switch outcome {
        case .complete(let response, let data):
            guard let http = response as? HTTPURLResponse else {
                throw OutboundError("target_bad_response", "\(host) did not answer with HTTP.")
            }
            return (data, http)
        case .tooLarge:
            throw OutboundError("target_too_large", "\(host) answered with more than \(Self.maximumBodyBytes >> 10) KiB.")
        case .failed(let error):
            throw Self.transportError(error, host: host)
        }
    }

    /// The outbound code of a URLSession failure.
    static func transportError(_ error: any Error, host: String) -> OutboundError {
        guard let error = error as? URLError else {
            return OutboundError("target_unreachable", "The request to \(host) failed.")
        }
        switch error.code {
        case .timedOut:
            return OutboundError("target_timeout", "\(host) did not answer within \(Int(defaultTimeout)) seconds.")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
             .clientCertificateRequired:
            return OutboundError("target_tls", "The TLS connection to \(host) failed (certificate or handshake).")
        case .badServerResponse, .cannotParseResponse, .cannotDecodeRawData, .cannotDecodeContentData:
            return OutboundError("target_bad_response", "\(host) sent an answer that is not valid HTTP.")
        default:
            // swift-corelibs-foundation on Linux (libcurl) reports a refused certificate or a failed handshake as
            // `.unknown` with curl's text ("SSL certificate problem: self-signed certificate"), measured here.
            let text = error.localizedDescription.lowercased()
            if ["ssl", "tls", "certificate"].contains(where: text.contains) {
                return OutboundError("target_tls", "The TLS connection to \(host) failed (certificate or handshake).")
            }
            return OutboundError("target_unreachable", "Holdfast could not connect to \(host).")
        }
    }

    private static func notAllowed(host: String, port: Int, why: String) -> OutboundError {
        OutboundError("target_not_allowed", "\(host) is a \(why) address; the server's operator must allow "
            + "\(host):\(port) in HOLDFAST_OUTBOUND_ALLOW before Holdfast sends to it.")
    }

    /// The host without IPv6 brackets, lowercased.
    static func bareHost(_ host: String?) -> String? {
        guard var host = host?.lowercased() else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host
    }

    private static func port(of components: URLComponents, scheme: String) -> Int {
        components.port ?? (scheme == "https" ? 443 : 80)
    }

    /// At most 200 printable characters of an error answer, with every header value we sent (tokens) and each
    /// of their words of 8 characters or more replaced by `[hidden]`.
    static func excerpt(of data: Data, hiding values: [String]) -> String {
        var text = String(decoding: data.prefix(2_048), as: UTF8.self)
        let secrets = values.flatMap { [$0] + $0.split(separator: " ").map(String.init) }.filter { $0.count >= 8 }
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            text = text.replacingOccurrences(of: secret, with: "[hidden]")
        }
        let cleaned = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : Character($0) }
        let line = String(cleaned).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}
