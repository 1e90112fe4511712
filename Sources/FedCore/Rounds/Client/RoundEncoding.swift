import DPNoise

/// The encoding a round announces (clip, scale, bits, rotation seed, noise): DPNoise's ``EncodingParameters``,
/// named here so a transport can carry it without depending on DPNoise itself.
public typealias RoundEncoding = EncodingParameters

/// The local noise a round's encoding adds (DPNoise's ``LocalNoise``), for the same reason.
public typealias RoundNoise = LocalNoise
