//! # compact-token-ffi
//!
//! The C ABI of `compact-token`: key and registry handles, issuing and verifying access
//! and ID tokens in the `jwt` and `compact` profiles. `include/compact_token.h` is
//! generated from this crate by cbindgen (`gen-header.sh`); `README.md` states the
//! conventions (ownership, lifetimes, result codes).
//!
//! This is the only crate of the workspace with `unsafe` code: each block says why it is
//! sound in a `// SAFETY:` comment, and every exported body runs inside the panic boundary
//! (panic), so no panic unwinds into C.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]

mod claims;
mod error;
mod extras;
mod inspect;
mod keyset;
mod panic;
mod policy;
mod registry;
mod sizes;
mod store;
mod version;

use core::ptr;

use compact_token::{
    Ed25519SigningKey, Ed25519VerifyingKey, Error, Hs256Key, KeyUse, SigningKey, VerifyingKey,
};

pub use claims::{
    CT_MAX_AMR, CT_MAX_AUDIENCES, ct_access_claims, ct_access_issue, ct_access_issue_with,
    ct_access_verify, ct_access_verify_keyset, ct_access_verify_with, ct_id_claims, ct_id_issue,
    ct_id_issue_with, ct_id_verify, ct_id_verify_keyset, ct_id_verify_with,
};
pub use error::*;
pub use extras::{
    CT_JSON_ARRAY, CT_JSON_BOOL, CT_JSON_NULL, CT_JSON_NUMBER, CT_JSON_OBJECT, CT_JSON_STRING,
    CT_KIND_ACCESS, CT_KIND_ID, CT_KIND_NONE, CT_MAX_CLAIM_PATH, ct_extras,
    ct_extras_array_get_str, ct_extras_array_len, ct_extras_count, ct_extras_get_bool,
    ct_extras_get_i64, ct_extras_get_json, ct_extras_get_str, ct_extras_member, ct_extras_type,
    ct_json_type, ct_kind,
};
pub use inspect::{ct_at_hash, ct_c_hash, ct_token_peek_kid};
pub use keyset::{ct_keyset, ct_keyset_free, ct_keyset_new_jwks};
pub use policy::{
    CT_MAX_REQUIRED_CLAIMS, CT_MAX_REQUIRED_SCOPES, CT_RULE_CONTAINS, CT_RULE_EQUALS,
    CT_RULE_IS_TRUE, CT_RULE_PRESENT, ct_access_policy, ct_claim_requirement,
    ct_claim_requirements, ct_id_policy, ct_limits, ct_rule,
};
pub use registry::{ct_registry, ct_registry_free, ct_registry_new};
pub use sizes::*;
pub use version::*;

use panic::boundary;

/// A borrowed string view: len bytes of UTF-8 at ptr, not NUL-terminated.
///
/// In inputs, ptr may be NULL only for optional values, meaning "absent" (then len is
/// ignored). In verified claims, an absent optional value is {NULL, 0}; a present one
/// points into the caller's scratch buffer (or into a registry's values) and is valid as
/// long as that buffer (registry) is neither reused nor freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_str {
    /// First byte, or NULL.
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

impl ct_str {
    /// The absent value.
    pub const NONE: ct_str = ct_str {
        ptr: ptr::null(),
        len: 0,
    };

    /// A view of s (valid as long as s).
    pub fn new(s: &str) -> ct_str {
        ct_str {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    fn opt(s: Option<&str>) -> ct_str {
        s.map_or(ct_str::NONE, ct_str::new)
    }
}

/// Which kinds of token a key is for: one of CT_KEY_USE_*.
pub type ct_key_use = u32;
/// Access tokens only.
pub const CT_KEY_USE_ACCESS: ct_key_use = 1;
/// ID tokens only.
pub const CT_KEY_USE_ID: ct_key_use = 2;
/// Both kinds.
pub const CT_KEY_USE_BOTH: ct_key_use = 3;

/// The token profile: one of CT_PROFILE_*.
pub type ct_profile = u32;
/// Standard JWT (JSON header and claims).
pub const CT_PROFILE_JWT: ct_profile = 0;
/// The compact profile (smallest header, binary claims), with an optional registry.
pub const CT_PROFILE_COMPACT: ct_profile = 1;

fn key_use(u: ct_key_use) -> Result<KeyUse, ct_result> {
    match u {
        CT_KEY_USE_ACCESS => Ok(KeyUse::Access),
        CT_KEY_USE_ID => Ok(KeyUse::Id),
        CT_KEY_USE_BOTH => Ok(KeyUse::AccessAndId),
        _ => Err(CT_ERR_INVALID_ARGUMENT),
    }
}

/// A profile checked, with the registry it uses.
pub(crate) enum Profile {
    Jwt,
    Compact,
}

pub(crate) fn profile(p: ct_profile) -> Result<Profile, ct_result> {
    match p {
        CT_PROFILE_JWT => Ok(Profile::Jwt),
        CT_PROFILE_COMPACT => Ok(Profile::Compact),
        _ => Err(CT_ERR_INVALID_ARGUMENT),
    }
}

pub(crate) fn err(e: Error) -> ct_result {
    code_of(e)
}

/// A key handle (opaque).
///
/// Ownership: made by a ct_key_new_* function, owned by the caller, freed once with
/// ct_key_free (which zeroizes secret material). The handle copies what it keeps (key
/// bytes, kid): nothing passed to ct_key_new_* or ct_key_set_kid need outlive the call.
///
/// Thread safety: issuing and verifying only read the handle, so one handle may be used
/// from several threads at once; ct_key_set_kid and ct_key_free change it and must not
/// run while any other call uses it.
pub struct ct_key {
    inner: Key,
}

#[allow(clippy::large_enum_variant)] // boxed behind the handle anyway
enum Key {
    Ed25519(Ed25519SigningKey, Ed25519VerifyingKey),
    Ed25519Public(Ed25519VerifyingKey),
    Hs256(Hs256Key),
}

impl ct_key {
    pub(crate) fn signer(&self) -> Result<&dyn SigningKey, ct_result> {
        match &self.inner {
            Key::Ed25519(k, _) => Ok(k),
            Key::Ed25519Public(_) => Err(CT_ERR_KEY_CANNOT_SIGN),
            Key::Hs256(k) => Ok(k),
        }
    }

    pub(crate) fn verifier(&self) -> &dyn VerifyingKey {
        match &self.inner {
            Key::Ed25519(_, v) | Key::Ed25519Public(v) => v,
            Key::Hs256(k) => k,
        }
    }
}

/// Reads len bytes at ptr (NULL: CT_ERR_NULL_POINTER).
///
/// # Safety
/// ptr must be NULL or valid for reads of len bytes for 'a.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], ct_result> {
    if ptr.is_null() {
        return Err(CT_ERR_NULL_POINTER);
    }
    if len > isize::MAX as usize {
        return Err(CT_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, and the caller guarantees `len` readable bytes for `'a`.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Reads a required UTF-8 string.
///
/// # Safety
/// As for bytes.
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize) -> Result<&'a str, ct_result> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr, len) }?;
    core::str::from_utf8(b).map_err(|_| CT_ERR_INVALID_UTF8)
}

/// Reads an optional UTF-8 string (NULL ptr: absent).
///
/// # Safety
/// As for bytes.
pub(crate) unsafe fn opt_text<'a>(s: ct_str) -> Result<Option<&'a str>, ct_result> {
    if s.ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { text(s.ptr, s.len) }.map(Some)
}

/// Makes an Ed25519 signing key (which also verifies) from its 32-byte seed.
///
/// key_use is a CT_KEY_USE_*. On success *out_key is a new handle to free with
/// ct_key_free; on error it is not written.
///
/// # Safety
/// seed must point to 32 readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_ed25519_seed(
    seed: *const u8,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    boundary(|| {
        // SAFETY: the caller guarantees 32 readable bytes at `seed`.
        let seed = unsafe { bytes(seed, 32) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let seed: &[u8; 32] = seed.try_into().map_err(|_| CT_ERR_INVALID_ARGUMENT)?;
        let k = Ed25519SigningKey::from_seed(seed, self::key_use(key_use)?);
        let v = k.verifying_key();
        store::put(
            out_key,
            ct_key {
                inner: Key::Ed25519(k, v),
            },
        )
    })
}

/// Makes an Ed25519 verify-only key from its 32-byte public key (RFC 8032 encoding).
/// CT_INVALID_KEY for an invalid or weak point. Output as ct_key_new_ed25519_seed.
///
/// # Safety
/// x must point to 32 readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_ed25519_public(
    x: *const u8,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    boundary(|| {
        // SAFETY: the caller guarantees 32 readable bytes at `x`.
        let x = unsafe { bytes(x, 32) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let x: &[u8; 32] = x.try_into().map_err(|_| CT_ERR_INVALID_ARGUMENT)?;
        let v = Ed25519VerifyingKey::from_bytes(x, self::key_use(key_use)?).map_err(err)?;
        store::put(
            out_key,
            ct_key {
                inner: Key::Ed25519Public(v),
            },
        )
    })
}

/// Makes an HS256 key (signs and verifies) from a secret of 32 to 64 bytes
/// (CT_INVALID_KEY for a shorter or longer one). The handle keeps a copy, zeroized
/// when freed.
///
/// # Safety
/// secret must point to secret_len readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_hs256(
    secret: *const u8,
    secret_len: usize,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    boundary(|| {
        // SAFETY: the caller guarantees `secret_len` readable bytes at `secret`.
        let secret = unsafe { bytes(secret, secret_len) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let k = Hs256Key::from_secret(secret, self::key_use(key_use)?).map_err(err)?;
        store::put(
            out_key,
            ct_key {
                inner: Key::Hs256(k),
            },
        )
    })
}

/// Sets the key id (kid, 1 to 64 bytes of UTF-8, else CT_INVALID_KEY): issued tokens
/// carry it, and tokens naming another kid are refused. On error the key is unchanged.
///
/// # Safety
/// key must be a live handle not used concurrently; kid must point to kid_len
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_set_kid(
    key: *mut ct_key,
    kid: *const u8,
    kid_len: usize,
) -> ct_result {
    boundary(|| {
        if key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: the caller guarantees `kid_len` readable bytes at `kid`.
        let kid = unsafe { text(kid, kid_len) }?;
        // SAFETY: non-NULL live handle, not used concurrently (API contract).
        let key = unsafe { &mut *key };
        let inner = match &key.inner {
            Key::Ed25519(k, v) => Key::Ed25519(
                k.clone().with_kid(kid).map_err(err)?,
                v.clone().with_kid(kid).map_err(err)?,
            ),
            Key::Ed25519Public(v) => Key::Ed25519Public(v.clone().with_kid(kid).map_err(err)?),
            Key::Hs256(k) => Key::Hs256(k.clone().with_kid(kid).map_err(err)?),
        };
        key.inner = inner;
        Ok(())
    })
}

/// Writes the 32-byte Ed25519 public key of an Ed25519 key into out32
/// (CT_ERR_INVALID_ARGUMENT for an HS256 key).
///
/// # Safety
/// key must be a live handle; out32 must point to 32 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_ed25519_public_bytes(
    key: *const ct_key,
    out32: *mut u8,
) -> ct_result {
    boundary(|| {
        if key.is_null() || out32.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL live handle (API contract).
        let key = unsafe { &*key };
        let bytes = match &key.inner {
            Key::Ed25519(_, v) | Key::Ed25519Public(v) => v.to_bytes(),
            Key::Hs256(_) => return Err(CT_ERR_INVALID_ARGUMENT),
        };
        // SAFETY: `out32` is non-NULL and points to 32 writable bytes (API contract).
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), out32, 32) };
        Ok(())
    })
}

/// Frees a key handle (secret material is zeroized). NULL is fine; freeing twice is not.
///
/// # Safety
/// key must be NULL or a handle from a ct_key_new_* function not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_free(key: *mut ct_key) {
    let _ = boundary(|| {
        if !key.is_null() {
            // SAFETY: a live handle from store::put, freed once (API contract).
            unsafe { store::free(key) };
        }
        Ok(())
    });
}
