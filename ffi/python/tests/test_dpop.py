"""DPoP (RFC 9449) through the package: a bound access token verified with its proof,
each refusal's exception class and code, replays refused, and PyJWT interop both ways
(a proof PyJWT signs verifies here; ours decodes and verifies in PyJWT with the key its
header carries)."""

import base64
import hashlib

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

import compact_token as ct
from compact_token import dpop

ISS = "https://auth.example.com"
AUD = "https://api.example.com"
HTU = "https://api.example.com/orders"
NOW = 1764000000
SERVER = ct.Key.ed25519_from_seed(bytes(range(32)), kid="k1")
CLIENT_ES = ct.Key.es256_private(b"\x09" * 32)
CLIENT_ED = ct.Key.ed25519_from_seed(b"\x03" * 32)
OTHER = ct.Key.ed25519_from_seed(b"\x04" * 32)


def token_for(client, profile=ct.Profile.JWT, registry=None):
    extra = {"cnf": {"jkt": dpop.jkt(client)}} if client is not None else {}
    claims = ct.AccessClaims(iss=ISS, sub="user-8f14e45f", aud=[AUD], client_id="s6BhdRkqt3",
                             iat=NOW, exp=NOW + 300, jti="b1c2d3e4f5a6b7c8", extra=extra)
    return ct.issue_access(SERVER, claims, profile=profile, registry=registry)


def verify(token, proof, replay, htm="GET", htu=HTU + "?page=2", now=NOW + 1, **kw):
    return ct.verify_access(token, SERVER.public_key(), issuer=ISS, audience=AUD, now=now,
                            dpop=proof, htm=htm, htu=htu, replay=replay, **kw)


def ath(token):
    digest = hashlib.sha256(token.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@pytest.mark.parametrize("client", [CLIENT_ES, CLIENT_ED], ids=["ES256", "EdDSA"])
@pytest.mark.parametrize("profile", [ct.Profile.JWT, ct.Profile.COMPACT])
def test_round_trip_then_replay(client, profile):
    registry = ct.Registry([ISS, AUD]) if profile == ct.Profile.COMPACT else None
    token = token_for(client, profile, registry)
    proof = dpop.issue_proof(client, "GET", HTU, iat=NOW, access_token=token)
    cache = dpop.ReplayCache(16)
    claims = ct.verify_access(token, SERVER.public_key(), issuer=ISS, audience=AUD, now=NOW + 1,
                              profile=profile, registry=registry, dpop=proof, htm="GET",
                              htu=HTU, replay=cache)
    assert claims.sub == "user-8f14e45f"
    assert claims.extra == {"cnf": {"jkt": dpop.jkt(client)}}
    with pytest.raises(ct.DpopReplayedError) as e:
        ct.verify_access(token, SERVER.public_key(), issuer=ISS, audience=AUD, now=NOW + 1,
                         profile=profile, registry=registry, dpop=proof, htm="GET", htu=HTU,
                         replay=cache)
    assert e.value.code == 51


def test_jkt_is_the_rfc7638_thumbprint_pyjwt_computes():
    jwk = CLIENT_ES.public_jwk()
    members = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    canonical = pyjwt.utils.force_bytes(
        '{"crv":"%(crv)s","kty":"%(kty)s","x":"%(x)s","y":"%(y)s"}' % members)
    want = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    assert dpop.jkt(CLIENT_ES) == want
    assert dpop.jkt(CLIENT_ES.public_key()) == want
    with pytest.raises(ct.UnsupportedKeyTypeError):
        dpop.jkt(ct.Key.hs256(b"\x42" * 32))


@pytest.mark.parametrize("change, error, code", [
    (dict(htm="POST"), ct.DpopWrongMethodError, 47),
    (dict(htu="https://api.example.com/other"), ct.DpopWrongUriError, 48),
    (dict(now=NOW + 61), ct.DpopProofStaleError, 49),
    (dict(nonce="n-1"), ct.DpopNonceMismatchError, 54),
    (dict(dpop_window=(601, 5)), ct.InvalidPolicyError, 29),
])
def test_request_mismatches(change, error, code):
    token = token_for(CLIENT_ES)
    proof = dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW, access_token=token)
    cache = dpop.ReplayCache(4)
    with pytest.raises(error) as e:
        verify(token, proof, cache, **change)
    assert e.value.code == code
    verify(token, proof, cache)  # a refused proof was not remembered


def test_proof_and_binding_failures():
    token, unbound = token_for(CLIENT_ES), token_for(None)
    cache = dpop.ReplayCache(4)
    cases = [
        (token, dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW + 100, access_token=token),
         ct.DpopProofInFutureError, 50),
        (token, dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW, access_token=unbound),
         ct.DpopAccessTokenHashMismatchError, 53),
        (token, dpop.issue_proof(OTHER, "GET", HTU, iat=NOW, access_token=token),
         ct.DpopKeyNotBoundError, 56),
        (unbound, dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW, access_token=unbound),
         ct.DpopTokenNotBoundError, 55),
        (token, None, ct.DpopProofMissingError, 40),
    ]
    for tok, proof, error, code in cases:
        with pytest.raises(error) as e:
            verify(tok, proof, cache)
        assert e.value.code == code


def test_replay_check_is_required_and_a_full_cache_refuses():
    token = token_for(CLIENT_ES)
    proof = dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW, access_token=token)
    with pytest.raises(ct.InvalidArgumentError):
        verify(token, proof, None)
    cache = dpop.ReplayCache(1)
    verify(token, proof, cache)
    second = dpop.issue_proof(CLIENT_ES, "GET", HTU, iat=NOW, access_token=token)
    with pytest.raises(ct.DpopReplayCacheFullError) as e:
        verify(token, second, cache)
    assert e.value.code == 52
    with pytest.raises(ct.InvalidArgumentError):
        dpop.ReplayCache(0)


def test_issue_refusals():
    with pytest.raises(ct.KeyCannotSignError):
        dpop.issue_proof(CLIENT_ES.public_key(), "GET", HTU)
    with pytest.raises(ct.DpopWrongUriError):
        dpop.issue_proof(CLIENT_ES, "GET", HTU + "?q=1")
    with pytest.raises(ct.DpopProofMalformedError):
        dpop.issue_proof(CLIENT_ES, "GET", HTU, jti="")


def _pyjwt_ec_key():
    private = ec.derive_private_key(0x0909090909, ec.SECP256R1())
    jwk = pyjwt.algorithms.ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return private, jwk


def test_pyjwt_proof_verifies_here():
    private, jwk = _pyjwt_ec_key()
    client = ct.Key.from_jwk(jwk, alg=ct.Algorithm.ES256)
    token = token_for(client)
    proof = pyjwt.encode(
        {"htm": "GET", "htu": HTU, "iat": NOW, "jti": "pyjwt-made-0001", "ath": ath(token)},
        private, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": jwk})
    cache = dpop.ReplayCache(4)
    assert verify(token, proof, cache).sub == "user-8f14e45f"
    with pytest.raises(ct.DpopReplayedError):
        verify(token, proof, cache)
    # The same proof with its private key in the header is refused.
    private_jwk = pyjwt.algorithms.ECAlgorithm.to_jwk(private, as_dict=True)
    leaky = pyjwt.encode(
        {"htm": "GET", "htu": HTU, "iat": NOW, "jti": "pyjwt-made-0002", "ath": ath(token)},
        private, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": private_jwk})
    with pytest.raises(ct.DpopPrivateKeyError) as e:
        verify(token, leaky, cache)
    assert e.value.code == 45


def test_our_proof_verifies_in_pyjwt():
    token = token_for(CLIENT_ES)
    proof = dpop.issue_proof(CLIENT_ES, "POST", HTU, iat=NOW, jti="ours-0000000001",
                             access_token=token, nonce="n-7")
    header = pyjwt.get_unverified_header(proof)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert "d" not in header["jwk"]
    key = pyjwt.PyJWK(header["jwk"], algorithm="ES256")
    claims = pyjwt.decode(proof, key.key, algorithms=["ES256"],
                          options={"verify_iat": False})
    assert claims == {"htm": "POST", "htu": HTU, "iat": NOW, "jti": "ours-0000000001",
                      "ath": ath(token), "nonce": "n-7"}
    assert header["jwk"] == {k: v for k, v in CLIENT_ES.public_jwk().items()
                             if k in ("kty", "crv", "x", "y")}
