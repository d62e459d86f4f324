import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Looks up a host's addresses with getaddrinfo, off Swift's cooperative pool (it blocks for as long as DNS
/// takes).
public struct HostResolver: Sendable {
    /// The lookup: a host name or literal to its addresses; empty when it has none.
    let lookup: @Sendable (String) -> [IPAddress]

    /// The system resolver.
    public static let system = HostResolver(lookup: HostResolver.getaddrinfoLookup)

    /// A resolver answering from `lookup` (tests).
    public init(lookup: @escaping @Sendable (String) -> [IPAddress]) { self.lookup = lookup }

    /// Every address `host` resolves to, looked up on a global dispatch queue.
    func addresses(of host: String) async -> [IPAddress] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: lookup(host)) }
        }
    }

    private static func getaddrinfoLookup(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        // `list` is owned here and freed once, after every entry is copied out.
        defer { freeaddrinfo(first) }
        var result: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    if let ip = withUnsafeBytes(of: v4, { IPAddress(bytes: Array($0)) }) { result.append(ip) }
                case AF_INET6:
                    let v6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    if let ip = withUnsafeBytes(of: v6, { IPAddress(bytes: Array($0)) }) { result.append(ip) }
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return result
    }
}
