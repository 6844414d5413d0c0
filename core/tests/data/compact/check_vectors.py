#!/usr/bin/env python3
"""Checks vectors.json (format version 2) without this crate: each payload is the version-1
payload of vectors-v1.json with only the tag's version (1 -> 2) and the registry fingerprint
(4 bytes, domain "v1" -> 16 bytes, domain "v2") changed; the fingerprints are recomputed with
hashlib from FORMAT.md; every signature is checked with `cryptography` (Ed25519, OpenSSL) or
`hmac`, and the Ed25519 ones are re-made (Ed25519 is deterministic). Run from this folder."""
import json, hashlib, hmac, base64
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
def varint(v):
    out = bytearray()
    while True:
        b, v = v & 0x7F, v >> 7
        if v == 0: out.append(b); return bytes(out)
        out.append(b | 0x80)
def fp(values, dom, n):
    h = hashlib.sha256(dom + varint(len(values)))
    for v in values:
        b=v.encode(); h.update(varint(len(b))+b)
    return h.digest()[:n]
def b64d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def b64e(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
old = {v['name']: v for v in json.load(open('vectors-v1.json'))}
new = json.load(open('vectors.json'))
for v in new:
    o = old[v['name']]
    assert fp(v['registry'], b"compact-token registry v2\0", 16).hex() == v['registry_fingerprint']
    assert fp(o['registry'], b"compact-token registry v1\0", 4).hex() == o['registry_fingerprint']
    op = bytearray(bytes.fromhex(o['payload_hex']))
    assert op[0] in (0x84, 0x85)
    exp = bytearray([op[0] + 4])  # version 1 -> 2 in bits 5..2
    flags_end = 1
    while op[flags_end] & 0x80: flags_end += 1
    flags_end += 1
    exp += op[1:flags_end]
    rest = op[flags_end:]
    if op[1] & 1:
        assert rest[:4].hex() == o['registry_fingerprint']
        exp += bytes.fromhex(v['registry_fingerprint']) + rest[4:]
    else:
        exp += rest
    assert exp.hex() == v['payload_hex'], v['name']
    h, p, s = v['token'].split('.')
    assert b64e(b64d(p)) == p and b64d(p).hex() == v['payload_hex']
    assert h == o['token'].split('.')[0]
    key = bytes.fromhex(v['key'])
    msg = (h + '.' + p).encode()
    if v['alg'] == 'EdDSA':
        Ed25519PrivateKey.from_private_bytes(key).public_key().verify(b64d(s), msg)
        assert b64e(Ed25519PrivateKey.from_private_bytes(key).sign(msg)) == s
    else:
        assert b64e(hmac.new(key, msg, hashlib.sha256).digest()) == s
    assert len(v['token']) == v['length']
    assert v['claims'] == o['claims'] and v['registry'] == o['registry'] and v['kid'] == o['kid']
    print(v['name'], o['length'], '->', v['length'], v['registry_fingerprint'], len(bytes.fromhex(v['payload_hex'])))
print("all vectors independently checked")
