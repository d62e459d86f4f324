import Foundation

/// A certificate authority and a server certificate it signed, made with `openssl` in a folder of the test's own,
/// for a test server that speaks TLS: the server certificate names `localhost` and `127.0.0.1`, so a client
/// connecting to either with `sslmode=verify-full sslrootcert=<ca>` accepts it, and to any other name refuses it.
/// P-256 keys (fast to make), valid for two days.
public struct TestCertificates: Sendable {
    /// The CA's certificate (PEM): the `sslrootcert` a verifying client trusts.
    public let authority: URL
    /// The server's certificate (PEM), signed by `authority`.
    public let serverCertificate: URL
    /// The server certificate's private key (PEM, unencrypted).
    public let serverKey: URL

    /// Makes the CA and the server certificate in `folder` (created if missing).
    ///
    /// - Throws: `TestServerError` with openssl's stderr when a step fails.
    public init(in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + curve + ["-keyout", path("ca.key"), "-out", path("ca.crt"),
                                                     "-days", "2", "-subj", "/CN=Holdfast test CA"])
        try Self.openssl(["req"] + curve + ["-keyout", path("server.key"), "-out", path("server.csr"),
                                            "-subj", "/CN=localhost"])
        try "subjectAltName = DNS:localhost, IP:127.0.0.1\n".write(toFile: path("server.ext"), atomically: true,
                                                                     encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                          "-CAcreateserial", "-days", "2", "-extfile", path("server.ext"), "-out", path("server.crt")])
        authority = folder.appendingPathComponent("ca.crt")
        serverCertificate = folder.appendingPathComponent("server.crt")
        serverKey = folder.appendingPathComponent("server.key")
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(description: "openssl \(arguments.first ?? "") failed (\(process.terminationStatus)): "
                                  + String(decoding: stderr, as: UTF8.self))
        }
    }
}
