import Exchanges
import Foundation
import Store
import Web

/// A new API key for a stored connection, in `PATCH /connections/:id`: tested first, then stored in place of the
/// old one, so the connection keeps its id, holdings and history (where Disconnect and Connect would lose them).
extension ConnectionHandlers {
    /// The body fields that carry a new key, flat as in `POST /exchanges/connect`.
    static let credentialFields: Set<String> = ["apiKey", "apiSecret", "passphrase", "region", "exchange"]

    /// The new credentials in a `PATCH` body for `record`, or nil when the body carries none. Read with connect's
    /// rules (`ExchangeHandlers.readCredentials`): once any of `apiKey`, `apiSecret`, `passphrase` or `region` is
    /// sent, `apiKey` and `apiSecret` (and the passphrase the exchange needs) are required, and a missing one is
    /// noted under its own name. `exchange` may be sent but must be the connection's own. Without `region` the
    /// connection's region is kept: a new key of the same account belongs to the same host. Notes every problem
    /// on `body`.
    static func readNewCredentials(_ body: inout JSONBody, for record: ConnectionRecord) -> (ExchangeID, Credentials)? {
        let exchange = record.exchangeID
        if body.has("exchange"), let name = body.string("exchange", maxLength: 40), name.lowercased() != record.exchange {
            body.note("exchange", "cannot change: this is a \(exchange?.info.displayName ?? record.exchange) connection; "
                      + "connect a key of another exchange as a new connection")
        }
        guard ["apiKey", "apiSecret", "passphrase", "region"].contains(where: body.has) else { return nil }
        guard let exchange else {
            body.note("apiKey", "this connection's exchange is no longer supported")
            return nil
        }
        // Coinbase's key name may come from a key file pasted as the secret, as in connect.
        let apiKey = body.string("apiKey", required: exchange != .coinbase, maxLength: 512) ?? (exchange == .coinbase ? "" : nil)
        let apiSecret = body.string("apiSecret", maxLength: 4096, allowNewlines: true)
        let needsPassphrase = exchange.info.requiredFields.contains(.passphrase)
        let passphrase = body.string("passphrase", required: needsPassphrase, maxLength: 256, secret: true)
        let region = body.has("region") ? ExchangeHandlers.readRegion(&body, exchange: exchange) : record.region
        guard let apiKey, let apiSecret else { return nil }
        return (exchange, Credentials(apiKey: apiKey, apiSecret: apiSecret, passphrase: needsPassphrase ? passphrase : nil,
                                      region: region))
    }

    /// Tests `credentials` against the exchange, then in one write transaction applies `change` and stores them
    /// sealed as connect does (`ConnectionStore.replaceCredentials`). Nothing is stored when the key is refused
    /// (connect's error), cannot be checked (503 `exchange_unavailable`, or `rate_limited` when the exchange asked to
    /// slow down) or is another connection's (409).
    static func replaceKey(of record: ConnectionRecord, exchange: ExchangeID, credentials: Credentials,
                           change: ConnectionStore.SettingsChange, app: Application,
                           session: AuthenticatedSession) throws -> Response {
        let input: ExchangeHandlers.CredentialsInput
        switch ExchangeHandlers.normalized(.init(exchange: exchange, credentials: credentials, label: nil)) {
        case .success(let value): input = value
        case .failure(let error): throw error
        }
        try ExchangeHandlers.rejectDuplicate(input, userID: session.userID, excluding: record.id, app: app)
        let inspection: SyncEngine.Inspection
        switch ExchangeHandlers.inspect(input, user: session.userID, app: app, measureClock: false) {
        case .success(let value): inspection = value
        case .failure(let error) where error.leftKeyUnchecked: throw error.uncheckedKeyError(on: exchange)
        case .failure(let error): throw error
        }
        try ExchangeHandlers.requireReadOnlyIfConfigured(inspection, app: app)

        let sealed = try ExchangeHandlers.seal(input.credentials, connectionID: record.id, cipher: app.cipher)
        let hint = ConnectionView.keyHint(input.credentials.apiKey)
        let replacement = ConnectionStore.CredentialsReplacement(
            apiKeyEncrypted: sealed.apiKey, apiSecretEncrypted: sealed.apiSecret, passphraseEncrypted: sealed.passphrase,
            region: input.credentials.region, permissions: ConnectionView.json(inspection.permissions), apiKeyHint: hint,
            unreadWallets: UnreadWalletsJSON.encode(inspection.unreadWallets), readNotes: ReadNotesJSON.encode(inspection.read.notes))
        let updated = try app.database.write { db in
            // Again inside the transaction, as connect does: a connect of the same key meanwhile cannot also pass.
            try ExchangeHandlers.rejectDuplicate(input, userID: session.userID, excluding: record.id, cipher: app.cipher, in: db)
            guard try ConnectionStore.change(record.id, userID: session.userID, change, in: db) != nil,
                  let updated = try ConnectionStore.replaceCredentials(record.id, userID: session.userID, with: replacement, in: db)
            else { throw APIError.notFound }
            return updated
        }
        // The hint is what the connection already shows its owner; never the key, the secret or the passphrase.
        app.logger.notice("connection key replaced", metadata: [
            "connection": "\(record.id)", "exchange": "\(exchange.rawValue)", "key_hint": "\(hint)",
        ])
        return .json(["connection": ConnectionView(updated)])
    }
}
