import FedCore
import Foundation
import SecureAgg

/// What a client learns from ``Secagg_V1_RoundStart``: the public round parameters, checked for internal
/// consistency (the client then checks them against its own registry and update).
struct AnnouncedRound: Sendable, Equatable {
    static let currentVersion: UInt32 = 1
    var round: UInt64
    var totalRounds: Int
    var cohort: [UInt32]
    var degree: Int
    var threshold: Int
    var bits: Int
    var vectorLength: Int
    var registryHash: [UInt8]
    var layoutHash: String
    var encoding: RoundEncoding
    var minSurvivors: Int
    var phaseTimeoutMillis: UInt32
    /// Weighted rounds: how the example count follows the update (vectorLength = padded dimension + limbs).
    var weights: ExampleCountLimbs?

    init(
        round: UInt64, totalRounds: Int, cohort: [UInt32], degree: Int, threshold: Int, bits: Int, vectorLength: Int,
        registryHash: [UInt8], layoutHash: String, encoding: RoundEncoding, minSurvivors: Int,
        phaseTimeoutMillis: UInt32, weights: ExampleCountLimbs? = nil
    ) {
        self.round = round
        self.totalRounds = totalRounds
        self.cohort = cohort
        self.degree = degree
        self.threshold = threshold
        self.bits = bits
        self.vectorLength = vectorLength
        self.registryHash = registryHash
        self.layoutHash = layoutHash
        self.encoding = encoding
        self.minSurvivors = minSurvivors
        self.phaseTimeoutMillis = phaseTimeoutMillis
        self.weights = weights
    }

    /// The wire form of the orchestrator's announcement, with the server's phase deadline.
    init(_ a: RoundAnnouncement, phaseTimeoutMillis: UInt32) {
        let c = a.configuration
        self.init(
            round: c.round, totalRounds: a.totalRounds, cohort: c.cohort, degree: c.degree, threshold: c.threshold,
            bits: c.bits, vectorLength: c.vectorLength, registryHash: c.registryHash, layoutHash: a.layoutHash,
            encoding: a.encoding, minSurvivors: a.minSurvivors, phaseTimeoutMillis: phaseTimeoutMillis,
            weights: a.weights)
    }

    /// - Parameter maxClients: the registry's client count (no cohort may be larger).
    init(proto m: Secagg_V1_RoundStart, maxClients: Int) throws(TransportError) {
        guard m.version == Self.currentVersion else {
            throw .unsupportedMessageVersion(what: "RoundStart", version: m.version)
        }
        let cohort = try ProtoFields.sortedIDs(m.cohort, atMost: maxClients, what: "cohort")
        guard cohort.count >= 2 else { throw .malformed("cohort of \(cohort.count)") }
        guard m.degree >= 1, Int(m.degree) < cohort.count else { throw .malformed("degree \(m.degree)") }
        guard m.threshold >= 1, m.threshold <= m.degree else { throw .malformed("threshold \(m.threshold)") }
        guard (1...32).contains(m.bits) else { throw .malformed("bits \(m.bits)") }
        guard m.vectorLength >= 1, m.vectorLength <= UInt64(RoundConfiguration.maxVectorLength) else {
            throw .malformed("vector length \(m.vectorLength)")
        }
        guard m.minSurvivors >= 1, Int(m.minSurvivors) <= cohort.count else {
            throw .malformed("min survivors \(m.minSurvivors)")
        }
        guard m.totalRounds >= 1, m.round >= 1 else { throw .malformed("round \(m.round) of \(m.totalRounds)") }
        guard m.layoutHash.utf8.count == 64 else { throw .malformed("layout hash") }
        let encoding = try RoundEncoding(proto: m.encoding)
        var weights: ExampleCountLimbs?
        if m.maxWeight > 0 {
            do { weights = try ExampleCountLimbs(clients: cohort.count, bits: Int(m.bits), maxWeight: Int(m.maxWeight)) }
            catch { throw .malformed("max weight \(m.maxWeight): \(error)") }
        }
        guard encoding.bits == Int(m.bits),
            encoding.paddedDimension + (weights?.limbCount ?? 0) == Int(m.vectorLength)
        else {
            throw .malformed("encoding parameters disagree with the round's bits or vector length")
        }
        self.init(
            round: m.round, totalRounds: Int(m.totalRounds), cohort: cohort, degree: Int(m.degree),
            threshold: Int(m.threshold), bits: Int(m.bits), vectorLength: Int(m.vectorLength),
            registryHash: try ProtoFields.bytes(Array(m.registryHash), count: 32, what: "registry_hash"),
            layoutHash: m.layoutHash, encoding: encoding, minSurvivors: Int(m.minSurvivors),
            phaseTimeoutMillis: m.phaseTimeoutMillis, weights: weights)
    }

    var proto: Secagg_V1_RoundStart {
        var m = Secagg_V1_RoundStart()
        m.version = Self.currentVersion
        m.round = round
        m.totalRounds = UInt32(clamping: totalRounds)
        m.cohort = cohort
        m.degree = UInt32(clamping: degree)
        m.threshold = UInt32(clamping: threshold)
        m.bits = UInt32(clamping: bits)
        m.vectorLength = UInt64(vectorLength)
        m.registryHash = Data(registryHash)
        m.layoutHash = layoutHash
        m.encoding = encoding.proto
        m.minSurvivors = UInt32(clamping: minSurvivors)
        m.phaseTimeoutMillis = phaseTimeoutMillis
        m.maxWeight = UInt32(clamping: weights?.maxWeight ?? 0)
        return m
    }
}

extension RoundEncoding {
    init(proto m: Secagg_V1_EncodingParameters) throws(TransportError) {
        guard m.formatVersion == UInt32(RoundEncoding.formatVersion) else {
            throw .unsupportedMessageVersion(what: "EncodingParameters", version: m.formatVersion)
        }
        guard m.dimension >= 1, m.dimension <= UInt64(RoundConfiguration.maxVectorLength) else {
            throw .malformed("dimension \(m.dimension)")
        }
        let noise: RoundNoise
        switch m.noise {
        case .noiseNone: noise = .none
        case .noiseDiscreteGaussian:
            noise = .discreteGaussian(
                varianceNumerator: m.varianceNumerator, varianceDenominator: m.varianceDenominator)
        case .noiseSkellam:
            noise = .skellam(varianceNumerator: m.varianceNumerator, varianceDenominator: m.varianceDenominator)
        case .UNRECOGNIZED(let raw): throw .malformed("noise kind \(raw)")
        }
        if noise != .none, m.varianceDenominator == 0 { throw .malformed("noise variance denominator 0") }
        guard m.maxRoundingAttempts >= 1, m.maxRoundingAttempts <= 100_000 else {
            throw .malformed("max rounding attempts \(m.maxRoundingAttempts)")
        }
        self.init(
            dimension: Int(m.dimension), blockSize: Int(m.blockSize), l2Clip: m.l2Clip, scale: m.scale,
            bits: Int(m.bits), beta: m.beta, roundSeed: Array(m.roundSeed), noise: noise,
            maxRoundingAttempts: Int(m.maxRoundingAttempts))
        do { try validate() } catch { throw .malformed("encoding parameters: \(error)") }
    }

    var proto: Secagg_V1_EncodingParameters {
        var m = Secagg_V1_EncodingParameters()
        m.formatVersion = UInt32(formatVersion)
        m.dimension = UInt64(dimension)
        m.blockSize = UInt32(clamping: blockSize)
        m.l2Clip = l2Clip
        m.scale = scale
        m.bits = UInt32(clamping: bits)
        m.beta = beta
        m.roundSeed = Data(roundSeed)
        switch noise {
        case .none: m.noise = .noiseNone
        case .discreteGaussian(let n, let d):
            m.noise = .noiseDiscreteGaussian
            m.varianceNumerator = n
            m.varianceDenominator = d
        case .skellam(let n, let d):
            m.noise = .noiseSkellam
            m.varianceNumerator = n
            m.varianceDenominator = d
        }
        m.maxRoundingAttempts = UInt32(clamping: maxRoundingAttempts)
        return m
    }
}
