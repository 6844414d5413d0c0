//! Published test vectors: RFC 7515 Appendix A.1 (HS256) and RFC 8037 Appendix A.4 (EdDSA).

mod common;

use common::{b64, b64e};
use compact_token::{Ed25519SigningKey, Ed25519VerifyingKey, Error, Header, Hs256Key, KeyUse, jws};

/// RFC 7515 Appendix A.1.1, including the `\r\n ` inside the header and payload JSON.
const RFC7515_A1_TOKEN: &str = concat!(
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9",
    ".",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
    ".",
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
);
const RFC7515_A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

/// RFC 8037 Appendix A.1 (key) and A.4 (signature).
const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const RFC8037_A4_TOKEN: &str = concat!(
    "eyJhbGciOiJFZERTQSJ9",
    ".",
    "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc",
    ".",
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg",
);

#[test]
fn rfc7515_a1_hs256_verifies_with_a_pinned_key() {
    let key = Hs256Key::from_secret(&b64(RFC7515_A1_KEY), KeyUse::AccessAndId).unwrap();
    let mut out = [0u8; 128];
    let payload = jws::verify(RFC7515_A1_TOKEN, &key, &mut out).unwrap();
    assert_eq!(
        payload,
        b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
    );
}

#[test]
fn rfc7515_a1_fails_with_another_key_or_a_changed_byte() {
    let mut other = b64(RFC7515_A1_KEY);
    other[0] ^= 1;
    let key = Hs256Key::from_secret(&other, KeyUse::AccessAndId).unwrap();
    let mut out = [0u8; 128];
    assert_eq!(
        jws::verify(RFC7515_A1_TOKEN, &key, &mut out),
        Err(Error::BadSignature)
    );
    let key = Hs256Key::from_secret(&b64(RFC7515_A1_KEY), KeyUse::AccessAndId).unwrap();
    let mut token = RFC7515_A1_TOKEN.as_bytes().to_vec();
    let last = token.len() - 2;
    token[last] = if token[last] == b'X' { b'Y' } else { b'X' };
    let token = String::from_utf8(token).unwrap();
    assert_eq!(
        jws::verify(&token, &key, &mut out),
        Err(Error::BadSignature)
    );
}

#[test]
fn rfc7515_a1_refused_by_an_ed25519_key() {
    let key = Ed25519SigningKey::from_slice(&b64(RFC8037_D), KeyUse::AccessAndId)
        .unwrap()
        .verifying_key();
    let mut out = [0u8; 128];
    assert_eq!(
        jws::verify(RFC7515_A1_TOKEN, &key, &mut out),
        Err(Error::AlgorithmMismatch)
    );
}

#[test]
fn rfc8037_a1_public_key_matches_private_key() {
    let key = Ed25519SigningKey::from_slice(&b64(RFC8037_D), KeyUse::AccessAndId).unwrap();
    assert_eq!(b64e(&key.verifying_key().to_bytes()), RFC8037_X);
}

#[test]
fn rfc8037_a4_signs_byte_exactly_and_verifies() {
    let key = Ed25519SigningKey::from_slice(&b64(RFC8037_D), KeyUse::AccessAndId).unwrap();
    let header = Header {
        alg: "EdDSA",
        typ: None,
        kid: None,
    };
    let mut out = [0u8; 256];
    let token = jws::sign(&header, b"Example of Ed25519 signing", &key, &mut out).unwrap();
    assert_eq!(token, RFC8037_A4_TOKEN);

    let public = Ed25519VerifyingKey::from_slice(&b64(RFC8037_X), KeyUse::AccessAndId).unwrap();
    let mut payload = [0u8; 64];
    assert_eq!(
        jws::verify(RFC8037_A4_TOKEN, &public, &mut payload).unwrap(),
        b"Example of Ed25519 signing"
    );
}

#[test]
fn rfc8037_a4_signature_is_checked() {
    let public = Ed25519VerifyingKey::from_slice(&b64(RFC8037_X), KeyUse::AccessAndId).unwrap();
    let mut payload = [0u8; 64];
    let tampered = RFC8037_A4_TOKEN.replace("RXhh", "RXhi");
    assert_eq!(
        jws::verify(&tampered, &public, &mut payload),
        Err(Error::BadSignature)
    );
}

#[test]
fn sign_reports_the_exact_length_needed() {
    let key = Ed25519SigningKey::from_slice(&b64(RFC8037_D), KeyUse::AccessAndId).unwrap();
    let header = Header {
        alg: "EdDSA",
        typ: None,
        kid: None,
    };
    let mut out = [0u8; 256];
    let n = RFC8037_A4_TOKEN.len();
    assert_eq!(
        jws::sign(
            &header,
            b"Example of Ed25519 signing",
            &key,
            &mut out[..n - 1]
        ),
        Err(Error::BufferTooSmall { needed: n })
    );
    let token = jws::sign(&header, b"Example of Ed25519 signing", &key, &mut out[..n]).unwrap();
    assert_eq!(token, RFC8037_A4_TOKEN);
    let header = Header {
        alg: "HS256",
        ..header
    };
    assert_eq!(
        jws::sign(&header, b"x", &key, &mut out),
        Err(Error::AlgorithmMismatch)
    );
}
