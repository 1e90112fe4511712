#!/usr/bin/env python3
"""Independent generator of the wire test vectors (Docs/wire.md, "Test vectors").

Written from the text of Docs/wire.md only, with Python's standard library: hashlib.blake2b (BLAKE2b),
hashlib.sha512 (inside Ed25519), and pure-Python ChaCha20, X25519 and Ed25519, each checked below against its RFC
test vector (RFC 8439 §2.3.2, RFC 7748 §6.1, RFC 8032 §7.1). It never calls the Swift code. The Swift tests (Tests/SecureAggTests/WireVectorTests.swift, Tests/DPNoiseTests/WireVectorTests.swift)
load the JSON files this script writes and require the Swift implementation to reproduce every value, so a
passing `swift test` shows that the algorithms in Docs/wire.md are complete and exact.

    python3 Scripts/generate-wire-vectors.py          # rewrites the JSON files
    python3 Scripts/generate-wire-vectors.py --check  # exits 1 if a checked-in file differs

`swift test` never runs this script; it only reads the checked-in JSON files.
"""

import base64
import hashlib
import json
import math
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECUREAGG_DIR = os.path.join(ROOT, "Tests", "SecureAggTests", "Resources", "Vectors")
DPNOISE_DIR = os.path.join(ROOT, "Tests", "DPNoiseTests", "Resources", "Vectors")
GENERATED_BY = "Scripts/generate-wire-vectors.py (independent Python implementation of Docs/wire.md)"

MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


# --- primitives ------------------------------------------------------------------------------------------------

def blake2b(data, key=b"", size=32):
    """BLAKE2b (RFC 7693), unkeyed or keyed; libsodium's crypto_generichash."""
    return hashlib.blake2b(data, digest_size=size, key=key).digest()


def _rotl(v, c):
    return ((v << c) & MASK32) | (v >> (32 - c))


def _quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key, counter, nonce):
    """One 64-byte ChaCha20 block (RFC 8439 §2.3: 32-bit block counter, 96-bit nonce)."""
    assert len(key) == 32 and len(nonce) == 12
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack("<8I", key)) + [counter & MASK32] + list(struct.unpack("<3I", nonce))
    s = list(state)
    for _ in range(10):
        _quarter(s, 0, 4, 8, 12); _quarter(s, 1, 5, 9, 13); _quarter(s, 2, 6, 10, 14); _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15); _quarter(s, 1, 6, 11, 12); _quarter(s, 2, 7, 8, 13); _quarter(s, 3, 4, 9, 14)
    return struct.pack("<16I", *[(s[i] + state[i]) & MASK32 for i in range(16)])


def chacha20_keystream(key, nonce, counter, length):
    out = bytearray()
    while len(out) < length:
        out += chacha20_block(key, counter, nonce)
        counter += 1
    return bytes(out[:length])


def _rfc8439_self_test():
    # RFC 8439 §2.3.2 block function test vector.
    key = bytes(range(32))
    nonce = bytes.fromhex("000000090000004a00000000")
    expected = bytes.fromhex(
        "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
        "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e")
    assert chacha20_block(key, 1, nonce) == expected, "ChaCha20 self-test failed"


P25519 = 2 ** 255 - 19


def x25519(scalar, u=None):
    """X25519 (RFC 7748 §5): the Montgomery ladder with the clamped scalar; u = 9 (base point) by default."""
    k = bytearray(scalar)
    k[0] &= 248
    k[31] &= 127
    k[31] |= 64
    k = int.from_bytes(k, "little")
    x1 = 9 if u is None else int.from_bytes(u, "little") & ((1 << 255) - 1)
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    for t in reversed(range(255)):
        bit = (k >> t) & 1
        swap ^= bit
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = bit
        a, b = x2 + z2, x2 - z2
        aa, bb = a * a % P25519, b * b % P25519
        e = aa - bb
        c, d = x3 + z3, x3 - z3
        da, cb = d * a % P25519, c * b % P25519
        x3 = (da + cb) ** 2 % P25519
        z3 = x1 * (da - cb) ** 2 % P25519
        x2 = aa * bb % P25519
        z2 = e * (aa + 121665 * e) % P25519
    if swap:
        x2, z2 = x3, z3
    return (x2 * pow(z2, P25519 - 2, P25519) % P25519).to_bytes(32, "little")


# Ed25519 (RFC 8032 §5.1, following its §6 reference code).
_ED_Q = 2 ** 252 + 27742317777372353535851937790883648493
_ED_D = -121665 * pow(121666, P25519 - 2, P25519) % P25519
_ED_SQRT_M1 = pow(2, (P25519 - 1) // 4, P25519)


def _ed_add(p1, p2):
    a = (p1[1] - p1[0]) * (p2[1] - p2[0]) % P25519
    b = (p1[1] + p1[0]) * (p2[1] + p2[0]) % P25519
    c = 2 * p1[3] * p2[3] * _ED_D % P25519
    d = 2 * p1[2] * p2[2] % P25519
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f, g * h, f * g, e * h)


def _ed_mul(s, point):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _ed_add(q, point)
        point = _ed_add(point, point)
        s >>= 1
    return q


def _ed_recover_x(y, sign):
    x2 = (y * y - 1) * pow(_ED_D * y * y + 1, P25519 - 2, P25519)
    x = pow(x2, (P25519 + 3) // 8, P25519)
    if (x * x - x2) % P25519 != 0:
        x = x * _ED_SQRT_M1 % P25519
    if (x & 1) != sign:
        x = P25519 - x
    return x


_ED_GY = 4 * pow(5, P25519 - 2, P25519) % P25519
_ED_GX = _ed_recover_x(_ED_GY, 0)
_ED_G = (_ED_GX, _ED_GY, 1, _ED_GX * _ED_GY % P25519)


def _ed_compress(point):
    zinv = pow(point[2], P25519 - 2, P25519)
    x, y = point[0] * zinv % P25519, point[1] * zinv % P25519
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _ed_expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public(seed):
    return _ed_compress(_ed_mul(_ed_expand(seed)[0], _ED_G))


def ed25519_sign(seed, message):
    a, prefix = _ed_expand(seed)
    public = _ed_compress(_ed_mul(a, _ED_G))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % _ED_Q
    big_r = _ed_compress(_ed_mul(r, _ED_G))
    h = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % _ED_Q
    return big_r + ((r + h * a) % _ED_Q).to_bytes(32, "little")


def _curve_self_test():
    # RFC 7748 §6.1 and RFC 8032 §7.1 test 1.
    alice = bytes.fromhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
    assert x25519(alice).hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    assert ed25519_public(seed).hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    assert ed25519_sign(seed, b"").hex() == (
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f059"
        "5bbe24655141438e7a100b")


class ChaChaRandom:
    """Docs/wire.md "The PRG stream": 4096-byte buffers; buffer j = ChaCha20(key, nonce = j as UInt64 LE ‖ 4
    zero bytes, block counter from 0), so byte 4096·j + i of the stream is byte i of that keystream. 64-bit
    draws are consecutive 8-byte little-endian words of the stream."""

    BUFFER = 4096

    def __init__(self, key):
        assert len(key) == 32
        self.key = key
        self.buffers = []

    @staticmethod
    def seeded(seed):
        return ChaChaRandom(blake2b(b"secagg.seeded-random.v1" + struct.pack("<Q", seed)))

    def stream(self, length):
        while len(self.buffers) * self.BUFFER < length:
            j = len(self.buffers)
            nonce = struct.pack("<Q", j) + bytes(4)
            self.buffers.append(chacha20_keystream(self.key, nonce, 0, self.BUFFER))
        return b"".join(self.buffers)[:length]

    def word(self, i):
        self.stream(8 * (i + 1))
        return struct.unpack_from("<Q", self.buffers[(8 * i) // self.BUFFER], (8 * i) % self.BUFFER)[0]


class Words:
    """Sequential 64-bit draws from a ChaChaRandom, starting at byte `offset` (a multiple of 8)."""

    def __init__(self, rng, offset=0):
        self.rng = rng
        self.index = offset // 8

    def next(self):
        v = self.rng.word(self.index)
        self.index += 1
        return v


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def test_key(id_):
    """Arbitrary 32-byte registry key for the vectors (only hashed, never used to verify)."""
    return blake2b(b"wire-vector-key" + u32(id_))


# --- SecureAgg: registry hash, round context, Harary permutation ---------------------------------------------

def secureagg_registry_hash(keys):
    data = b"secagg.v1.registry" + b"\x00"
    for id_ in sorted(keys):
        data += u32(id_) + keys[id_]
    return blake2b(data)


def context_bytes(run_id, registry_hash, round_, cohort, k, t, b, m):
    assert len(run_id) == 32
    data = b"secagg.v1.round-context" + b"\x00" + b"\x02" + run_id + registry_hash + u64(round_) + u32(len(cohort))
    for id_ in cohort:
        data += u32(id_)
    return data + u32(k) + u32(t) + u32(b) + u64(m)


def context_digest(ctx):
    """Wire version 4: what an advertisement signs in place of the round context (Docs/wire.md § 9)."""
    return blake2b(b"secagg.v4.round-context-digest" + b"\x00" + ctx)


def survivor_list_digest(session_id, survivors):
    """Wire version 4: what a consistency signature covers in place of the survivor list (§ 12.4)."""
    data = b"secagg.v4.survivor-list" + b"\x00" + session_id + u32(len(survivors))
    for id_ in survivors:
        data += u32(id_)
    return blake2b(data)


def consistency_signed_bytes(session_id, survivors):
    return (b"secagg.v4.consistency" + b"\x00" + session_id + u32(len(survivors))
            + survivor_list_digest(session_id, survivors))


def permutation_seed(session_id):
    assert len(session_id) == 32
    return blake2b(b"secagg.v1.harary-permutation" + b"\x00" + b"\x02" + session_id)


def uniform_below(bound, words):
    limit = MASK64 - (MASK64 % bound)
    while True:
        v = words.next()
        if v < limit:
            return v % bound


def harary_ring(cohort, seed):
    ring = list(cohort)
    words = Words(ChaChaRandom(seed))
    for i in range(len(ring) - 1, 0, -1):
        j = uniform_below(i + 1, words)
        ring[i], ring[j] = ring[j], ring[i]
    return ring, words.index


def harary_neighbours(ring, k, id_):
    n = len(ring)
    i = ring.index(id_)
    result = set()
    if k >= n - 1:
        result = set(range(n))
    else:
        for d in range(1, k // 2 + 1):
            result.add((i + d) % n)
            result.add((i - d) % n)
        if k % 2 == 1:
            if n % 2 == 0:
                result.add((i + n // 2) % n)
            else:
                half = (n + 1) // 2
                if i <= (n - 1) // 2:
                    result.add((i + half) % n)
                j = (i - half) % n
                if j <= (n - 1) // 2:
                    result.add(j)
    result.discard(i)
    return sorted(ring[p] for p in result)


def harary_case(name, registry_ids, revoked, round_, cohort, k, t, b, m):
    keys = {i: test_key(i) for i in registry_ids if i not in revoked}
    rh = secureagg_registry_hash(keys)
    run_id = blake2b(b"wire-vector-run-id" + name.encode())
    ctx = context_bytes(run_id, rh, round_, cohort, k, t, b, m)
    # The graph's input is the session id (a hash over the context and every advertisement, § 9); here an
    # arbitrary 32-byte value, since only the step session id -> permutation is pinned by these cases.
    session_id = blake2b(b"wire-vector-session-id" + name.encode())
    seed = permutation_seed(session_id)
    ring, used = harary_ring(cohort, seed)
    rng = ChaChaRandom(seed)
    return {
        "name": name,
        "registry": [{"id": i, "key": test_key(i).hex(), "revoked": i in revoked} for i in registry_ids],
        "round": round_, "cohort": cohort, "degree": k, "threshold": t, "bits": b, "vector_length": m,
        "run_id": run_id.hex(),
        "registry_hash": rh.hex(),
        "context_bytes": ctx.hex(),
        "session_id": session_id.hex(),
        "permutation_seed": seed.hex(),
        "first_words": [str(rng.word(i)) for i in range(4)],
        "words_used": used,
        "ring": ring,
        "neighbours": {str(i): harary_neighbours(ring, k, i) for i in cohort},
    }


def harary_vectors():
    r = list(range(1, 13))
    cases = [
        harary_case("n5-k4-complete", list(range(1, 6)), set(), 1, [1, 2, 3, 4, 5], 4, 3, 16, 16),
        harary_case("n7-k4-even-degree", list(range(1, 8)), set(), 5, list(range(1, 8)), 4, 3, 20, 1024),
        harary_case("n8-k3-odd-degree-even-n", list(range(1, 9)), set(), 2, list(range(1, 9)), 3, 2, 24, 4096),
        harary_case("n9-k5-odd-degree-odd-n", list(range(1, 10)), set(), 3, list(range(1, 10)), 5, 3, 32, 65536),
        harary_case("sampled-cohort-revoked-id", r, {4}, 17, [2, 3, 5, 7, 8, 11, 12], 4, 3, 18, 300),
        harary_case("n40-k10", list(range(1, 41)), set(), 1, list(range(1, 41)), 10, 6, 20, 2048),
    ]
    # A raw seed (HararyGraph(cohort:degree:seed:)), long enough that the shuffle is pinned for 300 ids.
    seed = blake2b(b"wire-vector-raw-seed")
    cohort = list(range(1, 301))
    ring, used = harary_ring(cohort, seed)
    raw = {"name": "raw-seed-n300-k7", "seed": seed.hex(), "cohort": cohort, "degree": 7, "ring": ring,
           "words_used": used, "neighbours": {str(i): harary_neighbours(ring, 7, i) for i in (1, 150, 300)}}
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md: 'Registry hashes', 'Round context', 'The PRG stream', 'Harary graph'. Registry keys are "
                "arbitrary 32-byte strings BLAKE2b-256('wire-vector-key' || id u32 LE): they are only hashed here. "
                "run_id = BLAKE2b-256('wire-vector-run-id' || name), session_id = "
                "BLAKE2b-256('wire-vector-session-id' || name): arbitrary inputs of the context and of the "
                "permutation seed (a real session id is pinned by secagg_round.json). "
                "Revoked ids are left out of the SecureAgg registry hash. first_words are the permutation PRG's "
                "first 64-bit draws (decimal strings); words_used counts the draws of the shuffle.",
        "cases": cases,
        "raw_seed_cases": [raw],
    }


def prg_vectors():
    key = blake2b(b"wire-vector-prg-key")
    rng = ChaChaRandom(key)
    seeded = ChaChaRandom.seeded(42)
    indices = [0, 1, 2, 3, 510, 511, 512, 513, 1023, 1024, 1025]
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md 'The PRG stream': ChaChaRandom(key) words (UInt64 LE of consecutive stream bytes); "
                "word 512 is the first of the second 4096-byte buffer (nonce 1, block counter 0). "
                "seeded(42): key = BLAKE2b-256('secagg.seeded-random.v1' || 42 as UInt64 LE).",
        "key": key.hex(),
        "words": [{"index": i, "value": str(rng.word(i))} for i in indices],
        "stream_bytes_4088_4104": rng.stream(4104)[4088:4104].hex(),
        "seeded": {"seed": 42, "key": seeded.key.hex(), "first_words": [str(seeded.word(i)) for i in range(4)]},
    }


# --- Registry hashes and session authentication ------------------------------------------------------------

def registry_file_hash(version, server_key, clients):
    """Docs/wire.md § 5, H_file: big-endian integers, every listed client (revoked ones too) by increasing id."""
    data = b"secagg-registry-hash" + b"\x00" + struct.pack(">I", version) + struct.pack(">I", 0) + server_key
    data += struct.pack(">I", len(clients))
    for id_, key, revoked in sorted(clients):
        data += struct.pack(">I", id_) + key + bytes([1 if revoked else 0])
    return blake2b(data)


def auth_transcript(domain, h_file, client, client_nonce, server_nonce, channel):
    """§ 4: channel is None (no TLS) or the 32-byte hash of the server's leaf certificate (§ 4.2)."""
    binding = bytes(33) if channel is None else b"\x01" + channel
    return domain + b"\x00" + h_file + u32(client) + client_nonce + server_nonce + binding


# § 4.2: a PEM chain as `serve --tls-cert` reads it (one self-signed P-256 certificate made once with openssl;
# only its bytes matter here). The binding hashes the DER of the first certificate of the file.
VECTOR_CERTIFICATE_PEM = """-----BEGIN CERTIFICATE-----
MIIBqzCCAVGgAwIBAgIUP53+Sk0uZxZ4vsrTx9OUQcO4Ga4wCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSc2VjYWdnIHdpcmUgdmVjdG9yMB4XDTI2MTIwNDIwMjA0NFoX
DTM2MTIwMTIwMjA0NFowHTEbMBkGA1UEAwwSc2VjYWdnIHdpcmUgdmVjdG9yMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfkHkvf1CHug5GzGIdqGy3FObsGCbbfRI
cHmfWaV/9ZS+DRShHspdJLtraffes0f+Ut021VbP4rCDOD6ih5xzTqNvMG0wHQYD
VR0OBBYEFNtGp2wBoCznjYqjrYoHQCNWl4JQMB8GA1UdIwQYMBaAFNtGp2wBoCzn
jYqjrYoHQCNWl4JQMA8GA1UdEwEB/wQFMAMBAf8wGgYDVR0RBBMwEYIJbG9jYWxo
b3N0hwR/AAABMAoGCCqGSM49BAMCA0gAMEUCIEL6adeZnpFTa5dgchMR/MS3QURB
K3JhVmUcQ61ijKrXAiEAp+VBVlpJBinZM1mhZpAuHVu0abKUw2j4CReOPCAoOIE=
-----END CERTIFICATE-----
"""


def first_certificate_der(pem):
    """The DER bytes of the first CERTIFICATE block of a PEM file (base64 between the BEGIN and END lines)."""
    lines = pem.splitlines()
    start = lines.index("-----BEGIN CERTIFICATE-----")
    end = lines.index("-----END CERTIFICATE-----", start)
    return base64.b64decode("".join(lines[start + 1:end]))


def pb_varint(v):
    out = b""
    while True:
        byte = v & 0x7F
        v >>= 7
        if v:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def pb_field(number, wire_type, payload):
    """One canonical proto3 field (Docs/wire.md § 4.1): tag, then a varint or a length-delimited payload."""
    tag = pb_varint((number << 3) | wire_type)
    if wire_type == 0:
        return tag + pb_varint(payload)
    return tag + pb_varint(len(payload)) + payload


def pb_message(fields):
    """fields: (number, kind, value) in ascending number; proto3 defaults (0, False, empty) are omitted."""
    out = b""
    for number, kind, value in fields:
        if kind == "varint":
            if value:
                out += pb_field(number, 0, int(value))
        elif kind == "bytes":
            if value:
                out += pb_field(number, 2, value)
        elif kind == "packed":
            if value:
                out += pb_field(number, 2, b"".join(pb_varint(v) for v in value))
    return out


def server_message_transcript(h_file, client, client_nonce, server_nonce, run_id, round_, kind, canonical):
    return (b"secagg.v1.grpc.server-message" + b"\x00" + h_file + u32(client) + client_nonce + server_nonce + run_id
            + u64(round_) + u32(kind) + blake2b(canonical))


def registry_vectors():
    server_seed = blake2b(b"wire-vector-server")
    server_key = ed25519_public(server_seed)
    ids, revoked = [5, 1, 3, 2, 4], {3}
    clients = [(i, ed25519_public(identity_seed(i)), i in revoked) for i in ids]
    # A registry.json as a person might write it: clients out of order, mixed hex case, odd whitespace,
    # "revoked" left out where false.
    entries = []
    for i, key, rev in clients:
        hex_key = key.hex().upper() if i % 2 else key.hex()
        entry = '{ "sign_public_key" : "%s", "id": %d%s }' % (hex_key, i, ', "revoked": true' if rev else "")
        entries.append(entry)
    text = '{"clients": [\n  ' + ",\n  ".join(entries) + '\n],\n "version" : 1, "server": {"id": 0, ' \
        '"sign_public_key": "%s"}}\n' % server_key.hex()
    h_file = registry_file_hash(1, server_key, clients)
    h_round = secureagg_registry_hash({i: key for i, key, rev in clients if not rev})
    client, client_nonce, server_nonce = 2, blake2b(b"wire-vector-client-nonce"), blake2b(b"wire-vector-server-nonce")
    server_t = auth_transcript(b"secagg.v1.grpc.server-auth", h_file, client, client_nonce, server_nonce, None)
    client_t = auth_transcript(b"secagg.v1.grpc.client-auth", h_file, client, client_nonce, server_nonce, None)
    certificate_der = first_certificate_der(VECTOR_CERTIFICATE_PEM)
    certificate_hash = blake2b(certificate_der)
    server_tls = auth_transcript(b"secagg.v1.grpc.server-auth", h_file, client, client_nonce, server_nonce,
                                 certificate_hash)
    client_tls = auth_transcript(b"secagg.v1.grpc.client-auth", h_file, client, client_nonce, server_nonce,
                                 certificate_hash)
    run_id = blake2b(b"wire-vector-run-id")
    # Welcome{version=2, rounds=3, expected_clients=5, max_message_bytes=4 MiB, run_id} (kind 3, round 0) and
    # RoundResult{version=1, round=300, survivors=[1, 2, 4], last_round=true, output_hash} (kind 9).
    output_hash = blake2b(b"wire-vector-output").hex()
    welcome = pb_message([(1, "varint", 2), (2, "varint", 3), (3, "varint", 5), (4, "varint", 4 << 20),
                          (5, "bytes", run_id)])
    result = pb_message([(1, "varint", 1), (2, "varint", 300), (3, "packed", [1, 2, 4]), (4, "varint", 1),
                         (5, "bytes", output_hash.encode())])
    signed = []
    for name, kind, round_, canonical in (("welcome", 3, 0, welcome), ("round_result", 9, 300, result)):
        t = server_message_transcript(h_file, client, client_nonce, server_nonce, run_id, round_, kind, canonical)
        signed.append({"message": name, "kind": kind, "round": round_, "canonical_bytes": canonical.hex(),
                       "transcript": t.hex(), "signature": ed25519_sign(server_seed, t).hex()})
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md §§ 4, 5: H_file of a registry.json (all listed clients, revoked included, big-endian) "
                "and H_round of the same registry (active clients only, little-endian); the authentication "
                "transcripts and Ed25519 signatures for client 2 with the given nonces, without TLS ('auth') and over "
                "TLS ('auth_tls', § 4.2). Server and client keys are "
                "Ed25519 keys of the seeds BLAKE2b-256('wire-vector-server') and "
                "BLAKE2b-256('wire-vector-identity' || id u32 LE).",
        "registry_json": text,
        "server_seed": server_seed.hex(),
        "registry_file_hash": h_file.hex(),
        "secureagg_registry_hash": h_round.hex(),
        "active_ids": sorted(i for i in ids if i not in revoked),
        "auth": {
            "client": client, "client_seed": identity_seed(client).hex(),
            "client_nonce": client_nonce.hex(), "server_nonce": server_nonce.hex(),
            "server_transcript": server_t.hex(), "server_signature": ed25519_sign(server_seed, server_t).hex(),
            "client_transcript": client_t.hex(), "client_signature": ed25519_sign(identity_seed(client), client_t).hex(),
        },
        "auth_tls": {
            "spec": "Docs/wire.md § 4.2: the same session over TLS. certificate_pem is the server's --tls-cert; "
                    "tls_certificate_hash = BLAKE2b-256 of the DER of its first certificate (Challenge field 4); "
                    "both transcripts end with 0x01 || that hash (the 'auth' transcripts, without TLS, end with "
                    "33 zero bytes).",
            "certificate_pem": VECTOR_CERTIFICATE_PEM, "certificate_der": certificate_der.hex(),
            "tls_certificate_hash": certificate_hash.hex(),
            "server_transcript": server_tls.hex(), "server_signature": ed25519_sign(server_seed, server_tls).hex(),
            "client_transcript": client_tls.hex(),
            "client_signature": ed25519_sign(identity_seed(client), client_tls).hex(),
        },
        "server_messages": {
            "spec": "Docs/wire.md § 4.1: server-message transcripts and signatures in the session of 'auth' with "
                    "run_id = BLAKE2b-256('wire-vector-run-id'); Welcome{version=2, rounds=3, expected_clients=5, "
                    "max_message_bytes=4194304, run_id} and RoundResult{version=1, round=300, survivors=[1, 2, 4], "
                    "last_round=true, output_hash=hex(BLAKE2b-256('wire-vector-output'))}, canonical encodings "
                    "written by hand from the rules of § 4.1.",
            "run_id": run_id.hex(), "output_hash": output_hash, "messages": signed,
        },
    }


# --- SecureAgg: one whole round (phases 0-4) -----------------------------------------------------------------

SHAMIR_P = 2 ** 61 - 1


def field_random(words):
    while True:
        v = words.next() >> 3
        if v < SHAMIR_P:
            return v


def shamir_split(secret, t, points, words):
    """Docs/wire.md § 12.2: 7-byte little-endian chunks, one polynomial per chunk (constant term = the chunk,
    coefficients 1 … t − 1 drawn chunk by chunk), evaluated at every point."""
    chunks = [int.from_bytes(secret[i:i + 7], "little") for i in range(0, len(secret), 7)]
    polys = [[c] + [field_random(words) for _ in range(1, t)] for c in chunks]
    shares = {}
    for x in points:
        values = []
        for poly in polys:
            acc = 0
            for coef in reversed(poly):
                acc = (acc * x + coef) % SHAMIR_P
            values.append(acc)
        shares[x] = bytes([1]) + u32(x) + bytes([len(values)]) + b"".join(u64(v) for v in values)
    return shares


def mask_stream(key, purpose, m):
    nonce = bytes([purpose, 0, 0, 0]) + u32(0) + bytes(4)
    ks = chacha20_keystream(key, nonce, 0, 4 * m)
    return list(struct.unpack("<%dI" % m, ks))


def bit_pack(values, b):
    acc = 0
    for i, v in enumerate(values):
        acc |= (v & ((1 << b) - 1)) << (i * b)
    payload = acc.to_bytes((len(values) * b + 7) // 8, "little")
    return bytes([1, b]) + u32(len(values)) + payload


def pair_context(sid, a, pk_a, b, pk_b):
    (lo, pk_lo), (hi, pk_hi) = sorted([(a, pk_a), (b, pk_b)])
    return sid + u32(lo) + u32(hi) + pk_lo + pk_hi


def identity_seed(id_):
    return blake2b(b"wire-vector-identity" + u32(id_))


def round_vectors():
    n, k, t, b, m, round_ = 6, 3, 2, 13, 37, 3
    ids = list(range(1, n + 1))
    dropped = 6  # sends ShareKeys, then no masked input
    identities = {i: ed25519_public(identity_seed(i)) for i in ids}
    rh = secureagg_registry_hash(identities)
    run_id = blake2b(b"wire-vector-run-id")
    ctx = context_bytes(run_id, rh, round_, ids, k, t, b, m)
    ctx_digest = context_digest(ctx)
    clients = {}
    for u in ids:
        rng = ChaChaRandom.seeded(u)
        stream = rng.stream(96)
        c_sk, s_sk, b_u = stream[0:32], stream[32:64], stream[64:96]
        c_pk, s_pk = x25519(c_sk), x25519(s_sk)
        commitment = blake2b(b"secagg.v1.self-seed-commitment" + b"\x00" + b_u)
        signed = b"secagg.v4.advertise-keys" + b"\x00" + ctx_digest + u32(u) + c_pk + s_pk + commitment
        clients[u] = {"rng": rng, "c_sk": c_sk, "s_sk": s_sk, "b_u": b_u, "c_pk": c_pk, "s_pk": s_pk,
                      "commitment": commitment, "signed": signed, "signature": ed25519_sign(identity_seed(u), signed)}
    sid_input = b"secagg.v1.session" + b"\x00" + ctx
    for u in ids:
        c = clients[u]
        sid_input += u32(u) + c["c_pk"] + c["s_pk"] + c["commitment"] + c["signature"]
    sid = blake2b(sid_input)
    # The graph is drawn from the session id, once every advertisement is in (§ 11).
    ring, _ = harary_ring(ids, permutation_seed(sid))
    neighbours = {i: harary_neighbours(ring, k, i) for i in ids}
    for u in ids:
        c = clients[u]
        words = Words(c["rng"], 96)
        c["b_shares"] = shamir_split(c["b_u"], t, neighbours[u], words)
        c["s_shares"] = shamir_split(c["s_sk"], t, neighbours[u], words)
        c["share_keys"], c["pair_seeds"] = {}, {}
        for v in neighbours[u]:
            peer = clients[v]
            c["share_keys"][v] = blake2b(b"secagg.v1.share-encryption" + b"\x00" + pair_context(
                sid, u, c["c_pk"], v, peer["c_pk"]), key=x25519(c["c_sk"], peer["c_pk"]))
            c["pair_seeds"][v] = blake2b(b"secagg.v1.pairwise-mask" + b"\x00" + pair_context(
                sid, u, c["s_pk"], v, peer["s_pk"]), key=x25519(c["s_sk"], peer["s_pk"]))
        c["self_mask_key"] = blake2b(b"secagg.v1.self-mask" + b"\x00" + sid, key=c["b_u"])
    survivors = [u for u in ids if u != dropped]
    mask = (1 << b) - 1
    inputs, packed = {}, {}
    for u in survivors:
        c = clients[u]
        gen = ChaChaRandom.seeded(1000 + u)
        x = [gen.word(i) & mask for i in range(m)]
        inputs[u] = x
        y = [(xi + wi) & MASK32 for xi, wi in zip(x, mask_stream(c["self_mask_key"], 1, m))]
        for v in neighbours[u]:  # every neighbour shared keys: the mask set is all of them
            stream = mask_stream(c["pair_seeds"][v], 2, m)
            y = [(yi + wi if u < v else yi - wi) & MASK32 for yi, wi in zip(y, stream)]
        packed[u] = bit_pack([yi & mask for yi in y], b)
    consistency = consistency_signed_bytes(sid, survivors)
    out_clients = []
    for u in ids:
        c = clients[u]
        entry = {
            "id": u, "identity_seed": identity_seed(u).hex(), "identity_key": identities[u].hex(),
            "rng_seed": u, "c_sk": c["c_sk"].hex(), "s_sk": c["s_sk"].hex(), "b_u": c["b_u"].hex(),
            "c_pk": c["c_pk"].hex(), "s_pk": c["s_pk"].hex(), "commitment": c["commitment"].hex(),
            "advertise_signed_bytes": c["signed"].hex(), "advertise_signature": c["signature"].hex(),
            "neighbours": neighbours[u],
            "self_mask_key": c["self_mask_key"].hex(),
            "share_keys": {str(v): key.hex() for v, key in c["share_keys"].items()},
            "pairwise_seeds": {str(v): key.hex() for v, key in c["pair_seeds"].items()},
            "share_plaintexts": {str(v): (bytes([1]) + c["b_shares"][v] + c["s_shares"][v]).hex()
                                 for v in neighbours[u]},
        }
        if u in survivors:
            entry["input_seed"] = 1000 + u
            entry["masked_packed"] = packed[u].hex()
            entry["consistency_signature"] = ed25519_sign(identity_seed(u), consistency).hex()
            revealed = []
            for owner in neighbours[u]:
                kind = 1 if owner in survivors else 2
                share = clients[owner]["b_shares" if kind == 1 else "s_shares"][u]
                revealed.append({"owner": owner, "kind": kind, "share": share.hex()})
            entry["revealed"] = revealed
        out_clients.append(entry)
    total = [sum(inputs[u][i] for u in survivors) & mask for i in range(m)]
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md §§ 9, 11, 12 (wire version 4: advertisements sign the round context's digest, "
                "consistency signatures the survivor list's): a whole round (run_id = BLAKE2b-256('wire-vector-run-id')). "
                "Client u's generator is ChaChaRandom.seeded(u): c_sk, s_sk, b_u "
                "are its bytes 0-31, 32-63, 64-95; the Shamir coefficients follow (b_u's, then s_sk's). Identities: "
                "Ed25519 seeds BLAKE2b-256('wire-vector-identity' || id u32 LE). Input of u: word i of "
                "ChaChaRandom.seeded(input_seed) masked to b bits. Client 6 drops after ShareKeys. Share plaintexts "
                "are what u seals for each neighbour (the AEAD nonce is random, so ciphertexts are not pinned).",
        "round": round_, "cohort": ids, "degree": k, "threshold": t, "bits": b, "vector_length": m,
        "dropped": dropped, "run_id": run_id.hex(), "registry_hash": rh.hex(), "context_bytes": ctx.hex(),
        "context_digest": ctx_digest.hex(),
        "ring": ring,
        "session_id": sid.hex(), "survivors": survivors,
        "survivor_list_digest": survivor_list_digest(sid, survivors).hex(),
        "consistency_signed_bytes": consistency.hex(),
        "clients": out_clients, "sum": total,
    }


# --- SecureAgg: each derivation and encoding in isolation ----------------------------------------------------

def kdf_key(name, id_):
    """Arbitrary 32 bytes for the isolated vectors (used as X25519 scalars, b_u values and signatures)."""
    return blake2b(b"wire-vector-" + name.encode() + b"\x00" + u32(id_))


def shamir_encode(x, values):
    return bytes([1]) + u32(x) + bytes([len(values)]) + b"".join(u64(v) for v in values)


def primitive_vectors():
    """§§ 9, 12: every key derivation, the session id, the Shamir share encoding, the Shamir split and bit packing,
    each in isolation (the round vectors pin them only as parts of one whole round)."""
    sid = blake2b(b"wire-vector-session-id")
    pairs = []
    # (u, v): u < v, u > v, and a pair of ids whose byte order differs from their numeric order.
    for u, v in [(2, 9), (9, 2), (256, 1)]:
        c_sk_u, c_sk_v = kdf_key("c_sk", u), kdf_key("c_sk", v)
        s_sk_u, s_sk_v = kdf_key("s_sk", u), kdf_key("s_sk", v)
        c_pk_u, c_pk_v, s_pk_u, s_pk_v = x25519(c_sk_u), x25519(c_sk_v), x25519(s_sk_u), x25519(s_sk_v)
        share_context = pair_context(sid, u, c_pk_u, v, c_pk_v)
        mask_context = pair_context(sid, u, s_pk_u, v, s_pk_v)
        pairs.append({
            "u": u, "v": v, "session_id": sid.hex(),
            "c_sk_u": c_sk_u.hex(), "c_pk_u": c_pk_u.hex(), "c_pk_v": c_pk_v.hex(),
            "s_sk_u": s_sk_u.hex(), "s_pk_u": s_pk_u.hex(), "s_pk_v": s_pk_v.hex(),
            "share_raw_secret": x25519(c_sk_u, c_pk_v).hex(),
            "share_context": share_context.hex(),
            "share_key": blake2b(b"secagg.v1.share-encryption" + b"\x00" + share_context,
                                 key=x25519(c_sk_u, c_pk_v)).hex(),
            "pairwise_context": mask_context.hex(),
            "pairwise_seed": blake2b(b"secagg.v1.pairwise-mask" + b"\x00" + mask_context,
                                     key=x25519(s_sk_u, s_pk_v)).hex(),
            "share_additional_data": (sid + u32(u) + u32(v)).hex(),
        })
    self_masks = []
    for i, session in enumerate([sid, blake2b(b"wire-vector-other-session")]):
        b_u = kdf_key("b_u", i)
        self_masks.append({
            "b_u": b_u.hex(), "session_id": session.hex(),
            "commitment": blake2b(b"secagg.v1.self-seed-commitment" + b"\x00" + b_u).hex(),
            "self_mask_key": blake2b(b"secagg.v1.self-mask" + b"\x00" + session, key=b_u).hex(),
        })
    # Session id over a cohort where client 3 did not advertise (the round vectors have no phase-0 dropout).
    ids, k, t, b, m, round_ = [1, 2, 3, 4, 5], 2, 2, 16, 1000, 12
    registry = {i: test_key(i) for i in ids}
    ctx = context_bytes(bytes(32), secureagg_registry_hash(registry), round_, ids, k, t, b, m)  # no run id (in-process)
    ads = []
    sid_input = b"secagg.v1.session" + b"\x00" + ctx
    for u in [1, 2, 4, 5]:
        ad = {"sender": u, "c_pk": x25519(kdf_key("c_sk", u)).hex(), "s_pk": x25519(kdf_key("s_sk", u)).hex(),
              "commitment": blake2b(b"secagg.v1.self-seed-commitment" + b"\x00" + kdf_key("b_u", u)).hex(),
              "signature": blake2b(b"wire-vector-signature" + u32(u), size=64).hex()}
        ads.append(ad)
        sid_input += u32(u) + bytes.fromhex(ad["c_pk"]) + bytes.fromhex(ad["s_pk"]) + \
            bytes.fromhex(ad["commitment"]) + bytes.fromhex(ad["signature"])
    session = {"registry": [{"id": i, "key": registry[i].hex()} for i in ids], "round": round_, "cohort": ids,
               "degree": k, "threshold": t, "bits": b, "vector_length": m, "context_bytes": ctx.hex(),
               "advertisements": ads, "session_id": blake2b(sid_input).hex()}
    p = SHAMIR_P
    encodings = [
        {"x": 7, "values": [0, 1, p - 1, 12345, 1 << 60]},
        {"x": 0xFFFFFFFF, "values": [p - 1]},
        {"x": 1, "values": [(1 << 56) - 1] * 3},
    ]
    for e in encodings:
        e["encoded"] = shamir_encode(e["x"], e["values"]).hex()
        e["values"] = [str(v) for v in e["values"]]
    # Shamir split with coefficients from ChaChaRandom.seeded(77): a 32-byte secret (5 chunks) and a 10-byte one.
    splits = []
    for secret, threshold, points in [(kdf_key("secret", 1), 3, [2, 5, 9, 11]), (bytes(range(1, 11)), 2, [1, 3])]:
        shares = shamir_split(secret, threshold, points, Words(ChaChaRandom.seeded(77), 0))
        splits.append({"secret": secret.hex(), "threshold": threshold, "rng_seed": 77,
                       "shares": [{"x": x, "encoded": shares[x].hex()} for x in points]})
    packing = []
    for bits, values in [
        (1, [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1]),  # m = 13: 13 bits, 3 padding bits
        (1, [1] * 8),
        (32, [0, 0xFFFFFFFF, 123456789]),
        (13, [0, 8191, 4096, 1, 5000]),  # 65 bits: 7 padding bits
        (7, [127, 0, 64, 1, 99, 3, 126, 5, 77]),  # 63 bits: 1 padding bit
        (31, [(1 << 31) - 1, 0, 1 << 30]),
        (20, []),
    ]:
        packing.append({"bits": bits, "values": values, "packed": bit_pack(values, bits).hex()})
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md §§ 9, 12 in isolation: share key, pairwise seed (both ends, raw X25519 secret and "
                "context), share additional data, self-mask key and commitment, session id (client 3 of 5 did not "
                "advertise; advertisement fields are arbitrary bytes: the session id only hashes them), Shamir "
                "share encoding, a Shamir split whose coefficients are drawn from ChaChaRandom.seeded(77), bit "
                "packing (b = 1, 7, 13, 20, 31, 32; m not a multiple of 8; m = 0). Inputs: 32-byte values "
                "BLAKE2b-256('wire-vector-' || name || 0 || id u32 LE).",
        "pairs": pairs, "self_masks": self_masks, "session": session, "shamir_encodings": encodings,
        "shamir_splits": splits, "bit_packing": packing,
    }


# --- DPNoise: rotation signs and per-block randomness --------------------------------------------------------

def block_sizes(dimension, block):
    sizes = [block] * (dimension // block)
    rest = dimension % block
    if rest > 0:
        sizes.append(1 if rest == 1 else 1 << (rest - 1).bit_length())
    return sizes


def sign_bits(round_seed, padded):
    return ChaChaRandom(round_seed).stream((padded + 7) // 8)


def sign_at(bits, i):
    return -1 if (bits[i >> 3] >> (i & 7)) & 1 else 1


def rotation_vectors():
    cases = []
    for name, dimension, block, seed_label in [
        ("d40000-b16384", 40000, 1 << 14, b"wire-vector-round-seed-1"),
        ("d1000-b65536", 1000, 1 << 16, b"wire-vector-round-seed-2"),
        ("d65537-b32768-last-block-1", 65537, 1 << 15, b"wire-vector-round-seed-3"),
    ]:
        seed = blake2b(seed_label)
        sizes = block_sizes(dimension, block)
        padded = sum(sizes)
        bits = sign_bits(seed, padded)
        # Only bits 0 … padded − 1 are signs; the hash covers them with the unused high bits of the last byte zeroed.
        used = bytearray(bits)
        if padded % 8:
            used[-1] &= (1 << (padded % 8)) - 1
        blocks = []
        offset = 0
        for k, size in enumerate(sizes):
            first = "".join("-" if sign_at(bits, offset + j) < 0 else "+" for j in range(min(64, size)))
            blocks.append({"index": k, "padded_offset": offset, "size": size, "first_signs": first})
            offset += size
        cases.append({
            "name": name, "round_seed": seed.hex(), "dimension": dimension, "block_size": block,
            "block_sizes": sizes, "padded_dimension": padded,
            "sign_bytes_blake2b256": blake2b(bytes(used)).hex(),
            "sign_bytes_head": bits[:64].hex(),
            "sign_bytes_4080_4112": bits[4080:4112].hex() if len(bits) >= 4112 else "",
            "blocks": blocks,
        })
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md 'Rotation signs': sign bit i = bit (i mod 8) of byte i/8 of ChaChaRandom(round_seed); "
                "1 means -1. sign_bytes_blake2b256 hashes the (padded + 7) / 8 sign bytes with the unused high bits of the last byte zeroed. Signs are indexed by padded coordinate, so block k uses bits padded_offset .. "
                "padded_offset + size - 1. first_signs: the block's first min(64, size) signs.",
        "cases": cases,
    }


class BlockNorm:
    def __init__(self):
        self.scale = 0.0
        self.ssq = 0.0

    def add(self, block):
        largest = 0.0
        for v in block:
            largest = max(largest, abs(v))
        if largest <= 0:
            return
        s = 0.0
        for v in block:
            r = v / largest
            s += r * r
        if largest > self.scale:
            ratio = self.scale / largest
            self.ssq = self.ssq * ratio * ratio + s
            self.scale = largest
        else:
            ratio = largest / self.scale
            self.ssq += s * ratio * ratio

    def norm(self):
        return self.scale * math.sqrt(self.ssq)


def walsh_hadamard(x):
    n = len(x)
    h = 1
    while h < n:
        for i in range(0, n, 2 * h):
            for j in range(i, i + h):
                a, b = x[j], x[j + h]
                x[j] = a + b
                x[j + h] = a - b
        h *= 2
    norm = 1 / math.sqrt(n)
    for i in range(n):
        x[i] *= norm


def encode_no_noise(x, dimension, block, l2clip, scale, bits, round_seed, encoder_seed):
    """DPEncoder with noise none and beta = 0 (one rounding attempt), Docs/wire.md 'Client-side encoding'."""
    sizes = block_sizes(dimension, block)
    signs = sign_bits(round_seed, sum(sizes))
    first = BlockNorm()
    offset = 0
    for size in sizes:
        length = min(size, dimension - offset)
        first.add(x[offset:offset + length])
        offset += length
    norm = first.norm()
    clip = l2clip / norm if norm > l2clip else 1.0
    factor = clip * 1.0
    attempt_key = ChaChaRandom.seeded(encoder_seed).stream(32)
    out = []
    block_keys = []
    offset = 0
    padded_offset = 0
    for k, size in enumerate(sizes):
        length = min(size, dimension - offset)
        v = [xi * factor for xi in x[offset:offset + length]] + [0.0] * (size - length)
        for j in range(size):
            if sign_at(signs, padded_offset + j) < 0:
                v[j] = -v[j]
        walsh_hadamard(v)
        v = [vi * scale for vi in v]
        key = blake2b(u64(k), key=attempt_key)
        words = Words(ChaChaRandom(key))
        rng_preview = ChaChaRandom(key)
        block_keys.append({"index": k, "key": key.hex(), "first_words": [str(rng_preview.word(i)) for i in range(4)]})
        for vi in v:
            f = math.floor(vi)
            threshold = (vi - f) * 2.0 ** 53
            u = float(words.next() >> 11)
            r = int(f) + (1 if u < threshold else 0)
            out.append((r & MASK32) & ((1 << bits) - 1))
        offset += length
        padded_offset += size
    return out, attempt_key, block_keys, norm


def decode(values, dimension, block, scale, bits, round_seed, count):
    """Docs/wire.md § 14: centred lift, × 1/s, inverse rotation (transform, then signs), truncate, × 1/count."""
    sizes = block_sizes(dimension, block)
    signs = sign_bits(round_seed, sum(sizes))
    modulus, half = 1 << bits, 1 << (bits - 1)
    inverse_scale, inverse_count = 1 / scale, 1 / count
    out = []
    offset = padded_offset = 0
    for size in sizes:
        v = [float(x - modulus if x >= half else x) * inverse_scale for x in values[padded_offset:padded_offset + size]]
        walsh_hadamard(v)
        for j in range(size):
            if sign_at(signs, padded_offset + j) < 0:
                v[j] = -v[j]
        length = min(size, dimension - offset)
        out += [vj * inverse_count for vj in v[:length]]
        offset += length
        padded_offset += size
    return out


def encoder_vectors():
    cases = []
    for name, dimension, block, l2clip, scale, bits, seed_label, encoder_seed, amplitude in [
        ("unclipped-d300-b128", 300, 128, 1000.0, 37.5, 16, b"wire-vector-round-seed-4", 7, 1.0),
        ("clipped-d513-b256", 513, 256, 0.25, 1024.0, 20, b"wire-vector-round-seed-5", 99, 1.0),
    ]:
        gen = ChaChaRandom(blake2b(b"wire-vector-input" + name.encode()))
        # Inputs: (word / 2^64 - 0.5) * amplitude, exact doubles.
        x = [((gen.word(i) >> 11) / 2.0 ** 53 - 0.5) * amplitude for i in range(dimension)]
        seed = blake2b(seed_label)
        out, attempt_key, keys, norm = encode_no_noise(x, dimension, block, l2clip, scale, bits, seed, encoder_seed)
        decoded = decode(out, dimension, block, scale, bits, seed, 1.0)
        cases.append({
            "name": name, "dimension": dimension, "block_size": block, "l2_clip": l2clip, "scale": scale,
            "bits": bits, "beta": 0.0, "round_seed": seed.hex(), "noise": "none", "max_rounding_attempts": 1,
            "input": [repr(v) for v in x], "input_norm": repr(norm),
            "encoder_seed": encoder_seed, "attempt_key": attempt_key.hex(), "block_randomness": keys,
            "encoded": out,
            "decoded": [repr(v) for v in decoded],
            "output_hash": blake2b(b"".join(struct.pack("<d", v) for v in decoded)).hex(),
        })
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md 'Client-side encoding': DPEncoder.encode with rng = ChaChaRandom.seeded(encoder_seed) "
                "(attempt key = its first 32 bytes); block k's randomness is ChaChaRandom(BLAKE2b-256 keyed by the "
                "attempt key over k as UInt64 LE); rounding draws one 64-bit word per padded coordinate. Noise none "
                "and beta = 0, so the output is exact. input values are Python repr() of doubles. decoded: the encoded vector decoded "
                "alone (Docs/wire.md § 14, divisor 1); output_hash: BLAKE2b-256 of decoded as little-endian doubles.",
        "cases": cases,
    }


def limb_layout(n, b, w):
    h = 0
    while h < 31 and n * ((1 << (h + 1)) - 1) <= (1 << b) - 1:
        h += 1
    return h, -(-w.bit_length() // h)


def limb_vectors():
    cases = []
    for n, b, w, counts in [(5, 16, 1000, [0, 1, 999, 1000, 5000]), (3, 32, 1 << 30, [7, 1 << 29, 123456789]),
                            (100, 12, 64, [1, 63, 64, 65]), (2, 2, 3, [1, 2, 3])]:
        h, count = limb_layout(n, b, w)
        rows = []
        for c in counts:
            clamped = min(max(c, 1), w)
            rows.append({"examples": c, "clamped": clamped, "weight": repr(clamped / w),
                         "limbs": [(clamped >> (i * h)) & ((1 << h) - 1) for i in range(count)]})
        cases.append({"clients": n, "bits": b, "max_weight": w, "limb_bits": h, "limb_count": count, "counts": rows})
    return {
        "generated_by": GENERATED_BY,
        "spec": "Docs/wire.md § 13.6: limb width h (largest in 1..31 with n(2^h - 1) <= 2^b - 1), limb count, clamped "
                "count, weight c/W (repr of the double) and limbs (least significant first). Read by "
                "Tests/FedCoreTests/WireVectorTests.swift from the source tree.",
        "cases": cases,
    }


def write(path, obj, check):
    text = json.dumps(obj, indent=1, sort_keys=False) + "\n"
    if check:
        with open(path) as f:
            if f.read() != text:
                print(f"{path} differs from the generator's output", file=sys.stderr)
                return False
        return True
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(path, ROOT)}")
    return True


def main():
    _rfc8439_self_test()
    _curve_self_test()
    check = "--check" in sys.argv[1:]
    ok = True
    ok &= write(os.path.join(SECUREAGG_DIR, "prg_stream.json"), prg_vectors(), check)
    ok &= write(os.path.join(SECUREAGG_DIR, "harary_permutation.json"), harary_vectors(), check)
    ok &= write(os.path.join(SECUREAGG_DIR, "secagg_round.json"), round_vectors(), check)
    ok &= write(os.path.join(SECUREAGG_DIR, "primitives.json"), primitive_vectors(), check)
    ok &= write(os.path.join(SECUREAGG_DIR, "registry_hashes.json"), registry_vectors(), check)
    ok &= write(os.path.join(SECUREAGG_DIR, "weighted_limbs.json"), limb_vectors(), check)
    ok &= write(os.path.join(DPNOISE_DIR, "rotation_signs.json"), rotation_vectors(), check)
    ok &= write(os.path.join(DPNOISE_DIR, "encoder_randomness.json"), encoder_vectors(), check)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
