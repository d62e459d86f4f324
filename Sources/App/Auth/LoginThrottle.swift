import Foundation
import Logging
import Primitives
import Store
import Web

/// Failed logins counted per account, beside nginx's per-address limit, so many addresses guessing one
/// account's password are slowed down too. The policy; its table, `login_throttle`, is `LoginThrottleStore`'s.
///
/// Rows are keyed by an HMAC of the normalized email, and unknown emails are counted exactly like known ones,
/// so neither the answers nor their timing tell whether an account exists. After `freeFailures` consecutive
/// failures each further failure locks the key for `lockDuration(afterFailures:)`; while locked a login is
/// refused with 429 `login_throttled` before the password is looked at, so a right password is refused too.
///
/// An attempt is counted as a failure *before* its password is checked and the count is cleared when the
/// password turns out right. Counting afterwards would leave a window of one password check (~0.1 s) in which
/// any number of parallel attempts, from several responder processes, all pass the lock check.
public struct LoginThrottle: Sendable {
    /// Consecutive failures that lock nothing; the failure that reaches this count locks the key.
    public static let freeFailures = 5
    /// The first lock; each later failure doubles it.
    public static let firstLock: TimeInterval = 30
    /// The longest lock, so an attacker can keep the real owner out for at most this long at a time.
    public static let longestLock: TimeInterval = 900
    /// A key whose last failure is older than this is forgotten (its count starts again).
    public static let memory: TimeInterval = 86_400
    /// The `error.code` of a refused login.
    public static let errorCode = ErrorCode.loginThrottled.rawValue

    let database: Database
    private let hmacKey: [UInt8]
    /// The time the throttle reads; tests pass a clock they control.
    let now: @Sendable () -> Date

    /// A throttle on `database` whose keys are derived from the JWT secret under their own label, so they
    /// cannot be computed from a copy of the database alone.
    public init(database: Database, jwtSecret: [UInt8], now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        hmacKey = HMAC.authenticationCode(.sha256, for: Array("holdfast login throttle v1".utf8), using: jwtSecret)
        self.now = now
    }

    /// A login attempt let through to the password check, already counted as a failure.
    public struct Attempt: Sendable, Equatable {
        let key: String
        /// Consecutive failures of this key, this attempt included.
        public let failures: Int
        /// The lock (seconds) this attempt set, to take effect if its password is wrong; nil when none.
        public let lockedFor: Int?
    }

    /// Counts an attempt for `email`, or throws 429 `login_throttled` with `Retry-After` while its key is locked.
    /// Prunes old rows, reads and writes the key's row in one write transaction.
    public func admit(email: String) throws -> Attempt {
        let key = self.key(for: email)
        let now = self.now()
        let decision: Result<Attempt, APIError> = try database.write { db in
            try LoginThrottleStore.deleteFailures(before: now.addingTimeInterval(-Self.memory), in: db)
            let entry = try LoginThrottleStore.entry(key: key, in: db)
            if let until = entry?.lockedUntil, until > now {
                return .failure(Self.throttled(retryAfter: Int(until.timeIntervalSince(now).rounded(.up))))
            }
            let failures = (entry?.failures ?? 0) + 1
            let lock = Self.lockDuration(afterFailures: failures)
            try LoginThrottleStore.save(key: key, failures: failures, failedAt: now,
                                        lockedUntil: lock.map { now.addingTimeInterval($0) }, in: db)
            return .success(Attempt(key: key, failures: failures, lockedFor: lock.map { Int($0) }))
        }
        return try decision.get()
    }

    /// The password was right: the key's count starts again.
    public func succeeded(_ attempt: Attempt) throws {
        try database.write { db in try LoginThrottleStore.delete(key: attempt.key, in: db) }
    }

    /// The password was wrong: when this attempt locked the key, says so in a warning an operator can alert on.
    ///
    /// The line carries the user id when the account exists and a short prefix of the key, never the email:
    /// what is typed into the email field may be a stranger's address or even a password, and logs are kept
    /// longer and seen by more people than the database. `holdfast user list` maps ids to emails.
    public func failed(_ attempt: Attempt, userID: String?, client: String, logger: Logger) {
        guard let lockedFor = attempt.lockedFor else { return }
        var metadata: Logger.Metadata = [
            "failures": "\(attempt.failures)", "locked_for": "\(lockedFor)", "client": "\(client)",
            "key": "\(attempt.key.prefix(12))",
        ]
        if let userID { metadata["user_id"] = "\(userID)" }
        logger.warning("login throttled", metadata: metadata)
    }

    /// Removes the row for `email` inside the caller's transaction (a user being deleted).
    public func forget(email: String, in db: Connection) throws {
        try LoginThrottleStore.delete(key: key(for: email), in: db)
    }

    /// How long the failure that brings the count to `failures` locks the key: none before `freeFailures`,
    /// then `firstLock` doubling with each failure, up to `longestLock`.
    public static func lockDuration(afterFailures failures: Int) -> TimeInterval? {
        guard failures >= freeFailures else { return nil }
        // The exponent is capped before the power so a long-running count cannot overflow.
        return min(longestLock, firstLock * pow(2, Double(min(failures - freeFailures, 16))))
    }

    /// The answer while a key is locked: the same for known and unknown emails.
    static func throttled(retryAfter seconds: Int) -> APIError {
        APIError(.loginThrottled, "Too many failed sign-ins for this account; try again later.",
                 headers: ["Retry-After": String(max(1, seconds))])
    }

    /// Emails are compared trimmed and lowercased, so case or spaces do not make a new key. Lowercasing folds
    /// more than the users lookup's ASCII `lower` does; that only ever merges keys, never splits an account's.
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The row key for `email`: hex HMAC-SHA256 of its normalized form.
    func key(for email: String) -> String {
        Hex.encode(HMAC.authenticationCode(.sha256, for: Array(Self.normalize(email).utf8), using: hmacKey))
    }
}
