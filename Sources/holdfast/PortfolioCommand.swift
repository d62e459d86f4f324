import App
import ArgumentParser
import Foundation
import Store

/// `holdfast portfolio [--user EMAIL]`: what the holdings are worth now, from the stored quotes.
struct PortfolioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portfolio",
        abstract: "Show what holdings are worth now: one user's assets, or a line per user.")

    @Option(help: "The user's email address; without it, one line per user.") var user: String?

    func run() throws {
        let database = try Configuration.openDatabaseOnly()
        do { print(try PortfolioReport.current(email: user, in: database)) } catch let refusal as PortfolioReport.Refusal {
            throw ValidationError(refusal.description)
        }
    }
}

/// `holdfast statement --user EMAIL --at TIME [--format csv]`: holdings and values as of an instant.
struct StatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Show a user's holdings and their values as of an instant (e.g. a year end), from the history.")

    @Option(help: "The user's email address.") var user: String
    @Option(help: "The instant: ISO 8601 (2026-12-31T23:59:59Z) or a date (2027-01-01, its UTC midnight: the end of 2026).")
    var at: String
    @Option(help: "table or csv.") var format: String = "table"

    func validate() throws {
        guard format == "table" || format == "csv" else { throw ValidationError("--format must be table or csv") }
    }

    func run() throws {
        let database = try Configuration.openDatabaseOnly()
        do {
            let text = try PortfolioReport.statement(email: user, at: at, csv: format == "csv", in: database)
            print(text, terminator: format == "csv" ? "" : "\n")
        } catch let refusal as PortfolioReport.Refusal {
            throw ValidationError(refusal.description)
        }
    }
}
