//! Inputs the `keys_parse` fuzz target (fuzz/fuzz_targets/keys_parse.rs) found, kept as
//! regression tests.

use compact_token::{Algorithm, KeyUse, VerifyingKey};
use compact_token_std::jwk::{thumbprint, verifying_key_from_jwk};
use compact_token_std::keys::AnySigningKey;
use compact_token_std::keyset::{KeySet, Window};

/// A set that only verifies with a public key (read from a private JWK set) is written
/// back by `to_private_jwks` as that key's JWK with its window, not as a nested JWK set
/// (which `from_private_jwks` refused with `MissingMember`).
#[test]
fn verify_only_public_keys_survive_a_private_set_round_trip() {
    let mut set = KeySet::new();
    let ec = AnySigningKey::generate(Algorithm::ES256, KeyUse::Access)
        .unwrap()
        .with_kid("ec-public")
        .unwrap()
        .verifying_key();
    let ed = verifying_key_from_jwk(
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"ed-public"}"#,
        KeyUse::Id,
    )
    .unwrap();
    set.add_verifying_key(
        ec.clone(),
        Window::new(1_764_000_000, Some(1_765_000_000)).unwrap(),
    )
    .unwrap();
    set.add_verifying_key(ed.clone(), Window::ALWAYS).unwrap();

    let saved = set.to_private_jwks();
    let back = KeySet::from_private_jwks(&saved, KeyUse::AccessAndId).unwrap();
    assert_eq!(back.len(), 2);
    for key in [&ec, &ed] {
        let kid = key.key_id().unwrap();
        let read = back.get(kid).unwrap();
        assert_eq!(thumbprint(read), thumbprint(key));
        assert_eq!(read.key_use(), key.key_use());
        assert!(back.get_signing(kid).is_none());
        assert_eq!(back.window(kid), set.window(kid));
    }
}
