#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (a few small valid inputs each) into Fuzz/Corpus/<target>/.

Run from anywhere: python3 Fuzz/Corpus/make_seeds.py. The outputs are checked in; rerun after a format change.
Keys are the RFC 8032 Ed25519 test vectors 1-3 (public values; never use them for anything real).
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

SEED1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
PK1 = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
PK2 = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
PK3 = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"


def write(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def pack(values, bits):
    acc, filled, out = 0, 0, bytearray()
    for v in values:
        acc |= (v & ((1 << bits) - 1)) << filled
        filled += bits
        while filled >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            filled -= 8
    if filled:
        out.append(acc & 0xFF)
    return bytes([1, bits]) + struct.pack("<I", len(values)) + bytes(out)


def safetensors(entries, metadata=None):
    header, data = {}, b""
    for name, dtype, shape, payload in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    if metadata is not None:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(h)) + h + data


# --- a minimal protobuf encoder (proto3 wire format) for the gRPC message seeds -------------------------------

def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_uint(field, v):
    return varint(field << 3) + varint(v) if v else b""


def pb_bytes(field, data):
    data = data.encode() if isinstance(data, str) else data
    return varint(field << 3 | 2) + varint(len(data)) + data


def pb_double(field, x):
    return varint(field << 3 | 1) + struct.pack("<d", x) if x else b""


def pb_packed(field, values):
    return pb_bytes(field, b"".join(varint(v) for v in values)) if values else b""


def filler(n, tag):
    return bytes((tag * 31 + i) & 0xFF for i in range(n))


def encoding_parameters(dimension, block, bits, noise=1):
    return (pb_uint(1, 1) + pb_uint(2, dimension) + pb_uint(3, block) + pb_double(4, 1.0) + pb_double(5, 100.0)
            + pb_uint(6, bits) + pb_bytes(8, filler(32, 9)) + pb_uint(9, noise) + pb_uint(10, 100) + pb_uint(11, 1)
            + pb_uint(12, 100))


def round_start(cohort, k, t, bits, dimension, block, padded, max_weight=0, vector_length=None):
    return (pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2) + pb_packed(4, cohort) + pb_uint(5, k) + pb_uint(6, t)
            + pb_uint(7, bits) + pb_uint(8, vector_length or padded) + pb_bytes(9, filler(32, 1))
            + pb_bytes(10, "ab" * 32) + pb_bytes(11, encoding_parameters(dimension, block, bits))
            + pb_uint(12, t) + pb_uint(13, 30000) + pb_uint(14, max_weight))


def advertise(sender, round_=1):
    # AdvertiseKeys message version 2 (wire version 4).
    return (pb_uint(1, 2) + pb_uint(2, round_) + pb_uint(3, sender) + pb_bytes(4, filler(32, sender))
            + pb_bytes(5, filler(32, sender + 50)) + pb_bytes(6, filler(32, sender + 100))
            + pb_bytes(7, filler(64, sender + 150)))


def encrypted_share(sender, receiver):
    return pb_uint(1, sender) + pb_uint(2, receiver) + pb_bytes(3, filler(133, sender * 7 + receiver))


def shamir_share(x):
    p = (1 << 61) - 1
    return bytes([1]) + struct.pack("<I", x) + bytes([5]) + b"".join(struct.pack("<Q", (v * 977) % p)
                                                                     for v in range(x, x + 5))


def masked_chunk(values, bits, round_=1, sender=1):
    packed = pack(values, bits)
    return (pb_uint(1, 1) + pb_uint(2, round_) + pb_uint(3, sender) + pb_uint(4, 0) + pb_uint(5, 1)
            + pb_uint(6, len(packed)) + pb_bytes(7, packed))


def wire_seeds():
    # Client side: what the server sends.
    write("FuzzRoundStart", "plain", round_start([1, 2, 3, 4, 5], 4, 3, 16, 100, 64, 128))
    write("FuzzRoundStart", "block_of_one", round_start([2, 5, 9], 2, 2, 20, 65, 64, 65))
    write("FuzzRoundStart", "weighted", round_start([1, 2, 3, 4], 3, 2, 16, 8, 8, 8, max_weight=1000,
                                                    vector_length=9))
    write("FuzzKeyBroadcast", "three", pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2)
          + b"".join(pb_bytes(4, advertise(s)) for s in [1, 2, 3]) + pb_bytes(5, filler(32, 77)))
    write("FuzzKeyBroadcast", "empty_list", pb_uint(1, 1) + pb_uint(2, 4) + pb_uint(3, 1) + pb_bytes(5, filler(32, 3)))
    write("FuzzShareBroadcast", "two", pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2)
          + pb_bytes(4, encrypted_share(1, 2)) + pb_bytes(4, encrypted_share(3, 2)))
    write("FuzzConsistencyRequest", "survivors", pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2)
          + pb_packed(4, [1, 2, 4, 5]))
    signatures = b"".join(pb_bytes(6, pb_uint(1, s) + pb_bytes(2, filler(64, s))) for s in [1, 2, 4])
    write("FuzzUnmaskingRequest", "one_dropped", pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2)
          + pb_packed(4, [1, 2, 4]) + pb_packed(5, [3]) + signatures)
    # Server side: masked-input chunk sequences (header: b − 1, m − 1 as u16 LE; then length-prefixed chunks).
    values = [(i * 2654435761) & 0x1FFF for i in range(37)]
    chunk = masked_chunk(values, 13)
    write("FuzzMaskedInputChunks", "m37_b13", bytes([12]) + struct.pack("<H", 36) + struct.pack("<H", len(chunk)) + chunk)
    chunk = masked_chunk([1, 0, 1, 1, 0, 1, 0, 0, 1], 1)
    write("FuzzMaskedInputChunks", "m9_b1", bytes([0]) + struct.pack("<H", 8) + struct.pack("<H", len(chunk)) + chunk)
    chunk = masked_chunk([0xFFFFFFFF, 0, 7], 32)
    write("FuzzMaskedInputChunks", "m3_b32", bytes([31]) + struct.pack("<H", 2) + struct.pack("<H", len(chunk)) + chunk)
    # Server side: client envelopes (protocol_version 4), one per phase.
    env = lambda field, body: pb_uint(1, 4) + pb_bytes(field, body)
    write("FuzzClientMessage", "advertise", env(4, advertise(3)))
    write("FuzzClientMessage", "share_keys", env(5, pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2)
                                                 + pb_bytes(4, encrypted_share(2, 1)) + pb_bytes(4, encrypted_share(2, 3))))
    write("FuzzClientMessage", "masked_input", env(6, masked_chunk(values, 13, sender=2)))
    write("FuzzClientMessage", "consistency", env(7, pb_uint(1, 2) + pb_uint(2, 1) + pb_uint(3, 2)
                                                  + pb_bytes(4, filler(64, 5))))
    revealed = b"".join(pb_bytes(4, pb_uint(1, o) + pb_uint(2, k) + pb_bytes(3, shamir_share(2))) for o, k in [(1, 1), (3, 2)])
    write("FuzzClientMessage", "unmasking", env(8, pb_uint(1, 1) + pb_uint(2, 1) + pb_uint(3, 2) + revealed))
    write("FuzzClientMessage", "hello", env(2, pb_uint(1, 1) + pb_uint(2, 4) + pb_bytes(3, filler(32, 4))
                                            + pb_bytes(4, filler(32, 6))))


def main():
    write("FuzzBitPacking", "bits5", pack([0, 1, 2, 30, 31, 17, 9], 5))
    write("FuzzBitPacking", "bits32", pack([0, 0xFFFFFFFF, 123456789], 32))
    write("FuzzBitPacking", "bits1", pack([1, 0, 1, 1, 0, 0, 1, 0, 1], 1))
    write("FuzzBitPacking", "empty", pack([], 20))

    p = (1 << 61) - 1
    write("FuzzShamirShare", "x3_5chunks", bytes([1]) + struct.pack("<I", 3) + bytes([5])
          + b"".join(struct.pack("<Q", v) for v in [0, 1, p - 1, 12345, 1 << 60]))
    write("FuzzShamirShare", "x1_1chunk", bytes([1]) + struct.pack("<I", 1) + bytes([1]) + struct.pack("<Q", 7))

    f32 = struct.pack("<4f", 0.5, -1.25, 3.0, 0.0)
    write("FuzzSafetensors", "f32_f16_meta", safetensors(
        [("a.weight", "F32", [2, 2], f32), ("b.bias", "F16", [3], struct.pack("<3e", 1.0, -2.0, 0.5)),
         ("c.ids", "I64", [2], struct.pack("<2q", 5, -6))], {"format": "pt"}))
    write("FuzzSafetensors", "bf16_scalar_empty", safetensors(
        [("s", "F64", [], struct.pack("<d", 2.5)), ("z", "BF16", [0], b""), ("t", "BF16", [2], b"\x80\x3f\x00\xc0")]))

    key = {"format": "secagg-identity-key", "version": 1, "id": 3, "role": "client", "sign_public_key": PK1,
           "secret": {"encoding": "plain", "seed": SEED1}}
    write("FuzzKeyFile", "plain_client", json.dumps(key, indent=2) + "\n")
    key_server = dict(key, id=0, role="server")
    write("FuzzKeyFile", "plain_server", json.dumps(key_server, separators=(",", ":")))
    encrypted = dict(key, secret={"encoding": "argon2id-xchacha20poly1305", "salt": "00" * 16, "opslimit": 2,
                                  "memlimit": 67108864, "ciphertext": "ab" * 72})
    write("FuzzKeyFile", "encrypted_client", json.dumps(encrypted, indent=2) + "\n")

    registry = {"version": 1, "server": {"id": 0, "sign_public_key": PK1},
                "clients": [{"id": 1, "sign_public_key": PK2}, {"id": 2, "sign_public_key": PK3, "revoked": True}]}
    write("FuzzRegistry", "two_clients", json.dumps(registry, indent=2) + "\n")
    write("FuzzRegistry", "one_client", json.dumps(dict(registry, clients=[{"id": 7, "sign_public_key": PK2}])))

    header = {"created": "2026-01-01T00:00:00.000Z", "format": "secagg-ledger", "version": 1}
    charged = {"type": "round_charged", "round": 1, "mechanism": "ddgauss", "noise_multiplier": 1.1, "clients": 10,
               "min_survivors": 8, "sampling_rate": 1, "dimension": 1024, "clip": 1.5, "bits": 20, "scale": 0.001,
               "local_variance_numerator": 121, "local_variance_denominator": 8, "delta": 1e-5,
               "epsilon_round": 0.7, "epsilon_cumulative": 0.7, "budget_epsilon": 8, "colluding_clients": 0,
               "beta": 0.6065306597126334, "mod_clip_probability": 0.0001, "timestamp": "2026-01-01T00:00:01.000Z"}
    completed = {"type": "round_completed", "round": 1, "survivors": 9, "survivor_ids": [1, 2, 3, 4, 5, 6, 7, 8, 10],
                 "output_hash": "00" * 32, "timestamp": "2026-01-01T00:00:02.000Z"}
    failed = {"type": "round_failed", "round": 2, "reason": "too few survivors", "charged": False}
    lines = [json.dumps(x, sort_keys=True, separators=(",", ":")) for x in (header, charged, completed, failed)]
    write("FuzzLedger", "three_records", "\n".join(lines) + "\n")
    write("FuzzLedger", "torn_tail", "\n".join(lines[:2]) + "\n" + lines[2][:40])
    write("FuzzLedger", "header_only", lines[0] + "\n")

    wire_seeds()


if __name__ == "__main__":
    main()
