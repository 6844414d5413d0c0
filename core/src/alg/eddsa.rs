//! Ed25519 keys (RFC 8037 `OKP`), verified with `verify_strict`.

use ed25519_dalek::{Signature, Signer as _};

use super::{Algorithm, KeyId, KeyUse, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey, make_kid};
use crate::error::{Error, Result};

/// An Ed25519 private key. Its secret bytes are zeroized on drop.
#[derive(Clone)]
pub struct Ed25519SigningKey {
    key: ed25519_dalek::SigningKey,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl core::fmt::Debug for Ed25519SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ed25519SigningKey")
            .field("kid", &self.kid)
            .field("key_use", &self.key_use)
            .finish_non_exhaustive()
    }
}

impl Ed25519SigningKey {
    /// A key from its 32-byte seed (the RFC 8032 private key, JWK `d`).
    pub fn from_seed(seed: &[u8; 32], key_use: KeyUse) -> Self {
        Self {
            key: ed25519_dalek::SigningKey::from_bytes(seed),
            kid: None,
            key_use,
        }
    }

    /// A key from a seed slice; [`Error::InvalidKey`] unless it is 32 bytes.
    pub fn from_slice(seed: &[u8], key_use: KeyUse) -> Result<Self> {
        let seed: &[u8; 32] = seed.try_into().map_err(|_| Error::InvalidKey)?;
        Ok(Self::from_seed(seed, key_use))
    }

    /// The same key with a key id (1 to 64 bytes) to write into every header.
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The 32-byte seed. Handle with care: this is the secret.
    pub fn seed(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The matching public key, with the same key id and use.
    pub fn verifying_key(&self) -> Ed25519VerifyingKey {
        Ed25519VerifyingKey {
            key: self.key.verifying_key(),
            kid: self.kid.clone(),
            key_use: self.key_use,
        }
    }
}

impl SigningKey for Ed25519SigningKey {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn sign(&self, input: &[u8], out: &mut [u8; MAX_SIGNATURE_LEN]) -> Result<usize> {
        out[..64].copy_from_slice(&self.key.sign(input).to_bytes());
        Ok(64)
    }
}

/// An Ed25519 public key. Weak (small-order) keys are refused at creation, and signatures
/// are checked with `verify_strict` (canonical `S`, no small-order `R`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ed25519VerifyingKey {
    key: ed25519_dalek::VerifyingKey,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl Ed25519VerifyingKey {
    /// A key from its 32 compressed bytes (JWK `x`); [`Error::InvalidKey`] if they are not a
    /// valid point or the point has small order.
    pub fn from_bytes(bytes: &[u8; 32], key_use: KeyUse) -> Result<Self> {
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::InvalidKey)?;
        if key.is_weak() {
            return Err(Error::InvalidKey);
        }
        Ok(Self {
            key,
            kid: None,
            key_use,
        })
    }

    /// A key from a slice; [`Error::InvalidKey`] unless it is 32 valid bytes.
    pub fn from_slice(bytes: &[u8], key_use: KeyUse) -> Result<Self> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey)?;
        Self::from_bytes(bytes, key_use)
    }

    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The 32 compressed bytes (JWK `x`).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }
}

impl VerifyingKey for Ed25519VerifyingKey {
    fn algorithm(&self) -> Algorithm {
        Algorithm::EdDSA
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()> {
        // From an array, not `from_slice`: no `Result<Signature>` beside the signature in
        // this frame, which is on the stack under the whole curve arithmetic.
        let bytes = <&[u8; 64]>::try_from(signature).map_err(|_| Error::BadSignature)?;
        self.key
            .verify_strict(input, &Signature::from_bytes(bytes))
            .map_err(|_| Error::BadSignature)
    }
}
