//! Peak stack of one verify of ours, per profile and case, beside the bare primitive's
//! (the report's stack column, without the rest of the report): for re-measuring a change.
//!
//! `cargo run --release -p compact-token-benches --bin stack`

use std::hint::black_box;

use compact_token_benches::peers::ours::CompactToken;
use compact_token_benches::peers::{Case, Peer};
use compact_token_benches::sample::{ED25519_PUBLIC, HMAC_KEY, NOW};
use compact_token_benches::stack;

fn main() {
    let profiles = [
        ("jwt", CompactToken::jwt as fn() -> CompactToken),
        ("compact", CompactToken::compact),
        ("registered", CompactToken::compact_registered),
        ("jwtextras", || CompactToken::jwt().with_extras()),
        ("compactextras", || CompactToken::compact().with_extras()),
    ];
    for (name, make) in profiles {
        for case in [Case::ACCESS_EDDSA, Case::ACCESS_HS256] {
            let mut token = String::new();
            make().issue(case, &mut token);
            let peak = stack::peak_with(make, move |p| {
                assert!(black_box(p.verify(case, black_box(&token), NOW)));
            })
            .expect("stack measured");
            println!("{name} {case}: {peak} B");
        }
    }
    let peer = CompactToken::jwt();
    let mut token = String::new();
    peer.issue(Case::ACCESS_EDDSA, &mut token);
    let ed = peer.signed_parts(Case::ACCESS_EDDSA, &token);
    let pk = ed25519_dalek::VerifyingKey::from_bytes(&ED25519_PUBLIC).expect("key");
    let bare_ed = stack::peak(move || {
        let sig = ed25519_dalek::Signature::from_slice(&ed.signature).expect("64 bytes");
        black_box(pk.verify_strict(black_box(&ed.message), &sig)).expect("bare verify");
    });
    peer.issue(Case::ACCESS_HS256, &mut token);
    let hs = peer.signed_parts(Case::ACCESS_HS256, &token);
    let bare_hs = stack::peak(move || {
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&HMAC_KEY).expect("key");
        mac.update(black_box(&hs.message));
        black_box(mac.verify_slice(&hs.signature)).expect("bare verify");
    });
    println!(
        "bare Ed25519 verify_strict: {} B",
        bare_ed.expect("stack measured")
    );
    println!("bare HMAC-SHA256: {} B", bare_hs.expect("stack measured"));
}
