import Store
import Vault

/// `holdfast keys check`, and the start-up check of both services: do the stored exchange credentials open
/// with the configured key ring?
///
/// An operator who puts the wrong `encryption-key` in place would otherwise see every sync fail to decrypt,
/// each connection marked "needs attention: reconnect the account", and automatic syncs stop for every
/// user. When credentials are stored and none of them opens, the key ring is wrong, not the connections:
/// the services refuse to start instead (`ServiceStartup`), touching no row. Only reads; costs one AES-GCM
/// open per stored field (microseconds each).
public enum KeyRingCheck {
    /// How the stored connections' credentials fare with a key ring. A connection counts as opening only if
    /// every credential field it stores opens.
    public struct Report: Sendable, Equatable {
        /// Connections with stored credentials.
        public var stored = 0
        /// Connections whose fields all open and are all sealed under the active key.
        public var openWithActive = 0
        /// Connections whose fields all open, at least one only with a previous key (`holdfast keys rotate`).
        public var openOnlyWithPrevious = 0
        /// Connections with a field that opens with no key of the ring (or is malformed).
        public var openWithNone = 0

        /// True when there are credentials and not one opens: the key ring is wrong.
        public var nothingOpens: Bool { stored > 0 && openWithNone == stored }

        /// One line of counts, for `holdfast keys check` and logs.
        public var summary: String {
            "stored: \(stored), open with the current key: \(openWithActive), "
                + "open only with a previous key: \(openOnlyWithPrevious), open with none: \(openWithNone)"
        }

        public init() {}
    }

    /// Checks every connection in `database` against `keyRing`. Throws only `SQLiteError`.
    public static func run(_ database: Database, keyRing: KeyRing) throws -> Report {
        try scan(database, keyRing: keyRing, stopAtFirstOpen: false)
    }

    /// For the services' start (a timer run every minute): whether the key ring is wrong needs only the first
    /// connection that opens, not every credential opened. The report is complete when nothing opens, which
    /// is the only case whose counts are shown. Throws only `SQLiteError`.
    public static func nothingOpens(_ database: Database, keyRing: KeyRing) throws -> Report? {
        let report = try scan(database, keyRing: keyRing, stopAtFirstOpen: true)
        return report.nothingOpens ? report : nil
    }

    private static func scan(_ database: Database, keyRing: KeyRing, stopAtFirstOpen: Bool) throws -> Report {
        let cipher = CredentialCipher(keyRing: keyRing)
        let connections = try database.read { try ConnectionStore.sealedCredentials(in: $0) }
        var report = Report()
        for connection in connections {
            let id = connection.id
            report.stored += 1
            var opens = true
            var onlyActive = true
            for (field, stored) in connection.fields {
                // The plaintext is discarded at once; only whether it opened matters here.
                guard (try? cipher.open(stored, connectionId: id, field: field)) != nil,
                      let parsed = try? StoredCredential(parsing: stored) else {
                    opens = false
                    break
                }
                if parsed.keyId != keyRing.activeKeyId { onlyActive = false }
            }
            if !opens {
                report.openWithNone += 1
                continue
            }
            if onlyActive {
                report.openWithActive += 1
            } else {
                report.openOnlyWithPrevious += 1
            }
            if stopAtFirstOpen { break }
        }
        return report
    }

    /// The critical line the services log when nothing opens: what is wrong, where the keys come from, how to
    /// fix it. Names settings and files, never a key.
    public static func nothingOpensMessage(_ report: Report) -> String {
        "no stored exchange credential opens with the configured encryption keys (\(report.summary)): "
            + "the encryption key is wrong. It comes from ENCRYPTION_KEY or the credential file encryption-key "
            + "(installed: /etc/holdfast/encryption-key), older keys from ENCRYPTION_KEYS_PREVIOUS or "
            + "/etc/holdfast/encryption-keys-previous. Put back the key the credentials were sealed with (or list "
            + "it as a previous key), check with `holdfast keys check`, then start the service again. "
            + "No connection was changed."
    }
}
