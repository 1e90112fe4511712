import CFuzzerDriver

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The signature of a libFuzzer test callback: called with each input; returns 0 (other values are reserved).
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer's driver with the process arguments and `callback`; returns its exit status.
///
/// Each fuzz target's `<Target>_main` entry point calls this: SwiftPM links executables with
/// `main = <Target>_main`, so libFuzzer's own `main` is never used.
public func runFuzzer(
    argc: CInt, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, callback: FuzzCallback
) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, callback)
}

/// A copy of the fuzzer's input as bytes (an empty input may come with a nil pointer).
public func fuzzInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
    guard let start, count > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: start, count: count))
}

/// Stops the process (a finding for libFuzzer) when a decoder's own invariant fails, e.g. a round trip.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        let line = Array("fuzz invariant violated: \(message())\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }  // unbuffered, survives abort()
        abort()
    }
}
