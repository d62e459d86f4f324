import Web

/// The pure half of the FastCGI layer: CGI/FastCGI params to a `Request`, and a `Response` to the CGI
/// header block (RFC 3875 §6.3), with no I/O so both directions are unit-tested byte for byte.
public enum CGIMapping {
    /// Builds a request from the FastCGI params and the body already read.
    ///
    /// Headers arrive as `HTTP_*` params (`HTTP_X_CSRF_TOKEN` → `x-csrf-token`); `CONTENT_TYPE` and
    /// `CONTENT_LENGTH` are not prefixed (RFC 3875 §4.1). The path comes from `REQUEST_URI` so it is the path
    /// the client asked for, before any rewriting; `SCRIPT_NAME`/`PATH_INFO` depend on nginx settings.
    public static func request(params: [String: String], body: [UInt8], requestID: String) -> Request {
        var headers: [String: String] = [:]
        for (name, value) in params where name.hasPrefix("HTTP_") {
            headers[headerName(fromParam: name)] = value
        }
        if let contentType = params["CONTENT_TYPE"], !contentType.isEmpty { headers["content-type"] = contentType }
        if let contentLength = params["CONTENT_LENGTH"], !contentLength.isEmpty { headers["content-length"] = contentLength }

        let uri = params["REQUEST_URI"] ?? params["SCRIPT_NAME"] ?? "/"
        let path: String
        var query = params["QUERY_STRING"] ?? ""
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            if query.isEmpty { query = String(uri[uri.index(after: mark)...]) }
        } else {
            path = uri
        }
        return Request(
            method: params["REQUEST_METHOD"] ?? "GET", path: path.isEmpty ? "/" : path, query: query,
            lowercasedHeaders: headers, body: body, remoteAddress: params["REMOTE_ADDR"] ?? "", requestID: requestID)
    }

    /// `HTTP_X_CSRF_TOKEN` → `x-csrf-token`, byte by byte (this runs for every header of every request).
    static func headerName(fromParam name: String) -> String {
        var bytes = Array(name.utf8.dropFirst(5))
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): bytes[index] += 32
            default: break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The declared body length: 0 when absent, nil when not a non-negative integer.
    public static func contentLength(params: [String: String]) -> Int? {
        guard let text = params["CONTENT_LENGTH"], !text.isEmpty else { return 0 }
        guard let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// The CGI response header block: `Status:`, then each header, then a blank line.
    ///
    /// Header names and values are stripped of CR and LF (and names of `:`) so no handler can split the
    /// response. Built on bytes: this runs for every response.
    public static func headerBlock(for response: Response) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        bytes.append(contentsOf: "Status: \(response.status) \(Response.reasonPhrase(for: response.status))\r\n".utf8)
        var hasContentLength = false
        for (name, value) in response.headers {
            if !hasContentLength && name.utf8.count == 14 && name.lowercased() == "content-length" { hasContentLength = true }
            for byte in name.utf8 where byte != 13 && byte != 10 && byte != UInt8(ascii: ":") { bytes.append(byte) }
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: " "))
            for byte in value.utf8 where byte != 13 && byte != 10 { bytes.append(byte) }
            bytes.append(13)
            bytes.append(10)
        }
        if !hasContentLength && response.status != 204 && response.status != 304 {
            bytes.append(contentsOf: "Content-Length: \(response.body.count)\r\n".utf8)
        }
        bytes.append(13)
        bytes.append(10)
        return bytes
    }
}
