//! Key formats end to end: published vectors through PEM, JWK and key sets.

use compact_token::{AccessPolicy, Error as TokenError, IdPolicy, KeyUse, Limits, jws};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::keyset::{KeySet, Window};
use compact_token_std::{Error, demo, jwk, pem};

/// RFC 8037 Appendix A.1: the private key as a JWK.
const RFC8037_A1: &str = r#"{"kty":"OKP","crv":"Ed25519",
    "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
/// RFC 8037 Appendix A.4: the JWS of "Example of Ed25519 signing" with the A.1 key.
const RFC8037_A4: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.\
    hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
/// RFC 8410 §10.3 and §10.1 (see `data/README.md`).
const RFC8410_PRIVATE: &str = include_str!("data/rfc8410-private.pem");
const RFC8410_PUBLIC: &str = include_str!("data/rfc8410-public.pem");

#[test]
fn rfc8037_a4_verifies_with_the_a1_jwk_and_signs_identically() {
    let key = jwk::signing_key_from_jwk(RFC8037_A1, KeyUse::Access).unwrap();
    let mut payload = [0u8; 64];
    let got = jws::verify(RFC8037_A4, &key.verifying_key(), &mut payload).unwrap();
    assert_eq!(got, b"Example of Ed25519 signing");
    // Ed25519 is deterministic: signing the same input gives the RFC's bytes.
    let header = compact_token::Header {
        alg: "EdDSA",
        typ: None,
        kid: None,
    };
    let mut out = [0u8; 256];
    assert_eq!(
        jws::sign(&header, b"Example of Ed25519 signing", &key, &mut out).unwrap(),
        RFC8037_A4
    );
}

#[test]
fn a_pem_key_and_its_jwk_are_one_key() {
    let key = pem::signing_key_from_pem(RFC8410_PRIVATE, None, KeyUse::Access).unwrap();
    let private_jwk = jwk::signing_key_to_jwk(&key);
    let back = jwk::signing_key_from_jwk(&private_jwk, KeyUse::Id).unwrap();
    assert!(matches!(back, AnySigningKey::Ed25519(_)));
    assert_eq!(
        pem::signing_key_to_pem(&back).unwrap().as_str(),
        RFC8410_PRIVATE
    );
    let public = pem::verifying_key_from_pem(RFC8410_PUBLIC, None, KeyUse::Access).unwrap();
    let AnyVerifyingKey::Ed25519(public_ed) = &public else {
        panic!("not ed25519")
    };
    let from_jwk =
        jwk::public_key_from_jwk(&jwk::public_key_to_jwk(public_ed), KeyUse::Access).unwrap();
    assert!(matches!(from_jwk, AnyVerifyingKey::Ed25519(_)));
    assert_eq!(
        pem::verifying_key_to_pem(&from_jwk).unwrap(),
        RFC8410_PUBLIC
    );
    assert_eq!(
        jwk::thumbprint(&public),
        jwk::thumbprint(&key.verifying_key())
    );
}

#[test]
fn an_issuer_rotates_and_a_resource_server_follows_its_jwks() {
    let now = 1_764_000_000;
    let key = |kid: &str| {
        AnySigningKey::generate(compact_token::Algorithm::EdDSA, KeyUse::Access)
            .unwrap()
            .with_kid(kid)
            .unwrap()
    };
    let mut issuer = KeySet::new();
    issuer
        .add_signing_key(key("2025-11"), Window::new(0, Some(now + 3600)).unwrap())
        .unwrap();
    issuer
        .add_signing_key(key("2025-12"), Window::new(now + 1800, None).unwrap())
        .unwrap();
    let claims = |t| demo::access_claims(t);
    let policy = AccessPolicy::new(demo::sample::ISSUER, demo::sample::AUDIENCE);
    let mut out = [0u8; 1024];
    let mut scratch = [0u8; 2048];

    // The resource server fetched the JWKS before the new key started signing.
    let server = KeySet::from_public_jwks(&issuer.public_jwks(now), KeyUse::Access).unwrap();
    assert_eq!(server.len(), 2);
    for t in [now, now + 1799, now + 1800, now + 3000] {
        let token = issuer
            .issue_access(&claims(t), &Limits::ACCESS, t, &mut out)
            .unwrap();
        let expected_kid = if t < now + 1800 { "2025-11" } else { "2025-12" };
        assert_eq!(
            compact_token_std::keyset::token_kid(token)
                .unwrap()
                .as_deref(),
            Some(expected_kid)
        );
        assert_eq!(
            server
                .verify_access(token, &policy, t + 10, &mut scratch)
                .unwrap()
                .jti,
            demo::sample::JTI
        );
    }
    // After the old key retires, the issuer no longer publishes it.
    let later = KeySet::from_public_jwks(&issuer.public_jwks(now + 3601), KeyUse::Access).unwrap();
    assert_eq!(
        later.windows().map(|(k, _)| k).collect::<Vec<_>>(),
        [Some("2025-12")]
    );
}

#[test]
fn an_hs256_secret_never_reaches_a_public_jwks() {
    let mut set = KeySet::new();
    let hs = AnySigningKey::generate(compact_token::Algorithm::HS256, KeyUse::Access)
        .unwrap()
        .with_kid("h")
        .unwrap();
    set.add_signing_key(hs.clone(), Window::ALWAYS).unwrap();
    assert_eq!(
        KeySet::from_public_jwks(&set.public_jwks(0), KeyUse::Access)
            .unwrap()
            .len(),
        0
    );
    let private = jwk::signing_key_to_jwk(&hs);
    let as_set = format!(r#"{{"keys":[{}]}}"#, private.as_str());
    assert_eq!(
        KeySet::from_public_jwks(&as_set, KeyUse::Access).unwrap_err(),
        Error::PrivateKeyInPublicSet
    );
    // The HS256 key verifies its own tokens through a set, selected by kid.
    let now = 1_764_000_000;
    let mut out = [0u8; 1024];
    let token = set
        .issue_access(&demo::access_claims(now), &Limits::ACCESS, now, &mut out)
        .unwrap()
        .to_owned();
    let mut scratch = [0u8; 2048];
    let policy = AccessPolicy::new(demo::sample::ISSUER, "https://other.example.com");
    assert_eq!(
        set.verify_access(&token, &policy, now, &mut scratch)
            .unwrap_err(),
        Error::Token(TokenError::WrongAudience)
    );
}

#[test]
fn a_key_set_refuses_an_over_budget_token_before_reading_its_header() {
    let mut set = KeySet::new();
    let key = AnySigningKey::generate(compact_token::Algorithm::EdDSA, KeyUse::AccessAndId)
        .unwrap()
        .with_kid("k")
        .unwrap();
    set.add_signing_key(key, Window::ALWAYS).unwrap();
    let now = 1_764_000_000;
    let mut scratch = [0u8; 2048];
    // A header that is not base64url, then enough bytes to pass the given budget: the
    // budget decides, not the header (audit issue 10).
    let garbage = |len: usize| format!("!!.{}.x", "A".repeat(len - 5));
    let access = AccessPolicy::new(demo::sample::ISSUER, demo::sample::AUDIENCE);
    let id = IdPolicy::new(demo::sample::ISSUER, "client");
    let over_access = garbage(Limits::ACCESS.max_bytes + 1);
    let over_id = garbage(Limits::ID.max_bytes + 1);
    let over_budget = Error::Token(TokenError::OverBudget);
    assert_eq!(
        set.verify_access(&over_access, &access, now, &mut scratch)
            .unwrap_err(),
        over_budget
    );
    assert_eq!(
        set.verify_id(&over_id, &id, now, &mut scratch).unwrap_err(),
        over_budget
    );
    // The budget is the policy's: a tightened one applies, and within it the header is read.
    let tight = access.with_limits(Limits::ACCESS.tighten_bytes(100));
    assert_eq!(
        set.verify_access(&garbage(101), &tight, now, &mut scratch)
            .unwrap_err(),
        over_budget
    );
    assert_eq!(
        set.verify_access(&garbage(100), &tight, now, &mut scratch)
            .unwrap_err(),
        Error::Token(TokenError::Base64)
    );
    assert_eq!(
        set.verify_id(&over_access, &id, now, &mut scratch)
            .unwrap_err(),
        Error::Token(TokenError::Base64)
    );
}

#[test]
fn a_verified_cache_in_front_of_a_key_set_keeps_keys_apart() {
    use compact_token::{Algorithm, Slot, VerifiedCache};
    let now = 1_764_000_000;
    let signer = AnySigningKey::generate(Algorithm::ES256, KeyUse::Access)
        .unwrap()
        .with_kid("a")
        .unwrap();
    let mut issuer = KeySet::new();
    issuer.add_signing_key(signer, Window::ALWAYS).unwrap();
    let server = KeySet::from_public_jwks(&issuer.public_jwks(now), KeyUse::Access).unwrap();
    let mut out = [0u8; 1024];
    let token = issuer
        .issue_access(&demo::access_claims(now), &Limits::ACCESS, now, &mut out)
        .unwrap();
    let policy = AccessPolicy::new(demo::sample::ISSUER, demo::sample::AUDIENCE);
    let key = server
        .verifying_key(token, compact_token::Kind::Access, now)
        .unwrap();
    let mut cache = VerifiedCache::<[Slot; 8]>::new();
    let mut scratch = [0u8; 2048];
    for _ in 0..2 {
        let v = cache
            .verify_jwt_access(token, key, &policy, now, &mut scratch)
            .unwrap();
        assert_eq!(v.jti, demo::sample::JTI);
    }
    assert_eq!(cache.len(), 1);
    // The same kid, another key: the cached entry is not this key's, so the signature is
    // checked and fails.
    let other = AnySigningKey::generate(Algorithm::ES256, KeyUse::Access)
        .unwrap()
        .with_kid("a")
        .unwrap();
    let other: AnyVerifyingKey = other.verifying_key();
    assert_eq!(
        cache
            .verify_jwt_access(token, &other, &policy, now, &mut scratch)
            .map(|_| ()),
        Err(TokenError::BadSignature)
    );
}
