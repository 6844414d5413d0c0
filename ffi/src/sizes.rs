//! Sizes a C program needs for its buffers, as constants (usable in array declarations)
//! and a function.

use compact_token::Limits;

use crate::{CT_PROFILE_COMPACT, CT_PROFILE_JWT, ct_profile};

/// The longest access token issued or accepted by default, in bytes (its size budget).
pub const CT_ACCESS_MAX_BYTES: usize = 1024;
/// The longest ID token issued or accepted by default, in bytes (its size budget).
pub const CT_ID_MAX_BYTES: usize = 4096;
/// The longest key id (kid), in bytes.
pub const CT_MAX_KID_LEN: usize = 64;
/// The length of an at_hash or c_hash value: at most 43 characters (EdDSA; 22 for HS256).
pub const CT_MAX_HASH_LEN: usize = 43;
/// How many key handles the no_std (firmware) build holds at once, in a static pool (it
/// has no heap): ct_key_new_* gives CT_ERR_NO_HANDLE beyond. The std build has no limit.
pub const CT_FIRMWARE_MAX_KEYS: usize = 8;
/// A verify scratch buffer of CT_VERIFY_SCRATCH_FACTOR * token_len bytes suffices for a
/// token of token_len bytes (the exception: see ct_verify_scratch_len). A constant rather
/// than a function-like macro so that every binding (cffi included) reads the header.
pub const CT_VERIFY_SCRATCH_FACTOR: usize = 3;
/// A verify scratch buffer this large suffices for any access token within the default
/// budget, except compact tokens whose scopes are registered values (see
/// ct_verify_scratch_len).
pub const CT_ACCESS_SCRATCH_BYTES: usize = 3072;
/// As CT_ACCESS_SCRATCH_BYTES, for ID tokens.
pub const CT_ID_SCRATCH_BYTES: usize = 12288;

const _: () = assert!(CT_ACCESS_MAX_BYTES == Limits::ACCESS.max_bytes);
const _: () = assert!(CT_ID_MAX_BYTES == Limits::ID.max_bytes);
const _: () = assert!(CT_MAX_KID_LEN == compact_token::MAX_KID_LEN);
const _: () = assert!(CT_MAX_HASH_LEN == compact_token::MAX_AT_HASH_LEN);
// Literal values above, for bindings whose header parser reads no expressions (cffi).
const _: () = assert!(CT_ACCESS_SCRATCH_BYTES == CT_VERIFY_SCRATCH_FACTOR * CT_ACCESS_MAX_BYTES);
const _: () = assert!(CT_ID_SCRATCH_BYTES == CT_VERIFY_SCRATCH_FACTOR * CT_ID_MAX_BYTES);

/// The scratch size that suffices to verify a token of token_len bytes in profile (a
/// CT_PROFILE_*): CT_VERIFY_SCRATCH_FACTOR * token_len, except compact tokens
/// whose scopes are registered values, which may need more: then the verify functions
/// that take a scratch_needed output report the exact size with CT_BUFFER_TOO_SMALL.
/// Returns 0 for an unknown profile, SIZE_MAX when the product overflows.
#[unsafe(no_mangle)]
pub extern "C" fn ct_verify_scratch_len(profile: ct_profile, token_len: usize) -> usize {
    match profile {
        CT_PROFILE_JWT | CT_PROFILE_COMPACT => token_len.saturating_mul(CT_VERIFY_SCRATCH_FACTOR),
        _ => 0,
    }
}
