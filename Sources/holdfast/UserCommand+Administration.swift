import App
import ArgumentParser
import Foundation
import Store

extension UserCommand {
    /// `holdfast user list`: one line per user, in plain columns.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users: email, id, created, exchange connections.")

        func run() throws {
            let database = try Configuration.openDatabaseOnly()
            let users = try Users.list(in: database)
            let rows = [["EMAIL", "ID", "CREATED", "CONNECTIONS"]]
                + users.map { [$0.email, $0.id, $0.createdAt, String($0.connections)] }
            let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let padded = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                print(padded.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// `holdfast user delete EMAIL --yes`: removes the user and all their data; without `--yes` only says what
    /// would go, and fails, so a script that forgot the flag notices.
    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Delete a user with their sessions, exchange connections, holdings and sync history (one transaction). \
            Needs JWT_SECRET too, to find the user's login-throttle row.
            """)
        @Argument(help: "The user's email address.") var email: String
        @Flag(help: "Really delete; without it, only report what would be deleted.") var yes = false

        func run() throws {
            let database = try Configuration.openDatabaseOnly()
            guard yes else {
                let footprint = try Users.footprint(email: email, in: database)
                FileHandle.standardError.write(Data("""
                    not deleted: this would delete user \(email) and \(footprint).
                    Run again with --yes to delete.\n
                    """.utf8))
                throw ExitCode.failure
            }
            let throttle = LoginThrottle(database: database, jwtSecret: try Configuration.loadSecret())
            let removed = try Users.delete(email: email, in: database, throttle: throttle)
            print("deleted user \(email) and \(removed)")
        }
    }
}
