//! An opt-in cache of verified tokens, for verifiers that see the same token many times in
//! its few minutes of life (gateways, sidecars): a hit skips the signature check and
//! nothing else.
//!
//! A slot holds no claims and no secret: the SHA-256 digest of the whole token together
//! with the identity of the key that verified it ([`KeyIdentity`]), and the token's `exp`
//! (only to choose which slot to replace). A token is entered only after a full
//! verification succeeded. On a hit the token is verified again exactly as on a miss,
//! in the same order and with the same errors (size budget, key use, header, `alg`, `kid`,
//! kind and profile, signature length, claims decoding, lifetime, then the whole policy
//! against `now`), except that the signature itself is not recomputed: the cache proved
//! that these exact bytes verified under this exact key before.

use sha2::{Digest, Sha256};

use crate::alg::{
    Algorithm, Ed25519VerifyingKey, Es256VerifyingKey, Hs256Key, KeyUse, VerifyingKey,
};
use crate::budget::Limits;
use crate::claims::{AccessClaims, ClaimSet, IdClaims};
use crate::error::Result;
use crate::profile::{compact, jwt};
use crate::registry::Registry;
use crate::validate::{AccessPolicy, IdPolicy};

/// Domain separation: no other SHA-256 input of this crate starts with either.
const KEY_DOMAIN: &[u8] = b"compact-token key identity v1\0";
const TOKEN_DOMAIN: &[u8] = b"compact-token verified cache v1\0";

/// How many neighbouring slots a token may occupy: a lookup compares at most this many
/// digests, whatever the number of slots.
pub const CACHE_WAYS: usize = 4;

/// Which key verified a token, as a [`VerifiedCache`] tells keys apart: a SHA-256 digest of
/// the algorithm and of everything the key's [`VerifyingKey::verify`] depends on, or, for
/// the keys whose public bytes fit, those bytes themselves (an Ed25519 public key; a P-256
/// point as its `x` coordinate and the parity of `y`), behind a tag byte that tells the
/// three forms apart. Computed on every cached call: the raw forms cost no hashing.
///
/// Two keys whose signatures could verify differently must never have the same identity;
/// two handles on the same key should have the same one (else the cache only misses). For
/// HS256 the identity is a one-way function of the secret: no secret is stored in a slot,
/// but treat an HS256 identity like a token's MAC (do not log it).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyIdentity([u8; 33]);

/// [`KeyIdentity`]'s first byte: what the 32 bytes after it are.
const TAG_DIGEST: u8 = 0;
const TAG_ED25519: u8 = 1;
/// Plus the parity of `y` (0 or 1).
const TAG_P256_X: u8 = 2;

impl KeyIdentity {
    /// The identity of a key for `alg` made of `parts` (public key bytes, or for a secret
    /// key its secret): SHA-256 over a domain label, the algorithm's name and each part
    /// prefixed with its length, so no two different lists of parts collide.
    pub fn new(alg: Algorithm, parts: &[&[u8]]) -> Self {
        Self::from_parts(alg, |h| {
            for part in parts {
                h.update((part.len() as u64).to_le_bytes());
                h.update(part);
            }
        })
    }

    fn from_parts(alg: Algorithm, parts: impl FnOnce(&mut Sha256)) -> Self {
        let mut h = Sha256::new();
        h.update(KEY_DOMAIN);
        h.update(alg.name());
        h.update([0]);
        parts(&mut h);
        Self::tagged(TAG_DIGEST, h.finalize().into())
    }

    fn tagged(tag: u8, bytes: [u8; 32]) -> Self {
        let mut id = [tag; 33];
        id[1..].copy_from_slice(&bytes);
        Self(id)
    }
}

impl core::fmt::Debug for KeyIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeyIdentity(..)")
    }
}

/// A verifying key a [`VerifiedCache`] can cache under: one that says which key it is.
///
/// Implemented for every key type of this crate. A wrapper (a key set entry, a counting
/// test key) forwards to the key it wraps; a key of your own returns
/// [`KeyIdentity::new`] over its algorithm and public bytes. Getting this wrong (two
/// different keys with one identity) would let a token verified under one key be accepted
/// under the other without a signature check.
pub trait CacheableKey: VerifyingKey {
    /// This key's identity. Computed on every cached verification, so keep it cheap.
    fn identity(&self) -> KeyIdentity;
}

impl CacheableKey for Ed25519VerifyingKey {
    /// The public key itself (its 32 bytes name one key).
    fn identity(&self) -> KeyIdentity {
        KeyIdentity::tagged(TAG_ED25519, self.to_bytes())
    }
}

impl CacheableKey for Es256VerifyingKey {
    /// The point in compressed form: `x` and the parity of `y` name one point of the curve.
    fn identity(&self) -> KeyIdentity {
        let (x, y) = self.to_coordinates();
        KeyIdentity::tagged(TAG_P256_X + (y[31] & 1), x)
    }
}

impl CacheableKey for Hs256Key {
    fn identity(&self) -> KeyIdentity {
        KeyIdentity::new(Algorithm::HS256, &[self.secret()])
    }
}

#[cfg(feature = "rsa")]
impl CacheableKey for crate::alg::RsaVerifyingKey {
    /// The algorithm (RS256 and PS256 keys with one modulus are different keys), the
    /// modulus and the exponent, read as machine words (no allocation).
    fn identity(&self) -> KeyIdentity {
        use rsa::traits::PublicKeyParts;
        let key = self.as_rsa();
        KeyIdentity::from_parts(self.algorithm(), |h| {
            for words in [key.n().as_words(), key.e().as_words()] {
                h.update((words.len() as u64).to_le_bytes());
                for w in words {
                    h.update(w.to_le_bytes());
                }
            }
        })
    }
}

/// One cache slot: a token digest and its `exp` (0: empty). 40 bytes, no claims, no
/// secret. Slots are plain data: keep them in the cache itself (`[Slot; N]`) or anywhere
/// you like (a `static`, a `Vec`) and lend them with [`VerifiedCache::with_slots`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    digest: [u8; 32],
    /// A verified token's `exp` is never 0 (it is after `iat`), so 0 marks an empty slot.
    exp: u64,
}

impl Slot {
    /// An empty slot.
    pub const EMPTY: Slot = Slot {
        digest: [0; 32],
        exp: 0,
    };

    fn is_empty(&self) -> bool {
        self.exp == 0
    }
}

impl Default for Slot {
    fn default() -> Self {
        Slot::EMPTY
    }
}

/// A fixed-size cache of verified tokens, keyed by SHA-256 of the whole token and the
/// verifying key's identity. Opt-in, no heap, `&mut self` (see below for threads).
///
/// ```
/// use compact_token::{jwt, AccessClaims, AccessPolicy, Ed25519SigningKey, Error, KeyUse,
///     Limits, Slot, VerifiedCache};
///
/// let key = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
/// let now = 1_764_000_000;
/// let claims = AccessClaims::new("https://auth.example.com", "user-8f14e45f",
///     "https://api.example.com", "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8");
/// let mut buf = [0u8; 1024];
/// let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf)?;
///
/// // 64 slots in the value itself; `VerifiedCache::with_slots(&mut slots[..])` borrows
/// // caller-provided ones instead.
/// let mut cache = VerifiedCache::<[Slot; 64]>::new();
/// let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
/// let verifier = key.verifying_key();
/// let mut scratch = [0u8; 1024];
/// // A miss: verified in full, then entered.
/// let claims = cache.verify_jwt_access(token, &verifier, &policy, now, &mut scratch)?;
/// assert_eq!(claims.sub, "user-8f14e45f");
/// drop(claims); // the claims borrow `scratch`
/// // A hit: no signature check, the claims decoded and the policy applied again.
/// let claims = cache.verify_jwt_access(token, &verifier, &policy, now + 10, &mut scratch)?;
/// assert_eq!(claims.sub, "user-8f14e45f");
/// drop(claims);
/// // `exp` is checked against `now` on every hit.
/// let late = cache.verify_jwt_access(token, &verifier, &policy, now + 400, &mut scratch);
/// assert_eq!(late, Err(Error::Expired));
/// # Ok::<(), compact_token::Error>(())
/// ```
///
/// # What a hit skips, and what it does not
///
/// Only the signature computation. Every call, hit or miss, checks the token's size
/// against the policy's budget before hashing it, then runs the verifier of its profile
/// and kind in full: key use, header (`alg` pinned by the key, `kid`, refused
/// parameters), kind and profile, signature encoding and length, claims decoding (with
/// the `registry` given now, for `compact`), lifetime, and the whole policy — issuer,
/// audience, scopes, required claims, nonce, `at_hash`/`c_hash`, and `exp`/`nbf`/`iat`
/// against the `now` of this call. A hit therefore returns exactly what a full
/// verification would: the same claims, or the same error (an expired token is
/// [`Error::Expired`](crate::Error::Expired) on the hit).
///
/// # What it assumes
///
/// - SHA-256 is collision resistant: a slot matches only the very bytes that verified,
///   under a key with the very same [`KeyIdentity`]. A token cached under one key is never
///   a hit under another key; a tampered token (one byte changed) is a miss and is
///   verified in full.
/// - Signature verification is a function of the token and the key (true of every
///   algorithm here). ECDSA signatures are malleable: the other form of a cached ES256
///   signature is a different token, a miss, verified in full.
/// - The key's [`CacheableKey::identity`] is faithful (true of this crate's keys).
/// - Nothing else may write the slots (they are plain memory of your process).
///
/// It does not know about revocation. If you keep a revocation list (by `jti`, `sub`,
/// `client_id`), consult it after every call, hit or miss: the claims are returned on a
/// hit for that reason. It caches no failure: a refused token is verified in full every
/// time, so an attacker cannot fill the slots with forgeries; only tokens that verified
/// are entered. A hit is much faster than a miss, so the timing tells whether this exact
/// token was verified recently, which only someone who already holds the token can ask.
///
/// # Key-set changes
///
/// A key's identity is in every slot's digest: a cached token is a hit only when a key
/// with the same algorithm and public bytes verifies it again. A key-set change therefore
/// needs no invalidation to stay correct — forgetting it cannot make another key accept a
/// token. Call [`invalidate`](VerifiedCache::invalidate) on every key-set change anyway:
/// it frees at once the slots of tokens signed by retired keys (else they stay until
/// replaced).
///
/// # Slots and replacement
///
/// A token's digest picks a run of [`CACHE_WAYS`] neighbouring slots (fewer when there are
/// fewer slots); a lookup compares those digests only (no early exit on a byte). A new
/// token replaces, among them, the slot whose token expires first — an empty slot first
/// (its `exp` is 0), then expired tokens, then the one with the least time to live. Zero
/// slots is valid: nothing is hashed or cached, and every call is a full verification.
///
/// # Threads
///
/// Every call takes `&mut self`. With `std`, share one behind a `Mutex` (a miss holds the
/// lock for a whole verification, about 50 µs for EdDSA), or better, keep one per worker
/// thread: each then needs no lock, and a token seen on several threads is verified once
/// per thread.
///
/// # Cost
///
/// A hit costs one SHA-256 over the token (and for an HS256 or RSA key one over the key;
/// an Ed25519 or P-256 key's identity is its public bytes) and the verification minus the
/// signature (header, claims decoding, policy); a miss costs the same hash and lookup plus
/// a full verification. Measured (`benches/report.sh`, the sample access token, a quiet
/// 2-core AMD EPYC with the SHA extensions): an EdDSA hit takes 1.5 µs (`compact`) to
/// 1.7–2.0 µs (`jwt`) against 58–67 µs for a full verify, and under callgrind 0.07× /
/// 0.09× the instructions; the 0.5 µs goal is missed because a hit re-runs the header
/// check, the claims decoding and the policy (about 6k instructions for `compact`, 9k for
/// `jwt`) besides the hash (0.2–0.3 µs). A miss adds the hash and the lookup: 0.95–1.00×
/// the plain verify in the runs' timings (+5–6 % in instructions under callgrind, where
/// SHA-256 runs its portable code). For HS256, whose signature check is itself one HMAC
/// over the token, a hit costs *more* than a plain verify (1.1–1.3×): do not cache HS256. The cache is for public-key
/// algorithms (EdDSA, ES256, RS256, PS256).
#[derive(Debug, Clone)]
pub struct VerifiedCache<S> {
    slots: S,
}

impl<const N: usize> VerifiedCache<[Slot; N]> {
    /// A cache of `N` empty slots held in the value itself (`N` = 0: no caching).
    pub const fn new() -> Self {
        Self {
            slots: [Slot::EMPTY; N],
        }
    }
}

impl<const N: usize> Default for VerifiedCache<[Slot; N]> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: AsRef<[Slot]> + AsMut<[Slot]>> VerifiedCache<S> {
    /// A cache over caller-provided slots (`&mut [Slot]`, `[Slot; N]`, a `Vec<Slot>`...).
    /// Their content is kept: pass slots filled with [`Slot::EMPTY`], or call
    /// [`invalidate`](VerifiedCache::invalidate) first.
    pub const fn with_slots(slots: S) -> Self {
        Self { slots }
    }

    /// The number of slots.
    pub fn capacity(&self) -> usize {
        self.slots.as_ref().len()
    }

    /// The number of slots holding a token (expired ones included, until replaced).
    pub fn len(&self) -> usize {
        self.slots.as_ref().iter().filter(|s| !s.is_empty()).count()
    }

    /// Whether no slot holds a token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empties every slot: the next call for any token verifies it in full. Call it on
    /// every key-set change (see [Key-set changes](VerifiedCache#key-set-changes)).
    pub fn invalidate(&mut self) {
        self.slots.as_mut().fill(Slot::EMPTY);
    }

    /// [`jwt::verify_access`], through the cache.
    pub fn verify_jwt_access<'b, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        policy: &AccessPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<AccessClaims<&'b str>> {
        self.run(token, key, &policy.limits, |key| {
            jwt::verify_access(token, key, policy, now, scratch)
        })
    }

    /// [`jwt::verify_id`], through the cache.
    pub fn verify_jwt_id<'b, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        policy: &IdPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<IdClaims<&'b str>> {
        self.run(token, key, &policy.limits, |key| {
            jwt::verify_id(token, key, policy, now, scratch)
        })
    }

    /// [`compact::verify_access`], through the cache.
    pub fn verify_compact_access<'b, 'r: 'b, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        policy: &AccessPolicy<'_>,
        registry: &Registry<'r>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<AccessClaims<&'b str>> {
        self.run(token, key, &policy.limits, |key| {
            compact::verify_access(token, key, policy, registry, now, scratch)
        })
    }

    /// [`compact::verify_id`], through the cache.
    pub fn verify_compact_id<'b, 'r: 'b, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        policy: &IdPolicy<'_>,
        registry: &Registry<'r>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<IdClaims<&'b str>> {
        self.run(token, key, &policy.limits, |key| {
            compact::verify_id(token, key, policy, registry, now, scratch)
        })
    }

    /// The one path of every kind and profile: look up, then verify (the signature
    /// skipped only on a hit), then enter a token that verified in full.
    fn run<C: ClaimSet, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        limits: &Limits,
        verify: impl FnOnce(&Checked<'_, K>) -> Result<C>,
    ) -> Result<C> {
        let slots = self.slots.as_mut();
        // Over budget: refused by the verifier before any work, so never hashed here.
        if slots.is_empty() || limits.check_size(token.len()).is_err() {
            return verify(&Checked::full(key));
        }
        let digest = token_digest(&key.identity(), token);
        let set = Set::of(&digest, slots.len());
        if set.find(slots, &digest) {
            return verify(&Checked {
                key,
                known_good: true,
            });
        }
        // Returned as it came (no copy of the claims in this frame, for the stack).
        let verified = verify(&Checked::full(key));
        if let Ok(claims) = &verified {
            set.enter(slots, digest, claims.expires_at());
        }
        verified
    }
}

/// SHA-256 over a domain label, the key's identity (fixed length) and the whole token.
fn token_digest(key: &KeyIdentity, token: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(TOKEN_DOMAIN);
    h.update(key.0);
    h.update(token.as_bytes());
    h.finalize().into()
}

/// The run of slots a digest may occupy: `ways` slots from `start`, wrapping.
struct Set {
    start: usize,
    ways: usize,
    len: usize,
}

impl Set {
    /// `len` is not zero.
    fn of(digest: &[u8; 32], len: usize) -> Self {
        let mut head = [0u8; 8];
        head.copy_from_slice(&digest[..8]);
        // The remainder is below `len`, so it fits in a usize.
        let start = (u64::from_le_bytes(head) % len as u64) as usize;
        Set {
            start,
            ways: CACHE_WAYS.min(len),
            len,
        }
    }

    fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.ways).map(|w| (self.start + w) % self.len)
    }

    fn find(&self, slots: &[Slot], digest: &[u8; 32]) -> bool {
        self.indices().any(|i| {
            slots
                .get(i)
                .is_some_and(|s| !s.is_empty() && same(&s.digest, digest))
        })
    }

    /// Replaces the slot whose token expires first (an empty one has `exp` 0).
    fn enter(&self, slots: &mut [Slot], digest: [u8; 32], exp: u64) {
        let victim = self
            .indices()
            .min_by_key(|&i| slots.get(i).map_or(u64::MAX, |s| s.exp));
        if let Some(slot) = victim.and_then(|i| slots.get_mut(i)) {
            *slot = Slot { digest, exp };
        }
    }
}

/// Compares two digests without stopping at the first differing byte.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key as the verifier sees it through the cache. `known_good` is set only on a hit,
/// where this exact token verified under a key with this exact identity: the signature is
/// then not recomputed, and everything else is checked as usual. Private: nothing outside
/// this module can make a key that skips signatures.
struct Checked<'k, K: ?Sized> {
    key: &'k K,
    known_good: bool,
}

impl<'k, K: ?Sized> Checked<'k, K> {
    fn full(key: &'k K) -> Self {
        Self {
            key,
            known_good: false,
        }
    }
}

impl<K: VerifyingKey + ?Sized> VerifyingKey for Checked<'_, K> {
    fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }
    fn key_id(&self) -> Option<&str> {
        self.key.key_id()
    }
    fn key_use(&self) -> KeyUse {
        self.key.key_use()
    }
    fn signature_len(&self) -> usize {
        self.key.signature_len()
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()> {
        if self.known_good {
            Ok(())
        } else {
            self.key.verify(input, signature)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(n: u8) -> [u8; 32] {
        let mut d = [n; 32];
        d[..8].copy_from_slice(&0u64.to_le_bytes());
        d
    }

    #[test]
    fn replaces_the_slot_that_expires_first() {
        let mut slots = [Slot::EMPTY; 8];
        let set = Set::of(&digest(1), slots.len());
        assert_eq!((set.start, set.ways), (0, CACHE_WAYS));
        for (n, exp) in [(1, 500), (2, 300), (3, 900), (4, 700)] {
            set.enter(&mut slots, digest(n), exp);
        }
        assert!((1..=4).all(|n| set.find(&slots, &digest(n))));
        set.enter(&mut slots, digest(5), 800);
        assert!(
            !set.find(&slots, &digest(2)),
            "the token expiring first goes"
        );
        assert!([1, 3, 4, 5].iter().all(|&n| set.find(&slots, &digest(n))));
        assert!(slots[CACHE_WAYS..].iter().all(Slot::is_empty));
    }

    #[test]
    fn a_run_wraps_and_fewer_slots_than_ways_work() {
        let mut d = [9u8; 32];
        d[..8].copy_from_slice(&6u64.to_le_bytes());
        let set = Set::of(&d, 7);
        assert_eq!(set.indices().collect::<std::vec::Vec<_>>(), [6, 0, 1, 2]);
        let set = Set::of(&d, 2);
        assert_eq!(set.indices().collect::<std::vec::Vec<_>>(), [0, 1]);
        let mut slots = [Slot::EMPTY; 2];
        set.enter(&mut slots, d, 10);
        assert!(set.find(&slots, &d));
    }

    #[test]
    fn raw_identities_name_one_key_each() {
        use crate::alg::{Ed25519SigningKey, Es256SigningKey};
        let ed = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access).verifying_key();
        // Not the digest form over the same bytes, nor another Ed25519 key.
        assert_ne!(
            ed.identity(),
            KeyIdentity::new(Algorithm::EdDSA, &[&ed.to_bytes()])
        );
        assert_ne!(
            ed.identity(),
            KeyIdentity::tagged(TAG_DIGEST, ed.to_bytes())
        );
        let other = Ed25519SigningKey::from_seed(&[8; 32], KeyUse::Access).verifying_key();
        assert_ne!(ed.identity(), other.identity());
        // P-256: the point and its negation share `x`; their identities differ, and the
        // compressed and uncompressed handles on one point agree.
        let es = Es256SigningKey::from_bytes(&[7; 32], KeyUse::Access)
            .unwrap()
            .verifying_key();
        let (x, y) = es.to_coordinates();
        let compressed = |prefix: u8| {
            let mut sec1 = [prefix; 33];
            sec1[1..].copy_from_slice(&x);
            Es256VerifyingKey::from_sec1_bytes(&sec1, KeyUse::Access).unwrap()
        };
        let (even, odd) = (compressed(2), compressed(3));
        assert_ne!(even.identity(), odd.identity());
        let same = if y[31] & 1 == 0 { &even } else { &odd };
        assert_eq!(es.identity(), same.identity());
        assert_ne!(es.identity(), KeyIdentity::tagged(TAG_ED25519, x));
    }

    #[test]
    fn identities_differ_by_algorithm_and_by_part_boundaries() {
        let a = KeyIdentity::new(Algorithm::RS256, &[b"ab", b"c"]);
        assert_ne!(a, KeyIdentity::new(Algorithm::PS256, &[b"ab", b"c"]));
        assert_ne!(a, KeyIdentity::new(Algorithm::RS256, &[b"a", b"bc"]));
        assert_eq!(a, KeyIdentity::new(Algorithm::RS256, &[b"ab", b"c"]));
    }
}
