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
mod document;
mod dpop;
mod error;
mod extras;
mod inspect;
mod key;
mod keyset;
mod panic;
mod policy;
mod registry;
mod sizes;
mod store;
mod version;

use core::ptr;

use compact_token::{Error, KeyUse};

pub use claims::{
    CT_MAX_AMR, CT_MAX_AUDIENCES, ct_access_claims, ct_access_issue, ct_access_issue_with,
    ct_access_verify, ct_access_verify_dpop, ct_access_verify_keyset, ct_access_verify_with,
    ct_id_claims, ct_id_issue, ct_id_issue_with, ct_id_verify, ct_id_verify_keyset,
    ct_id_verify_with,
};
pub use document::{ct_key_new_jwk, ct_key_new_pem, ct_key_public_jwk};
pub use dpop::{
    CT_DPOP_FLAGS_NONE, CT_DPOP_JKT_LEN, CT_DPOP_MAX_PROOF_LEN, CT_DPOP_NO_REPLAY_CHECK,
    ct_dpop_jkt, ct_dpop_proof_issue, ct_dpop_request, ct_replay_cache, ct_replay_cache_free,
    ct_replay_cache_new, ct_replay_check_fn,
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
pub use key::{
    CT_ALG_EDDSA, CT_ALG_ES256, CT_ALG_HS256, CT_ALG_PS256, CT_ALG_RS256, CT_ALG_UNSPECIFIED,
    ct_alg, ct_key, ct_key_algorithm, ct_key_ed25519_public_bytes, ct_key_es256_public_bytes,
    ct_key_free, ct_key_new_ed25519_public, ct_key_new_ed25519_seed, ct_key_new_es256_private,
    ct_key_new_es256_public, ct_key_new_hs256, ct_key_set_kid,
};
pub use keyset::{ct_keyset, ct_keyset_free, ct_keyset_new_jwks};
pub use policy::{
    CT_MAX_REQUIRED_CLAIMS, CT_MAX_REQUIRED_SCOPES, CT_RULE_CONTAINS, CT_RULE_EQUALS,
    CT_RULE_IS_TRUE, CT_RULE_PRESENT, ct_access_policy, ct_claim_requirement,
    ct_claim_requirements, ct_id_policy, ct_limits, ct_rule,
};
pub use registry::{ct_registry, ct_registry_free, ct_registry_new};
pub use sizes::*;
pub use version::*;

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
