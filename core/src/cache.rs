//! An opt-in cache of verified tokens, for verifiers that see the same token many times in
//! its few minutes of life (gateways, sidecars): a hit skips the signature, the header's
//! parsing and the claims decoding, and nothing that depends on the call.
//!
//! A slot holds a token that verified in full, the identity and algorithm of the key that
//! verified it ([`KeyIdentity`]), what it was verified as (profile, kind, registry
//! fingerprint), its header's `kid` and its decoded claims. A hit is the very same bytes,
//! compared in full, under a key of the very same identity and algorithm, as the same
//! profile and kind: everything the verifier decides from those alone (the header's
//! shape, `alg` and `typ`, kind and profile, the signature's encoding and length and
//! validity, the claims' decoding and values) was decided when the token was entered. What
//! the call can change is checked again, in the verifier's order and with its errors: the
//! size budget, the key's use, the key's `kid` against the header's, then the whole policy
//! against `now`.

use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::alg::{
    Algorithm, Ed25519VerifyingKey, Es256VerifyingKey, Hs256Key, KeyUse, VerifyingKey,
};
use crate::budget::Limits;
use crate::claims::{AccessClaims, ClaimSet, IdClaims};
use crate::error::{Error, Result};
use crate::jws;
use crate::kind::Kind;
use crate::profile::{Payload, Source, compact, jwt};
use crate::registry::{FINGERPRINT_LEN, Registry};
use crate::validate::{AccessPolicy, IdPolicy};

/// Domain separation: no other SHA-256 input of this crate starts so.
const KEY_DOMAIN: &[u8] = b"compact-token key identity v1\0";

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
    /// This key's identity. Computed on every cached verification, so keep it cheap (or
    /// wrap the key in an [`IdentifiedKey`], which computes it once).
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

/// A key with its [`KeyIdentity`] computed once, for a [`VerifiedCache`] that is handed
/// the same key on every call: an HS256 or RSA key's identity is a SHA-256 over the key,
/// computed on every cached call otherwise (most of an HS256 hit; an Ed25519 or P-256
/// key's identity costs nothing, so wrapping one gains nothing). It verifies exactly as
/// the key it holds.
///
/// ```
/// use compact_token::{jwt, AccessClaims, AccessPolicy, Hs256Key, IdentifiedKey, KeyUse,
///     Limits, Slot, VerifiedCache};
///
/// let key = Hs256Key::from_secret(&[7; 32], KeyUse::Access)?;
/// # let now = 1_764_000_000;
/// # let claims = AccessClaims::new("https://auth.example.com", "user-8f14e45f",
/// #     "https://api.example.com", "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8");
/// # let mut buf = [0u8; 1024];
/// let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut buf)?;
///
/// // Once, when the key is loaded:
/// let key = IdentifiedKey::new(key);
/// let mut cache = VerifiedCache::<[Slot; 16]>::new();
/// let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
/// let mut scratch = [0u8; 1024];
/// for _ in 0..2 {
///     let claims = cache.verify_jwt_access(token, &key, &policy, now, &mut scratch)?;
///     assert_eq!(claims.sub, "user-8f14e45f");
/// }
/// # Ok::<(), compact_token::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct IdentifiedKey<K> {
    key: K,
    identity: KeyIdentity,
}

impl<K: CacheableKey> IdentifiedKey<K> {
    /// `key`, with its identity computed now.
    pub fn new(key: K) -> Self {
        let identity = key.identity();
        Self { key, identity }
    }
}

impl<K> IdentifiedKey<K> {
    /// The key.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// The key back.
    pub fn into_inner(self) -> K {
        self.key
    }
}

impl<K: VerifyingKey> VerifyingKey for IdentifiedKey<K> {
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
        self.key.verify(input, signature)
    }
}

impl<K: CacheableKey> CacheableKey for IdentifiedKey<K> {
    /// The identity computed when this was made.
    fn identity(&self) -> KeyIdentity {
        self.identity
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

/// Bytes of token and claims a [`Slot`] holds unless told otherwise: room for the sample
/// `jwt` ID token with its claims (628 + 466 bytes) and for any access token of the
/// default 1024-byte budget with claims of up to 512 bytes.
pub const SLOT_BYTES: usize = 1536;

/// Where a string of the stored claims lies in a slot's copy of them.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u16,
    len: u16,
}

impl Span {
    fn range(self) -> core::ops::Range<usize> {
        let start = usize::from(self.start);
        start..start + usize::from(self.len)
    }
}

/// The claims of a cached token, their strings as spans of the slot's bytes.
#[derive(Debug, Clone)]
enum Stored {
    Access(AccessClaims<Span>),
    Id(IdClaims<Span>),
}

/// What a token was verified as, besides its bytes and key: profile, kind and, for
/// `compact`, the registry its numbers were read with (by fingerprint, as tokens name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Context {
    /// 1: `jwt`, 2: `compact`; plus 2 for an ID token (0: an empty slot).
    tag: u8,
    registry: [u8; FINGERPRINT_LEN],
}

impl Context {
    const NONE: Context = Context {
        tag: 0,
        registry: [0; FINGERPRINT_LEN],
    };

    fn jwt(kind: Kind) -> Self {
        Context {
            tag: 1 + Self::kind_tag(kind),
            registry: [0; FINGERPRINT_LEN],
        }
    }

    fn compact(kind: Kind, registry: &Registry<'_>) -> Self {
        Context {
            tag: 2 + Self::kind_tag(kind),
            registry: registry.fingerprint(),
        }
    }

    fn kind_tag(kind: Kind) -> u8 {
        match kind {
            Kind::Access => 0,
            Kind::Id => 2,
        }
    }
}

/// One cache slot: a token that verified in full, the identity of the key it verified
/// under, what it was verified as, and its decoded claims (their strings copied into the
/// slot), so that a hit decodes nothing. `B` bytes hold the token and the claims' strings
/// ([`SLOT_BYTES`] by default); a token whose bytes and strings do not fit is verified in
/// full every time and never entered.
///
/// A slot holds a bearer token: its memory is as sensitive as the token itself. It is
/// zeroized when the token is replaced, on [`VerifiedCache::invalidate`] and on drop; its
/// `Debug` shows only lengths and `exp`. Slots are plain data otherwise: keep them in the
/// cache itself (`[Slot; N]`) or anywhere you like (a `static`, a `Vec`) and lend them with
/// [`VerifiedCache::with_slots`].
#[derive(Clone)]
pub struct Slot<const B: usize = SLOT_BYTES> {
    /// A verified token's `exp` is never 0 (it is after `iat`), so 0 marks an empty slot.
    exp: u64,
    key: KeyIdentity,
    context: Context,
    /// The length of the scratch buffer the full verification had: a hit needs as much,
    /// so that it never succeeds where the full verification would run out of room.
    scratch_len: usize,
    /// The algorithm of the key it verified under (its header's `alg`).
    alg: Algorithm,
    /// The header's `kid`, among the strings.
    kid: Option<Span>,
    token_len: u16,
    strings_len: u16,
    claims: Option<Stored>,
    /// The token, then the claims' strings and the header's `kid`.
    bytes: [u8; B],
}

impl Slot {
    /// An empty slot of [`SLOT_BYTES`] (`Slot::<B>::empty()` for another size).
    pub const EMPTY: Self = Self::empty();
}

impl<const B: usize> Slot<B> {
    /// An empty slot.
    pub const fn empty() -> Self {
        Slot {
            exp: 0,
            key: KeyIdentity([0; 33]),
            context: Context::NONE,
            scratch_len: 0,
            alg: Algorithm::EdDSA,
            kid: None,
            token_len: 0,
            strings_len: 0,
            claims: None,
            bytes: [0; B],
        }
    }

    /// Spans are 16-bit.
    const FITS: () = assert!(B <= u16::MAX as usize, "a slot holds at most 65535 bytes");

    fn is_empty(&self) -> bool {
        self.exp == 0
    }

    /// Whether this slot holds `token`, verified under `key` for `alg` as `context`, with a
    /// scratch buffer no larger than `scratch_len`. The token's bytes are compared without
    /// stopping at the first difference (a cached token is a secret).
    fn holds(
        &self,
        key: &KeyIdentity,
        alg: Algorithm,
        context: &Context,
        token: &[u8],
        scratch_len: usize,
    ) -> bool {
        !self.is_empty()
            && usize::from(self.token_len) == token.len()
            && self.key == *key
            && self.alg == alg
            && self.context == *context
            && scratch_len >= self.scratch_len.max(usize::from(self.strings_len))
            && self
                .bytes
                .get(..token.len())
                .is_some_and(|t| same(t, token))
    }

    /// Fills this slot with the entry's token (which verified in full) and `claims`, or
    /// leaves it empty when they do not fit. Not inlined: the header is read
    /// again here, for its `kid`, in a frame of its own.
    #[inline(never)]
    fn fill<'b, C: Cached<'b>>(&mut self, entry: Entry<'_>, claims: &C) {
        let Entry {
            key,
            alg,
            context,
            token,
            scratch_len,
        } = entry;
        let () = Self::FITS;
        self.clear();
        let mut header = [0u8; jws::HEADER_BUF_LEN];
        // It verified: its header reads.
        let Ok(header) = jws::untrusted_header(token, &mut header) else {
            return;
        };
        let Some((stored, kid, strings_len)) = self
            .bytes
            .get_mut(token.len()..)
            .and_then(|out| store(claims, header.kid, out))
        else {
            // Some strings may have been copied before the rest did not fit.
            self.bytes.zeroize();
            return;
        };
        self.bytes[..token.len()].copy_from_slice(token.as_bytes());
        self.exp = claims.expires_at();
        self.key = key;
        self.context = context;
        self.scratch_len = scratch_len;
        self.alg = alg;
        self.kid = kid;
        // Both fit in `B`, at most `u16::MAX` (`FITS`).
        self.token_len = token.len() as u16;
        self.strings_len = strings_len as u16;
        self.claims = Some(stored);
    }

    /// On a hit, the first phase's checks that depend on the call, in its order and with
    /// its errors (`signed_payload`): the size budget, the key's use, and the header's
    /// `kid` against the key's. The rest of the header and the signature's encoding and
    /// length are functions of the token's bytes, the algorithm, the kind and the profile,
    /// all equal to the call that verified it (matched on lookup).
    fn recheck<K: VerifyingKey + ?Sized>(
        &self,
        key: &K,
        limits: &Limits,
        kind: Kind,
    ) -> Result<()> {
        let token_len = usize::from(self.token_len);
        limits.check_size(token_len)?;
        if !key.key_use().allows(kind) {
            return Err(Error::KeyUseMismatch);
        }
        let theirs = self
            .kid
            .and_then(|span| self.bytes.get(token_len..)?.get(span.range()));
        if let (Some(theirs), Some(ours)) = (theirs, key.key_id())
            && theirs != ours.as_bytes()
        {
            return Err(Error::KeyIdMismatch);
        }
        Ok(())
    }

    /// Empties the slot, zeroizing the token and strings it held (only those bytes: an
    /// empty slot costs nothing to clear).
    fn clear(&mut self) {
        let used = usize::from(self.token_len) + usize::from(self.strings_len);
        if let Some(used) = self.bytes.get_mut(..used) {
            used.zeroize();
        }
        self.exp = 0;
        self.token_len = 0;
        self.strings_len = 0;
        self.claims = None;
    }

    /// The claims of a hit: the strings copied into the front of `scratch` (the caller
    /// checked it is long enough), the claims rebuilt over them.
    fn load<'b, C: Cached<'b>>(&self, scratch: &'b mut [u8], c: &mut C) -> Result<()> {
        let token_len = usize::from(self.token_len);
        let strings = self
            .bytes
            .get(token_len..token_len + usize::from(self.strings_len))
            .ok_or(Error::MalformedClaims)?;
        let out = scratch
            .get_mut(..strings.len())
            .ok_or(Error::BufferTooSmall {
                needed: strings.len(),
            })?;
        out.copy_from_slice(strings);
        let out: &'b [u8] = out;
        // Concatenated `str`s: valid UTF-8, every span on a character boundary.
        let text = core::str::from_utf8(out).map_err(|_| Error::MalformedClaims)?;
        let stored = self.claims.as_ref().ok_or(Error::MalformedClaims)?;
        *c = C::load(stored, |span| text.get(span.range())).ok_or(Error::MalformedClaims)?;
        Ok(())
    }
}

impl<const B: usize> Drop for Slot<B> {
    fn drop(&mut self) {
        self.clear();
    }
}

impl<const B: usize> core::fmt::Debug for Slot<B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slot")
            .field("exp", &self.exp)
            .field("token_len", &self.token_len)
            .field("strings_len", &self.strings_len)
            .finish_non_exhaustive()
    }
}

impl<const B: usize> Default for Slot<B> {
    fn default() -> Self {
        Slot::empty()
    }
}

/// On a hit, the slot's claims; on a miss, the payload decoded.
impl<'b, C: Cached<'b>, const B: usize> Source<'b, C> for Option<&Slot<B>> {
    fn signed_payload<'t, K: VerifyingKey + ?Sized>(
        &self,
        token: &'t str,
        key: &K,
        limits: &Limits,
        kind: Kind,
        scratch: &mut [u8],
        check_typ: impl crate::jws::HeaderRule,
    ) -> Result<&'t str> {
        match self {
            // The payload is not read on a hit.
            Some(slot) => slot.recheck(key, limits, kind).map(|()| ""),
            None => <Payload as Source<'b, C>>::signed_payload(
                &Payload, token, key, limits, kind, scratch, check_typ,
            ),
        }
    }

    fn read<T: Default>(
        self,
        payload: &str,
        scratch: &'b mut [u8],
        c: &mut C,
        decode: impl FnOnce(&str, &'b mut [u8], &mut C) -> Result<T>,
    ) -> Result<T> {
        match self {
            // Decoded and checked when the token was entered; nothing learned by reading.
            Some(slot) => slot.load(scratch, c).map(|()| T::default()),
            None => Payload.read(payload, scratch, c, decode),
        }
    }
}

/// The claims types a slot stores: their strings mapped to spans and back.
trait Cached<'b>: ClaimSet + Sized {
    fn store(&self, f: impl FnMut(&&'b str) -> Option<Span>) -> Option<Stored>;
    fn load(stored: &Stored, f: impl FnMut(&Span) -> Option<&'b str>) -> Option<Self>;
}

/// [`Cached`] for a claims type, stored as its own [`Stored`] variant.
macro_rules! cached {
    ($claims:ident, $variant:ident) => {
        impl<'b> Cached<'b> for $claims<&'b str> {
            fn store(&self, mut f: impl FnMut(&&'b str) -> Option<Span>) -> Option<Stored> {
                self.map_each(|s| f(s).ok_or(())).ok().map(Stored::$variant)
            }
            fn load(stored: &Stored, mut f: impl FnMut(&Span) -> Option<&'b str>) -> Option<Self> {
                match stored {
                    Stored::$variant(c) => c.map_each(|s| f(s).ok_or(())).ok(),
                    _ => None,
                }
            }
        }
    };
}

cached!(AccessClaims, Access);
cached!(IdClaims, Id);

/// Copies the strings of `claims`, then the header's `kid`, into `out` and maps them to
/// spans there: the longest claims string first (a `jwt` token's custom claims are its
/// whole claims text, which holds every other string that had no escape), then each
/// string it does not contain. Returns the stored claims, the `kid`'s span and the bytes
/// used, or `None` when they do not fit.
fn store<'b, C: Cached<'b>>(
    claims: &C,
    kid: Option<&str>,
    out: &mut [u8],
) -> Option<(Stored, Option<Span>, usize)> {
    let mut longest: &'b str = "";
    claims.store(|s| {
        if s.len() > longest.len() {
            longest = s;
        }
        Some(Span::default())
    })?;
    let mut used = 0;
    let mut copy = |s: &str| {
        let span = Span {
            start: u16::try_from(used).ok()?,
            len: u16::try_from(s.len()).ok()?,
        };
        out.get_mut(used..used + s.len())?
            .copy_from_slice(s.as_bytes());
        used += s.len();
        Some(span)
    };
    let base = copy(longest)?;
    let base_at = longest.as_ptr() as usize;
    let stored = claims.store(|s| {
        // Addresses compared, never dereferenced: a string lying within `longest` is
        // those very bytes, already copied.
        let at = (s.as_ptr() as usize).wrapping_sub(base_at);
        if at <= longest.len() && s.len() <= longest.len() - at {
            Some(Span {
                start: base.start + u16::try_from(at).ok()?,
                len: u16::try_from(s.len()).ok()?,
            })
        } else {
            copy(s)
        }
    })?;
    let kid = match kid {
        Some(kid) => Some(copy(kid)?),
        None => None,
    };
    Some((stored, kid, used))
}

/// A fixed-size cache of verified tokens: each slot holds a token that verified in full,
/// the identity of the key it verified under and its decoded claims. Opt-in, no heap,
/// `&mut self` (see below for threads).
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
/// // 16 slots in the value itself; `VerifiedCache::with_slots(&mut slots[..])` borrows
/// // caller-provided ones instead (a `Vec<Slot>` for many).
/// let mut cache = VerifiedCache::<[Slot; 16]>::new();
/// let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
/// let verifier = key.verifying_key();
/// let mut scratch = [0u8; 1024];
/// // A miss: verified in full, then entered.
/// let claims = cache.verify_jwt_access(token, &verifier, &policy, now, &mut scratch)?;
/// assert_eq!(claims.sub, "user-8f14e45f");
/// drop(claims); // the claims borrow `scratch`
/// // A hit: no signature check and no decoding; header and policy checked again.
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
/// The signature computation, the header's and the payload's base64url and parsing, and
/// the claims decoding: the slot holds the claims that decoding gave when this very token
/// verified in full, under a key with this very identity and algorithm, as the same
/// profile and kind (and for `compact` with a registry of the same fingerprint), and the
/// header's `kid`. Everything that depends on the call is checked again, in the same order
/// and with the same errors as on a miss: the size budget, the key's use, the key's `kid`
/// against the header's, then the whole policy — lifetime limit, issuer, audience,
/// scopes, required claims, nonce, `at_hash`/`c_hash`, and `exp`/`nbf`/`iat` against the
/// `now` of this call. A hit therefore returns exactly what a full verification would:
/// the same claims, or the same error (an expired token is
/// [`Error::Expired`](crate::Error::Expired) on the hit, a key named otherwise
/// [`Error::KeyIdMismatch`](crate::Error::KeyIdMismatch)). The `verified_cache` fuzz
/// target holds every call to that, against the uncached verifier.
///
/// # What it assumes
///
/// - Nothing of a hash function: a slot matches only a token of the very same bytes,
///   compared in full (without stopping at the first differing byte), under a key with
///   the very same [`KeyIdentity`]. A token cached under one key is never a hit under
///   another key; a tampered token (one byte changed) is a miss and is verified in full.
/// - Signature verification and claims decoding are functions of the token, the key and
///   (for `compact`) the registry (true here). ECDSA signatures are malleable: the other
///   form of a cached ES256 signature is a different token, a miss, verified in full.
/// - The key's [`CacheableKey::identity`] is faithful (true of this crate's keys), and a
///   registry's fingerprint names its values (as tokens already assume).
/// - Nothing else writes the slots (they are plain memory of your process).
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
/// A key's identity is in every slot: a cached token is a hit only when a key with the
/// same algorithm and public bytes verifies it again. A key-set change therefore needs no
/// invalidation to stay correct — forgetting it cannot make another key accept a token.
/// Call [`invalidate`](VerifiedCache::invalidate) on every key-set change anyway: it frees
/// at once (and zeroizes) the slots of tokens signed by retired keys.
///
/// # Slots and replacement
///
/// A token's last 16 bytes (its signature's) pick a run of [`CACHE_WAYS`] neighbouring
/// slots (fewer when there are fewer slots); a lookup compares those slots only. A new
/// token replaces, among them, the slot whose token expires first — an empty slot first
/// (its `exp` is 0), then expired tokens, then the one with the least time to live. Zero
/// slots is valid: nothing is cached, and every call is a full verification.
///
/// A slot is [`SLOT_BYTES`] plus about 400 bytes (1,920 on x86-64), so keep more than a few
/// off the stack: in a `static`, a `Box`, or a `Vec<Slot>` lent with
/// [`with_slots`](VerifiedCache::with_slots). `Slot<B>` holds `B` bytes of token and strings
/// instead (with `VerifiedCache<S, B>`): a verifier of small `compact` tokens can use
/// `Slot<512>`; a token that does not fit is verified in full every time, never entered.
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
/// A hit costs the key's identity (free for an Ed25519 or P-256 key, one SHA-256 over the
/// key for HS256 and RSA, unless the key is wrapped once in an [`IdentifiedKey`]), a
/// comparison of the token with at most [`CACHE_WAYS`] slots, a
/// copy of the claims' strings into `scratch` and the policy: about 4,100–4,600
/// instructions and 0.2–0.5 µs for the sample access token (`benches/REPORT.md`), against
/// 60 µs for an EdDSA verify. A miss adds to a full verification reading the header again
/// for its `kid` and copying the token and its claims' strings into a slot.
#[derive(Debug, Clone)]
pub struct VerifiedCache<S, const B: usize = SLOT_BYTES> {
    slots: S,
}

impl<const N: usize, const B: usize> VerifiedCache<[Slot<B>; N], B> {
    /// A cache of `N` empty slots held in the value itself (`N` = 0: no caching).
    pub const fn new() -> Self {
        Self {
            slots: [const { Slot::empty() }; N],
        }
    }
}

impl<const N: usize, const B: usize> Default for VerifiedCache<[Slot<B>; N], B> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: AsRef<[Slot<B>]> + AsMut<[Slot<B>]>, const B: usize> VerifiedCache<S, B> {
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

    /// Empties (and zeroizes) every slot: the next call for any token verifies it in
    /// full. Call it on every key-set change (see
    /// [Key-set changes](VerifiedCache#key-set-changes)).
    pub fn invalidate(&mut self) {
        self.slots.as_mut().iter_mut().for_each(Slot::clear);
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
        let context = Context::jwt(Kind::Access);
        self.run(
            token,
            key,
            &policy.limits,
            context,
            scratch,
            |scratch, hit| jwt::verify_access_from(token, key, policy, now, scratch, hit),
        )
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
        let context = Context::jwt(Kind::Id);
        self.run(
            token,
            key,
            &policy.limits,
            context,
            scratch,
            |scratch, hit| jwt::verify_id_from(token, key, policy, now, scratch, hit),
        )
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
        let context = Context::compact(Kind::Access, registry);
        self.run(
            token,
            key,
            &policy.limits,
            context,
            scratch,
            |scratch, hit| {
                compact::verify_access_from(token, key, policy, registry, now, scratch, hit)
            },
        )
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
        let context = Context::compact(Kind::Id, registry);
        self.run(
            token,
            key,
            &policy.limits,
            context,
            scratch,
            |scratch, hit| compact::verify_id_from(token, key, policy, registry, now, scratch, hit),
        )
    }

    /// The one path of every kind and profile: look up; on a hit, verify with the
    /// signature skipped and the claims loaded from the slot; on a miss, verify in full,
    /// then enter a token that verified.
    fn run<'b, C: Cached<'b>, K: CacheableKey + ?Sized>(
        &mut self,
        token: &str,
        key: &K,
        limits: &Limits,
        context: Context,
        scratch: &'b mut [u8],
        verify: impl FnOnce(&'b mut [u8], Option<&Slot<B>>) -> Result<C>,
    ) -> Result<C> {
        let slots = self.slots.as_mut();
        let scratch_len = scratch.len();
        // Over budget: refused by the verifier before any work, so never looked up here.
        if slots.is_empty() || limits.check_size(token.len()).is_err() || token.len() > B {
            return verify(scratch, None);
        }
        let (identity, alg) = (key.identity(), key.algorithm());
        let set = Set::of(token.as_bytes(), slots.len());
        let found = set.find(
            slots,
            &identity,
            alg,
            &context,
            token.as_bytes(),
            scratch_len,
        );
        if found.is_some() {
            return verify(scratch, found);
        }
        // Returned as it came (no copy of the claims in this frame, for the stack).
        let verified = verify(scratch, None);
        if let Ok(claims) = &verified {
            let entry = Entry {
                key: identity,
                alg,
                context,
                token,
                scratch_len,
            };
            set.enter(slots, entry, claims);
        }
        verified
    }
}

/// What a slot records of a verification besides the claims.
struct Entry<'t> {
    key: KeyIdentity,
    alg: Algorithm,
    context: Context,
    token: &'t str,
    scratch_len: usize,
}

/// The run of slots a token may occupy: `ways` slots from `start`, wrapping.
struct Set {
    start: usize,
    ways: usize,
    len: usize,
}

impl Set {
    /// `len` is not zero. The start is FNV-1a over the token's length and its last 16
    /// bytes: a signature's characters, which differ from token to token. Whoever chooses
    /// them chooses only where the token would go; only tokens that verified are entered.
    fn of(token: &[u8], len: usize) -> Self {
        let tail = &token[token.len().saturating_sub(16)..];
        let hash = tail
            .iter()
            .fold(0xcbf2_9ce4_8422_2325 ^ token.len() as u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        // The remainder is below `len`, so it fits in a usize.
        let start = (hash % len as u64) as usize;
        Set {
            start,
            ways: CACHE_WAYS.min(len),
            len,
        }
    }

    fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.ways).map(|w| (self.start + w) % self.len)
    }

    fn find<'s, const B: usize>(
        &self,
        slots: &'s [Slot<B>],
        key: &KeyIdentity,
        alg: Algorithm,
        context: &Context,
        token: &[u8],
        scratch_len: usize,
    ) -> Option<&'s Slot<B>> {
        self.indices()
            .filter_map(|i| slots.get(i))
            .find(|s| s.holds(key, alg, context, token, scratch_len))
    }

    /// Replaces the slot whose token expires first (an empty one has `exp` 0).
    fn enter<'b, C: Cached<'b>, const B: usize>(
        &self,
        slots: &mut [Slot<B>],
        entry: Entry<'_>,
        claims: &C,
    ) {
        let victim = self
            .indices()
            .min_by_key(|&i| slots.get(i).map_or(u64::MAX, |s| s.exp));
        if let Some(slot) = victim.and_then(|i| slots.get_mut(i)) {
            slot.fill(entry, claims);
        }
    }
}

/// Compares two byte strings of equal length without stopping at the first difference:
/// eight bytes at a time, the differences accumulated, the total kept opaque to the
/// optimizer.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a8, a1) = a.as_chunks::<8>();
    let (b8, b1) = b.as_chunks::<8>();
    let words = a8.iter().zip(b8).fold(0u64, |acc, (x, y)| {
        acc | (u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y))
    });
    let bytes = a1.iter().zip(b1).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(words | u64::from(bytes)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::KeyUse;

    fn claims(exp: u64) -> AccessClaims<&'static str> {
        AccessClaims::new("iss", "sub", "aud", "client", exp / 2, exp, "jti")
    }

    fn id(n: u8) -> KeyIdentity {
        KeyIdentity::tagged(TAG_ED25519, [n; 32])
    }

    const CONTEXT: Context = Context {
        tag: 1,
        registry: [0; FINGERPRINT_LEN],
    };

    /// A token with the header `{"alg":"EdDSA"}` (or with `kid`) around `body`.
    fn tok(body: &str) -> std::string::String {
        std::format!("eyJhbGciOiJFZERTQSJ9.{body}.c2ln")
    }

    fn entry(token: &str, scratch_len: usize) -> Entry<'_> {
        Entry {
            key: id(1),
            alg: Algorithm::EdDSA,
            context: CONTEXT,
            token,
            scratch_len,
        }
    }

    fn holds(slots: &[Slot<256>], set: &Set, token: &str) -> bool {
        set.find(
            slots,
            &id(1),
            Algorithm::EdDSA,
            &CONTEXT,
            token.as_bytes(),
            1024,
        )
        .is_some()
    }

    #[test]
    fn replaces_the_slot_that_expires_first() {
        let mut slots = [const { Slot::<256>::empty() }; 8];
        let set = Set {
            start: 0,
            ways: CACHE_WAYS,
            len: 8,
        };
        let t = ["t1", "t2", "t3", "t4", "t5"].map(tok);
        for (token, exp) in t.iter().zip([500, 300, 900, 700]) {
            set.enter(&mut slots, entry(token, 1024), &claims(exp));
        }
        assert!(t[..4].iter().all(|t| holds(&slots, &set, t)));
        set.enter(&mut slots, entry(&t[4], 1024), &claims(800));
        assert!(!holds(&slots, &set, &t[1]), "the token expiring first goes");
        assert!([0, 2, 3, 4].iter().all(|&i| holds(&slots, &set, &t[i])));
        assert!(slots[CACHE_WAYS..].iter().all(Slot::is_empty));
    }

    #[test]
    fn a_run_wraps_and_fewer_slots_than_ways_work() {
        let set = Set {
            start: 6,
            ways: CACHE_WAYS,
            len: 7,
        };
        assert_eq!(set.indices().collect::<std::vec::Vec<_>>(), [6, 0, 1, 2]);
        let token = tok("any token at all");
        let set = Set::of(token.as_bytes(), 2);
        assert_eq!(set.indices().count(), 2);
        let mut slots = [const { Slot::<256>::empty() }; 2];
        set.enter(&mut slots, entry(&token, 1024), &claims(10));
        assert!(holds(&slots, &set, &token));
    }

    #[test]
    fn a_slot_matches_only_its_token_key_algorithm_context_and_room() {
        let mut slots = [const { Slot::<256>::empty() }; 1];
        let token = tok("token");
        let set = Set::of(token.as_bytes(), 1);
        set.enter(&mut slots, entry(&token, 600), &claims(10));
        let find = |token: &str, key: u8, alg: Algorithm, context: Context, room: usize| {
            set.find(&slots, &id(key), alg, &context, token.as_bytes(), room)
                .is_some()
        };
        let ed = Algorithm::EdDSA;
        assert!(find(&token, 1, ed, CONTEXT, 600));
        assert!(find(&token, 1, ed, CONTEXT, 4096));
        assert!(!find(&tok("tokeN"), 1, ed, CONTEXT, 600));
        assert!(!find(&tok("token!"), 1, ed, CONTEXT, 600));
        assert!(!find(&tok("toke"), 1, ed, CONTEXT, 600));
        assert!(!find(&token, 2, ed, CONTEXT, 600));
        assert!(!find(&token, 1, Algorithm::ES256, CONTEXT, 600));
        assert!(!find(&token, 1, ed, Context::jwt(Kind::Id), 600));
        let registry = ["a"];
        let registry = Registry::new(&registry).unwrap();
        assert_ne!(
            Context::compact(Kind::Access, &registry),
            Context::compact(Kind::Access, &Registry::EMPTY)
        );
        assert!(
            !find(&token, 1, ed, CONTEXT, 599),
            "less scratch than the full verify had"
        );
    }

    #[test]
    fn a_hit_rechecks_budget_use_and_kid_in_the_verifier_order() {
        // {"alg":"EdDSA","kid":"k1"}
        let token = "eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.dG9rZW4.c2ln";
        let mut slot = Slot::<256>::empty();
        slot.fill(entry(token, 1024), &claims(10));
        assert!(!slot.is_empty());
        let key = |use_, kid: Option<&str>| {
            let k = Hs256Key::from_secret(&[1; 32], use_).unwrap();
            match kid {
                Some(kid) => k.with_kid(kid).unwrap(),
                None => k,
            }
        };
        let check = |k: &Hs256Key, max_bytes| {
            let limits = Limits {
                max_bytes,
                max_lifetime: 600,
            };
            slot.recheck(k, &limits, Kind::Access)
        };
        let access = KeyUse::Access;
        assert_eq!(check(&key(access, Some("k1")), 1024), Ok(()));
        assert_eq!(check(&key(access, None), 1024), Ok(()));
        assert_eq!(
            check(&key(access, Some("k2")), 1024),
            Err(Error::KeyIdMismatch)
        );
        assert_eq!(
            check(&key(KeyUse::Id, Some("k2")), 1024),
            Err(Error::KeyUseMismatch)
        );
        assert_eq!(
            check(&key(KeyUse::Id, Some("k2")), 10),
            Err(Error::OverBudget)
        );
    }

    #[test]
    fn stored_claims_come_back_equal_and_jwt_strings_share_the_text() {
        // As a `jwt` verify leaves them: every string within the claims text.
        let text = r#"{"iss":"https://a","sub":"s","aud":"b","client_id":"c","iat":1,"exp":100,"jti":"j","x":1}"#;
        let at = |v: &str| {
            let i = text.find(&std::format!("\"{v}\"")).unwrap() + 1;
            &text[i..i + v.len()]
        };
        let mut c = AccessClaims::new(at("https://a"), at("s"), at("b"), at("c"), 1, 100, at("j"));
        c.extra = crate::claims::Extras::of_claims(text, Kind::Access);
        let token = tok("tok");
        let mut slot = Slot::<256>::empty();
        slot.fill(entry(&token, 1024), &c);
        assert_eq!(
            usize::from(slot.strings_len),
            text.len(),
            "no string copied twice"
        );
        let mut scratch = [0u8; 256];
        let mut loaded: AccessClaims<&str> = crate::claims::InPlace::empty();
        slot.load(&mut scratch, &mut loaded).unwrap();
        assert_eq!(loaded, c);
        // Strings from elsewhere (a registry, unescaped ones) are copied one by one.
        let own = claims(100);
        slot.fill(entry(&token, 1024), &own);
        assert_eq!(usize::from(slot.strings_len), "isssubaudclientjti".len());
        let mut scratch = [0u8; 256];
        let mut loaded: AccessClaims<&str> = crate::claims::InPlace::empty();
        slot.load(&mut scratch, &mut loaded).unwrap();
        assert_eq!(loaded, own);
    }

    #[test]
    fn what_does_not_fit_is_not_entered_and_a_cleared_slot_is_zeroized() {
        let token = tok("x"); // 27 bytes
        let mut slot = Slot::<40>::empty();
        slot.fill(entry(&token, 1024), &claims(10));
        assert!(slot.is_empty(), "27 + 18 bytes in 40");
        assert!(slot.bytes.iter().all(|&b| b == 0), "nothing left behind");
        let mut slot = Slot::<64>::empty();
        slot.fill(entry(&token, 1024), &claims(10));
        assert!(!slot.is_empty());
        assert_eq!(&slot.bytes[..token.len()], token.as_bytes());
        slot.clear();
        assert!(slot.is_empty() && slot.bytes.iter().all(|&b| b == 0));
    }

    #[test]
    fn same_agrees_with_equality() {
        let a: std::vec::Vec<u8> = (0..100u8).collect();
        for len in 0..a.len() {
            assert!(same(&a[..len], &a[..len]));
            for i in 0..len {
                let mut b = a[..len].to_vec();
                b[i] ^= 0x40;
                assert!(!same(&a[..len], &b), "{len} {i}");
            }
        }
        assert!(!same(b"ab", b"abc"));
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
