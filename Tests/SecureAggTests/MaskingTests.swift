import Sodium
import Testing

@testable import SecureAgg

@Suite struct MaskingTests {
    static func seed(_ s: UInt64) -> MaskSeed {
        var rng = ChaChaRandom.seeded(s)
        return MaskSeed.random(using: &rng)
    }

    @Test func expansionEqualsTheDocumentedChaCha20StreamAcrossChunks() {
        let seed = Self.seed(1)
        let m = MaskExpansion.chunkWords * 2 + 37
        var vector = [UInt32](repeating: 0, count: m)
        vector.withUnsafeMutableBufferPointer {
            MaskExpansion.apply([MaskTerm(seed: seed, purpose: .pairwiseMask, negate: false)], to: $0, vectorIndex: 3)
        }
        var nonce = [UInt8](repeating: 0, count: 12)
        nonce[0] = MaskPurpose.pairwiseMask.rawValue
        nonce[4] = 3
        var reference = [UInt32](repeating: 0, count: m)
        reference.withUnsafeMutableBytes {
            ChaCha20.keystream(key: seed.key, nonce: nonce, initialCounter: 0, into: $0)
        }
        #expect(vector == reference.map { UInt32(littleEndian: $0) })
    }

    @Test func purposesAndVectorIndicesUseDistinctNonces() {
        var nonces = Set<[UInt8]>()
        for purpose in [MaskPurpose.selfMask, .pairwiseMask] {
            for index: UInt32 in [0, 1, 2, 0x0100_0000] {
                #expect(nonces.insert(MaskExpansion.nonce(purpose: purpose, vectorIndex: index)).inserted)
            }
        }
    }

    @Test func pairwiseMasksCancelAndSeedsAreSymmetric() throws {
        var rng = ChaChaRandom.seeded(2)
        let session = rng.bytes(count: 32)
        let a = X25519.SecretKey.generate(using: &rng)
        let b = X25519.SecretKey.generate(using: &rng)
        let sab = try KeyDerivation.pairwiseSeed(sessionID: session, me: 4, secretKey: a, peer: 9, peerKey: b.publicKey)
        let sba = try KeyDerivation.pairwiseSeed(sessionID: session, me: 9, secretKey: b, peer: 4, peerKey: a.publicKey)
        #expect(sab == sba)
        let other = try KeyDerivation.pairwiseSeed(
            sessionID: rng.bytes(count: 32), me: 4, secretKey: a, peer: 9, peerKey: b.publicKey)
        #expect(other != sab)  // bound to the session: no reuse across rounds
        var x: [UInt32] = (0..<100).map { UInt32($0) }
        let original = x
        x.withUnsafeMutableBufferPointer {
            MaskExpansion.apply([MaskTerm(seed: sab, purpose: .pairwiseMask, negate: false)], to: $0)
            MaskExpansion.apply([MaskTerm(seed: sba, purpose: .pairwiseMask, negate: true)], to: $0)
        }
        #expect(x == original)
    }

    @Test func lowOrderPeerKeyIsRefused() throws {
        var rng = ChaChaRandom.seeded(3)
        let a = X25519.SecretKey.generate(using: &rng)
        let zero = try X25519.PublicKey(bytes: [UInt8](repeating: 0, count: 32))
        #expect(throws: SecureAggError.weakPeerKey(5)) {
            try KeyDerivation.pairwiseSeed(sessionID: [], me: 1, secretKey: a, peer: 5, peerKey: zero)
        }
    }

    /// χ² over 256 bins of the masked vector's residue (y − x); df = 255, bound 400 (p ≈ 1e-8).
    static func chiSquare(_ values: [UInt32], bins: Int) -> Double {
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[Int(v) % bins] += 1 }
        let expected = Double(values.count) / Double(bins)
        return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    /// `values` with `terms` taken off again (each term applied with the opposite sign), reduced mod 2^bits.
    static func removing(_ terms: [MaskTerm], from values: [UInt32], bits: Int) -> [UInt32] {
        var v = values
        v.withUnsafeMutableBufferPointer {
            MaskExpansion.apply(terms.map { MaskTerm(seed: $0.seed, purpose: $0.purpose, negate: !$0.negate) }, to: $0)
            MaskExpansion.reduce($0, bits: bits)
        }
        return v
    }

    /// What the server holds of a survivor after a round with a dropped neighbour: its masked vector, its self
    /// mask (b_u is reconstructed for every survivor) and its pairwise mask with the dropped client (that
    /// client's masking key is reconstructed). Taking all of that off must still leave a uniform vector —
    /// the pairwise masks with the other, surviving neighbours — and never the survivor's input.
    @Test func survivorsStayUniformAfterTheServerRemovesWhatItLearns() throws {
        let fixture = try Fixture(n: 8, degree: 4, threshold: 3, bits: 8, m: 8192)
        let bits = fixture.configuration.bits
        let m = fixture.configuration.vectorLength
        var h = try Harness(fixture)
        try h.advertise()
        try h.shareKeys()
        let dropped: UInt32 = 3
        // Each client's mask terms (+PRG(b_u) and ±PRG(s_uv) per neighbour), from its state before masking.
        var terms = [UInt32: [MaskTerm]]()
        var droppedSeeds = [UInt32: MaskSeed]()
        for (id, client) in h.clients {
            guard case .r2MaskedInput(let s) = client.state else { Issue.record("client \(id) not in R2"); return }
            terms[id] = try s.maskTerms(senders: s.neighbourKeys.ids)
            if id == dropped {
                for v in s.neighbourKeys.ids { droppedSeeds[v] = s.neighbourKeys.pairwiseSeed(for: v) }
            }
        }
        try h.maskInputs(skip: [dropped])
        try h.checkConsistency()
        let result = try h.unmask()
        // The server really learned those seeds: it removed them and got the survivors' exact sum.
        #expect(result.dropped == [dropped])
        #expect(result.sum == fixture.plainSum(h.inputs, over: result.survivors))

        let affected = h.clients[dropped]!.neighbours
        #expect(affected.count == 4)
        for id in affected {
            let y = try BitPacking.unpack(try #require(h.maskedInputs[id]).packed)
            let x = try #require(h.inputs[id])
            let own = try #require(terms[id])
            let selfTerm = own.filter { $0.purpose == .selfMask }
            #expect(selfTerm.count == 1)
            let droppedSeed = try #require(droppedSeeds[id])
            let learned = selfTerm + own.filter { $0.purpose == .pairwiseMask && $0.seed == droppedSeed }
            #expect(learned.count == 2, "self mask and the pairwise mask with the dropped client")

            // Without the self mask the vector is still not the input …
            let unselfed = Self.removing(selfTerm, from: y, bits: bits)
            #expect(zip(unselfed, x).filter { $0 == $1 }.count < m / 64)  // ≈ m/256 by chance
            // … and without everything the server can compute, the residue is uniform on [0, 2^8).
            let residue = zip(Self.removing(learned, from: y, bits: bits), x).map { ($0 &- $1) & 0xFF }
            #expect(Self.chiSquare(residue, bins: 256) < 400)
            for bit in 0..<8 {
                let ones = residue.reduce(0) { $0 + Int(($1 >> UInt32(bit)) & 1) }
                #expect(abs(ones - m / 2) < 6 * 45)  // 6σ, σ = √(8192/4)
            }
            // Control: the masks the server cannot compute are what keeps it uniform. Removing them too gives
            // the input back exactly, and the statistic fails on it.
            let everything = Self.removing(own, from: y, bits: bits)
            #expect(everything == x)
            #expect(Self.chiSquare(zip(everything, x).map { ($0 &- $1) & 0xFF }, bins: 256) > 400)
        }
        // The statistic can fail on real inputs too: an unmasked input (residue of nothing) is far from uniform.
        let plain = h.inputs[1]!.map { $0 & 0x0F }
        #expect(Self.chiSquare(plain, bins: 256) > 400)
    }
}

@Suite struct MaskAndPackTests {
    static func terms(_ rng: inout ChaChaRandom) -> [MaskTerm] {
        [
            MaskTerm(seed: MaskSeed.random(using: &rng), purpose: .selfMask, negate: false),
            MaskTerm(seed: MaskSeed.random(using: &rng), purpose: .pairwiseMask, negate: true),
            MaskTerm(seed: MaskSeed.random(using: &rng), purpose: .pairwiseMask, negate: false),
        ]
    }

    static func reference(_ input: [UInt32], _ terms: [MaskTerm], bits: Int) -> [UInt8] {
        var reference = input
        reference.withUnsafeMutableBufferPointer {
            MaskExpansion.apply(terms, to: $0)
            MaskExpansion.reduce($0, bits: bits)
        }
        return BitPacking.pack(reference, bits: bits)
    }

    /// Writes `input` in slices of the given sizes (cycled); a restart first writes `garbage` slices.
    static func written(
        _ input: [UInt32], _ terms: [MaskTerm], bits: Int, slices: [Int], restartAfter garbage: Int = 0
    ) throws -> [UInt8] {
        let writer = MaskedInputWriter(count: input.count, bits: bits, terms: terms)
        try input.withUnsafeBufferPointer { all in
            if garbage > 0 {
                let zeros = [UInt32](repeating: 0, count: garbage)
                try zeros.withUnsafeBufferPointer { try writer.write($0, at: 0) }
            }
            var offset = 0
            var k = 0
            while offset < all.count {
                let n = min(slices[k % slices.count], all.count - offset)
                try writer.write(UnsafeBufferPointer(rebasing: all[offset..<offset + n]), at: offset)
                offset += n
                k += 1
            }
        }
        return try writer.finish()
    }

    @Test(arguments: [1, 7, 20, 32])
    func writerEqualsMaskThenPackForAnySlicing(bits: Int) throws {
        var rng = ChaChaRandom.seeded(UInt64(bits))
        let m = MaskExpansion.chunkWords * 2 + 555
        let mask: UInt32 = bits == 32 ? .max : (1 << UInt32(bits)) - 1
        let input = (0..<m).map { _ in UInt32(truncatingIfNeeded: rng.next()) & mask }
        let terms = Self.terms(&rng)
        let expected = Self.reference(input, terms, bits: bits)
        #expect(try Self.written(input, terms, bits: bits, slices: [m]) == expected)
        #expect(try Self.written(input, terms, bits: bits, slices: [1, 4095, 3, 7000]) == expected)
        #expect(try Self.written(input, terms, bits: bits, slices: [MaskExpansion.chunkWords]) == expected)
        // A restart at offset 0 (what a rejected conditional rounding does) discards everything before it.
        #expect(try Self.written(input, terms, bits: bits, slices: [777], restartAfter: 5000) == expected)
    }

    @Test func writerRefusesBadSlices() throws {
        var rng = ChaChaRandom.seeded(9)
        let writer = MaskedInputWriter(count: 10, bits: 4, terms: Self.terms(&rng))
        let ok: [UInt32] = [1, 2, 3]
        try ok.withUnsafeBufferPointer { try writer.write($0, at: 0) }
        // A gap, a value ≥ 2^b (reported at its absolute index), a slice past the end, an early finish.
        #expect(throws: SecureAggError.self) { try ok.withUnsafeBufferPointer { try writer.write($0, at: 5) } }
        let big: [UInt32] = [1, 16]
        #expect(throws: SecureAggError.inputOutOfRange(index: 4)) {
            try big.withUnsafeBufferPointer { try writer.write($0, at: 3) }
        }
        let long = [UInt32](repeating: 0, count: 8)
        #expect(throws: SecureAggError.wrongVectorLength(expected: 10, actual: 11)) {
            try long.withUnsafeBufferPointer { try writer.write($0, at: 3) }
        }
        #expect(throws: SecureAggError.wrongVectorLength(expected: 10, actual: 3)) { try writer.finish() }
    }
}
