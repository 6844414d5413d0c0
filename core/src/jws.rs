//! JWS compact serialization (RFC 7515 §7.1), whatever the payload: split, header checks,
//! signature, and assembly into a caller's buffer. The profiles build on this.
//!
//! Pipeline: bytes → [`split`] (untrusted view) → header parse and checks against the key →
//! signature check → payload handed to the profile. Nothing reaches back up.

use crate::alg::{Algorithm, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey};
use crate::b64;
use crate::budget::Limits;
use crate::error::{Error, Result};
use crate::header::{COMPACT_MAX_LEN, Header, MAX_HEADER_LEN};
use crate::json::Arena;

/// The three segments of a compact JWS, not yet checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parts<'t> {
    /// The base64url header segment.
    pub header: &'t str,
    /// The base64url payload segment.
    pub payload: &'t str,
    /// The base64url signature segment.
    pub signature: &'t str,
    /// `header.payload`: the bytes the signature covers.
    pub signing_input: &'t str,
}

/// Splits a compact JWS into its three segments: exactly two dots, a header and a payload.
/// An empty signature passes here (so `alg: none` is refused by name when the header is
/// read) and fails the signature length check.
pub fn split(token: &str) -> Result<Parts<'_>> {
    let (header, rest) = token.split_once('.').ok_or(Error::Malformed)?;
    let (payload, signature) = rest.split_once('.').ok_or(Error::Malformed)?;
    if header.is_empty() || payload.is_empty() || signature.contains('.') {
        return Err(Error::Malformed);
    }
    // Ends at the second '.', a char boundary: `get` never fails here, and unlike indexing
    // it links no panic path (0.3 KB of a verify-only firmware program).
    let signing_input = token
        .get(..header.len() + 1 + payload.len())
        .ok_or(Error::Malformed)?;
    Ok(Parts {
        header,
        payload,
        signature,
        signing_input,
    })
}

/// The scratch space [`untrusted_header`] needs: the header JSON and its unescaped strings.
pub const HEADER_BUF_LEN: usize = 2 * MAX_HEADER_LEN;

/// Parses the header `segment` into `buf`, which must hold twice its decoded length (the
/// JSON and its unescaped strings). With `alg`, the verifier's, a header exactly as this
/// crate writes it for that algorithm is recognised without the general reader
/// ([`Header::as_written`]; the same header either way).
fn parse_header<'b>(
    segment: &str,
    buf: &'b mut [u8],
    alg: Option<Algorithm>,
) -> Result<Header<'b>> {
    let n = b64::decoded_len(segment.len())?;
    if n > MAX_HEADER_LEN {
        return Err(Error::MalformedHeader);
    }
    let (json, strings) = buf.split_at_mut(n);
    let json: &'b [u8] = b64::decode(segment, json)?;
    if let Some(header) = alg.and_then(|alg| Header::as_written(json, alg.name())) {
        return Ok(header);
    }
    Header::parse(json, &mut Arena::new(strings))
}

/// Reads a token's header **without verifying anything**: for choosing a key by `kid`
/// before verification (which then checks the whole header again). Refuses what verification
/// would refuse in the header alone (unknown parameters, duplicates, bad base64url).
pub fn untrusted_header<'b>(token: &str, buf: &'b mut [u8; HEADER_BUF_LEN]) -> Result<Header<'b>> {
    parse_header(split(token)?.header, buf, None)
}

/// The header checks against the pinned key's algorithm and key id, then `check_typ`; the
/// header is parsed into `buf` (twice its decoded length). Not generic, so one copy serves
/// every key and profile.
fn check_header(
    parts: &Parts<'_>,
    buf: &mut [u8],
    alg: Algorithm,
    kid: Option<&str>,
    check_typ: &mut dyn FnMut(Option<&str>, &str) -> Result<()>,
) -> Result<()> {
    let header = parse_header(parts.header, buf, Some(alg))?;
    if !alg.is_named(header.alg) {
        return Err(Error::AlgorithmMismatch);
    }
    if let (Some(theirs), Some(ours)) = (header.kid, kid)
        && theirs != ours
    {
        return Err(Error::KeyIdMismatch);
    }
    check_typ(header.typ, parts.payload)
}

/// [`check_header`] with the header parsed on the stack, for a caller whose scratch is too
/// small to lend: its frame is gone before the signature is checked.
#[inline(never)]
fn check_header_on_stack(
    parts: &Parts<'_>,
    alg: Algorithm,
    kid: Option<&str>,
    check_typ: &mut dyn FnMut(Option<&str>, &str) -> Result<()>,
) -> Result<()> {
    let mut buf = [0u8; HEADER_BUF_LEN];
    check_header(parts, &mut buf, alg, kid, check_typ)
}

/// What a profile checks of a header beyond the key's algorithm and id, and which grammar
/// the header is read with. A closure over the header's `typ` and the payload segment
/// reads any JSON header ([`Header::parse`]); [`Compact`] only the `compact` profile's one
/// form ([`Header::check_compact`]).
pub(crate) trait HeaderRule {
    /// Whether the header must be the `compact` profile's form.
    const COMPACT: bool;
    /// Checks the header's `typ` (none for [`Compact`]) with the payload segment.
    fn check(self, typ: Option<&str>, payload: &str) -> Result<()>;
}

impl<F: FnOnce(Option<&str>, &str) -> Result<()>> HeaderRule for F {
    const COMPACT: bool = false;
    #[inline(always)]
    fn check(self, typ: Option<&str>, payload: &str) -> Result<()> {
        self(typ, payload)
    }
}

/// The `compact` profile's [`HeaderRule`]: its one header form, then the payload segment
/// checked by the closure (the tag: profile, version, kind).
pub(crate) struct Compact<F>(pub F);

impl<F: FnOnce(&str) -> Result<()>> HeaderRule for Compact<F> {
    const COMPACT: bool = true;
    #[inline(always)]
    fn check(self, _: Option<&str>, payload: &str) -> Result<()> {
        (self.0)(payload)
    }
}

/// The header characters [`check_compact_header`] decodes: every header the `compact`
/// profile writes, and the start of any longer one.
const COMPACT_READ: usize = b64::encoded_len(COMPACT_MAX_LEN).next_multiple_of(4);

/// Checks a `compact` header segment ([`Header::check_compact`]) against a key of `alg`
/// named `kid` (`None`: any), and the payload with `payload_check` when the header is
/// right or fails only by a `typ`: so a `jwt` token is [`Error::WrongProfile`], as its
/// payload says, rather than [`Error::WrongType`]. Decoded on the stack: at most
/// [`COMPACT_MAX_LEN`] bytes and a few (the start of a longer header, refused).
pub(crate) fn check_compact_header(
    segment: &str,
    alg: Option<Algorithm>,
    kid: Option<&str>,
    payload_check: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    let head = segment
        .get(..segment.len().min(COMPACT_READ))
        .ok_or(Error::Base64)?;
    let mut buf = [0u8; COMPACT_READ / 4 * 3];
    let json = b64::decode(head, &mut buf)?;
    let whole = head.len() == segment.len();
    let header = Header::check_compact(json, whole, alg.map(Algorithm::name), kid);
    if matches!(header, Ok(()) | Err(Error::WrongType)) {
        payload_check()?;
    }
    header
}

/// Checks the header and signature of `token` against the pinned `key`, with the profile's
/// [`HeaderRule`]: its check of the header's `typ` and the payload segment runs before the
/// signature is checked, so a wrong kind or profile is named as such. Returns the payload
/// segment.
///
/// A JSON header is parsed into the front of `scratch` when it fits (its values are not
/// needed once checked, and `scratch` is the caller's to overwrite next), so no kilobyte of
/// header buffer sits on the stack under the signature check; otherwise on the stack. A
/// `compact` header is compared in a 90-byte buffer. Either way the header is checked in a
/// frame of its own, gone before the signature is checked (for the stack).
#[inline]
pub(crate) fn verify_parts<'t, K: VerifyingKey + ?Sized>(
    token: &'t str,
    key: &K,
    scratch: &mut [u8],
    check_typ: impl HeaderRule,
) -> Result<&'t str> {
    // Written through, not returned: a returned `Result<Parts>` is copied into a second
    // `Parts` in this frame, which is on the stack under the signature check.
    let mut parts = Parts::default();
    checked_parts(token, key, scratch, check_typ, &mut parts)?;
    if key.signature_len() <= 64 {
        check_signature::<K, 64>(key, &parts)?;
    } else {
        check_long_signature(key, &parts)?;
    }
    Ok(parts.payload)
}

/// Everything [`verify_parts`] checks before the signature: the JWS shape, the header, and
/// the signature segment's encoding and length. The checked segments go to `out`.
#[inline(never)]
fn checked_parts<'t, K: VerifyingKey + ?Sized, R: HeaderRule>(
    token: &'t str,
    key: &K,
    scratch: &mut [u8],
    rule: R,
    out: &mut Parts<'t>,
) -> Result<()> {
    let parts = split(token)?;
    let (alg, kid) = (key.algorithm(), key.key_id());
    let mut rule = Some(rule);
    if R::COMPACT {
        let mut check = || rule.take().map_or(Ok(()), |r| r.check(None, parts.payload));
        check_compact_header(parts.header, Some(alg), kid, &mut check)?;
    } else {
        let mut check_typ = |typ: Option<&str>, payload: &str| {
            rule.take().map_or(Ok(()), |r| r.check(typ, payload))
        };
        let need = b64::decoded_len(parts.header.len())?.saturating_mul(2);
        match scratch.get_mut(..need) {
            Some(buf) => check_header(&parts, buf, alg, kid, &mut check_typ)?,
            None => check_header_on_stack(&parts, alg, kid, &mut check_typ)?,
        }
    }
    // A byte outside the alphabet is `Base64` before a wrong length is `BadSignature`; the
    // decoder refuses such bytes itself, so the segment is scanned apart only when its
    // length is already wrong.
    if b64::decoded_len(parts.signature.len()).ok() != Some(key.signature_len()) {
        if !parts.signature.bytes().all(b64::is_alphabet) {
            return Err(Error::Base64);
        }
        b64::decoded_len(parts.signature.len())?;
        return Err(Error::BadSignature);
    }
    *out = parts;
    Ok(())
}

/// Decodes the signature into a buffer of `N` bytes and checks it. Inlined for the 64
/// bytes of EdDSA, ES256 and HS256 (one frame fewer under the signature check).
#[inline(always)]
fn check_signature<K: VerifyingKey + ?Sized, const N: usize>(
    key: &K,
    parts: &Parts<'_>,
) -> Result<()> {
    let mut buf = [0u8; N];
    let signature = b64::decode(parts.signature, &mut buf)?;
    key.verify(parts.signing_input.as_bytes(), signature)
}

/// [`check_signature`] for RSA's up to 512 bytes, in a frame of its own: entered only for
/// a key with such signatures, so the others never carry its buffer.
#[inline(never)]
fn check_long_signature<K: VerifyingKey + ?Sized>(key: &K, parts: &Parts<'_>) -> Result<()> {
    check_signature::<K, MAX_SIGNATURE_LEN>(key, parts)
}

/// The longest JWS [`verify`] reads: the largest default budget of any kind of token
/// ([`Limits::ID`]). Longer input is refused before it is split or hashed.
pub const MAX_JWS_LEN: usize = Limits::ID.max_bytes;

/// Verifies a compact JWS with a pinned key and decodes its payload into `payload_out`.
///
/// This is the low-level check any JWS needs (e.g. RFC 7515 Appendix A.1): the header must
/// name the key's algorithm and nothing this crate refuses; `typ` is not looked at and the
/// payload is not interpreted. Tokens are verified with [`crate::jwt`] or [`crate::compact`].
/// A JWS longer than [`MAX_JWS_LEN`] is [`Error::OverBudget`], before any other work.
pub fn verify<'o, K: VerifyingKey + ?Sized>(
    token: &str,
    key: &K,
    payload_out: &'o mut [u8],
) -> Result<&'o [u8]> {
    if token.len() > MAX_JWS_LEN {
        return Err(Error::OverBudget);
    }
    let payload = verify_parts(token, key, payload_out, |_: Option<&str>, _: &str| Ok(()))?;
    b64::decode(payload, payload_out)
}

/// Signs `payload` under `header` (whose `alg` must be the key's) into `out`, returning the
/// compact JWS. The low-level counterpart of [`verify`]: no claims, no budget. An empty
/// payload is refused ([`Error::Malformed`]): [`split`] requires a payload segment.
pub fn sign<'o, K: SigningKey + ?Sized>(
    header: &Header<'_>,
    payload: &[u8],
    key: &K,
    out: &'o mut [u8],
) -> Result<&'o str> {
    if !key.algorithm().is_named(header.alg) {
        return Err(Error::AlgorithmMismatch);
    }
    if payload.is_empty() {
        return Err(Error::Malformed);
    }
    assemble(header, key, usize::MAX, out, |dst| {
        if let Some(dst) = dst.get_mut(..payload.len()) {
            dst.copy_from_slice(payload);
        }
        Ok(payload.len())
    })
}

/// Writes `header`, the payload and the signature into `out`, refusing anything longer than
/// `max_bytes` ([`Error::OverBudget`]) or than `out` ([`Error::BufferTooSmall`] with the
/// exact length needed). `write_payload` writes the raw payload into the slice it is given
/// and returns its length; if that length exceeds the slice, nothing usable was written.
pub(crate) fn assemble<'o, K: SigningKey + ?Sized>(
    header: &Header<'_>,
    key: &K,
    max_bytes: usize,
    out: &'o mut [u8],
    write_payload: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<&'o str> {
    let mut header_buf = [0u8; MAX_HEADER_LEN];
    let header_len = header.write(&mut header_buf)?;
    assemble_json(
        &header_buf[..header_len],
        key,
        max_bytes,
        out,
        write_payload,
    )
}

/// [`assemble`] with the header given as its JSON text (for headers [`Header`] does not
/// model, such as a DPoP proof's, whose `jwk` is written by its own module).
pub(crate) fn assemble_json<'o, K: SigningKey + ?Sized>(
    header_json: &[u8],
    key: &K,
    max_bytes: usize,
    out: &'o mut [u8],
    write_payload: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<&'o str> {
    assemble_with(
        HeaderText::Json(header_json),
        key,
        max_bytes,
        out,
        write_payload,
    )
}

/// A header to [`assemble_with`]: its JSON, to encode, or its characters already encoded
/// (the common headers, encoded at compile time: [`crate::header::written_b64`]).
#[derive(Clone, Copy)]
pub(crate) enum HeaderText<'h> {
    /// The header's JSON text.
    Json(&'h [u8]),
    /// The header's base64url characters.
    Encoded(&'h str),
}

/// [`assemble`] with the header as [`HeaderText`].
pub(crate) fn assemble_with<'o, K: SigningKey + ?Sized>(
    header: HeaderText<'_>,
    key: &K,
    max_bytes: usize,
    out: &'o mut [u8],
    write_payload: impl FnOnce(&mut [u8]) -> Result<usize>,
) -> Result<&'o str> {
    let sig_len = key.signature_len();
    let h = match header {
        HeaderText::Json(json) => b64::encoded_len(json.len()),
        HeaderText::Encoded(chars) => chars.len(),
    };

    let payload_at = (h + 1).min(out.len());
    let n = write_payload(&mut out[payload_at..])?;
    let p = h + 1 + b64::encoded_len(n);
    let total = p + 1 + b64::encoded_len(sig_len);
    if total > max_bytes {
        return Err(Error::OverBudget);
    }
    if total > out.len() {
        return Err(Error::BufferTooSmall { needed: total });
    }
    // The payload sits where its characters go: encoded there, in place (see
    // `b64::encode_in_place`), so no second buffer and no copy are needed.
    b64::encode_in_place(out, payload_at, n)?;
    match header {
        HeaderText::Json(json) => {
            b64::encode_public(json, &mut out[..h])?;
        }
        HeaderText::Encoded(chars) => out[..h].copy_from_slice(chars.as_bytes()),
    }
    out[h] = b'.';
    out[p] = b'.';

    let mut signature = [0u8; MAX_SIGNATURE_LEN];
    let written = key.sign(&out[..p], &mut signature)?;
    if written != sig_len {
        return Err(Error::SigningFailed);
    }
    b64::encode_public(&signature[..sig_len], &mut out[p + 1..total])?;
    // Every byte written is ASCII base64url or '.'.
    core::str::from_utf8(&out[..total]).map_err(|_| Error::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_needs_exactly_three_nonempty_segments() {
        assert!(split("a.b.c").is_ok());
        assert!(split("a.b.").is_ok());
        for bad in ["", "a", "a.b", "a.b.c.d", ".b.c", "a..c", "..", "a.b.c."] {
            assert_eq!(split(bad), Err(Error::Malformed), "{bad:?}");
        }
        let p = split("hh.pp.ss").unwrap();
        assert_eq!(p.signing_input, "hh.pp");
    }
}
