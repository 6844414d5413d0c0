//! The brief's size targets for the `compact` profile, on the brief's sample claims. Sizes
//! are properties of the format: each is asserted exactly, and against its target.

mod compact_common;

use compact_common::*;
use compact_token::{KeyUse, Limits, Registry, SigningKey, compact, jwt};

fn access_len<K: SigningKey>(key: &K, registry: &Registry<'_>) -> usize {
    let mut buf = [0u8; 1024];
    compact::issue_access(&access(), key, &Limits::ACCESS, registry, &mut buf)
        .unwrap()
        .len()
}

#[test]
fn access_token_all_claims_carried() {
    let ed = access_len(&ed_key(KeyUse::Access), &Registry::EMPTY);
    let hs = access_len(&hs_key(KeyUse::Access), &Registry::EMPTY);
    println!("access, all carried: EdDSA {ed} B, HS256 {hs} B");
    assert!(ed <= 270 && hs <= 228, "{ed} / {hs}");
    assert_eq!((ed, hs), (260, 217));
}

#[test]
fn access_token_with_registered_values() {
    let ed = access_len(&ed_key(KeyUse::Access), &registry());
    let hs = access_len(&hs_key(KeyUse::Access), &registry());
    println!("access, registered: EdDSA {ed} B, HS256 {hs} B");
    // The brief's target was at most 180 B (met at 172 B by format version 1). Version 2's
    // 16-byte registry fingerprint, 12 bytes more so that colliding registries cost 2^64
    // rather than 2^16, puts the token at 188 B: the target is missed by 8 B, on purpose.
    assert!(ed <= 180 + 8, "{ed}");
    assert_eq!((ed, hs), (188, 145));
}

#[test]
fn id_token() {
    let mut buf = [0u8; 1024];
    let key = ed_key(KeyUse::Id);
    let ed = compact::issue_id(&id(), &key, &Limits::ID, &Registry::EMPTY, &mut buf)
        .unwrap()
        .len();
    let key = hs_key(KeyUse::Id);
    let hs = compact::issue_id(&id(), &key, &Limits::ID, &Registry::EMPTY, &mut buf)
        .unwrap()
        .len();
    println!("id: EdDSA {ed} B, HS256 {hs} B");
    assert!(ed <= 345, "{ed}");
    assert_eq!((ed, hs), (330, 287));
}

/// The same claims in our `jwt` profile: the standard JWT the targets are measured against.
#[test]
fn jwt_profile_for_comparison() {
    let mut buf = [0u8; 1024];
    let a = jwt::issue_access(
        &access(),
        &ed_key(KeyUse::Access),
        &Limits::ACCESS,
        &mut buf,
    )
    .unwrap()
    .len();
    let i = jwt::issue_id(&id(), &ed_key(KeyUse::Id), &Limits::ID, &mut buf)
        .unwrap()
        .len();
    println!("jwt profile: access {a} B, id {i} B");
    assert_eq!((a, i), (404, 628));
}
