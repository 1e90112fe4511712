/// DPNoise's one error type. Its reasons are nested enums: ``DPNoiseError/Accounting`` (the accountants, the
/// distributed-DP parameters, calibration), ``DPNoiseError/Sampler`` (the exact samplers) and
/// ``DPNoiseError/Encoding`` (the encoder and decoder). A function that can fail for one reason only throws that
/// nested enum (typed throws); ``DPNoiseError`` wraps it where reasons meet. ``description`` is the sentence a
/// user reads; no case carries secret material (noise, seeds or inputs).
public enum DPNoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The accountant refused its parameters or could not calibrate.
    case accounting(Accounting)
    /// A noise sampler refused its parameters.
    case sampler(Sampler)
    /// The encoder or decoder refused its parameters or input.
    case encoding(Encoding)

    public var description: String {
        switch self {
        case .accounting(let e): e.description
        case .sampler(let e): e.description
        case .encoding(let e): e.description
        }
    }
}
