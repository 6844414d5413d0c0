#!/usr/bin/env python3
"""Self-test of the interop peers (run through interop/selftest.sh).

Standard library only. Drives interop/run-pyjwt and interop/run-jose through
the line protocol (mostly in batch mode), cross-checks PyJWT <-> jose, and
prints "N passed, M failed" as its last line.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = {"pyjwt": os.path.join(HERE, "run-pyjwt"), "jose": os.path.join(HERE, "run-jose")}

# RFC 8037 Appendix A.1 (Ed25519 key) and A.4 (JWS over "Example of Ed25519 signing").
RFC8037_PRIV = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
RFC8037_PUB = {k: v for k, v in RFC8037_PRIV.items() if k != "d"}
RFC8037_PAYLOAD = b"Example of Ed25519 signing"
RFC8037_SIG = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

# RFC 7515 Appendix A.1 (HS256 JWS; header with CRLF whitespace, exp 1300819380).
RFC7515_KEY = {
    "kty": "oct",
    "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
}
RFC7515_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

ISS = "https://auth.example.com"
AUD = "https://api.example.com"
IAT = 1_700_000_000
NOW = IAT + 100


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def access_claims(iat: int = IAT) -> dict:
    return {
        "iss": ISS,
        "sub": "user-8f14e45f",
        "aud": AUD,
        "client_id": "s6BhdRkqt3",
        "iat": iat,
        "exp": iat + 300,
        "jti": "b1c2d3e4f5a6b7c8",
        "scope": "read:orders write:orders",
    }


passed = 0
failed = 0


def check(name: str, cond: bool, detail=None) -> None:
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {json.dumps(detail)[:600]}" if detail is not None else ""))


def run(peer: str, request):
    """One process per call; returns (parsed stdout, exit code)."""
    proc = subprocess.run(
        [PEERS[peer]], input=json.dumps(request), capture_output=True, text=True, timeout=120
    )
    if proc.stderr.strip():
        sys.stderr.write(f"[{peer} stderr] {proc.stderr}")
    try:
        out = json.loads(proc.stdout) if proc.stdout.strip() else None
    except ValueError:
        out = None
    return out, proc.returncode


def batch(peer: str, requests: list) -> list:
    out, rc = run(peer, requests)
    ok = rc == 0 and isinstance(out, list) and len(out) == len(requests)
    check(f"{peer}: batch of {len(requests)} answered, exit 0", ok, {"rc": rc, "out": out})
    return out if ok else [{"ok": False, "error": "batch failed"}] * len(requests)


def tamper(token: str, segment: int) -> str:
    parts = token.split(".")
    s = parts[segment]
    # Flip one character in the middle (keeps it valid base64url).
    i = len(s) // 2
    parts[segment] = s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:]
    return ".".join(parts)


def verify_req(alg, key, token, **extra):
    req = {"op": "verify", "alg": alg, "key": key, "token": token, "audience": AUD, "issuer": ISS,
           "typ": "at+jwt", "now": NOW}
    req.update(extra)
    return req


def main() -> int:
    names = list(PEERS)

    # -- protocol basics --------------------------------------------------------
    for p in names:
        out, rc = run(p, {"op": "version"})
        check(f"{p}: single request -> single object", rc == 0 and isinstance(out, dict) and out.get("ok"), out)
        proc = subprocess.run([PEERS[p]], input="not json", capture_output=True, text=True)
        check(f"{p}: non-JSON stdin exits 2", proc.returncode == 2, proc.returncode)

    # -- RFC vectors ------------------------------------------------------------
    rfc_token = f"{b64url(json.dumps({'alg': 'EdDSA'}, separators=(',', ':')).encode())}.{b64url(RFC8037_PAYLOAD)}.{RFC8037_SIG}"
    for p in names:
        r = batch(p, [
            {"op": "sign_jws", "alg": "EdDSA", "key": RFC8037_PRIV, "header": {}, "payload_b64": b64url(RFC8037_PAYLOAD)},
            {"op": "verify_jws", "alg": "EdDSA", "key": RFC8037_PUB, "token": rfc_token},
            {"op": "verify_jws", "alg": "EdDSA", "key": RFC8037_PUB, "token": tamper(rfc_token, 2)},
            {"op": "verify_jws", "alg": "HS256", "key": RFC7515_KEY, "token": RFC7515_TOKEN},
            {"op": "verify", "alg": "HS256", "key": RFC7515_KEY, "token": RFC7515_TOKEN, "issuer": "joe", "typ": "JWT", "now": 1300819379},
            {"op": "verify", "alg": "HS256", "key": RFC7515_KEY, "token": RFC7515_TOKEN, "issuer": "joe", "now": 1300819380},
            {"op": "verify", "alg": "HS256", "key": RFC7515_KEY, "token": RFC7515_TOKEN, "issuer": "joe"},
        ])
        check(f"{p}: RFC 8037 A.4 signature reproduced exactly", r[0].get("token") == rfc_token, r[0])
        check(f"{p}: RFC 8037 A.4 JWS verifies", r[1].get("ok") and r[1].get("payload_b64") == b64url(RFC8037_PAYLOAD), r[1])
        check(f"{p}: RFC 8037 A.4 tampered signature rejected", r[2].get("ok") is False, r[2])
        check(f"{p}: RFC 7515 A.1 HS256 JWS verifies", r[3].get("ok") is True, r[3])
        check(f"{p}: RFC 7515 A.1 JWT verifies at now=exp-1",
              r[4].get("ok") is True and r[4].get("claims", {}).get("http://example.com/is_root") is True
              and "time_checks" not in r[4], r[4])
        check(f"{p}: RFC 7515 A.1 JWT expired at now=exp", r[5].get("ok") is False, r[5])
        check(f"{p}: RFC 7515 A.1 JWT expired on the system clock", r[6].get("ok") is False, r[6])

    # -- keygen -> issue -> verify here and in the other peer --------------------
    keys = {}
    for p in names:
        r = batch(p, [{"op": "keygen", "alg": "EdDSA"}, {"op": "keygen", "alg": "EdDSA"}, {"op": "keygen", "alg": "HS256"}])
        good = all(x.get("ok") for x in r)
        check(f"{p}: keygen EdDSA / HS256", good and "d" in r[0]["private_jwk"] and "d" not in r[0]["public_jwk"]
              and r[0]["public_jwk"].get("crv") == "Ed25519" and len(base64.urlsafe_b64decode(r[2]["private_jwk"]["k"] + "=")) == 32, r)
        if good:
            keys[p] = r

    hs_key = {"kty": "oct", "k": b64url(bytes(range(32)))}  # a 32-byte key
    for p in names:
        if p not in keys:
            continue
        (k1, k2, _hs) = keys[p]
        priv, pub = dict(k1["private_jwk"], kid=f"{p}-k1"), dict(k1["public_jwk"], kid=f"{p}-k1")
        priv2, pub2 = dict(k2["private_jwk"], kid=f"{p}-k2"), dict(k2["public_jwk"], kid=f"{p}-k2")
        claims = access_claims()
        live = access_claims(int(time.time()) - 10)
        r = batch(p, [
            {"op": "issue", "alg": "EdDSA", "key": priv, "header": {"typ": "at+jwt", "kid": f"{p}-k1"}, "claims": claims},
            {"op": "issue", "alg": "HS256", "key": hs_key, "header": {"typ": "at+jwt", "kid": "hs"}, "claims": claims},
            {"op": "issue", "alg": "EdDSA", "key": priv, "header": {"typ": "application/at+jwt", "kid": f"{p}-k1"}, "claims": claims},
            {"op": "issue", "alg": "EdDSA", "key": priv2, "header": {"typ": "at+jwt", "kid": f"{p}-k2"}, "claims": live},
            {"op": "issue", "alg": "EdDSA", "key": priv, "header": {"typ": "JWT", "kid": f"{p}-k1"}, "claims": claims},
            {"op": "sign_jws", "alg": "EdDSA", "key": priv, "header": {"kid": f"{p}-k1"}, "payload_b64": "gQD_"},
            {"op": "sign_jws", "alg": "HS256", "key": hs_key, "payload_b64": "gQD_"},
            {"op": "issue", "alg": "EdDSA", "key": priv, "header": {"typ": "at+jwt", "kid": f"{p}-k2"}, "claims": claims},
        ])
        check(f"{p}: issue at+jwt EdDSA / HS256 / binary JWS", all(x.get("ok") for x in r), r)
        if not all(x.get("ok") for x in r):
            continue
        t_ed, t_hs, t_app, t_live, t_jwt, t_bin, t_bin_hs, t_wrongkid = (x["token"] for x in r)
        jwks = {"keys": [pub, pub2]}

        for q in names:
            tag = f"{p}->{q}"
            v = batch(q, [
                verify_req("EdDSA", pub, t_ed),                                   # 0
                verify_req("EdDSA", pub, tamper(t_ed, 1)),                        # 1 payload tampered
                verify_req("EdDSA", pub, tamper(t_ed, 2)),                        # 2 signature tampered
                verify_req("EdDSA", pub2, t_ed),                                  # 3 wrong key
                verify_req("EdDSA", pub, t_ed, audience="https://other.example"),  # 4
                verify_req("EdDSA", pub, t_ed, issuer="https://evil.example"),    # 5
                verify_req("EdDSA", pub, t_ed, now=IAT + 300),                    # 6 expired
                verify_req("EdDSA", pub, t_app),                                  # 7 application/at+jwt
                verify_req("EdDSA", pub, t_jwt),                                  # 8 typ JWT where at+jwt wanted
                verify_req("EdDSA", pub, t_ed, typ="AT+JWT"),                     # 9 case-insensitive
                verify_req("HS256", hs_key, t_hs),                                # 10
                verify_req("HS256", dict(hs_key, k=b64url(bytes(range(1, 33)))), t_hs),  # 11 wrong HS key
                verify_req("HS256", hs_key, tamper(t_hs, 1)),                     # 12
                verify_req("HS256", hs_key, t_ed),                                # 13 EdDSA token, HS256 key
                {k: v for k, v in verify_req("EdDSA", pub2, t_live).items() if k != "now"},  # 14 system clock
                {"op": "verify_jws", "alg": "EdDSA", "key": pub, "token": t_bin},            # 15
                {"op": "verify_jws", "alg": "EdDSA", "key": pub, "token": tamper(t_bin, 2)}, # 16
                {"op": "verify_jws", "alg": "HS256", "key": hs_key, "token": t_bin_hs},      # 17
                verify_req("EdDSA", pub, t_bin),                                  # 18 binary payload is no JWT
                {"op": "verify_jws", "alg": "EdDSA", "key": pub, "token": t_ed},  # 19 JWT via plain JWS
                {"op": "jwks", "keys": jwks["keys"]},                             # 20
                {"op": "jwks_verify", "jwks": jwks, "token": t_ed, "audience": AUD, "issuer": ISS, "typ": "at+jwt", "now": NOW},  # 21
                {"op": "jwks_verify", "jwks": jwks, "token": t_live, "audience": AUD, "issuer": ISS},                               # 22 kid k2
                {"op": "jwks_verify", "jwks": {"keys": [pub2]}, "token": t_ed, "audience": AUD, "issuer": ISS, "now": NOW},        # 23 unknown kid
                {"op": "jwks_verify", "jwks": jwks, "token": t_wrongkid, "audience": AUD, "issuer": ISS, "now": NOW},              # 24 kid lies
                {"op": "jwks_verify", "jwks": jwks, "token": tamper(t_ed, 1), "audience": AUD, "issuer": ISS, "now": NOW},         # 25
            ])
            check(f"{tag}: EdDSA at+jwt verifies, claims round-trip",
                  v[0].get("ok") is True and v[0].get("claims") == claims
                  and v[0].get("header", {}).get("typ") == "at+jwt" and v[0].get("header", {}).get("alg") == "EdDSA"
                  and v[0].get("header", {}).get("kid") == f"{p}-k1", v[0])
            check(f"{tag}: tampered payload rejected", v[1].get("ok") is False, v[1])
            check(f"{tag}: tampered signature rejected", v[2].get("ok") is False, v[2])
            check(f"{tag}: wrong EdDSA key rejected", v[3].get("ok") is False, v[3])
            check(f"{tag}: wrong audience rejected", v[4].get("ok") is False, v[4])
            check(f"{tag}: wrong issuer rejected", v[5].get("ok") is False, v[5])
            check(f"{tag}: expired at now=exp rejected", v[6].get("ok") is False, v[6])
            check(f"{tag}: typ application/at+jwt accepted as at+jwt", v[7].get("ok") is True, v[7])
            check(f"{tag}: typ JWT rejected where at+jwt expected", v[8].get("ok") is False, v[8])
            check(f"{tag}: typ compared case-insensitively", v[9].get("ok") is True, v[9])
            check(f"{tag}: HS256 (32-byte key) verifies", v[10].get("ok") is True and v[10].get("claims") == claims, v[10])
            check(f"{tag}: HS256 wrong key rejected", v[11].get("ok") is False, v[11])
            check(f"{tag}: HS256 tampered rejected", v[12].get("ok") is False, v[12])
            check(f"{tag}: EdDSA token under HS256 key rejected", v[13].get("ok") is False, v[13])
            check(f"{tag}: verify on the system clock", v[14].get("ok") is True and v[14].get("claims") == live, v[14])
            check(f"{tag}: verify_jws binary payload 81 00 ff", v[15].get("ok") is True and v[15].get("payload_b64") == "gQD_", v[15])
            check(f"{tag}: verify_jws tampered rejected", v[16].get("ok") is False, v[16])
            check(f"{tag}: verify_jws HS256 binary payload", v[17].get("ok") is True and v[17].get("payload_b64") == "gQD_", v[17])
            check(f"{tag}: binary payload rejected as a JWT", v[18].get("ok") is False, v[18])
            check(f"{tag}: verify_jws on a JWT returns its payload segment",
                  v[19].get("ok") is True and v[19].get("payload_b64") == t_ed.split(".")[1], v[19])
            check(f"{tag}: jwks loads 2 keys with their kids",
                  v[20].get("ok") is True and v[20].get("count") == 2 and v[20].get("kids") == [f"{p}-k1", f"{p}-k2"], v[20])
            check(f"{tag}: jwks_verify finds kid k1", v[21].get("ok") is True and v[21].get("claims") == claims, v[21])
            check(f"{tag}: jwks_verify finds kid k2 (system clock)", v[22].get("ok") is True, v[22])
            check(f"{tag}: jwks_verify unknown kid rejected", v[23].get("ok") is False, v[23])
            check(f"{tag}: jwks_verify kid naming the wrong key rejected", v[24].get("ok") is False, v[24])
            check(f"{tag}: jwks_verify tampered rejected", v[25].get("ok") is False, v[25])
            internal = [x for x in v if x.get("internal")]
            check(f"{tag}: no internal errors", not internal, internal)

    # -- ES256, RS256, PS256: each peer's keys and tokens in both peers --------
    for p in names:
        keys = batch(p, [{"op": "keygen", "alg": a} for a in ("ES256", "RS256", "PS256")])
        check(f"{p}: keygen ES256 / RS256 / PS256",
              all(k.get("ok") for k in keys)
              and [k["public_jwk"].get("kty") for k in keys] == ["EC", "RSA", "RSA"]
              and all("d" in k["private_jwk"] and "d" not in k["public_jwk"] for k in keys)
              and [k["public_jwk"].get("alg") for k in keys[1:]] == ["RS256", "PS256"], keys)
        if not all(k.get("ok") for k in keys):
            continue
        algs = ("ES256", "RS256", "PS256")
        tokens = batch(p, [{"op": "issue", "alg": a, "key": k["private_jwk"],
                            "header": {"typ": "at+jwt", "kid": f"{p}-{a}"}, "claims": access_claims()}
                           for a, k in zip(algs, keys)])
        check(f"{p}: issue ES256 / RS256 / PS256", all(t.get("ok") for t in tokens), tokens)
        if not all(t.get("ok") for t in tokens):
            continue
        for q in names:
            tag = f"{p}->{q}"
            reqs = []
            for a, k, t in zip(algs, keys, tokens):
                reqs.append(verify_req(a, k["public_jwk"], t["token"]))
                reqs.append(verify_req(a, k["public_jwk"], tamper(t["token"], 2)))
            # The same RSA key under the other RSA algorithm: the request's alg pins it.
            reqs.append(verify_req("PS256", dict(keys[1]["public_jwk"], alg="PS256"), tokens[1]["token"]))
            jwks = {"keys": [dict(k["public_jwk"], kid=f"{p}-{a}") for a, k in zip(algs, keys)]}
            reqs += [{"op": "jwks_verify", "jwks": jwks, "token": t["token"], "alg": a, "now": IAT + 10,
                      "audience": AUD, "issuer": ISS, "typ": "at+jwt"} for a, t in zip(algs, tokens)]
            v = batch(q, reqs)
            for i, a in enumerate(algs):
                check(f"{tag}: {a} at+jwt verifies", v[2 * i].get("ok") is True
                      and v[2 * i].get("claims") == access_claims(), v[2 * i])
                check(f"{tag}: {a} tampered signature rejected", v[2 * i + 1].get("ok") is False, v[2 * i + 1])
                check(f"{tag}: {a} found by kid in a mixed EC/RSA set", v[7 + i].get("ok") is True, v[7 + i])
            check(f"{tag}: RS256 token under a PS256 key rejected", v[6].get("ok") is False, v[6])

    # -- the two peers issue the same bytes for the same input -----------------
    same = []
    for p in names:
        same.append(batch(p, [{"op": "issue", "alg": "EdDSA", "key": RFC8037_PRIV,
                               "header": {"kid": "k", "typ": "at+jwt"}, "claims": access_claims()}])[0].get("token"))
    # PyJWT sorts header keys ({"alg","kid","typ"}); jose keeps alg first then the caller's order,
    # so with kid before typ both produce the same header. Claims keep insertion order in both.
    check("pyjwt and jose issue byte-identical EdDSA tokens for the same header/claims order",
          same[0] is not None and same[0] == same[1], same)

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
