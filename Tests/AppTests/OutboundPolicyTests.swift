import Foundation
import Testing
@testable import App

/// The address policy of outbound requests: which addresses are restricted, and what `HOLDFAST_OUTBOUND_ALLOW`
/// lets through (by host:port, never a whole host).
struct OutboundPolicyTests {
    /// Every restricted range, IPv4 and IPv6, with its first and last address or a typical one.
    @Test(arguments: [
        "0.0.0.0", "0.255.255.255", "10.0.0.1", "10.255.255.255", "100.64.0.1", "100.127.255.254", "127.0.0.1",
        "127.255.255.254", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.0.1", "192.168.255.255",
        "192.0.0.8", "198.18.0.1", "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.255",
        "::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fdff:ffff::1", "ff02::1",
        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1",
        "2002:7f00:1::",
    ])
    func restrictedAddresses(text: String) throws {
        let address = try #require(IPAddress(literal: text))
        #expect(address.restriction != nil)
        #expect(!OutboundPolicy.publicOnly.permits(host: text, port: 80, address: address))
    }

    /// Public addresses, including neighbours of the restricted ranges.
    @Test(arguments: [
        "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255", "128.0.0.1",
        "169.253.0.1", "172.15.255.255", "172.32.0.0", "192.167.1.1", "192.169.0.1", "223.255.255.255",
        "2606:4700::1111", "2001:db9::1", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::",
    ])
    func publicAddresses(text: String) throws {
        let address = try #require(IPAddress(literal: text))
        #expect(address.restriction == nil)
        #expect(OutboundPolicy.publicOnly.permits(host: text, port: 443, address: address))
    }

    /// Names and garbage are not literals.
    @Test func literalsOnly() {
        #expect(IPAddress(literal: "localhost") == nil)
        #expect(IPAddress(literal: "1.2.3") == nil)
        #expect(IPAddress(literal: "[::1]") == nil)
        #expect(IPAddress(literal: "example.com") == nil)
    }

    /// An allowed entry lets exactly its host and port through, by the URL's name or by the address.
    @Test func allowListIsByHostAndPort() throws {
        let policy = try OutboundPolicy(parsing: " 127.0.0.1:19301, localhost:19302,[::1]:19303 ,")
        let loopback = try #require(IPAddress(literal: "127.0.0.1"))
        let loopback6 = try #require(IPAddress(literal: "::1"))
        #expect(policy.permits(host: "127.0.0.1", port: 19301, address: loopback))
        #expect(!policy.permits(host: "127.0.0.1", port: 19302 + 100, address: loopback))
        #expect(policy.permits(host: "localhost", port: 19302, address: loopback))
        #expect(policy.permits(host: "LOCALHOST", port: 19302, address: loopback6))
        #expect(!policy.permits(host: "localhost", port: 19301 + 1000, address: loopback))
        #expect(policy.permits(host: "::1", port: 19303, address: loopback6))
        #expect(policy.permits(host: "0:0::1", port: 19303, address: loopback6))
        #expect(!policy.permits(host: "::1", port: 19301, address: loopback6))
        // The address entry 127.0.0.1:19301 also covers a name resolving there on that port.
        #expect(policy.permits(host: "receiver.test", port: 19301, address: loopback))
        #expect(!policy.permits(host: "receiver.test", port: 19309, address: loopback))
        let metadata = try #require(IPAddress(literal: "169.254.169.254"))
        #expect(!policy.permits(host: "localhost", port: 19302 + 1, address: metadata))
    }

    /// Malformed entries name the setting.
    @Test(arguments: ["localhost", "localhost:0", "localhost:70000", "::1:80", "[nothost]:80", ":80", "a b:80"])
    func malformedEntries(text: String) {
        #expect(throws: ConfigurationError.self) { try OutboundPolicy(parsing: text) }
    }

    /// Configuration reads the setting; unset is public only.
    @Test func configurationReadsTheSetting() throws {
        #expect(try OutboundPolicy(parsing: "").allowed.isEmpty)
        let policy = try OutboundPolicy(parsing: "ghostfolio.lan:3333")
        #expect(policy.allowed == [OutboundPolicy.Entry(host: "ghostfolio.lan", port: 3333)])
    }
}
