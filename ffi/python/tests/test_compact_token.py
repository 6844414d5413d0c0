"""Tests of the compact_token package as installed (a wheel over the C ABI): issuing and
verifying both kinds in both profiles, the exact error classes and codes, policies as
keyword arguments, threads, and interop with PyJWT in the same process. Importing the
package fails the whole run when it is not installed."""

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import compact_token as ct

ISS = "https://auth.example.com"
AUD = "https://api.example.com"
CLIENT = "s6BhdRkqt3"
NOW = 1764000000
SEED = bytes(range(32))
SECRET = b"\x42" * 32


def access(now=NOW, **kw):
    fields = dict(iss=ISS, sub="user-8f14e45f", aud=[AUD], client_id=CLIENT, iat=now,
                  exp=now + 300, jti="b1c2d3e4f5a6b7c8", scope="read:orders write:orders")
    fields.update(kw)
    return ct.AccessClaims(**fields)


def id_claims(now=NOW, **kw):
    fields = dict(iss=ISS, sub="user-8f14e45f", aud=[CLIENT], iat=now, exp=now + 600,
                  nonce="n-0S6_WzA2Mj", azp=CLIENT, name="Jane Doe", email_verified=True,
                  auth_time=now - 10)
    fields.update(kw)
    return ct.IdClaims(**fields)


@pytest.fixture(scope="module")
def ed():
    return ct.Key.ed25519_from_seed(SEED, kid="k1")


@pytest.fixture(scope="module")
def hs():
    return ct.Key.hs256(SECRET)


def test_every_code_has_its_class():
    import re

    header = open(__file__.rsplit("/ffi/", 1)[0] + "/ffi/include/compact_token.h").read()
    sizes = re.compile(r"CT_(VERSION|PROFILE_|ALG_|KEY_USE_(ACCESS|ID|BOTH)$|KIND_|JSON_|RULE_|MAX_|DPOP_(FLAGS_NONE|NO_REPLAY_CHECK|JKT_LEN|MAX_PROOF_LEN)$|.*(_MAX_BYTES|_SCRATCH_BYTES|_FACTOR|_MAX_KEYS)$)")
    codes = {int(v): n for n, v in re.findall(r"#define (CT_[A-Z0-9_]+) (\d+)\n", header)
             if n != "CT_OK" and not sizes.match(n)}
    assert sorted(codes) == list(range(1, 58)) + list(range(100, 120))
    for code, name in codes.items():
        cls = ct._ERRORS[code]
        assert (cls.code, cls.name) == (code, name)
        assert issubclass(cls, ct.TokenError) and cls.__name__ in ct.__all__
        assert str(cls()) != "" and "unknown" not in cls().message


def test_installed_package_is_the_wheel():
    assert "site-packages" in ct.__file__
    assert ct.version() == "0.1.0"
    assert (ct.ACCESS_MAX_BYTES, ct.ID_MAX_BYTES, ct.MAX_KID_LEN) == (1024, 4096, 64)


@pytest.mark.parametrize("profile", list(ct.Profile))
@pytest.mark.parametrize("which", ["ed", "hs"])
def test_access_roundtrip(profile, which, ed, hs):
    signer = ed if which == "ed" else hs
    verifier = ed.public_key(kid="k1") if which == "ed" else hs
    token = ct.issue_access(signer, access(), profile)
    got = ct.verify_access(token, verifier, issuer=ISS, audience=AUD, profile=profile,
                           now=NOW + 10, required_scopes=["read:orders"])
    assert got == access()
    assert got.scopes == ["read:orders", "write:orders"]


@pytest.mark.parametrize("profile", list(ct.Profile))
def test_id_roundtrip_with_at_hash_and_c_hash(profile, ed):
    at = ct.issue_access(ed, access(), profile)
    claims = id_claims(at_hash=ct.at_hash(ed, at), c_hash=ct.c_hash(ed, "SplxlOBeZQQYbYS6WxSbIA"))
    assert len(claims.at_hash) == 43  # EdDSA: SHA-512
    token = ct.issue_id(ed, claims, profile)
    got = ct.verify_id(token, ed.public_key(), issuer=ISS, client_id=CLIENT,
                       nonce="n-0S6_WzA2Mj", access_token=at, profile=profile, now=NOW + 10)
    assert got == claims
    with pytest.raises(ct.AccessTokenHashMismatchError) as e:
        ct.verify_id(token, ed, issuer=ISS, client_id=CLIENT, access_token=at[:-1] + "A",
                     profile=profile, now=NOW + 10)
    assert e.value.code == 23


def test_registry_compact(ed):
    reg = ct.Registry([ISS, AUD, "read:orders", CLIENT])
    token = ct.issue_access(ed, access(), ct.Profile.COMPACT, registry=reg)
    assert len(token) < len(ct.issue_access(ed, access(), ct.Profile.COMPACT))
    got = ct.verify_access(token, ed, issuer=ISS, audience=AUD, profile=ct.Profile.COMPACT,
                           registry=reg, now=NOW + 10)
    assert got.aud == [AUD]
    with pytest.raises(ct.RegistryMismatchError):
        ct.verify_access(token, ed, issuer=ISS, audience=AUD, profile=ct.Profile.COMPACT,
                         registry=ct.Registry([ISS]), now=NOW + 10)


def refusal(cls, code, token, key, **kw):
    args = dict(issuer=ISS, audience=AUD, now=NOW + 10)
    args.update(kw)
    with pytest.raises(cls) as e:
        ct.verify_access(token, key, **args)
    assert e.value.code == code and isinstance(e.value, ct.TokenError)


def test_refusals_carry_exact_codes(ed, hs):
    token = ct.issue_access(ed, access())
    refusal(ct.ExpiredError, 15, token, ed, now=NOW + 400)
    refusal(ct.WrongIssuerError, 18, token, ed, issuer="https://evil.example.com")
    refusal(ct.WrongAudienceError, 19, token, ed, audience="https://other.example.com")
    refusal(ct.MissingScopeError, 21, token, ed, required_scopes=["admin"])
    refusal(ct.AlgorithmMismatchError, 5, token, hs)
    refusal(ct.KeyIdMismatchError, 6, token, ct.Key.ed25519_from_seed(SEED, kid="k2"))
    refusal(ct.WrongProfileError, 14, token, ed, profile=ct.Profile.COMPACT)
    at = token.index(".") + 10  # a payload byte
    tampered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
    refusal(ct.BadSignatureError, 8, tampered, ed)
    header, payload, _ = token.split(".")
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"at+jwt"}').rstrip(b"=").decode()
    refusal(ct.AlgorithmMismatchError, 5, f"{none}.{payload}.", ed)
    refusal(ct.OverBudgetError, 25, "a" * 1025, ed)
    refusal(ct.MalformedError, 1, "abc", ed)
    id_token = ct.issue_id(ed, id_claims())
    refusal(ct.WrongKindError, 13, id_token, ed, audience=CLIENT)
    with pytest.raises(ct.WrongKindError):
        ct.verify_id(token, ed, issuer=ISS, client_id=AUD, now=NOW + 10)


def test_policies_as_keyword_arguments(ed):
    token = ct.issue_access(ed, access())
    assert ct.verify_access(token, ed, issuer=ISS, audience=AUD, now=NOW + 320, leeway=60)
    refusal(ct.ExpiredError, 15, token, ed, now=NOW + 301, leeway=0)
    refusal(ct.InvalidPolicyError, 29, token, ed, leeway=301)
    refusal(ct.OverBudgetError, 25, token, ed, max_bytes=len(token) - 1)
    refusal(ct.LifetimeTooLongError, 24, token, ed, max_lifetime=299)
    refusal(ct.InvalidPolicyError, 29, token, ed, max_bytes=4096)
    with pytest.raises(ct.OverBudgetError):
        ct.issue_access(ed, access(), max_bytes=100)
    with pytest.raises(ct.LifetimeTooLongError):
        ct.issue_access(ed, access(exp=NOW + 601))
    with pytest.raises(ct.WrongNonceError):
        ct.verify_id(ct.issue_id(ed, id_claims()), ed, issuer=ISS, client_id=CLIENT,
                     nonce="other", now=NOW + 10)


def test_keys(ed, hs):
    assert ct.peek_kid(ct.issue_access(ed, access())) == "k1"
    assert ct.peek_kid(ct.issue_access(hs, access())) is None
    with pytest.raises(ct.InvalidKeyError):
        ct.Key.hs256(b"short")
    with pytest.raises(ct.KeyCannotSignError) as e:
        ct.issue_access(ed.public_key(), access())
    assert e.value.code == 104
    with pytest.raises(ct.KeyUseMismatchError):
        ct.issue_id(ct.Key.hs256(SECRET, use=ct.KeyUse.ACCESS), id_claims())
    x = base64.urlsafe_b64encode(ed.public_bytes()).rstrip(b"=").decode()
    pub = ct.Key.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "k1"})
    ct.verify_access(ct.issue_access(ed, access()), pub, issuer=ISS, audience=AUD, now=NOW + 10)
    k = base64.urlsafe_b64encode(SECRET).rstrip(b"=").decode()
    sym = ct.Key.from_jwk({"kty": "oct", "k": k, "alg": "HS256"})
    ct.verify_access(ct.issue_access(hs, access()), sym, issuer=ISS, audience=AUD, now=NOW + 10)
    with pytest.raises(ct.InvalidKeyError):
        ct.Key.from_jwk({"kty": "RSA", "n": "AQAB", "e": "AQAB"})


def test_threads_share_keys(ed):
    token = ct.issue_access(ed, access())
    pub = ed.public_key()

    def check(_):
        return ct.verify_access(token, pub, issuer=ISS, audience=AUD, now=NOW + 10).sub

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(check, range(400))) == {"user-8f14e45f"}


# ----------------------------------------------------------------------- JWK sets


def _okp(key, kid, **kw):
    x = base64.urlsafe_b64encode(key.public_bytes()).rstrip(b"=").decode()
    return dict(kty="OKP", crv="Ed25519", x=x, kid=kid, **kw)


@pytest.mark.parametrize("profile", list(ct.Profile))
def test_keyset_picks_the_key_by_kid(profile):
    a = ct.Key.ed25519_from_seed(b"\x01" * 32, kid="a")
    b = ct.Key.ed25519_from_seed(b"\x02" * 32, kid="b")
    jwks = {"keys": [_okp(a, "a"), _okp(b, "b", token_use="access"),
                     {"kty": "OKP", "crv": "X25519", "x": "AAAA"}]}
    for source in (jwks, json.dumps(jwks), json.dumps(jwks).encode()):
        keyset = ct.KeySet.from_jwks(source)
        for key in (a, b):
            claims = access(extra={"tenant": "acme"})
            token = ct.issue_access(key, claims, profile)
            got = ct.verify_access(token, keyset=keyset, issuer=ISS, audience=AUD,
                                   profile=profile, now=NOW + 10)
            assert got == claims
    ident = ct.verify_id(ct.issue_id(a, id_claims(), profile), keyset=keyset, issuer=ISS,
                         client_id=CLIENT, profile=profile, now=NOW + 10)
    assert ident.sub == "user-8f14e45f"
    with pytest.raises(ct.KeyUseMismatchError):  # b is for access tokens only
        ct.verify_id(ct.issue_id(b, id_claims(), profile), keyset=keyset, issuer=ISS,
                     client_id=CLIENT, profile=profile, now=NOW + 10)
    other = ct.Key.ed25519_from_seed(b"\x03" * 32, kid="c")
    with pytest.raises(ct.UnknownKeyIdError) as e:
        ct.verify_access(ct.issue_access(other, access(), profile), keyset=keyset, issuer=ISS,
                         audience=AUD, profile=profile, now=NOW + 10)
    assert e.value.code == 109
    bare = ct.Key.ed25519_from_seed(b"\x01" * 32)
    with pytest.raises(ct.AmbiguousKeyError):
        ct.verify_access(ct.issue_access(bare, access(), profile), keyset=keyset, issuer=ISS,
                         audience=AUD, profile=profile, now=NOW + 10)


def test_keyset_refusals_and_arguments(ed):
    with pytest.raises(ct.JwksNoUsableKeyError):
        ct.KeySet.from_jwks({"keys": []})
    with pytest.raises(ct.JwksPrivateKeyError):  # an HS256 secret is never public
        ct.KeySet.from_jwks({"keys": [{"kty": "oct", "k": "A" * 43}]})
    with pytest.raises(ct.InvalidJwksError):
        ct.KeySet.from_jwks("not json")
    keyset = ct.KeySet.from_jwks({"keys": [_okp(ed, "k1")]})
    token = ct.issue_access(ed, access())
    with pytest.raises(TypeError):
        ct.verify_access(token, ed, keyset=keyset, issuer=ISS, audience=AUD, now=NOW + 10)
    with pytest.raises(TypeError):
        ct.verify_access(token, issuer=ISS, audience=AUD, now=NOW + 10)


def test_pyjwt_tokens_verify_with_a_keyset():
    now = int(time.time())
    private = Ed25519PrivateKey.from_private_bytes(SEED)
    jwks = {"keys": [_okp(ct.Key.ed25519_from_seed(SEED), "py-1")]}
    token = pyjwt.encode(dict(iss=ISS, sub="user-1", aud=AUD, client_id=CLIENT, iat=now,
                              exp=now + 300, jti="j-1"), private, algorithm="EdDSA",
                         headers={"typ": "at+jwt", "kid": "py-1"})
    got = ct.verify_access(token, keyset=ct.KeySet.from_jwks(jwks), issuer=ISS, audience=AUD)
    assert got.sub == "user-1"


# --------------------------------------------------------------- interop with PyJWT


def test_pyjwt_tokens_verify_in_ours():
    now = int(time.time())
    payload = dict(iss=ISS, sub="user-1", aud=AUD, client_id=CLIENT, iat=now, exp=now + 300,
                   jti="j-1", scope="read:orders")
    for key_obj, ours in (
        (SECRET, ct.Key.hs256(SECRET)),
        (Ed25519PrivateKey.from_private_bytes(SEED), ct.Key.ed25519_from_seed(SEED).public_key()),
    ):
        alg = "HS256" if isinstance(key_obj, bytes) else "EdDSA"
        token = pyjwt.encode(payload, key_obj, algorithm=alg, headers={"typ": "at+jwt"})
        got = ct.verify_access(token, ours, issuer=ISS, audience=AUD,
                               required_scopes=["read:orders"])
        assert (got.sub, got.aud, got.jti) == ("user-1", [AUD], "j-1")
    id_token = pyjwt.encode(dict(iss=ISS, sub="u", aud=CLIENT, iat=now, exp=now + 600,
                                 nonce="n1", name="Jane \u00e9"), SECRET, algorithm="HS256")
    got = ct.verify_id(id_token, ct.Key.hs256(SECRET), issuer=ISS, client_id=CLIENT, nonce="n1")
    assert got.name == "Jane \u00e9"


def test_our_tokens_verify_in_pyjwt(ed, hs):
    now = int(time.time())
    private = Ed25519PrivateKey.from_private_bytes(SEED)
    for key, pykey, alg in ((hs, SECRET, "HS256"), (ed, private.public_key(), "EdDSA")):
        token = ct.issue_access(key, access(now=now))
        got = pyjwt.decode(token, pykey, algorithms=[alg], audience=AUD, issuer=ISS)
        assert got["client_id"] == CLIENT and got["scope"] == "read:orders write:orders"
        assert pyjwt.get_unverified_header(token)["typ"] == "at+jwt"
        # compact: binary claims, but the signature is a plain JWS any library checks
        compact = ct.issue_access(key, access(now=now), ct.Profile.COMPACT)
        jws = pyjwt.api_jws.decode_complete(compact, pykey, algorithms=[alg])
        assert jws["header"]["alg"] == alg and jws["payload"][:1] in (b"\x88", b"\x89")
    at = ct.issue_access(hs, access(now=now))
    id_token = ct.issue_id(hs, id_claims(now=now, at_hash=ct.at_hash(hs, at)))
    got = pyjwt.decode(id_token, SECRET, algorithms=["HS256"], audience=CLIENT, issuer=ISS)
    assert got["nonce"] == "n-0S6_WzA2Mj"
    digest = __import__("hashlib").sha256(at.encode()).digest()[:16]
    assert got["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))["typ"] == "JWT"


# ------------------------------------------------------------------------ custom claims

EXTRA = {
    "roles": ["admin", "ops"],
    "tenant": "acme",
    "level": -42,
    "big": 2**53 + 1,
    "beta": True,
    "off": False,
    "nothing": None,
    "url": "https://e.com/\u00e9\U0001F600 \"quoted\"",
    "realm_access": {"roles": ["offline_access", "uma_authorization"]},
    "resource_access": {"account": {"roles": ["manage-account", "view-profile"]}},
    "cnf": {"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"},
    "https://example.com/roles": ["reader"],
}


@pytest.mark.parametrize("profile", [ct.Profile.JWT, ct.Profile.COMPACT])
def test_custom_claims_roundtrip_both_kinds(profile, ed):
    token = ct.issue_access(ed, access(extra=EXTRA), profile)
    got = ct.verify_access(token, ed.public_key(), issuer=ISS, audience=AUD, now=NOW + 5,
                           profile=profile)
    assert got.extra == EXTRA and got.sub == "user-8f14e45f"
    id_token = ct.issue_id(ed, id_claims(extra=EXTRA), profile)
    got = ct.verify_id(id_token, ed.public_key(), issuer=ISS, client_id=CLIENT, now=NOW + 5,
                       profile=profile)
    assert got.extra == EXTRA and got.name == "Jane Doe"
    # none: an empty dict
    plain = ct.verify_access(ct.issue_access(ed, access(), profile), ed, issuer=ISS,
                             audience=AUD, now=NOW + 5, profile=profile)
    assert plain.extra == {}


def test_custom_claims_refused_with_their_codes(ed):
    with pytest.raises(ct.ClaimCollisionError) as e:
        ct.issue_access(ed, access(extra={"iss": "x"}))
    assert e.value.code == 37
    with pytest.raises(ct.ClaimCollisionError):
        ct.issue_id(ed, id_claims(extra={"nonce": "x"}))
    # client_id is typed in an access token only
    assert ct.verify_id(ct.issue_id(ed, id_claims(extra={"client_id": "x"})), ed, issuer=ISS,
                        client_id=CLIENT, now=NOW + 5).extra == {"client_id": "x"}
    with pytest.raises(ct.MalformedClaimsError):
        ct.issue_access(ed, access(extra={"a": "nul\u0000"}))
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    with pytest.raises(ct.NestingTooDeepError) as e:
        ct.issue_access(ed, access(extra={"deep": deep}))
    assert e.value.code == 11
    with pytest.raises(ct.OverBudgetError):
        ct.issue_access(ed, access(extra={"pad": "a" * 900}))


@pytest.mark.parametrize("profile", [ct.Profile.JWT, ct.Profile.COMPACT])
def test_required_custom_claims(profile, ed):
    token = ct.issue_access(ed, access(extra=EXTRA), profile)
    kw = dict(issuer=ISS, audience=AUD, now=NOW + 5, profile=profile)
    ok = [("roles", "contains", "admin"), ("tenant", "equals", "acme"),
          (("realm_access", "roles"), "contains", "uma_authorization"),
          (("resource_access", "account", "roles"), "contains", "view-profile"),
          (("cnf", "jkt"), "present"), ("beta", "is_true"), ("nothing", "present")]
    assert ct.verify_access(token, ed, require=ok, **kw).extra["tenant"] == "acme"
    with pytest.raises(ct.RequiredClaimMismatchError) as e:
        ct.verify_access(token, ed, require=ok + [("off", "is_true")], **kw)
    assert (e.value.code, e.value.index, e.value.requirement) == (39, 7, ("off", "is_true"))
    with pytest.raises(ct.RequiredClaimMissingError) as e:
        ct.verify_access(token, ed, require=[("roles", "present"), ("groups", "present")], **kw)
    assert (e.value.code, e.value.index) == (38, 1)
    with pytest.raises(ct.RequiredClaimMismatchError):
        ct.verify_access(token, ed, require=[("tenant", "equals", "other")], **kw)
    with pytest.raises(ct.InvalidPolicyError):
        ct.verify_access(token, ed, require=[("roles", "present")] * 9, **kw)
    id_token = ct.issue_id(ed, id_claims(extra=EXTRA), profile)
    with pytest.raises(ct.RequiredClaimMissingError) as e:
        ct.verify_id(id_token, ed, issuer=ISS, client_id=CLIENT, now=NOW + 5, profile=profile,
                     require=[("roles", "contains", "ops"), (("cnf", "x5t#S256"), "present")])
    assert e.value.index == 1


def test_pyjwt_custom_claims_verify_in_ours():
    now = int(time.time())
    payload = dict(iss=ISS, sub="user-1", aud=AUD, client_id=CLIENT, iat=now, exp=now + 300,
                   jti="j-1", **EXTRA)
    for key_obj, ours in (
        (SECRET, ct.Key.hs256(SECRET)),
        (Ed25519PrivateKey.from_private_bytes(SEED), ct.Key.ed25519_from_seed(SEED).public_key()),
    ):
        alg = "HS256" if isinstance(key_obj, bytes) else "EdDSA"
        token = pyjwt.encode(payload, key_obj, algorithm=alg, headers={"typ": "at+jwt"})
        got = ct.verify_access(token, ours, issuer=ISS, audience=AUD,
                               require=[(("realm_access", "roles"), "contains", "uma_authorization"),
                                        ("https://example.com/roles", "contains", "reader")])
        assert got.extra == EXTRA
    # a Keycloak-shaped ID token (no typ), escaped by PyJWT's json.dumps (ensure_ascii)
    claims = dict(iss=ISS, sub="u", aud=CLIENT, iat=now, exp=now + 600, nonce="n1",
                  preferred_username="jane", **EXTRA)
    id_token = pyjwt.encode(claims, SECRET, algorithm="HS256")
    got = ct.verify_id(id_token, ct.Key.hs256(SECRET), issuer=ISS, client_id=CLIENT, nonce="n1")
    assert got.extra == EXTRA and got.preferred_username == "jane"


def test_our_custom_claims_verify_in_pyjwt(ed, hs):
    now = int(time.time())
    private = Ed25519PrivateKey.from_private_bytes(SEED)
    for key, pykey, alg in ((hs, SECRET, "HS256"), (ed, private.public_key(), "EdDSA")):
        token = ct.issue_access(key, access(now=now, extra=EXTRA))
        got = pyjwt.decode(token, pykey, algorithms=[alg], audience=AUD, issuer=ISS)
        assert {k: got[k] for k in EXTRA} == EXTRA
    id_token = ct.issue_id(hs, id_claims(now=now, extra=EXTRA))
    got = pyjwt.decode(id_token, SECRET, algorithms=["HS256"], audience=CLIENT, issuer=ISS)
    assert {k: got[k] for k in EXTRA} == EXTRA and got["name"] == "Jane Doe"


# --------------------------------------------------------------- ES256, RS256, PS256 keys

EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _point(key, form=serialization.PublicFormat.UncompressedPoint):
    return key.public_key().public_bytes(serialization.Encoding.X962, form)


def _jwk(key, private=True, **kw):
    algo = pyjwt.algorithms.ECAlgorithm if isinstance(key, ec.EllipticCurvePrivateKey) \
        else pyjwt.algorithms.RSAAlgorithm
    jwk = json.loads(algo.to_jwk(key if private else key.public_key()))
    jwk.pop("alg", None)
    jwk.update(kw)
    return jwk


def _scalar(key):
    return key.private_numbers().private_value.to_bytes(32, "big")


@pytest.mark.parametrize("profile", list(ct.Profile))
def test_es256_keys_from_bytes_and_jwk(profile):
    es = ct.Key.es256_private(_scalar(EC_KEY), kid="ec-1")
    assert es.algorithm == ct.Algorithm.ES256
    assert es.public_bytes() == _point(EC_KEY)
    verifiers = [
        ct.Key.es256_public(_point(EC_KEY), kid="ec-1"),
        ct.Key.es256_public(_point(EC_KEY, serialization.PublicFormat.CompressedPoint)),
        ct.Key.from_jwk(_jwk(EC_KEY, private=False)),
        ct.Key.from_jwk(json.dumps(_jwk(EC_KEY, private=False)), alg=ct.Algorithm.ES256),
        ct.Key.from_jwk(es.public_jwk()),
        es.public_key(),
    ]
    token = ct.issue_access(es, access(), profile)
    id_token = ct.issue_id(es, id_claims(), profile)
    for v in verifiers:
        assert v.algorithm == ct.Algorithm.ES256
        assert ct.verify_access(token, v, issuer=ISS, audience=AUD, profile=profile,
                                now=NOW + 10).sub == "user-8f14e45f"
        assert ct.verify_id(id_token, v, issuer=ISS, client_id=CLIENT, profile=profile,
                            now=NOW + 10).name == "Jane Doe"
    jwk = es.public_jwk()
    numbers = EC_KEY.public_key().public_numbers()
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["kid"]) == ("EC", "P-256", "ES256", "ec-1")
    assert jwk["x"] == base64.urlsafe_b64encode(numbers.x.to_bytes(32, "big")).rstrip(b"=").decode()
    assert "d" not in jwk
    signer = ct.Key.from_jwk(_jwk(EC_KEY))
    ct.verify_access(ct.issue_access(signer, access(), profile), verifiers[1], issuer=ISS,
                     audience=AUD, profile=profile, now=NOW + 10)
    with pytest.raises(ct.KeyCannotSignError):
        ct.issue_access(verifiers[0], access(), profile)


def test_es256_refusals():
    point = bytearray(_point(EC_KEY))
    point[-1] ^= 1
    for bad in (bytes(point), _point(EC_KEY)[:64], b"\x05" + _point(EC_KEY)[1:33], b"\x00",
                _scalar(EC_KEY)):
        with pytest.raises(ct.InvalidKeyError) as e:
            ct.Key.es256_public(bad)
        assert e.value.code == 27
    for bad in (b"\x00" * 32, b"\xff" * 32, b"\x01" * 31):
        with pytest.raises(ct.InvalidKeyError):
            ct.Key.es256_private(bad)
    with pytest.raises(ct.InvalidArgumentError):
        ct.Key.hs256(SECRET).public_jwk()
    with pytest.raises(ct.InvalidArgumentError):
        ct.Key.from_jwk(_jwk(RSA_KEY), alg=ct.Algorithm.RS256).public_bytes()


@pytest.mark.parametrize("profile", list(ct.Profile))
def test_rsa_keys_pin_rs256_or_ps256(profile):
    with pytest.raises(ct.AlgorithmRequiredError) as e:
        ct.Key.from_jwk(_jwk(RSA_KEY))
    assert e.value.code == 117
    with pytest.raises(ct.AlgorithmConflictError):
        ct.Key.from_jwk(_jwk(RSA_KEY), alg=ct.Algorithm.ES256)
    with pytest.raises(ct.AlgorithmConflictError):
        ct.Key.from_jwk(_jwk(RSA_KEY, alg="PS256"), alg=ct.Algorithm.RS256)
    for alg, other in ((ct.Algorithm.RS256, ct.Algorithm.PS256),
                       (ct.Algorithm.PS256, ct.Algorithm.RS256)):
        signer = ct.Key.from_jwk(_jwk(RSA_KEY), alg=alg)
        public = ct.Key.from_jwk(_jwk(RSA_KEY, private=False, alg=alg.name))
        wrong = ct.Key.from_jwk(_jwk(RSA_KEY, private=False), alg=other)
        assert (signer.algorithm, public.algorithm, wrong.algorithm) == (alg, alg, other)
        token = ct.issue_access(signer, access(), profile)
        assert ct.verify_access(token, public, issuer=ISS, audience=AUD, profile=profile,
                                now=NOW + 10).sub == "user-8f14e45f"
        assert ct.verify_access(token, signer.public_key(), issuer=ISS, audience=AUD,
                                profile=profile, now=NOW + 10).sub == "user-8f14e45f"
        with pytest.raises(ct.AlgorithmMismatchError):
            ct.verify_access(token, wrong, issuer=ISS, audience=AUD, profile=profile,
                             now=NOW + 10)
        assert signer.public_jwk()["alg"] == alg.name
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ct.InvalidKeyError):
        ct.Key.from_jwk(_jwk(short, private=False), alg=ct.Algorithm.RS256)


def test_key_documents_refused_with_their_codes():
    cases = [
        ("{", ct.InvalidJwkError),
        ({"kty": "EC", "crv": "P-256", "x": "AAAA"}, ct.InvalidJwkError),
        (dict(_jwk(EC_KEY, private=False), alg="RS256"), ct.InvalidJwkError),
        ({"kty": "OKP", "crv": "X25519", "x": "AAAA"}, ct.UnsupportedKeyTypeError),
        ({"kty": "EC", "crv": "P-384", "x": "AAAA", "y": "AAAA"}, ct.UnsupportedKeyTypeError),
    ]
    for doc, cls in cases:
        with pytest.raises(cls):
            ct.Key.from_jwk(doc)


def test_algorithm_substitution_across_key_types(ed, hs):
    es = ct.Key.es256_private(_scalar(EC_KEY))
    rs = ct.Key.from_jwk(_jwk(RSA_KEY), alg=ct.Algorithm.RS256)
    keys = [es, rs, hs, ed]
    for profile in ct.Profile:
        for signer in keys:
            token = ct.issue_access(signer, access(), profile)
            for verifier in keys:
                if verifier is signer:
                    continue
                with pytest.raises(ct.AlgorithmMismatchError):
                    ct.verify_access(token, verifier, issuer=ISS, audience=AUD,
                                     profile=profile, now=NOW + 10)


def test_keyset_of_ec_rsa_and_okp_keys(ed):
    es = ct.Key.es256_private(_scalar(EC_KEY), kid="ec")
    rs = ct.Key.from_jwk(_jwk(RSA_KEY, kid="rsa"), alg=ct.Algorithm.PS256)
    jwks = {"keys": [es.public_jwk(), rs.public_jwk(), ed.public_jwk()]}
    keyset = ct.KeySet.from_jwks(jwks)
    for signer in (es, rs, ed):
        token = ct.issue_access(signer, access())
        got = ct.verify_access(token, keyset=keyset, issuer=ISS, audience=AUD, now=NOW + 10)
        assert got.sub == "user-8f14e45f"
    liar = ct.Key.from_jwk(_jwk(RSA_KEY, kid="ec"), alg=ct.Algorithm.PS256)
    with pytest.raises(ct.AlgorithmMismatchError):
        ct.verify_access(ct.issue_access(liar, access()), keyset=keyset, issuer=ISS,
                         audience=AUD, now=NOW + 10)
    with pytest.raises(ct.JwksPrivateKeyError):
        ct.KeySet.from_jwks({"keys": [_jwk(EC_KEY)]})


PY_KEYS = [("ES256", EC_KEY), ("RS256", RSA_KEY), ("PS256", RSA_KEY)]


@pytest.mark.parametrize("alg,private", PY_KEYS)
def test_pyjwt_es_rs_ps_tokens_verify_in_ours(alg, private):
    now = int(time.time())
    payload = dict(iss=ISS, sub="user-1", aud=AUD, client_id=CLIENT, iat=now, exp=now + 300,
                   jti="j-1", scope="read:orders")
    token = pyjwt.encode(payload, private, algorithm=alg, headers={"typ": "at+jwt"})
    ours = ct.Key.from_jwk(_jwk(private, private=False), alg=ct.Algorithm[alg])
    got = ct.verify_access(token, ours, issuer=ISS, audience=AUD, required_scopes=["read:orders"])
    assert (got.sub, got.aud, got.jti) == ("user-1", [AUD], "j-1")
    id_token = pyjwt.encode(dict(iss=ISS, sub="u", aud=CLIENT, iat=now, exp=now + 600,
                                 nonce="n1"), private, algorithm=alg)
    assert ct.verify_id(id_token, ours, issuer=ISS, client_id=CLIENT, nonce="n1").sub == "u"
    if alg == "ES256":
        raw = ct.Key.es256_public(_point(private))
        assert ct.verify_access(token, raw, issuer=ISS, audience=AUD).sub == "user-1"


@pytest.mark.parametrize("alg,private", PY_KEYS)
def test_our_es_rs_ps_tokens_verify_in_pyjwt(alg, private):
    now = int(time.time())
    key = ct.Key.from_jwk(_jwk(private), alg=ct.Algorithm[alg])
    token = ct.issue_access(key, access(now=now))
    got = pyjwt.decode(token, private.public_key(), algorithms=[alg], audience=AUD, issuer=ISS)
    assert got["client_id"] == CLIENT and got["sub"] == "user-8f14e45f"
    compact = ct.issue_access(key, access(now=now), ct.Profile.COMPACT)
    jws = pyjwt.api_jws.decode_complete(compact, private.public_key(), algorithms=[alg])
    assert jws["header"]["alg"] == alg
    at = ct.issue_access(key, access(now=now))
    id_token = ct.issue_id(key, id_claims(now=now, at_hash=ct.at_hash(key, at)))
    got = pyjwt.decode(id_token, private.public_key(), algorithms=[alg], audience=CLIENT,
                       issuer=ISS)
    digest = __import__("hashlib").sha256(at.encode()).digest()[:16]
    assert got["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    # PyJWT reads the public JWK we publish
    public = pyjwt.PyJWK(key.public_jwk())
    assert pyjwt.decode(token, public.key, algorithms=[alg], audience=AUD)["jti"]


def _pem(key, private=True, fmt=serialization.PrivateFormat.PKCS8):
    if private:
        return key.private_bytes(serialization.Encoding.PEM, fmt,
                                 serialization.NoEncryption()).decode()
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.mark.parametrize("fmt", [serialization.PrivateFormat.PKCS8,
                                 serialization.PrivateFormat.TraditionalOpenSSL])
def test_pem_keys(fmt):
    es = ct.Key.from_pem(_pem(EC_KEY, fmt=fmt), kid="ec-pem")
    assert es.algorithm == ct.Algorithm.ES256 and es.public_bytes() == _point(EC_KEY)
    es_pub = ct.Key.from_pem(_pem(EC_KEY, private=False).encode(), alg=ct.Algorithm.ES256)
    token = ct.issue_access(es, access())
    assert ct.peek_kid(token) == "ec-pem"
    assert ct.verify_access(token, es_pub, issuer=ISS, audience=AUD, now=NOW + 10).sub
    with pytest.raises(ct.AlgorithmRequiredError):
        ct.Key.from_pem(_pem(RSA_KEY, fmt=fmt))
    with pytest.raises(ct.AlgorithmConflictError):
        ct.Key.from_pem(_pem(EC_KEY, fmt=fmt), alg=ct.Algorithm.RS256)
    rs = ct.Key.from_pem(_pem(RSA_KEY, fmt=fmt), alg=ct.Algorithm.RS256)
    ps_pub = ct.Key.from_pem(_pem(RSA_KEY, private=False), alg=ct.Algorithm.PS256)
    token = ct.issue_access(rs, access())
    with pytest.raises(ct.AlgorithmMismatchError):
        ct.verify_access(token, ps_pub, issuer=ISS, audience=AUD, now=NOW + 10)
    rs_pub = ct.Key.from_pem(_pem(RSA_KEY, private=False), alg=ct.Algorithm.RS256)
    assert ct.verify_access(token, rs_pub, issuer=ISS, audience=AUD, now=NOW + 10).sub
    # PyJWT, given the same PEM texts, agrees both ways
    assert pyjwt.decode(token, _pem(RSA_KEY, private=False), algorithms=["RS256"],
                        audience=AUD, options={"verify_exp": False})["jti"]
    theirs = pyjwt.encode(dict(iss=ISS, sub="u", aud=AUD, client_id=CLIENT, iat=int(time.time()),
                               exp=int(time.time()) + 60, jti="j"), _pem(EC_KEY, fmt=fmt),
                          algorithm="ES256", headers={"typ": "at+jwt"})
    assert ct.verify_access(theirs, es_pub, issuer=ISS, audience=AUD).sub == "u"


def test_pem_refusals():
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ct.InvalidKeyError):
        ct.Key.from_pem(_pem(short, private=False), alg=ct.Algorithm.RS256)
    for text in ("not pem", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"):
        with pytest.raises(ct.InvalidPemError) as e:
            ct.Key.from_pem(text)
        assert e.value.code == 119
    p384 = ec.generate_private_key(ec.SECP384R1())
    with pytest.raises(ct.UnsupportedKeyTypeError):
        ct.Key.from_pem(_pem(p384))
