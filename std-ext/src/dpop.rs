//! DPoP (RFC 9449) with `std`: a bounded, thread-safe replay cache for proofs' `jti`, and
//! binding access tokens to a client's public JWK.
//!
//! Proofs and bound tokens are verified by [`compact_token::dpop`]; this module supplies what
//! a server shares between requests.
//!
//! ```
//! use compact_token::dpop::{self, Presented, Profile, ProofClaims, ProofPolicy};
//! use compact_token::{jwt, AccessClaims, AccessPolicy, Ed25519SigningKey, Error, ExtrasWriter, KeyUse, Limits};
//! use compact_token_std::dpop::{bind_jwk, ReplayCache};
//!
//! let server = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
//! let client = Ed25519SigningKey::from_seed(&[9; 32], KeyUse::Access);
//! let client_jwk = compact_token_std::jwk::public_key_to_jwk(&client.verifying_key());
//! let now = 1_764_000_000;
//!
//! // The authorization server binds the token to the JWK the client registered.
//! let mut extras = [0u8; 64];
//! let mut w = ExtrasWriter::new(&mut extras);
//! bind_jwk(&client_jwk, &mut w)?;
//! let mut claims = AccessClaims::new(
//!     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
//!     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
//! );
//! claims.extra = w.finish()?;
//! let mut buf = [0u8; 1024];
//! let token = jwt::issue_access(&claims, &server, &Limits::ACCESS, &mut buf)?;
//!
//! let mut proof_buf = [0u8; dpop::MAX_PROOF_LEN];
//! let proof = dpop::issue_proof(&client, &ProofClaims {
//!     htm: "GET", htu: "https://api.example.com/orders", iat: now, jti: "3f1c0b4e-9d2a",
//!     access_token: Some(token), nonce: None,
//! }, &mut proof_buf)?;
//!
//! // One cache for the whole server (it is Sync), shared by every request.
//! let cache = ReplayCache::new(100_000);
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
//! let request = ProofPolicy::new("GET", "https://api.example.com/orders", &cache);
//! let presented = Presented { token, proof: Some(proof) };
//! let mut scratch = [0u8; 1024];
//! let key = server.verifying_key();
//! dpop::verify_access(presented, &key, Profile::Jwt, &policy, &request, now, &mut scratch)?;
//! let again = dpop::verify_access(presented, &key, Profile::Jwt, &policy, &request, now, &mut scratch);
//! assert_eq!(again.err(), Some(Error::DpopReplayed));
//! # Ok::<(), compact_token_std::Error>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use compact_token::ExtrasWriter;
use compact_token::dpop::{self, ProofKey, ReplayCheck};

use crate::error::{Error, Result};
use crate::jwk;
use crate::keys::AnyVerifyingKey;

/// A bounded in-memory replay cache: remembers each accepted proof's `jti` until the proof
/// would be stale anyway (the `until` the verifier passes: `iat` + the policy's maximum age),
/// then forgets it.
///
/// **When full it refuses, it never evicts.** Once `capacity` unexpired `jti`s are held, a
/// new proof is refused with [`compact_token::Error::DpopReplayCacheFull`] until entries
/// expire: evicting an unexpired entry would let that proof be replayed, and an attacker able
/// to send many valid proofs could flush the one it wants to replay. A full cache is a denial
/// of service for new proofs, never a hole; size `capacity` for the peak number of proofs in
/// one window (requests per second × (maximum age + maximum future skew)).
///
/// Thread-safe (`Sync`): share one, behind an `Arc` or a `static`, between all requests.
/// Every operation takes one mutex and costs O(log n); expired entries are dropped on the way.
/// `jti`s from different clients share one space: RFC 9449 asks clients for at least 96
/// random bits, so honest clients do not collide.
#[derive(Debug)]
pub struct ReplayCache {
    capacity: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Each held `jti` with the last second its proof is acceptable.
    until: HashMap<Arc<str>, u64>,
    /// The same entries ordered by expiry, for dropping the expired ones first.
    by_expiry: BTreeSet<(u64, Arc<str>)>,
}

impl Inner {
    /// Drops every entry whose proof is stale at `now`.
    fn expire(&mut self, now: u64) {
        while let Some((until, _)) = self.by_expiry.first()
            && *until < now
        {
            if let Some((_, jti)) = self.by_expiry.pop_first() {
                self.until.remove(&jti);
            }
        }
    }
}

impl ReplayCache {
    /// A cache holding at most `capacity` unexpired `jti`s.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The most entries it holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entries held now (expired ones included until the next check drops them).
    pub fn len(&self) -> usize {
        self.lock().until.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every update leaves both maps consistent before anything can panic, so a poisoned
        // lock still guards valid state.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ReplayCheck for ReplayCache {
    fn check_and_store(&self, jti: &str, until: u64, now: u64) -> compact_token::Result<()> {
        let mut inner = self.lock();
        inner.expire(now);
        if inner.until.contains_key(jti) {
            return Err(compact_token::Error::DpopReplayed);
        }
        if inner.until.len() >= self.capacity {
            return Err(compact_token::Error::DpopReplayCacheFull);
        }
        let jti: Arc<str> = Arc::from(jti);
        inner.by_expiry.insert((until, Arc::clone(&jti)));
        inner.until.insert(jti, until);
        Ok(())
    }
}

/// The proof key of a client's public JWK: `OKP` Ed25519 or `EC` P-256 (read by
/// [`jwk::public_key_from_jwk`], so private members are [`Error::PrivateKeyInPublicSet`]);
/// any other key type is [`Error::UnsupportedKeyType`].
pub fn proof_key_from_jwk(public_jwk: &str) -> Result<ProofKey> {
    // The key's use is irrelevant for a proof key.
    match jwk::public_key_from_jwk(public_jwk, compact_token::KeyUse::Access)? {
        AnyVerifyingKey::Ed25519(k) => Ok(ProofKey::Ed25519(k)),
        AnyVerifyingKey::Es256(k) => Ok(ProofKey::Es256(k)),
        AnyVerifyingKey::Rsa(_) | AnyVerifyingKey::Hs256(_) => Err(Error::UnsupportedKeyType),
    }
}

/// Binds an access token to the client's public JWK: writes `cnf` as
/// `{"jkt":"<RFC 7638 thumbprint>"}` into the token's extras ([`dpop::bind`]).
pub fn bind_jwk(public_jwk: &str, extras: &mut ExtrasWriter<'_>) -> Result<()> {
    dpop::bind(&proof_key_from_jwk(public_jwk)?, extras)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_token::Error as E;

    #[test]
    fn refuses_replays_and_forgets_after_expiry() {
        let c = ReplayCache::new(2);
        assert_eq!(c.check_and_store("a", 100, 50), Ok(()));
        assert_eq!(c.check_and_store("a", 100, 60), Err(E::DpopReplayed));
        // Until is inclusive: at 100 the proof is still acceptable, so still a replay.
        assert_eq!(c.check_and_store("a", 200, 100), Err(E::DpopReplayed));
        assert_eq!(c.check_and_store("a", 200, 101), Ok(()));
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn refuses_when_full_rather_than_evicting() {
        let c = ReplayCache::new(2);
        assert_eq!(c.check_and_store("a", 100, 0), Ok(()));
        assert_eq!(c.check_and_store("b", 150, 0), Ok(()));
        assert_eq!(c.check_and_store("c", 150, 0), Err(E::DpopReplayCacheFull));
        // Both still held: neither was evicted for "c".
        assert_eq!(c.check_and_store("a", 100, 99), Err(E::DpopReplayed));
        assert_eq!(c.check_and_store("b", 150, 99), Err(E::DpopReplayed));
        // Once "a" expires there is room again.
        assert_eq!(c.check_and_store("c", 160, 101), Ok(()));
        assert_eq!(
            c.check_and_store("d", 160, 101),
            Err(E::DpopReplayCacheFull)
        );
        assert_eq!(c.len(), 2);
        assert_eq!(
            ReplayCache::new(0).check_and_store("a", 1, 0),
            Err(E::DpopReplayCacheFull)
        );
    }

    #[test]
    fn shared_between_threads_each_jti_accepted_once() {
        let c = Arc::new(ReplayCache::new(10_000));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = Arc::clone(&c);
                std::thread::spawn(move || {
                    (0..1000)
                        .filter(|i| c.check_and_store(&format!("jti-{i}"), 100, 0).is_ok())
                        .count()
                })
            })
            .collect();
        let accepted: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(accepted, 1000);
        assert_eq!(c.len(), 1000);
    }
}
