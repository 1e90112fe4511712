import DPNoise
import Dispatch
import Foundation

/// The PLD accountant cases timed against dp-accounting (Benchmarks/pld-vs-dp-accounting.sh): ε of T rounds of
/// the Poisson-subsampled Gaussian at δ = 1e-5 with dp-accounting's default grid (1e-4).
let pldCases: [(q: Double, z: Double, steps: Int)] = [(0.001, 1, 2000), (0.01, 1, 10000)]

/// CPU seconds used by this process so far (all threads).
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Per case: ε, median wall ms and median CPU ms of one full accountant run (PLD build, composition, ε).
func pldResults(repetitions: Int) throws -> [String: Double] {
    var result: [String: Double] = [:]
    for c in pldCases {
        let key = "pld_q\(c.q)_z\(c.z)_T\(c.steps)"
        var epsilon = 0.0
        var walls: [Double] = []
        var cpus: [Double] = []
        for _ in 0..<repetitions {
            let cpu = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            epsilon = try PLDAccountant.epsilon(noiseMultiplier: c.z, samplingRate: c.q, steps: c.steps,
                                                delta: 1e-5).epsilon
            walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpus.append((processCPUSeconds() - cpu) * 1000)
        }
        walls.sort()
        cpus.sort()
        result[key + "_epsilon"] = epsilon
        result[key + "_ms"] = walls[walls.count / 2]
        result[key + "_cpu_ms"] = cpus[cpus.count / 2]
    }
    return result
}
