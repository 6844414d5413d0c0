#!/usr/bin/env python3
"""PyJWT interop peer for compact-token.

Reads ONE JSON value from stdin (a request object, or an array of request
objects for batch mode) and writes ONE JSON value to stdout (a response object,
or an array of responses in the same order).  The protocol is documented in
interop/README.md and is identical to interop/jose_peer.mjs.

Every cryptographic and JWT operation is done by PyJWT (with `cryptography`
for Ed25519); this file only translates the line protocol.  The only checks
done here rather than in PyJWT are the ones PyJWT does not offer:
  * the `typ` header check (PyJWT never looks at `typ` on decode), done with
    the RFC 7515 section 4.1.9 rule that jose also uses: case-insensitive,
    an "application/" prefix may be omitted;
  * an explicit clock (`now`): PyJWT's public API has no clock parameter, it
    always reads the system clock.  When `now` is given we switch PyJWT's own
    iat/nbf/exp checks off in `decode_complete` and then call PyJWT's own
    per-claim validators (`PyJWT._validate_iat/_validate_nbf/_validate_exp`,
    which take `now` as an argument) with the supplied time, so the rule and
    the error message are still PyJWT's.  If a future PyJWT drops those
    methods, the time checks are SKIPPED and the response says so in
    `"time_checks": "skipped"`.

Exit status: 0 when every request was answered, including requests that were
answered `{"ok": false, ...}` because the library rejected them.  1 when a
request hit an error that did not come from PyJWT/cryptography or from a
protocol check here (a bug in this peer); those are still answered with
`"internal": true`.  2 when stdin is not JSON.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import traceback

import cryptography
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, OKPAlgorithm, RSAAlgorithm
from jwt.api_jwk import PyJWK, PyJWKSet
from jwt.api_jws import PyJWS
from jwt.exceptions import PyJWTError

PEER = "pyjwt"
ALGS = ("EdDSA", "HS256", "ES256", "RS256", "PS256")


class PeerError(Exception):
    """A request rejected by this peer itself (bad request, typ mismatch, unknown kid)."""

    def __init__(self, message: str, error_type: str = "PeerError") -> None:
        super().__init__(message)
        self.error_type = error_type


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def need(req: dict, name: str, kind: type | tuple = str):
    if name not in req:
        raise PeerError(f'missing field "{name}"', "BadRequest")
    value = req[name]
    if not isinstance(value, kind):
        raise PeerError(f'field "{name}" has the wrong type', "BadRequest")
    return value


def need_alg(req: dict) -> str:
    alg = need(req, "alg")
    if alg not in ALGS:
        raise PeerError(f'unsupported alg "{alg}" (this peer speaks {", ".join(ALGS)})', "BadRequest")
    return alg


def load_key(jwk_dict: dict, alg: str) -> PyJWK:
    # The algorithm comes from the request, never from the token: the key pins it.
    return PyJWK.from_dict(jwk_dict, algorithm=alg)


def normalize_typ(value: str) -> str:
    value = value.lower()
    return value[len("application/"):] if value.startswith("application/") else value


def check_typ(header: dict, expected) -> None:
    if expected is None:
        return
    got = header.get("typ")
    if not isinstance(got, str) or normalize_typ(got) != normalize_typ(expected):
        raise PeerError(f'unexpected "typ" JWT header value: {got!r} (expected {expected!r})', "TypMismatch")


def clean_header(req: dict) -> dict:
    header = dict(req.get("header") or {})
    # The signing algorithm is the request's "alg" (PyJWT would otherwise prefer a header "alg").
    header.pop("alg", None)
    return header


# ---------------------------------------------------------------- operations


def op_issue(req: dict) -> dict:
    alg = need_alg(req)
    key = load_key(need(req, "key", dict), alg)
    claims = need(req, "claims", dict)
    # Note: if the header has no "typ", PyJWT adds "typ":"JWT" (its default).
    token = jwt.encode(claims, key, algorithm=alg, headers=clean_header(req))
    return {"ok": True, "token": token}


def op_sign_jws(req: dict) -> dict:
    alg = need_alg(req)
    key = load_key(need(req, "key", dict), alg)
    payload = b64url_decode(need(req, "payload_b64"))
    headers = clean_header(req)
    # PyJWS adds "typ":"JWT" unless told not to; a plain JWS carries only what was asked for.
    headers.setdefault("typ", None)
    token = PyJWS().encode(payload, key, algorithm=alg, headers=headers)
    return {"ok": True, "token": token}


def time_validators(instance):
    names = ("_validate_iat", "_validate_nbf", "_validate_exp")
    fns = [getattr(instance, n, None) for n in names]
    return fns if all(callable(f) for f in fns) else None


def verify_with(req: dict, key: PyJWK, alg: str) -> dict:
    token = need(req, "token")
    audience = req.get("audience")
    issuer = req.get("issuer")
    now = req.get("now")
    if now is not None and (not isinstance(now, (int, float)) or isinstance(now, bool)):
        raise PeerError('field "now" must be a number', "BadRequest")

    instance = jwt.PyJWT()
    options = {
        # Absent audience/issuer means "not checked" (same as jose).  PyJWT would
        # otherwise reject any token that has an "aud" when no audience is given.
        "verify_aud": audience is not None,
        "verify_iss": issuer is not None,
    }
    validators = time_validators(instance) if now is not None else None
    time_mode = "system_clock"
    if now is not None:
        options.update(verify_exp=False, verify_nbf=False, verify_iat=False)
        time_mode = "now" if validators else "skipped"

    decoded = instance.decode_complete(
        token,
        key,
        algorithms=[alg],
        options=options,
        audience=audience,
        issuer=issuer,
    )
    header, claims = decoded["header"], decoded["payload"]
    if validators:
        v_iat, v_nbf, v_exp = validators
        # Same order and conditions as PyJWT._validate_claims.
        if "iat" in claims:
            v_iat(claims, now, 0)
        if "nbf" in claims:
            v_nbf(claims, now, 0)
        if "exp" in claims:
            v_exp(claims, now, 0)
    check_typ(header, req.get("typ"))
    resp = {"ok": True, "header": header, "claims": claims}
    if time_mode == "skipped":
        resp["time_checks"] = "skipped"
    return resp


def op_verify(req: dict) -> dict:
    alg = need_alg(req)
    key = load_key(need(req, "key", dict), alg)
    return verify_with(req, key, alg)


def op_verify_jws(req: dict) -> dict:
    alg = need_alg(req)
    key = load_key(need(req, "key", dict), alg)
    token = need(req, "token")
    # Signature check only: PyJWS returns the raw payload bytes, no JSON decoding.
    decoded = PyJWS().decode_complete(token, key, algorithms=[alg])
    return {"ok": True, "header": decoded["header"], "payload_b64": b64url(decoded["payload"])}


def load_jwks(obj: dict) -> PyJWKSet:
    return PyJWKSet.from_dict(obj)


def op_jwks(req: dict) -> dict:
    keys = need(req, "keys", list)
    jwks = load_jwks({"keys": keys})
    kids = [k.key_id for k in jwks.keys]
    # PyJWKSet drops members it cannot use without saying why; list them by kid.
    kept = [id(k._jwk_data) for k in jwks.keys]
    skipped = [
        {"kid": k.get("kid") if isinstance(k, dict) else None,
         "error": "skipped by PyJWKSet (not a usable JWK)", "error_type": "Skipped"}
        for k in keys if id(k) not in kept
    ]
    return {"ok": True, "kids": kids, "count": len(jwks.keys), "skipped": skipped}


def op_jwks_verify(req: dict) -> dict:
    jwks = load_jwks(need(req, "jwks", dict))
    token = need(req, "token")
    kid = jwt.get_unverified_header(token).get("kid")
    if not isinstance(kid, str):
        raise PeerError('token header has no "kid"', "NoKid")
    try:
        key = jwks[kid]  # PyJWKSet.__getitem__: lookup by kid
    except KeyError as e:
        raise PeerError(str(e.args[0]) if e.args else f"no key for kid {kid}", "NoMatchingKey") from None
    # The algorithm is pinned by the key (its "alg" or its kty/crv), or by the request.
    alg = req.get("alg") or key.algorithm_name
    if alg not in ALGS:
        raise PeerError(f'unsupported alg "{alg}"', "BadRequest")
    if req.get("alg") and key.algorithm_name != alg:
        raise PeerError(f'key "{kid}" is for {key.algorithm_name}, not {alg}', "KeyAlgMismatch")
    return verify_with(req, key, alg)


def op_keygen(req: dict) -> dict:
    alg = need_alg(req)
    if alg == "HS256":
        secret = HMACAlgorithm.to_jwk(os.urandom(32), as_dict=True)
        return {"ok": True, "private_jwk": secret, "public_jwk": secret}
    if alg == "EdDSA":
        private, codec = Ed25519PrivateKey.generate(), OKPAlgorithm
    elif alg == "ES256":
        private, codec = ec.generate_private_key(ec.SECP256R1()), ECAlgorithm
    else:  # RS256, PS256: one RSA 2048 key, the algorithm named in "alg"
        private, codec = rsa.generate_private_key(public_exponent=65537, key_size=2048), RSAAlgorithm
    private_jwk = codec.to_jwk(private, as_dict=True)
    public_jwk = codec.to_jwk(private.public_key(), as_dict=True)
    if alg in ("RS256", "PS256"):
        # An RSA JWK does not say RS256 or PS256; "alg" pins it (RFC 7517 §4.4).
        private_jwk["alg"] = public_jwk["alg"] = alg
    return {"ok": True, "private_jwk": private_jwk, "public_jwk": public_jwk}


def op_version(req: dict) -> dict:
    return {
        "ok": True,
        "peer": PEER,
        "library": "PyJWT",
        "version": jwt.__version__,
        "cryptography": cryptography.__version__,
        "python": sys.version.split()[0],
    }


OPS = {
    "issue": op_issue,
    "sign_jws": op_sign_jws,
    "verify": op_verify,
    "verify_jws": op_verify_jws,
    "jwks": op_jwks,
    "jwks_verify": op_jwks_verify,
    "keygen": op_keygen,
    "version": op_version,
}


# ---------------------------------------------------------------- driver


def from_library(exc: BaseException) -> bool:
    """True if the exception was raised inside PyJWT or cryptography."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    if last is None:
        return False
    roots = [os.path.dirname(jwt.__file__), os.path.dirname(cryptography.__file__)]
    return any(os.path.abspath(last).startswith(os.path.abspath(r) + os.sep) for r in roots)


def handle(req) -> tuple[dict, bool]:
    """Returns (response, crashed)."""
    try:
        if not isinstance(req, dict):
            raise PeerError("request must be a JSON object", "BadRequest")
        op = req.get("op")
        fn = OPS.get(op) if isinstance(op, str) else None
        if fn is None:
            raise PeerError(f"unknown op {op!r}", "BadRequest")
        return fn(req), False
    except PeerError as e:
        return {"ok": False, "error": str(e), "error_type": e.error_type}, False
    except PyJWTError as e:
        return {"ok": False, "error": str(e), "error_type": type(e).__name__}, False
    except Exception as e:  # noqa: BLE001
        if from_library(e):
            # e.g. ValueError/TypeError raised by PyJWT or cryptography on bad input.
            return {"ok": False, "error": str(e), "error_type": type(e).__name__}, False
        traceback.print_exc(file=sys.stderr)
        return {"ok": False, "error": f"{type(e).__name__}: {e}", "error_type": "Internal", "internal": True}, True


def main() -> int:
    raw = sys.stdin.read()
    try:
        request = json.loads(raw)
    except ValueError as e:
        print(f"{PEER}_peer: stdin is not JSON: {e}", file=sys.stderr)
        return 2
    if isinstance(request, list):
        results = [handle(r) for r in request]
        out = [r for r, _ in results]
        crashed = any(c for _, c in results)
    else:
        out, crashed = handle(request)
    sys.stdout.write(json.dumps(out, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
