import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One IPv4 or IPv6 address as its bytes, and whether it is a public unicast address.
///
/// Holdfast sends requests to URLs people type (webhooks, ntfy, Ghostfolio). Without this check those URLs
/// could make the server probe its own network: loopback services, the cloud metadata address, the LAN.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    /// The address of `bytes`; nil unless there are 4 or 16 of them.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a literal: dotted IPv4 or IPv6 text (without brackets); nil for anything else, names included.
    public init?(literal text: String) {
        var v4 = in_addr()
        if text.contains(".") && !text.contains(":"), inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if text.contains(":"), inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// True for an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// The IPv4 address an IPv6 address carries (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`,
    /// NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`), which is where a packet to it really goes.
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        let first10 = bytes[0..<10]
        if first10.allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) && !bytes[12..<16].allSatisfy({ $0 == 0 })
            && !(bytes[12..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1) {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes[4..<12].allSatisfy({ $0 == 0 }) {
            return IPAddress(bytes: Array(bytes[12..<16]))
        }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// Why this address is not a public unicast one ("loopback", "private", …), or nil when it is public.
    ///
    /// IPv4: 0.0.0.0/8 unspecified, 10/8, 172.16/12, 192.168/16 private (RFC 1918), 100.64/10 CGNAT (RFC 6598),
    /// 127/8 loopback, 169.254/16 link-local (the cloud metadata address), 192.0.0/24 IETF protocol assignments,
    /// 198.18/15 benchmarking, 224/4 multicast, 240/4 reserved and broadcast. IPv6: `::` unspecified, `::1`
    /// loopback, fe80::/10 link-local, fec0::/10 site-local, fc00::/7 unique-local, ff00::/8 multicast, and
    /// an embedded IPv4 address judged as IPv4.
    public var restriction: String? {
        if bytes.count == 4 {
            let (a, b) = (bytes[0], bytes[1])
            switch a {
            case 0: return "unspecified"
            case 10: return "private"
            case 100 where (64...127).contains(b): return "shared (CGNAT)"
            case 127: return "loopback"
            case 169 where b == 254: return "link-local"
            case 172 where (16...31).contains(b): return "private"
            case 192 where b == 168: return "private"
            case 192 where b == 0 && bytes[2] == 0: return "reserved"
            case 198 where b == 18 || b == 19: return "reserved"
            case 224...239: return "multicast"
            case 240...255: return "reserved"
            default: return nil
            }
        }
        if bytes.allSatisfy({ $0 == 0 }) { return "unspecified" }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return "loopback" }
        if let v4 = embeddedIPv4 { return v4.restriction }
        if bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80 { return "link-local" }
        if bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0xc0 { return "site-local" }
        if (bytes[0] & 0xfe) == 0xfc { return "unique-local" }
        if bytes[0] == 0xff { return "multicast" }
        return nil
    }

    /// Dotted IPv4 or RFC 5952 IPv6 text.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let text = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard text != nil else { return "?" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
