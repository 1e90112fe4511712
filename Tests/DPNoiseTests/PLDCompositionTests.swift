import Foundation
import Testing
@testable import DPNoise

/// The FFT and the composition kernels against direct definitions.
@Suite struct PLDCompositionTests {
    @Test func fftMatchesTheDiscreteFourierTransform() {
        // 8192 exceeds the cache block (4096), so the whole-array stages run too; there only some frequencies.
        for n in [1, 2, 8, 64, 256, 1 << 13] {
            var re = (0..<n).map { Foundation.sin(Double($0) * 0.37) + 0.1 * Double($0 % 3) }
            var im = (0..<n).map { Foundation.cos(Double($0) * 1.3) }
            let (inputRe, inputIm) = (re, im)
            let fft = FourierTransform(length: n)
            fft.forward(re: &re, im: &im)
            var worst = 0.0
            let frequencies = n <= 256 ? Array(0..<n) : [0, 1, 2, 3, 1234, n / 2, n / 2 + 1, n - 1]
            for k in frequencies {
                var (sr, si) = (0.0, 0.0)
                for j in 0..<n {
                    let angle = -2 * Double.pi * Double(j * k % n) / Double(n)
                    sr += inputRe[j] * Foundation.cos(angle) - inputIm[j] * Foundation.sin(angle)
                    si += inputRe[j] * Foundation.sin(angle) + inputIm[j] * Foundation.cos(angle)
                }
                let p = fft.position(ofFrequency: k)
                worst = max(worst, abs(sr - re[p]), abs(si - im[p]))
            }
            #expect(worst < 1e-9 * Double(n), "n = \(n): worst DFT difference \(worst)")
            fft.inverse(re: &re, im: &im)
            for k in 0..<n {
                #expect(abs(re[k] - inputRe[k]) < 1e-12 && abs(im[k] - inputIm[k]) < 1e-12)
            }
        }
    }

    /// T-fold self-composition by one FFT power equals T − 1 direct convolutions (no truncation).
    @Test func selfCompositionMatchesRepeatedDirectConvolution() throws {
        let a = PrivacyLossPMF(discretization: 0.1, lowerIndex: -2, masses: [0.1, 0.5, 0.25, 0.0, 0.1],
                               infinityMass: 0.05)
        let b = PrivacyLossPMF(discretization: 0.1, lowerIndex: 1, masses: [0.6, 0.3, 0.1], infinityMass: 0)
        let times = 7
        let fast = try PLDComposition.selfCompose([a, b], times: times, tailBound: 0)
        for (index, pmf) in [a, b].enumerated() {
            var direct = pmf
            for _ in 1..<times { direct = try PLDComposition.compose(direct, pmf, tailBound: 0) }
            let composed = fast[index]
            #expect(composed.lowerIndex == direct.lowerIndex)
            #expect(composed.masses.count == direct.masses.count)
            for (x, y) in zip(composed.masses, direct.masses) { #expect(abs(x - y) < 1e-14) }
            #expect(abs(composed.infinityMass - direct.infinityMass) < 1e-14)
        }
    }

    /// The FFT path of pairwise composition (large supports) equals the direct convolution.
    @Test func largeCompositionMatchesDirectConvolution() throws {
        func pmf(_ n: Int, _ seed: Double, _ lower: Int) -> PrivacyLossPMF {
            var masses = (0..<n).map { 1 + Foundation.sin(Double($0) * seed) }
            let total = masses.reduce(0, +)
            masses = masses.map { 0.9 * $0 / total }
            return PrivacyLossPMF(discretization: 0.01, lowerIndex: lower, masses: masses, infinityMass: 0.1)
        }
        let (a, b) = (pmf(300, 0.3, -7), pmf(400, 1.1, 3))
        let fast = try PLDComposition.compose(a, b, tailBound: 0)
        var direct = [Double](repeating: 0, count: 699)
        for (i, x) in a.masses.enumerated() { for (j, y) in b.masses.enumerated() { direct[i + j] += x * y } }
        #expect(fast.lowerIndex == -4 && fast.masses.count == 699)
        var worst = 0.0
        for (x, y) in zip(fast.masses, direct) { worst = max(worst, abs(x - y)) }
        #expect(worst < 1e-15, "worst \(worst)")
        #expect(abs(fast.infinityMass - 0.19) < 1e-15)
    }

    /// Truncation is pessimistic: δ never decreases, and the truncated mass is within the bound.
    @Test func truncationOnlyMovesMassUpwards() {
        var masses: [Double] = []
        for k in 0..<100 {
            let d = Double(k - 50)
            masses.append(Foundation.exp(-0.5 * d * d / 100) / 25.066282746310005)
        }
        let pmf = PrivacyLossPMF(discretization: 0.01, lowerIndex: -50, masses: masses, infinityMass: 0)
        let cut = pmf.truncatingTails(bound: 1e-6)
        #expect(cut.masses.count < pmf.masses.count)
        #expect(cut.infinityMass <= 5e-7)
        for epsilon in stride(from: 0.0, through: 0.6, by: 0.05) {
            #expect(cut.delta(epsilon: epsilon) >= pmf.delta(epsilon: epsilon))
        }
    }
}
