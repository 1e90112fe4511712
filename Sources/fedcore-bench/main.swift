// fedcore-bench: one full in-process round (SecAgg masking + DP encoding + decoding) on a real model with
// synthetic client updates; prints stage shares, wall/CPU time and peak RSS against the model's float bytes.
//
//   swift run -c release fedcore-bench [--model PATH] [--clients 10] [--no-dp] [--json]
import FedCore
import Foundation

struct Options {
    var model = (ProcessInfo.processInfo.environment["SECAGG_CACHE"]
        ?? (NSHomeDirectory() + "/.cache/secagg")) + "/all-MiniLM-L6-v2/model.safetensors"
    var clients = 10
    var dp = true
    var json = false
    var seed: UInt64 = 1
}

func parse() -> Options? {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    while let a = args.popFirst() {
        switch a {
        case "--model": guard let v = args.popFirst() else { return nil }; o.model = v
        case "--clients": guard let v = args.popFirst().flatMap({ Int($0) }), v >= 2 else { return nil }; o.clients = v
        case "--seed": guard let v = args.popFirst().flatMap({ UInt64($0) }) else { return nil }; o.seed = v
        case "--no-dp": o.dp = false
        case "--json": o.json = true
        default: return nil
        }
    }
    return o
}

/// getrusage(RUSAGE_SELF) on either platform (Glibc imports the constant as an enum).
func selfUsage() -> rusage {
    var u = rusage()
    #if os(Linux)
    getrusage(RUSAGE_SELF.rawValue, &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    return u
}

func cpuSeconds() -> Double {
    let u = selfUsage()
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) * 1e-6 + Double(u.ru_stime.tv_sec)
        + Double(u.ru_stime.tv_usec) * 1e-6
}

/// Peak resident set size in bytes (ru_maxrss is KiB on Linux, bytes on macOS).
func peakRSSBytes() -> Double {
    let u = selfUsage()
    #if os(Linux)
    return Double(u.ru_maxrss) * 1024
    #else
    return Double(u.ru_maxrss)
    #endif
}

struct Result: Encodable {
    let round_s: Double
    let cpu_s: Double
    let read_share: Double
    let encode_share: Double
    let mask_share: Double
    let sum_share: Double
    let unmask_share: Double
    let decode_share: Double
    let peak_rss_mb: Double
    let model_float_mb: Double
    let peak_to_model_ratio: Double
    let clients: Int
    let survivors: Int
    let dp: Bool
    let bits: Int
    let max_abs_error: Double
    let error_bound: Double
}

func run(_ o: Options) throws -> Result {
    // The model as Float straight from the mapped file (unmapped when the closure returns), later handed over
    // with `consume` so the simulation holds the only reference (a second one makes the first update copy it).
    let (parameters, layout) = try { () throws -> (FlatParameters, ModelLayout) in
        let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: o.model))
        let layout = try ModelLayout(file: file)
        return (try FlatParameters(file: file, layout: layout), layout)
    }()
    var settings = SimulationSettings()
    settings.rounds = 1
    settings.seed = o.seed
    settings.noise = o.dp ? .targetEpsilon(8) : .none
    settings.dropoutFraction = 0.1
    let source = SyntheticUpdateSource(updates: SyntheticUpdates(layout: layout, seed: o.seed), clients: o.clients)
    var simulation = try FederatedSimulation(
        settings: settings, parameters: consume parameters, source: source, ledger: nil)
    let cpuStart = cpuSeconds()
    let wallStart = ContinuousClock.now
    let reports = try simulation.run()
    let wall = RoundTimings.seconds(ContinuousClock.now - wallStart)
    let cpu = cpuSeconds() - cpuStart
    guard let t = simulation.lastRoundTimings, let report = reports.first else {
        throw CocoaError(.featureUnsupported)
    }
    let modelFloatBytes = Double(layout.parameterCount * 4)
    let peak = peakRSSBytes()
    return Result(
        round_s: wall, cpu_s: cpu, read_share: t.share(t.read), encode_share: t.share(t.encode), mask_share: t.share(t.mask),
        sum_share: t.share(t.sum), unmask_share: t.share(t.unmask), decode_share: t.share(t.decode),
        peak_rss_mb: peak / 1e6, model_float_mb: modelFloatBytes / 1e6, peak_to_model_ratio: peak / modelFloatBytes,
        clients: o.clients, survivors: report.survivors, dp: o.dp, bits: report.bits,
        max_abs_error: report.maxAbsError, error_bound: report.errorBound)
}

guard let options = parse() else {
    FileHandle.standardError.write(Data("usage: fedcore-bench [--model PATH] [--clients N≥2] [--seed S] [--no-dp] [--json]\n".utf8))
    exit(2)
}
do {
    let r = try run(options)
    if options.json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(r), as: UTF8.self))
    } else {
        func pct(_ x: Double) -> String { String(format: "%5.1f %%", 100 * x) }
        print("round on \(options.model): \(r.clients) clients (\(r.survivors) survivors), DP \(r.dp ? "on" : "off"), \(r.bits) bits")
        print(String(format: "round %.2f s wall, %.2f s CPU", r.round_s, r.cpu_s))
        print("  read updates \(pct(r.read_share))  encode \(pct(r.encode_share))  mask \(pct(r.mask_share))  sum \(pct(r.sum_share))  unmask \(pct(r.unmask_share))  decode \(pct(r.decode_share))")
        print(String(format: "peak RSS %.1f MB = %.2f × the model's float bytes (%.1f MB); target < 4",
                     r.peak_rss_mb, r.peak_to_model_ratio, r.model_float_mb))
        print(String(format: "max |error| %.3g (bound %.3g without noise)", r.max_abs_error, r.error_bound))
    }
} catch {
    FileHandle.standardError.write(Data("fedcore-bench: \(error)\n".utf8))
    exit(1)
}
