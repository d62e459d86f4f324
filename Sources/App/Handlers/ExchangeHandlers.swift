import Exchanges
import Foundation
import Store
import Vault
import Web

/// `GET /exchanges/supported`, `POST /exchanges/test` and `POST /exchanges/connect`.
enum ExchangeHandlers {
    typealias Parameters = Router<Application>.Parameters

    struct SupportedExchange: Encodable {
        let id: String
        let name: String
        let requiresPassphrase: Bool
        let credentialFields: [String]
        let fieldLabels: [String: String]
        let readOnlyKeyHelp: String
        /// The hosts a key may belong to, the default first; empty when the exchange has one host.
        let regions: [RegionView]
        /// False when the exchange cannot say what a key may do (Bitvavo): read-only-ness is the user's to check.
        let permissionsCheckable: Bool
    }

    struct RegionView: Encodable {
        let id: String
        let name: String
    }

    static func supported(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let exchanges = ExchangeID.allCases.map { id in
            let info = id.info
            return SupportedExchange(
                id: id.rawValue, name: info.displayName, requiresPassphrase: info.requiredFields.contains(.passphrase),
                credentialFields: info.requiredFields.map(\.rawValue),
                fieldLabels: Dictionary(uniqueKeysWithValues: info.fieldLabels.map { ($0.key.rawValue, $0.value) }),
                readOnlyKeyHelp: info.readOnlyKeyHelp,
                regions: info.regions.map { RegionView(id: $0.id, name: $0.displayName) },
                permissionsCheckable: info.canCheckPermissions)
        }
        return .json(["exchanges": exchanges])
    }

    /// The credentials part of a test or connect body, validated field by field.
    struct CredentialsInput {
        let exchange: ExchangeID
        let credentials: Credentials
        let label: String?
    }

    static func readCredentials(_ request: Request, allowLabel: Bool) throws -> CredentialsInput {
        var body = try JSONBody(request)
        body.rejectUnknownFields(allowing: Set(["exchange", "apiKey", "apiSecret", "passphrase", "region"] + (allowLabel ? ["label"] : [])))
        let exchangeName = body.string("exchange", maxLength: 40)
        let exchange = exchangeName.flatMap { ExchangeID(rawValue: $0.lowercased()) }
        if exchangeName != nil && exchange == nil {
            body.note("exchange", "must be one of \(ExchangeID.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // Coinbase's key name may come from a key file pasted as the secret (`CoinbaseCredentials`).
        let apiKey = body.string("apiKey", required: exchange != .coinbase, maxLength: 512) ?? (exchange == .coinbase ? "" : nil)
        // A Coinbase CDP secret is a PEM private key: a few hundred characters with newlines.
        let apiSecret = body.string("apiSecret", maxLength: 4096, allowNewlines: true)
        let needsPassphrase = exchange?.info.requiredFields.contains(.passphrase) ?? false
        let passphrase = body.string("passphrase", required: needsPassphrase, maxLength: 256, secret: true)
        let label = allowLabel ? body.string("label", required: false, maxLength: 100) : nil
        let region = readRegion(&body, exchange: exchange)
        try body.validate()
        guard let exchange, let apiKey, let apiSecret else { throw APIError.validation([:]) }
        return CredentialsInput(
            exchange: exchange,
            credentials: Credentials(apiKey: apiKey, apiSecret: apiSecret, passphrase: needsPassphrase ? passphrase : nil, region: region),
            label: label?.trimmingCharacters(in: .whitespaces).isEmpty == true ? nil : label)
    }

    /// The optional `region`: one of the exchange's region ids, stored as nil for the default region so that a
    /// connection made without one and one made with the default read the same. Notes a problem on `body`.
    static func readRegion(_ body: inout JSONBody, exchange: ExchangeID?) -> String? {
        guard let text = body.string("region", required: false, maxLength: 16) else { return nil }
        guard let exchange else { return nil }
        let regions = exchange.info.regions
        guard let region = exchange.info.region(text.lowercased()) else {
            body.note("region", regions.isEmpty
                ? "\(exchange.info.displayName) has no regions; leave it out"
                : "must be one of \(regions.map(\.id).joined(separator: ", "))")
            return nil
        }
        return region.id == exchange.info.defaultRegion?.id ? nil : region.id
    }

    /// `input` with its credentials in the form they are stored in (a pasted Coinbase key re-wrapped, its key
    /// name taken from a pasted key file), or the `invalid_key_format` error found before any request.
    static func normalized(_ input: CredentialsInput) -> Result<CredentialsInput, ExchangeError> {
        do {
            let credentials = try ExchangeClients.normalized(input.credentials, for: input.exchange)
            return .success(CredentialsInput(exchange: input.exchange, credentials: credentials, label: input.label))
        } catch {
            return .failure(error as? ExchangeError ?? ExchangeError(.invalidKeyFormat, exchange: input.exchange))
        }
    }

    struct TestResult: Encodable {
        let success: Bool
        let message: String?
        let balancesCount: Int?
        let permissions: ConnectionView.PermissionsView?
        let clockOffsetMs: Int64?
        let error: ErrorDetail?
        /// Wallets the key may not read; present only on success.
        var unreadWallets: [UnreadWallet]? = nil
        /// What the read noticed but did not count (a debt, funds in places not read); present only on success.
        var notes: [String]? = nil
    }

    /// Tries the credentials against the exchange; saves nothing. The exchange's verdict is a 200. Answers that
    /// say nothing about the credentials are 503s: a request Holdfast's own request budget would not send
    /// (`isLocalBudgetRefusal`) is `rate_limited` with `Retry-After`, "try again in n seconds"; an exchange that
    /// could not be reached or asked to slow down (`leftKeyUnchecked`) is `exchange_unavailable` or `rate_limited`,
    /// "your key was not checked".
    static func test(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let input: CredentialsInput
        switch normalized(try readCredentials(request, allowLabel: false)) {
        case .success(let value): input = value
        case .failure(let error):
            return .json(TestResult(success: false, message: nil, balancesCount: nil, permissions: nil, clockOffsetMs: nil,
                                    error: error.httpError.detail))
        }
        switch inspect(input, user: session.userID, app: app, measureClock: true) {
        case .success(let inspection):
            let name = input.exchange.info.displayName
            var message = "Connected to \(name): \(inspection.balances.count) non-zero balance(s)."
            if !inspection.unreadWallets.isEmpty {
                message += " This key cannot read: " + inspection.unreadWallets.map(\.wallet).joined(separator: ", ") + "."
            }
            return .json(TestResult(
                success: true, message: message,
                balancesCount: inspection.balances.count, permissions: inspection.permissions.map { ConnectionView.view(of: $0, exchange: input.exchange) },
                clockOffsetMs: inspection.clockOffsetMs, error: nil, unreadWallets: inspection.unreadWallets,
                notes: ReadNotesJSON.bounded(inspection.read.notes)))
        case .failure(let error) where error.isLocalBudgetRefusal:
            throw error
        case .failure(let error) where error.leftKeyUnchecked:
            throw error.uncheckedKeyError(on: input.exchange)
        case .failure(let error):
            return .json(TestResult(success: false, message: nil, balancesCount: nil, permissions: nil,
                                    clockOffsetMs: error.clockOffsetMs, error: error.httpError.detail))
        }
    }

    /// Tests, encrypts, saves and runs the first sync, all or nothing.
    static func connect(_ request: Request, _ parameters: Parameters, _ app: Application, _ session: AuthenticatedSession) throws -> Response {
        let input: CredentialsInput
        switch normalized(try readCredentials(request, allowLabel: true)) {
        case .success(let value): input = value
        case .failure(let error): throw error
        }
        try rejectDuplicate(input, userID: session.userID, app: app)
        let engine = app.engine
        let started = Date()
        let inspection: SyncEngine.Inspection
        switch inspect(input, user: session.userID, app: app, measureClock: false) {
        case .success(let value): inspection = value
        case .failure(let error) where error.leftKeyUnchecked: throw error.uncheckedKeyError(on: input.exchange)
        case .failure(let error): throw error
        }
        try requireReadOnlyIfConfigured(inspection, app: app)

        let id = UUIDs.make()
        let now = Timestamp.now()
        let sealed = try seal(input.credentials, connectionID: id, cipher: app.cipher)
        let holdingsCount = try app.database.write { db in
            try rejectDuplicate(input, userID: session.userID, cipher: app.cipher, in: db)
            var new = ConnectionStore.NewConnection(id: id, userID: session.userID, exchange: input.exchange.rawValue,
                                                    label: input.label, apiKeyEncrypted: sealed.apiKey,
                                                    apiSecretEncrypted: sealed.apiSecret, passphraseEncrypted: sealed.passphrase,
                                                    createdAt: now)
            new.region = input.credentials.region
            new.permissions = ConnectionView.json(inspection.permissions)
            new.apiKeyHint = ConnectionView.keyHint(input.credentials.apiKey)
            try ConnectionStore.insert(new, in: db)
            // The balances were just fetched: the first sync commits them in this same transaction.
            return try engine.record(outcome: nil, read: inspection.read, for: id, trigger: .connect,
                                     holder: "connect", startedAt: started, duration: .milliseconds(Int(Date().timeIntervalSince(started) * 1000)), in: db)
        }
        let record = try app.database.read { try ConnectionStore.find(id, in: $0) }
        guard let record else { throw APIError.internalError }
        return .json(ConnectionResult(connection: ConnectionView(record), holdingsCount: holdingsCount), status: 201)
    }

    /// `read_only_key_required` when this server accepts only read-only keys and the inspected key can trade or
    /// withdraw.
    static func requireReadOnlyIfConfigured(_ inspection: SyncEngine.Inspection, app: Application) throws {
        if app.requireReadOnlyKeys, let permissions = inspection.permissions, permissions.canTrade == true || permissions.canWithdraw == true {
            throw APIError(.readOnlyKeyRequired, "This key can trade or withdraw, and this server only accepts read-only keys. "
                           + "Create a key with read permission only.")
        }
    }

    /// Asks the exchange about the credentials from this worker thread, on `user`'s share of exchange slots,
    /// every failure as an `ExchangeError`.
    static func inspect(_ input: CredentialsInput, user: String, app: Application, measureClock: Bool) -> Result<SyncEngine.Inspection, ExchangeError> {
        let engine = app.engine
        return runBlocking {
            do {
                return .success(try await engine.inspect(input.exchange, credentials: input.credentials, user: user, measureClock: measureClock))
            } catch {
                return .failure(error as? ExchangeError ?? ExchangeError(.badResponse, message: "The exchange's answer could not be read."))
            }
        }
    }

    /// The same exchange and API key twice for one user is a 409. Keys are encrypted with fresh nonces, so
    /// the comparison decrypts the user's keys for that exchange (a handful, microseconds each).
    /// A new key for a connection (`excluding` its id) may be the key it already has.
    static func rejectDuplicate(_ input: CredentialsInput, userID: String, excluding: String? = nil, app: Application) throws {
        try app.database.read { try rejectDuplicate(input, userID: userID, excluding: excluding, cipher: app.cipher, in: $0) }
    }

    /// The same check on a given connection: connect repeats it inside its write transaction, so two
    /// simultaneous connects of one key cannot both pass.
    static func rejectDuplicate(_ input: CredentialsInput, userID: String, excluding: String? = nil, cipher: CredentialCipher,
                                in db: Connection) throws {
        for (id, stored) in try ConnectionStore.sealedAPIKeys(userID: userID, exchange: input.exchange.rawValue, in: db)
        where id != excluding {
            guard let apiKey = try? cipher.open(stored, connectionId: id, field: .apiKey) else { continue }
            if apiKey == input.credentials.apiKey {
                throw APIError.conflict("This \(input.exchange.info.displayName) API key is already connected.")
            }
        }
    }

    static func seal(_ credentials: Credentials, connectionID: String, cipher: CredentialCipher) throws -> (apiKey: String, apiSecret: String, passphrase: String?) {
        (try cipher.seal(credentials.apiKey, connectionId: connectionID, field: .apiKey),
         try cipher.seal(credentials.apiSecret, connectionId: connectionID, field: .apiSecret),
         try credentials.passphrase.map { try cipher.seal($0, connectionId: connectionID, field: .passphrase) })
    }

}
