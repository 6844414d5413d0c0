#!/usr/bin/env python3
"""Finds two registries whose version-1 (4-byte) fingerprints collide: the search behind
`v1-fingerprint-collision.json`. Birthday search, about 2^18 SHA-256 calls, about a second.

Registry A is [issuer, api-a, "scope-<i>"] and registry B [issuer, api-b, "scope-<j>"]: an
attacker who may add one scope name to each of the two registries varies i and j until the
fingerprints match. The fingerprint is FORMAT.md's, version 1:
SHA-256("compact-token registry v1" 0x00 || varint(count) || (varint(len) || value)*)[:4].
"""
import hashlib

DOMAIN = b"compact-token registry v1\0"
ISSUER = "https://auth.example.com"
API_A = "https://api-a.example.com"
API_B = "https://api-b.example.com"


def varint(v):
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        if v == 0:
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def fingerprint_v1(values):
    h = hashlib.sha256(DOMAIN + varint(len(values)))
    for v in values:
        b = v.encode()
        h.update(varint(len(b)) + b)
    return h.digest()[:4]


# FORMAT.md's version-1 sample fingerprints, so the search hashes what the format hashed.
assert fingerprint_v1([]).hex() == "e4d950f5"
assert fingerprint_v1([ISSUER, "https://api.example.com", "read:orders", "write:orders"]).hex() == "44a9e757"

seen = {}
for n in range(1 << 24):
    seen[fingerprint_v1([ISSUER, API_A, f"scope-{n}"])] = n
    fp = fingerprint_v1([ISSUER, API_B, f"scope-{n}"])
    if fp in seen:
        print(f"A: scope-{seen[fp]}  B: scope-{n}  fingerprint {fp.hex()}  ({2 * (n + 1)} hashes)")
        break
