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
            let headerName = name.dropFirst(5).lowercased().replacingOccurrences(of: "_", with: "-")
            headers[headerName] = value
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
            headers: headers, body: body, remoteAddress: params["REMOTE_ADDR"] ?? "", requestID: requestID)
    }

    /// The declared body length, or nil when absent or not a non-negative integer.
    public static func contentLength(params: [String: String]) -> Int? {
        guard let text = params["CONTENT_LENGTH"], !text.isEmpty else { return 0 }
        guard let value = Int(text), value >= 0 else { return nil }
        return value
    }

    /// The CGI response header block: `Status:`, then each header, then a blank line.
    ///
    /// Header values are stripped of CR and LF so no handler can split the response.
    public static func headerBlock(for response: Response) -> [UInt8] {
        var text = "Status: \(response.status) \(Response.reasonPhrase(for: response.status))\r\n"
        var hasContentLength = false
        for (name, value) in response.headers {
            let cleanName = strip(name, ["\r", "\n", ":"])
            let cleanValue = strip(value, ["\r", "\n"])
            if cleanName.lowercased() == "content-length" { hasContentLength = true }
            text += "\(cleanName): \(cleanValue)\r\n"
        }
        if !hasContentLength && response.status != 204 && response.status != 304 {
            text += "Content-Length: \(response.body.count)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// Removes scalars (not Characters: "\r\n" is one Character, so a Character filter would miss it).
    private static func strip(_ text: String, _ scalars: Set<Unicode.Scalar>) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.filter { !scalars.contains($0) })
        return String(result)
    }
}
