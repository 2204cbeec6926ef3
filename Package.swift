// swift-tools-version: 6.1
import PackageDescription

/// One set of settings for every target: Swift 6 mode, strict concurrency, and the
/// upcoming features that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swgate", targets: ["swgate"]),
        .library(name: "SWGateXML", targets: ["SWGateXML"]),
        .library(name: "SWGateDomain", targets: ["SWGateDomain"]),
        // For the Benchmarks package (signature-bench).
        .library(name: "SWGateSecurity", targets: ["SWGateSecurity"]),
        // Libraries so the benchmark package (Benchmarks/) can link the outbox and the delivery engine.
        .library(name: "SWGateStore", targets: ["SWGateStore"]),
        .library(name: "SWGatePostgres", targets: ["SWGatePostgres"]),
        .library(name: "SWGateDelivery", targets: ["SWGateDelivery"]),
        // For server-bench.
        .library(name: "SWGateServer", targets: ["SWGateServer"]),
        .library(name: "SWGateHTTP", targets: ["SWGateHTTP"]),
        .library(name: "SWGateChannels", targets: ["SWGateChannels"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C libraries, each reached through exactly one Swift module.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CXMLSec",
            pkgConfig: "xmlsec1-openssl",
            providers: [.apt(["libxmlsec1-dev", "libssl-dev"])]
        ),

        // libxml2 interop: hardened parsing, the document tree, XSD validation, serialisation.
        .target(
            name: "SWGateXML",
            dependencies: ["CLibXML2"],
            swiftSettings: swiftSettings
        ),
        // xmlsec/OpenSSL interop: XML-DSig and WS-Security signing and verification, keys,
        // the trust store and the verification policy (allow-lists, anti-wrapping checks).
        .target(
            name: "SWGateSecurity",
            dependencies: ["SWGateXML", "SWGateDomain", "CXMLSec"],
            swiftSettings: swiftSettings
        ),
        // The schemas under Schemas/, shipped as a resource bundle.
        .target(
            name: "SWGateSchemas",
            path: "Schemas",
            exclude: ["README.md"],
            sources: ["SchemaDirectory.swift"],
            resources: [.copy("atiga-form-d.xsd"), .copy("nsw-envelope.xsd"), .copy("standard")],
            swiftSettings: swiftSettings
        ),
        // The business: Form D, the NSW envelope, rules, validation reports, code tables.
        .target(
            name: "SWGateDomain",
            dependencies: ["SWGateXML", "SWGateSchemas"],
            swiftSettings: swiftSettings
        ),
        // The durable outbox: messages, per-destination deliveries, attempts, receipts, the audit chain.
        .target(
            name: "SWGateStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for direct binding on the enqueue hot path (SQLite/Statement+DirectBinding.swift only).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The shared outbox for several gateway instances: the same operations on PostgreSQL
        // (postgres-nio's connection pool), row locks and leases, LISTEN/NOTIFY wake-ups.
        .target(
            name: "SWGatePostgres",
            dependencies: [
                "SWGateStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The delivery engine: channels, retries with backoff, circuit breakers, leases.
        .target(
            name: "SWGateDelivery",
            dependencies: [
                "SWGateStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP seam: the Endpoint interface every HTTP-facing part implements, and the Hummingbird host.
        .target(
            name: "SWGateHTTP",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The partner channels: NSW (SOAP 1.1) and ASW (AS4) delivery channels and inbound
        // endpoints, the WSDL, and loopback simulators of both partners.
        .target(
            name: "SWGateChannels",
            dependencies: [
                "SWGateXML", "SWGateSchemas", "SWGateDomain", "SWGateSecurity", "SWGateStore", "SWGateDelivery", "SWGateHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gateway process: configuration, the portal API, routing, operations endpoints, and the
        // composition of store, engine, channels and HTTP host as one Service.
        .target(
            name: "SWGateServer",
            dependencies: [
                "SWGateDomain", "SWGateSecurity", "SWGateStore", "SWGatePostgres", "SWGateDelivery", "SWGateHTTP", "SWGateChannels",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: argument parsing and output formatting only.
        .executableTarget(
            name: "swgate",
            dependencies: [
                "SWGateDomain",
                "SWGateSecurity",
                "SWGateStore",
                "SWGatePostgres",
                "SWGateServer",
                "SWGateChannels",
                "SWGateHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets: fixtures, temporary directories, the CLI runner.
        .target(
            name: "SWGateTesting",
            dependencies: ["SWGateDomain"],
            path: "Tests/SWGateTesting",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateXMLTests",
            dependencies: ["SWGateXML", "SWGateTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateDomainTests",
            dependencies: ["SWGateDomain", "SWGateTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateSecurityTests",
            dependencies: ["SWGateSecurity", "SWGateXML", "CXMLSec", "CLibXML2"],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateCLITests",
            dependencies: [
                "swgate", "SWGateTesting", "SWGateStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // A child process for the crash-safety test: enqueues and delivers until it is killed.
        .executableTarget(
            name: "OutboxCrashHarness",
            dependencies: ["SWGateStore", "SWGateDelivery", .product(name: "Logging", package: "swift-log")],
            path: "Tests/OutboxCrashHarness",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateStoreTests",
            dependencies: [
                "SWGateStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The outbox contract over SQLite and PostgreSQL alike, and the PostgreSQL store with several
        // instances, against a real PostgreSQL 15 started by the tests (Tests/SWGateTesting).
        .testTarget(
            name: "SWGatePostgresTests",
            dependencies: [
                "SWGateStore", "SWGatePostgres", "SWGateTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateDeliveryTests",
            dependencies: [
                "SWGateStore", "SWGateDelivery", "OutboxCrashHarness",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateServerTests",
            dependencies: [
                "SWGateServer", "SWGateChannels", "SWGateHTTP", "SWGateStore", "SWGatePostgres", "SWGateDomain", "SWGateDelivery",
                "SWGateSecurity", "SWGateTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateChannelsTests",
            dependencies: [
                "SWGateChannels", "SWGateSecurity", "SWGateDomain", "SWGateStore", "SWGateDelivery", "SWGateHTTP", "SWGateXML",
                "SWGateTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SWGateHTTPTests",
            dependencies: [
                "SWGateHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
