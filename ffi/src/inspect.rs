//! Helpers around verification: the at_hash / c_hash of a value for an ID token, and a
//! token's kid read before verifying (to pick the key).

use core::ptr;

use compact_token::{Limits, access_token_hash, jws};

use crate::panic::boundary;
use crate::{CT_BUFFER_TOO_SMALL, CT_ERR_NULL_POINTER, ct_key, ct_result, err, text};

/// Copies value to out (out_len bytes) and its length to *written on success; on
/// CT_BUFFER_TOO_SMALL writes the length needed to *written and nothing to out.
pub(crate) fn put_text(
    value: &str,
    out: *mut u8,
    out_len: usize,
    written: *mut usize,
) -> Result<(), ct_result> {
    // SAFETY: written checked non-NULL by the callers, writable (API contract).
    unsafe { *written = value.len() };
    if value.len() > out_len {
        return Err(CT_BUFFER_TOO_SMALL);
    }
    // SAFETY: out checked non-NULL, out_len >= value.len() writable bytes (API contract).
    unsafe { ptr::copy_nonoverlapping(value.as_ptr(), out, value.len()) };
    Ok(())
}

/// The body of ct_at_hash and ct_c_hash: the two are computed the same way.
///
/// # Safety
/// As for ct_at_hash.
unsafe fn token_hash(
    key: *const ct_key,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if key.is_null() || out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: value_len readable bytes at value (API contract).
        let value = unsafe { text(value, value_len) }?;
        // SAFETY: non-NULL live handle (API contract).
        let alg = unsafe { &*key }.verifier().algorithm();
        put_text(&access_token_hash(value, alg), out, out_len, out_written)
    })
}

/// The at_hash of an access token for an ID token signed with key (OpenID Connect Core
/// 3.1.3.6): the left half of the hash of its bytes, base64url, with the hash of key's
/// algorithm (SHA-256 for HS256: 22 characters; SHA-512 for EdDSA: 43). Put it in
/// ct_id_claims.at_hash when issuing. At most CT_MAX_HASH_LEN bytes are written to out
/// (not NUL-terminated), their number to *out_written; CT_BUFFER_TOO_SMALL writes the
/// length needed to *out_written and nothing to out.
///
/// # Safety
/// key a live handle; access_token access_token_len readable bytes (UTF-8, else
/// CT_ERR_INVALID_UTF8); out out_len writable bytes; out_written a writable size_t.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_at_hash(
    key: *const ct_key,
    access_token: *const u8,
    access_token_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        token_hash(
            key,
            access_token,
            access_token_len,
            out,
            out_len,
            out_written,
        )
    }
}

/// The c_hash of an authorization code for an ID token signed with key (OpenID Connect
/// Core 3.3.2.11): computed as at_hash is, over the code. As ct_at_hash.
///
/// # Safety
/// As for ct_at_hash, with code and code_len.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_c_hash(
    key: *const ct_key,
    code: *const u8,
    code_len: usize,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe { token_hash(key, code, code_len, out, out_len, out_written) }
}

/// Reads a token's kid WITHOUT verifying anything, to choose the key to verify it with
/// (verifying then checks the whole header again). A token longer than the largest budget
/// (CT_ID_MAX_BYTES) is CT_OVER_BUDGET unread; a header verification would refuse on its
/// own (unknown or duplicate parameters, bad base64url or JSON) gives that error.
///
/// On success *out_has_kid says whether the header has a kid; if so its bytes (UTF-8, not
/// NUL-terminated) are in out and their number in *out_kid_len (else 0). CT_MAX_KID_LEN
/// bytes hold any kid this library issues; a longer one from another issuer gives
/// CT_BUFFER_TOO_SMALL with the length needed in *out_kid_len, and nothing else written.
///
/// # Safety
/// token token_len readable bytes; out out_len writable bytes; out_kid_len a writable
/// size_t; out_has_kid a writable bool.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_token_peek_kid(
    token: *const u8,
    token_len: usize,
    out: *mut u8,
    out_len: usize,
    out_kid_len: *mut usize,
    out_has_kid: *mut bool,
) -> ct_result {
    boundary(|| {
        if token.is_null() || out.is_null() || out_kid_len.is_null() || out_has_kid.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        Limits::ID.check_size(token_len).map_err(err)?;
        // SAFETY: token_len readable bytes at token (API contract).
        let token = unsafe { text(token, token_len) }?;
        let mut buf = [0u8; jws::HEADER_BUF_LEN];
        let header = jws::untrusted_header(token, &mut buf).map_err(err)?;
        put_text(header.kid.unwrap_or(""), out, out_len, out_kid_len)?;
        // SAFETY: non-NULL, writable (API contract).
        unsafe { *out_has_kid = header.kid.is_some() };
        Ok(())
    })
}
