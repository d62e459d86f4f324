extension Configuration {
    /// Every setting Holdfast's binaries read, as the README's settings table lists them (a test compares
    /// the two). A name with `<…>` stands for a family, e.g. `HOLDFAST_<EXCHANGE>_BASE_URL`. Process
    /// protocol from systemd (`LISTEN_FDS`, `LISTEN_PID`, `JOURNAL_STREAM`, `CREDENTIALS_DIRECTORY`) is not a
    /// setting, and neither are the variables of the development stack (`scripts/stack.sh`).
    public static let settingNames: [String] = [
        "HOLDFAST_DATABASE", "JWT_SECRET", "JWT_SECRET_FILE", "ENCRYPTION_KEY", "ENCRYPTION_KEYS_PREVIOUS",
        "HOLDFAST_LEGACY_ENCRYPTION_KEY", "HOLDFAST_SOCKET", "HOLDFAST_SOCKET_MODE", "HOLDFAST_WORKERS",
        "HOLDFAST_NGINX_CONF", "HOLDFAST_NGINX_UPSTREAM_CONF", "HOLDFAST_CHECKPOINT_SECONDS", "HOLDFAST_SESSION_HOURS",
        "HOLDFAST_EXCHANGE_CONCURRENCY", "HOLDFAST_EXCHANGE_DEADLINE_SECONDS", "HOLDFAST_SYNC_CONCURRENCY",
        "HOLDFAST_REQUIRE_READ_ONLY_KEYS", "HOLDFAST_COOKIE_SECURE", "HOLDFAST_MIGRATIONS_DIR", "HOLDFAST_LOG_LEVEL",
        "HOLDFAST_BINANCE_WEIGHT_PER_MINUTE", "HOLDFAST_KRAKEN_COUNTER_MAX", "HOLDFAST_NONCE_DIRECTORY",
        "HOLDFAST_<EXCHANGE>_BASE_URL", "HOLDFAST_<EXCHANGE>_<REGION>_BASE_URL",
    ]
}
