import Foundation

/// Where a database is, as the `HOLDFAST_DATABASE` setting says: a SQLite file path (the default), or a
/// PostgreSQL server as a `postgres://` / `postgresql://` URL or a libpq keyword string (`host=… dbname=…`).
///
/// The connection string may carry a password: `description` masks it, so a location can be logged or put in
/// an error message; only the PostgreSQL module reads `connectionString` itself.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL server, as libpq takes it (URL or keyword string; TLS is what it asks for, `sslmode=`).
    case postgresql(connectionString: String)

    /// Keywords that start a libpq keyword string; a file path never starts with `name=`.
    private static let libpqKeywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode",
        "connect_timeout", "application_name", "options", "target_session_attrs",
    ]

    /// Reads a setting: a `postgres://` or `postgresql://` URL, or a string whose first word is
    /// `keyword=` for a libpq keyword, is PostgreSQL; anything else is a SQLite path.
    public init(setting: String) {
        let text = setting.trimmingCharacters(in: .whitespaces)
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgresql(connectionString: text)
        } else if let equals = text.firstIndex(of: "="),
                  Self.libpqKeywords.contains(text[..<equals].trimmingCharacters(in: .whitespaces).lowercased()) {
            self = .postgresql(connectionString: text)
        } else {
            self = .sqlite(path: setting)
        }
    }

    /// True for a SQLite file.
    public var isSQLite: Bool {
        if case .sqlite = self { return true }
        return false
    }

    /// The path, or the connection string with any password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgresql(let connectionString): Self.maskingPassword(in: connectionString)
        }
    }

    /// `connectionString` with the password of a URL's `user:password@`, a `password=` query parameter or a
    /// `password=` keyword (quoted or not) replaced by `***`.
    static func maskingPassword(in connectionString: String) -> String {
        let patterns = [
            #"(://[^/?#@:]*:)[^/?#@]*(@)"#,          // postgres://user:secret@host
            #"([?&]password=)[^&#]*()"#,             // ?password=secret
            #"((?:^|\s)password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S+)()"#,  // password=secret or password='a b'
        ]
        return patterns.reduce(connectionString) { text, pattern in
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
                return text
            }
            let range = NSRange(text.startIndex..., in: text)
            return regex.stringByReplacingMatches(in: text, range: range, withTemplate: "$1***$2")
        }
    }
}
