//! The `compact-custom-claims` feature: with it, `compact` writes and reads custom claims;
//! without it (a verify-only firmware build) it refuses them on both sides with
//! `CustomClaimsDisabled`, and everything else is unchanged: tokens without custom claims
//! issue and verify, and the `jwt` profile keeps its custom claims.
//!
//! Built both ways: `cargo test -p compact-token` (on, the default) and
//! `cargo test -p compact-token --no-default-features --features rsa --test
//! compact_custom_claims_feature` (off; `scripts/test.sh` runs both).

mod common;

use common::*;
use compact_token::{Error, ExtrasWriter, IdClaims, KeyUse, Limits, Registry, compact, jwt};

const ON: bool = cfg!(feature = "compact-custom-claims");

/// A `compact` access token for [`access_claims`] with the custom claims
/// `{"roles":["a"]}` appended by hand (`FORMAT.md`, "Custom claims"), HS256-signed: what
/// an issuer with the feature writes, made without it.
fn token_with_roles() -> String {
    let key = hs_key(KeyUse::Access);
    let mut out = [0u8; 512];
    let plain = compact::issue_access(
        &access_claims(NOW),
        &key,
        &Limits::ACCESS,
        &Registry::EMPTY,
        &mut out,
    )
    .unwrap();
    let payload = b64(plain.split('.').nth(1).unwrap());
    // Tag 0x88, then the flags: `scope` only (bit 1).
    assert_eq!(payload[..2], [0x88, 0b10]);
    let mut custom = payload.clone();
    custom[1] |= 1 << 6; // access bit 6: custom claims follow the last claim
    // one member; well-known name 0 (`roles`); an array of one; a text string "a"
    custom.extend_from_slice(&[0x01, 0x00, 0x0c, 0x03, 0x04, b'a']);
    forge_hs(r#"{"alg":"HS256"}"#, &custom)
}

#[test]
fn a_compact_token_with_custom_claims_reads_only_with_the_feature() {
    let token = token_with_roles();
    let mut scratch = [0u8; 1024];
    let got = compact::verify_access(
        &token,
        &hs_key(KeyUse::Access),
        &access_policy(),
        &Registry::EMPTY,
        NOW,
        &mut scratch,
    );
    if ON {
        let claims = got.unwrap();
        assert_eq!(claims.extra.json(), Some(r#"{"roles":["a"]}"#));
    } else {
        assert_eq!(got.unwrap_err(), Error::CustomClaimsDisabled);
    }
}

#[test]
fn issuing_custom_claims_in_compact_needs_the_feature_and_jwt_never_does() {
    let mut json = [0u8; 64];
    let mut w = ExtrasWriter::new(&mut json);
    w.strs("roles", &["admin"]).str("tenant", "acme");
    let extra = w.finish().unwrap();
    let key = ed_key(KeyUse::AccessAndId);
    let mut access = access_claims(NOW);
    access.extra = extra;
    let mut id: IdClaims<&str> = id_claims(NOW);
    id.extra = extra;
    let mut out = [0u8; 1024];
    let mut scratch = [0u8; 1024];

    let issued = compact::issue_access(&access, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out)
        .map(str::to_owned);
    let issued_id =
        compact::issue_id(&id, &key, &Limits::ID, &Registry::EMPTY, &mut out).map(str::to_owned);
    if ON {
        let token = issued.unwrap();
        let policy = access_policy();
        let v = compact::verify_access(
            &token,
            &key.verifying_key(),
            &policy,
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        )
        .unwrap();
        assert_eq!(
            v.extra.json(),
            Some(r#"{"roles":["admin"],"tenant":"acme"}"#)
        );
        assert!(issued_id.is_ok());
    } else {
        assert_eq!(issued.unwrap_err(), Error::CustomClaimsDisabled);
        assert_eq!(issued_id.unwrap_err(), Error::CustomClaimsDisabled);
    }

    // The `jwt` profile carries them either way.
    let token = jwt::issue_access(&access, &key, &Limits::ACCESS, &mut out)
        .unwrap()
        .to_owned();
    let v = jwt::verify_access(
        &token,
        &key.verifying_key(),
        &access_policy(),
        NOW,
        &mut scratch,
    )
    .unwrap();
    let roles: Vec<_> = v.extra.get("roles").unwrap().strs().collect();
    assert_eq!(roles, ["admin"]);
}

#[test]
fn compact_tokens_without_custom_claims_are_unchanged() {
    let key = ed_key(KeyUse::AccessAndId);
    let mut out = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    let token = compact::issue_access(
        &access_claims(NOW),
        &key,
        &Limits::ACCESS,
        &Registry::EMPTY,
        &mut out,
    )
    .unwrap()
    .to_owned();
    let v = compact::verify_access(
        &token,
        &key.verifying_key(),
        &access_policy(),
        &Registry::EMPTY,
        NOW,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(v, access_claims(NOW));
    assert!(v.extra.is_empty());
    drop(v);
    let token = compact::issue_id(
        &id_claims(NOW),
        &key,
        &Limits::ID,
        &Registry::EMPTY,
        &mut out,
    )
    .unwrap()
    .to_owned();
    let v = compact::verify_id(
        &token,
        &key.verifying_key(),
        &id_policy(),
        &Registry::EMPTY,
        NOW,
        &mut scratch,
    )
    .unwrap();
    assert_eq!(v, id_claims(NOW));
}
