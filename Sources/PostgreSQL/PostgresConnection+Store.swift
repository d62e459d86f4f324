import Store

/// A PostgreSQL connection is a store `Connection`: its `execute`, `query`, `queryOne` and `run` already
/// have the protocol's shapes (placeholders rewritten to `$n`), so store types written against
/// `in db: Connection` run on it unchanged.
extension PostgresConnection: Connection {
    /// Always `.postgresql`.
    public var dialect: SQLDialect { .postgresql }
}
