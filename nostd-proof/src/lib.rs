//! Issues and verifies an access token and an ID token (EdDSA, ES256 and HS256), and a
//! DPoP-bound access token with its proof, and an access token through the verified-token
//! cache, through `compact-token` with no standard library,
//! no allocator and no libc.
#![no_std]

use compact_token::dpop::{self, Presented, Profile, ProofClaims, ProofPolicy, ProofSigningKey};
use compact_token::{
    AccessClaims, ExtrasWriter, AccessPolicy, Ed25519SigningKey, Es256SigningKey, Hs256Key, IdClaims, IdPolicy,
    KeyUse, Limits, SigningKey, Slot, VerifiedCache, VerifyingKey, jwt,
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

/// Remembers one `jti`: enough to see a replay refused.
struct OneJti(core::cell::Cell<bool>);

impl dpop::ReplayCheck for OneJti {
    fn check_and_store(&self, _jti: &str, _until: u64, _now: u64) -> compact_token::Result<()> {
        if self.0.replace(true) {
            return Err(compact_token::Error::DpopReplayed);
        }
        Ok(())
    }
}

/// A token bound to an ES256 client key, its proof, one verify, then the replay refused.
fn dpop_round_trip<K: SigningKey + VerifyingKey>(server: &K, client: &Es256SigningKey) -> i32 {
    let mut extras = [0u8; 64];
    let mut w = ExtrasWriter::new(&mut extras);
    if dpop::bind(&client.proof_key(), &mut w).is_err() {
        return 30;
    }
    let mut claims = AccessClaims::new(ISS, "user-8f14e45f", AUD, "s6BhdRkqt3", NOW, NOW + 300, "b1c2d3e4f5a6b7c8");
    let Ok(extra) = w.finish() else {
        return 31;
    };
    claims.extra = extra;
    let mut buf = [0u8; 1024];
    let Ok(token) = jwt::issue_access(&claims, server, &Limits::ACCESS, &mut buf) else {
        return 32;
    };
    let htu = "https://api.example.com/orders";
    let proof_claims = ProofClaims { htm: "GET", htu, iat: NOW, jti: "j-1", access_token: Some(token), nonce: None };
    let mut proof_buf = [0u8; dpop::MAX_PROOF_LEN];
    let Ok(proof) = dpop::issue_proof(client, &proof_claims, &mut proof_buf) else {
        return 33;
    };
    let replay = OneJti(core::cell::Cell::new(false));
    let request = ProofPolicy::new("GET", htu, &replay);
    let presented = Presented { token, proof: Some(proof) };
    let policy = AccessPolicy::new(ISS, AUD);
    let mut scratch = [0u8; 1024];
    if dpop::verify_access(presented, server, Profile::Jwt, &policy, &request, NOW, &mut scratch).is_err() {
        return 34;
    }
    match dpop::verify_access(presented, server, Profile::Jwt, &policy, &request, NOW, &mut scratch) {
        Err(compact_token::Error::DpopReplayed) => 0,
        _ => 35,
    }
}

/// A verified-token cache over four slots on the stack: a miss verifies and enters the
/// token, a hit returns the same claims, a tampered token is refused.
fn cache_round_trip(key: &Ed25519SigningKey) -> i32 {
    let claims = AccessClaims::new(ISS, "user-8f14e45f", AUD, "s6BhdRkqt3", NOW, NOW + 300, "b1c2d3e4f5a6b7c8");
    let mut buf = [0u8; 1024];
    let Ok(token) = jwt::issue_access(&claims, key, &Limits::ACCESS, &mut buf) else {
        return 31;
    };
    let verifying = key.verifying_key();
    let policy = AccessPolicy::new(ISS, AUD);
    let mut cache = VerifiedCache::<[Slot; 4]>::new();
    let mut scratch = [0u8; 1024];
    for _ in 0..2 {
        match cache.verify_jwt_access(token, &verifying, &policy, NOW + 1, &mut scratch) {
            Ok(got) if got == claims => {}
            _ => return 32,
        }
    }
    if cache.len() != 1 {
        return 33;
    }
    let mut copy = [0u8; 1024];
    let n = token.len();
    copy[..n].copy_from_slice(token.as_bytes());
    copy[n - 5] = if copy[n - 5] == b'A' { b'B' } else { b'A' };
    let Ok(tampered) = core::str::from_utf8(&copy[..n]) else {
        return 34;
    };
    if cache.verify_jwt_access(tampered, &verifying, &policy, NOW + 1, &mut scratch).is_ok() {
        return 35;
    }
    0
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
        dpop_round_trip(&ed, &es.0),
        cache_round_trip(&ed.0),
    ] {
        if r != 0 {
            return r;
        }
    }
    0
}
