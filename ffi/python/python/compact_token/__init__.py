"""compact-token for Python: small, strict OAuth 2.0 access tokens and OpenID Connect ID
tokens (JWS compact), issued and verified by the compact-token C ABI (libcompact_token,
through cffi) -- the same checks, limits and numeric error codes as C and Rust.

    import compact_token as ct

    key = ct.Key.ed25519_from_seed(seed32, kid="k1")
    token = ct.issue_access(key, ct.AccessClaims(iss=..., sub=..., aud=[...], ...))
    claims = ct.verify_access(token, key.public_key(), issuer=..., audience=...,
                              required_scopes=["read:orders"])

Thread safety: Key, KeySet and Registry objects never change after construction, and the
library keeps no global state, so one object may be used from any number of threads at
once. The GIL is released while the library issues and verifies (cffi releases it around
every C call), so verifications on several threads run in parallel.
"""

from __future__ import annotations

import base64
import enum
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Type, Union

from compact_token._native import ffi, lib

__all__ = [
    "AccessClaims",
    "Algorithm",
    "IdClaims",
    "Key",
    "KeySet",
    "KeyUse",
    "Profile",
    "Registry",
    "ReplayCache",
    "TokenError",
    "dpop_jkt",
    "issue_dpop_proof",
    "at_hash",
    "c_hash",
    "issue_access",
    "issue_id",
    "peek_kid",
    "verify_access",
    "verify_id",
    "version",
    "ACCESS_MAX_BYTES",
    "ID_MAX_BYTES",
    "MAX_KID_LEN",
]

ACCESS_MAX_BYTES: int = lib.CT_ACCESS_MAX_BYTES
ID_MAX_BYTES: int = lib.CT_ID_MAX_BYTES
MAX_KID_LEN: int = lib.CT_MAX_KID_LEN


class Profile(enum.IntEnum):
    """The token profile: standard JWT, or the compact one (smallest header, binary claims)."""

    JWT = lib.CT_PROFILE_JWT
    COMPACT = lib.CT_PROFILE_COMPACT


class KeyUse(enum.IntEnum):
    """Which kinds of token a key is for."""

    ACCESS = lib.CT_KEY_USE_ACCESS
    ID = lib.CT_KEY_USE_ID
    BOTH = lib.CT_KEY_USE_BOTH


class Algorithm(enum.IntEnum):
    """The signature algorithm a key pins (RS256 and PS256 need the RSA support of the
    library's std build, which this package always uses)."""

    EDDSA = lib.CT_ALG_EDDSA
    HS256 = lib.CT_ALG_HS256
    ES256 = lib.CT_ALG_ES256
    RS256 = lib.CT_ALG_RS256
    PS256 = lib.CT_ALG_PS256


# ----------------------------------------------------------------------------- errors


class TokenError(Exception):
    """A refusal or failure from the library. `code` is the stable numeric code of the C ABI
    (CT_* in compact_token.h), `name` its C name; subclasses name each code."""

    code: int = -1
    name: str = "CT_UNKNOWN"

    def __init__(self, code: Optional[int] = None, message: Optional[str] = None) -> None:
        if code is not None:
            self.code = code
        if message is None:
            message = ffi.string(lib.ct_error_message(self.code)).decode()
        self.message = message
        super().__init__(f"{message} ({self.name}, code {self.code})")


# One class per code; codes are stable forever (a retired one stays reserved).


class MalformedError(TokenError):
    code = 1
    name = "CT_MALFORMED"


class Base64Error(TokenError):
    code = 2
    name = "CT_BASE64"


class MalformedHeaderError(TokenError):
    code = 3
    name = "CT_MALFORMED_HEADER"


class UnsupportedHeaderError(TokenError):
    code = 4
    name = "CT_UNSUPPORTED_HEADER"


class AlgorithmMismatchError(TokenError):
    code = 5
    name = "CT_ALGORITHM_MISMATCH"


class KeyIdMismatchError(TokenError):
    code = 6
    name = "CT_KEY_ID_MISMATCH"


class WrongTypeError(TokenError):
    code = 7
    name = "CT_WRONG_TYPE"


class BadSignatureError(TokenError):
    code = 8
    name = "CT_BAD_SIGNATURE"


class MalformedClaimsError(TokenError):
    code = 9
    name = "CT_MALFORMED_CLAIMS"


class InvalidDateError(TokenError):
    code = 10
    name = "CT_INVALID_DATE"


class NestingTooDeepError(TokenError):
    code = 11
    name = "CT_NESTING_TOO_DEEP"


class TooManyValuesError(TokenError):
    code = 12
    name = "CT_TOO_MANY_VALUES"


class WrongKindError(TokenError):
    code = 13
    name = "CT_WRONG_KIND"


class WrongProfileError(TokenError):
    code = 14
    name = "CT_WRONG_PROFILE"


class ExpiredError(TokenError):
    code = 15
    name = "CT_EXPIRED"


class NotYetValidError(TokenError):
    code = 16
    name = "CT_NOT_YET_VALID"


class IssuedInFutureError(TokenError):
    code = 17
    name = "CT_ISSUED_IN_FUTURE"


class WrongIssuerError(TokenError):
    code = 18
    name = "CT_WRONG_ISSUER"


class WrongAudienceError(TokenError):
    code = 19
    name = "CT_WRONG_AUDIENCE"


class WrongAuthorizedPartyError(TokenError):
    code = 20
    name = "CT_WRONG_AUTHORIZED_PARTY"


class MissingScopeError(TokenError):
    code = 21
    name = "CT_MISSING_SCOPE"


class WrongNonceError(TokenError):
    code = 22
    name = "CT_WRONG_NONCE"


class AccessTokenHashMismatchError(TokenError):
    code = 23
    name = "CT_ACCESS_TOKEN_HASH_MISMATCH"


class LifetimeTooLongError(TokenError):
    code = 24
    name = "CT_LIFETIME_TOO_LONG"


class OverBudgetError(TokenError):
    code = 25
    name = "CT_OVER_BUDGET"


class BufferTooSmallError(TokenError):
    code = 26
    name = "CT_BUFFER_TOO_SMALL"


class InvalidKeyError(TokenError):
    code = 27
    name = "CT_INVALID_KEY"


class KeyUseMismatchError(TokenError):
    code = 28
    name = "CT_KEY_USE_MISMATCH"


class InvalidPolicyError(TokenError):
    code = 29
    name = "CT_INVALID_POLICY"


class UnsupportedVersionError(TokenError):
    code = 30
    name = "CT_UNSUPPORTED_VERSION"


class TrailingBytesError(TokenError):
    code = 31
    name = "CT_TRAILING_BYTES"


class RegistryMismatchError(TokenError):
    code = 32
    name = "CT_REGISTRY_MISMATCH"


class UnregisteredValueError(TokenError):
    code = 33
    name = "CT_UNREGISTERED_VALUE"


class DuplicateMemberError(TokenError):
    code = 34
    name = "CT_DUPLICATE_MEMBER"


class SigningFailedError(TokenError):
    code = 35
    name = "CT_SIGNING_FAILED"


class CodeHashMismatchError(TokenError):
    code = 36
    name = "CT_CODE_HASH_MISMATCH"


class ClaimCollisionError(TokenError):
    code = 37
    name = "CT_CLAIM_COLLISION"


class RequiredClaimMissingError(TokenError):
    code = 38
    name = "CT_REQUIRED_CLAIM_MISSING"


class RequiredClaimMismatchError(TokenError):
    code = 39
    name = "CT_REQUIRED_CLAIM_MISMATCH"


class DpopProofMissingError(TokenError):
    code = 40
    name = "CT_DPOP_PROOF_MISSING"


class DpopProofMalformedError(TokenError):
    code = 41
    name = "CT_DPOP_PROOF_MALFORMED"


class DpopBadSignatureError(TokenError):
    code = 42
    name = "CT_DPOP_BAD_SIGNATURE"


class DpopWrongTypeError(TokenError):
    code = 43
    name = "CT_DPOP_WRONG_TYPE"


class DpopAlgorithmNotAllowedError(TokenError):
    code = 44
    name = "CT_DPOP_ALGORITHM_NOT_ALLOWED"


class DpopPrivateKeyError(TokenError):
    code = 45
    name = "CT_DPOP_PRIVATE_KEY"


class DpopInvalidKeyError(TokenError):
    code = 46
    name = "CT_DPOP_INVALID_KEY"


class DpopWrongMethodError(TokenError):
    code = 47
    name = "CT_DPOP_WRONG_METHOD"


class DpopWrongUriError(TokenError):
    code = 48
    name = "CT_DPOP_WRONG_URI"


class DpopProofStaleError(TokenError):
    code = 49
    name = "CT_DPOP_PROOF_STALE"


class DpopProofInFutureError(TokenError):
    code = 50
    name = "CT_DPOP_PROOF_IN_FUTURE"


class DpopReplayedError(TokenError):
    code = 51
    name = "CT_DPOP_REPLAYED"


class DpopReplayCacheFullError(TokenError):
    code = 52
    name = "CT_DPOP_REPLAY_CACHE_FULL"


class DpopAccessTokenHashMismatchError(TokenError):
    code = 53
    name = "CT_DPOP_ACCESS_TOKEN_HASH_MISMATCH"


class DpopNonceMismatchError(TokenError):
    code = 54
    name = "CT_DPOP_NONCE_MISMATCH"


class DpopTokenNotBoundError(TokenError):
    code = 55
    name = "CT_DPOP_TOKEN_NOT_BOUND"


class DpopKeyNotBoundError(TokenError):
    code = 56
    name = "CT_DPOP_KEY_NOT_BOUND"


class CustomClaimsDisabledError(TokenError):
    code = 57
    name = "CT_CUSTOM_CLAIMS_DISABLED"


class NullPointerError(TokenError):
    code = 100
    name = "CT_ERR_NULL_POINTER"


class InvalidUtf8Error(TokenError):
    code = 101
    name = "CT_ERR_INVALID_UTF8"


class PanicError(TokenError):
    code = 102
    name = "CT_ERR_PANIC"


class InvalidArgumentError(TokenError):
    code = 103
    name = "CT_ERR_INVALID_ARGUMENT"


class KeyCannotSignError(TokenError):
    code = 104
    name = "CT_ERR_KEY_CANNOT_SIGN"


class UnsupportedError(TokenError):
    code = 105
    name = "CT_ERR_UNSUPPORTED"


class NoHandleError(TokenError):
    code = 106
    name = "CT_ERR_NO_HANDLE"


class ClaimNotFoundError(TokenError):
    code = 107
    name = "CT_ERR_CLAIM_NOT_FOUND"


class ClaimTypeError(TokenError):
    code = 108
    name = "CT_ERR_CLAIM_TYPE"


class UnknownKeyIdError(TokenError):
    code = 109
    name = "CT_ERR_UNKNOWN_KEY_ID"


class AmbiguousKeyError(TokenError):
    code = 110
    name = "CT_ERR_AMBIGUOUS_KEY"


class NoMatchingKeyError(TokenError):
    code = 111
    name = "CT_ERR_NO_MATCHING_KEY"


class InvalidJwksError(TokenError):
    code = 112
    name = "CT_ERR_INVALID_JWKS"


class JwksPrivateKeyError(TokenError):
    code = 113
    name = "CT_ERR_JWKS_PRIVATE_KEY"


class JwksNoUsableKeyError(TokenError):
    code = 114
    name = "CT_ERR_JWKS_NO_USABLE_KEY"


class InvalidJwkError(TokenError):
    code = 115
    name = "CT_ERR_INVALID_JWK"


class UnsupportedKeyTypeError(TokenError):
    code = 116
    name = "CT_ERR_UNSUPPORTED_KEY_TYPE"


class AlgorithmRequiredError(TokenError):
    code = 117
    name = "CT_ERR_ALGORITHM_REQUIRED"


class AlgorithmConflictError(TokenError):
    code = 118
    name = "CT_ERR_ALGORITHM_CONFLICT"


class InvalidPemError(TokenError):
    code = 119
    name = "CT_ERR_INVALID_PEM"


_ERRORS: Dict[int, Type[TokenError]] = {
    cls.code: cls for cls in TokenError.__subclasses__()
}
__all__ += [cls.__name__ for cls in _ERRORS.values()]


def _check(code: int) -> None:
    if code != lib.CT_OK:
        raise _ERRORS.get(code, TokenError)(code)


# ------------------------------------------------------------------------------ views


class _Arena:
    """C copies of the strings one call reads, kept alive until the call returns."""

    def __init__(self) -> None:
        self._keep: List[Any] = []

    def bytes(self, value: Union[str, bytes]) -> Any:
        data = value.encode() if isinstance(value, str) else bytes(value)
        buf = ffi.new("uint8_t[]", max(len(data), 1))
        ffi.memmove(buf, data, len(data))
        self._keep.append(buf)
        return buf, len(data)

    def set(self, view: Any, value: Optional[Union[str, bytes]]) -> None:
        if value is None:
            view.ptr = ffi.NULL
            view.len = 0
        else:
            view.ptr, view.len = self.bytes(value)

    def list(self, views: Any, values: Sequence[str], limit: int) -> int:
        if len(values) > limit:
            raise _ERRORS[lib.CT_TOO_MANY_VALUES](lib.CT_TOO_MANY_VALUES)
        for i, v in enumerate(values):
            self.set(views[i], v)
        return len(values)

    def view(self, value: Optional[Union[str, bytes]]) -> Any:
        view = ffi.new("ct_str *")
        self.set(view, value)
        return view[0]


def _text(view: Any) -> Optional[str]:
    if view.ptr == ffi.NULL:
        return None
    return bytes(ffi.buffer(view.ptr, view.len)).decode()


def _texts(views: Any, n: int) -> List[str]:
    return [_text(views[i]) or "" for i in range(n)]


# ------------------------------------------------------------------------------- keys


JwkInput = Union[str, bytes, Mapping[str, Any]]


def _json_bytes(doc: JwkInput) -> bytes:
    if isinstance(doc, Mapping):
        doc = json.dumps(doc)
    return doc.encode() if isinstance(doc, str) else bytes(doc)


class Key:
    """A signing or verifying key (a ct_key handle, freed with the object) of one algorithm
    (`algorithm`): Ed25519, ES256 (P-256), HS256, RS256 or PS256. Immutable: the kid is set
    at construction. Safe to share between threads."""

    def __init__(self, handle: Any, kind: str) -> None:
        self._handle = ffi.gc(handle, lib.ct_key_free)
        self.kind = kind

    @staticmethod
    def _make(fn: Any, args: Tuple[Any, ...], kind: str, kid: Optional[str]) -> "Key":
        out = ffi.new("ct_key **")
        _check(fn(*args, out))
        key = Key(out[0], kind)
        if kid is not None:
            data = kid.encode()
            _check(lib.ct_key_set_kid(key._handle, data, len(data)))
        return key

    @staticmethod
    def _fixed(data: bytes, n: int) -> bytes:
        if len(data) != n:
            raise _ERRORS[lib.CT_INVALID_KEY](lib.CT_INVALID_KEY)
        return bytes(data)

    @classmethod
    def ed25519_from_seed(
        cls, seed: bytes, use: KeyUse = KeyUse.BOTH, kid: Optional[str] = None
    ) -> "Key":
        """An Ed25519 signing key (which also verifies) from its 32-byte seed."""
        seed = cls._fixed(seed, 32)
        return cls._make(lib.ct_key_new_ed25519_seed, (seed, int(use)), "ed25519", kid)

    @classmethod
    def ed25519_public(cls, x: bytes, use: KeyUse = KeyUse.BOTH, kid: Optional[str] = None) -> "Key":
        """An Ed25519 verify-only key from its 32-byte public key."""
        x = cls._fixed(x, 32)
        return cls._make(lib.ct_key_new_ed25519_public, (x, int(use)), "ed25519-public", kid)

    @classmethod
    def hs256(cls, secret: bytes, use: KeyUse = KeyUse.BOTH, kid: Optional[str] = None) -> "Key":
        """An HS256 key (signs and verifies) from a 32- to 64-byte secret."""
        return cls._make(lib.ct_key_new_hs256, (secret, len(secret), int(use)), "hs256", kid)

    @classmethod
    def es256_private(cls, scalar: bytes, use: KeyUse = KeyUse.BOTH,
                      kid: Optional[str] = None) -> "Key":
        """An ES256 (P-256) signing key (which also verifies) from its 32-byte big-endian
        secret scalar (a JWK's "d"); InvalidKeyError for 0 or a value not below the order."""
        scalar = cls._fixed(scalar, 32)
        return cls._make(lib.ct_key_new_es256_private, (scalar, int(use)), "es256", kid)

    @classmethod
    def es256_public(cls, point: bytes, use: KeyUse = KeyUse.BOTH,
                     kid: Optional[str] = None) -> "Key":
        """An ES256 verify-only key from a SEC1 point: 65 bytes uncompressed (0x04, x, y) or
        33 compressed (0x02/0x03, x); InvalidKeyError for anything else or a point off the
        curve."""
        point = bytes(point)
        return cls._make(lib.ct_key_new_es256_public, (point, len(point), int(use)),
                         "es256-public", kid)

    @classmethod
    def from_jwk(cls, jwk: JwkInput, alg: Optional[Algorithm] = None,
                 use: KeyUse = KeyUse.BOTH) -> "Key":
        """A key from one JWK (RFC 7517; a dict or JSON text), read by the library: Ed25519
        ("OKP"), P-256 ("EC") or RSA, public or private (with "d" it signs too), or an HS256
        secret ("oct"). "kid" is kept; "token_use" gives the key's use, `use` applies when
        it is absent. The key pins one algorithm: its type's, or for RSA the JWK's "alg" or
        `alg` (AlgorithmRequiredError when neither says RS256 or PS256); an `alg` the key
        cannot have, or other than the JWK's "alg", is AlgorithmConflictError. Other
        refusals: InvalidJwkError, UnsupportedKeyTypeError, InvalidKeyError."""
        data = _json_bytes(jwk)
        alg_code = lib.CT_ALG_UNSPECIFIED if alg is None else int(alg)
        return cls._make(lib.ct_key_new_jwk, (data, len(data), alg_code, int(use)), "jwk", None)

    @classmethod
    def from_pem(cls, pem: Union[str, bytes], alg: Optional[Algorithm] = None,
                 use: KeyUse = KeyUse.BOTH, kid: Optional[str] = None) -> "Key":
        """A key from a PEM document, read by the library: a private key ("PRIVATE KEY"
        PKCS#8, "EC PRIVATE KEY", "RSA PRIVATE KEY"; it signs too) or a public key ("PUBLIC
        KEY" SPKI, "RSA PUBLIC KEY") of Ed25519, P-256 or RSA. PEM names no use or kid: give
        them here. The key pins one algorithm: its type's, or for RSA `alg` (RS256 or
        PS256; AlgorithmRequiredError without it, except an RSASSA-PSS key, which is
        PS256); another `alg` is AlgorithmConflictError. Other refusals: InvalidPemError,
        UnsupportedKeyTypeError, InvalidKeyError (an RSA modulus outside 2048..4096 bits)."""
        data = pem.encode() if isinstance(pem, str) else bytes(pem)
        alg_code = lib.CT_ALG_UNSPECIFIED if alg is None else int(alg)
        return cls._make(lib.ct_key_new_pem, (data, len(data), alg_code, int(use)), "pem", kid)

    @property
    def algorithm(self) -> Algorithm:
        """The algorithm this key signs and verifies with."""
        return Algorithm(lib.ct_key_algorithm(self._handle))

    def public_bytes(self) -> bytes:
        """The raw public key: 32 bytes for Ed25519, the 65-byte uncompressed SEC1 point for
        ES256 (InvalidArgumentError for HS256 and RSA keys: see public_jwk)."""
        if self.algorithm == Algorithm.ES256:
            out = ffi.new("uint8_t[65]")
            _check(lib.ct_key_es256_public_bytes(self._handle, out))
        else:
            out = ffi.new("uint8_t[32]")
            _check(lib.ct_key_ed25519_public_bytes(self._handle, out))
        return bytes(out)

    def public_jwk(self) -> Dict[str, Any]:
        """The public JWK of this key ("kty", its public members, "kid" when set, "alg",
        "use": "sig", "token_use"): what a JWK set publishes. InvalidArgumentError for an
        HS256 secret, which has no public part."""
        written = ffi.new("size_t *")
        out = ffi.new("uint8_t[]", 2048)
        code = lib.ct_key_public_jwk(self._handle, out, 2048, written)
        if code == lib.CT_BUFFER_TOO_SMALL:
            out = ffi.new("uint8_t[]", written[0])
            code = lib.ct_key_public_jwk(self._handle, out, written[0], written)
        _check(code)
        return json.loads(bytes(ffi.buffer(out, written[0])).decode())

    def public_key(self, use: KeyUse = KeyUse.BOTH, kid: Optional[str] = None) -> "Key":
        """The verify-only key for this one (same algorithm), with `use` and `kid`."""
        jwk = {k: v for k, v in self.public_jwk().items() if k not in ("kid", "token_use")}
        key = Key.from_jwk(jwk, use=use)
        if kid is not None:
            data = kid.encode()
            _check(lib.ct_key_set_kid(key._handle, data, len(data)))
        return key


class Registry:
    """Issuer-registered values for the compact profile (a ct_registry handle); issuer and
    verifiers must use the same list. Immutable; safe to share between threads."""

    def __init__(self, values: Sequence[str]) -> None:
        arena = _Arena()
        views = ffi.new("ct_str[]", max(len(values), 1))
        for i, v in enumerate(values):
            arena.set(views[i], v)
        out = ffi.new("ct_registry **")
        _check(lib.ct_registry_new(views, len(values), out))
        self._handle = ffi.gc(out[0], lib.ct_registry_free)
        self.values = tuple(values)


class KeySet:
    """The public keys of a JWK set (a ct_keyset handle, freed with the object): verifying
    with it, the token's kid picks the key (a token without kid needs exactly one key of
    the set for its kind and algorithm). Immutable; safe to share between threads."""

    def __init__(self, handle: Any) -> None:
        self._handle = ffi.gc(handle, lib.ct_keyset_free)

    @classmethod
    def from_jwks(cls, jwks: Union[str, bytes, Mapping[str, Any]],
                  use: KeyUse = KeyUse.BOTH) -> "KeySet":
        """A key set from a public JWK set ({"keys": [...]}, as a dict or JSON text): its
        Ed25519, P-256 and RSA keys; keys the library cannot verify with are skipped. use
        applies to keys without "token_use". Raises InvalidJwksError,
        JwksPrivateKeyError (a "d" member or an "oct" secret), JwksNoUsableKeyError."""
        data = _json_bytes(jwks)
        out = ffi.new("ct_keyset **")
        _check(lib.ct_keyset_new_jwks(data, len(data), int(use), out))
        return cls(out[0])


def _verifier(fns: Tuple[Any, Any], key: Optional[Key], keyset: Optional[KeySet]
              ) -> Tuple[Any, Any]:
    """The C function and handle: key's, or keyset's (exactly one must be given)."""
    if (key is None) == (keyset is None):
        raise TypeError("give exactly one of key and keyset")
    if keyset is not None:
        return fns[1], keyset._handle
    return fns[0], key._handle  # type: ignore[union-attr]


def _registry(registry: Optional[Registry]) -> Any:
    return ffi.NULL if registry is None else registry._handle


# ----------------------------------------------------------------------------- claims


@dataclass
class AccessClaims:
    """The claims of an access token (RFC 9068)."""

    iss: str
    sub: str
    aud: List[str]
    client_id: str
    iat: int
    exp: int
    jti: str
    scope: Optional[str] = None
    nbf: Optional[int] = None
    auth_time: Optional[int] = None
    acr: Optional[str] = None
    amr: List[str] = field(default_factory=list)
    extra: Dict[str, Any] = field(default_factory=dict)

    @property
    def scopes(self) -> List[str]:
        return self.scope.split() if self.scope else []


_ID_STRINGS = (
    "nonce acr azp at_hash c_hash name given_name family_name middle_name nickname "
    "preferred_username profile picture website email gender birthdate zoneinfo locale "
    "phone_number"
).split()
_ID_OPTIONAL = ("nbf", "auth_time", "email_verified", "phone_number_verified", "updated_at")


@dataclass
class IdClaims:
    """The claims of an OpenID Connect ID token (Core 1.0 section 2 and the standard claims
    of section 5.1)."""

    iss: str
    sub: str
    aud: List[str]
    iat: int
    exp: int
    nbf: Optional[int] = None
    auth_time: Optional[int] = None
    nonce: Optional[str] = None
    acr: Optional[str] = None
    amr: List[str] = field(default_factory=list)
    azp: Optional[str] = None
    at_hash: Optional[str] = None
    c_hash: Optional[str] = None
    name: Optional[str] = None
    given_name: Optional[str] = None
    family_name: Optional[str] = None
    middle_name: Optional[str] = None
    nickname: Optional[str] = None
    preferred_username: Optional[str] = None
    profile: Optional[str] = None
    picture: Optional[str] = None
    website: Optional[str] = None
    email: Optional[str] = None
    email_verified: Optional[bool] = None
    gender: Optional[str] = None
    birthdate: Optional[str] = None
    zoneinfo: Optional[str] = None
    locale: Optional[str] = None
    phone_number: Optional[str] = None
    phone_number_verified: Optional[bool] = None
    updated_at: Optional[int] = None
    extra: Dict[str, Any] = field(default_factory=dict)


def _optional_in(c: Any, name: str, value: Any) -> None:
    setattr(c, "has_" + name, value is not None)
    if value is not None:
        setattr(c, name, value)


def _optional_out(c: Any, name: str) -> Any:
    return getattr(c, name) if getattr(c, "has_" + name) else None


def _extras_in(view: Any, extra: Mapping[str, Any], arena: _Arena) -> None:
    """The custom claims as one JSON object text (json.dumps, byte-minimal); the library
    checks it (duplicates, depth, U+0000, a typed claim's name) and raises with the code."""
    if extra:
        arena.set(view.json, json.dumps(dict(extra), separators=(",", ":"),
                                        ensure_ascii=False, allow_nan=False))


def _extras_out(view: Any) -> Dict[str, Any]:
    """The custom claims of verified claims as a dict, listed by the library (which skips
    the typed claims), each value json.loads of its JSON text. Called while the scratch
    buffer the view points into is alive."""
    count = ffi.new("size_t *")
    _check(lib.ct_extras_count(view, count))
    out: Dict[str, Any] = {}
    cap = 64
    for i in range(count[0]):
        for _ in range(2):
            name = ffi.new("uint8_t[]", cap)
            written = ffi.new("size_t *")
            value = ffi.new("ct_str *")
            code = lib.ct_extras_member(view, i, name, cap, written, value)
            if code == lib.CT_BUFFER_TOO_SMALL and written[0] > cap:
                cap = written[0]
                continue
            break
        _check(code)
        key = bytes(ffi.buffer(name, written[0])).decode()
        out[key] = json.loads(bytes(ffi.buffer(value.ptr, value.len)).decode())
    return out


Requirement = Tuple[Any, ...]
"""A requirement on a custom claim: (path, rule) or (path, rule, value). path is a claim's
name or a tuple of names ("realm_access", "roles"); rule is "present", "is_true",
"equals" (value: a string) or "contains" (value: a string, in a string or an array)."""

_RULES = {"present": 0, "equals": 1, "contains": 2, "is_true": 3}


def _requirements(view: Any, require: Sequence[Requirement], arena: _Arena) -> Any:
    """Fills a policy's ct_claim_requirements; returns the failed-index output."""
    failed = ffi.new("size_t *")
    reqs = ffi.new("ct_claim_requirement[]", max(len(require), 1))
    arena._keep.append(reqs)
    for i, r in enumerate(require):
        path, rule, *value = r
        names = (path,) if isinstance(path, str) else tuple(path)
        views = ffi.new("ct_str[]", max(len(names), 1))
        arena._keep.append(views)
        for j, n in enumerate(names):
            arena.set(views[j], n)
        reqs[i].path, reqs[i].path_len = views, len(names)
        if rule not in _RULES:
            raise ValueError(f"unknown rule {rule!r}: one of {sorted(_RULES)}")
        reqs[i].rule = _RULES[rule]
        arena.set(reqs[i].value, value[0] if value else None)
    view.list, view.len, view.out_failed_index = reqs, len(require), failed
    return failed


def _access_in(claims: AccessClaims, arena: _Arena) -> Any:
    c = ffi.new("ct_access_claims *")
    for name in ("iss", "sub", "client_id", "jti", "scope", "acr"):
        arena.set(getattr(c, name), getattr(claims, name))
    c.aud_len = arena.list(c.aud, claims.aud, lib.CT_MAX_AUDIENCES)
    c.amr_len = arena.list(c.amr, claims.amr, lib.CT_MAX_AMR)
    c.iat, c.exp = claims.iat, claims.exp
    _optional_in(c, "nbf", claims.nbf)
    _optional_in(c, "auth_time", claims.auth_time)
    _extras_in(c.extra, claims.extra, arena)
    return c


def _access_out(c: Any) -> AccessClaims:
    return AccessClaims(
        iss=_text(c.iss) or "",
        sub=_text(c.sub) or "",
        aud=_texts(c.aud, c.aud_len),
        client_id=_text(c.client_id) or "",
        iat=c.iat,
        exp=c.exp,
        jti=_text(c.jti) or "",
        scope=_text(c.scope),
        nbf=_optional_out(c, "nbf"),
        auth_time=_optional_out(c, "auth_time"),
        acr=_text(c.acr),
        amr=_texts(c.amr, c.amr_len),
        extra=_extras_out(ffi.addressof(c, "extra")),
    )


def _id_in(claims: IdClaims, arena: _Arena) -> Any:
    c = ffi.new("ct_id_claims *")
    for name in ("iss", "sub", *_ID_STRINGS):
        arena.set(getattr(c, name), getattr(claims, name))
    c.aud_len = arena.list(c.aud, claims.aud, lib.CT_MAX_AUDIENCES)
    c.amr_len = arena.list(c.amr, claims.amr, lib.CT_MAX_AMR)
    c.iat, c.exp = claims.iat, claims.exp
    for name in _ID_OPTIONAL:
        _optional_in(c, name, getattr(claims, name))
    _extras_in(c.extra, claims.extra, arena)
    return c


def _id_out(c: Any) -> IdClaims:
    strings = {name: _text(getattr(c, name)) for name in _ID_STRINGS}
    optional = {name: _optional_out(c, name) for name in _ID_OPTIONAL}
    for name in ("email_verified", "phone_number_verified"):
        if optional[name] is not None:
            optional[name] = bool(optional[name])
    return IdClaims(
        iss=_text(c.iss) or "",
        sub=_text(c.sub) or "",
        aud=_texts(c.aud, c.aud_len),
        iat=c.iat,
        exp=c.exp,
        amr=_texts(c.amr, c.amr_len),
        extra=_extras_out(ffi.addressof(c, "extra")),
        **strings,
        **optional,
    )


# ------------------------------------------------------------------ issue and verify


def _limits(max_bytes: Optional[int], max_lifetime: Optional[int]) -> Any:
    limits = ffi.new("ct_limits *")
    limits.max_bytes = max_bytes or 0
    limits.max_lifetime = max_lifetime or 0
    return limits


def _issue(fn: Any, key: Key, c: Any, profile: Profile, registry: Optional[Registry],
           limits: Any, cap: int) -> str:
    out = ffi.new("uint8_t[]", cap)
    written = ffi.new("size_t *")
    _check(fn(key._handle, int(profile), _registry(registry), c, limits, out, cap, written))
    return bytes(ffi.buffer(out, written[0])).decode("ascii")


def issue_access(
    key: Key,
    claims: AccessClaims,
    profile: Profile = Profile.JWT,
    *,
    registry: Optional[Registry] = None,
    max_bytes: Optional[int] = None,
    max_lifetime: Optional[int] = None,
) -> str:
    """Issues an access token signed with key. max_bytes / max_lifetime tighten the
    defaults (1024 bytes, 600 s); a token over them raises, it is never truncated."""
    arena = _Arena()
    c = _access_in(claims, arena)
    return _issue(lib.ct_access_issue_with, key, c, profile, registry,
                  _limits(max_bytes, max_lifetime), ACCESS_MAX_BYTES)


def issue_id(
    key: Key,
    claims: IdClaims,
    profile: Profile = Profile.JWT,
    *,
    registry: Optional[Registry] = None,
    max_bytes: Optional[int] = None,
    max_lifetime: Optional[int] = None,
) -> str:
    """Issues an ID token signed with key (defaults 4096 bytes, 3600 s)."""
    arena = _Arena()
    c = _id_in(claims, arena)
    return _issue(lib.ct_id_issue_with, key, c, profile, registry,
                  _limits(max_bytes, max_lifetime), ID_MAX_BYTES)


def _now(now: Optional[int]) -> int:
    return int(time.time()) if now is None else now


def _verify(fn: Any, handle: Any, token: Union[str, bytes], profile: Profile,
            registry: Optional[Registry], policy: Any, now: int, out_type: str,
            failed: Any = None, require: Sequence[Requirement] = ()) -> Any:
    data = token.encode() if isinstance(token, str) else bytes(token)
    out = ffi.new(out_type)
    needed = ffi.new("size_t *")
    size = lib.ct_verify_scratch_len(int(profile), len(data))
    for _ in range(2):
        scratch = ffi.new("uint8_t[]", max(size, 1))
        code = fn(handle, int(profile), _registry(registry), data, len(data), policy,
                  now, scratch, size, out, needed)
        if code == lib.CT_BUFFER_TOO_SMALL and needed[0] > size:
            size = needed[0]
            continue
        if code in (lib.CT_REQUIRED_CLAIM_MISSING, lib.CT_REQUIRED_CLAIM_MISMATCH):
            error = _ERRORS[code](code)
            error.index = failed[0]
            error.requirement = require[failed[0]]
            raise error
        _check(code)
        return out, scratch
    _check(code)


def verify_access(
    token: Union[str, bytes],
    key: Optional[Key] = None,
    *,
    keyset: Optional[KeySet] = None,
    issuer: str,
    audience: str,
    profile: Profile = Profile.JWT,
    registry: Optional[Registry] = None,
    now: Optional[int] = None,
    required_scopes: Sequence[str] = (),
    leeway: Optional[int] = None,
    max_bytes: Optional[int] = None,
    max_lifetime: Optional[int] = None,
    require: Sequence[Requirement] = (),
    dpop: Optional[Union[str, bytes]] = None,
    htm: Optional[str] = None,
    htu: Optional[str] = None,
    replay: Optional["ReplayCache"] = None,
    nonce: Optional[str] = None,
    dpop_window: Optional[Tuple[int, int]] = None,
) -> AccessClaims:
    """Verifies an access token with key (which pins the algorithm), or with the key of
    keyset its kid names (exactly one of the two), at now (Unix seconds;
    default: the system clock) for issuer and audience; every scope in required_scopes
    must be granted; leeway (0 to 300 s, default 30) and the limits as for issue_access;
    every requirement on custom claims in require must hold, e.g.
    require=[("roles", "contains", "admin"), (("realm_access", "roles"), "contains", "uma"),
    ("tenant", "equals", "acme"), ("cnf", "present")] (at most 8; a failed one raises
    RequiredClaimMissingError or RequiredClaimMismatchError with .index and
    .requirement). Raises a TokenError subclass naming the refusal.

    DPoP (RFC 9449): with htm and htu (the request's method and URI) the token must be bound
    (cnf.jkt) to the key of the proof dpop (the request's DPoP header; None raises
    DpopProofMissingError), which must be fresh (dpop_window=(max_age, max_future), default
    (60, 5) seconds), for this request and this token (ath), carry nonce when given, and not
    be a replay: replay, a ReplayCache, is required (shared by every request). Only with
    key, not keyset. The proof's errors raise the Dpop...Error classes."""
    arena = _Arena()
    policy = ffi.new("ct_access_policy *")
    policy.issuer = arena.view(issuer)
    policy.audience = arena.view(audience)
    scopes = ffi.new("ct_str[]", max(len(required_scopes), 1))
    for i, s in enumerate(required_scopes):
        arena.set(scopes[i], s)
    policy.required_scopes = scopes
    policy.required_scopes_len = len(required_scopes)
    policy.has_leeway = leeway is not None
    policy.leeway = leeway or 0
    policy.limits = _limits(max_bytes, max_lifetime)[0]
    failed = _requirements(policy.claims, require, arena)
    fn, handle = _verifier((lib.ct_access_verify_with, lib.ct_access_verify_keyset), key, keyset)
    if htm is not None or htu is not None or dpop is not None or replay is not None:
        if keyset is not None or htm is None or htu is None:
            raise TypeError("DPoP needs key (not keyset), htm and htu")
        request = _dpop_request(arena, dpop, htm, htu, replay, nonce, dpop_window)

        def with_proof(h: Any, p: int, r: Any, t: Any, n: int, pol: Any, *rest: Any) -> int:
            return lib.ct_access_verify_dpop(h, p, r, t, n, pol, request, *rest)
        fn = with_proof
    out, _scratch = _verify(fn, handle, token, profile, registry, policy,
                            _now(now), "ct_access_claims *", failed, require)
    return _access_out(out)


# ------------------------------------------------------------------------------- DPoP


class ReplayCache:
    """Remembers the jti of accepted DPoP proofs (a ct_replay_cache handle: bounded,
    thread-safe, shared by every request). When capacity unexpired jtis are held it refuses
    new proofs (DpopReplayCacheFullError) rather than forget one that could be replayed:
    size it for requests per second times (max_age + max_future)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise _ERRORS[lib.CT_ERR_INVALID_ARGUMENT](lib.CT_ERR_INVALID_ARGUMENT)
        out = ffi.new("ct_replay_cache **")
        _check(lib.ct_replay_cache_new(capacity, out))
        self._handle = ffi.gc(out[0], lib.ct_replay_cache_free)
        self.capacity = capacity


def _dpop_request(arena: _Arena, proof: Optional[Union[str, bytes]], htm: str, htu: str,
                  replay: Optional[ReplayCache], nonce: Optional[str],
                  window: Optional[Tuple[int, int]]) -> Any:
    req = ffi.new("ct_dpop_request *")
    arena.set(req.proof, proof)
    arena.set(req.htm, htm)
    arena.set(req.htu, htu)
    arena.set(req.nonce, nonce)
    if window is not None:
        req.has_window = True
        req.max_age, req.max_future = window
    # No cache: the library refuses the call (InvalidArgumentError); Python never skips it.
    req.replay_cache = replay._handle if replay is not None else ffi.NULL
    return req


def dpop_jkt(key: Key) -> str:
    """The RFC 7638 thumbprint (43 characters) of an Ed25519 or ES256 key's public half: the
    cnf.jkt that binds an access token to it, e.g. extra={"cnf": {"jkt": dpop_jkt(k)}}."""
    out = ffi.new("uint8_t[]", lib.CT_DPOP_JKT_LEN)
    _check(lib.ct_dpop_jkt(key._handle, out))
    return bytes(ffi.buffer(out, lib.CT_DPOP_JKT_LEN)).decode("ascii")


def issue_dpop_proof(
    key: Key,
    htm: str,
    htu: str,
    *,
    iat: Optional[int] = None,
    jti: Optional[str] = None,
    access_token: Optional[Union[str, bytes]] = None,
    nonce: Optional[str] = None,
) -> str:
    """A DPoP proof (the client's side) signed by a private Ed25519 or ES256 key for a
    request with method htm to URI htu (no query or fragment), at iat (default: the system
    clock), with jti (default: 128 random bits), ath when access_token is given and nonce
    when the server asked for one."""
    arena = _Arena()
    if jti is None:
        jti = base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode()
    out = ffi.new("uint8_t[]", lib.CT_DPOP_MAX_PROOF_LEN)
    written = ffi.new("size_t *")
    _check(lib.ct_dpop_proof_issue(
        key._handle, arena.view(htm), arena.view(htu), _now(iat), arena.view(jti),
        arena.view(access_token), arena.view(nonce), out, lib.CT_DPOP_MAX_PROOF_LEN, written))
    return bytes(ffi.buffer(out, written[0])).decode("ascii")


def verify_id(
    token: Union[str, bytes],
    key: Optional[Key] = None,
    *,
    keyset: Optional[KeySet] = None,
    issuer: str,
    client_id: str,
    nonce: Optional[str] = None,
    access_token: Optional[str] = None,
    profile: Profile = Profile.JWT,
    registry: Optional[Registry] = None,
    now: Optional[int] = None,
    leeway: Optional[int] = None,
    max_bytes: Optional[int] = None,
    max_lifetime: Optional[int] = None,
    require: Sequence[Requirement] = (),
) -> IdClaims:
    """Verifies an ID token for issuer and client_id; nonce, when given, must be the
    token's; access_token, when given, must match its at_hash. As verify_access."""
    arena = _Arena()
    policy = ffi.new("ct_id_policy *")
    policy.issuer = arena.view(issuer)
    policy.client_id = arena.view(client_id)
    policy.nonce = arena.view(nonce)
    policy.access_token = arena.view(access_token)
    policy.has_leeway = leeway is not None
    policy.leeway = leeway or 0
    policy.limits = _limits(max_bytes, max_lifetime)[0]
    failed = _requirements(policy.claims, require, arena)
    fn, handle = _verifier((lib.ct_id_verify_with, lib.ct_id_verify_keyset), key, keyset)
    out, _scratch = _verify(fn, handle, token, profile, registry, policy,
                            _now(now), "ct_id_claims *", failed, require)
    return _id_out(out)


# ------------------------------------------------------------------------------ helpers


def _hash(fn: Any, key: Key, value: Union[str, bytes]) -> str:
    data = value.encode() if isinstance(value, str) else bytes(value)
    out = ffi.new("uint8_t[]", lib.CT_MAX_HASH_LEN)
    written = ffi.new("size_t *")
    _check(fn(key._handle, data, len(data), out, lib.CT_MAX_HASH_LEN, written))
    return bytes(ffi.buffer(out, written[0])).decode("ascii")


def at_hash(key: Key, access_token: Union[str, bytes]) -> str:
    """The at_hash of access_token for an ID token signed with key."""
    return _hash(lib.ct_at_hash, key, access_token)


def c_hash(key: Key, code: Union[str, bytes]) -> str:
    """The c_hash of an authorization code for an ID token signed with key."""
    return _hash(lib.ct_c_hash, key, code)


def peek_kid(token: Union[str, bytes]) -> Optional[str]:
    """The token's kid, NOT verified (to choose the key), or None."""
    data = token.encode() if isinstance(token, str) else bytes(token)
    cap = lib.CT_MAX_KID_LEN
    for _ in range(2):
        out = ffi.new("uint8_t[]", cap)
        n = ffi.new("size_t *")
        has = ffi.new("bool *")
        code = lib.ct_token_peek_kid(data, len(data), out, cap, n, has)
        if code == lib.CT_BUFFER_TOO_SMALL and n[0] > cap:
            cap = n[0]
            continue
        _check(code)
        return bytes(ffi.buffer(out, n[0])).decode() if has[0] else None
    _check(code)
    return None


def version() -> str:
    """The version of the loaded library, "major.minor.patch"."""
    return ffi.string(lib.ct_version_string()).decode()
