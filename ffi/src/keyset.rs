//! The key set handle: the public keys of a JWK set, one of which verifies a token, picked
//! by its kid under compact-token-std's rules (`KeySet::verifying_key`). Reading JSON and
//! owning the keys need a heap: the no_std (firmware) build has neither compact-token-std
//! nor a heap, and there ct_keyset_new_jwks gives CT_ERR_UNSUPPORTED.

#[cfg(not(feature = "std"))]
use crate::CT_ERR_UNSUPPORTED;
#[cfg(feature = "std")]
use crate::{
    CT_ERR_AMBIGUOUS_KEY, CT_ERR_INVALID_JWKS, CT_ERR_JWKS_NO_USABLE_KEY, CT_ERR_JWKS_PRIVATE_KEY,
    CT_ERR_NO_MATCHING_KEY, CT_ERR_UNKNOWN_KEY_ID, err, store, text,
};
use crate::{CT_ERR_NULL_POINTER, ct_key_use, ct_result, panic::boundary};
#[cfg(feature = "std")]
use compact_token::{Kind, VerifyingKey};
#[cfg(feature = "std")]
use compact_token_std::{Error as StdError, keyset::KeySet};

/// A key set handle (opaque): the public keys of a JWK set, to verify tokens signed by any
/// of them (ct_access_verify_keyset, ct_id_verify_keyset).
///
/// Ownership: made by ct_keyset_new_jwks, owned by the caller, freed once with
/// ct_keyset_free. It copies the keys it reads: the JSON need not outlive the call.
///
/// Thread safety: after ct_keyset_new_jwks it is never changed, so it may be used from
/// several threads at once; ct_keyset_free must not run while any other call uses it.
#[cfg(feature = "std")]
pub struct ct_keyset {
    set: KeySet,
}

/// The no_std build's key set handle: never made (ct_keyset_new_jwks is unsupported there).
#[cfg(not(feature = "std"))]
pub struct ct_keyset {
    _private: [u8; 0],
}

/// The code of a compact-token-std error: its token errors unchanged, the rest as the
/// FFI codes 109..=113 (one per thing a caller can act on).
#[cfg(feature = "std")]
pub(crate) fn std_code(e: StdError) -> ct_result {
    match e {
        StdError::Token(e) => err(e),
        StdError::UnknownKeyId => CT_ERR_UNKNOWN_KEY_ID,
        StdError::AmbiguousKey => CT_ERR_AMBIGUOUS_KEY,
        StdError::NoActiveKey => CT_ERR_NO_MATCHING_KEY,
        StdError::PrivateKeyInPublicSet => CT_ERR_JWKS_PRIVATE_KEY,
        StdError::RsaKeySize => crate::CT_INVALID_KEY,
        _ => CT_ERR_INVALID_JWKS,
    }
}

#[cfg(feature = "std")]
impl ct_keyset {
    /// The key of the set that verifies token, a token of kind, at now.
    pub(crate) fn verifier(
        &self,
        token: &str,
        kind: Kind,
        now: u64,
    ) -> Result<&dyn VerifyingKey, ct_result> {
        self.set
            .verifying_key(token, kind, now)
            .map(|k| k as &dyn VerifyingKey)
            .map_err(std_code)
    }
}

/// Makes a key set from a public JWK set ({"keys":[...]}, json_len bytes of UTF-8 JSON):
/// its Ed25519 (OKP), P-256 (EC) and RSA keys, with or without kid, each always in
/// service. key_use (a CT_KEY_USE_*) is the use of keys without a "token_use" member.
///
/// Keys this library cannot verify with (another curve or key type, "use" other than
/// "sig", "key_ops" without "verify", an "alg" it does not implement) are skipped, as RFC
/// 7517 section 5 advises. Errors: CT_ERR_INVALID_JWKS for JSON that is not a JWK set or a
/// key of a supported type that is malformed (missing or non-canonical member, alg
/// contradicting the key, a kid twice); CT_INVALID_KEY for an invalid public key;
/// CT_ERR_JWKS_PRIVATE_KEY for private material ("d", an "oct" secret) anywhere in the set;
/// CT_ERR_JWKS_NO_USABLE_KEY when no key is left (an empty set, or only skipped keys).
/// CT_ERR_UNSUPPORTED in the no_std (firmware) build. On success *out_keyset is a new
/// handle to free with ct_keyset_free; on error it is not written.
///
/// # Safety
/// json must point to json_len readable bytes; out_keyset to a writable ct_keyset*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_keyset_new_jwks(
    json: *const u8,
    json_len: usize,
    key_use: ct_key_use,
    out_keyset: *mut *mut ct_keyset,
) -> ct_result {
    boundary(|| {
        if json.is_null() || out_keyset.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = (json_len, key_use);
            Err(CT_ERR_UNSUPPORTED)
        }
        #[cfg(feature = "std")]
        {
            let key_use = crate::key_use(key_use)?;
            // SAFETY: the caller guarantees `json_len` readable bytes at `json`.
            let json = unsafe { text(json, json_len) }?;
            let set = KeySet::from_public_jwks(json, key_use).map_err(std_code)?;
            if set.is_empty() {
                return Err(CT_ERR_JWKS_NO_USABLE_KEY);
            }
            store::put(out_keyset, ct_keyset { set })
        }
    })
}

/// Frees a key set handle. NULL is fine; freeing twice is not.
///
/// # Safety
/// keyset must be NULL or a handle from ct_keyset_new_jwks not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_keyset_free(keyset: *mut ct_keyset) {
    let _ = boundary(|| {
        #[cfg(feature = "std")]
        if !keyset.is_null() {
            // SAFETY: a live handle from store::put, freed once (API contract).
            unsafe { store::free(keyset) };
        }
        #[cfg(not(feature = "std"))]
        let _ = keyset;
        Ok(())
    });
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn std_errors_map_to_distinct_codes() {
        assert_eq!(
            std_code(StdError::Token(compact_token::Error::BadSignature)),
            crate::CT_BAD_SIGNATURE
        );
        let codes = [
            std_code(StdError::UnknownKeyId),
            std_code(StdError::AmbiguousKey),
            std_code(StdError::NoActiveKey),
            std_code(StdError::PrivateKeyInPublicSet),
            std_code(StdError::Json),
            std_code(StdError::RsaKeySize),
        ];
        assert_eq!(
            codes,
            [
                CT_ERR_UNKNOWN_KEY_ID,
                CT_ERR_AMBIGUOUS_KEY,
                CT_ERR_NO_MATCHING_KEY,
                CT_ERR_JWKS_PRIVATE_KEY,
                CT_ERR_INVALID_JWKS,
                crate::CT_INVALID_KEY
            ]
        );
    }
}
