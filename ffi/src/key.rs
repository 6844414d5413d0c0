//! Key handles: Ed25519, ES256 (P-256) and HS256 keys in every build, RSA (RS256, PS256)
//! in the std build, from raw bytes here and from JWK or PEM documents in `document`. A
//! handle holds one key of one algorithm and one use: the key pins the algorithm, the
//! token's header never chooses it.

use core::ptr;

use compact_token::{
    Algorithm, Ed25519SigningKey, Ed25519VerifyingKey, Es256SigningKey, Es256VerifyingKey,
    Hs256Key, SigningKey, VerifyingKey,
};
#[cfg(feature = "std")]
use compact_token::{RsaSigningKey, RsaVerifyingKey};

use crate::panic::{boundary, boundary_or};
use crate::{
    CT_ERR_INVALID_ARGUMENT, CT_ERR_KEY_CANNOT_SIGN, CT_ERR_NULL_POINTER, bytes, ct_key_use,
    ct_result, err, key_use, store, text,
};

/// A signature algorithm: one of CT_ALG_*.
pub type ct_alg = u32;
/// No algorithm named. As an argument (ct_key_new_jwk, ct_key_new_pem): the key document
/// decides. From ct_key_algorithm: a NULL key.
pub const CT_ALG_UNSPECIFIED: ct_alg = 0;
/// EdDSA with Ed25519 (RFC 8037).
pub const CT_ALG_EDDSA: ct_alg = 1;
/// HMAC with SHA-256 (RFC 7518 section 3.2).
pub const CT_ALG_HS256: ct_alg = 2;
/// ECDSA with P-256 and SHA-256 (RFC 7518 section 3.4).
pub const CT_ALG_ES256: ct_alg = 3;
/// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 section 3.3); std build only.
pub const CT_ALG_RS256: ct_alg = 4;
/// RSASSA-PSS with SHA-256 and MGF1-SHA-256, 32-byte salt (RFC 7518 section 3.5); std
/// build only.
pub const CT_ALG_PS256: ct_alg = 5;

/// The ABI number of an algorithm.
pub(crate) fn alg_code(alg: Algorithm) -> ct_alg {
    match alg {
        Algorithm::EdDSA => CT_ALG_EDDSA,
        Algorithm::HS256 => CT_ALG_HS256,
        Algorithm::ES256 => CT_ALG_ES256,
        Algorithm::RS256 => CT_ALG_RS256,
        Algorithm::PS256 => CT_ALG_PS256,
        _ => CT_ALG_UNSPECIFIED,
    }
}

/// The algorithm an argument names: None for CT_ALG_UNSPECIFIED, CT_ERR_INVALID_ARGUMENT
/// for a number that is no CT_ALG_*.
pub(crate) fn alg_arg(alg: ct_alg) -> Result<Option<Algorithm>, ct_result> {
    Ok(Some(match alg {
        CT_ALG_UNSPECIFIED => return Ok(None),
        CT_ALG_EDDSA => Algorithm::EdDSA,
        CT_ALG_HS256 => Algorithm::HS256,
        CT_ALG_ES256 => Algorithm::ES256,
        CT_ALG_RS256 => Algorithm::RS256,
        CT_ALG_PS256 => Algorithm::PS256,
        _ => return Err(CT_ERR_INVALID_ARGUMENT),
    }))
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
    pub(crate) inner: Key,
}

/// A private key with its public half (it signs and verifies), or a public key alone.
pub(crate) struct Pair<S, V> {
    pub(crate) signing: Option<S>,
    pub(crate) verifying: V,
}

/// The key types: one algorithm each, but RSA, whose keys are RS256 or PS256.
#[allow(clippy::large_enum_variant)] // boxed (or pooled) behind the handle anyway
pub(crate) enum Key {
    Ed25519(Pair<Ed25519SigningKey, Ed25519VerifyingKey>),
    Es256(Pair<Es256SigningKey, Es256VerifyingKey>),
    #[cfg(feature = "std")]
    Rsa(Pair<RsaSigningKey, RsaVerifyingKey>),
    Hs256(Hs256Key),
}

/// The core key types' with_kid, as one method for Pair.
pub(crate) trait WithKid: Clone {
    fn kid(self, kid: &str) -> compact_token::Result<Self>;
}

macro_rules! with_kid {
    ($($t:ty),*) => {$(
        impl WithKid for $t {
            fn kid(self, kid: &str) -> compact_token::Result<Self> {
                self.with_kid(kid)
            }
        }
    )*};
}
with_kid!(
    Ed25519SigningKey,
    Ed25519VerifyingKey,
    Es256SigningKey,
    Es256VerifyingKey,
    Hs256Key
);
#[cfg(feature = "std")]
with_kid!(RsaSigningKey, RsaVerifyingKey);

impl<S: SigningKey + WithKid, V: VerifyingKey + WithKid> Pair<S, V> {
    /// A private key and the public key derived from it.
    pub(crate) fn private(signing: S, verifying: V) -> Self {
        Pair {
            signing: Some(signing),
            verifying,
        }
    }

    /// A public key alone (verify only).
    pub(crate) fn public(verifying: V) -> Self {
        Pair {
            signing: None,
            verifying,
        }
    }

    fn signer(&self) -> Result<&dyn SigningKey, ct_result> {
        match &self.signing {
            Some(k) => Ok(k),
            None => Err(CT_ERR_KEY_CANNOT_SIGN),
        }
    }

    /// The same keys with a key id.
    pub(crate) fn with_kid(&self, kid: &str) -> Result<Self, ct_result> {
        Ok(Pair {
            signing: self
                .signing
                .clone()
                .map(|k| k.kid(kid))
                .transpose()
                .map_err(err)?,
            verifying: self.verifying.clone().kid(kid).map_err(err)?,
        })
    }
}

impl Key {
    /// The key that signs (CT_ERR_KEY_CANNOT_SIGN for a public key).
    pub(crate) fn signer(&self) -> Result<&dyn SigningKey, ct_result> {
        match self {
            Key::Ed25519(p) => p.signer(),
            Key::Es256(p) => p.signer(),
            #[cfg(feature = "std")]
            Key::Rsa(p) => p.signer(),
            Key::Hs256(k) => Ok(k),
        }
    }

    /// The key that verifies (a private key's public half).
    pub(crate) fn verifier(&self) -> &dyn VerifyingKey {
        match self {
            Key::Ed25519(p) => &p.verifying,
            Key::Es256(p) => &p.verifying,
            #[cfg(feature = "std")]
            Key::Rsa(p) => &p.verifying,
            Key::Hs256(k) => k,
        }
    }
}

impl ct_key {
    pub(crate) fn signer(&self) -> Result<&dyn SigningKey, ct_result> {
        self.inner.signer()
    }

    pub(crate) fn verifier(&self) -> &dyn VerifyingKey {
        self.inner.verifier()
    }
}

/// Stores key in a new handle at out_key (checked non-NULL by the caller).
pub(crate) fn put(out_key: *mut *mut ct_key, key: Key) -> Result<(), ct_result> {
    store::put(out_key, ct_key { inner: key })
}

/// Reads a fixed-size key input (NULL: CT_ERR_NULL_POINTER).
///
/// # Safety
/// p must be NULL or point to N readable bytes.
unsafe fn array<'a, const N: usize>(p: *const u8) -> Result<&'a [u8; N], ct_result> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(p, N) }?;
    b.try_into().map_err(|_| CT_ERR_INVALID_ARGUMENT)
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
        let seed = unsafe { array::<32>(seed) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let k = Ed25519SigningKey::from_seed(seed, self::key_use(key_use)?);
        let v = k.verifying_key();
        put(out_key, Key::Ed25519(Pair::private(k, v)))
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
        let x = unsafe { array::<32>(x) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let v = Ed25519VerifyingKey::from_bytes(x, self::key_use(key_use)?).map_err(err)?;
        put(out_key, Key::Ed25519(Pair::public(v)))
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
        put(out_key, Key::Hs256(k))
    })
}

/// Makes an ES256 (P-256) signing key (which also verifies) from its 32-byte big-endian
/// secret scalar (the JWK "d"). CT_INVALID_KEY for zero or a value not below the group
/// order. In every build, the firmware build included (no heap). Output as
/// ct_key_new_ed25519_seed; the handle's copy of the scalar is zeroized when freed.
///
/// # Safety
/// scalar must point to 32 readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_es256_private(
    scalar: *const u8,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    boundary(|| {
        // SAFETY: the caller guarantees 32 readable bytes at `scalar`.
        let scalar = unsafe { array::<32>(scalar) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let k = Es256SigningKey::from_bytes(scalar, self::key_use(key_use)?).map_err(err)?;
        let v = k.verifying_key();
        put(out_key, Key::Es256(Pair::private(k, v)))
    })
}

/// Makes an ES256 (P-256) verify-only key from a SEC1 encoded point: 65 bytes
/// uncompressed (0x04, x, y) or 33 bytes compressed (0x02 or 0x03, x). CT_INVALID_KEY for
/// any other length or prefix, or a point not on the curve (the identity included). In
/// every build, the firmware build included. Output as ct_key_new_ed25519_seed.
///
/// # Safety
/// point must point to point_len readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_es256_public(
    point: *const u8,
    point_len: usize,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    boundary(|| {
        // SAFETY: the caller guarantees `point_len` readable bytes at `point`.
        let point = unsafe { bytes(point, point_len) }?;
        if out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let key_use = self::key_use(key_use)?;
        // Exactly SEC1's two forms: p256 also reads a 33-byte "compact" point (0x05 and x,
        // draft-jivsov-ecc-compact), which no JOSE or SEC1 peer writes.
        if !matches!(
            (point.len(), point.first()),
            (65, Some(4)) | (33, Some(2 | 3))
        ) {
            return Err(crate::CT_INVALID_KEY);
        }
        let v = Es256VerifyingKey::from_sec1_bytes(point, key_use).map_err(err)?;
        put(out_key, Key::Es256(Pair::public(v)))
    })
}

/// Sets the key id (kid, 1 to 64 bytes of UTF-8, else CT_INVALID_KEY): issued tokens
/// carry it, and tokens naming another kid are refused. On error the key is unchanged. A
/// compact token's header carries the kid as it is, so issuing one with a kid that JSON
/// must escape (a quote, a backslash, a control character) is CT_INVALID_KEY.
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
        key.inner = match &key.inner {
            Key::Ed25519(p) => Key::Ed25519(p.with_kid(kid)?),
            Key::Es256(p) => Key::Es256(p.with_kid(kid)?),
            #[cfg(feature = "std")]
            Key::Rsa(p) => Key::Rsa(p.with_kid(kid)?),
            Key::Hs256(k) => Key::Hs256(k.clone().with_kid(kid).map_err(err)?),
        };
        Ok(())
    })
}

/// The algorithm key signs and verifies with: a CT_ALG_* (CT_ALG_UNSPECIFIED for a NULL
/// key). Unlike most functions this returns the value itself, not a ct_result.
///
/// # Safety
/// key must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_algorithm(key: *const ct_key) -> ct_alg {
    boundary_or(CT_ALG_UNSPECIFIED, || {
        if key.is_null() {
            return CT_ALG_UNSPECIFIED;
        }
        // SAFETY: non-NULL live handle (API contract).
        alg_code(unsafe { &*key }.verifier().algorithm())
    })
}

/// Copies a key's public bytes to out (checked non-NULL), or CT_ERR_INVALID_ARGUMENT
/// when the key is of another type.
///
/// # Safety
/// key must be NULL or a live handle; out must point to N writable bytes.
unsafe fn public_bytes<const N: usize>(
    key: *const ct_key,
    out: *mut u8,
    get: impl FnOnce(&Key) -> Option<[u8; N]>,
) -> ct_result {
    boundary(|| {
        if key.is_null() || out.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL live handle (API contract).
        let bytes = get(&unsafe { &*key }.inner).ok_or(CT_ERR_INVALID_ARGUMENT)?;
        // SAFETY: `out` is non-NULL and points to N writable bytes (API contract).
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), out, N) };
        Ok(())
    })
}

/// Writes the 32-byte Ed25519 public key of an Ed25519 key into out32
/// (CT_ERR_INVALID_ARGUMENT for a key of another type).
///
/// # Safety
/// key must be a live handle; out32 must point to 32 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_ed25519_public_bytes(
    key: *const ct_key,
    out32: *mut u8,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        public_bytes(key, out32, |k| match k {
            Key::Ed25519(p) => Some(p.verifying.to_bytes()),
            _ => None,
        })
    }
}

/// Writes the public key of an ES256 key into out65 as an uncompressed SEC1 point: 0x04,
/// then x and y, 32 big-endian bytes each (CT_ERR_INVALID_ARGUMENT for a key of another
/// type). ct_key_new_es256_public reads it back.
///
/// # Safety
/// key must be a live handle; out65 must point to 65 writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_es256_public_bytes(
    key: *const ct_key,
    out65: *mut u8,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        public_bytes(key, out65, |k| match k {
            Key::Es256(p) => {
                let (x, y) = p.verifying.to_coordinates();
                let mut sec1 = [0u8; 65];
                sec1[0] = 0x04;
                sec1[1..33].copy_from_slice(&x);
                sec1[33..].copy_from_slice(&y);
                Some(sec1)
            }
            _ => None,
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_numbers_round_trip() {
        for alg in [
            Algorithm::EdDSA,
            Algorithm::HS256,
            Algorithm::ES256,
            Algorithm::RS256,
            Algorithm::PS256,
        ] {
            assert_eq!(alg_arg(alg_code(alg)), Ok(Some(alg)));
        }
        assert_eq!(alg_arg(CT_ALG_UNSPECIFIED), Ok(None));
        assert_eq!(alg_arg(6), Err(CT_ERR_INVALID_ARGUMENT));
    }
}
