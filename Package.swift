// swift-tools-version:6.0
import PackageDescription

// Layers (dependencies point downwards only; a layer may also use any layer below the next one):
//   secagg-tool                    →  SecAggTransport, FedAudit
//   grpc-bench                     →  SecAggTransport
//   SecAggTransport (gRPC, SwiftProtobuf), FedAudit (GRDB), fedcore-bench  →  FedCore
//   FedCore                        →  SecureAgg, DPNoise
//   secagg-bench → SecureAgg;  dpnoise-bench → DPNoise
//   SecureAgg, DPNoise             →  Sodium  →  CSodium (libsodium, the only C boundary)
// Only secagg-tool and the benches use ArgumentParser; only SecAggTransport sees gRPC; only FedAudit sees GRDB
// (SecAggTransport takes the audit log as FedCore's RoundAuditTrail, so a library user of FedCore or of the
// transport never links SQLite).
let package = Package(
    name: "secagg",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SecureAgg", targets: ["SecureAgg"]),
        .library(name: "DPNoise", targets: ["DPNoise"]),
        .library(name: "FedCore", targets: ["FedCore"]),
        .library(name: "FedAudit", targets: ["FedAudit"]),
        // Exposed for the libFuzzer targets of Fuzz/ (a separate package); links gRPC.
        .library(name: "SecAggTransport", targets: ["SecAggTransport"]),
        .executable(name: "secagg-tool", targets: ["secagg-tool"]),
        .executable(name: "secagg-bench", targets: ["secagg-bench"]),
        .executable(name: "dpnoise-bench", targets: ["dpnoise-bench"]),
        .executable(name: "fedcore-bench", targets: ["fedcore-bench"]),
        .executable(name: "grpc-bench", targets: ["grpc-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // Already in the graph through grpc-swift-nio-transport; named here because the client's TLS channel
        // binding (SecAggTransport/Security/TLSChannel.swift) verifies the server's chain itself.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.34.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
    ],
    targets: [
        // The only place that sees the libsodium C API.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "Sodium", dependencies: ["CSodium"]),
        .target(name: "SecureAgg", dependencies: ["Sodium"]),
        .target(name: "DPNoise", dependencies: ["Sodium"]),
        .target(name: "FedCore", dependencies: ["SecureAgg", "DPNoise", "Sodium"]),
        // The tamper-evident audit log (SQLite through GRDB), its verifier and its reports.
        .target(
            name: "FedAudit",
            dependencies: ["FedCore", "DPNoise", "Sodium", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // gRPC transport for `serve` / `client` (the only target that sees gRPC; libraries never do). It moves
        // messages only: encoding, decoding and accounting happen in FedCore, so it does not depend on DPNoise.
        .target(
            name: "SecAggTransport",
            dependencies: [
                "SecureAgg", "FedCore", "Sodium",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            exclude: ["Proto/secagg.proto"]
        ),
        .executableTarget(
            name: "secagg-tool",
            dependencies: [
                "FedCore", "FedAudit", "SecureAgg", "DPNoise", "Sodium", "SecAggTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "secagg-bench",
            dependencies: [
                "SecureAgg", "Sodium",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "dpnoise-bench", dependencies: ["DPNoise", "Sodium"]),
        .executableTarget(name: "fedcore-bench", dependencies: ["FedCore"]),
        // Load benchmark of serve + concurrent clients over loopback gRPC (one process).
        .executableTarget(
            name: "grpc-bench",
            dependencies: [
                "SecAggTransport", "FedCore", "Sodium",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fakes, generators, scratch directories and the wire-vector loader shared by the test targets (never shipped).
        .target(name: "SecAggTestSupport", dependencies: ["Sodium"], path: "Tests/SecAggTestSupport"),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], resources: [.copy("TestVectors")]),
        .testTarget(name: "SecureAggTests", dependencies: ["SecureAgg", "Sodium", "SecAggTestSupport"], resources: [.copy("Resources")]),
        .testTarget(name: "DPNoiseTests", dependencies: ["DPNoise", "Sodium", "SecAggTestSupport"], resources: [.copy("Resources")]),
        // RoundRecorderTests verify what the recorder wrote with FedAudit's verifier.
        .testTarget(
            name: "FedCoreTests", dependencies: ["FedCore", "FedAudit", "SecureAgg", "DPNoise", "Sodium", "SecAggTestSupport"]
        ),
        .testTarget(name: "FedAuditTests", dependencies: ["FedAudit", "FedCore", "DPNoise", "Sodium", "SecAggTestSupport"]),
        // A client that misbehaves on purpose, for the loopback tests (never shipped: in no product; its hooks
        // are `package` API of SecAggTransport).
        .executableTarget(
            name: "secagg-test-client",
            dependencies: [
                "SecAggTransport", "FedCore", "SecureAgg",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/secagg-test-client"
        ),
        // Golden/: byte-exact --help and error texts the tests compare against (read from #filePath, not bundled).
        .testTarget(name: "SecAggToolTests", dependencies: ["secagg-tool"], exclude: ["Golden"]),
        .testTarget(
            name: "SecAggTransportTests",
            dependencies: [
                "SecAggTransport", "FedCore", "SecureAgg", "DPNoise", "Sodium", "SecAggTestSupport", "secagg-tool",
                "secagg-test-client",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
