//! Keys in PEM, the text form OpenSSL and identity providers hand out: Ed25519, P-256 (ES256)
//! and RSA (RS256, PS256).
//!
//! | label | structure | read | written |
//! |---|---|---|---|
//! | `PUBLIC KEY` | SPKI (RFC 5280 §4.1, RFC 8410 §4) | Ed25519, P-256, RSA | all three |
//! | `PRIVATE KEY` | PKCS#8 v1/v2 (RFC 5958, RFC 8410 §7) | Ed25519, P-256, RSA | all three (v1) |
//! | `EC PRIVATE KEY` | SEC1 (RFC 5915), OpenSSL's legacy form | P-256 | — |
//! | `RSA PRIVATE KEY` | PKCS#1 (RFC 8017 A.1.2), OpenSSL's legacy form | RSA | — |
//! | `RSA PUBLIC KEY` | PKCS#1 (RFC 8017 A.1.1) | RSA | — |
//!
//! One entry point per direction detects the key type from the document:
//! [`signing_key_from_pem`] and [`verifying_key_from_pem`]. **The key still pins the
//! algorithm**: Ed25519 and P-256 keys name theirs, but an RSA key does not say whether it
//! signs RS256 or PS256, so for RSA the caller names it ([`Error::AlgorithmRequired`]
//! otherwise). A key whose SPKI/PKCS#8 algorithm is RSASSA-PSS is a PS256 key. An algorithm
//! given for any other key must be the key's own ([`Error::AlgorithmMismatch`]).
//!
//! A private key is refused where a public one is expected ([`Error::NotAPublicKey`]) and
//! the reverse ([`Error::NotAPrivateKey`]); a private key's embedded public key must be the
//! one derived from it ([`Error::KeyPairMismatch`]); RSA moduli must have 2048 to 4096 bits
//! ([`Error::RsaKeySize`]). Private key DER and PEM text are zeroized when dropped.
//!
//! ```
//! use compact_token::{Algorithm, KeyUse, SigningKey as _};
//! use compact_token_std::keys::AnySigningKey;
//! use compact_token_std::{jwk, pem, Error};
//!
//! // A fresh P-256 key, exported as PKCS#8 and SPKI, read back: the PEM says it is ES256.
//! let key = AnySigningKey::generate(Algorithm::ES256, KeyUse::Access)?;
//! let private = pem::signing_key_to_pem(&key)?;
//! let public = pem::verifying_key_to_pem(&key.verifying_key())?;
//! assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
//! let back = pem::signing_key_from_pem(&private, None, KeyUse::Access)?;
//! assert_eq!(back.algorithm(), Algorithm::ES256);
//! let verifier = pem::verifying_key_from_pem(&public, None, KeyUse::Access)?;
//! assert_eq!(jwk::thumbprint(&verifier), jwk::thumbprint(&key.verifying_key()));
//!
//! // Each document is for one side only, and a P-256 key is not an RS256 key.
//! let err = pem::verifying_key_from_pem(&private, None, KeyUse::Access).unwrap_err();
//! assert_eq!(err, Error::NotAPublicKey);
//! let err = pem::verifying_key_from_pem(&public, Some(Algorithm::RS256), KeyUse::Access);
//! assert_eq!(err.unwrap_err(), Error::AlgorithmMismatch);
//! # Ok::<(), compact_token_std::Error>(())
//! ```

use compact_token::{
    Algorithm, Ed25519SigningKey, Ed25519VerifyingKey, Es256SigningKey, Es256VerifyingKey, KeyUse,
    RsaSigningKey, RsaVerifyingKey,
};
use ed25519::pkcs8::{KeypairBytes, PublicKeyBytes};
use p256::pkcs8::der::pem::{self as pem_text, LineEnding};
use p256::pkcs8::der::{Decode as _, asn1::ObjectIdentifier as Oid};
use p256::pkcs8::spki::SubjectPublicKeyInfoRef;
use p256::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, PrivateKeyInfoRef};
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use sec1::{EcParameters, EcPrivateKey};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::{AnySigningKey, AnyVerifyingKey};

/// id-Ed25519 (RFC 8410 §3).
const OID_ED25519: Oid = Oid::new_unwrap("1.3.101.112");
/// id-ecPublicKey (RFC 5480 §2.1.1).
const OID_EC: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
/// secp256r1, a.k.a. prime256v1 or P-256 (RFC 5480 §2.1.1.1).
const OID_P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
/// rsaEncryption (RFC 8017 Appendix C).
const OID_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 8017 Appendix C): a key restricted to PSS signatures.
const OID_RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");

/// A decoded PEM document: its label and DER bytes (zeroized, as they may be a secret).
struct Document {
    label: String,
    der: Zeroizing<Vec<u8>>,
}

/// Reads one PEM document. An `EC PARAMETERS` block before the key (what
/// `openssl ecparam -genkey` writes) is skipped.
fn decode(pem: &str) -> Result<Document> {
    let mut text = pem.trim_start();
    if text.starts_with("-----BEGIN EC PARAMETERS-----") {
        let next = text[1..].find("-----BEGIN ").ok_or(Error::Pem)?;
        text = &text[1 + next..];
    }
    let (label, der) = pem_text::decode_vec(text.as_bytes()).map_err(|_| Error::Pem)?;
    Ok(Document {
        label: label.to_owned(),
        der: Zeroizing::new(der),
    })
}

/// What a private key document holds: the algorithm its structure implies and the key.
enum Private {
    Ed25519(Ed25519SigningKey),
    Es256(Es256SigningKey),
    Rsa { pss: bool, key: rsa::PrivateKey },
}

/// What a public key document holds.
enum Public {
    Ed25519(Ed25519VerifyingKey),
    Es256(Es256VerifyingKey),
    Rsa { pss: bool, key: rsa::PublicKey },
}

/// Private and public labels, so each side can say the other was given.
fn is_private_label(label: &str) -> bool {
    matches!(label, "PRIVATE KEY" | "EC PRIVATE KEY" | "RSA PRIVATE KEY")
}

fn is_public_label(label: &str) -> bool {
    matches!(label, "PUBLIC KEY" | "RSA PUBLIC KEY")
}

/// The named curve of an EC algorithm identifier must be P-256.
fn check_p256(curve: Option<Oid>) -> Result<()> {
    match curve {
        Some(OID_P256) => Ok(()),
        Some(_) => Err(Error::PemUnsupportedKey),
        None => Err(Error::Pem),
    }
}

/// A SEC1 `ECPrivateKey` (alone, or inside PKCS#8, where the curve may be given outside).
fn ec_private(der: &[u8], outer_curve: Option<Oid>, key_use: KeyUse) -> Result<Es256SigningKey> {
    let ec = EcPrivateKey::from_der(der).map_err(|_| Error::Pem)?;
    let inner = ec.parameters.map(|EcParameters::NamedCurve(oid)| oid);
    check_p256(inner.or(outer_curve))?;
    if outer_curve.is_some() && inner.is_some_and(|c| Some(c) != outer_curve) {
        return Err(Error::Pem);
    }
    let key = Es256SigningKey::from_slice(ec.private_key, key_use).map_err(|_| Error::Pem)?;
    if let Some(point) = ec.public_key {
        let public = Es256VerifyingKey::from_sec1_bytes(point, key_use).map_err(|_| Error::Pem)?;
        if public != key.verifying_key() {
            return Err(Error::KeyPairMismatch);
        }
    }
    Ok(key)
}

fn read_private(doc: &Document, key_use: KeyUse) -> Result<Private> {
    let der = doc.der.as_slice();
    match doc.label.as_str() {
        "PRIVATE KEY" => {
            let info = PrivateKeyInfoRef::from_der(der).map_err(|_| Error::Pem)?;
            match info.algorithm.oid {
                OID_ED25519 => {
                    let pair = KeypairBytes::try_from(info).map_err(|_| Error::Pem)?;
                    let key = Ed25519SigningKey::from_seed(&pair.secret_key, key_use);
                    match pair.public_key {
                        Some(p) if p.0 != key.verifying_key().to_bytes() => {
                            Err(Error::KeyPairMismatch)
                        }
                        _ => Ok(Private::Ed25519(key)),
                    }
                }
                OID_EC => {
                    let curve = info.algorithm.parameters_oid().ok();
                    check_p256(curve)?;
                    let inner = info.private_key.as_bytes();
                    ec_private(inner, curve, key_use).map(Private::Es256)
                }
                oid @ (OID_RSA | OID_RSA_PSS) => {
                    let key = rsa::PrivateKey::try_from(info).map_err(|_| Error::Pem)?;
                    Ok(Private::Rsa {
                        pss: oid == OID_RSA_PSS,
                        key,
                    })
                }
                _ => Err(Error::PemUnsupportedKey),
            }
        }
        "EC PRIVATE KEY" => ec_private(der, None, key_use).map(Private::Es256),
        "RSA PRIVATE KEY" => {
            let key = rsa::PrivateKey::from_pkcs1_der(der).map_err(|_| Error::Pem)?;
            Ok(Private::Rsa { pss: false, key })
        }
        label if is_public_label(label) => Err(Error::NotAPrivateKey),
        _ => Err(Error::PemLabel),
    }
}

fn read_public(doc: &Document, key_use: KeyUse) -> Result<Public> {
    let der = doc.der.as_slice();
    match doc.label.as_str() {
        "PUBLIC KEY" => {
            let info = SubjectPublicKeyInfoRef::from_der(der).map_err(|_| Error::Pem)?;
            match info.algorithm.oid {
                OID_ED25519 => {
                    let public = PublicKeyBytes::try_from(info).map_err(|_| Error::Pem)?;
                    let key = Ed25519VerifyingKey::from_bytes(&public.0, key_use)?;
                    Ok(Public::Ed25519(key))
                }
                OID_EC => {
                    check_p256(info.algorithm.parameters_oid().ok())?;
                    let point = info.subject_public_key.as_bytes().ok_or(Error::Pem)?;
                    let key = Es256VerifyingKey::from_sec1_bytes(point, key_use)
                        .map_err(|_| Error::Pem)?;
                    Ok(Public::Es256(key))
                }
                oid @ (OID_RSA | OID_RSA_PSS) => {
                    let key = rsa::PublicKey::try_from(info).map_err(|_| Error::Pem)?;
                    Ok(Public::Rsa {
                        pss: oid == OID_RSA_PSS,
                        key,
                    })
                }
                _ => Err(Error::PemUnsupportedKey),
            }
        }
        "RSA PUBLIC KEY" => {
            let key = rsa::PublicKey::from_pkcs1_der(der).map_err(|_| Error::Pem)?;
            Ok(Public::Rsa { pss: false, key })
        }
        label if is_private_label(label) => Err(Error::NotAPublicKey),
        _ => Err(Error::PemLabel),
    }
}

/// The algorithm of a key that names its own (`own`), checked against the caller's.
fn pinned(own: Algorithm, asked: Option<Algorithm>) -> Result<()> {
    match asked {
        Some(a) if a != own => Err(Error::AlgorithmMismatch),
        _ => Ok(()),
    }
}

/// The algorithm of an RSA key: the caller's (RS256 or PS256), PS256 for an RSASSA-PSS key.
fn rsa_algorithm(pss: bool, asked: Option<Algorithm>, modulus_bits: usize) -> Result<Algorithm> {
    let alg = match (asked, pss) {
        (None, true) => Algorithm::PS256,
        (None, false) => return Err(Error::AlgorithmRequired),
        (Some(Algorithm::PS256), _) => Algorithm::PS256,
        (Some(Algorithm::RS256), false) => Algorithm::RS256,
        (Some(_), _) => return Err(Error::AlgorithmMismatch),
    };
    crate::keys::check_rsa_bits(modulus_bits)?;
    Ok(alg)
}

fn modulus_bits(key: &impl rsa::traits::PublicKeyParts) -> usize {
    key.n().bit_width_vartime() as usize
}

/// Reads a private key in any form of the [module table](self): PKCS#8 `PRIVATE KEY`
/// (Ed25519, P-256, RSA), SEC1 `EC PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`.
///
/// `alg` pins the algorithm: required for RSA (RS256 or PS256; an RSASSA-PSS key is PS256
/// without it), and if given for another key it must be the key's own. Errors:
/// [`Error::Pem`] (not PEM, malformed or truncated DER), [`Error::PemLabel`],
/// [`Error::NotAPrivateKey`] (a public key PEM), [`Error::PemUnsupportedKey`] (another curve
/// or key type), [`Error::KeyPairMismatch`], [`Error::AlgorithmRequired`],
/// [`Error::AlgorithmMismatch`], [`Error::RsaKeySize`].
pub fn signing_key_from_pem(
    pem: &str,
    alg: Option<Algorithm>,
    key_use: KeyUse,
) -> Result<AnySigningKey> {
    match read_private(&decode(pem)?, key_use)? {
        Private::Ed25519(key) => pinned(Algorithm::EdDSA, alg).map(|()| key.into()),
        Private::Es256(key) => pinned(Algorithm::ES256, alg).map(|()| key.into()),
        Private::Rsa { pss, key } => {
            let alg = rsa_algorithm(pss, alg, modulus_bits(&key))?;
            Ok(RsaSigningKey::from_rsa(key, alg, key_use)?.into())
        }
    }
}

/// Reads a public key: SPKI `PUBLIC KEY` (Ed25519, P-256, RSA) or PKCS#1 `RSA PUBLIC KEY`.
///
/// `alg` as in [`signing_key_from_pem`]. Errors: [`Error::Pem`], [`Error::PemLabel`],
/// [`Error::NotAPublicKey`] (a private key PEM), [`Error::PemUnsupportedKey`],
/// [`Error::AlgorithmRequired`], [`Error::AlgorithmMismatch`], [`Error::RsaKeySize`], and
/// [`Error::Token`] with `InvalidKey` for an Ed25519 point that is not a valid key.
pub fn verifying_key_from_pem(
    pem: &str,
    alg: Option<Algorithm>,
    key_use: KeyUse,
) -> Result<AnyVerifyingKey> {
    match read_public(&decode(pem)?, key_use)? {
        Public::Ed25519(key) => pinned(Algorithm::EdDSA, alg).map(|()| key.into()),
        Public::Es256(key) => pinned(Algorithm::ES256, alg).map(|()| key.into()),
        Public::Rsa { pss, key } => {
            let alg = rsa_algorithm(pss, alg, modulus_bits(&key))?;
            Ok(RsaVerifyingKey::from_rsa(key, alg, key_use)?.into())
        }
    }
}

/// Writes a PKCS#8 v1 `PRIVATE KEY` PEM (as OpenSSL does), LF line endings; the result
/// holds the secret and is zeroized on drop. An HS256 secret has no PEM form
/// ([`Error::UnsupportedAlgorithm`]). PEM does not record an RSA key's algorithm (RS256 or
/// PS256), its `kid` or its use: the reader names them again.
pub fn signing_key_to_pem(key: &AnySigningKey) -> Result<Zeroizing<String>> {
    let der = match key {
        AnySigningKey::Ed25519(k) => KeypairBytes {
            secret_key: k.seed(),
            public_key: None,
        }
        .to_pkcs8_der(),
        AnySigningKey::Es256(k) => {
            let scalar = Zeroizing::new(k.to_bytes());
            p256::SecretKey::from_bytes(&(*scalar).into())
                .map_err(|_| Error::Pem)?
                .to_pkcs8_der()
        }
        AnySigningKey::Rsa(k) => k.as_rsa().to_pkcs8_der(),
        AnySigningKey::Hs256(_) => return Err(Error::UnsupportedAlgorithm),
    }
    .map_err(|_| Error::Pem)?;
    let pem = pem_text::encode_string("PRIVATE KEY", LineEnding::LF, der.as_bytes())
        .map_err(|_| Error::Pem)?;
    Ok(Zeroizing::new(pem))
}

/// Writes an SPKI `PUBLIC KEY` PEM, LF line endings. An HS256 secret has no public key
/// ([`Error::NoPublicKey`]).
pub fn verifying_key_to_pem(key: &AnyVerifyingKey) -> Result<String> {
    let der = match key {
        AnyVerifyingKey::Ed25519(k) => PublicKeyBytes(k.to_bytes()).to_public_key_der(),
        AnyVerifyingKey::Es256(k) => {
            let (x, y) = k.to_coordinates();
            let mut point = [0x04; 65];
            point[1..33].copy_from_slice(&x);
            point[33..].copy_from_slice(&y);
            p256::PublicKey::from_sec1_bytes(&point)
                .map_err(|_| Error::Pem)?
                .to_public_key_der()
        }
        AnyVerifyingKey::Rsa(k) => k.as_rsa().to_public_key_der(),
        AnyVerifyingKey::Hs256(_) => return Err(Error::NoPublicKey),
    }
    .map_err(|_| Error::Pem)?;
    pem_text::encode_string("PUBLIC KEY", LineEnding::LF, der.as_bytes()).map_err(|_| Error::Pem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8410 §10.3 and §10.1 (see `tests/data/README.md`).
    const RFC8410_PRIVATE: &str = include_str!("../tests/data/rfc8410-private.pem");
    const RFC8410_PUBLIC: &str = include_str!("../tests/data/rfc8410-public.pem");

    fn ed_private(pem: &str) -> Result<Ed25519SigningKey> {
        match signing_key_from_pem(pem, None, KeyUse::Access)? {
            AnySigningKey::Ed25519(k) => Ok(k),
            other => panic!("not ed25519: {other:?}"),
        }
    }

    #[test]
    fn rfc8410_private_key_derives_the_rfc_public_key() {
        let key = ed_private(RFC8410_PRIVATE).unwrap();
        assert_eq!(
            key.seed()[..4],
            [0xD4, 0xEE, 0x72, 0xDB],
            "RFC 8410 §10.3 seed D4EE72DB..."
        );
        let public = verifying_key_from_pem(RFC8410_PUBLIC, None, KeyUse::Access).unwrap();
        let AnyVerifyingKey::Ed25519(public) = public else {
            panic!("not ed25519")
        };
        assert_eq!(key.verifying_key(), public);
        assert_eq!(public.to_bytes()[..4], [0x19, 0xBF, 0x44, 0x09]);
    }

    #[test]
    fn export_reproduces_the_rfc_bytes() {
        let key = signing_key_from_pem(RFC8410_PRIVATE, Some(Algorithm::EdDSA), KeyUse::Id);
        let key = key.unwrap();
        assert_eq!(signing_key_to_pem(&key).unwrap().as_str(), RFC8410_PRIVATE);
        assert_eq!(
            verifying_key_to_pem(&key.verifying_key()).unwrap(),
            RFC8410_PUBLIC
        );
    }

    #[test]
    fn refuses_other_documents() {
        let public = |pem: &str| verifying_key_from_pem(pem, None, KeyUse::Id).unwrap_err();
        assert_eq!(
            ed_private(RFC8410_PUBLIC).unwrap_err(),
            Error::NotAPrivateKey
        );
        assert_eq!(public(RFC8410_PRIVATE), Error::NotAPublicKey);
        assert_eq!(ed_private("not pem").unwrap_err(), Error::Pem);
        // The RFC 8410 public key with its OID changed to X25519 (1.3.101.110).
        let x25519 = "-----BEGIN PUBLIC KEY-----\n\
            MCowBQYDK2VuAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n\
            -----END PUBLIC KEY-----\n";
        assert_eq!(public(x25519), Error::PemUnsupportedKey);
        let es256 = verifying_key_from_pem(RFC8410_PUBLIC, Some(Algorithm::ES256), KeyUse::Id);
        assert_eq!(es256.unwrap_err(), Error::AlgorithmMismatch);
    }

    #[test]
    fn pkcs8_v2_public_key_must_match() {
        let key = ed_private(RFC8410_PRIVATE).unwrap();
        let with_public = |public: [u8; 32]| {
            let pair = KeypairBytes {
                secret_key: key.seed(),
                public_key: Some(PublicKeyBytes(public)),
            };
            let der = pair.to_pkcs8_der().unwrap();
            pem_text::encode_string("PRIVATE KEY", LineEnding::LF, der.as_bytes()).unwrap()
        };
        let good = with_public(key.verifying_key().to_bytes());
        assert_eq!(ed_private(&good).unwrap().seed(), key.seed());
        let mut other = key.verifying_key().to_bytes();
        other[0] ^= 1;
        assert_eq!(
            ed_private(&with_public(other)).unwrap_err(),
            Error::KeyPairMismatch
        );
    }
}
