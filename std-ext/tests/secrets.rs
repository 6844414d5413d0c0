//! Where HS256 secrets go on the heap (audit issue 10): nowhere they are left behind.
//!
//! `jwk::thumbprint` used to format the canonical JSON, secret included, into a `String`
//! (after a base64url `String` of the secret), both freed without being zeroized; it now
//! hashes the pieces from a zeroized stack buffer and allocates only its result. The private
//! JWK's single exact-size buffer is checked beside the code (`jwk` unit tests).

use compact_token::{Ed25519SigningKey, Hs256Key, KeyUse};
use compact_token_std::jwk;
use compact_token_std::keys::AnyVerifyingKey;

#[test]
fn a_thumbprint_allocates_only_its_result() {
    let ed = Ed25519SigningKey::from_seed(&[3; 32], KeyUse::Access).verifying_key();
    let mut keys = vec![AnyVerifyingKey::Ed25519(ed)];
    for len in [32, 64] {
        let secret = vec![0x5A; len];
        let key = Hs256Key::from_secret(&secret, KeyUse::Access).unwrap();
        keys.push(AnyVerifyingKey::Hs256(key));
    }
    for key in &keys {
        // Exactly one: the counter counts (the result), and nothing else is allocated.
        let mut kid = String::new();
        let counted = allocation_counter::measure(|| kid = jwk::thumbprint(key));
        assert_eq!(counted.count_total, 1);
        assert_eq!(kid.len(), 43);
    }
}
