//! The token profiles: how claims become a JWS payload and back. The pipeline around them
//! (budget, key use, header, signature, lifetime, policy) is shared and lives here.

pub mod compact;
pub mod jwt;

use crate::alg::{SigningKey, VerifyingKey};
use crate::budget::Limits;
use crate::claims::{ClaimSet, InPlace, read_in_place};
use crate::error::{Error, Result};
use crate::header::Header;
use crate::jws;
use crate::kind::Kind;

/// Checks what every issued token must satisfy before a byte is written.
fn check_issue<C: ClaimSet, K: SigningKey + ?Sized>(
    claims: &C,
    key: &K,
    limits: &Limits,
) -> Result<()> {
    if !key.key_use().allows(C::KIND) {
        return Err(Error::KeyUseMismatch);
    }
    claims.check_values()?;
    claims.check_extras()?;
    limits.check_lifetime(claims.issued_at(), claims.expires_at())
}

/// Issues a token: checks, then header + payload + signature into `out`.
pub(crate) fn issue<'o, C: ClaimSet, K: SigningKey + ?Sized>(
    claims: &C,
    key: &K,
    limits: &Limits,
    typ: Option<&str>,
    out: &'o mut [u8],
    write_payload: impl FnOnce(&C, &mut [u8]) -> Result<usize>,
) -> Result<&'o str> {
    check_issue(claims, key, limits)?;
    let header = Header {
        alg: key.algorithm().name(),
        typ,
        kid: key.key_id(),
    };
    let write = |dst: &mut [u8]| write_payload(claims, dst);
    // Without a `kid`, the header is one of those encoded at compile time.
    match crate::header::written_b64(key.algorithm(), typ).filter(|_| header.kid.is_none()) {
        Some(chars) => {
            let header = jws::HeaderText::Encoded(chars);
            jws::assemble_with(header, key, limits.max_bytes, out, write)
        }
        None => jws::assemble(&header, key, limits.max_bytes, out, write),
    }
}

/// Verifies a token: budget (before any crypto), key use, header, signature, claims
/// decoding, the lifetime limit, then `policy` (the caller's checks on the claims).
///
/// Two phases in two frames of their own, for the stack: the signature is checked in a
/// frame that holds no claims, and the claims are decoded in a frame entered after the
/// signature check's has returned, straight into the slot this function returns. Inlined
/// into the caller, that slot is usually the caller's own; where the compiler keeps it
/// apart (a verifier not inlined), it is copied out once at the end. (A second-phase
/// frame holding the slot instead was tried: the HS256 peak rose by 140 B.)
///
/// `source` is [`Payload`] but on a verified-token cache hit, whose source checks what the
/// call can change and supplies the claims the cache holds.
///
/// `decode` may hand `policy` what it learned of the claims as it read them (a `T`; the
/// `jwt` verifiers' requirements on custom claims, matched while reading), `T::default()`
/// on a cache hit, where nothing is decoded.
#[inline]
#[allow(clippy::too_many_arguments)] // the pipeline's inputs and its stages, each its own
pub(crate) fn verify<'b, C: ClaimSet + InPlace, K: VerifyingKey + ?Sized, T: Default>(
    token: &str,
    key: &K,
    limits: &Limits,
    scratch: &'b mut [u8],
    source: impl Source<'b, C>,
    check_typ: impl crate::jws::HeaderRule,
    decode: impl FnOnce(&str, &'b mut [u8], &mut C) -> Result<T>,
    policy: impl FnOnce(&C, T) -> Result<()>,
) -> Result<C> {
    let payload = source.signed_payload(token, key, limits, C::KIND, scratch, check_typ)?;
    read_in_place(|c| {
        let learned = claims(payload, scratch, source, decode, c)?;
        // The policy here, inlined where the verifier is called (a program whose policy
        // has no custom-claim rules links none of their code).
        policy(c, learned)
    })
}

/// What a verifier reads: the token itself ([`Payload`], every verification but a cache
/// hit), or on a verified-token cache hit the slot holding this very token, verified
/// before under a key of the same identity (nothing decoded, no signature computed).
pub(crate) trait Source<'b, C>: Copy {
    /// The first phase, before any claim is read: for [`Payload`], [`signed_payload`].
    /// Returns the payload segment.
    fn signed_payload<'t, K: VerifyingKey + ?Sized>(
        &self,
        token: &'t str,
        key: &K,
        limits: &Limits,
        kind: Kind,
        scratch: &mut [u8],
        check_typ: impl crate::jws::HeaderRule,
    ) -> Result<&'t str>;

    /// The second phase: fills `c` (which starts [`InPlace::empty`]) and checks its
    /// values; for [`Payload`], with `decode`, which checks what its reader left unchecked
    /// (`ClaimSet::check_values`, or `check_read_values` after the JSON reader).
    fn read<T: Default>(
        self,
        payload: &str,
        scratch: &'b mut [u8],
        c: &mut C,
        decode: impl FnOnce(&str, &'b mut [u8], &mut C) -> Result<T>,
    ) -> Result<T>;
}

/// The token itself: header and signature checked, the payload decoded by the profile.
#[derive(Clone, Copy)]
pub(crate) struct Payload;

impl<'b, C: ClaimSet> Source<'b, C> for Payload {
    #[inline(always)]
    fn signed_payload<'t, K: VerifyingKey + ?Sized>(
        &self,
        token: &'t str,
        key: &K,
        limits: &Limits,
        kind: Kind,
        scratch: &mut [u8],
        check_typ: impl crate::jws::HeaderRule,
    ) -> Result<&'t str> {
        signed_payload(token, key, limits, kind, scratch, check_typ)
    }

    #[inline(always)]
    fn read<T: Default>(
        self,
        payload: &str,
        scratch: &'b mut [u8],
        c: &mut C,
        decode: impl FnOnce(&str, &'b mut [u8], &mut C) -> Result<T>,
    ) -> Result<T> {
        decode(payload, scratch, c)
    }
}

/// The first phase: budget, key use, header and signature; returns the payload segment.
#[inline(never)]
fn signed_payload<'t, K: VerifyingKey + ?Sized>(
    token: &'t str,
    key: &K,
    limits: &Limits,
    kind: Kind,
    scratch: &mut [u8],
    check_typ: impl crate::jws::HeaderRule,
) -> Result<&'t str> {
    limits.check_size(token.len())?;
    if !key.key_use().allows(kind) {
        return Err(Error::KeyUseMismatch);
    }
    jws::verify_parts(token, key, scratch, check_typ)
}

/// The second phase, once the signature verified: claims decoding into `c` (which starts
/// [`InPlace::empty`]) and their values, as `source` reads them.
#[inline(never)]
fn claims<'b, C: ClaimSet, T: Default>(
    payload: &str,
    scratch: &'b mut [u8],
    source: impl Source<'b, C>,
    decode: impl FnOnce(&str, &'b mut [u8], &mut C) -> Result<T>,
    c: &mut C,
) -> Result<T> {
    source.read(payload, scratch, c, decode)
}
