//! PEM keys made by OpenSSL (`data/pem/README.md`): every form read, each matching PyJWT's
//! JWK of the same key and verifying the tokens PyJWT signed with it; round trips through
//! our own writer; malformed, truncated, wrong-type and too-small keys refused with the
//! exact error.

use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::{Algorithm, Error as TokenError, KeyUse, SigningKey as _, jws};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::{Error, jwk, pem};
use serde_json::Value;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("data/pem/", $name))
    };
}

const EC_PKCS8: &str = fixture!("ec-p256-pkcs8.pem");
const EC_SEC1: &str = fixture!("ec-p256-sec1.pem");
const EC_ECPARAM: &str = fixture!("ec-p256-ecparam.pem");
const EC_PUBLIC: &str = fixture!("ec-p256-public.pem");
const EC_P384: &str = fixture!("ec-p384-pkcs8.pem");
const RSA_PKCS8: &str = fixture!("rsa-2048-pkcs8.pem");
const RSA_PKCS1: &str = fixture!("rsa-2048-pkcs1.pem");
const RSA_PUBLIC: &str = fixture!("rsa-2048-public.pem");
const RSA_PKCS1_PUBLIC: &str = fixture!("rsa-2048-pkcs1-public.pem");
const RSA_1024: &str = fixture!("rsa-1024-pkcs8.pem");
const RSA_1024_PUBLIC: &str = fixture!("rsa-1024-public.pem");
const PSS_PKCS8: &str = fixture!("rsa-pss-2048-pkcs8.pem");
const PSS_PUBLIC: &str = fixture!("rsa-pss-2048-public.pem");
const ED_PKCS8: &str = fixture!("ed25519-pkcs8.pem");
const ED_PUBLIC: &str = fixture!("ed25519-public.pem");

const USE: KeyUse = KeyUse::Access;

fn private(pem: &str, alg: Option<Algorithm>) -> AnySigningKey {
    pem::signing_key_from_pem(pem, alg, USE).unwrap_or_else(|e| panic!("{e}: {pem}"))
}

fn public(pem: &str, alg: Option<Algorithm>) -> AnyVerifyingKey {
    pem::verifying_key_from_pem(pem, alg, USE).unwrap_or_else(|e| panic!("{e}: {pem}"))
}

fn private_err(pem: &str, alg: Option<Algorithm>) -> Error {
    pem::signing_key_from_pem(pem, alg, USE).unwrap_err()
}

fn public_err(pem: &str, alg: Option<Algorithm>) -> Error {
    pem::verifying_key_from_pem(pem, alg, USE).unwrap_err()
}

fn pyjwt_token(name: &str) -> String {
    let tokens: Value = serde_json::from_str(fixture!("pyjwt-tokens.json")).unwrap();
    tokens[name].as_str().unwrap().to_owned()
}

/// PyJWT's JWK of an OpenSSL public key, read by our JWK reader.
fn pyjwt_jwk(name: &str, rsa_alg: Option<&str>) -> AnyVerifyingKey {
    let jwks: Value = serde_json::from_str(fixture!("pyjwt-jwks.json")).unwrap();
    let mut jwk = jwks[name].clone();
    if let Some(alg) = rsa_alg {
        jwk["alg"] = alg.into();
    }
    jwk::public_key_from_jwk(&jwk.to_string(), USE).unwrap()
}

/// The token PyJWT signed verifies with `key`, and `key` refuses it with one byte changed.
fn verifies_pyjwt_token(name: &str, key: &AnyVerifyingKey) {
    let token = pyjwt_token(name);
    let mut payload = [0u8; 128];
    let got = jws::verify(&token, key, &mut payload).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(got, br#"{"iss":"openssl-fixture","sub":"pem"}"#);
    let mut forged = token.into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    assert_eq!(
        jws::verify(&forged, key, &mut payload),
        Err(TokenError::BadSignature),
        "{name}"
    );
}

#[test]
fn openssl_p256_keys_in_every_form_are_one_key() {
    let from_jwk = jwk::thumbprint(&pyjwt_jwk("ES256", None));
    let spki = public(EC_PUBLIC, None);
    assert_eq!(jwk::thumbprint(&spki), from_jwk);
    assert_eq!(
        jwk::thumbprint(&public(EC_PUBLIC, Some(Algorithm::ES256))),
        from_jwk
    );
    for form in [EC_PKCS8, EC_SEC1] {
        let key = private(form, None);
        assert_eq!(key.algorithm(), Algorithm::ES256);
        assert_eq!(jwk::thumbprint(&key.verifying_key()), from_jwk);
    }
    verifies_pyjwt_token("ES256", &spki);
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
    assert!(EC_ECPARAM.starts_with("-----BEGIN EC PARAMETERS-----"));
    let ecparam = private(EC_ECPARAM, Some(Algorithm::ES256));
    verifies_pyjwt_token("ES256 ecparam", &ecparam.verifying_key());
}

#[test]
fn openssl_rsa_keys_in_every_form_are_one_key_for_the_algorithm_named() {
    for alg in [Algorithm::RS256, Algorithm::PS256] {
        let name = if alg == Algorithm::RS256 {
            "RS256"
        } else {
            "PS256"
        };
        let from_jwk = jwk::thumbprint(&pyjwt_jwk("RSA", Some(name)));
        for form in [RSA_PUBLIC, RSA_PKCS1_PUBLIC] {
            let key = public(form, Some(alg));
            assert_eq!(compact_token::VerifyingKey::algorithm(&key), alg);
            assert_eq!(jwk::thumbprint(&key), from_jwk);
            verifies_pyjwt_token(name, &key);
        }
        for form in [RSA_PKCS8, RSA_PKCS1] {
            let key = private(form, Some(alg));
            assert_eq!(key.algorithm(), alg);
            assert_eq!(jwk::thumbprint(&key.verifying_key()), from_jwk);
        }
    }
    // The key pins the algorithm: the RS256 key refuses PyJWT's PS256 token and the reverse.
    let mut payload = [0u8; 128];
    let rs = public(RSA_PUBLIC, Some(Algorithm::RS256));
    let ps = public(RSA_PUBLIC, Some(Algorithm::PS256));
    assert_eq!(
        jws::verify(&pyjwt_token("PS256"), &rs, &mut payload),
        Err(TokenError::AlgorithmMismatch)
    );
    assert_eq!(
        jws::verify(&pyjwt_token("RS256"), &ps, &mut payload),
        Err(TokenError::AlgorithmMismatch)
    );
}

#[test]
fn an_rsa_key_needs_its_algorithm_named_unless_it_is_an_rsa_pss_key() {
    for pem in [RSA_PKCS8, RSA_PKCS1] {
        assert_eq!(private_err(pem, None), Error::AlgorithmRequired);
        assert_eq!(
            private_err(pem, Some(Algorithm::ES256)),
            Error::AlgorithmMismatch
        );
    }
    for pem in [RSA_PUBLIC, RSA_PKCS1_PUBLIC] {
        assert_eq!(public_err(pem, None), Error::AlgorithmRequired);
        assert_eq!(
            public_err(pem, Some(Algorithm::EdDSA)),
            Error::AlgorithmMismatch
        );
    }
    // An RSASSA-PSS key (`openssl genpkey -algorithm RSA-PSS`) is for PS256 only.
    let pss = public(PSS_PUBLIC, None);
    assert_eq!(
        compact_token::VerifyingKey::algorithm(&pss),
        Algorithm::PS256
    );
    verifies_pyjwt_token("PS256 pss-key", &pss);
    assert_eq!(private(PSS_PKCS8, None).algorithm(), Algorithm::PS256);
    assert_eq!(
        public_err(PSS_PUBLIC, Some(Algorithm::RS256)),
        Error::AlgorithmMismatch
    );
    assert_eq!(
        private_err(PSS_PKCS8, Some(Algorithm::RS256)),
        Error::AlgorithmMismatch
    );
}

#[test]
fn openssl_ed25519_keys_and_the_algorithm_they_name() {
    let key = private(ED_PKCS8, None);
    assert_eq!(key.algorithm(), Algorithm::EdDSA);
    let from_jwk = jwk::thumbprint(&pyjwt_jwk("EdDSA", None));
    assert_eq!(jwk::thumbprint(&key.verifying_key()), from_jwk);
    assert_eq!(jwk::thumbprint(&public(ED_PUBLIC, None)), from_jwk);
    assert_eq!(
        private_err(ED_PKCS8, Some(Algorithm::ES256)),
        Error::AlgorithmMismatch
    );
    assert_eq!(
        public_err(EC_PUBLIC, Some(Algorithm::EdDSA)),
        Error::AlgorithmMismatch
    );
}

#[test]
fn our_pem_round_trips_and_openssl_pkcs8_is_written_back_byte_for_byte() {
    // OpenSSL 3 writes PKCS#8 v1 with the public key inside the EC structure, as we do.
    for (pem, alg) in [
        (EC_PKCS8, None),
        (ED_PKCS8, None),
        (RSA_PKCS8, Some(Algorithm::RS256)),
    ] {
        let key = private(pem, alg);
        assert_eq!(pem::signing_key_to_pem(&key).unwrap().as_str(), pem);
    }
    // SPKI is one encoding per key: ours is OpenSSL's.
    for (pem, alg) in [
        (EC_PUBLIC, None),
        (ED_PUBLIC, None),
        (RSA_PUBLIC, Some(Algorithm::PS256)),
    ] {
        assert_eq!(pem::verifying_key_to_pem(&public(pem, alg)).unwrap(), pem);
    }
    // The legacy forms come back as PKCS#8 / SPKI of the same key.
    let sec1 = private(EC_SEC1, None);
    assert_eq!(pem::signing_key_to_pem(&sec1).unwrap().as_str(), EC_PKCS8);
    let pkcs1 = public(RSA_PKCS1_PUBLIC, Some(Algorithm::RS256));
    assert_eq!(pem::verifying_key_to_pem(&pkcs1).unwrap(), RSA_PUBLIC);
    // A fresh ES256 key: written, read, signs what the first verifies.
    let fresh = AnySigningKey::generate(Algorithm::ES256, USE).unwrap();
    let back = private(&pem::signing_key_to_pem(&fresh).unwrap(), None);
    assert_eq!(
        jwk::thumbprint(&back.verifying_key()),
        jwk::thumbprint(&fresh.verifying_key())
    );
    let hs = AnySigningKey::generate(Algorithm::HS256, USE).unwrap();
    assert_eq!(
        pem::signing_key_to_pem(&hs).unwrap_err(),
        Error::UnsupportedAlgorithm
    );
    assert_eq!(
        pem::verifying_key_to_pem(&hs.verifying_key()).unwrap_err(),
        Error::NoPublicKey
    );
}

#[test]
fn a_private_key_is_refused_where_a_public_key_is_expected_and_the_reverse() {
    for pem in [EC_PKCS8, EC_SEC1, RSA_PKCS8, RSA_PKCS1, ED_PKCS8] {
        assert_eq!(
            public_err(pem, Some(Algorithm::RS256)),
            Error::NotAPublicKey
        );
    }
    for pem in [EC_PUBLIC, RSA_PUBLIC, RSA_PKCS1_PUBLIC, ED_PUBLIC] {
        assert_eq!(
            private_err(pem, Some(Algorithm::RS256)),
            Error::NotAPrivateKey
        );
    }
}

#[test]
fn rsa_1024_and_p384_keys_are_refused() {
    assert_eq!(
        private_err(RSA_1024, Some(Algorithm::RS256)),
        Error::RsaKeySize
    );
    assert_eq!(
        public_err(RSA_1024_PUBLIC, Some(Algorithm::PS256)),
        Error::RsaKeySize
    );
    assert_eq!(private_err(EC_P384, None), Error::PemUnsupportedKey);
}

/// An RSA JWK's modulus is held to the same 2048 to 4096 bits as a PEM key's, with the same
/// error: 1024 bits and 4104 bits are refused as `RsaKeySize` (as a public key, a private
/// key and inside a key set), whatever `alg` says; 2048 bits are read.
#[test]
fn rsa_jwk_sizes_are_checked_like_pem_ones() {
    let modulus = |bytes: usize| {
        let mut n = vec![0xC5u8; bytes];
        n[bytes - 1] |= 1;
        Base64UrlUnpadded::encode_string(&n)
    };
    for (bytes, expected) in [
        (128, Err(Error::RsaKeySize)),
        (513, Err(Error::RsaKeySize)),
        (256, Ok(())),
    ] {
        for alg in ["", r#","alg":"PS256""#] {
            let public = format!(
                r#"{{"kty":"RSA","n":"{}","e":"AQAB"{alg}}}"#,
                modulus(bytes)
            );
            assert_eq!(
                jwk::public_key_from_jwk(&public, USE).map(drop),
                expected,
                "{bytes} {alg}"
            );
            assert_eq!(
                jwk::verifying_key_from_jwk(&public, USE).map(drop),
                expected,
                "{bytes}"
            );
            let set = format!(r#"{{"keys":[{public}]}}"#);
            assert_eq!(
                jwk::public_keys_from_jwks(&set, USE).map(drop),
                expected,
                "{bytes}"
            );
        }
    }
    // A private JWK is refused for its size before its other members are looked at.
    let private = format!(
        r#"{{"kty":"RSA","n":"{}","e":"AQAB","d":"AQ","p":"AQ","q":"AQ"}}"#,
        modulus(128)
    );
    assert_eq!(
        jwk::signing_key_from_jwk(&private, USE).map(drop),
        Err(Error::RsaKeySize)
    );
}

#[test]
fn malformed_truncated_and_foreign_pem_get_exact_errors() {
    assert_eq!(public_err("", None), Error::Pem);
    assert_eq!(public_err("not pem", None), Error::Pem);
    // Truncated: the END line lost, or the base64 cut short (DER shorter than it says).
    let no_end = &EC_PUBLIC[..EC_PUBLIC.find("-----END").unwrap()];
    assert_eq!(public_err(no_end, None), Error::Pem);
    let lines: Vec<&str> = RSA_PKCS8.lines().collect();
    let cut = [&lines[..3], &lines[lines.len() - 1..]].concat().join("\n");
    assert_eq!(private_err(&cut, Some(Algorithm::RS256)), Error::Pem);
    // Base64 that is not base64, and a label that does not match its END line.
    let bad_b64 = EC_PUBLIC.replacen("MFkw", "MF*w", 1);
    assert_eq!(public_err(&bad_b64, None), Error::Pem);
    let mismatched = EC_PUBLIC.replace("END PUBLIC KEY", "END PRIVATE KEY");
    assert_eq!(public_err(&mismatched, None), Error::Pem);
    // A well-formed PEM whose DER is not the structure its label names.
    let swapped = EC_SEC1.replace("EC PRIVATE KEY", "RSA PRIVATE KEY");
    assert_eq!(private_err(&swapped, Some(Algorithm::RS256)), Error::Pem);
    let swapped = RSA_PKCS1_PUBLIC.replace("RSA PUBLIC KEY", "PUBLIC KEY");
    assert_eq!(public_err(&swapped, Some(Algorithm::RS256)), Error::Pem);
    // Labels we do not read: a certificate, an encrypted key.
    for label in ["CERTIFICATE", "ENCRYPTED PRIVATE KEY"] {
        let other = EC_PKCS8.replace("PRIVATE KEY", label);
        assert_eq!(private_err(&other, None), Error::PemLabel, "{label}");
        assert_eq!(public_err(&other, None), Error::PemLabel, "{label}");
    }
}

#[test]
fn a_sec1_key_whose_public_point_is_another_keys_is_refused() {
    use base64ct::{Base64, Encoding as _};
    let sec1_pem = |der: &[u8]| {
        let b64 = Base64::encode_string(der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|l| std::str::from_utf8(l).unwrap())
            .collect();
        format!(
            "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----\n",
            lines.join("\n")
        )
    };
    let body: String = EC_SEC1
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let mut der = Base64::decode_vec(&body).unwrap();
    // Re-encoded unchanged, it is the OpenSSL key (so the errors below come from the edits).
    assert_eq!(sec1_pem(&der), EC_SEC1);
    assert_eq!(private(&sec1_pem(&der), None).algorithm(), Algorithm::ES256);
    // The SEC1 DER ends with the uncompressed public point (65 bytes); flip a bit in `y`:
    // off the curve (a flipped y is almost never a point), so malformed.
    let last = der.len() - 1;
    der[last] ^= 1;
    assert_eq!(private_err(&sec1_pem(&der), None), Error::Pem);
    // A valid point of another key: the pair does not match.
    let AnyVerifyingKey::Es256(other) = private(EC_ECPARAM, None).verifying_key() else {
        panic!("not p-256")
    };
    let (x, y) = other.to_coordinates();
    der[last - 63..last - 31].copy_from_slice(&x);
    der[last - 31..].copy_from_slice(&y);
    assert_eq!(private_err(&sec1_pem(&der), None), Error::KeyPairMismatch);
}

#[test]
fn a_generated_rsa_key_round_trips_through_pem_and_sizes_are_checked_first() {
    use compact_token_std::keys;
    assert_eq!(
        keys::generate_rsa(1024, Algorithm::RS256, USE).unwrap_err(),
        Error::RsaKeySize
    );
    assert_eq!(
        keys::generate_rsa(2048, Algorithm::ES256, USE).unwrap_err(),
        Error::UnsupportedAlgorithm
    );
    // One RSA key for this test binary (generation is the slow part).
    let key = AnySigningKey::generate(Algorithm::PS256, USE).unwrap();
    assert_eq!(key.algorithm(), Algorithm::PS256);
    assert_eq!(key.signature_len(), keys::RSA_BITS / 8);
    let private_pem = pem::signing_key_to_pem(&key).unwrap();
    assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let back = private(&private_pem, Some(Algorithm::PS256));
    let public_pem = pem::verifying_key_to_pem(&key.verifying_key()).unwrap();
    let verifier = public(&public_pem, Some(Algorithm::PS256));
    // What the key read back signs, the original's public key verifies, and the reverse.
    let header = compact_token::Header {
        alg: "PS256",
        typ: None,
        kid: None,
    };
    let mut out = [0u8; 1024];
    let mut payload = [0u8; 16];
    let token = jws::sign(&header, b"pem", &back, &mut out)
        .unwrap()
        .to_owned();
    assert_eq!(
        jws::verify(&token, &key.verifying_key(), &mut payload).unwrap(),
        b"pem"
    );
    let token = jws::sign(&header, b"pem", &key, &mut out)
        .unwrap()
        .to_owned();
    assert_eq!(
        jws::verify(&token, &verifier, &mut payload).unwrap(),
        b"pem"
    );
}

#[test]
fn every_truncation_of_every_fixture_is_malformed_and_every_flipped_character_is_no_panic() {
    let all = [
        EC_PKCS8,
        EC_SEC1,
        EC_ECPARAM,
        EC_PUBLIC,
        EC_P384,
        RSA_PKCS8,
        RSA_PKCS1,
        RSA_PUBLIC,
        RSA_PKCS1_PUBLIC,
        RSA_1024,
        RSA_1024_PUBLIC,
        PSS_PKCS8,
        PSS_PUBLIC,
        ED_PKCS8,
        ED_PUBLIC,
    ];
    for pem in all {
        // Cut anywhere before the END line is complete: never a key.
        let end = pem.rfind("-----").unwrap();
        for cut in 0..end {
            let cut = &pem[..cut];
            for alg in [None, Some(Algorithm::RS256)] {
                assert_eq!(private_err(cut, alg), Error::Pem, "{cut:?}");
                assert_eq!(public_err(cut, alg), Error::Pem, "{cut:?}");
            }
        }
        // One character of the base64 changed: a key or an error, never a panic.
        let begin = pem.rfind("-----BEGIN").unwrap();
        let body_start = begin + pem[begin..].find('\n').unwrap() + 1;
        for i in (body_start..end).step_by(3) {
            let mut text = pem.as_bytes().to_vec();
            text[i] = if text[i] == b'A' { b'B' } else { b'A' };
            let text = String::from_utf8(text).unwrap();
            let _ = pem::signing_key_from_pem(&text, Some(Algorithm::PS256), USE);
            let _ = pem::verifying_key_from_pem(&text, Some(Algorithm::PS256), USE);
        }
    }
}
