//! Owned copies of verified claims (`to_owned`, `to_heapless`): kept after the scratch
//! buffer they were verified into is gone, equal to the claims that were issued.

mod common;

use common::*;
use compact_token::{
    AccessClaims, Error, ExtrasWriter, IdClaims, KeyUse, Limits, Registry, compact, jwt,
};

const EXTRAS: &str = r#"{"roles":["admin","ops"],"tenant":"acme","cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}"#;

/// Verifies `token` into a scratch buffer that lives only inside this function.
fn verified_access_owned(token: &str, profile_jwt: bool) -> AccessClaims<String> {
    let key = ed_key(KeyUse::AccessAndId).verifying_key();
    let mut scratch = [0u8; 2048];
    let v = if profile_jwt {
        jwt::verify_access(token, &key, &access_policy(), NOW, &mut scratch)
    } else {
        compact::verify_access(
            token,
            &key,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        )
    }
    .unwrap();
    v.to_owned()
}

#[test]
fn verified_access_claims_outlive_their_scratch_in_both_profiles() {
    let key = ed_key(KeyUse::AccessAndId);
    let mut claims = access_claims(NOW);
    claims.extra = compact_token::Extras::from_json(EXTRAS).unwrap();
    let expected = claims.to_owned();
    let mut out = [0u8; 1024];
    let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out).unwrap();
    let owned = verified_access_owned(token, true);
    assert_eq!(owned, expected);
    assert_eq!(owned.sub, "user-8f14e45f");
    assert_eq!(
        owned.extra.path(&["cnf", "jkt"]).unwrap().as_str().unwrap(),
        "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
    );

    let mut out = [0u8; 1024];
    let token =
        compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut out).unwrap();
    let owned = verified_access_owned(token, false);
    assert_eq!(owned, expected);
    assert_eq!(owned.extra.get("tenant").unwrap().as_str().unwrap(), "acme");
}

#[test]
fn verified_id_claims_copy_every_field() {
    let key = ed_key(KeyUse::AccessAndId);
    let mut ebuf = [0u8; 128];
    let mut w = ExtrasWriter::new(&mut ebuf);
    w.strs("groups", &["eng"]);
    let mut claims = id_claims(NOW);
    claims.extra = w.finish().unwrap();
    claims.amr.push("pwd").unwrap();
    claims.gender = Some("female");
    claims.phone_number = Some("+1 555 0100");
    claims.phone_number_verified = Some(false);
    claims.updated_at = Some(NOW - 5);
    let expected: IdClaims<String> = claims.to_owned();
    let mut out = [0u8; 2048];
    let token = jwt::issue_id(&claims, &key, &Limits::ID, &mut out).unwrap();
    let owned = {
        let mut scratch = [0u8; 4096];
        jwt::verify_id(token, &key.verifying_key(), &id_policy(), NOW, &mut scratch)
            .unwrap()
            .to_owned()
    };
    assert_eq!(owned, expected);
    assert_eq!(owned.phone_number.as_deref(), Some("+1 555 0100"));
    assert_eq!(owned.amr.as_slice(), ["pwd"]);
}

#[test]
fn heapless_copies_own_without_a_heap_or_say_how_much_they_need() {
    let claims = access_claims(NOW);
    let copy = claims.to_heapless::<32>().unwrap();
    assert_eq!(copy.iss.as_str(), ISS);
    assert_eq!(copy.aud.iter().collect::<Vec<_>>(), [AUD]);
    assert_eq!(copy.scope.as_deref(), claims.scope);
    // The longest string is the scope "read:orders write:orders" (24 bytes) or the issuer
    // "https://auth.example.com" (24 bytes): 16 bytes are too few for the first, `iss`.
    assert_eq!(
        claims.to_heapless::<16>().unwrap_err(),
        Error::BufferTooSmall { needed: ISS.len() }
    );
}
