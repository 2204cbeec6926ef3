// swift-tools-version: 6.1
// Fuzz targets live in their own package so that the gateway's build and CI's `swift test` never
// compile them with libFuzzer and AddressSanitizer. Build and run with scripts/fuzz.sh.
//
//   swift build --package-path Fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
//
// One executable holds every target (SWGATE_FUZZ_TARGET chooses; see Sources/swgate-fuzz/Targets.swift):
// one instrumented link instead of one per target.
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "swgate-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swgate", path: "..")
    ],
    targets: [
        // The prototype of libFuzzer's LLVMFuzzerRunDriver.
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "swgate-fuzz",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "SWGateXML", package: "swgate"),
                .product(name: "SWGateDomain", package: "swgate"),
                .product(name: "SWGateSecurity", package: "swgate"),
                .product(name: "SWGateDelivery", package: "swgate"),
                .product(name: "SWGateNSW", package: "swgate"),
                .product(name: "SWGateAS4", package: "swgate"),
                .product(name: "SWGateServer", package: "swgate"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
