//! The verified-token cache: a hit returns what a full verification returns, and skips
//! only the signature. Every test counts signature checks through a wrapper key, so that a
//! hit and a miss are told apart by what happened, not by timing.

mod common;

use std::cell::Cell;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::*;
use compact_token::{
    AccessClaims, Algorithm, CacheableKey, Ed25519SigningKey, Error, Es256SigningKey, Hs256Key,
    IdClaims, IdentifiedKey, KeyIdentity, KeyUse, Limits, Registry, RsaSigningKey, SigningKey,
    Slot, VerifiedCache, VerifyingKey, compact, jwt,
};

/// A verifying key that counts its signature checks (test-only).
struct Counting<K> {
    key: K,
    checks: Cell<usize>,
}

impl<K> Counting<K> {
    fn new(key: K) -> Self {
        Self {
            key,
            checks: Cell::new(0),
        }
    }
    fn checks(&self) -> usize {
        self.checks.get()
    }
}

impl<K: VerifyingKey> VerifyingKey for Counting<K> {
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
    fn verify(&self, input: &[u8], signature: &[u8]) -> compact_token::Result<()> {
        self.checks.set(self.checks.get() + 1);
        self.key.verify(input, signature)
    }
}

impl<K: CacheableKey> CacheableKey for Counting<K> {
    fn identity(&self) -> KeyIdentity {
        self.key.identity()
    }
}

type Cache = VerifiedCache<[Slot; 16]>;

const SCRATCH: usize = 4096;

/// The RFC 7515 Appendix A.2 RSA key.
const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const A2_D: &str = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
const A2_P: &str = "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
const A2_Q: &str = "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc";

fn rsa_key(alg: Algorithm) -> RsaSigningKey {
    let d = |s: &str| Base64UrlUnpadded::decode_vec(s).unwrap();
    let (n, d_, p, q) = (d(A2_N), d(A2_D), d(A2_P), d(A2_Q));
    RsaSigningKey::from_components(&n, &[1, 0, 1], &d_, &p, &q, alg, KeyUse::AccessAndId).unwrap()
}

fn es_key() -> Es256SigningKey {
    Es256SigningKey::from_bytes(&[0x17; 32], KeyUse::AccessAndId).unwrap()
}

/// The two profiles, through the cache and directly, for one kind.
#[derive(Clone, Copy, Debug)]
enum Profile {
    Jwt,
    Compact,
}

const PROFILES: [Profile; 2] = [Profile::Jwt, Profile::Compact];

fn issue_access<K: SigningKey>(p: Profile, claims: &AccessClaims<&str>, key: &K) -> String {
    let mut buf = [0u8; 2048];
    match p {
        Profile::Jwt => jwt::issue_access(claims, key, &Limits::ACCESS, &mut buf),
        Profile::Compact => {
            compact::issue_access(claims, key, &Limits::ACCESS, &Registry::EMPTY, &mut buf)
        }
    }
    .unwrap()
    .to_owned()
}

fn issue_id<K: SigningKey>(p: Profile, claims: &IdClaims<&str>, key: &K) -> String {
    let mut buf = [0u8; 2048];
    match p {
        Profile::Jwt => jwt::issue_id(claims, key, &Limits::ID, &mut buf),
        Profile::Compact => compact::issue_id(claims, key, &Limits::ID, &Registry::EMPTY, &mut buf),
    }
    .unwrap()
    .to_owned()
}

/// The claims as text: the claims borrow the scratch, which the helpers own.
type Seen = compact_token::Result<String>;

fn seen<T: std::fmt::Debug>(r: compact_token::Result<T>) -> Seen {
    r.map(|c| format!("{c:?}"))
}

fn cached_access<const B: usize, S: AsRef<[Slot<B>]> + AsMut<[Slot<B>]>, K: CacheableKey>(
    cache: &mut VerifiedCache<S, B>,
    p: Profile,
    token: &str,
    key: &K,
    policy: &compact_token::AccessPolicy<'_>,
    now: u64,
) -> Seen {
    let scratch = &mut [0u8; SCRATCH];
    seen(match p {
        Profile::Jwt => cache.verify_jwt_access(token, key, policy, now, scratch),
        Profile::Compact => {
            cache.verify_compact_access(token, key, policy, &Registry::EMPTY, now, scratch)
        }
    })
}

fn cached_id<K: CacheableKey>(
    cache: &mut Cache,
    p: Profile,
    token: &str,
    key: &K,
    policy: &compact_token::IdPolicy<'_>,
    now: u64,
) -> Seen {
    let scratch = &mut [0u8; SCRATCH];
    seen(match p {
        Profile::Jwt => cache.verify_jwt_id(token, key, policy, now, scratch),
        Profile::Compact => {
            cache.verify_compact_id(token, key, policy, &Registry::EMPTY, now, scratch)
        }
    })
}

fn direct_access<K: VerifyingKey>(p: Profile, token: &str, key: &K, now: u64) -> Seen {
    let scratch = &mut [0u8; SCRATCH];
    let policy = access_policy();
    seen(match p {
        Profile::Jwt => jwt::verify_access(token, key, &policy, now, scratch),
        Profile::Compact => {
            compact::verify_access(token, key, &policy, &Registry::EMPTY, now, scratch)
        }
    })
}

/// Miss, then hit, for one key: both return the claims a direct verification returns,
/// and only the miss checked a signature.
fn hit_equals_full_verify<S: SigningKey, V: CacheableKey>(signer: &S, verifier: V) {
    let key = Counting::new(verifier);
    for p in PROFILES {
        let mut cache = Cache::new();
        let token = issue_access(p, &access_claims(NOW), signer);
        let expected = direct_access(p, &token, &key.key, NOW + 5).unwrap();
        let before = key.checks();
        for (call, checks) in [(1, 1), (2, 1), (3, 1)] {
            let got = cached_access(&mut cache, p, &token, &key, &access_policy(), NOW + 5);
            assert_eq!(got, Ok(expected.clone()), "{p:?} access, call {call}");
            assert_eq!(key.checks() - before, checks, "{p:?} access, call {call}");
        }

        let token = issue_id(p, &id_claims(NOW), signer);
        let mut direct = [0u8; SCRATCH];
        let policy = id_policy();
        let expected = seen(match p {
            Profile::Jwt => jwt::verify_id(&token, &key.key, &policy, NOW + 5, &mut direct),
            Profile::Compact => compact::verify_id(
                &token,
                &key.key,
                &policy,
                &Registry::EMPTY,
                NOW + 5,
                &mut direct,
            ),
        })
        .unwrap();
        let before = key.checks();
        for call in 1..=3 {
            let got = cached_id(&mut cache, p, &token, &key, &policy, NOW + 5);
            assert_eq!(got, Ok(expected.clone()), "{p:?} ID, call {call}");
            assert_eq!(key.checks() - before, 1, "{p:?} ID, call {call}");
        }
        assert_eq!(cache.len(), 2);
    }
}

#[test]
fn a_hit_returns_the_claims_of_a_full_verify_eddsa() {
    let key = ed_key(KeyUse::AccessAndId);
    hit_equals_full_verify(&key, key.verifying_key());
}

#[test]
fn a_hit_returns_the_claims_of_a_full_verify_hs256() {
    hit_equals_full_verify(&hs_key(KeyUse::AccessAndId), hs_key(KeyUse::AccessAndId));
}

#[test]
fn a_hit_returns_the_claims_of_a_full_verify_es256() {
    let key = es_key();
    hit_equals_full_verify(&key, key.verifying_key());
}

#[test]
fn a_hit_returns_the_claims_of_a_full_verify_rs256_and_ps256() {
    for alg in [Algorithm::RS256, Algorithm::PS256] {
        let key = rsa_key(alg);
        hit_equals_full_verify(&key, key.verifying_key());
    }
}

/// A key with its identity computed once is the same key to the cache: hits equal full
/// verifies through it, a token entered through the plain key is a hit through it and the
/// reverse, and another secret is a miss, verified in full and refused.
#[test]
fn an_identified_key_is_the_same_key_to_the_cache() {
    let plain = hs_key(KeyUse::AccessAndId);
    hit_equals_full_verify(&plain, IdentifiedKey::new(hs_key(KeyUse::AccessAndId)));
    let identified = IdentifiedKey::new(Counting::new(hs_key(KeyUse::AccessAndId)));
    assert_eq!(identified.identity(), plain.identity());
    let other = IdentifiedKey::new(Counting::new(
        Hs256Key::from_secret(&[0x25; 32], KeyUse::AccessAndId).unwrap(),
    ));
    assert_ne!(other.identity(), plain.identity());
    for (i, p) in PROFILES.into_iter().enumerate() {
        let token = issue_access(p, &access_claims(NOW), &plain);
        let expected = direct_access(p, &token, &plain, NOW);
        let counting = Counting::new(hs_key(KeyUse::AccessAndId));
        // Entered through the plain key: a hit through the identified one.
        let mut cache = Cache::new();
        let got = cached_access(&mut cache, p, &token, &counting, &access_policy(), NOW);
        assert_eq!(got, expected, "{p:?}");
        let before = identified.key().checks();
        let got = cached_access(&mut cache, p, &token, &identified, &access_policy(), NOW);
        assert_eq!(got, expected, "{p:?}");
        assert_eq!(identified.key().checks(), before, "{p:?}: a hit");
        // And the reverse.
        let mut cache = Cache::new();
        cached_access(&mut cache, p, &token, &identified, &access_policy(), NOW).unwrap();
        let before = counting.checks();
        let got = cached_access(&mut cache, p, &token, &counting, &access_policy(), NOW);
        assert_eq!(got, expected, "{p:?}");
        assert_eq!(counting.checks(), before, "{p:?}: a hit");
        // Another secret: verified in full, refused.
        let got = cached_access(&mut cache, p, &token, &other, &access_policy(), NOW);
        assert_eq!(got, Err(Error::BadSignature), "{p:?}");
        assert_eq!(other.key().checks(), i + 1, "{p:?}: verified in full");
    }
}

/// Caches one access token, then calls `f` with the cache, the token and the key.
fn with_cached(
    p: Profile,
    f: impl FnOnce(&mut Cache, &str, &Counting<compact_token::Ed25519VerifyingKey>),
) {
    let signer = ed_key(KeyUse::AccessAndId);
    let key = Counting::new(signer.verifying_key());
    let token = issue_access(p, &access_claims(NOW), &signer);
    let mut cache = Cache::new();
    cached_access(&mut cache, p, &token, &key, &access_policy(), NOW).unwrap();
    assert_eq!(key.checks(), 1);
    f(&mut cache, &token, &key);
}

#[test]
fn a_token_expired_since_caching_is_refused_on_the_hit() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            // exp = NOW + 300, default leeway 30: still valid at NOW + 329, not at NOW + 330.
            let policy = access_policy();
            let ok = cached_access(cache, p, token, key, &policy, NOW + 329);
            assert!(ok.is_ok(), "{p:?}");
            let late = cached_access(cache, p, token, key, &policy, NOW + 330);
            assert_eq!(late, Err(Error::Expired), "{p:?}");
            // Both were hits: the policy, not the signature, refused.
            assert_eq!(key.checks(), 1, "{p:?}");
            // Before `iat` (beyond the leeway) is refused on a hit too.
            let early = cached_access(cache, p, token, key, &policy, NOW - 31);
            assert_eq!(early, Err(Error::IssuedInFuture), "{p:?}");
            assert_eq!(key.checks(), 1, "{p:?}");
        });
    }
}

#[test]
fn a_policy_change_is_refused_on_the_hit() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            let other_aud = compact_token::AccessPolicy::new(ISS, "https://other.example.com");
            let got = cached_access(cache, p, token, key, &other_aud, NOW);
            assert_eq!(got, Err(Error::WrongAudience), "{p:?}");
            let other_iss = compact_token::AccessPolicy::new("https://evil.example.com", AUD);
            let got = cached_access(cache, p, token, key, &other_iss, NOW);
            assert_eq!(got, Err(Error::WrongIssuer), "{p:?}");
            let scoped = access_policy().require_scopes(&["admin"]);
            let got = cached_access(cache, p, token, key, &scoped, NOW);
            assert_eq!(got, Err(Error::MissingScope), "{p:?}");
            let short = access_policy().with_limits(Limits::ACCESS.tighten_lifetime(299));
            let got = cached_access(cache, p, token, key, &short, NOW);
            assert_eq!(got, Err(Error::LifetimeTooLong), "{p:?}");
            let small = access_policy().with_limits(Limits::ACCESS.tighten_bytes(100));
            let got = cached_access(cache, p, token, key, &small, NOW);
            assert_eq!(got, Err(Error::OverBudget), "{p:?}");
            // Every refusal was the policy's, on a hit.
            assert_eq!(key.checks(), 1, "{p:?}");
            // And the original policy still hits.
            let got = cached_access(cache, p, token, key, &access_policy(), NOW);
            assert!(got.is_ok(), "{p:?}");
            assert_eq!(key.checks(), 1, "{p:?}");
        });
    }
}

#[test]
fn a_tampered_token_is_a_miss_and_refused_by_the_full_verify() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            let payload_at = token.find('.').unwrap() + 1;
            let sig_at = token.rfind('.').unwrap() + 1;
            // One character in the middle of the payload, one in the signature.
            for at in [payload_at + 10, sig_at + 10] {
                let mut bytes = token.as_bytes().to_vec();
                bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                let tampered = String::from_utf8(bytes).unwrap();
                let before = key.checks();
                let got = cached_access(cache, p, &tampered, key, &access_policy(), NOW);
                assert_eq!(got, Err(Error::BadSignature), "{p:?} at {at}");
                assert_eq!(key.checks(), before + 1, "{p:?} at {at}: a miss");
                // Refused tokens are not entered: the next try is verified in full again.
                let again = cached_access(cache, p, &tampered, key, &access_policy(), NOW);
                assert_eq!(again, Err(Error::BadSignature), "{p:?} at {at}");
                assert_eq!(key.checks(), before + 2, "{p:?} at {at}: not cached");
            }
            assert_eq!(cache.len(), 1, "{p:?}");
        });
    }
}

#[test]
fn a_token_cached_under_one_key_is_not_accepted_under_another() {
    for p in PROFILES {
        with_cached(p, |cache, token, _| {
            // Another Ed25519 key, same kid (none) and use.
            let other = Counting::new(
                Ed25519SigningKey::from_seed(&[0x43; 32], KeyUse::AccessAndId).verifying_key(),
            );
            let got = cached_access(cache, p, token, &other, &access_policy(), NOW);
            assert_eq!(got, Err(Error::BadSignature), "{p:?}");
            assert_eq!(
                other.checks(),
                1,
                "{p:?}: verified in full under the other key"
            );
            // A key of another algorithm: refused by `alg`, as without the cache.
            let hs = Counting::new(hs_key(KeyUse::AccessAndId));
            let got = cached_access(cache, p, token, &hs, &access_policy(), NOW);
            assert_eq!(got, Err(Error::AlgorithmMismatch), "{p:?}");
        });
    }
}

#[test]
fn the_same_key_with_another_use_or_kid_is_refused_on_the_hit() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            let bytes = key.key.to_bytes();
            let id_only = Counting::new(
                compact_token::Ed25519VerifyingKey::from_bytes(&bytes, KeyUse::Id).unwrap(),
            );
            let got = cached_access(cache, p, token, &id_only, &access_policy(), NOW);
            assert_eq!(got, Err(Error::KeyUseMismatch), "{p:?}");
            // A kid the token does not name is fine (it names none); the same key bytes
            // are the same identity: a hit.
            let with_kid = Counting::new(
                compact_token::Ed25519VerifyingKey::from_bytes(&bytes, KeyUse::Access)
                    .unwrap()
                    .with_kid("k2")
                    .unwrap(),
            );
            let got = cached_access(cache, p, token, &with_kid, &access_policy(), NOW);
            assert!(got.is_ok(), "{p:?}");
            assert_eq!((id_only.checks(), with_kid.checks()), (0, 0), "{p:?}: hits");
        });
    }
}

#[test]
fn invalidation_forces_a_full_verify() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            cached_access(cache, p, token, key, &access_policy(), NOW).unwrap();
            assert_eq!(key.checks(), 1, "{p:?}: a hit");
            cache.invalidate();
            assert!(cache.is_empty());
            cached_access(cache, p, token, key, &access_policy(), NOW).unwrap();
            assert_eq!(
                key.checks(),
                2,
                "{p:?}: verified in full after invalidation"
            );
            cached_access(cache, p, token, key, &access_policy(), NOW).unwrap();
            assert_eq!(key.checks(), 2, "{p:?}: then cached again");
        });
    }
}

#[test]
fn kind_confusion_is_refused_on_the_hit() {
    for p in PROFILES {
        with_cached(p, |cache, token, key| {
            let policy = compact_token::IdPolicy::new(ISS, AUD);
            let got = cached_id(cache, p, token, key, &policy, NOW);
            assert_eq!(got, Err(Error::WrongKind), "{p:?}");
            // The other profile's verifier refuses it too.
            let other = match p {
                Profile::Jwt => Profile::Compact,
                Profile::Compact => Profile::Jwt,
            };
            let got = cached_access(cache, other, token, key, &access_policy(), NOW);
            assert_eq!(got, Err(Error::WrongProfile), "{p:?}");
            assert_eq!(key.checks(), 1, "{p:?}: refused before any signature check");
        });
    }
}

#[test]
fn more_tokens_than_slots_replace_the_one_expiring_first() {
    let signer = ed_key(KeyUse::Access);
    let key = Counting::new(signer.verifying_key());
    // Four slots: one run of CACHE_WAYS = 4 holds them all, whatever the digests.
    assert_eq!(compact_token::CACHE_WAYS, 4);
    let mut cache = VerifiedCache::<[Slot; 4]>::new();
    let tokens: Vec<String> = [250, 100, 300, 200, 280]
        .iter()
        .map(|&life| {
            let mut c = access_claims(NOW);
            c.exp = NOW + life;
            issue_access(Profile::Compact, &c, &signer)
        })
        .collect();
    let policy = access_policy();
    for t in &tokens[..4] {
        cached_access(&mut cache, Profile::Compact, t, &key, &policy, NOW).unwrap();
    }
    assert_eq!((cache.len(), key.checks()), (4, 4));
    // The fifth replaces the token expiring first (lifetime 100).
    cached_access(&mut cache, Profile::Compact, &tokens[4], &key, &policy, NOW).unwrap();
    assert_eq!((cache.len(), key.checks()), (4, 5));
    // Token 1 (lifetime 100) was replaced: a miss, entered again in place of the next to
    // expire, token 3 (200), which then misses in its turn; 0, 2 and 4 hit throughout.
    for (i, t) in tokens.iter().enumerate() {
        let before = key.checks();
        let got = cached_access(&mut cache, Profile::Compact, t, &key, &policy, NOW);
        assert!(got.is_ok(), "token {i}");
        let miss = usize::from(i == 1 || i == 3);
        assert_eq!(key.checks() - before, miss, "token {i}");
    }
    let before = key.checks();
    cached_access(&mut cache, Profile::Compact, &tokens[1], &key, &policy, NOW).unwrap();
    assert_eq!(
        key.checks() - before,
        1,
        "token 1 gave way to token 3 (100 < 200)"
    );
}

#[test]
fn many_tokens_through_few_slots_stay_correct() {
    let signer = ed_key(KeyUse::Access);
    let key = Counting::new(signer.verifying_key());
    let mut slots = [Slot::EMPTY; 5];
    let mut cache = VerifiedCache::with_slots(&mut slots[..]);
    let tokens: Vec<String> = (0..20)
        .map(|i| {
            let mut c = access_claims(NOW);
            c.exp = NOW + 100 + i;
            issue_access(Profile::Jwt, &c, &signer)
        })
        .collect();
    for round in 0..2 {
        for (i, t) in tokens.iter().enumerate() {
            let got = cached_access(&mut cache, Profile::Jwt, t, &key, &access_policy(), NOW);
            let exp = format!("exp: {}", NOW + 100 + i as u64);
            assert!(got.is_ok_and(|c| c.contains(&exp)), "round {round}, {i}");
        }
    }
    assert!(cache.len() <= 5 && cache.capacity() == 5);
    // 40 verifications; at most 5 of the second round can be hits.
    assert!(key.checks() >= 35, "{} signature checks", key.checks());
}

#[test]
fn slots_on_the_heap_hold_many_tokens() {
    let signer = ed_key(KeyUse::Access);
    let key = Counting::new(signer.verifying_key());
    let mut cache = VerifiedCache::with_slots(vec![Slot::EMPTY; 256]);
    let tokens: Vec<String> = (0..32)
        .map(|i| {
            let mut c = access_claims(NOW);
            c.jti = ["j0", "j1", "j2", "j3", "j4", "j5", "j6", "j7"][i % 8];
            c.exp = NOW + 100 + i as u64;
            issue_access(PROFILES[i % 2], &c, &signer)
        })
        .collect();
    for round in 0..3 {
        for (i, t) in tokens.iter().enumerate() {
            let got = cached_access(&mut cache, PROFILES[i % 2], t, &key, &access_policy(), NOW);
            let exp = format!("exp: {}", NOW + 100 + i as u64);
            assert!(got.is_ok_and(|c| c.contains(&exp)), "round {round}, {i}");
        }
    }
    // 32 tokens in 256 slots: the first round verified each in full, the next two hit
    // unless two tokens' runs of four slots overlapped and one replaced the other.
    assert!(key.checks() >= 32 && key.checks() < 40, "{}", key.checks());
    assert!(cache.len() >= 28 && cache.capacity() == 256);
}

#[test]
fn zero_slots_cache_nothing_and_stay_correct() {
    let signer = ed_key(KeyUse::Access);
    let key = Counting::new(signer.verifying_key());
    let mut cache = VerifiedCache::<[Slot; 0]>::new();
    for p in PROFILES {
        let token = issue_access(p, &access_claims(NOW), &signer);
        for _ in 0..3 {
            let got = cached_access(&mut cache, p, &token, &key, &access_policy(), NOW);
            assert!(got.is_ok_and(|c| c.contains(r#"sub: "user-8f14e45f""#)));
        }
        let late = cached_access(&mut cache, p, &token, &key, &access_policy(), NOW + 999);
        assert_eq!(late, Err(Error::Expired));
    }
    assert_eq!((key.checks(), cache.len(), cache.capacity()), (8, 0, 0));
}

#[test]
fn an_over_budget_token_is_refused_first_as_without_the_cache() {
    let signer = ed_key(KeyUse::Access);
    let key = Counting::new(signer.verifying_key());
    let mut cache = Cache::new();
    let huge = "a".repeat(Limits::ACCESS.max_bytes + 1);
    let got = cached_access(&mut cache, Profile::Jwt, &huge, &key, &access_policy(), NOW);
    assert_eq!(got, Err(Error::OverBudget));
    let got = cached_access(&mut cache, Profile::Jwt, "a.b", &key, &access_policy(), NOW);
    assert_eq!(got, Err(Error::Malformed));
    assert_eq!((key.checks(), cache.len()), (0, 0));
}

/// Claims whose strings come from everywhere a verifier takes them: the claims text, an
/// escape decoded into scratch, custom claims, and (for `compact`) a registry.
fn varied_claims() -> AccessClaims<&'static str> {
    let mut c = access_claims(NOW);
    c.sub = "user \"quoted\" \\ \u{e9}\u{1F600}";
    c.acr = Some("urn:mace:incommon:iap:silver");
    c.amr.push("pwd").unwrap();
    c.amr.push("otp").unwrap();
    c.extra =
        compact_token::Extras::from_json(r#"{"roles":["admin","ops"],"tenant":"acme"}"#).unwrap();
    c
}

#[test]
fn a_hit_returns_escaped_custom_and_registered_values_as_a_full_verify_does() {
    let signer = ed_key(KeyUse::AccessAndId);
    let key = Counting::new(signer.verifying_key());
    let values = [ISS, AUD, "read:orders", "write:orders"];
    let registry = Registry::new(&values).unwrap();
    let policy = access_policy();
    let mut buf = [0u8; 1024];
    let jwt_token = jwt::issue_access(&varied_claims(), &signer, &Limits::ACCESS, &mut buf)
        .unwrap()
        .to_owned();
    let compact_token = compact::issue_access(
        &varied_claims(),
        &signer,
        &Limits::ACCESS,
        &registry,
        &mut buf,
    )
    .unwrap()
    .to_owned();
    let mut cache = Cache::new();
    let direct = |token: &str, compact: bool| {
        let scratch = &mut [0u8; SCRATCH];
        seen(if compact {
            compact::verify_access(token, &key.key, &policy, &registry, NOW, scratch)
        } else {
            jwt::verify_access(token, &key.key, &policy, NOW, scratch)
        })
    };
    for (token, compact) in [(&jwt_token, false), (&compact_token, true)] {
        let expected = direct(token, compact).unwrap();
        assert!(expected.contains("roles") && expected.contains("\\\"quoted\\\""));
        let before = key.checks();
        for call in 1..=3 {
            let scratch = &mut [0u8; SCRATCH];
            let got = seen(if compact {
                cache.verify_compact_access(token, &key, &policy, &registry, NOW, scratch)
            } else {
                cache.verify_jwt_access(token, &key, &policy, NOW, scratch)
            });
            assert_eq!(got, Ok(expected.clone()), "compact {compact}, call {call}");
            assert_eq!(key.checks() - before, 1, "compact {compact}, call {call}");
        }
    }
    // The claims' custom claims still answer lookups on a hit.
    let scratch = &mut [0u8; SCRATCH];
    let hit = cache
        .verify_jwt_access(&jwt_token, &key, &policy, NOW, scratch)
        .unwrap();
    assert_eq!(
        hit.extra
            .get("tenant")
            .and_then(|v| v.as_str())
            .and_then(|s| s.as_str()),
        Some("acme")
    );
}

#[test]
fn another_registry_is_a_miss_with_the_full_verify_error() {
    let signer = ed_key(KeyUse::AccessAndId);
    let key = Counting::new(signer.verifying_key());
    let (one, other) = ([ISS, AUD], [ISS, AUD, "x"]);
    let (one, other) = (Registry::new(&one).unwrap(), Registry::new(&other).unwrap());
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(
        &access_claims(NOW),
        &signer,
        &Limits::ACCESS,
        &one,
        &mut buf,
    )
    .unwrap();
    let policy = access_policy();
    let mut cache = Cache::new();
    let scratch = &mut [0u8; SCRATCH];
    cache
        .verify_compact_access(token, &key, &policy, &one, NOW, scratch)
        .unwrap();
    let got = cache.verify_compact_access(token, &key, &policy, &other, NOW, scratch);
    assert_eq!(got.map(drop), Err(Error::RegistryMismatch));
    assert_eq!(key.checks(), 2, "verified in full under the other registry");
}

#[test]
fn less_scratch_than_the_full_verify_had_is_a_full_verify() {
    for p in PROFILES {
        let signer = ed_key(KeyUse::AccessAndId);
        let key = Counting::new(signer.verifying_key());
        let token = issue_access(p, &access_claims(NOW), &signer);
        let policy = access_policy();
        let mut cache = Cache::new();
        let call = |cache: &mut Cache, scratch: &mut [u8]| {
            seen(match p {
                Profile::Jwt => cache.verify_jwt_access(&token, &key, &policy, NOW, scratch),
                Profile::Compact => cache.verify_compact_access(
                    &token,
                    &key,
                    &policy,
                    &Registry::EMPTY,
                    NOW,
                    scratch,
                ),
            })
        };
        let expected = call(&mut cache, &mut [0u8; 1024]).unwrap();
        // Too small for the payload: the full verify's error, from a full verify.
        let small = call(&mut cache, &mut [0u8; 64]);
        assert!(
            matches!(small, Err(Error::BufferTooSmall { .. })),
            "{p:?} {small:?}"
        );
        assert_eq!(key.checks(), 2, "{p:?}");
        assert_eq!(call(&mut cache, &mut [0u8; 2048]), Ok(expected), "{p:?}");
        assert_eq!(key.checks(), 2, "{p:?}: more room than before is a hit");
    }
}

#[test]
fn a_token_larger_than_a_slot_is_verified_in_full_every_time() {
    for p in PROFILES {
        let signer = ed_key(KeyUse::AccessAndId);
        let key = Counting::new(signer.verifying_key());
        let token = issue_access(p, &access_claims(NOW), &signer);
        let mut small = VerifiedCache::<[Slot<256>; 4], 256>::new();
        let mut large = VerifiedCache::<[Slot<1024>; 4], 1024>::new();
        let expected = direct_access(p, &token, &key.key, NOW).unwrap();
        for call in 1..=3 {
            let got = cached_access(&mut small, p, &token, &key, &access_policy(), NOW);
            assert_eq!(got, Ok(expected.clone()), "{p:?}");
            assert_eq!(
                key.checks(),
                call,
                "{p:?}: token and strings exceed 256 bytes"
            );
        }
        assert!(small.is_empty());
        for _ in 0..3 {
            let got = cached_access(&mut large, p, &token, &key, &access_policy(), NOW);
            assert_eq!(got, Ok(expected.clone()), "{p:?}");
        }
        assert_eq!(key.checks(), 4, "{p:?}: one full verify, then hits");
    }
}

#[test]
fn a_slot_shows_no_token_and_is_zeroized_when_invalidated() {
    with_cached(Profile::Jwt, |cache, token, _| {
        let shown = format!("{cache:?}");
        assert!(!shown.contains(&token[..20]), "{shown}");
        assert!(!shown.contains("user-8f14e45f"), "{shown}");
        cache.invalidate();
        assert!(cache.is_empty());
    });
}
