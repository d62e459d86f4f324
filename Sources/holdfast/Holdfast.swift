import App
import ArgumentParser
import Foundation
import Store

/// `holdfast`: administration of a Holdfast installation. Settings come from the same environment as the
/// services (`set -a; . /path/to/holdfast.env` acts on a running stack).
struct Holdfast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast",
        abstract: "Administer a Holdfast installation.",
        subcommands: [Migrate.self, Backup.self, Restore.self, UserCommand.self, KeysCommand.self, ImportLegacy.self, ExchangeCommand.self,
                      DatabaseCommand.self, PortfolioCommand.self, StatementCommand.self])
}

/// `holdfast user add|password|list|delete`: passwords come from stdin, never argv.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Add.self, Password.self, List.self, Delete.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; reads the password from stdin.")
        @Argument(help: "The user's email address.") var email: String

        func run() throws {
            let database = try Configuration.openDatabaseOnly()
            let password = try readPassword()
            let id = try Users.add(email: email, password: password, in: database)
            print("added user \(email) (\(id))")
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password from stdin; signs them out everywhere.")
        @Argument(help: "The user's email address.") var email: String

        func run() throws {
            let database = try Configuration.openDatabaseOnly()
            try Users.setPassword(email: email, password: try readPassword(), in: database)
            print("password changed for \(email); existing sessions revoked")
        }
    }
}

/// The first line of stdin, without its newline. Argv would leak the password into `ps` and shell history.
func readPassword() throws -> String {
    if isatty(STDIN_FILENO) != 0 { FileHandle.standardError.write(Data("Password: ".utf8)) }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("no password on stdin (pipe it in: `printf '%s\\n' \"$PASSWORD\" | holdfast user add EMAIL`)")
    }
    return line
}
