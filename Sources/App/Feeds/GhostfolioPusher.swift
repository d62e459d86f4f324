import Exchanges
import Foundation
import Logging
import Store
import Vault

/// The timer's Ghostfolio step (issue 15), after the syncs and the value step: each connection whose feed is on
/// and that has something to push (a new successful sync, a push asked for, or a batch to retry) is claimed,
/// turned into a `GhostfolioBatch` (the change since the last successful push, or the batch in flight unchanged),
/// stored, then sent: the account (on the first push) and the activities through `POST /api/v1/import`, the cash
/// balance through `PUT /api/v1/account/:id`. Success records the new quantities; a failure records the error and
/// backs off (1 minute doubling to 6 hours). Never throws, never touches a connection's sync state, and stops
/// claiming after `budget` seconds, so it cannot delay the next run's syncs.
struct GhostfolioPusher: Sendable {
    let database: Database
    let http: OutboundHTTP
    let cipher: CredentialCipher
    let logger: Logger
    /// Seconds the step may spend per run in all.
    var budget: TimeInterval = 20
    /// How long a claim lasts: longer than three requests' timeouts.
    var claimSeconds: TimeInterval = 60

    /// What one run did.
    struct Report: Sendable, Equatable {
        var pushed = 0
        var unchanged = 0
        var failed = 0
    }

    /// Pushes what is due. Never throws: failures are recorded per connection and logged without secrets.
    func run(now start: Date = Date()) async -> Report {
        var report = Report()
        let deadline = start.addingTimeInterval(budget)
        do {
            try await database.write { db in try FeedStore.addMissingPushes(in: db) }
        } catch {
            logger.error("ghostfolio: cannot read the feeds", metadata: ["error": "\(error)"])
            return report
        }
        var tokens: [String: String] = [:]
        while Date() < deadline {
            let now = Date()
            let claimed: (push: FeedStore.Push, syncedAt: String?)?
            do {
                claimed = try await database.write { db in
                    try FeedStore.claimNext(now: now, until: now.addingTimeInterval(claimSeconds), in: db)
                }
            } catch {
                logger.error("ghostfolio: cannot claim a push", metadata: ["error": "\(error)"])
                break
            }
            guard let (push, syncedAt) = claimed else { break }
            do {
                let sent = try await self.push(push, syncedAt: syncedAt, jwts: &tokens)
                if sent { report.pushed += 1 } else { report.unchanged += 1 }
            } catch {
                report.failed += 1
                let failure = error as? OutboundError ?? (error is VaultError
                    ? OutboundError("token_unreadable", "The stored security token cannot be opened with the current encryption key; enter it again.")
                    : OutboundError("push_failed", "The push could not be prepared."))
                logger.warning("ghostfolio push failed", metadata: ["connection": "\(push.connectionID)", "code": "\(failure.code)"])
                try? await database.write { db in
                    try FeedStore.fail(connectionID: push.connectionID, code: failure.code, message: failure.message,
                                       at: Date(), in: db)
                }
            }
        }
        return report
    }

    /// One connection: builds or resumes its batch and sends it; true when something was sent.
    private func push(_ push: FeedStore.Push, syncedAt: String?, jwts: inout [String: String]) async throws -> Bool {
        let now = Date()
        let read = try await database.read { db -> (FeedStore.Feed?, ConnectionRecord?, [HoldingPosition], PriceBook) in
            let inputs = try PortfolioInputs.read(forUser: push.userID, in: db, now: now)
            let book = PriceBook(quotes: try QuoteStore.quotes(in: db).map(PriceBookCache.priceQuote))
            return (try FeedStore.feed(ofUser: push.userID, in: db),
                    inputs.connections.first { $0.id == push.connectionID }, inputs.holdings, book)
        }
        guard let feed = read.0, let connection = read.1 else {
            try await database.write { db in try FeedStore.release(connectionID: push.connectionID, in: db) }
            return false
        }
        let batch: GhostfolioBatch
        if let pending = push.pending {
            batch = pending
        } else {
            let holdings = FeedHoldings.build(holdings: read.2, connectionIDs: [(connection.id, connection.exchange)],
                                              book: read.3)[0]
            var prices: [String: String] = [:]
            for asset in push.pushed.keys {
                prices[asset] = read.3.unitPrice(of: asset, in: .usd, preferring: connection.exchange)
                    .flatMap { DecimalString.rounded($0.price, fractionDigits: FeedHoldings.priceFractionDigits) }
            }
            // Dated when the balances were read (the sync), not when they are pushed: a push after a backoff or a
            // feed set up later still books the change when it was seen.
            let date = syncedAt.flatMap { Timestamp.parse($0) == nil ? nil : $0 } ?? Timestamp.format(now)
            batch = GhostfolioBatch.make(
                id: UUIDs.make(), date: date, accountID: push.accountID ?? connection.id,
                createAccountNamed: push.accountID == nil ? FeedExportHandlers.accountName(of: connection) : nil,
                holdings: holdings, pushed: push.pushed, pushedCash: push.pushedCash, prices: prices)
            if batch.isEmpty {
                try await database.write { db in
                    try FeedStore.succeed(nil, connectionID: push.connectionID, syncedAt: syncedAt, at: now, in: db)
                }
                return false
            }
            try await database.write { db in try FeedStore.begin(batch, connectionID: push.connectionID, at: now, in: db) }
        }
        let token = try FeedToken.open(feed.tokenEncrypted, userID: push.userID, cipher: cipher)
        let client = GhostfolioClient(http: http, base: feed.url)
        let jwt: String
        if let known = jwts[push.userID] {
            jwt = known
        } else {
            jwt = try await client.authenticate(securityToken: token)
            jwts[push.userID] = jwt
        }
        let accounts = batch.createAccountNamed.map {
            [GhostfolioImportDocument.Account(id: batch.accountID, name: $0, balance: batch.cash ?? "0")]
        } ?? []
        if !accounts.isEmpty || !batch.activities.isEmpty {
            try await client.importActivities(GhostfolioImportDocument.body(accounts: accounts, batches: [batch]), jwt: jwt)
        }
        if let cash = batch.cash, batch.createAccountNamed == nil {
            try await client.updateAccount(id: batch.accountID, name: FeedExportHandlers.accountName(of: connection),
                                           balance: cash, jwt: jwt)
        }
        // A resumed batch was built from an older sync: the sync it has not seen stays due for the next run.
        let seen = push.pending == nil ? syncedAt : nil
        try await database.write { db in
            try FeedStore.succeed(batch, connectionID: push.connectionID, syncedAt: seen, at: Date(), in: db)
        }
        return true
    }
}
