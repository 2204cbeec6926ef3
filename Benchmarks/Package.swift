// swift-tools-version: 6.1
// Benchmarks live in their own package so that the gateway's build and CI never compile them.
// Run one with: swift run -c release --package-path Benchmarks <name>
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]
/// Every benchmark runs on the gateway's memory allocator, TCMalloc, as `swgate` does (the root
/// package's `Package.swift`), so that its figures are the product's.
let tcmalloc: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-l:libtcmalloc_minimal.so.4"], .when(platforms: [.linux]))]

let package = Package(
    name: "swgate-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swgate", path: ".."),
    ],
    targets: [
        .target(name: "BenchmarkSupport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "validation-bench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SWGateDomain", package: "swgate"),
                .product(name: "SWGateXML", package: "swgate"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: tcmalloc
        ),
        // Sign/verify throughput of the NSW and AS4 signature profiles next to `openssl speed rsa2048`.
        .executableTarget(
            name: "signature-bench",
            dependencies: [
                "BenchmarkSupport", .product(name: "SWGateSecurity", package: "swgate"), .product(name: "SWGateDomain", package: "swgate"),
                .product(name: "SWGateXML", package: "swgate"), .product(name: "SWGateNSW", package: "swgate"),
                .product(name: "SWGateAS4", package: "swgate"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: tcmalloc
        ),
        // Durable enqueue (group commit vs one transaction each), claim-and-complete, resume with a deep queue.
        .executableTarget(
            name: "outbox-bench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SWGateStore", package: "swgate"),
                .product(name: "SWGateDelivery", package: "swgate"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: tcmalloc
        ),
        // The PostgreSQL store on a real server: durable enqueue, claim-and-complete with one and two instances
        // (Benchmarks/scripts/postgres-bench.sh runs pgbench beside it).
        .executableTarget(
            name: "postgres-bench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SWGateStore", package: "swgate"),
                .product(name: "SWGatePostgres", package: "swgate"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: tcmalloc
        ),
        // The gateway over loopback HTTP: intake rate and latency (64 clients), relay and end-to-end
        // rate to the NSW and ASW simulators, memory.
        .executableTarget(
            name: "server-bench",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "SWGateServer", package: "swgate"),
                .product(name: "SWGateChannels", package: "swgate"),
                .product(name: "SWGateNSW", package: "swgate"),
                .product(name: "SWGateAS4", package: "swgate"),
                .product(name: "SWGateHTTP", package: "swgate"),
                .product(name: "SWGateSecurity", package: "swgate"),
                .product(name: "SWGateStore", package: "swgate"),
            ],
            swiftSettings: swiftSettings,
            linkerSettings: tcmalloc
        ),
    ]
)
