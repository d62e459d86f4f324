import App
import Exchanges
import Store
import Vault

/// Seeds connections for the sync benchmarks: `count` connections of `userEmail`, spread over the given sandbox
/// accounts, due at once. Encrypted exactly as real connections are, in one transaction.
///
/// Called by `holdfast-bench seed-connections` (Benchmarks/sync.sh, scale-out.sh, budget.sh) and the timer's
/// tests; only they link this library, never a binary a server runs. It stores through App's general
/// `ConnectionImport`, so the SQL stays with the tables' owners.
public enum BenchmarkSeed {
    /// An account to copy credentials from: an entry of a sandbox fixture's `accounts`
    /// (`holdfast-sandbox --print-fixture`).
    public struct Account: Decodable, Sendable {
        public let exchange: ExchangeID
        public let apiKey: String
        public let apiSecret: String
        public let passphrase: String?

        public init(exchange: ExchangeID, apiKey: String, apiSecret: String, passphrase: String?) {
            self.exchange = exchange
            self.apiKey = apiKey
            self.apiSecret = apiSecret
            self.passphrase = passphrase
        }
    }

    /// Inserts `count` connections labelled "bench 0", "bench 1", …, the i-th with the credentials of account
    /// i mod `accounts.count`, and returns their ids in that order.
    ///
    /// Throws `BenchmarkSeedError` for a negative `count`, or a positive one with no `accounts`; `UserError.notFound`
    /// when nobody has `userEmail` (nothing is stored either way), and the vault's error when a secret cannot be
    /// sealed.
    @discardableResult
    public static func seed(count: Int, accounts: [Account], userEmail: String, database: Database, keyRing: KeyRing) throws -> [String] {
        guard count >= 0 else { throw BenchmarkSeedError.negativeCount(count) }
        guard count == 0 || !accounts.isEmpty else { throw BenchmarkSeedError.noAccounts }
        let entries = (0..<count).map { index in
            let account = accounts[index % accounts.count]
            return ConnectionImport.Entry(exchange: account.exchange, label: "bench \(index)", apiKey: account.apiKey,
                                          apiSecret: account.apiSecret, passphrase: account.passphrase)
        }
        return try ConnectionImport.add(entries, forUserWithEmail: userEmail, in: database,
                                        cipher: CredentialCipher(keyRing: keyRing))
    }
}

/// Why seeding stopped before storing anything.
public enum BenchmarkSeedError: Error, CustomStringConvertible, Equatable {
    /// Connections were asked for but the fixture lists no account to copy credentials from.
    case noAccounts
    /// A negative number of connections was asked for.
    case negativeCount(Int)

    public var description: String {
        switch self {
        case .negativeCount(let count): "cannot seed \(count) connections; the count must be 0 or more"
        case .noAccounts: "the fixture has no accounts to copy credentials from; nothing was seeded"
        }
    }
}
