/// The local-noise sampler of an encoder, built once from ``LocalNoise``.
enum NoiseSource: Sendable {
    case none
    case discreteGaussian(DiscreteGaussianSampler)
    case skellam(SkellamSampler)

    init(_ noise: LocalNoise) throws(DPNoiseError.Encoding) {
        do throws(DPNoiseError.Sampler) {
            switch noise {
            case .none: self = .none
            case .discreteGaussian(let n, let d):
                self = .discreteGaussian(try DiscreteGaussianSampler(varianceNumerator: n, varianceDenominator: d))
            case .skellam(let n, let d):
                self = .skellam(try SkellamSampler(varianceNumerator: n, varianceDenominator: d))
            }
        } catch {
            throw .noise(error)
        }
    }

    /// Adds one independent noise draw to every element of `values`.
    func add(to values: UnsafeMutableBufferPointer<Int64>, _ words: inout RandomWords) {
        switch self {
        case .none: return
        case .discreteGaussian(let sampler):
            for i in values.indices { values[i] &+= sampler.next(&words) }
        case .skellam(let sampler):
            sampler.forEachSample(values.count, &words) { values[$0] &+= $1 }
        }
    }
}

extension LocalNoise {
    /// Checks that the exact samplers can draw this noise (σ of a discrete Gaussian at most 2^21 integer units,
    /// Skellam within the Poisson sampler's range), so a planner can refuse a round up front instead of failing
    /// inside it.
    /// - Throws: ``DPNoiseError/Encoding/noise(_:)`` naming the sampler's refusal.
    public func checkSamplable() throws(DPNoiseError.Encoding) {
        _ = try NoiseSource(self)
    }
}
