import Foundation

/// An HTTP request as the application sees it, independent of how it arrived (FastCGI, or a test).
public struct Request: Sendable {
    public var method: String
    /// The path without the query string, percent-decoding left to the router.
    public var path: String
    /// The raw query string (without `?`), empty when absent.
    public var query: String
    /// Header fields keyed by lowercase name.
    public var headers: [String: String]
    public var body: [UInt8]
    /// The peer address nginx saw (REMOTE_ADDR), for logs.
    public var remoteAddress: String
    /// The id that tags every log line of this request and comes back in `X-Request-Id`.
    public var requestID: String
    /// Why the transport did not read the body (a Content-Length that is not a number, a body over the limit),
    /// or nil. The body is then empty. The transport does not answer such a request itself: the application
    /// throws this before routing, so its response comes from the one site that turns errors into responses.
    public var bodyRefusal: APIError?

    public init(
        method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = [],
        remoteAddress: String = "", requestID: String = UUID().uuidString.lowercased()
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        var lowercased: [String: String] = [:]
        for (name, value) in headers { lowercased[name.lowercased()] = value }
        self.headers = lowercased
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    /// A request whose header names are already lowercase (the FastCGI mapping makes them so).
    public init(
        method: String, path: String, query: String, lowercasedHeaders: [String: String], body: [UInt8],
        remoteAddress: String, requestID: String
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = lowercasedHeaders
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The query parameters, decoded; the last occurrence of a name wins.
    public var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value = parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            items[name] = value
        }
        return items
    }

    /// The value of cookie `name` from the `Cookie` header, when it is there exactly once.
    ///
    /// A name sent twice gets nil, not the first value: the browser sends every cookie that matches, and a
    /// sibling subdomain or a plain-HTTP page can plant one of the same name beside ours, so neither copy can
    /// be trusted to be the one this origin set. Use `cookieValues(_:)` to tell "absent" from "repeated".
    public func cookie(_ name: String) -> String? {
        let values = cookieValues(name)
        return values.count == 1 ? values[0] : nil
    }

    /// Every value sent for cookie `name`, in header order (RFC 6265 §5.4 leaves duplicates possible).
    public func cookieValues(_ name: String) -> [String] {
        guard let header = header("cookie") else { return [] }
        var values: [String] = []
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            // The name is compared trimmed, so `name =x` counts as a copy of `name` rather than slipping by.
            if let equals = pair.firstIndex(of: "="), pair[..<equals].trimmingCharacters(in: .whitespaces) == name {
                values.append(String(pair[pair.index(after: equals)...]))
            }
        }
        return values
    }
}
