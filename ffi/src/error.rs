//! Result codes: `0` is success, `1..=57` are `compact_token::Error::code()` unchanged, and
//! `100..` are the C ABI's own (`109..=114`: key sets; `115..=119`: key documents). Stable
//! forever; a retired code is never reused.

use core::ffi::{CStr, c_char};

use compact_token::Error;

/// A result code: CT_OK, one of compact_token::Error::code() (1..=57), or an FFI
/// code (100..).
#[allow(non_camel_case_types)]
pub type ct_result = u32;

/// Success.
pub const CT_OK: ct_result = 0;
/// The token is not three base64url segments separated by two dots, or is empty.
pub const CT_MALFORMED: ct_result = 1;
/// A segment is not canonical unpadded base64url.
pub const CT_BASE64: ct_result = 2;
/// The JOSE header is not a JSON object of the expected shape.
pub const CT_MALFORMED_HEADER: ct_result = 3;
/// The header carries a refused or unknown parameter (crit, jku, jwk, ...).
pub const CT_UNSUPPORTED_HEADER: ct_result = 4;
/// The header's alg is not the key's algorithm (this includes none).
pub const CT_ALGORITHM_MISMATCH: ct_result = 5;
/// The header's kid names another key.
pub const CT_KEY_ID_MISMATCH: ct_result = 6;
/// The header's typ is not the one this kind of token carries.
pub const CT_WRONG_TYPE: ct_result = 7;
/// The signature does not verify.
pub const CT_BAD_SIGNATURE: ct_result = 8;
/// The claims are not valid for their profile.
pub const CT_MALFORMED_CLAIMS: ct_result = 9;
/// A date claim is not a non-negative integer in range.
pub const CT_INVALID_DATE: ct_result = 10;
/// The JSON nests too deep.
pub const CT_NESTING_TOO_DEEP: ct_result = 11;
/// More values than a claims type holds (audiences, amr).
pub const CT_TOO_MANY_VALUES: ct_result = 12;
/// An access token where an ID token is expected, or the reverse.
pub const CT_WRONG_KIND: ct_result = 13;
/// A token of the other profile (jwt vs compact).
pub const CT_WRONG_PROFILE: ct_result = 14;
/// The token has expired.
pub const CT_EXPIRED: ct_result = 15;
/// The token is not yet valid (nbf).
pub const CT_NOT_YET_VALID: ct_result = 16;
/// The token claims to be issued in the future.
pub const CT_ISSUED_IN_FUTURE: ct_result = 17;
/// iss is not the expected issuer.
pub const CT_WRONG_ISSUER: ct_result = 18;
/// aud does not contain the expected audience.
pub const CT_WRONG_AUDIENCE: ct_result = 19;
/// azp is not the expected client, or missing where required.
pub const CT_WRONG_AUTHORIZED_PARTY: ct_result = 20;
/// A required scope is missing.
pub const CT_MISSING_SCOPE: ct_result = 21;
/// The ID token's nonce is missing or not the expected one.
pub const CT_WRONG_NONCE: ct_result = 22;
/// The ID token's at_hash is missing or does not match the access token.
pub const CT_ACCESS_TOKEN_HASH_MISMATCH: ct_result = 23;
/// exp - iat exceeds the kind's maximum lifetime, or exp is not after iat.
pub const CT_LIFETIME_TOO_LONG: ct_result = 24;
/// The token is longer than the kind's size budget.
pub const CT_OVER_BUDGET: ct_result = 25;
/// The output or scratch buffer is too small (issuing writes the length needed).
pub const CT_BUFFER_TOO_SMALL: ct_result = 26;
/// Key material is invalid.
pub const CT_INVALID_KEY: ct_result = 27;
/// The key's use does not cover this kind of token.
pub const CT_KEY_USE_MISMATCH: ct_result = 28;
/// A policy or limit is out of range (also: a registry with a duplicate value).
pub const CT_INVALID_POLICY: ct_result = 29;
/// A compact token names a format version this library does not read.
pub const CT_UNSUPPORTED_VERSION: ct_result = 30;
/// A compact token carries bytes after its claims.
pub const CT_TRAILING_BYTES: ct_result = 31;
/// A compact token was encoded against another registry.
pub const CT_REGISTRY_MISMATCH: ct_result = 32;
/// A compact token uses a number the verifier's registry lacks.
pub const CT_UNREGISTERED_VALUE: ct_result = 33;
/// A JSON object names a member twice (at any depth, names compared after unescaping).
pub const CT_DUPLICATE_MEMBER: ct_result = 34;
/// Signing failed (the key's randomness source failed); nothing usable was written.
pub const CT_SIGNING_FAILED: ct_result = 35;
/// The ID token's c_hash is missing or does not match the authorization code.
pub const CT_CODE_HASH_MISMATCH: ct_result = 36;
/// A custom claim takes the name of a typed claim (issuing).
pub const CT_CLAIM_COLLISION: ct_result = 37;
/// A custom claim the policy requires is absent.
pub const CT_REQUIRED_CLAIM_MISSING: ct_result = 38;
/// A custom claim the policy requires has another value.
pub const CT_REQUIRED_CLAIM_MISMATCH: ct_result = 39;
/// A DPoP-bound access token was presented without a DPoP proof.
pub const CT_DPOP_PROOF_MISSING: ct_result = 40;
/// The DPoP proof is not a JWS of the expected shape (base64url, JSON, a required claim
/// missing or mistyped, a jti too long, a proof too long).
pub const CT_DPOP_PROOF_MALFORMED: ct_result = 41;
/// The DPoP proof's signature does not verify with the key in its jwk header.
pub const CT_DPOP_BAD_SIGNATURE: ct_result = 42;
/// The DPoP proof's typ is missing or not dpop+jwt.
pub const CT_DPOP_WRONG_TYPE: ct_result = 43;
/// The DPoP proof's alg is not ES256, EdDSA or Ed25519, or not its jwk's algorithm.
pub const CT_DPOP_ALGORITHM_NOT_ALLOWED: ct_result = 44;
/// The DPoP proof's jwk carries private key material (d, p, q, dp, dq, qi, oth, k).
pub const CT_DPOP_PRIVATE_KEY: ct_result = 45;
/// The DPoP proof's jwk is not a public EC P-256 or OKP Ed25519 key.
pub const CT_DPOP_INVALID_KEY: ct_result = 46;
/// The DPoP proof's htm is not the request's method.
pub const CT_DPOP_WRONG_METHOD: ct_result = 47;
/// The DPoP proof's htu is not the request's URI (after normalization), or has a query
/// or fragment.
pub const CT_DPOP_WRONG_URI: ct_result = 48;
/// The DPoP proof's iat is older than the verifier's window.
pub const CT_DPOP_PROOF_STALE: ct_result = 49;
/// The DPoP proof's iat is further ahead than the verifier's window.
pub const CT_DPOP_PROOF_IN_FUTURE: ct_result = 50;
/// The DPoP proof's jti was seen before (a replay).
pub const CT_DPOP_REPLAYED: ct_result = 51;
/// The replay cache is full of unexpired entries and refuses the proof.
pub const CT_DPOP_REPLAY_CACHE_FULL: ct_result = 52;
/// The DPoP proof's ath is missing or not the hash of the access token.
pub const CT_DPOP_ACCESS_TOKEN_HASH_MISMATCH: ct_result = 53;
/// The server requires a nonce and the DPoP proof's is missing or another.
pub const CT_DPOP_NONCE_MISMATCH: ct_result = 54;
/// The access token carries no cnf.jkt (not bound to a DPoP key).
pub const CT_DPOP_TOKEN_NOT_BOUND: ct_result = 55;
/// The access token's cnf.jkt is not the thumbprint of the DPoP proof's key.
pub const CT_DPOP_KEY_NOT_BOUND: ct_result = 56;
/// A compact token carries custom claims (or custom claims were given to a compact issue)
/// in a build without compact-custom-claims: only a firmware build made with
/// --no-default-features returns it.
pub const CT_CUSTOM_CLAIMS_DISABLED: ct_result = 57;

/// A required pointer argument is NULL.
pub const CT_ERR_NULL_POINTER: ct_result = 100;
/// A string argument (claim, issuer, token, kid, registry value) is not valid UTF-8.
pub const CT_ERR_INVALID_UTF8: ct_result = 101;
/// A panic was caught at the boundary (a bug: please report it). Outputs are untouched.
pub const CT_ERR_PANIC: ct_result = 102;
/// An enum argument (ct_key_use, ct_profile) or a count is out of range, or a
/// verify function's scratch overlaps one of its inputs or its claims output.
pub const CT_ERR_INVALID_ARGUMENT: ct_result = 103;
/// A public (verify-only) key was asked to sign.
pub const CT_ERR_KEY_CANNOT_SIGN: ct_result = 104;
/// The function is not available in this build (the no_std firmware build has no heap for
/// what it would copy or read: ct_registry_new, ct_keyset_new_jwks, ct_key_new_jwk,
/// ct_key_new_pem, ct_key_public_jwk, a NULL scratch buffer).
pub const CT_ERR_UNSUPPORTED: ct_result = 105;
/// No free handle: the no_std firmware build holds at most CT_FIRMWARE_MAX_KEYS (8) keys
/// at once; free one first.
pub const CT_ERR_NO_HANDLE: ct_result = 106;
/// A ct_extras_* function found no value at the path (or no element at the index).
pub const CT_ERR_CLAIM_NOT_FOUND: ct_result = 107;
/// A ct_extras_* function found a value of another type than it reads (a string read as
/// an integer, an integer that does not fit an int64_t, a non-array as an array).
pub const CT_ERR_CLAIM_TYPE: ct_result = 108;
/// Verifying with a key set: the token's kid names no key of the set.
pub const CT_ERR_UNKNOWN_KEY_ID: ct_result = 109;
/// Verifying with a key set: the token has no kid and several keys of the set are for its
/// kind and algorithm (keys are never tried in turn).
pub const CT_ERR_AMBIGUOUS_KEY: ct_result = 110;
/// Verifying with a key set: the token has no kid and no key of the set is for its kind
/// (token_use) and the algorithm its header names.
pub const CT_ERR_NO_MATCHING_KEY: ct_result = 111;
/// ct_keyset_new_jwks: the JSON is not a JWK set, or a key of a supported type in it is
/// malformed (a member missing or not canonical base64url, an alg contradicting the key, a
/// use or token_use out of range, a kid twice).
pub const CT_ERR_INVALID_JWKS: ct_result = 112;
/// ct_keyset_new_jwks: the set holds private key material (a "d" member, an "oct" secret):
/// a public JWK set never does, so the whole set is refused.
pub const CT_ERR_JWKS_PRIVATE_KEY: ct_result = 113;
/// ct_keyset_new_jwks: the set holds no key this library can verify with (it is empty, or
/// every key was skipped).
pub const CT_ERR_JWKS_NO_USABLE_KEY: ct_result = 114;
/// ct_key_new_jwk: the JSON is not one JWK of a supported shape (a member missing, not
/// canonical base64url or of the wrong length, an "alg" contradicting the key type, "use"
/// other than "sig", "key_ops" other than "sign" and "verify", a bad "token_use" or "kid").
pub const CT_ERR_INVALID_JWK: ct_result = 115;
/// ct_key_new_jwk, ct_key_new_pem: a key type or curve this library does not implement
/// (such as "kty" "OKP" with X25519, "EC" with P-384).
pub const CT_ERR_UNSUPPORTED_KEY_TYPE: ct_result = 116;
/// ct_key_new_jwk, ct_key_new_pem: an RSA key whose algorithm nothing names (a JWK without
/// "alg", any PEM) and alg CT_ALG_UNSPECIFIED: pass CT_ALG_RS256 or CT_ALG_PS256.
pub const CT_ERR_ALGORITHM_REQUIRED: ct_result = 117;
/// ct_key_new_jwk, ct_key_new_pem: alg names an algorithm the key cannot be for (ES256 for
/// an RSA key, say), or another one than the JWK's "alg".
pub const CT_ERR_ALGORITHM_CONFLICT: ct_result = 118;
/// ct_key_new_pem: the text is not one PEM key document (another label, such as a
/// certificate or an encrypted private key, or malformed or truncated DER).
pub const CT_ERR_INVALID_PEM: ct_result = 119;

/// The code of a core error.
pub(crate) const fn code_of(e: Error) -> ct_result {
    e.code() as ct_result
}

/// Every core error, in code order (the i-th has code i + 1).
#[cfg(test)]
pub(crate) fn core_errors() -> impl Iterator<Item = Error> {
    (1..=Error::MAX_CODE).filter_map(Error::from_code)
}

/// Messages of codes 0..=57: core's Error::as_str() with a terminating NUL (a test
/// checks they agree).
const CORE_MESSAGES: [&CStr; 58] = [
    c"ok",
    c"malformed token",
    c"invalid or non-canonical base64url",
    c"malformed header",
    c"unsupported header parameter",
    c"algorithm does not match the key",
    c"key id does not match the key",
    c"wrong token type (typ)",
    c"bad signature",
    c"malformed claims",
    c"invalid date",
    c"json nested too deep",
    c"too many values in a claim",
    c"wrong kind of token",
    c"wrong token profile",
    c"token expired",
    c"token not yet valid",
    c"token issued in the future",
    c"wrong issuer",
    c"wrong audience",
    c"wrong authorized party (azp)",
    c"missing required scope",
    c"wrong nonce",
    c"at_hash does not match the access token",
    c"lifetime too long",
    c"token over its size budget",
    c"buffer too small",
    c"invalid key",
    c"key not meant for this kind of token",
    c"invalid policy",
    c"unsupported format version",
    c"trailing bytes after claims",
    c"registry fingerprint mismatch",
    c"unregistered value",
    c"json member named twice",
    c"signing failed",
    c"c_hash does not match the authorization code",
    c"custom claim named as a typed claim",
    c"required claim missing",
    c"required claim has another value",
    c"dpop proof missing",
    c"malformed dpop proof",
    c"bad dpop proof signature",
    c"wrong dpop proof type (typ)",
    c"dpop proof algorithm not allowed",
    c"private key in dpop proof jwk",
    c"invalid dpop proof key",
    c"dpop proof for another method (htm)",
    c"dpop proof for another uri (htu)",
    c"dpop proof too old (iat)",
    c"dpop proof issued in the future (iat)",
    c"dpop proof replayed (jti)",
    c"dpop replay cache full",
    c"dpop proof ath does not match the access token",
    c"dpop proof nonce missing or wrong",
    c"access token not bound to a dpop key",
    c"dpop proof key not the one the token is bound to",
    c"custom claims in the compact profile need the compact-custom-claims feature",
];

pub(crate) fn message(code: ct_result) -> &'static CStr {
    match code {
        0..=CT_CUSTOM_CLAIMS_DISABLED => CORE_MESSAGES[code as usize],
        CT_ERR_NULL_POINTER => c"null pointer argument",
        CT_ERR_INVALID_UTF8 => c"argument is not valid utf-8",
        CT_ERR_PANIC => c"internal panic caught at the ffi boundary",
        CT_ERR_INVALID_ARGUMENT => c"argument out of range",
        CT_ERR_KEY_CANNOT_SIGN => c"public key cannot sign",
        CT_ERR_UNSUPPORTED => c"not available in this build",
        CT_ERR_NO_HANDLE => c"no free handle",
        CT_ERR_CLAIM_NOT_FOUND => c"no custom claim at that path",
        CT_ERR_CLAIM_TYPE => c"custom claim of another type",
        CT_ERR_UNKNOWN_KEY_ID => c"no key of the set has the token's kid",
        CT_ERR_AMBIGUOUS_KEY => c"token has no kid and several keys of the set could verify it",
        CT_ERR_NO_MATCHING_KEY => c"token has no kid and no key of the set is for it",
        CT_ERR_INVALID_JWKS => c"not a valid jwk set",
        CT_ERR_JWKS_PRIVATE_KEY => c"private key material in a public jwk set",
        CT_ERR_JWKS_NO_USABLE_KEY => c"no usable key in the jwk set",
        CT_ERR_INVALID_JWK => c"not a valid jwk",
        CT_ERR_UNSUPPORTED_KEY_TYPE => c"key type or curve not supported",
        CT_ERR_ALGORITHM_REQUIRED => c"rsa key needs an algorithm (rs256 or ps256)",
        CT_ERR_ALGORITHM_CONFLICT => c"algorithm does not fit the key",
        CT_ERR_INVALID_PEM => c"not a valid pem key",
        _ => c"unknown result code",
    }
}

/// The static, NUL-terminated description of a result code (never NULL; unknown codes
/// give "unknown result code"). Do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn ct_error_message(code: ct_result) -> *const c_char {
    crate::panic::boundary_or(
        c"internal panic caught at the ffi boundary".as_ptr(),
        || message(code).as_ptr(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_codes_and_messages_agree() {
        assert_eq!(core_errors().count(), usize::from(Error::MAX_CODE));
        for (i, e) in core_errors().enumerate() {
            assert_eq!(code_of(e) as usize, i + 1);
            assert_eq!(message(code_of(e)).to_str().unwrap(), e.as_str());
        }
        let named = [
            CT_MALFORMED,
            CT_BASE64,
            CT_MALFORMED_HEADER,
            CT_UNSUPPORTED_HEADER,
            CT_ALGORITHM_MISMATCH,
            CT_KEY_ID_MISMATCH,
            CT_WRONG_TYPE,
            CT_BAD_SIGNATURE,
            CT_MALFORMED_CLAIMS,
            CT_INVALID_DATE,
            CT_NESTING_TOO_DEEP,
            CT_TOO_MANY_VALUES,
            CT_WRONG_KIND,
            CT_WRONG_PROFILE,
            CT_EXPIRED,
            CT_NOT_YET_VALID,
            CT_ISSUED_IN_FUTURE,
            CT_WRONG_ISSUER,
            CT_WRONG_AUDIENCE,
            CT_WRONG_AUTHORIZED_PARTY,
            CT_MISSING_SCOPE,
            CT_WRONG_NONCE,
            CT_ACCESS_TOKEN_HASH_MISMATCH,
            CT_LIFETIME_TOO_LONG,
            CT_OVER_BUDGET,
            CT_BUFFER_TOO_SMALL,
            CT_INVALID_KEY,
            CT_KEY_USE_MISMATCH,
            CT_INVALID_POLICY,
            CT_UNSUPPORTED_VERSION,
            CT_TRAILING_BYTES,
            CT_REGISTRY_MISMATCH,
            CT_UNREGISTERED_VALUE,
            CT_DUPLICATE_MEMBER,
            CT_SIGNING_FAILED,
            CT_CODE_HASH_MISMATCH,
            CT_CLAIM_COLLISION,
            CT_REQUIRED_CLAIM_MISSING,
            CT_REQUIRED_CLAIM_MISMATCH,
            CT_DPOP_PROOF_MISSING,
            CT_DPOP_PROOF_MALFORMED,
            CT_DPOP_BAD_SIGNATURE,
            CT_DPOP_WRONG_TYPE,
            CT_DPOP_ALGORITHM_NOT_ALLOWED,
            CT_DPOP_PRIVATE_KEY,
            CT_DPOP_INVALID_KEY,
            CT_DPOP_WRONG_METHOD,
            CT_DPOP_WRONG_URI,
            CT_DPOP_PROOF_STALE,
            CT_DPOP_PROOF_IN_FUTURE,
            CT_DPOP_REPLAYED,
            CT_DPOP_REPLAY_CACHE_FULL,
            CT_DPOP_ACCESS_TOKEN_HASH_MISMATCH,
            CT_DPOP_NONCE_MISMATCH,
            CT_DPOP_TOKEN_NOT_BOUND,
            CT_DPOP_KEY_NOT_BOUND,
            CT_CUSTOM_CLAIMS_DISABLED,
        ];
        for (c, e) in named.iter().zip(core_errors()) {
            assert_eq!(*c, code_of(e));
        }
        assert_eq!(named.len(), usize::from(Error::MAX_CODE));
    }

    #[test]
    fn ffi_codes_are_distinct_and_described() {
        let ffi = [
            CT_ERR_NULL_POINTER,
            CT_ERR_INVALID_UTF8,
            CT_ERR_PANIC,
            CT_ERR_INVALID_ARGUMENT,
            CT_ERR_KEY_CANNOT_SIGN,
            CT_ERR_UNSUPPORTED,
            CT_ERR_NO_HANDLE,
            CT_ERR_CLAIM_NOT_FOUND,
            CT_ERR_CLAIM_TYPE,
            CT_ERR_UNKNOWN_KEY_ID,
            CT_ERR_AMBIGUOUS_KEY,
            CT_ERR_NO_MATCHING_KEY,
            CT_ERR_INVALID_JWKS,
            CT_ERR_JWKS_PRIVATE_KEY,
            CT_ERR_JWKS_NO_USABLE_KEY,
            CT_ERR_INVALID_JWK,
            CT_ERR_UNSUPPORTED_KEY_TYPE,
            CT_ERR_ALGORITHM_REQUIRED,
            CT_ERR_ALGORITHM_CONFLICT,
            CT_ERR_INVALID_PEM,
        ];
        for (i, a) in ffi.iter().enumerate() {
            assert!(*a >= 100);
            assert_ne!(message(*a).to_bytes(), b"unknown result code");
            for b in &ffi[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(message(9999).to_bytes(), b"unknown result code");
    }

    /// README.md's table of result codes has a row for every code there is.
    #[test]
    fn the_readme_lists_every_code() {
        let readme = include_str!("../README.md");
        let known = (0..1000).filter(|&c| message(c).to_bytes() != b"unknown result code");
        for code in known {
            let row = std::format!("\n| {code} | `CT_");
            assert!(
                readme.contains(&row),
                "ffi/README.md has no row for code {code}"
            );
        }
    }
}
