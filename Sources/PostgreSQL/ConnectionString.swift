import Foundation
import CPostgreSQL

/// What this module needs to know about a connection string (a `postgres://` URL or a libpq keyword string)
/// besides handing it to libpq: its password, so no message carries it.
enum ConnectionString {
    /// The password the string carries, if any, as libpq parses it, and as the `user:password@` of a URL in
    /// case libpq cannot parse the string at all (its complaint might quote it).
    static func secrets(in connectionString: String) -> [String] {
        var found: [String] = []
        var error: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(connectionString, &error) {
            var option = options
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == "password", let value = option.pointee.val {
                    found.append(String(cString: value))
                }
                option += 1
            }
            PQconninfoFree(options)
        }
        if let error { PQfreemem(error) }
        if let url = urlUserInfoPassword(connectionString) { found.append(url) }
        return found.filter { !$0.isEmpty }
    }

    /// `message` with every secret replaced by `***`; longer secrets first, so one containing another goes whole.
    static func scrub(_ message: String, removing secrets: [String]) -> String {
        secrets.sorted { $0.count > $1.count }.reduce(message) { text, secret in
            text.replacingOccurrences(of: secret, with: "***")
        }
    }

    /// The password of `scheme://user:password@host…` as written (still percent-encoded; libpq gives the decoded one).
    private static func urlUserInfoPassword(_ string: String) -> String? {
        guard let schemeEnd = string.range(of: "://") else { return nil }
        let rest = string[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        let password = String(userInfo[userInfo.index(after: colon)...])
        return password.isEmpty ? nil : password
    }
}
