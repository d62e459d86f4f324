// swift-tools-version:6.0
import PackageDescription

/// The library split mirrors the request path: C modules at the bottom, one Swift module wrapping each, the
/// application (routing, auth, handlers) on top, and thin executables that only parse arguments and call in.
let package = Package(
    name: "Holdfast",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "holdfast-fcgi", targets: ["holdfast-fcgi"]),
        .executable(name: "holdfast", targets: ["holdfast"]),
        .executable(name: "holdfast-sync", targets: ["holdfast-sync"]),
        .executable(name: "holdfast-sandbox", targets: ["holdfast-sandbox"]),
        .executable(name: "holdfast-bench", targets: ["holdfast-bench"]),
        .library(name: "HoldfastFuzz", type: .dynamic, targets: ["FuzzTargets"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // CSV exports (RFC 4180 quoting); the spreadsheet-injection guard is ours (`CSVExport`).
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // C libraries, each reached through exactly one Swift module.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Crypto primitives over OpenSSL: the only module that calls libcrypto.
        .target(name: "Primitives", dependencies: ["COpenSSL"]),
        // SQLite connection, statements, transactions and migrations: the only module that calls sqlite3.
        .target(name: "Store", dependencies: ["CSQLite", "Primitives"]),
        // PostgreSQL connection, pool and migrations over libpq: the only module that calls libpq. It speaks the
        // Store's values (`SQLValue`, `Row`) so the same stores can run on either database.
        .target(name: "PostgreSQL", dependencies: ["CPostgreSQL", "Store"]),
        // HTTP vocabulary that knows nothing of FastCGI: Request, Response, errors, router, JSON.
        .target(name: "Web"),
        // The FastCGI accept loop and the params/response mapping: the only module that calls libfcgi.
        .target(name: "FastCGI", dependencies: [
            "CFastCGI", "Web", .product(name: "Logging", package: "swift-log"),
        ]),
        // Encrypted exchange credentials: the stored format, the key ring, the seed's legacy format.
        .target(name: "Vault", dependencies: ["Primitives"]),
        // Exchange clients (signing, parsing, normalization, error taxonomy).
        .target(name: "Exchanges", dependencies: ["Primitives"]),
        // Loopback stand-ins for the exchanges.
        .target(name: "Sandbox", dependencies: ["Primitives", "Exchanges", "Web"]),
        // The application: configuration, auth, handlers, sync engine.
        .target(name: "App", dependencies: [
            "Primitives", "Store", "PostgreSQL", "Web", "Vault", "Exchanges",
            .product(name: "Logging", package: "swift-log"), .product(name: "CSV", package: "CSV.swift"),
        ], resources: [.copy("Resources")]),

        .executableTarget(name: "holdfast-fcgi", dependencies: ["App", "FastCGI"]),
        .executableTarget(name: "holdfast", dependencies: [
            "App", "Store", "PostgreSQL", "Vault", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "holdfast-sync", dependencies: [
            "App", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "holdfast-sandbox", dependencies: [
            "Sandbox", "Exchanges", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmarks and their seed data (`make bench`, Benchmarks/*.sh): never installed on a server.
        .executableTarget(name: "holdfast-bench", dependencies: [
            "App", "Store", "Vault", "Primitives", "BenchmarkSeeding", "VaultFixtures",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Seed data for benchmarks and tests, kept out of the libraries the shipped binaries link: only
        // `holdfast-bench` and test targets depend on these two.
        // Due connections for the sync benchmarks and the timer's tests, stored through App's `ConnectionImport`.
        .target(name: "BenchmarkSeeding", dependencies: ["App", "Store", "Vault", "Exchanges"]),
        // Records in the seed backend's legacy format, which Holdfast only ever reads (`LegacyDecryptor`).
        .target(name: "VaultFixtures", dependencies: ["Vault", "Primitives"]),

        // libFuzzer targets (`make fuzz` links them into a fuzzer), and a replayer for saved inputs.
        .target(name: "FuzzTargets", dependencies: ["App", "FastCGI", "Web", "Vault", "Exchanges", "Sandbox"], path: "Fuzz/Targets"),
        .executableTarget(name: "holdfast-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/Replay"),

        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "CSQLite"]),
        // The throwaway PostgreSQL server and a fresh database per test, for every test target that needs one.
        .target(name: "PostgresTestSupport", dependencies: ["PostgreSQL"], path: "Tests/PostgresTestSupport"),
        .testTarget(name: "PostgreSQLTests", dependencies: ["PostgreSQL", "Store", "PostgresTestSupport"]),
        .testTarget(name: "WebTests", dependencies: ["Web", "FastCGI"]),
        .testTarget(name: "AppTests", dependencies: [
            "App", "Store", "Web", "Vault", "Exchanges", "Sandbox", "Primitives", "PostgreSQL", "PostgresTestSupport",
            "BenchmarkSeeding", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "VaultTests", dependencies: ["Vault", "VaultFixtures", "Primitives"], resources: [.copy("Vectors")]),
        .testTarget(name: "BenchTests", dependencies: ["holdfast-bench"]),
        .testTarget(name: "ExchangesTests", dependencies: ["Exchanges", "Sandbox", "Primitives"], resources: [.copy("Vectors")]),
    ],
    swiftLanguageModes: [.v6]
)
