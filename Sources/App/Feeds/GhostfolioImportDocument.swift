import Exchanges
import Foundation

/// The body of Ghostfolio's `POST /api/v1/import` (and of the export file), written by hand so quantities and
/// prices go out as JSON numbers with exactly the digits of Holdfast's decimal strings (an encoder would pass
/// them through `Double`).
///
/// The shape follows `ImportDataDto` (apps/api/src/app/import/import-data.dto.ts): `accounts` (optional,
/// `CreateAccountWithBalancesDto`: `balance` number, `currency`, `id`, `name`, `platformId` string or null,
/// optional `comment`; never `isExcluded`, which 2.x accepted and 3.39 removed from the account DTOs, so a
/// current Ghostfolio refuses a body that has it) and `activities` (`CreateOrderDto`, libs/common/src/lib/dtos/create-order.dto.ts:
/// `accountId`, `comment`, `currency`, `dataSource`, `date` ISO 8601, `fee` ≥ 0, `quantity` ≥ 0, `symbol`,
/// `type`, `unitPrice` ≥ 0). Ghostfolio's global `ValidationPipe` has `forbidNonWhitelisted: true`
/// (apps/api/src/main.ts): a property the DTO does not declare fails the whole request, so nothing else is sent.
/// An account whose id the user already has is left as it is by the import (import.service.ts creates only
/// missing ones), so a retried first push does not make a second account.
enum GhostfolioImportDocument {
    /// One account of the document.
    struct Account {
        let id: String
        let name: String
        /// USD, a decimal string.
        let balance: String
    }

    /// The import body of `accounts` and `activities` (each activity of `batch` in `batch`'s account).
    static func body(accounts: [Account], batches: [GhostfolioBatch]) -> [UInt8] {
        var out = "{"
        if !accounts.isEmpty {
            out += "\"accounts\":[" + accounts.map(accountObject).joined(separator: ",") + "],"
        }
        let activities = batches.flatMap { batch in batch.activities.map { (batch, $0) } }
        out += "\"activities\":[" + activities.map { batch, activity in
            "{\"accountId\":\(string(batch.accountID)),\"comment\":\(string(activity.comment)),"
                + "\"currency\":\(string(FeedHoldings.currency)),\"dataSource\":\"COINGECKO\","
                + "\"date\":\(string(batch.date)),\"fee\":0,\"quantity\":\(number(activity.quantity)),"
                + "\"symbol\":\(string(activity.coinID)),\"type\":\(string(activity.side.rawValue)),"
                + "\"unitPrice\":\(number(activity.unitPrice))}"
        }.joined(separator: ",") + "]}"
        return Array(out.utf8)
    }

    /// The body of Ghostfolio's `PUT /api/v1/account/:id` setting an account's cash balance (`UpdateAccountDto`:
    /// `balance`, `currency`, `id`, `name`, `platformId`; libs/common/src/lib/dtos/update-account.dto.ts).
    static func accountUpdate(id: String, name: String, balance: String) -> [UInt8] {
        Array(accountObject(Account(id: id, name: name, balance: balance)).utf8)
    }

    /// One account as both the import's `accounts` and the account update take it (the same fields).
    private static func accountObject(_ account: Account) -> String {
        "{\"balance\":\(number(account.balance)),\"comment\":\(string("Synced by Holdfast")),"
            + "\"currency\":\(string(FeedHoldings.currency)),\"id\":\(string(account.id)),"
            + "\"name\":\(string(account.name)),\"platformId\":null}"
    }

    /// A canonical decimal string as a JSON number ("0" for anything unreadable, which Holdfast never stores).
    static func number(_ decimal: String) -> String { DecimalString.canonical(decimal) ?? "0" }

    /// `text` as a JSON string literal.
    static func string(_ text: String) -> String { JSONText.quoted(text) }
}
