import Foundation
import Store
import Web

/// Creating users (from the CLI; there is no public sign-up).
public enum Users {
    /// Adds a user and returns its id. Refuses a malformed email, a short password, or an email in use in any
    /// ASCII case (`UserError`).
    public static func add(email rawEmail: String, password: String, in database: Database, hasher: PasswordHasher = PasswordHasher()) throws -> String {
        let email = rawEmail.trimmingCharacters(in: .whitespacesAndNewlines)
        guard isPlausibleEmail(email) else { throw UserError.invalidEmail }
        guard password.count >= 10 else { throw UserError.passwordTooShort }
        let hash = try hasher.hash(password)
        let id = UUID().uuidString.lowercased()
        let now = Timestamp.now()
        try database.write { db in
            try UserStore.insert(id: id, email: email, passwordHash: hash, at: now, in: db)
        }
        return id
    }

    /// Changes the password of the user with `email` (ASCII case ignored) and revokes their sessions, in one
    /// transaction, so no session opened with the old password survives the change.
    public static func setPassword(email: String, password: String, in database: Database, hasher: PasswordHasher = PasswordHasher()) throws {
        guard password.count >= 10 else { throw UserError.passwordTooShort }
        let hash = try hasher.hash(password)
        let now = Timestamp.now()
        try database.write { db in
            guard let user = try UserStore.find(email: email, in: db) else { throw UserError.notFound }
            try UserStore.setPasswordHash(hash, ofUser: user.id, at: now, in: db)
            try SessionStore.revokeAll(ofUser: user.id, at: now, in: db)
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
