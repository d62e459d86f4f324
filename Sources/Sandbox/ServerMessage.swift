import Foundation

/// One parsed HTTP/1.1 request as the sandbox's handlers see it.
public struct ServerRequest: Sendable {
    /// Upper-case method.
    public var method: String
    /// Path without the query.
    public var path: String
    /// The raw query string exactly as received (no decoding), "" when absent.
    public var query: String
    /// Header values by lowercased name (last one wins).
    public var headers: [String: String]
    /// The body bytes (Content-Length framed).
    public var body: Data
    /// The peer's IP address.
    public var remoteAddress: String

    /// The request target as sent: path plus `?query` when there is one.
    public var target: String { query.isEmpty ? path : path + "?" + query }

    /// Query or form parameters, percent-decoded; the last value of a repeated name wins.
    public static func parameters(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            result[name] = value
        }
        return result
    }
}

/// One HTTP response from a sandbox handler.
public struct ServerResponse: Sendable {
    /// Status code.
    public var status: Int
    /// Extra headers (Content-Length and Connection are added by the server).
    public var headers: [(String, String)]
    /// Body bytes.
    public var body: Data
    /// Spaces the server streams after `body` (the oversized-answer knob), written in pieces rather than held.
    public var padding = 0
    /// Send the body chunked, without `Content-Length`.
    public var chunked = false

    /// A response with the given parts.
    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body given as text.
    public static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
    }

    /// A JSON body serialized from Foundation objects (sorted keys, so output is stable).
    public static func json(_ status: Int, object: Any, headers: [(String, String)] = []) -> ServerResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return ServerResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: data)
    }

    /// A plain-text body.
    public static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "text/plain")] + headers, body: Data(text.utf8))
    }

    /// An HTML page, as CDNs and load balancers send in front of exchanges.
    public static func html(_ status: Int, title: String, headers: [(String, String)] = []) -> ServerResponse {
        let page = "<!DOCTYPE html>\n<html><head><title>\(status) \(title)</title></head>" +
            "<body><center><h1>\(status) \(title)</h1></center><hr><center>cloudflare</center></body></html>\n"
        return ServerResponse(status: status, headers: [("Content-Type", "text/html; charset=UTF-8")] + headers,
                              body: Data(page.utf8))
    }

    /// The standard reason phrase for `status`.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 413: return "Payload Too Large"
        case 418: return "I'm a teapot"
        case 429: return "Too Many Requests"
        case 451: return "Unavailable For Legal Reasons"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
