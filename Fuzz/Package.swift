// swift-tools-version:6.0
import Foundation
import PackageDescription

// libFuzzer targets for every decoder of untrusted bytes. Built only by Scripts/fuzz.sh, with
// `-sanitize=fuzzer,address -parse-as-library`: each target defines `LLVMFuzzerTestOneInput` and a
// `<Target>_main` entry point (SwiftPM links executables with `main = <Target>_main`) that hands control
// to libFuzzer's driver. Not part of the root package, so `swift build` / `swift test` never see them.

// SwiftPM names a path dependency by its directory's last component (lower-cased), so the root package's
// identity depends on the checkout's directory name; compute it instead of assuming "secagg".
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().standardizedFileURL
let rootIdentity = root.lastPathComponent.lowercased()

let package = Package(
    name: "secagg-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // The root package's own dependency (same identity, so one copy): the wire targets decode protobuf bytes.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // Declares libFuzzer's `LLVMFuzzerRunDriver` (the runtime itself comes from -sanitize=fuzzer).
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"]),
        fuzzTarget("FuzzSafetensors", "FedCore"),
        fuzzTarget("FuzzBitPacking", "SecureAgg"),
        fuzzTarget("FuzzShamirShare", "SecureAgg"),
        fuzzTarget("FuzzKeyFile", "FedCore"),
        fuzzTarget("FuzzRegistry", "FedCore"),
        fuzzTarget("FuzzLedger", "FedCore"),
        fuzzTarget("FuzzAuditRecord", "FedAudit"),
        // gRPC wire messages: protobuf bytes → SecAggTransport's proto → SecureAgg conversions (client side:
        // every server message it decodes; server side: every client message and the masked-input chunks).
        wireTarget("FuzzRoundStart"),
        wireTarget("FuzzKeyBroadcast"),
        wireTarget("FuzzShareBroadcast"),
        wireTarget("FuzzConsistencyRequest"),
        wireTarget("FuzzUnmaskingRequest"),
        wireTarget("FuzzMaskedInputChunks"),
        wireTarget("FuzzClientMessage"),
    ],
    swiftLanguageModes: [.v6]
)

func fuzzTarget(_ name: String, _ library: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: library, package: rootIdentity)]
    )
}

/// A target of the transport's decoders: they are internal to SecAggTransport, so the targets use
/// `@testable import` (the debug build fuzz.sh makes compiles every module with testing enabled).
func wireTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "FuzzSupport", .product(name: "SecAggTransport", package: rootIdentity),
            .product(name: "SecureAgg", package: rootIdentity),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]
    )
}
