import Foundation
import PostgresTestSupport
import Store
import Testing
@testable import PostgreSQL

/// TLS to the database when the connection string asks for it (`sslmode=require`, `verify-full` with
/// `sslrootcert=`): libpq does the TLS, and these tests prove the settings reach it through `Database`, against a
/// server of the suite's own that speaks TLS with a certificate the suite made. A demand the server cannot meet
/// is `DatabaseError.unavailable` (the responder's 503) whose text names no password: that text is all the
/// application logs of it (Store and PostgreSQL log nothing themselves).
struct TLSTests {
    /// The suite's TLS server and the certificates it serves, made once for all its tests.
    static let tls: Result<(server: OwnServer, certificates: TestCertificates), any Error> = Result {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("holdfast-tls-\(UUID().uuidString.prefix(8).lowercased())")
        // The certificates inside the server's folder, which goes (whole) when the test process exits.
        let certificates = try TestCertificates(in: folder.appendingPathComponent("certificates"))
        let server = try OwnServer(in: folder, tls: certificates)
        return (server, certificates)
    }

    /// Carried by every connection string here: the test servers trust local clients and ignore it, so it may
    /// appear in no error.
    static let password = "tls-Secret-pw-42"

    /// A libpq keyword string for the TLS server: `host` is the name verified against the certificate, `hostaddr`
    /// where to connect (always the server's loopback address).
    func keywords(host: String, sslmode: String, rootCertificate: URL? = nil) throws -> String {
        let (server, _) = try Self.tls.get()
        var text = "host=\(host) hostaddr=127.0.0.1 port=\(server.port) user=holdfast password=\(Self.password) "
            + "dbname=holdfast connect_timeout=5 sslmode=\(sslmode)"
        if let rootCertificate { text += " sslrootcert=\(rootCertificate.path)" }
        return text
    }

    /// Whether the connection `database` lends runs over TLS, as the server sees it.
    func usesTLS(_ database: Database) throws -> Bool {
        try database.read { db in
            try db.queryOne("SELECT count(*) AS n FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl")?.int("n")
        } == 1
    }

    /// The error `database`'s first read throws, which must be `DatabaseError.unavailable`; its text and its
    /// reflection are checked for the password.
    func refusal(_ database: Database) throws -> String {
        let error = try #require(throws: DatabaseError.self) { try database.read { try $0.query("SELECT 1 AS one") } }
        guard case .unavailable(let reason) = error else {
            Issue.record("expected DatabaseError.unavailable, got \(error)")
            return ""
        }
        for text in [reason, "\(error)", String(reflecting: error)] {
            #expect(!text.contains(Self.password), "\(text)")
        }
        return reason
    }

    @Test func requireConnectsOverTLS() throws {
        let (server, _) = try Self.tls.get()
        var url = try #require(URLComponents(string: server.url))
        url.password = Self.password
        url.queryItems = [URLQueryItem(name: "sslmode", value: "require")]
        let database = Database(postgresql: try #require(url.string), poolSize: 1)
        defer { database.close() }
        #expect(try usesTLS(database))
    }

    @Test func verifyFullAcceptsTheServerTheTestAuthorityVouchesFor() throws {
        let (_, certificates) = try Self.tls.get()
        for host in ["localhost", "127.0.0.1"] {
            let database = Database(postgresql: try keywords(host: host, sslmode: "verify-full",
                                                             rootCertificate: certificates.authority), poolSize: 1)
            defer { database.close() }
            #expect(try usesTLS(database), "\(host)")
        }
    }

    @Test func verifyFullRefusesACertificateForAnotherName() throws {
        let (_, certificates) = try Self.tls.get()
        let database = Database(postgresql: try keywords(host: "db.holdfast.invalid", sslmode: "verify-full",
                                                         rootCertificate: certificates.authority), poolSize: 1)
        defer { database.close() }
        let reason = try refusal(database)
        #expect(reason.contains("does not match host name"), "\(reason)")
    }

    @Test func verifyFullRefusesAServerNoTrustedAuthorityVouchesFor() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("holdfast-tls-other-\(UUID().uuidString.prefix(8).lowercased())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stranger = try TestCertificates(in: folder)
        let database = Database(postgresql: try keywords(host: "localhost", sslmode: "verify-full",
                                                         rootCertificate: stranger.authority), poolSize: 1)
        defer { database.close() }
        let reason = try refusal(database)
        #expect(reason.contains("certificate verify failed"), "\(reason)")
    }

    /// The shared test server has no TLS at all: a client that demands it is refused, clearly, and the same
    /// server without the demand accepts it (so it was the TLS that failed).
    @Test func requireOfAServerWithoutTLSIsUnavailableAndNamesNoPassword() throws {
        var url = try #require(URLComponents(string: try TestServer.url.get()))
        url.password = Self.password
        url.queryItems = [URLQueryItem(name: "sslmode", value: "require"),
                          URLQueryItem(name: "connect_timeout", value: "5")]
        let database = Database(postgresql: try #require(url.string), poolSize: 1)
        defer { database.close() }
        let reason = try refusal(database)
        #expect(reason.contains("SSL"), "\(reason)")

        url.queryItems = nil
        let plain = Database(postgresql: try #require(url.string), poolSize: 1)
        defer { plain.close() }
        #expect(try plain.read { try $0.queryOne("SELECT 1 AS one")?.int("one") } == 1)
        #expect(try !usesTLS(plain))
    }
}
