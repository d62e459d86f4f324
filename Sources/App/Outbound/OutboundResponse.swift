import Foundation

/// A 2xx answer to an outbound request.
public struct OutboundResponse: Sendable {
    /// The status, 200…299.
    public let status: Int
    /// Header values by lowercased name.
    public let headers: [String: String]
    /// The body, at most `OutboundHTTP.maximumBodyBytes`.
    public let body: Data
}
