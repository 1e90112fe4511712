import Foundation
import Sodium
import SecAggTestSupport
import Testing
import FedCore

/// Property tests of FedCore's decoders of untrusted bytes (the same decoders Scripts/fuzz.sh fuzzes):
/// thousands of seeded random byte strings and mutations of valid encodings. Each decoder must return a
/// value or throw its typed error (a trap would crash the test process); what it accepts must satisfy the
/// format's invariants and re-encode to an equal value; valid encodings must round-trip exactly.
@Suite struct DecoderPropertyTests {
    /// The error's case name, to check that mutations reach several distinct validation steps.
    static func caseName(_ error: some Error) -> String {
        Mirror(reflecting: error).children.first?.label ?? String(describing: error)
    }

    /// Fixed public Ed25519 keys for registries (seeds 1…9 repeated; tests only).
    static let keys: [Ed25519.PublicKey] = (1...9).compactMap { byte in
        try? Ed25519.SecretKey(seed: SecureBytes(copying: [UInt8](repeating: UInt8(byte), count: 32))).publicKey
    }

    // MARK: Safetensors

    /// A random valid safetensors image (1–4 tensors of random float/int dtypes, some empty, some scalars).
    static func validSafetensors(_ m: inout ByteMutator) throws -> (Data, [WritableTensor]) {
        let dtypes: [TensorDType] = [.f64, .f32, .f16, .bf16, .i64, .u8, .bool]
        var tensors: [WritableTensor] = []
        for i in 0..<m.int(in: 1...4) {
            let dtype = dtypes[m.int(in: 0...(dtypes.count - 1))]
            let shape = (0..<m.int(in: 0...2)).map { _ in m.int(in: 0...3) }
            let count = shape.reduce(1, *)
            let payload: WritableTensor.Payload =
                dtype == .f64 ? .values((0..<count).map { _ in Double(m.int(in: -1000...1000)) / 8 })
                : .raw(Data((0..<(count * dtype.byteSize)).map { _ in UInt8(m.int(in: 0...1)) }))
            tensors.append(WritableTensor(name: "t\(i).\(dtype.rawValue)", dtype: dtype, shape: shape, payload: payload))
        }
        return (try SafetensorsWriter.encode(tensors, metadata: ["k": "v\(m.int(in: 0...9))"]), tensors)
    }

    /// Decodes `bytes`; returns nil when refused, else a list of violated invariants (empty when sound).
    static func checkSafetensors(_ bytes: Data) -> (accepted: Bool, error: String?, violations: [String]) {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(bytes: bytes, name: "prop")
        } catch {
            return (false, caseName(error), [])
        }
        var violations: [String] = []
        let headerLength = bytes.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        let covered = file.tensors.reduce(0) { $0 + $1.dataRange.count }
        if covered != bytes.count - 8 - headerLength { violations.append("tensors cover \(covered) data bytes") }
        for t in file.tensors {
            if t.dataRange.count != t.elementCount * t.dtype.byteSize { violations.append("\(t.name): range vs shape") }
            if t.dtype.isAggregated, (try? file.values(of: t, allowNonFinite: true))?.count != t.elementCount {
                violations.append("\(t.name): float tensor not readable")
            }
        }
        return (true, nil, violations)
    }

    @Test func safetensorsValidEncodingsRoundTrip() throws {
        var m = ByteMutator(seed: 0x5AFE)
        for _ in 0..<300 {
            let (bytes, tensors) = try Self.validSafetensors(&m)
            let file = try SafetensorsFile(bytes: bytes, name: "prop")
            #expect(file.metadata["k"]?.hasPrefix("v") == true)
            #expect(Set(file.tensors.map(\.name)) == Set(tensors.map(\.name)))
            for written in tensors {
                let read = try #require(file.tensor(named: written.name))
                #expect(read.shape == written.shape && read.dtype == written.dtype)
                switch written.payload {
                case .values(let values): #expect(try file.values(of: read) == values)
                case .raw(let raw): #expect(file.rawBytes(of: read) == raw)
                case .flat(let flat, let offset):
                    #expect(try file.values(of: read) == Array(flat.doubles[offset..<offset + read.elementCount]))
                }
            }
        }
    }

    @Test func safetensorsDecoderRefusesOrAcceptsSoundlyOnHostileBytes() throws {
        var m = ByteMutator(seed: 0xF022)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        for i in 0..<4000 {
            let bytes: Data
            switch i % 4 {
            case 0:  // raw noise
                bytes = Data(m.randomBytes(maxCount: 64))
            case 1:  // a plausible length prefix over noise
                let body = m.randomBytes(maxCount: 48)
                bytes = Data(withUnsafeBytes(of: UInt64(m.int(in: 0...body.count)).littleEndian) { Array($0) } + body)
            default:  // mutations of valid files
                bytes = Data(m.mutate(Array(try Self.validSafetensors(&m).0)))
            }
            let outcome = Self.checkSafetensors(bytes)
            if outcome.accepted { accepted += 1 }
            if let e = outcome.error { errors.insert(e) }
            violations += outcome.violations
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors.count >= 6, "mutations reached only \(errors.sorted())")
    }

    // MARK: Registry

    static func validRegistry(_ m: inout ByteMutator) throws -> Registry {
        let n = m.int(in: 1...(keys.count - 1))
        let clients = (1...n).map { i in
            Registry.Client(id: UInt32(i * m.int(in: 1...3)), signPublicKey: keys[i], revoked: m.int(in: 0...3) == 0)
        }
        let unique = Dictionary(clients.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }).values
        return try Registry(serverPublicKey: keys[0], clients: Array(unique))
    }

    @Test func registryValidEncodingsRoundTrip() throws {
        var m = ByteMutator(seed: 0x4E6)
        for _ in 0..<300 {
            let registry = try Self.validRegistry(&m)
            #expect(try Registry.decode(registry.encoded(), source: "prop") == registry)
        }
    }

    @Test func registryDecoderRefusesOrAcceptsSoundlyOnHostileBytes() throws {
        var m = ByteMutator(seed: 0x4E7)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        for i in 0..<3000 {
            let bytes = i % 5 == 0 ? m.randomBytes(maxCount: 64) : m.mutate(Array(try Self.validRegistry(&m).encoded()))
            do {
                let registry = try Registry.decode(Data(bytes), source: "prop")
                accepted += 1
                if (try? Registry.decode(registry.encoded(), source: "again")) != registry {
                    violations.append("accepted registry does not round-trip")
                }
                if registry.clients.isEmpty || registry.clients.contains(where: { $0.id == 0 }) {
                    violations.append("accepted registry breaks its invariants")
                }
            } catch {
                errors.insert(Self.caseName(error))
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors.count >= 4, "mutations reached only \(errors.sorted())")
    }

    // MARK: Privacy ledger

    static func validLedger(_ m: inout ByteMutator) -> (Data, [LedgerRecord]) {
        var records: [LedgerRecord] = []
        for round in 1...m.int(in: 1...5) {
            records.append(.roundCharged(RoundCharged(
                round: round, mechanism: "ddgauss", noiseMultiplier: Double(m.int(in: 1...300)) / 100,
                clients: m.int(in: 2...100), minSurvivors: 2, samplingRate: 1, dimension: 1 << m.int(in: 4...20),
                clip: 1.5, bits: m.int(in: 8...32), scale: 1e-3, localVarianceNumerator: UInt64(m.int(in: 1...1 << 40)),
                localVarianceDenominator: 1 << 20, delta: 1e-5, epsilonRound: 0.25, epsilonCumulative: 0.25 * Double(round),
                timestamp: "2026-01-01T00:00:00.000Z")))
            records.append(
                m.int(in: 0...1) == 0
                    ? .roundCompleted(RoundCompleted(round: round, survivors: 2, survivorIds: [1, 2], outputHash: "ab", timestamp: nil))
                    : .roundFailed(RoundFailed(round: round, reason: "dropouts \(round)", charged: true, timestamp: "t")))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var text = Data(#"{"format":"secagg-ledger","version":1}"#.utf8) + [0x0A]
        for r in records { text += ((try? encoder.encode(r)) ?? Data()) + [0x0A] }
        return (text, records)
    }

    @Test func ledgerValidEncodingsRoundTripAndTruncationsYieldPrefixes() throws {
        var m = ByteMutator(seed: 0x1ED6)
        for _ in 0..<200 {
            let (bytes, records) = Self.validLedger(&m)
            let parsed = try PrivacyLedger.parse(bytes, file: "prop")
            #expect(parsed.records == records && parsed.tornTailByteCount == 0)
            // A crash mid-append leaves a prefix: it parses to a prefix of the records plus a torn tail.
            let cut = m.int(in: 0...bytes.count)
            let prefix = Data(bytes.prefix(cut))
            let lastNewline = prefix.lastIndex(of: 0x0A)
            let headerEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
            if cut <= headerEnd {
                #expect(throws: FedCoreError.Ledger.missingHeader(file: "prop")) { try PrivacyLedger.parse(prefix, file: "prop") }
            } else {
                let torn = try PrivacyLedger.parse(prefix, file: "prop")
                #expect(torn.records == Array(records.prefix(torn.records.count)))
                #expect(torn.tornTailByteCount == cut - ((lastNewline ?? -1) + 1))
            }
        }
    }

    @Test func ledgerParserRefusesOrAcceptsSoundlyOnHostileBytes() throws {
        var m = ByteMutator(seed: 0x1ED7)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        let encoder = JSONEncoder()
        for i in 0..<3000 {
            let bytes = i % 5 == 0 ? Data(m.randomBytes(maxCount: 64)) : Data(m.mutate(Array(Self.validLedger(&m).0)))
            do {
                let contents = try PrivacyLedger.parse(bytes, file: "prop")
                accepted += 1
                var again = (try encoder.encode(contents.header)) + [0x0A]
                for r in contents.records { again += (try encoder.encode(r)) + [0x0A] }
                let reparsed = try? PrivacyLedger.parse(again, file: "again")
                if reparsed?.records != contents.records || reparsed?.header != contents.header {
                    violations.append("accepted ledger does not round-trip")
                }
                if contents.tornTailByteCount >= bytes.count { violations.append("torn tail larger than input") }
            } catch let error as FedCoreError.Ledger {
                errors.insert(Self.caseName(error))
            } catch {
                violations.append("accepted ledger does not re-encode: \(error)")
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors.count >= 4, "mutations reached only \(errors.sorted())")
    }

    // MARK: Identity key files

    @Test func keyFileReaderRefusesOrAcceptsSoundlyOnMutatedFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let secret = try fixedKey(7)
        let plainURL = directory.file("plain.json")
        let sealedURL = directory.file("sealed.json")
        try IdentityKeyFile.write(secretKey: secret, id: 5, role: .client, to: plainURL, passphrase: nil, force: false)
        try IdentityKeyFile.write(
            secretKey: secret, id: 0, role: .server, to: sealedURL, passphrase: SecureBytes(copying: Array("pw".utf8)),
            argon2: cheapArgon2, force: false)
        let plain = try [UInt8](Data(contentsOf: plainURL))
        let sealed = try [UInt8](Data(contentsOf: sealedURL))
        let probe = directory.file("probe.json")
        var m = ByteMutator(seed: 0xCE7)
        var accepted = 0
        var errors: Set<String> = []
        var violations: [String] = []
        for i in 0..<800 {
            let isSealed = i % 3 == 2
            let bytes = i % 10 == 0 ? m.randomBytes(maxCount: 64) : m.mutate(isSealed ? sealed : plain)
            try Data(bytes).write(to: probe)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: probe.path)
            do {
                // No passphrase: encrypted files must stop at passphraseRequired, never run Argon2id here.
                let (file, key) = try IdentityKeyFile.read(from: probe, passphrase: nil)
                accepted += 1
                if isSealed || file.isEncrypted { violations.append("encrypted file opened without a passphrase") }
                if file.publicKey != secret.publicKey || key.publicKey != file.publicKey {
                    violations.append("accepted file carries another key")
                }
                if !file.role.accepts(id: file.id) { violations.append("accepted id \(file.id) for \(file.role)") }
            } catch {
                errors.insert(Self.caseName(error))
            }
        }
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        #expect(accepted > 0)
        #expect(errors.contains("passphraseRequired"))
        #expect(errors.count >= 5, "mutations reached only \(errors.sorted())")
    }

    // MARK: Adversarial shapes the fuzzers reach only rarely

    @Test func deeplyNestedJSONAndOutOfRangeNumbersAreRefusedWithTypedErrors() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let header = Array(deep.utf8)
        let image = TestFiles.safetensors(headerBytes: header, data: [])
        #expect(Self.checkSafetensors(image).error == "invalidHeader")
        let registry = #"{"version":1,"server":"# + deep + "}"
        #expect(throws: FedCoreError.RegistryFile.self) { try Registry.decode(Data(registry.utf8)) }
        let ledgerHeader = #"{"format":"secagg-ledger","version":1}"# + "\n"
        let nested = ledgerHeader + #"{"type":"round_failed","x":"# + deep + #","round":1,"reason":"r","charged":true}"# + "\n"
        #expect(throws: FedCoreError.Ledger.self) { try PrivacyLedger.parse(Data(nested.utf8), file: "deep") }
        // 1e400 overflows Double: refused rather than read as infinity (a ledger must stay re-encodable).
        let (valid, _) = { var m = ByteMutator(seed: 1); return Self.validLedger(&m) }()
        let text = try #require(String(data: valid, encoding: .utf8))
        let infinite = text.replacingOccurrences(of: #""epsilon_round":0.25"#, with: #""epsilon_round":1e400"#)
        #expect(infinite != text)
        #expect(throws: FedCoreError.Ledger.self) { try PrivacyLedger.parse(Data(infinite.utf8), file: "inf") }
    }

    // MARK: Fuzz seed corpus

    /// Fuzz/Corpus, found from this source file's path.
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func seeds(_ target: String) throws -> [(String, Data)] {
        let dir = corpus.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            ($0, try Data(contentsOf: dir.appendingPathComponent($0)))
        }
    }

    @Test func everyCheckedInFuzzSeedIsAValidEncoding() throws {
        let safetensors = try Self.seeds("FuzzSafetensors")
        #expect(!safetensors.isEmpty)
        for (name, bytes) in safetensors { #expect(Self.checkSafetensors(bytes) == (true, nil, []), "\(name)") }
        for (name, bytes) in try Self.seeds("FuzzRegistry") {
            #expect(throws: Never.self, "\(name)") { try Registry.decode(bytes, source: name) }
        }
        for (name, bytes) in try Self.seeds("FuzzLedger") {
            #expect(throws: Never.self, "\(name)") { try PrivacyLedger.parse(bytes, file: name) }
        }
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        for (name, bytes) in try Self.seeds("FuzzKeyFile") {
            let url = directory.file(name)
            try bytes.write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            if name.hasPrefix("encrypted") {
                #expect(throws: FedCoreError.KeyFile.passphraseRequired(path: url.path)) {
                    try IdentityKeyFile.read(from: url, passphrase: nil)
                }
            } else {
                #expect(throws: Never.self, "\(name)") { try IdentityKeyFile.read(from: url, passphrase: nil) }
            }
        }
    }
}
