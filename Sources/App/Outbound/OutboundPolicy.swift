import Foundation

/// Which targets outbound requests may reach: every public address, plus the `host:port` entries the operator
/// lists in `HOLDFAST_OUTBOUND_ALLOW` even though they resolve to a loopback, private, link-local, unique-local,
/// CGNAT, multicast or unspecified address (a webhook receiver or Ghostfolio on the same host or LAN).
///
/// An entry names a host as the URL spells it (`localhost:8080`, `ghostfolio.lan:3333`) or an address literal
/// (`127.0.0.1:9000`, `[::1]:9000`); it allows that port only. Default: none, so such targets are refused.
public struct OutboundPolicy: Sendable, Equatable {
    /// One allowed target.
    public struct Entry: Sendable, Hashable {
        /// The host, lowercased, without IPv6 brackets.
        public let host: String
        /// The port, 1…65535.
        public let port: Int
    }

    /// The allowed targets.
    public let allowed: Set<Entry>

    /// Nothing allowed beyond public addresses.
    public static let publicOnly = OutboundPolicy(allowed: [])

    /// A policy allowing exactly `allowed`.
    public init(allowed: Set<Entry>) { self.allowed = allowed }

    /// Parses `HOLDFAST_OUTBOUND_ALLOW`: comma-separated `host:port`, IPv6 literals in brackets. Blank entries are
    /// skipped; a malformed one throws `ConfigurationError` naming the setting.
    public init(parsing text: String) throws {
        var entries: Set<Entry> = []
        for raw in text.split(separator: ",") {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if item.isEmpty { continue }
            guard let entry = Self.entry(item) else {
                throw ConfigurationError(setting: "HOLDFAST_OUTBOUND_ALLOW",
                                         problem: "\"\(item)\" is not host:port (IPv6 as [address]:port, port 1-65535)")
            }
            entries.insert(entry)
        }
        self.allowed = entries
    }

    private static func entry(_ item: String) -> Entry? {
        guard let colon = item.lastIndex(of: ":") else { return nil }
        var host = String(item[..<colon]).lowercased()
        guard let port = Int(item[item.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
            guard IPAddress(literal: host) != nil else { return nil }
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }) else { return nil }
        return Entry(host: canonical(host), port: port)
    }

    /// An address literal in its canonical text (so `::0001` and `::1` match), any other host as given.
    static func canonical(_ host: String) -> String {
        IPAddress(literal: host).map(\.description) ?? host
    }

    /// Whether a request to `host` (as the URL spells it, without brackets) on `port` may go to `address`.
    public func permits(host: String, port: Int, address: IPAddress) -> Bool {
        guard address.restriction != nil else { return true }
        return allowed.contains(Entry(host: Self.canonical(host.lowercased()), port: port))
            || allowed.contains(Entry(host: address.description, port: port))
    }

    /// Whether `host` on `port` is allowed by name alone (an entry for it), whatever it resolves to.
    func lists(host: String, port: Int) -> Bool {
        allowed.contains(Entry(host: Self.canonical(host.lowercased()), port: port))
    }
}
