//! Every key reader of `compact-token-std` over arbitrary text: JWK (`signing_key_from_jwk`,
//! `verifying_key_from_jwk`, `public_key_from_jwk`), JWK sets (`public_keys_from_jwks`,
//! `KeySet::from_public_jwks`, `KeySet::from_private_jwks`) and PEM
//! (`signing_key_from_pem`, `verifying_key_from_pem`, with no `alg` hint and with each).
//! Never a panic; a key that parses is written out again and read back as the same key
//! (same RFC 7638 thumbprint, algorithm, `kid` and use): public keys as a JWK set and as
//! PEM, private keys as a private JWK, whose public half is the public key read from it.
#![no_main]

use compact_token::{Algorithm, KeyUse, VerifyingKey};
use compact_token_std::jwk::{
    any_keys_to_jwks, public_key_from_jwk, public_keys_from_jwks, signing_key_from_jwk,
    signing_key_to_jwk, thumbprint, verifying_key_from_jwk,
};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::keyset::KeySet;
use compact_token_std::pem::{
    signing_key_from_pem, signing_key_to_pem, verifying_key_from_pem, verifying_key_to_pem,
};
use libfuzzer_sys::fuzz_target;

const USE: KeyUse = KeyUse::AccessAndId;

const ALGS: [Option<Algorithm>; 6] = [
    None,
    Some(Algorithm::EdDSA),
    Some(Algorithm::HS256),
    Some(Algorithm::ES256),
    Some(Algorithm::RS256),
    Some(Algorithm::PS256),
];

/// `b` is `a` read back: the same key material, algorithm, `kid` and use.
fn assert_same(a: &AnyVerifyingKey, b: &AnyVerifyingKey, how: &str) {
    assert_eq!(thumbprint(a), thumbprint(b), "{how}: thumbprint differs");
    assert_eq!(a.algorithm(), b.algorithm(), "{how}: algorithm differs");
    assert_eq!(a.key_id(), b.key_id(), "{how}: kid differs");
    assert_eq!(a.key_use(), b.key_use(), "{how}: use differs");
}

/// A public key (not an HS256 secret, which has no public form) written as a JWK set and
/// as PEM (which keeps no `kid` and no use) reads back as itself.
fn check_public(key: &AnyVerifyingKey) {
    if matches!(key, AnyVerifyingKey::Hs256(_)) {
        return;
    }
    let jwks = any_keys_to_jwks([key]);
    let back = public_keys_from_jwks(&jwks, KeyUse::Access)
        .unwrap_or_else(|e| panic!("own JWK set refused ({e:?}): {jwks}"));
    assert_eq!(back.len(), 1, "{jwks}");
    assert_same(key, &back[0], "public JWK");
    let pem = verifying_key_to_pem(key).unwrap_or_else(|e| panic!("to PEM: {e:?}"));
    let back = verifying_key_from_pem(&pem, Some(key.algorithm()), key.key_use())
        .unwrap_or_else(|e| panic!("own PEM refused ({e:?}): {pem}"));
    assert_eq!(
        thumbprint(key),
        thumbprint(&back),
        "public PEM: thumbprint differs"
    );
    assert_eq!(
        key.algorithm(),
        back.algorithm(),
        "public PEM: algorithm differs"
    );
}

/// A private key written as a private JWK reads back as itself; its public half is
/// `public` (the key read from the same text as a verifying key), and PEM round-trips it.
fn check_private(key: &AnySigningKey, public: Option<&AnyVerifyingKey>) {
    let half = key.verifying_key();
    if let Some(public) = public {
        assert_same(&half, public, "public half");
    }
    let jwk = signing_key_to_jwk(key);
    let back = signing_key_from_jwk(&jwk, KeyUse::Access)
        .unwrap_or_else(|e| panic!("own private JWK refused ({e:?})"));
    assert_same(&half, &back.verifying_key(), "private JWK");
    if !matches!(key, AnySigningKey::Hs256(_)) {
        let pem = signing_key_to_pem(key).unwrap_or_else(|e| panic!("to PEM: {e:?}"));
        let back = signing_key_from_pem(&pem, Some(half.algorithm()), half.key_use())
            .unwrap_or_else(|e| panic!("own private PEM refused ({e:?})"));
        assert_eq!(
            thumbprint(&half),
            thumbprint(&back.verifying_key()),
            "private PEM"
        );
    }
    check_public(&half);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let verifying = verifying_key_from_jwk(text, USE).ok();
    if let Some(key) = &verifying {
        check_public(key);
    }
    if let Ok(key) = signing_key_from_jwk(text, USE) {
        assert!(
            verifying.is_some(),
            "private JWK not readable as a verifying key"
        );
        check_private(&key, verifying.as_ref());
    }
    if let Ok(key) = public_key_from_jwk(text, USE) {
        let any = verifying
            .as_ref()
            .expect("a public JWK is readable as a verifying key");
        assert_same(&key, any, "public_key_from_jwk");
    }

    if let Ok(keys) = public_keys_from_jwks(text, USE) {
        for key in &keys {
            check_public(key);
        }
        let set = KeySet::from_public_jwks(text, USE);
        // The set refuses only a `kid` twice.
        match &set {
            Ok(set) => assert_eq!(set.len(), keys.len()),
            Err(e) => assert_eq!(*e, compact_token_std::Error::DuplicateKeyId),
        }
    } else {
        assert!(KeySet::from_public_jwks(text, USE).is_err());
    }
    if let Ok(set) = KeySet::from_private_jwks(text, USE) {
        let saved = set.to_private_jwks();
        let back = KeySet::from_private_jwks(&saved, KeyUse::Access)
            .unwrap_or_else(|e| panic!("own private set refused ({e:?})"));
        assert_eq!(back.len(), set.len());
        assert!(back.windows().eq(set.windows()), "windows differ");
    }

    for alg in ALGS {
        if let Ok(key) = verifying_key_from_pem(text, alg, USE) {
            assert!(alg.is_none_or(|a| a == key.algorithm()));
            check_public(&key);
        }
        if let Ok(key) = signing_key_from_pem(text, alg, USE) {
            assert!(alg.is_none_or(|a| a == key.verifying_key().algorithm()));
            check_private(&key, None);
        }
    }
});
