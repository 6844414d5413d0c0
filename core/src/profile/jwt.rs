//! The `jwt` profile: standard JWTs any JWT library reads. Header `typ` is `at+jwt` for
//! access tokens (RFC 9068 §2.1) and `JWT` for ID tokens; claims are byte-minimal JSON.
//!
//! Reading is tolerant where the standards allow (any key order, whitespace, escaped
//! strings, `aud` as string or array, unknown claims ignored) and strict everywhere else.

use crate::alg::{SigningKey, VerifyingKey};
use crate::b64;
use crate::budget::Limits;
use crate::claims::{
    AccessClaims, ClaimSet, IdClaims, ReadFields, Require, Resolver, SetExtras, Verdict,
    read_claims_into,
};
use crate::error::{Error, Result};
use crate::json::Writer;
use crate::kind::Kind;
use crate::validate::{AccessPolicy, IdPolicy};

/// The `typ` of access tokens.
pub const ACCESS_TYP: &str = crate::header::ACCESS_TYP;
/// The `typ` of ID tokens.
pub const ID_TYP: &str = crate::header::ID_TYP;

/// Issues an access token into `out`, returning it.
///
/// Errors: [`Error::KeyUseMismatch`], [`Error::LifetimeTooLong`], [`Error::InvalidDate`],
/// [`Error::OverBudget`], or [`Error::BufferTooSmall`] with the exact length needed.
pub fn issue_access<'o, S: AsRef<str>, K: SigningKey + ?Sized>(
    claims: &AccessClaims<S>,
    key: &K,
    limits: &Limits,
    out: &'o mut [u8],
) -> Result<&'o str> {
    super::issue(claims, key, limits, Some(ACCESS_TYP), out, write_json)
}

/// Issues an ID token into `out`, returning it. Errors as for [`issue_access`].
pub fn issue_id<'o, S: AsRef<str>, K: SigningKey + ?Sized>(
    claims: &IdClaims<S>,
    key: &K,
    limits: &Limits,
    out: &'o mut [u8],
) -> Result<&'o str> {
    super::issue(claims, key, limits, Some(ID_TYP), out, write_json)
}

/// Verifies an access token at time `now` (Unix seconds) against `policy`.
///
/// The claims borrow from `scratch`, which must hold the decoded payload and, if the JSON
/// has escapes, as much again: `2 * 3/4 * token.len()` always suffices
/// ([`Error::BufferTooSmall`] says how much is needed otherwise).
pub fn verify_access<'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &AccessPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
) -> Result<AccessClaims<&'b str>> {
    verify_access_from(token, key, policy, now, scratch, super::Payload)
}

/// Verifies an ID token at time `now` (Unix seconds) against `policy` (issuer, client,
/// nonce and `at_hash` when the policy names them). `scratch` as for [`verify_access`].
pub fn verify_id<'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &IdPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
) -> Result<IdClaims<&'b str>> {
    verify_id_from(token, key, policy, now, scratch, super::Payload)
}

/// [`verify_access`] with the claims from `source`: the payload ([`super::Payload`]),
/// or on a verified-token cache hit the claims the cache holds.
#[inline]
pub(crate) fn verify_access_from<'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &AccessPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, AccessClaims<&'b str>>,
) -> Result<AccessClaims<&'b str>> {
    verify_reading(
        token,
        key,
        &policy.limits,
        scratch,
        source,
        |typ, payload| check_typ(Kind::Access, typ, payload),
        policy.required_claims,
        |c, read| policy.check(c, now, read),
    )
}

/// [`verify_id`] with the claims from `source`, as for [`verify_access_from`].
#[inline]
pub(crate) fn verify_id_from<'b, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    policy: &IdPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, IdClaims<&'b str>>,
) -> Result<IdClaims<&'b str>> {
    verify_reading(
        token,
        key,
        &policy.limits,
        scratch,
        source,
        |typ, payload| check_typ(Kind::Id, typ, payload),
        policy.required_claims,
        |c, read| policy.check(c, key.algorithm(), now, read),
    )
}

/// [`super::verify`] with the claims read by [`read_json`], the custom claims matched
/// against `required` as the reader reads them and what it found handed to `policy`
/// (`None` on a cache hit, which reads nothing: the policy then walks the claims).
///
/// Inlined where the verifier is called, which decides between a reader with the matching
/// and one without: a program whose policies require nothing links none of it.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn verify_reading<'b, C, K>(
    token: &str,
    key: &K,
    limits: &Limits,
    scratch: &'b mut [u8],
    source: impl super::Source<'b, C>,
    check_typ: impl FnOnce(Option<&str>, &str) -> Result<()>,
    required: &[Require<'_>],
    policy: impl FnOnce(&C, Option<Verdict>) -> Result<()>,
) -> Result<C>
where
    C: ReadFields<'b> + SetExtras<'b> + ClaimSet + crate::claims::InPlace,
    K: VerifyingKey + ?Sized,
{
    // Two readers, chosen here, inlined, so that a policy known to require nothing links
    // only the first. The second makes its `Resolver` where the claims are read, and
    // hands the policy what it found: nothing of it in the verifier's own frame (which
    // the signature check's deep stack sits under).
    if required.is_empty() {
        let decode = |p: &str, s: &'b mut [u8], c: &mut C| read_json(p, s, c, None);
        let policy = |c: &C, ()| policy(c, None);
        return super::verify(
            token, key, limits, scratch, source, check_typ, decode, policy,
        );
    }
    let decode = |p: &str, s: &'b mut [u8], c: &mut C| {
        // More than 64 requirements: read without; the policy walks the claims.
        let Some(mut resolver) = Resolver::for_reader(required) else {
            return read_json(p, s, c, None).map(|()| None);
        };
        read_json(p, s, c, Some(&mut resolver.hook()))?;
        Ok(Some(resolver.verdict()))
    };
    super::verify(
        token, key, limits, scratch, source, check_typ, decode, policy,
    )
}

/// Whether a `typ` value names an access token: `at+jwt` or `application/at+jwt`, without
/// regard to case (media types are case-insensitive, RFC 9068 §4).
pub fn is_access_typ(typ: &str) -> bool {
    // `split_at_checked`, not indexing: the same split, and no panic path linked.
    let bare = match typ.split_at_checked(12) {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("application/") => rest,
        _ => typ,
    };
    bare.eq_ignore_ascii_case(ACCESS_TYP)
}

fn is_plain_jwt_typ(typ: &str) -> bool {
    typ.eq_ignore_ascii_case("JWT") || typ.eq_ignore_ascii_case("application/jwt")
}

/// Kind and profile checks on the header, before the signature. A JSON payload starts with
/// `{` or whitespace: its base64url starts `e` (`{`), `I` (space), `C` (tab, LF) or `D`
/// (CR). A compact payload's tag byte is never one of those (`0b10……`: `g` to `v`).
fn check_typ(kind: Kind, typ: Option<&str>, payload: &str) -> Result<()> {
    if !matches!(payload.as_bytes().first(), Some(b'e' | b'I' | b'C' | b'D')) {
        return Err(Error::WrongProfile);
    }
    match (kind, typ) {
        (Kind::Access, Some(t)) if is_access_typ(t) => Ok(()),
        (Kind::Access, None) => Err(Error::WrongKind),
        (Kind::Access, Some(t)) if is_plain_jwt_typ(t) => Err(Error::WrongKind),
        (Kind::Id, Some(t)) if is_access_typ(t) => Err(Error::WrongKind),
        (Kind::Id, None) => Ok(()),
        (Kind::Id, Some(t)) if is_plain_jwt_typ(t) => Ok(()),
        _ => Err(Error::WrongType),
    }
}

fn write_json<C: ClaimSet>(claims: &C, out: &mut [u8]) -> Result<usize> {
    let mut w = Writer::new(out);
    claims.write_json(&mut w);
    Ok(w.finish())
}

/// Decodes the payload into the front of `scratch` and the claims from it into `c`, with
/// the crate's one JSON reader; strings with escapes are decoded into the rest of
/// `scratch`. Each custom claim is handed to `on_skip`, if any, as it is read.
fn read_json<'b, C: ReadFields<'b> + SetExtras<'b> + ClaimSet>(
    payload: &str,
    scratch: &'b mut [u8],
    c: &mut C,
    on_skip: Option<&mut dyn FnMut(&'b str, &'b str)>,
) -> Result<()> {
    let n = b64::decoded_len(payload.len())?;
    if scratch.len() < n {
        return Err(Error::BufferTooSmall { needed: 2 * n });
    }
    let (json, rest) = scratch.split_at_mut(n);
    b64::decode(payload, json)?;
    let json: &'b [u8] = json;
    let text = core::str::from_utf8(json).map_err(|_| Error::MalformedClaims)?;
    // Escaped strings are decoded into `rest` as they are met (no scan for a backslash
    // first): running out of it means `n` more bytes, at most, are needed.
    read_claims_into(text, rest, c, on_skip).map_err(|e| match e {
        Error::BufferTooSmall { .. } => Error::BufferTooSmall { needed: 2 * n },
        e => e,
    })?;
    // The reader refused U+0000 in every string it read (`Fields`): the strings are not
    // scanned again.
    c.check_read_values()
}
