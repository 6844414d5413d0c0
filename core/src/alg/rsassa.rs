//! RS256 (RSASSA-PKCS1-v1_5) and PS256 (RSASSA-PSS, MGF1-SHA-256, 32-byte salt) keys
//! (RFC 7518 §3.3 and §3.5, JWK `RSA`), with RustCrypto `rsa`: behind the `rsa` feature,
//! which needs a heap.
//!
//! One RSA key pins one of the two algorithms: a PS256 key never verifies an RS256
//! signature, nor the reverse. Moduli from 2048 to 4096 bits are accepted; shorter ones
//! (RFC 7518 §3.3) and longer ones are [`Error::InvalidKey`]. A signature is exactly as
//! long as the modulus.
//!
//! RS256 signing is deterministic (and constant-time in `rsa` 0.10's big integers); PS256
//! signing draws its salt and blinding factor from the operating system's RNG (`getrandom`).

extern crate alloc;

use alloc::vec::Vec;

use rsa::signature::{SignatureEncoding as _, Signer as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{BoxedUint, PrivateKey, PublicKey, pkcs1v15, pss};
use sha2::Sha256;

use super::{Algorithm, KeyId, KeyUse, MAX_SIGNATURE_LEN, SigningKey, VerifyingKey, make_kid};
use crate::error::{Error, Result};

/// The shortest RSA modulus accepted, in bits (RFC 7518 §3.3).
pub const MIN_RSA_BITS: usize = 2048;
/// The longest RSA modulus accepted, in bits: its signature fills [`MAX_SIGNATURE_LEN`].
pub const MAX_RSA_BITS: usize = 4096;

fn check_alg(alg: Algorithm) -> Result<()> {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => Ok(()),
        _ => Err(Error::InvalidKey),
    }
}

fn uint(bytes: &[u8]) -> Result<BoxedUint> {
    let bits = u32::try_from(bytes.len().saturating_mul(8)).map_err(|_| Error::InvalidKey)?;
    BoxedUint::from_be_slice(bytes, bits).map_err(|_| Error::InvalidKey)
}

fn public_key(n: &[u8], e: &[u8]) -> Result<PublicKey> {
    PublicKey::new_with_size_limits(uint(n)?, uint(e)?, MIN_RSA_BITS..=MAX_RSA_BITS)
        .map_err(|_| Error::InvalidKey)
}

fn check_size(bits: usize) -> Result<()> {
    if (MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        Ok(())
    } else {
        Err(Error::InvalidKey)
    }
}

/// The key as the scheme uses it, built once at creation.
#[derive(Debug)]
enum Verifier {
    Pkcs1(pkcs1v15::VerifyingKey<Sha256>),
    Pss(pss::VerifyingKey<Sha256>),
}

impl Verifier {
    fn new(alg: Algorithm, key: PublicKey) -> Self {
        match alg {
            Algorithm::PS256 => Verifier::Pss(pss::VerifyingKey::new(key)),
            _ => Verifier::Pkcs1(pkcs1v15::VerifyingKey::new(key)),
        }
    }

    fn public(&self) -> &PublicKey {
        match self {
            Verifier::Pkcs1(k) => k.as_ref(),
            Verifier::Pss(k) => k.as_ref(),
        }
    }
}

/// An RSA public key for RS256 or PS256 (chosen at creation).
#[derive(Debug)]
pub struct RsaVerifyingKey {
    alg: Algorithm,
    verifier: Verifier,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl Clone for RsaVerifyingKey {
    fn clone(&self) -> Self {
        Self {
            alg: self.alg,
            verifier: Verifier::new(self.alg, self.verifier.public().clone()),
            kid: self.kid.clone(),
            key_use: self.key_use,
        }
    }
}

impl PartialEq for RsaVerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.alg == other.alg
            && self.verifier.public() == other.verifier.public()
            && self.kid == other.kid
            && self.key_use == other.key_use
    }
}

impl Eq for RsaVerifyingKey {}

impl RsaVerifyingKey {
    /// A key for `alg` ([`Algorithm::RS256`] or [`Algorithm::PS256`]) from its big-endian
    /// modulus and public exponent (JWK `n` and `e`). [`Error::InvalidKey`] for another
    /// algorithm, a modulus outside 2048..=4096 bits, an even modulus or a bad exponent.
    pub fn from_components(n: &[u8], e: &[u8], alg: Algorithm, key_use: KeyUse) -> Result<Self> {
        check_alg(alg)?;
        Self::from_rsa(public_key(n, e)?, alg, key_use)
    }

    /// A key for `alg` from an `rsa` crate public key (e.g. decoded from SPKI or PKCS#1),
    /// with the same checks as [`RsaVerifyingKey::from_components`].
    pub fn from_rsa(key: PublicKey, alg: Algorithm, key_use: KeyUse) -> Result<Self> {
        check_alg(alg)?;
        check_size(key.n().bit_width_vartime() as usize)?;
        Ok(Self {
            alg,
            verifier: Verifier::new(alg, key),
            kid: None,
            key_use,
        })
    }

    /// The same key with a key id (1 to 64 bytes).
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The big-endian modulus without leading zeros (JWK `n`).
    pub fn modulus(&self) -> Vec<u8> {
        self.verifier.public().n_bytes().into_vec()
    }

    /// The big-endian public exponent without leading zeros (JWK `e`).
    pub fn exponent(&self) -> Vec<u8> {
        self.verifier.public().e_bytes().into_vec()
    }

    /// The key as the `rsa` crate's type (for encoding it as SPKI or PKCS#1).
    pub fn as_rsa(&self) -> &PublicKey {
        self.verifier.public()
    }
}

impl VerifyingKey for RsaVerifyingKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn signature_len(&self) -> usize {
        self.verifier.public().size()
    }
    fn verify(&self, input: &[u8], signature: &[u8]) -> Result<()> {
        if signature.len() != self.signature_len() {
            return Err(Error::BadSignature);
        }
        let ok = match &self.verifier {
            Verifier::Pkcs1(k) => {
                pkcs1v15::Signature::try_from(signature).is_ok_and(|s| k.verify(input, &s).is_ok())
            }
            Verifier::Pss(k) => {
                pss::Signature::try_from(signature).is_ok_and(|s| k.verify(input, &s).is_ok())
            }
        };
        if ok { Ok(()) } else { Err(Error::BadSignature) }
    }
}

/// The private key as the scheme uses it.
#[derive(Debug, Clone)]
enum Signer {
    Pkcs1(pkcs1v15::SigningKey<Sha256>),
    Pss(pss::SigningKey<Sha256>),
}

impl Signer {
    fn private(&self) -> &PrivateKey {
        match self {
            Signer::Pkcs1(k) => k.as_ref(),
            Signer::Pss(k) => k.as_ref(),
        }
    }
}

/// An RSA private key for RS256 or PS256 (chosen at creation). The `rsa` crate zeroizes
/// its secret parts on drop.
#[derive(Clone)]
pub struct RsaSigningKey {
    alg: Algorithm,
    signer: Signer,
    kid: Option<KeyId>,
    key_use: KeyUse,
}

impl core::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaSigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .field("key_use", &self.key_use)
            .finish_non_exhaustive()
    }
}

impl RsaSigningKey {
    /// A key for `alg` from its big-endian components (JWK `n`, `e`, `d`, `p`, `q`; the CRT
    /// values are recomputed). [`Error::InvalidKey`] for another algorithm, a modulus outside
    /// 2048..=4096 bits, or components that are not a consistent two-prime key.
    pub fn from_components(
        n: &[u8],
        e: &[u8],
        d: &[u8],
        p: &[u8],
        q: &[u8],
        alg: Algorithm,
        key_use: KeyUse,
    ) -> Result<Self> {
        check_alg(alg)?;
        let bits = u32::try_from(n.len().saturating_mul(8)).map_err(|_| Error::InvalidKey)?;
        let secret = |v: &[u8]| BoxedUint::from_be_slice(v, bits).map_err(|_| Error::InvalidKey);
        let key = PrivateKey::from_components(
            uint(n)?,
            uint(e)?,
            secret(d)?,
            alloc::vec![uint(p)?, uint(q)?],
        )
        .map_err(|_| Error::InvalidKey)?;
        Self::from_rsa(key, alg, key_use)
    }

    /// A key for `alg` from an `rsa` crate private key (e.g. decoded from PKCS#8 or PKCS#1),
    /// with the same size checks as [`RsaSigningKey::from_components`].
    pub fn from_rsa(key: PrivateKey, alg: Algorithm, key_use: KeyUse) -> Result<Self> {
        check_alg(alg)?;
        check_size(key.n().bit_width_vartime() as usize)?;
        key.validate().map_err(|_| Error::InvalidKey)?;
        let signer = match alg {
            Algorithm::PS256 => Signer::Pss(pss::SigningKey::new(key)),
            _ => Signer::Pkcs1(pkcs1v15::SigningKey::new(key)),
        };
        Ok(Self {
            alg,
            signer,
            kid: None,
            key_use,
        })
    }

    /// The same key with a key id (1 to 64 bytes) to write into every header.
    pub fn with_kid(mut self, kid: &str) -> Result<Self> {
        self.kid = Some(make_kid(kid)?);
        Ok(self)
    }

    /// The matching public key, with the same algorithm, key id and use.
    pub fn verifying_key(&self) -> RsaVerifyingKey {
        RsaVerifyingKey {
            alg: self.alg,
            verifier: Verifier::new(self.alg, self.signer.private().to_public_key()),
            kid: self.kid.clone(),
            key_use: self.key_use,
        }
    }

    /// The key as the `rsa` crate's type (for encoding it as PKCS#8 or reading its CRT
    /// values). Handle with care: this is the secret.
    pub fn as_rsa(&self) -> &PrivateKey {
        self.signer.private()
    }
}

impl SigningKey for RsaSigningKey {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn key_id(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    fn key_use(&self) -> KeyUse {
        self.key_use
    }
    fn signature_len(&self) -> usize {
        self.signer.private().size()
    }
    fn sign(&self, input: &[u8], out: &mut [u8; MAX_SIGNATURE_LEN]) -> Result<usize> {
        let signature = match &self.signer {
            Signer::Pkcs1(k) => k.try_sign(input).map(|s| s.to_bytes()),
            Signer::Pss(k) => k.try_sign(input).map(|s| s.to_bytes()),
        }
        .map_err(|_| Error::SigningFailed)?;
        let dst = out.get_mut(..signature.len()).ok_or(Error::SigningFailed)?;
        dst.copy_from_slice(&signature);
        Ok(signature.len())
    }
}
