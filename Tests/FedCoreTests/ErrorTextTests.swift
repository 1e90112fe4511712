import DPNoise
import Testing

@testable import FedCore
@testable import SecureAgg

/// Every error a user or operator can meet reads as a sentence, never as a Swift enum dump (issue 14.6).
@Suite struct ErrorTextTests {
    static let secureAgg: [SecureAggError] = [
        .invalidParameter("x"), .wrongState(expected: "R1", actual: "R0"), .unsupportedVersion(9),
        .wrongRound(expected: 1, actual: 2), .unknownClient(3), .duplicateClient(3), .wrongReceiver(3),
        .notNeighbour(3), .invalidSignature(client: 3), .sessionIDMismatch, .ownAdvertisementMissing,
        .tooFewClients(phase: .shareKeys, available: 1, required: 2), .tooFewSignatures(valid: 1, required: 6),
        .weakPeerKey(3), .shareDecryptionFailed(sender: 3), .malformedMessage("wrong share kind for 1"),
        .clientInBothSets(3), .requestNamesSelf, .neighbourUnaccounted(3), .survivorListChanged,
        .wrongVectorLength(expected: 4, actual: 5), .inputOutOfRange(index: 2),
        .tooFewShares(client: 1, available: 0, required: 1), .reconstructionMismatch(client: 1),
        .shamir(.zeroX), .bitPacking(.nonZeroPadding),
        .belowSecurityFloor(threshold: 1, required: 2, degree: 2, colluders: 0), .aborted(reason: "r"),
    ]

    static let simulation: [FedCoreError] = [
        .encoding(.noise(.parameterOutOfRange)), .encoding(.roundingAttemptsExhausted(attempts: 3)),
        .roundFailed(round: 1, .tooFewShares(client: 1, available: 0, required: 1)),
        .roundFailed(round: 2, .malformedMessage("wrong share kind for 1")),
        .unprotectedRoundRefused(round: 1, budget: 10), .tooFewSurvivors(round: 1, survivors: 2, required: 3),
        .roundSkipped(round: 3, clients: 1, reason: "has fewer clients than the 18 survivors the noise is planned for"),
    ]

    /// A dump names a type (`DPNoise.DPNoiseError.Sampler.parameterOutOfRange`) or a case with its labels
    /// (`tooFewShares(client: 1, …)`).
    static func looksLikeADump(_ text: String) -> Bool {
        text.contains("Error.") || text.contains("(client:") || text.contains("(phase:") || text.contains("(valid:")
            || text.contains("(expected:") || text.contains("(round:") || text.contains("(index:")
    }

    @Test func secureAggErrorsAreSentences() {
        for e in Self.secureAgg {
            #expect(!Self.looksLikeADump(e.description), "\(e.description)")
            #expect(e.description.count > 12)
        }
        #expect(Set(Self.secureAgg.map(\.description)).count == Self.secureAgg.count)
    }

    @Test func roundErrorsWrappingProtocolAndSamplerErrorsAreSentences() {
        for e in Self.simulation {
            #expect(!Self.looksLikeADump(e.description), "\(e.description)")
        }
        #expect(FedCoreError.encoding(.noise(.parameterOutOfRange)).description.contains("2^21"))
    }

    /// A file's reason reads the same wrapped in ``FedCoreError`` as alone (no prefix, no type name), and bad
    /// files are bad input (exit 2) while refused or failed rounds are exit 1.
    @Test func wrappedReasonsReadAsThemselvesWithTheirExitCode() {
        let reasons: [(FedCoreError, String)] = [
            (.ledger(.missingHeader(file: "l.jsonl")), FedCoreError.Ledger.missingHeader(file: "l.jsonl").description),
            (.layout(.wrongParameterCount(expected: 9, actual: 8)),
             FedCoreError.Layout.wrongParameterCount(expected: 9, actual: 8).description),
            (.safetensors(.unknownDType(file: "m", tensor: "w", dtype: "Q4")),
             FedCoreError.Safetensors.unknownDType(file: "m", tensor: "w", dtype: "Q4").description),
            (.keyFile(.passphraseRequired(path: "k.json")), FedCoreError.KeyFile.passphraseRequired(path: "k.json").description),
            (.registry(.noClients(source: "r.json")), FedCoreError.RegistryFile.noClients(source: "r.json").description),
            (.policy(.noNoise(round: 3)), FedCoreError.Policy.noNoise(round: 3).description),
            (.update(.noUpdates(path: "u")), FedCoreError.Update.noUpdates(path: "u").description),
        ]
        for (wrapped, alone) in reasons {
            #expect(wrapped.description == alone)
            #expect(!Self.looksLikeADump(wrapped.description), "\(wrapped.description)")
            #expect(wrapped.exitCode == 2, "\(wrapped.description)")
        }
        let failedRounds: [FedCoreError] = [
            .roundFailed(round: 1, .sessionIDMismatch), .unprotectedRoundRefused(round: 1, budget: 10),
            .tooFewSurvivors(round: 1, survivors: 2, required: 3), .cohortTooSmall(round: 1, clients: 1, required: 2),
            .budgetExhausted(round: 2, spent: 1, needed: 3, budget: 2), .runExceedsBudget(rounds: 5, spent: 0, needed: 3, budget: 2),
            .roundSkipped(round: 3, clients: 1, reason: "has fewer clients than its minimum"),
        ]
        for failed in failedRounds { #expect(failed.exitCode == 1, "\(failed.description)") }
    }
}
