import Foundation

/// An HTTP response: status, ordered header fields (a name may repeat, as `Set-Cookie` does) and body bytes.
public struct Response: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Adds a header field, keeping any existing ones of the same name.
    public mutating func addHeader(_ name: String, _ value: String) {
        headers.append((name, value))
    }

    /// A JSON response from an `Encodable` value.
    public static func json<T: Encodable>(_ value: T, status: Int = 200) -> Response {
        let body: [UInt8]
        do {
            // The fast encoder writes the same bytes; it refuses the types it does not write itself.
            body = try (try? CompactJSONEncoder.encode(value)) ?? Array(JSON.encoder.encode(value))
        } catch {
            // Only a bug in a response type gets here; say so without internals.
            return Response(status: 500, headers: [("Content-Type", "application/json")],
                            body: Array(#"{"error":{"code":"\#(ErrorCode.internal.rawValue)","message":"Internal error."}}"#.utf8))
        }
        return Response(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    /// This response as the answer to a `HEAD`: the same status and header fields, no body, and the
    /// `Content-Length` the body would have had (RFC 9110 §8.6 allows it, and monitors compare it).
    ///
    /// 204 and 304 never carry a `Content-Length`, so they only lose the (empty) body.
    public func withoutBody() -> Response {
        var response = self
        if status != 204 && status != 304 && header("Content-Length") == nil {
            response.addHeader("Content-Length", String(body.count))
        }
        response.body = []
        return response
    }

    /// An empty 204.
    public static var noContent: Response { Response(status: 204) }

    /// The reason phrase for a status code, for the `Status:` line.
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Payload Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}

/// The project's JSON settings, shared so every response is encoded the same way.
public enum JSON {
    /// Sorted keys make bodies stable for tests and diffs; slashes stay unescaped for readability.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
