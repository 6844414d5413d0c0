//! Keys from and to documents: a JWK or a PEM (any supported type, public or private) to a
//! key handle, and a key's public JWK. Reading JSON and RSA keys need a heap: these are in the
//! std build only (compact-token-std); in the no_std (firmware) build the functions exist
//! and give CT_ERR_UNSUPPORTED.

#[cfg(not(feature = "std"))]
use crate::CT_ERR_UNSUPPORTED;
use compact_token::{Algorithm, KeyUse};

use crate::key::{Key, ct_alg, ct_key};
use crate::panic::boundary;
use crate::{CT_ERR_NULL_POINTER, ct_key_use, ct_result};

#[cfg(feature = "std")]
use std_only::{from_jwk, from_pem, public_jwk};

#[cfg(feature = "std")]
mod std_only {
    use compact_token::{Algorithm, Extras, KeyUse, RsaSigningKey, RsaVerifyingKey, VerifyingKey};
    use compact_token_std::Error as StdError;
    use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
    use compact_token_std::{jwk, pem};

    use crate::key::{Key, Pair};
    use crate::{
        CT_ERR_ALGORITHM_CONFLICT, CT_ERR_ALGORITHM_REQUIRED, CT_ERR_INVALID_ARGUMENT,
        CT_ERR_INVALID_JWK, CT_ERR_INVALID_PEM, CT_ERR_UNSUPPORTED_KEY_TYPE, CT_INVALID_KEY,
        ct_result, err,
    };

    /// The code of a compact-token-std error met reading one key document.
    fn code(e: StdError) -> ct_result {
        match e {
            StdError::Token(e) => err(e),
            // An RSA modulus outside 2048..=4096 bits is an invalid key, as it always was here.
            StdError::KeyPairMismatch | StdError::RsaKeySize => CT_INVALID_KEY,
            StdError::UnsupportedKeyType | StdError::UnsupportedCurve => {
                CT_ERR_UNSUPPORTED_KEY_TYPE
            }
            _ => CT_ERR_INVALID_JWK,
        }
    }

    fn from_signing(k: AnySigningKey) -> Key {
        match k {
            AnySigningKey::Ed25519(k) => {
                let v = k.verifying_key();
                Key::Ed25519(Pair::private(k, v))
            }
            AnySigningKey::Es256(k) => {
                let v = k.verifying_key();
                Key::Es256(Pair::private(k, v))
            }
            AnySigningKey::Rsa(k) => {
                let v = k.verifying_key();
                Key::Rsa(Pair::private(k, v))
            }
            AnySigningKey::Hs256(k) => Key::Hs256(k),
        }
    }

    fn from_verifying(k: AnyVerifyingKey) -> Key {
        match k {
            AnyVerifyingKey::Ed25519(k) => Key::Ed25519(Pair::public(k)),
            AnyVerifyingKey::Es256(k) => Key::Es256(Pair::public(k)),
            AnyVerifyingKey::Rsa(k) => Key::Rsa(Pair::public(k)),
            AnyVerifyingKey::Hs256(k) => Key::Hs256(k),
        }
    }

    /// The RSA key pair for alg (RS256 or PS256): the same key material, pinned to alg.
    fn rsa_as(p: &Pair<RsaSigningKey, RsaVerifyingKey>, alg: Algorithm) -> Result<Key, ct_result> {
        let (kid, key_use) = (p.verifying.key_id(), p.verifying.key_use());
        let pair = match &p.signing {
            Some(k) => {
                let k = RsaSigningKey::from_rsa(k.as_rsa().clone(), alg, key_use).map_err(err)?;
                let v = k.verifying_key();
                Pair::private(k, v)
            }
            None => Pair::public(
                RsaVerifyingKey::from_rsa(p.verifying.as_rsa().clone(), alg, key_use)
                    .map_err(err)?,
            ),
        };
        match kid {
            Some(kid) => pair.with_kid(kid),
            None => Ok(pair),
        }
        .map(Key::Rsa)
    }

    /// Pins the key read from a document to one algorithm: `stated` is the one the
    /// document names (a JWK's "alg"), `wanted` the caller's. An RSA key needs one of the
    /// two (its material fits RS256 and PS256 alike); any other key has one algorithm,
    /// which `wanted` and `stated` must name if they name any.
    pub(super) fn pin(
        key: Key,
        stated: Option<Algorithm>,
        wanted: Option<Algorithm>,
    ) -> Result<Key, ct_result> {
        if let (Some(s), Some(w)) = (stated, wanted)
            && s != w
        {
            return Err(CT_ERR_ALGORITHM_CONFLICT);
        }
        match key {
            Key::Rsa(p) => match wanted.or(stated) {
                None => Err(CT_ERR_ALGORITHM_REQUIRED),
                Some(a @ (Algorithm::RS256 | Algorithm::PS256)) => {
                    if a == p.verifying.algorithm() {
                        Ok(Key::Rsa(p))
                    } else {
                        rsa_as(&p, a)
                    }
                }
                Some(_) => Err(CT_ERR_ALGORITHM_CONFLICT),
            },
            other if wanted.is_some_and(|w| w != other.verifier().algorithm()) => {
                Err(CT_ERR_ALGORITHM_CONFLICT)
            }
            other => Ok(other),
        }
    }

    /// Reads one JWK, public or private, as a key pinned to one algorithm.
    pub(super) fn from_jwk(
        json: &str,
        wanted: Option<Algorithm>,
        default_use: KeyUse,
    ) -> Result<Key, ct_result> {
        // Whether the JWK names its algorithm: std-ext reads an RSA key without "alg" as
        // RS256 (OpenID's default), which this ABI leaves to the caller to decide.
        let has_alg = Extras::from_json(json)
            .map_err(|_| CT_ERR_INVALID_JWK)?
            .get("alg")
            .is_some();
        let key = match jwk::signing_key_from_jwk(json, default_use) {
            Ok(k) => from_signing(k),
            Err(StdError::NotAPrivateKey) => {
                from_verifying(jwk::verifying_key_from_jwk(json, default_use).map_err(code)?)
            }
            Err(e) => return Err(code(e)),
        };
        let stated = has_alg.then(|| key.verifier().algorithm());
        pin(key, stated, wanted)
    }

    /// The code of a compact-token-std error met reading a PEM key.
    fn pem_code(e: StdError) -> ct_result {
        match e {
            StdError::Token(e) => err(e),
            StdError::KeyPairMismatch | StdError::RsaKeySize => CT_INVALID_KEY,
            StdError::PemUnsupportedKey => CT_ERR_UNSUPPORTED_KEY_TYPE,
            StdError::AlgorithmRequired => CT_ERR_ALGORITHM_REQUIRED,
            StdError::AlgorithmMismatch => CT_ERR_ALGORITHM_CONFLICT,
            _ => CT_ERR_INVALID_PEM,
        }
    }

    /// Reads one PEM key, private or public, pinned to one algorithm by compact-token-std's
    /// rules (the same as for a JWK, a PEM naming no algorithm: RSA needs `wanted`, but for
    /// an RSASSA-PSS key, which is PS256).
    pub(super) fn from_pem(
        text: &str,
        wanted: Option<Algorithm>,
        key_use: KeyUse,
    ) -> Result<Key, ct_result> {
        match pem::signing_key_from_pem(text, wanted, key_use) {
            Ok(k) => Ok(from_signing(k)),
            Err(StdError::NotAPrivateKey) => pem::verifying_key_from_pem(text, wanted, key_use)
                .map(from_verifying)
                .map_err(pem_code),
            Err(e) => Err(pem_code(e)),
        }
    }

    /// The public JWK of a key (CT_ERR_INVALID_ARGUMENT for an HS256 secret).
    pub(super) fn public_jwk(key: &Key) -> Result<String, ct_result> {
        match key {
            Key::Ed25519(p) => Ok(jwk::public_key_to_jwk(&p.verifying)),
            Key::Es256(p) => Ok(jwk::public_key_to_jwk(&p.verifying)),
            Key::Rsa(p) => Ok(jwk::public_key_to_jwk(&p.verifying)),
            Key::Hs256(_) => Err(CT_ERR_INVALID_ARGUMENT),
        }
    }
}

/// Makes a key from a JWK (RFC 7517; json_len bytes of UTF-8 JSON, one key object): an
/// Ed25519 ("OKP"), P-256 ("EC") or RSA key, public or private (with "d": the key then
/// signs too), or an HS256 secret ("oct"). "kid" is kept; "token_use" ("access", "id",
/// "both") gives the key's use, default_use (a CT_KEY_USE_*) applies when it is absent.
///
/// The key pins one algorithm. alg is CT_ALG_UNSPECIFIED to take the JWK's: its type's
/// (EdDSA, ES256, HS256) or, for RSA, its "alg" member ("RS256" or "PS256"); an RSA JWK
/// without "alg" then gives CT_ERR_ALGORITHM_REQUIRED, as the same RSA key material is
/// valid for both. Any other CT_ALG_* must be the key's: CT_ERR_ALGORITHM_CONFLICT when the
/// key type cannot have it or the JWK's "alg" names another.
///
/// Errors: CT_ERR_INVALID_JWK (not one JSON object, a member missing, not canonical
/// base64url or of the wrong length, "alg" contradicting the key type, "use" other than
/// "sig", "key_ops" other than "sign"/"verify", a bad "token_use" or "kid");
/// CT_ERR_UNSUPPORTED_KEY_TYPE (another "kty" or "crv"); CT_INVALID_KEY (an invalid point,
/// an RSA modulus outside 2048 to 4096 bits, an HS256 secret outside 32 to 64 bytes, a
/// private part that does not match the public one); CT_ERR_INVALID_ARGUMENT (alg or
/// default_use out of range). CT_ERR_UNSUPPORTED in the no_std (firmware) build. On
/// success *out_key is a new handle to free with ct_key_free; on error it is not written.
///
/// # Safety
/// json must point to json_len readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_jwk(
    json: *const u8,
    json_len: usize,
    alg: ct_alg,
    default_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe { key_from((json, json_len), alg, default_use, out_key, from_jwk) }
}

/// Makes a key from a PEM document (pem_len bytes of UTF-8 text): a private key
/// ("PRIVATE KEY" PKCS#8, "EC PRIVATE KEY" SEC1, "RSA PRIVATE KEY" PKCS#1; the key then
/// signs too) or a public key ("PUBLIC KEY" SPKI, "RSA PUBLIC KEY" PKCS#1) of Ed25519,
/// P-256 or RSA. key_use is a CT_KEY_USE_* (PEM carries no use, nor a kid: set one with
/// ct_key_set_kid).
///
/// The key pins one algorithm. alg is CT_ALG_UNSPECIFIED to take the key type's (EdDSA,
/// ES256; PS256 for an RSASSA-PSS key); a plain RSA key names none, so it needs
/// CT_ALG_RS256 or CT_ALG_PS256 (else CT_ERR_ALGORITHM_REQUIRED). Any other alg must be the
/// key's (CT_ERR_ALGORITHM_CONFLICT).
///
/// Errors: CT_ERR_INVALID_PEM (not one PEM document, another label such as a certificate
/// or an encrypted key, malformed or truncated DER); CT_ERR_UNSUPPORTED_KEY_TYPE (another
/// key type or curve); CT_INVALID_KEY (an invalid point, an RSA modulus outside 2048 to
/// 4096 bits, an embedded public key that is not the private key's);
/// CT_ERR_INVALID_ARGUMENT (alg or key_use out of range). CT_ERR_UNSUPPORTED in the no_std
/// (firmware) build. On success *out_key is a new handle to free with ct_key_free; on error
/// it is not written.
///
/// # Safety
/// pem must point to pem_len readable bytes; out_key to a writable ct_key*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_new_pem(
    pem: *const u8,
    pem_len: usize,
    alg: ct_alg,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe { key_from((pem, pem_len), alg, key_use, out_key, from_pem) }
}

/// Reads a key document's text as a key pinned to the wanted algorithm (or the document's).
type Reader = fn(&str, Option<Algorithm>, KeyUse) -> Result<Key, ct_result>;

/// The no_std (firmware) build's readers: documents need a heap.
#[cfg(not(feature = "std"))]
fn unsupported(_: &str, _: Option<Algorithm>, _: KeyUse) -> Result<Key, ct_result> {
    Err(CT_ERR_UNSUPPORTED)
}
#[cfg(not(feature = "std"))]
use unsupported as from_jwk;
#[cfg(not(feature = "std"))]
use unsupported as from_pem;

/// The body of ct_key_new_jwk and ct_key_new_pem: the arguments checked in the same order
/// in both builds, then the document read.
///
/// # Safety
/// doc must point to doc_len readable bytes; out_key to a writable ct_key*.
unsafe fn key_from(
    (doc, doc_len): (*const u8, usize),
    alg: ct_alg,
    key_use: ct_key_use,
    out_key: *mut *mut ct_key,
    read: Reader,
) -> ct_result {
    boundary(|| {
        if doc.is_null() || out_key.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let wanted = crate::key::alg_arg(alg)?;
        let key_use = crate::key_use(key_use)?;
        // SAFETY: the caller guarantees `doc_len` readable bytes at `doc`.
        let text = unsafe { crate::text(doc, doc_len) }?;
        crate::key::put(out_key, read(text, wanted, key_use)?)
    })
}

/// Writes the public JWK of key (JSON text, not NUL-terminated: "kty", "crv"/"x"/"y" or
/// "n"/"e", "kid" when set, "alg", "use": "sig", "token_use") to out and its length to
/// *out_written; ct_key_new_jwk and ct_keyset_new_jwks read it back. A private key gives
/// its public half; an HS256 key, which has none, CT_ERR_INVALID_ARGUMENT.
/// CT_BUFFER_TOO_SMALL writes the length needed to *out_written and nothing to out (an
/// RSA 4096 key's JWK is under 1 KiB). CT_ERR_UNSUPPORTED in the no_std (firmware) build.
///
/// # Safety
/// key a live handle; out out_len writable bytes; out_written a writable size_t.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_key_public_jwk(
    key: *const ct_key,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if key.is_null() || out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = out_len;
            Err(CT_ERR_UNSUPPORTED)
        }
        #[cfg(feature = "std")]
        {
            // SAFETY: non-NULL live handle (API contract).
            let json = public_jwk(&unsafe { &*key }.inner)?;
            crate::inspect::put_text(&json, out, out_len, out_written)
        }
    })
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use compact_token::{Algorithm, Es256SigningKey, KeyUse};

    use super::std_only::{from_jwk, pin};
    use crate::CT_ERR_ALGORITHM_CONFLICT;
    use crate::key::{Key, Pair};

    fn alg(k: Key) -> Algorithm {
        k.verifier().algorithm()
    }

    #[test]
    fn a_non_rsa_key_keeps_its_one_algorithm() {
        let k = Es256SigningKey::from_bytes(&[7; 32], KeyUse::Access).unwrap();
        let es = || Key::Es256(Pair::public(k.verifying_key()));
        assert_eq!(alg(pin(es(), None, None).unwrap()), Algorithm::ES256);
        assert_eq!(
            alg(pin(es(), None, Some(Algorithm::ES256)).unwrap()),
            Algorithm::ES256
        );
        for wanted in [Algorithm::RS256, Algorithm::EdDSA, Algorithm::HS256] {
            assert_eq!(
                pin(es(), None, Some(wanted)).err(),
                Some(CT_ERR_ALGORITHM_CONFLICT)
            );
        }
    }

    #[test]
    fn an_oct_jwk_is_hs256() {
        let json = r#"{"kty":"oct","k":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}"#;
        let k = from_jwk(json, None, KeyUse::Access).unwrap();
        assert_eq!(alg(k), Algorithm::HS256);
    }
}
