"""Issues and verifies an access token through the compact-token C ABI, with ctypes.

    python3 ffi/examples/python/example.py [path/to/libcompact_token_ffi.so]

(default: target/release/libcompact_token_ffi.so; build it with
`cargo build -p compact-token-ffi --release`).
"""

import ctypes
import pathlib
import sys
import time

lib_path = sys.argv[1] if len(sys.argv) > 1 else str(
    pathlib.Path(__file__).resolve().parents[3] / "target/release/libcompact_token_ffi.so"
)
lib = ctypes.CDLL(lib_path)

CT_OK = 0
CT_BUFFER_TOO_SMALL = 26
CT_KEY_USE_ACCESS = 1
CT_PROFILE_JWT = 0
CT_PROFILE_COMPACT = 1
CT_MAX_AUDIENCES = 8
CT_MAX_AMR = 8


class CtStr(ctypes.Structure):
    _fields_ = [("ptr", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    def text(self):
        return None if not self.ptr else ctypes.string_at(self.ptr, self.len).decode()


def s(value: bytes) -> CtStr:
    # ctypes keeps `value` (an immutable bytes object) alive as long as the caller does.
    return CtStr(ctypes.cast(ctypes.c_char_p(value), ctypes.c_void_p), len(value))


class CtExtras(ctypes.Structure):
    # Custom claims: a JSON object text, and (verified) the kind whose typed claims to skip.
    _fields_ = [("json", CtStr), ("kind", ctypes.c_uint32)]


class AccessClaims(ctypes.Structure):
    _fields_ = [
        ("iss", CtStr),
        ("sub", CtStr),
        ("aud", CtStr * CT_MAX_AUDIENCES),
        ("aud_len", ctypes.c_size_t),
        ("client_id", CtStr),
        ("iat", ctypes.c_uint64),
        ("exp", ctypes.c_uint64),
        ("has_nbf", ctypes.c_bool),
        ("nbf", ctypes.c_uint64),
        ("jti", CtStr),
        ("scope", CtStr),
        ("has_auth_time", ctypes.c_bool),
        ("auth_time", ctypes.c_uint64),
        ("acr", CtStr),
        ("amr", CtStr * CT_MAX_AMR),
        ("amr_len", ctypes.c_size_t),
        ("extra", CtExtras),
    ]


P = ctypes.POINTER
lib.ct_error_message.restype = ctypes.c_char_p
lib.ct_error_message.argtypes = [ctypes.c_uint32]
lib.ct_key_new_ed25519_seed.argtypes = [ctypes.c_char_p, ctypes.c_uint32, P(ctypes.c_void_p)]
lib.ct_key_ed25519_public_bytes.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.ct_key_new_ed25519_public.argtypes = [ctypes.c_char_p, ctypes.c_uint32, P(ctypes.c_void_p)]
lib.ct_key_free.argtypes = [ctypes.c_void_p]
lib.ct_key_free.restype = None
lib.ct_access_issue.argtypes = [
    ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, P(AccessClaims),
    ctypes.c_char_p, ctypes.c_size_t, P(ctypes.c_size_t),
]
lib.ct_access_verify.argtypes = [
    ctypes.c_void_p, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
    CtStr, CtStr, ctypes.c_uint64, ctypes.c_char_p, ctypes.c_size_t, P(AccessClaims),
]
lib.ct_extras_get_str.argtypes = [
    P(CtExtras), P(CtStr), ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, P(ctypes.c_size_t),
]
for f in (lib.ct_extras_get_str, lib.ct_key_new_ed25519_seed, lib.ct_key_ed25519_public_bytes,
          lib.ct_key_new_ed25519_public, lib.ct_access_issue, lib.ct_access_verify):
    f.restype = ctypes.c_uint32


def check(rc):
    if rc != CT_OK:
        raise RuntimeError(f"compact-token error {rc}: {lib.ct_error_message(rc).decode()}")


ISS, AUD = b"https://auth.example.com", b"https://api.example.com"

signing = ctypes.c_void_p()
check(lib.ct_key_new_ed25519_seed(bytes([7] * 32), CT_KEY_USE_ACCESS, ctypes.byref(signing)))
public = ctypes.create_string_buffer(32)
check(lib.ct_key_ed25519_public_bytes(signing, public))
verifying = ctypes.c_void_p()
check(lib.ct_key_new_ed25519_public(public.raw, CT_KEY_USE_ACCESS, ctypes.byref(verifying)))

now = int(time.time())
strings = [ISS, b"user-8f14e45f", AUD, b"s6BhdRkqt3", b"b1c2d3e4f5a6b7c8", b"read:orders write:orders"]
claims = AccessClaims()
claims.iss, claims.sub = s(strings[0]), s(strings[1])
claims.aud[0], claims.aud_len = s(strings[2]), 1
claims.client_id, claims.jti, claims.scope = s(strings[3]), s(strings[4]), s(strings[5])
claims.iat, claims.exp = now, now + 300
extra = b'{"roles":["admin"],"tenant":"acme"}'
claims.extra.json = s(extra)

for profile, name in ((CT_PROFILE_JWT, "jwt"), (CT_PROFILE_COMPACT, "compact")):
    written = ctypes.c_size_t()
    # Ask for the length first: CT_BUFFER_TOO_SMALL writes the length needed.
    probe = ctypes.create_string_buffer(1)
    rc = lib.ct_access_issue(signing, profile, None, ctypes.byref(claims), probe, 0, ctypes.byref(written))
    assert rc == CT_BUFFER_TOO_SMALL, rc
    out = ctypes.create_string_buffer(written.value)
    check(lib.ct_access_issue(signing, profile, None, ctypes.byref(claims), out, len(out), ctypes.byref(written)))
    token = out.raw[: written.value]
    print(f"{name} ({len(token)} bytes): {token.decode()}")

    scratch = ctypes.create_string_buffer(3 * len(token))
    verified = AccessClaims()
    check(lib.ct_access_verify(verifying, profile, None, token, len(token), s(ISS), s(AUD), now,
                               scratch, len(scratch), ctypes.byref(verified)))
    print(f"  verified: sub={verified.sub.text()} aud={verified.aud[0].text()} "
          f"scope={verified.scope.text()!r} exp={verified.exp}")
    path = (CtStr * 1)(s(b"tenant"))
    tenant = ctypes.create_string_buffer(64)
    check(lib.ct_extras_get_str(ctypes.byref(verified.extra), path, 1, tenant, len(tenant),
                                ctypes.byref(written)))
    print(f"  custom claims: {verified.extra.json.text()[:60]}... tenant={tenant.raw[:written.value].decode()}")
    assert verified.sub.text() == "user-8f14e45f" and verified.exp == now + 300

    # A tampered token is refused with its exact code.
    bad = bytearray(token)
    i = token.index(b".") + 5
    bad[i] = ord("A") if bad[i] != ord("A") else ord("B")
    rc = lib.ct_access_verify(verifying, profile, None, bytes(bad), len(bad), s(ISS), s(AUD), now, None, 0, None)
    print(f"  tampered: {rc} ({lib.ct_error_message(rc).decode()})")
    assert rc == 8, rc

lib.ct_key_free(signing)
lib.ct_key_free(verifying)
print("python example: ok")
