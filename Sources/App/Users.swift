import Foundation
import Store
import Web

/// Creating users (from the CLI; there is no public sign-up).
public enum Users {
    /// Adds a user and returns its id. Refuses a malformed email, a short password, or an email in use.
    public static func add(email rawEmail: String, password: String, in database: Database, hasher: PasswordHasher = PasswordHasher()) throws -> String {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isPlausibleEmail(email) else { throw UserError.invalidEmail }
        guard password.count >= 10 else { throw UserError.passwordTooShort }
        let hash = try hasher.hash(password)
        let id = UUID().uuidString.lowercased()
        let now = Timestamp.now()
        do {
            try database.write { db in
                try db.run("INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(id), .text(email), .text(hash), .text(now), .text(now)])
            }
        } catch let error as SQLiteError where error.isUniqueViolation {
            throw UserError.emailTaken
        }
        return id
    }

    /// Changes a user's password and revokes their sessions, in one transaction.
    public static func setPassword(email: String, password: String, in database: Database, hasher: PasswordHasher = PasswordHasher()) throws {
        guard password.count >= 10 else { throw UserError.passwordTooShort }
        let hash = try hasher.hash(password)
        let now = Timestamp.now()
        try database.write { db in
            guard let row = try db.queryOne("SELECT id FROM users WHERE email = ?", [.text(email)]), let id = row.string("id") else {
                throw UserError.notFound
            }
            try db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", [.text(hash), .text(now), .text(id)])
            try db.run("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [.text(now), .text(id)])
        }
    }

    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return email.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !email.contains(where: { $0.isWhitespace || $0.isNewline })
    }
}

/// Why a user could not be added or changed.
public enum UserError: Error, CustomStringConvertible {
    case invalidEmail, passwordTooShort, emailTaken, notFound

    public var description: String {
        switch self {
        case .invalidEmail: "that is not a valid email address"
        case .passwordTooShort: "the password must be at least 10 characters"
        case .emailTaken: "a user with that email already exists"
        case .notFound: "no user has that email"
        }
    }
}
