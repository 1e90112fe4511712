import FedCore

/// The one warning `simulate` and `serve` print (stderr, also with `--json`) when the last round's average is
/// mostly noise: the expected noise norm exceeds the clip, so the update the model received is mostly noise.
enum NoiseWarning {
    static func printIfNoiseDominates(round: Int, noiseStddev: Double, survivors: Int, dimension: Int, clip: Double) {
        let assessment = NoiseToSignal(noiseStddev: noiseStddev, dimension: dimension, clip: clip, survivors: survivors)
        if let text = assessment.warning(round: round) { printError("secagg-tool: warning: \(text)") }
    }
}
