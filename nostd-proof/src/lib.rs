//! Issues and verifies an access token and an ID token (EdDSA, ES256 and HS256) through
//! `compact-token` with no standard library, no allocator and no libc.
#![no_std]

use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Es256SigningKey, Hs256Key, IdClaims, IdPolicy,
    KeyUse, Limits, SigningKey, VerifyingKey, jwt,
};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const NOW: u64 = 1_764_000_000;

fn access_round_trip<K: SigningKey + VerifyingKey>(key: &K) -> i32 {
    let mut claims = AccessClaims::new(ISS, "user-8f14e45f", AUD, "s6BhdRkqt3", NOW, NOW + 300, "b1c2d3e4f5a6b7c8");
    claims.scope = Some("read:orders write:orders");
    let mut buf = [0u8; 1024];
    let Ok(token) = jwt::issue_access(&claims, key, &Limits::ACCESS, &mut buf) else {
        return 1;
    };
    let policy = AccessPolicy::new(ISS, AUD).require_scopes(&["read:orders"]);
    let mut scratch = [0u8; 1024];
    match jwt::verify_access(token, key, &policy, NOW + 1, &mut scratch) {
        Ok(got) if got == claims => {}
        _ => return 2,
    }
    // A tampered token must fail.
    let mut copy = [0u8; 1024];
    let n = token.len();
    copy[..n].copy_from_slice(token.as_bytes());
    copy[n - 5] = if copy[n - 5] == b'A' { b'B' } else { b'A' };
    let Ok(tampered) = core::str::from_utf8(&copy[..n]) else {
        return 3;
    };
    if jwt::verify_access(tampered, key, &policy, NOW + 1, &mut scratch).is_ok() {
        return 4;
    }
    0
}

fn id_round_trip<K: SigningKey + VerifyingKey>(key: &K) -> i32 {
    let mut claims = IdClaims::new(ISS, "user-8f14e45f", "s6BhdRkqt3", NOW, NOW + 600);
    claims.nonce = Some("n-0S6_WzA2Mj");
    claims.name = Some("Jane Doe");
    let mut buf = [0u8; 2048];
    let Ok(token) = jwt::issue_id(&claims, key, &Limits::ID, &mut buf) else {
        return 11;
    };
    let policy = IdPolicy::new(ISS, "s6BhdRkqt3").expect_nonce("n-0S6_WzA2Mj");
    let mut scratch = [0u8; 2048];
    match jwt::verify_id(token, key, &policy, NOW + 1, &mut scratch) {
        Ok(got) if got == claims => {}
        _ => return 12,
    }
    // An ID token is never an access token.
    let access_policy = AccessPolicy::new(ISS, AUD);
    if jwt::verify_access(token, key, &access_policy, NOW + 1, &mut scratch).is_ok() {
        return 13;
    }
    0
}

/// A signing key and its public half in one, for the generic checks.
struct Pair<S, V>(S, V);

impl<S: SigningKey, V> SigningKey for Pair<S, V> {
    fn algorithm(&self) -> compact_token::Algorithm {
        self.0.algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        SigningKey::key_id(&self.0)
    }
    fn key_use(&self) -> KeyUse {
        SigningKey::key_use(&self.0)
    }
    fn sign(
        &self,
        input: &[u8],
        out: &mut [u8; compact_token::MAX_SIGNATURE_LEN],
    ) -> compact_token::Result<usize> {
        self.0.sign(input, out)
    }
}

impl<S, V: VerifyingKey> VerifyingKey for Pair<S, V> {
    fn algorithm(&self) -> compact_token::Algorithm {
        self.1.algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        VerifyingKey::key_id(&self.1)
    }
    fn key_use(&self) -> KeyUse {
        VerifyingKey::key_use(&self.1)
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> compact_token::Result<()> {
        self.1.verify(input, signature)
    }
}

/// Runs every check; 0 when all pass, otherwise the number of the first that failed.
// SAFETY: the one exported symbol of this proof; no other item is named `ct_nostd_proof`.
#[unsafe(no_mangle)]
pub extern "C" fn ct_nostd_proof() -> i32 {
    let ed = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::AccessAndId);
    let ed = Pair(ed.clone(), ed.verifying_key());
    let Ok(es) = Es256SigningKey::from_bytes(&[5; 32], KeyUse::AccessAndId) else {
        return 21;
    };
    let es = Pair(es.clone(), es.verifying_key());
    let Ok(hs) = Hs256Key::from_secret(&[9; 32], KeyUse::AccessAndId) else {
        return 20;
    };
    for r in [
        access_round_trip(&ed),
        access_round_trip(&hs),
        id_round_trip(&ed),
        id_round_trip(&hs),
        access_round_trip(&es),
        id_round_trip(&es),
    ] {
        if r != 0 {
            return r;
        }
    }
    0
}
