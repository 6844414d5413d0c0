//! The `compact` profile: the smallest JWS header (`{"alg":"EdDSA"}`, plus `kid` when the
//! key has one) and binary claims. Any JWS implementation checks the signature; only this
//! crate reads the claims. `FORMAT.md` specifies every byte.
//!
//! The payload is a tag byte (format, version, kind), presence flags, the registry
//! fingerprint when registered numbers are used, then the claims as postcard varints and
//! strings in the shortest of four forms (text, packed hex, packed base64url, registered
//! number). Times are varints relative to `iat`; scopes a list. Every valid claim set
//! round-trips exactly.
//!
//! Validation is the `jwt` profile's: the same policies, budgets, lifetime limits and
//! errors, plus [`Error::UnsupportedVersion`], [`Error::TrailingBytes`],
//! [`Error::RegistryMismatch`] and [`Error::UnregisteredValue`].
//!
//! ```
//! use compact_token::{compact, AccessClaims, AccessPolicy, Ed25519SigningKey, KeyUse, Limits, Registry};
//!
//! let key = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
//! let registry = Registry::new(&["https://auth.example.com", "https://api.example.com"])?;
//! let now = 1_764_000_000;
//! let claims = AccessClaims::new(
//!     "https://auth.example.com", "user-8f14e45f", "https://api.example.com",
//!     "s6BhdRkqt3", now, now + 300, "b1c2d3e4f5a6b7c8",
//! );
//! let mut buf = [0u8; 512];
//! let token = compact::issue_access(&claims, &key, &Limits::ACCESS, &registry, &mut buf)?;
//!
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
//! let mut scratch = [0u8; 512];
//! let verified =
//!     compact::verify_access(token, &key.verifying_key(), &policy, &registry, now, &mut scratch)?;
//! assert_eq!(verified, claims);
//! # Ok::<(), compact_token::Error>(())
//! ```

pub(crate) mod wire;

use crate::alg::{SigningKey, VerifyingKey};
use crate::b64;
use crate::budget::Limits;
use crate::claims::{AccessClaims, ClaimSet, IdClaims, InPlace, read_in_place};
use crate::error::{Error, Result};
use crate::jws;
use crate::kind::Kind;
use crate::registry::{FINGERPRINT_LEN, Registry};
use crate::validate::{AccessPolicy, IdPolicy};

use wire::{Dec, Enc};

/// The format version this library writes and the only one it reads. Version 1 (a 4-byte
/// registry fingerprint, collidable in under a second) is refused with
/// [`Error::UnsupportedVersion`].
pub const VERSION: u8 = 2;
/// The tag byte of version-2 access tokens: `0b10_0010_00`.
pub const ACCESS_TAG: u8 = tag(Kind::Access);
/// The tag byte of version-2 ID tokens: `0b10_0010_01`.
pub const ID_TAG: u8 = tag(Kind::Id);

/// `10` (the format: never ASCII, so never JSON's `{`), 4 bits of version, 2 of kind.
const fn tag(kind: Kind) -> u8 {
    0x80 | VERSION << 2
        | match kind {
            Kind::Access => 0,
            Kind::Id => 1,
        }
}

/// Issues an access token into `out`, returning it. Values in `registry` are carried as
/// their numbers ([`Registry::EMPTY`] to carry every string in full).
///
/// Errors: [`Error::KeyUseMismatch`], [`Error::LifetimeTooLong`], [`Error::InvalidDate`],
/// [`Error::OverBudget`], or [`Error::BufferTooSmall`] with the exact length needed;
/// [`Error::InvalidKey`] for a key whose id JSON must escape (a quote, a backslash, a
/// control character): this profile's header carries the id as it is (FORMAT.md).
pub fn issue_access<'o, S: AsRef<str>, K: SigningKey + ?Sized>(
    claims: &AccessClaims<S>,
    key: &K,
    limits: &Limits,
    registry: &Registry<'_>,
    out: &'o mut [u8],
) -> Result<&'o str> {
    issue(claims, key, limits, registry, out)
}

/// Issues an ID token into `out`, returning it. Errors as for [`issue_access`].
pub fn issue_id<'o, S: AsRef<str>, K: SigningKey + ?Sized>(
    claims: &IdClaims<S>,
    key: &K,
    limits: &Limits,
    registry: &Registry<'_>,
    out: &'o mut [u8],
) -> Result<&'o str> {
    issue(claims, key, limits, registry, out)
}

/// Both kinds' issuing: the header without `typ`, the key id as it is.
fn issue<'o, C: Encode, K: SigningKey + ?Sized>(
    claims: &C,
    key: &K,
    limits: &Limits,
    registry: &Registry<'_>,
    out: &'o mut [u8],
) -> Result<&'o str> {
    if !key.key_id().is_none_or(crate::header::is_plain_kid) {
        return Err(Error::InvalidKey);
    }
    super::issue(claims, key, limits, None, out, |c, dst| {
        write(c, registry, dst)
    })
}

/// Verifies an access token at time `now` (Unix seconds) against `policy`, reading
/// registered numbers from `registry` (which must be the issuer's).
///
/// The claims borrow from `scratch` (and from `registry`). `scratch` holds the decoded
/// payload and the expanded strings: `3 × token.len()` always suffices when no scope is a
/// registered value; [`Error::BufferTooSmall`] says how much is needed otherwise.
pub fn verify_access<'b, 'r: 'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &AccessPolicy<'_>,
    registry: &Registry<'r>,
    now: u64,
    scratch: &'b mut [u8],
) -> Result<AccessClaims<&'b str>> {
    verify_access_from(token, key, policy, registry, now, scratch, super::Payload)
}

/// Verifies an ID token at time `now` (Unix seconds) against `policy` (issuer, client,
/// nonce and `at_hash` when the policy names them). `registry` and `scratch` as for
/// [`verify_access`].
pub fn verify_id<'b, 'r: 'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &IdPolicy<'_>,
    registry: &Registry<'r>,
    now: u64,
    scratch: &'b mut [u8],
) -> Result<IdClaims<&'b str>> {
    verify_id_from(token, key, policy, registry, now, scratch, super::Payload)
}

/// [`verify_access`] with the claims from `source`: the payload ([`super::Payload`]),
/// or on a verified-token cache hit the claims the cache holds.
#[inline]
pub(crate) fn verify_access_from<'b, 'r: 'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &AccessPolicy<'_>,
    registry: &Registry<'r>,
    now: u64,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, AccessClaims<&'b str>>,
) -> Result<AccessClaims<&'b str>> {
    verify_claims(token, key, &policy.limits, registry, scratch, source, |c| {
        policy.check(c, now, None)
    })
}

/// [`verify_id`] with the claims from `source`, as for [`verify_access_from`].
#[inline]
pub(crate) fn verify_id_from<'b, 'r: 'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &IdPolicy<'_>,
    registry: &Registry<'r>,
    now: u64,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, IdClaims<&'b str>>,
) -> Result<IdClaims<&'b str>> {
    verify_claims(token, key, &policy.limits, registry, scratch, source, |c| {
        policy.check(c, key.algorithm(), now, None)
    })
}

/// The shared pipeline for claims of `C`'s kind, with the caller's `policy`.
#[inline]
fn verify_claims<'b, C: Decode<'b>, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    limits: &Limits,
    registry: &Registry<'b>,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, C>,
    policy: impl FnOnce(&C) -> Result<()>,
) -> Result<C> {
    super::verify(
        token,
        key,
        limits,
        scratch,
        source,
        jws::Compact(|payload: &str| check_tag(C::KIND, first_byte(payload)?)),
        |payload, scratch, c| {
            read_into(payload, registry, scratch, c)?;
            // The decoder refused U+0000 where a string can hold it (text form; hex and
            // base64url cannot, nor can a `Registry`'s values).
            c.check_read_values()
        },
        |c, ()| policy(c),
    )
}

/// A compact token's claims as [`decode_unverified`] read them: **NOT VERIFIED**. Anyone can
/// write a token that decodes to any claims; nothing here may be trusted or acted on.
// No heap in this crate, so no box for the larger kind: one value per decode, on the stack.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unverified<'b> {
    /// The claims of a token whose tag says it is an access token. **Not verified.**
    Access(AccessClaims<&'b str>),
    /// The claims of a token whose tag says it is an ID token. **Not verified.**
    Id(IdClaims<&'b str>),
}

impl Unverified<'_> {
    /// The kind the token's (unverified) tag byte names.
    pub fn kind(&self) -> Kind {
        match self {
            Unverified::Access(_) => Kind::Access,
            Unverified::Id(_) => Kind::Id,
        }
    }
}

/// Reads a compact token's claims **WITHOUT VERIFYING ANYTHING**: no signature, no key, no
/// issuer, audience, time or lifetime check. For inspecting a token (`ctok decode`,
/// debugging, logs) — **never for deciding anything**: anyone can forge a token that decodes
/// to any claims, and a token whose signature was tampered with decodes exactly as before.
/// To accept a token, use [`verify_access`] or [`verify_id`].
///
/// What it does check is what the verifier checks before and after the signature, with the
/// same errors, in the same order: the size budget first ([`Error::OverBudget`], before any
/// other work), the JWS shape ([`Error::Malformed`]), the header (a parameter this crate
/// refuses is refused here too, though its `alg` is not compared with any key), the tag
/// byte ([`Error::WrongProfile`], [`Error::UnsupportedVersion`], [`Error::WrongKind`] for
/// a kind no token has), no `typ` ([`Error::WrongType`]), a base64url signature segment
/// ([`Error::Base64`]; its length is not checked), and the payload, read by the verifier's
/// own decoder ([`Error::MalformedClaims`], [`Error::TrailingBytes`],
/// [`Error::RegistryMismatch`] when the token was issued with registered values and
/// `registry` is another, ...). The kind comes from the token's tag byte.
///
/// `registry` and `scratch` as for [`verify_access`] ([`Error::BufferTooSmall`] says how
/// much scratch is needed).
///
/// ```
/// use compact_token::{compact, AccessClaims, Ed25519SigningKey, KeyUse, Kind, Limits, Registry};
///
/// let key = Ed25519SigningKey::from_seed(&[7; 32], KeyUse::Access);
/// let claims = AccessClaims::new("https://auth.example.com", "user-8f14e45f",
///     "https://api.example.com", "s6BhdRkqt3", 1_764_000_000, 1_764_000_300, "b1c2d3e4");
/// let mut buf = [0u8; 512];
/// let token = compact::issue_access(&claims, &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf)?;
///
/// let mut scratch = [0u8; 1024];
/// // NOT VERIFIED: no key was even given.
/// let seen = compact::decode_unverified(token, &Limits::ACCESS, &Registry::EMPTY, &mut scratch)?;
/// assert_eq!(seen.kind(), Kind::Access);
/// assert_eq!(seen, compact::Unverified::Access(claims));
/// # Ok::<(), compact_token::Error>(())
/// ```
pub fn decode_unverified<'b, 'r: 'b>(
    token: &str,
    limits: &Limits,
    registry: &Registry<'r>,
    scratch: &'b mut [u8],
) -> Result<Unverified<'b>> {
    limits.check_size(token.len())?;
    let parts = jws::split(token)?;
    // The kind is the tag's: bits `00` access, anything else ID (so that `check_tag` names
    // the two kinds no token has `WrongKind`, as the verifier does).
    let kind = match first_byte(parts.payload)? & 0x03 {
        0 => Kind::Access,
        _ => Kind::Id,
    };
    // The header as the verifier reads it, but for any algorithm and key id.
    let mut tag = || check_tag(kind, first_byte(parts.payload)?);
    jws::check_compact_header(parts.header, None, None, &mut tag)?;
    if !parts.signature.bytes().all(b64::is_alphabet) {
        return Err(Error::Base64);
    }
    let claims = match kind {
        Kind::Access => Unverified::Access(read(parts.payload, registry, scratch)?),
        Kind::Id => Unverified::Id(read(parts.payload, registry, scratch)?),
    };
    match &claims {
        Unverified::Access(c) => c.check_read_values()?,
        Unverified::Id(c) => c.check_read_values()?,
    }
    Ok(claims)
}

/// Checks a tag byte: the format ([`Error::WrongProfile`]: a JSON payload starts `{`),
/// the version ([`Error::UnsupportedVersion`]) and the kind ([`Error::WrongKind`], also
/// for the two kind values no token of this version has).
fn check_tag(kind: Kind, tag_byte: u8) -> Result<()> {
    if tag_byte & 0xC0 != 0x80 {
        return Err(Error::WrongProfile);
    }
    if (tag_byte >> 2) & 0x0F != VERSION {
        return Err(Error::UnsupportedVersion);
    }
    if tag_byte != tag(kind) {
        return Err(Error::WrongKind);
    }
    Ok(())
}

/// The payload segment's first byte (the tag), decoded from its first four characters.
fn first_byte(payload: &str) -> Result<u8> {
    // Four characters decode to three bytes with no canonical-length question.
    let head = match payload.get(..4) {
        Some(head) => head,
        None if payload.len() < 4 => payload,
        None => return Err(Error::Base64),
    };
    let mut first = [0u8; 3];
    let first = b64::decode(head, &mut first)?;
    first.first().copied().ok_or(Error::MalformedClaims)
}

/// Claims the compact profile writes: the kind's fields in wire order.
trait Encode: ClaimSet {
    fn encode(&self, e: &mut Enc<'_, '_>);
}

/// Claims the compact profile reads, borrowing from the payload, scratch and registry.
trait Decode<'b>: ClaimSet + InPlace {
    /// Reads the claims into `self`, which starts [`InPlace::empty`].
    fn decode(&mut self, d: &mut Dec<'b, '_>) -> Result<()>;
}

/// Room for the tag, the flags (a varint of at most ten bytes) and the fingerprint.
const HEAD_ROOM: usize = 1 + 10 + FINGERPRINT_LEN;

/// Tag, flags, fingerprint and claims. The flags (which optional claims are present, and
/// whether a registered number was used) are known once the claims are written: so the
/// claims are written first, behind room for the head, and the head then in front of them.
fn write<C: Encode>(claims: &C, registry: &Registry<'_>, out: &mut [u8]) -> Result<usize> {
    let mut e = Enc::new(out.get_mut(HEAD_ROOM..).unwrap_or_default(), registry);
    claims.encode(&mut e);
    let (flags, body) = (e.flags(), e.len());
    #[cfg(not(feature = "compact-custom-claims"))]
    if flags & custom_claims_flag(C::KIND) != 0 {
        return Err(Error::CustomClaimsDisabled);
    }
    let mut head = [0u8; HEAD_ROOM];
    let mut h = Enc::new(&mut head, registry);
    h.bytes(&[tag(C::KIND)]);
    h.varint(flags);
    if flags & 1 == 1 {
        h.bytes(&registry.fingerprint());
    }
    let head_len = h.len();
    let head = &head[..head_len];
    if HEAD_ROOM + body <= out.len() {
        out.copy_within(HEAD_ROOM..HEAD_ROOM + body, head.len());
        out[..head.len()].copy_from_slice(head);
    } else {
        // The claims did not all fit behind the room, though they may behind the head
        // itself: written again, straight after it (or counted, if they do not fit).
        let mut e = Enc::new(out, registry);
        e.bytes(head);
        claims.encode(&mut e);
    }
    Ok(head.len() + body)
}

/// The flag bit of a kind's custom claims (`FORMAT.md`: access bit 6, ID bit 29).
#[cfg(not(feature = "compact-custom-claims"))]
const fn custom_claims_flag(kind: Kind) -> u64 {
    match kind {
        Kind::Access => 1 << 6,
        Kind::Id => 1 << 29,
    }
}

/// [`read_into`] new claims.
fn read<'b, C: Decode<'b>>(
    payload: &str,
    registry: &Registry<'b>,
    scratch: &'b mut [u8],
) -> Result<C> {
    read_in_place(|c| read_into(payload, registry, scratch, c))
}

/// Decodes the payload into the front of `scratch` and the claims from it into `c` (which
/// starts [`InPlace::empty`]); packed strings are expanded into the rest of `scratch`.
fn read_into<'b, C: Decode<'b>>(
    payload: &str,
    registry: &Registry<'b>,
    scratch: &'b mut [u8],
    c: &mut C,
) -> Result<()> {
    let n = b64::decoded_len(payload.len())?;
    if scratch.len() < n {
        return Err(Error::BufferTooSmall { needed: 3 * n });
    }
    let (bytes, rest) = scratch.split_at_mut(n);
    b64::decode(payload, bytes)?;
    let bytes: &'b [u8] = bytes;
    let (&tag_byte, body) = bytes.split_first().ok_or(Error::MalformedClaims)?;
    check_tag(C::KIND, tag_byte)?;
    let mut d = Dec::new(body, rest, registry);
    d.start()?;
    c.decode(&mut d)?;
    d.finish(n)
}

/// Writes `iat`, then `exp - iat` (positive: the lifetime check ran before).
fn write_times(e: &mut Enc<'_, '_>, iat: u64, exp: u64) {
    e.varint(iat);
    e.varint(exp.saturating_sub(iat));
}

fn read_times(d: &mut Dec<'_, '_>) -> Result<(u64, u64)> {
    let iat = d.varint()?;
    let exp = iat.checked_add(d.varint()?).ok_or(Error::InvalidDate)?;
    Ok((iat, exp))
}

/// One optional field, written: its flag, then its body when present.
macro_rules! enc_field {
    ($e:ident, $c:ident, str, $f:ident) => {
        if let Some(v) = $e.opt($c.$f.as_ref()) {
            $e.str(v.as_ref());
        }
    };
    ($e:ident, $c:ident, joined, $f:ident) => {
        if let Some(v) = $e.opt($c.$f.as_ref()) {
            $e.joined(v.as_ref());
        }
    };
    ($e:ident, $c:ident, date, $f:ident) => {
        if let Some(v) = $e.opt($c.$f) {
            $e.date_from(v, $c.iat);
        }
    };
    ($e:ident, $c:ident, bool, $f:ident) => {
        $e.opt_bool($c.$f);
    };
    ($e:ident, $c:ident, list, $f:ident) => {
        if $e.opt((!$c.$f.is_empty()).then_some(())).is_some() {
            $e.list($c.$f.iter());
        }
    };
    ($e:ident, $c:ident, extras, $f:ident) => {
        // Without the feature only the flag is written, for `write` to refuse.
        if $e.opt((!$c.$f.is_empty()).then_some(())).is_some() {
            #[cfg(feature = "compact-custom-claims")]
            $e.extras(&$c.$f);
        }
    };
}

/// One optional field, read: the mirror of [`enc_field`].
macro_rules! dec_field {
    ($d:ident, $c:ident, str, $f:ident) => {
        $c.$f = $d.opt(Dec::str)?;
    };
    ($d:ident, $c:ident, joined, $f:ident) => {
        $c.$f = $d.opt(Dec::joined)?;
    };
    ($d:ident, $c:ident, date, $f:ident) => {
        let base = $c.iat;
        $c.$f = $d.opt(|d| d.date_from(base))?;
    };
    ($d:ident, $c:ident, bool, $f:ident) => {
        $c.$f = $d.opt_bool()?;
    };
    ($d:ident, $c:ident, list, $f:ident) => {
        if $d.present() {
            $d.list(true, &mut $c.$f)?;
        }
    };
    ($d:ident, $c:ident, extras, $f:ident) => {
        if $d.present() {
            #[cfg(feature = "compact-custom-claims")]
            {
                $c.$f = $d.extras(Self::KIND)?;
            }
            #[cfg(not(feature = "compact-custom-claims"))]
            return Err(Error::CustomClaimsDisabled);
        }
    };
}

/// The optional access-token claims in wire (and flag bit) order, from bit 1.
macro_rules! access_optional {
    ($m:ident!($x:ident, $c:ident)) => {
        $m!($x, $c, joined, scope);
        $m!($x, $c, date, auth_time);
        $m!($x, $c, str, acr);
        $m!($x, $c, list, amr);
        $m!($x, $c, date, nbf);
        $m!($x, $c, extras, extra);
    };
}

/// The optional ID-token claims in wire (and flag bit) order, from bit 1: the common ones
/// first, so a typical token's flags fit in two varint bytes.
macro_rules! id_optional {
    ($m:ident!($x:ident, $c:ident)) => {
        $m!($x, $c, date, auth_time);
        $m!($x, $c, str, nonce);
        $m!($x, $c, str, azp);
        $m!($x, $c, str, at_hash);
        $m!($x, $c, str, name);
        $m!($x, $c, str, given_name);
        $m!($x, $c, str, family_name);
        $m!($x, $c, str, email);
        $m!($x, $c, bool, email_verified);
        $m!($x, $c, str, picture);
        $m!($x, $c, str, locale);
        $m!($x, $c, str, acr);
        $m!($x, $c, list, amr);
        $m!($x, $c, date, nbf);
        $m!($x, $c, str, c_hash);
        $m!($x, $c, str, middle_name);
        $m!($x, $c, str, nickname);
        $m!($x, $c, str, preferred_username);
        $m!($x, $c, str, profile);
        $m!($x, $c, str, website);
        $m!($x, $c, str, gender);
        $m!($x, $c, str, birthdate);
        $m!($x, $c, str, zoneinfo);
        $m!($x, $c, str, phone_number);
        $m!($x, $c, bool, phone_number_verified);
        $m!($x, $c, date, updated_at);
        $m!($x, $c, extras, extra);
    };
}

impl<S: AsRef<str>> Encode for AccessClaims<S> {
    fn encode(&self, e: &mut Enc<'_, '_>) {
        e.str(self.iss.as_ref());
        e.str(self.sub.as_ref());
        e.list(self.aud.iter());
        e.str(self.client_id.as_ref());
        write_times(e, self.iat, self.exp);
        e.str(self.jti.as_ref());
        access_optional!(enc_field!(e, self));
    }
}

impl<'b> Decode<'b> for AccessClaims<&'b str> {
    fn decode(&mut self, d: &mut Dec<'b, '_>) -> Result<()> {
        let c = self;
        d.str_into(&mut c.iss)?;
        d.str_into(&mut c.sub)?;
        d.list(false, &mut c.aud)?;
        d.str_into(&mut c.client_id)?;
        (c.iat, c.exp) = read_times(d)?;
        d.str_into(&mut c.jti)?;
        access_optional!(dec_field!(d, c));
        Ok(())
    }
}

impl<S: AsRef<str>> Encode for IdClaims<S> {
    fn encode(&self, e: &mut Enc<'_, '_>) {
        e.str(self.iss.as_ref());
        e.str(self.sub.as_ref());
        e.list(self.aud.iter());
        write_times(e, self.iat, self.exp);
        id_optional!(enc_field!(e, self));
    }
}

impl<'b> Decode<'b> for IdClaims<&'b str> {
    fn decode(&mut self, d: &mut Dec<'b, '_>) -> Result<()> {
        let c = self;
        d.str_into(&mut c.iss)?;
        d.str_into(&mut c.sub)?;
        d.list(false, &mut c.aud)?;
        (c.iat, c.exp) = read_times(d)?;
        id_optional!(dec_field!(d, c));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `write` gives the same bytes and length whether the claims fitted behind the room
    /// left for the head or had to be written again right behind it, and counts the exact
    /// length when they do not fit at all, for every buffer length.
    #[test]
    fn write_is_the_same_in_any_buffer() {
        let values = ["https://auth.example.com", "read:orders"];
        let registry = Registry::new(&values).unwrap();
        // Custom claims whose counts take one varint byte and two: 16 array elements and
        // 16 object members need a two-byte header, so the items written are moved up.
        let mut json = std::string::String::from(r#"{"roles":["a","b"],"big":["#);
        for i in 0..16 {
            json += &std::format!("{}{i}", if i > 0 { "," } else { "" });
        }
        json += r#"],"obj":{"#;
        for i in 0..16 {
            json += &std::format!("{}\"m{i}\":[{i},\"x{i}\"]", if i > 0 { "," } else { "" });
        }
        json += "}}";
        let with_custom = crate::claims::Extras::from_json(&json).unwrap();
        let extras = [crate::claims::Extras::none(), with_custom];
        // Without the codec, only the claims without custom ones are written.
        let n = usize::from(cfg!(feature = "compact-custom-claims"));
        let extras = &extras[..1 + n];
        for (registry, extra) in [registry, Registry::EMPTY]
            .into_iter()
            .flat_map(|r| extras.iter().map(move |e| (r, e)))
        {
            let mut claims = AccessClaims::new(
                "https://auth.example.com",
                "user-8f14e45f",
                "https://api.example.com",
                "s6BhdRkqt3",
                1_764_000_000,
                1_764_000_300,
                "b1c2d3e4f5a6b7c8",
            );
            claims.scope = Some("read:orders write:orders");
            claims.extra = *extra;
            let mut full = [0u8; 1024];
            let n = write(&claims, &registry, &mut full).unwrap();
            assert_eq!(full[0], ACCESS_TAG);
            for len in 0..n + HEAD_ROOM + 8 {
                let mut out = std::vec![0u8; len];
                assert_eq!(write(&claims, &registry, &mut out), Ok(n), "len {len}");
                if len >= n {
                    assert_eq!(out[..n], full[..n], "len {len}");
                }
            }
            // And it reads back to the same claims, custom ones included.
            let key = crate::Hs256Key::from_secret(&[7; 32], crate::KeyUse::Access).unwrap();
            let mut buf = [0u8; 2048];
            let token = issue_access(&claims, &key, &Limits::ID, &registry, &mut buf).unwrap();
            let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com")
                .with_limits(Limits::ID);
            let mut scratch = [0u8; 4096];
            let now = 1_764_000_000;
            let back = verify_access(token, &key, &policy, &registry, now, &mut scratch);
            assert_eq!(back, Ok(claims));
        }
    }
}
