//! Issue and verify allocate nothing: a counting global allocator watches while tokens of
//! both kinds, both algorithms, are issued, verified and refused.

mod common;

use common::*;
use compact_token::{KeyUse, Limits, jwt};

/// Heap allocations made by `f` (the `allocation-counter` crate's counting allocator).
fn allocations(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

#[test]
fn the_counter_counts() {
    // Guards the test below: a counter that never counts would prove nothing.
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);
}

#[test]
fn issue_and_verify_allocate_nothing() {
    let ed = ed_key(KeyUse::AccessAndId);
    let ed_public = ed.verifying_key();
    let hs = hs_key(KeyUse::AccessAndId);
    let access = access_claims(NOW);
    let id = id_claims(NOW);
    let n = allocations(|| {
        let mut buf = [0u8; 2048];
        let mut scratch = [0u8; 4096];
        let t = jwt::issue_access(&access, &ed, &Limits::ACCESS, &mut buf).unwrap();
        jwt::verify_access(t, &ed_public, &access_policy(), NOW, &mut scratch).unwrap();
        let t = jwt::issue_access(&access, &hs, &Limits::ACCESS, &mut buf).unwrap();
        jwt::verify_access(t, &hs, &access_policy(), NOW, &mut scratch).unwrap();
        let t = jwt::issue_id(&id, &ed, &Limits::ID, &mut buf).unwrap();
        jwt::verify_id(t, &ed_public, &id_policy(), NOW, &mut scratch).unwrap();
        let t = jwt::issue_id(&id, &hs, &Limits::ID, &mut buf).unwrap();
        jwt::verify_id(t, &hs, &id_policy(), NOW, &mut scratch).unwrap();
        // Rejections allocate nothing either.
        let mut scratch = [0u8; 4096];
        assert!(jwt::verify_access(t, &hs, &access_policy(), NOW, &mut scratch).is_err());
    });
    assert_eq!(n, 0, "core allocated {n} times");
}

#[test]
fn custom_claims_allocate_nothing_in_either_profile() {
    use compact_token::{AccessPolicy, ExtrasWriter, Registry, Require, compact};
    let hs = hs_key(KeyUse::AccessAndId);
    let registry = Registry::new(&["roles", "admin"]).unwrap();
    let needs = [
        Require::contains(&["roles"], "admin"),
        Require::present(&["cnf", "jkt"]),
    ];
    let policy = AccessPolicy::new(ISS, AUD).require_claims(&needs);
    let n = allocations(|| {
        let mut ebuf = [0u8; 256];
        let mut w = ExtrasWriter::new(&mut ebuf);
        w.strs("roles", &["admin", "ops"]).str("tenant", "acme");
        w.json(
            "cnf",
            r#"{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}"#,
        )
        .unwrap();
        let mut access = access_claims(NOW);
        access.extra = w.finish().unwrap();
        let mut buf = [0u8; 2048];
        let mut scratch = [0u8; 4096];
        let t = jwt::issue_access(&access, &hs, &Limits::ACCESS, &mut buf).unwrap();
        let v = jwt::verify_access(t, &hs, &policy, NOW, &mut scratch).unwrap();
        assert!(v.extra.get("tenant").is_some());
        let mut buf = [0u8; 2048];
        let mut scratch = [0u8; 4096];
        let t = compact::issue_access(&access, &hs, &Limits::ACCESS, &registry, &mut buf).unwrap();
        let v = compact::verify_access(t, &hs, &policy, &registry, NOW, &mut scratch).unwrap();
        assert!(v.extra.path(&["cnf", "jkt"]).is_some());
    });
    assert_eq!(n, 0, "custom claims allocated {n} times");
}
