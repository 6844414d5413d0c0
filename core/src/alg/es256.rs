//! ECDSA P-256 with SHA-256 keys (RFC 7518 §3.4, JWK `EC` with `crv` `P-256`).
//!
//! Signatures are JOSE's fixed 64 bytes `r || s` (big-endian, 32 bytes each), never DER.
//! Signing is deterministic (RFC 6979) and always writes the low-`s` form. Verification
//! accepts both `s` and `n - s`, as the JOSE libraries and Wycheproof's vectors do: ECDSA
//! signatures are malleable, so a token's signature bytes must not serve as its identity
//! (its claims do; a cache keyed on the whole token only misses).

use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::ecdsa::{Signature, SigningKey as P256Signing, VerifyingKey as P256Verifying};

use super::{Algorithm, KeyId, KeyUse, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey, make_kid};
use crate::error::{Error, Result};

/// An ES256 (P-256) private key. Its secret scalar is zeroized on drop.
#[derive(Clone)]
pub struct Es256SigningKey {
    key: P256Signing,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl core::fmt::Debug for Es256SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Es256SigningKey")
            .field("kid", &self.kid)
            .field("key_use", &self.key_use)
            .finish_non_exhaustive()
    }
}

impl Es256SigningKey {
    /// A key from its 32-byte big-endian secret scalar (JWK `d`); [`Error::InvalidKey`] if it
    /// is zero or not below the group order.
    pub fn from_bytes(secret: &[u8; 32], key_use: KeyUse) -> Result<Self> {
        let key = P256Signing::from_bytes(&(*secret).into()).map_err(|_| Error::InvalidKey)?;
        Ok(Self {
            key,
            kid: None,
            key_use,
        })
    }

    /// A key from a scalar slice; [`Error::InvalidKey`] unless it is 32 valid bytes.
    pub fn from_slice(secret: &[u8], key_use: KeyUse) -> Result<Self> {
        let secret: &[u8; 32] = secret.try_into().map_err(|_| Error::InvalidKey)?;
        Self::from_bytes(secret, key_use)
    }

    /// The same key with a key id (1 to 64 bytes) to write into every header.
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The 32-byte secret scalar (JWK `d`). Handle with care: this is the secret.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }

    /// The matching public key, with the same key id and use.
    pub fn verifying_key(&self) -> Es256VerifyingKey {
        Es256VerifyingKey {
            key: *self.key.verifying_key(),
            kid: self.kid.clone(),
            key_use: self.key_use,
        }
    }
}

impl SigningKey for Es256SigningKey {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn sign(&self, input: &[u8], out: &mut [u8; MAX_SIGNATURE_LEN]) -> Result<usize> {
        let signature: Signature = self.key.try_sign(input).map_err(|_| Error::SigningFailed)?;
        out[..64].copy_from_slice(&signature.normalize_s().to_bytes());
        Ok(64)
    }
}

/// An ES256 (P-256) public key: a point on the curve (never the identity), checked at
/// creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Es256VerifyingKey {
    key: P256Verifying,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl Es256VerifyingKey {
    /// A key from its affine coordinates, 32 big-endian bytes each (JWK `x` and `y`);
    /// [`Error::InvalidKey`] unless they are a point on P-256.
    pub fn from_coordinates(x: &[u8; 32], y: &[u8; 32], key_use: KeyUse) -> Result<Self> {
        let mut sec1 = [0u8; 65];
        sec1[0] = 0x04;
        sec1[1..33].copy_from_slice(x);
        sec1[33..].copy_from_slice(y);
        Self::from_sec1_bytes(&sec1, key_use)
    }

    /// A key from a SEC1 encoded point (65 bytes uncompressed `04 || x || y`, or 33 bytes
    /// compressed `02`/`03 || x`); [`Error::InvalidKey`] unless it is a point on P-256 in
    /// one of those two forms (the identity `00` and the non-standard compact `05` form
    /// that `p256` also reads are refused: one key, two encodings).
    pub fn from_sec1_bytes(bytes: &[u8], key_use: KeyUse) -> Result<Self> {
        if !matches!(bytes, [0x04, ..] if bytes.len() == 65)
            && !matches!(bytes, [0x02 | 0x03, ..] if bytes.len() == 33)
        {
            return Err(Error::InvalidKey);
        }
        let key = P256Verifying::from_sec1_bytes(bytes).map_err(|_| Error::InvalidKey)?;
        Ok(Self {
            key,
            kid: None,
            key_use,
        })
    }

    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The affine coordinates `(x, y)`, 32 big-endian bytes each (JWK `x` and `y`).
    pub fn to_coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.key.to_sec1_point(false);
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        // An uncompressed point of a valid key always has both coordinates.
        if let (Some(px), Some(py)) = (point.x(), point.y()) {
            x.copy_from_slice(px);
            y.copy_from_slice(py);
        }
        (x, y)
    }
}

impl VerifyingKey for Es256VerifyingKey {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()> {
        // `from_slice` refuses any length but 64 and r or s of zero or not below the order.
        let signature = Signature::from_slice(signature).map_err(|_| Error::BadSignature)?;
        self.key
            .verify(input, &signature)
            .map_err(|_| Error::BadSignature)
    }
}
