//! Interoperability with the `jsonwebtoken` crate (an implementation we did not write), both
//! ways, for both kinds and both algorithms, with the same claims read back.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use compact_token::{Ed25519SigningKey, Error, Hs256Key, KeyUse, Limits, jwt};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde_json::{Value, json};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// PKCS#8 v1 wrapping of an Ed25519 seed (RFC 8410 §7), as jsonwebtoken wants it.
fn pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(seed);
    der
}

const SEED: [u8; 32] = [0x42; 32];
const SECRET: [u8; 32] = [0x24; 32];

fn their_ed_keys() -> (EncodingKey, DecodingKey) {
    let ours = Ed25519SigningKey::from_seed(&SEED, KeyUse::AccessAndId);
    let x = b64e(&ours.verifying_key().to_bytes());
    (
        EncodingKey::from_ed_der(&pkcs8(&SEED)),
        DecodingKey::from_ed_components(&x).unwrap(),
    )
}

fn their_validation(alg: Algorithm, aud: &str) -> Validation {
    let mut v = Validation::new(alg);
    v.set_audience(&[aud]);
    v.set_issuer(&[ISS]);
    v
}

#[test]
fn our_access_tokens_verify_in_jsonwebtoken() {
    let t = now();
    let claims = access_claims(t);
    let (_, their_ed) = their_ed_keys();
    let cases: [(&dyn compact_token::SigningKey, Algorithm, DecodingKey); 2] = [
        (&ed_key(KeyUse::Access), Algorithm::EdDSA, their_ed),
        (
            &hs_key(KeyUse::Access),
            Algorithm::HS256,
            DecodingKey::from_secret(&SECRET),
        ),
    ];
    for (key, alg, their_key) in cases {
        let mut buf = [0u8; 1024];
        let token = jwt::issue_access(&claims, key, &Limits::ACCESS, &mut buf).unwrap();
        let data = decode::<Value>(token, &their_key, &their_validation(alg, AUD)).unwrap();
        assert_eq!(data.header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(data.header.alg, alg);
        assert_eq!(
            data.claims,
            json!({
                "iss": ISS, "sub": "user-8f14e45f", "aud": AUD, "client_id": CLIENT,
                "iat": t, "exp": t + 300, "jti": "b1c2d3e4f5a6b7c8",
                "scope": "read:orders write:orders",
            })
        );
    }
}

#[test]
fn our_id_tokens_verify_in_jsonwebtoken() {
    let t = now();
    let claims = id_claims(t);
    let (_, their_key) = their_ed_keys();
    let mut buf = [0u8; 2048];
    let token = jwt::issue_id(&claims, &ed_key(KeyUse::Id), &Limits::ID, &mut buf).unwrap();
    let data = decode::<Value>(
        token,
        &their_key,
        &their_validation(Algorithm::EdDSA, CLIENT),
    )
    .unwrap();
    assert_eq!(data.header.typ.as_deref(), Some("JWT"));
    assert_eq!(data.claims["nonce"], NONCE);
    assert_eq!(data.claims["email_verified"], true);
    assert_eq!(data.claims["auth_time"], t - 60);
    assert_eq!(data.claims["name"], "Jane Doe");
    assert_eq!(data.claims.as_object().unwrap().len(), 15);
}

fn their_access_token(alg: Algorithm, key: &EncodingKey, typ: &str, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.typ = Some(typ.into());
    encode(&header, claims, key).unwrap()
}

#[test]
fn their_access_tokens_verify_in_ours() {
    let t = now();
    // Their serializer's choices: other key order, `aud` as an array, an escaped slash,
    // an unknown claim.
    let claims = json!({
        "jti": "b1c2d3e4f5a6b7c8", "exp": t + 300, "iat": t, "client_id": CLIENT,
        "aud": [AUD, "https://other.example.com"], "sub": "user/8f14e45f", "iss": ISS,
        "scope": "read:orders", "x-unknown": {"nested": [1, 2, 3]},
    });
    let (their_ed, _) = their_ed_keys();
    let ours_ed = ed_key(KeyUse::Access).verifying_key();
    let ours_hs = hs_key(KeyUse::Access);
    let cases: [(Algorithm, EncodingKey, &dyn compact_token::VerifyingKey); 2] = [
        (Algorithm::EdDSA, their_ed, &ours_ed),
        (
            Algorithm::HS256,
            EncodingKey::from_secret(&SECRET),
            &ours_hs,
        ),
    ];
    for (alg, their_key, our_key) in cases {
        for typ in ["at+jwt", "application/at+jwt", "AT+JWT"] {
            let token = their_access_token(alg, &their_key, typ, &claims);
            let mut scratch = [0u8; 1024];
            let policy = access_policy().require_scopes(&["read:orders"]);
            let got = jwt::verify_access(&token, our_key, &policy, t, &mut scratch).unwrap();
            assert_eq!(got.sub, "user/8f14e45f");
            assert_eq!(got.aud.as_slice(), [AUD, "https://other.example.com"]);
            assert_eq!((got.iat, got.exp), (t, t + 300));
            assert_eq!(got.scope, Some("read:orders"));
        }
    }
}

#[test]
fn their_id_tokens_verify_in_ours_and_are_not_access_tokens() {
    let t = now();
    let claims = json!({
        "iss": ISS, "sub": "user-8f14e45f", "aud": CLIENT, "iat": t, "exp": t + 600,
        "nonce": NONCE, "name": "J\u{e9}r\u{f4}me \u{1F600}", "email_verified": false,
        "address": {"country": "FR"},
    });
    let (their_ed, _) = their_ed_keys();
    let token = encode(&Header::new(Algorithm::EdDSA), &claims, &their_ed).unwrap();
    let key = ed_key(KeyUse::AccessAndId).verifying_key();
    let mut scratch = [0u8; 2048];
    let got = jwt::verify_id(&token, &key, &id_policy(), t, &mut scratch).unwrap();
    assert_eq!(got.name, Some("J\u{e9}r\u{f4}me \u{1F600}"));
    assert_eq!(got.email_verified, Some(false));
    assert_eq!(got.nonce, Some(NONCE));
    let mut scratch = [0u8; 2048];
    assert_eq!(
        jwt::verify_access(&token, &key, &access_policy(), t, &mut scratch),
        Err(Error::WrongKind)
    );
}

#[test]
fn jsonwebtoken_reads_what_we_escape() {
    let t = now();
    let mut claims = access_claims(t);
    claims.sub = "quote\" backslash\\ newline\n tab\t bell\u{7} é 😀";
    let mut buf = [0u8; 1024];
    let token =
        jwt::issue_access(&claims, &hs_key(KeyUse::Access), &Limits::ACCESS, &mut buf).unwrap();
    let data = decode::<Value>(
        token,
        &DecodingKey::from_secret(&SECRET),
        &their_validation(Algorithm::HS256, AUD),
    )
    .unwrap();
    assert_eq!(data.claims["sub"], claims.sub);
    let mut scratch = [0u8; 1024];
    let key = hs_key(KeyUse::Access);
    let ours = jwt::verify_access(token, &key, &access_policy(), t, &mut scratch).unwrap();
    assert_eq!(ours.sub, claims.sub);
}

#[test]
fn their_escaped_json_unescapes_in_ours() {
    // serde_json escapes nothing beyond what it must; craft the escapes another library
    // (e.g. PHP, Java) writes: `\/` and `\uXXXX` with a surrogate pair.
    let t = now();
    let payload = format!(
        r#"{{"iss":"https:\/\/auth.example.com","sub":"\u00e9\ud83d\ude00","aud":"https:\/\/api.example.com","client_id":"s6BhdRkqt3","iat":{t},"exp":{},"jti":"j"}}"#,
        t + 60
    );
    let header = r#"{"alg":"HS256","typ":"at+jwt"}"#;
    let signing_input = format!("{}.{}", b64e(header.as_bytes()), b64e(payload.as_bytes()));
    let sig = {
        use hmac::{Hmac, KeyInit, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&SECRET).unwrap();
        mac.update(signing_input.as_bytes());
        mac.finalize().into_bytes()
    };
    let token = format!("{signing_input}.{}", b64e(&sig));
    let key = Hs256Key::from_secret(&SECRET, KeyUse::Access).unwrap();
    let mut scratch = [0u8; 1024];
    let got = jwt::verify_access(&token, &key, &access_policy(), t, &mut scratch).unwrap();
    assert_eq!(got.iss, ISS);
    assert_eq!(got.sub, "é😀");
    // Without room to unescape, the exact need is reported rather than a wrong answer.
    let n = payload.len();
    let mut small = vec![0u8; n + 1];
    assert_eq!(
        jwt::verify_access(&token, &key, &access_policy(), t, &mut small),
        Err(Error::BufferTooSmall { needed: 2 * n })
    );
}

// ---------------------------------------------------------------- ES256, RS256, PS256

/// OpenSSL's P-256 and RSA 2048 keys (std-ext/tests/data/pem/README.md): PEM for
/// jsonwebtoken, the same keys' JWK components (written by PyJWT) for ours.
macro_rules! pem_fixture {
    ($name:literal) => {
        include_str!(concat!("../../std-ext/tests/data/pem/", $name))
    };
}

fn private_jwk(name: &str) -> Value {
    let all: Value = serde_json::from_str(pem_fixture!("pyjwt-private-jwks.json")).unwrap();
    all[name].clone()
}

fn member(jwk: &Value, name: &str) -> Vec<u8> {
    b64(jwk[name].as_str().unwrap())
}

fn our_es256() -> compact_token::Es256SigningKey {
    let d = member(&private_jwk("ES256"), "d");
    compact_token::Es256SigningKey::from_slice(&d, KeyUse::AccessAndId).unwrap()
}

fn our_rsa(alg: compact_token::Algorithm) -> compact_token::RsaSigningKey {
    let jwk = private_jwk("RSA");
    let m = |name| member(&jwk, name);
    compact_token::RsaSigningKey::from_components(
        &m("n"),
        &m("e"),
        &m("d"),
        &m("p"),
        &m("q"),
        alg,
        KeyUse::AccessAndId,
    )
    .unwrap()
}

/// The DER inside a PEM file (jsonwebtoken reads DER; its PEM reader is another feature).
fn pem_der(pem: &str) -> Vec<u8> {
    use base64ct::Encoding as _;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64ct::Base64::decode_vec(&body).unwrap()
}

/// Their keys for the same three algorithms: OpenSSL's private keys (PKCS#8 for P-256,
/// PKCS#1 for RSA), the public keys from PyJWT's JWK of them.
fn their_keys(alg: Algorithm) -> (EncodingKey, DecodingKey) {
    let s = |jwk: &Value, name: &str| jwk[name].as_str().unwrap().to_owned();
    match alg {
        Algorithm::ES256 => {
            let jwk = private_jwk("ES256");
            (
                EncodingKey::from_ec_der(&pem_der(pem_fixture!("ec-p256-pkcs8.pem"))),
                DecodingKey::from_ec_components(&s(&jwk, "x"), &s(&jwk, "y")).unwrap(),
            )
        }
        _ => {
            let jwk = private_jwk("RSA");
            (
                EncodingKey::from_rsa_der(&pem_der(pem_fixture!("rsa-2048-pkcs1.pem"))),
                DecodingKey::from_rsa_components(&s(&jwk, "n"), &s(&jwk, "e")).unwrap(),
            )
        }
    }
}

const NEW_ALGS: [(Algorithm, compact_token::Algorithm); 3] = [
    (Algorithm::ES256, compact_token::Algorithm::ES256),
    (Algorithm::RS256, compact_token::Algorithm::RS256),
    (Algorithm::PS256, compact_token::Algorithm::PS256),
];

fn our_signing_key(alg: compact_token::Algorithm) -> Box<dyn compact_token::SigningKey> {
    match alg {
        compact_token::Algorithm::ES256 => Box::new(our_es256()),
        _ => Box::new(our_rsa(alg)),
    }
}

fn our_verifying_key(alg: compact_token::Algorithm) -> Box<dyn compact_token::VerifyingKey> {
    match alg {
        compact_token::Algorithm::ES256 => Box::new(our_es256().verifying_key()),
        _ => Box::new(our_rsa(alg).verifying_key()),
    }
}

#[test]
fn our_es256_rs256_ps256_tokens_verify_in_jsonwebtoken_both_kinds() {
    let t = now();
    for (their_alg, alg) in NEW_ALGS {
        let key = our_signing_key(alg);
        let (_, their_key) = their_keys(their_alg);
        let mut buf = [0u8; 2048];
        let token = jwt::issue_access(&access_claims(t), &*key, &Limits::ACCESS, &mut buf);
        let data = decode::<Value>(
            token.unwrap(),
            &their_key,
            &their_validation(their_alg, AUD),
        )
        .unwrap_or_else(|e| panic!("{alg:?} access: {e}"));
        assert_eq!(data.header.alg, their_alg);
        assert_eq!(data.header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(data.claims["jti"], "b1c2d3e4f5a6b7c8");
        let mut buf = [0u8; 2048];
        let token = jwt::issue_id(&id_claims(t), &*key, &Limits::ID, &mut buf).unwrap();
        let data = decode::<Value>(token, &their_key, &their_validation(their_alg, CLIENT))
            .unwrap_or_else(|e| panic!("{alg:?} id: {e}"));
        assert_eq!(data.claims["nonce"], NONCE);
        assert_eq!(data.claims.as_object().unwrap().len(), 15);
        // Their verifier pins the algorithm too: our RS256 token is not a PS256 token.
        if their_alg != Algorithm::ES256 {
            let other = if their_alg == Algorithm::RS256 {
                Algorithm::PS256
            } else {
                Algorithm::RS256
            };
            assert!(decode::<Value>(token, &their_key, &their_validation(other, CLIENT)).is_err());
        }
    }
}

#[test]
fn jsonwebtoken_es256_rs256_ps256_tokens_verify_in_ours_both_kinds() {
    let t = now();
    let access = json!({
        "iss": ISS, "sub": "user-8f14e45f", "aud": AUD, "client_id": CLIENT, "iat": t,
        "exp": t + 300, "jti": "b1c2d3e4f5a6b7c8", "scope": "read:orders",
    });
    let id = json!({
        "iss": ISS, "sub": "user-8f14e45f", "aud": CLIENT, "iat": t, "exp": t + 600,
        "nonce": NONCE,
    });
    for (their_alg, alg) in NEW_ALGS {
        let (their_key, _) = their_keys(their_alg);
        let key = our_verifying_key(alg);
        let token = their_access_token(their_alg, &their_key, "at+jwt", &access);
        let mut scratch = [0u8; 1024];
        let policy = access_policy().require_scopes(&["read:orders"]);
        let got = jwt::verify_access(&token, &*key, &policy, t, &mut scratch)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!((got.sub, got.exp), ("user-8f14e45f", t + 300));
        // Their ID token (no `typ`, as providers write it) is an ID token, not an access one.
        let token = encode(&Header::new(their_alg), &id, &their_key).unwrap();
        let mut scratch = [0u8; 1024];
        let got = jwt::verify_id(&token, &*key, &id_policy(), t, &mut scratch);
        assert_eq!(got.map(|c| c.nonce), Ok(Some(NONCE)), "{alg:?}");
        assert_eq!(
            jwt::verify_access(&token, &*key, &access_policy(), t, &mut scratch).err(),
            Some(Error::WrongKind)
        );
    }
    // RS256 and PS256 with one RSA key: each token only in its own algorithm's key.
    let (their_key, _) = their_keys(Algorithm::RS256);
    let rs = their_access_token(Algorithm::RS256, &their_key, "at+jwt", &access);
    let ps_key = our_rsa(compact_token::Algorithm::PS256).verifying_key();
    let mut scratch = [0u8; 1024];
    assert_eq!(
        jwt::verify_access(&rs, &ps_key, &access_policy(), t, &mut scratch).err(),
        Some(Error::AlgorithmMismatch)
    );
}
