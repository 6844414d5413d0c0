//! The `ctok` binary, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const NOW: u64 = 1_764_000_000;

fn ctok(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctok"))
        .args(args)
        .output()
        .expect("ctok runs")
}

/// Runs ctok, expecting success; returns stdout.
fn ok(args: &[&str]) -> String {
    let out = ctok(args);
    assert!(
        out.status.success(),
        "ctok {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
    String::from_utf8(out.stdout).unwrap()
}

/// Runs ctok, expecting failure; returns the one stderr line.
fn fails(args: &[&str]) -> String {
    let out = ctok(args);
    assert_eq!(out.status.code(), Some(1), "ctok {args:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"));
    err.trim_end().to_owned()
}

/// A scratch directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ctok-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn access_claims(iat: u64, lifetime: u64) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"user-8f14e45f","aud":"{AUD}","client_id":"s6BhdRkqt3",
            "iat":{iat},"exp":{},"jti":"b1c2d3e4f5a6b7c8","scope":"read:orders write:orders"}}"#,
        iat + lifetime
    )
}

#[test]
fn demo_issues_verifies_and_shows_the_refusals() {
    let out = ok(&["demo", "--now", "1764000000"]);
    assert!(out.contains("jwt access token, EdDSA (404 bytes)"), "{out}");
    assert!(out.contains("jwt access token, HS256 (361 bytes)"));
    assert!(out.contains("jwt ID token, EdDSA (656 bytes)"));
    assert!(out.contains("signature kept: bad signature (error 8)"));
    assert!(out.contains("as an access token (same key): wrong kind of token (error 13)"));
    // jwt: 3 tokens; compact: 2 access, 2 with registered numbers, 1 ID.
    assert_eq!(out.matches("checked").count(), 8);
}

#[test]
fn keygen_issue_verify_round_trip_with_a_jwks() {
    let d = dir("roundtrip");
    let jwks = d.join("jwks.json");
    let private = ok(&[
        "keygen",
        "--alg",
        "eddsa",
        "--kid",
        "k1",
        "--use",
        "both",
        "--public",
        jwks.to_str().unwrap(),
    ]);
    let key = write(&d.join("k.jwk"), &private);
    let value: serde_json::Value = serde_json::from_str(&private).unwrap();
    assert_eq!(
        (&value["kty"], &value["kid"], &value["token_use"]),
        (&"OKP".into(), &"k1".into(), &"both".into())
    );
    assert!(value["d"].as_str().is_some_and(|d| d.len() == 43));
    let public = std::fs::read_to_string(&jwks).unwrap();
    assert!(!public.contains("\"d\""));

    let claims = write(&d.join("c.json"), &access_claims(NOW, 300));
    let token = ok(&["issue", "access", "--key", &key, "--claims", &claims]);
    let token = token.trim();
    let now = (NOW + 10).to_string();
    let jwks = jwks.to_str().unwrap();
    let verified = ok(&[
        "verify",
        "access",
        "--key",
        jwks,
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--now",
        &now,
        "--scope",
        "write:orders",
        token,
    ]);
    let claims: serde_json::Value = serde_json::from_str(&verified).unwrap();
    assert_eq!(claims["sub"], "user-8f14e45f");
    assert_eq!(claims["aud"], serde_json::json!([AUD]));
    assert_eq!(claims["exp"], NOW + 300);

    let verify = |kind: &str, aud: &str, now: &str, extra: &[&str]| {
        let mut args = vec!["verify", kind, "--key", jwks, "--iss", ISS, "--aud", aud];
        args.extend(["--now", now]);
        args.extend(extra);
        args.push(token);
        fails(&args)
    };
    assert_eq!(
        verify("id", AUD, &now, &[]),
        "ctok: token refused: wrong kind of token"
    );
    assert_eq!(
        verify("access", "https://other", &now, &[]),
        "ctok: token refused: wrong audience"
    );
    assert_eq!(
        verify("access", AUD, &(NOW + 400).to_string(), &[]),
        "ctok: token refused: token expired"
    );
    assert_eq!(
        verify("access", AUD, &now, &["--scope", "admin"]),
        "ctok: token refused: missing required scope"
    );
    let tampered = token.replacen(".eyJ", ".eyK", 1);
    assert_eq!(
        fails(&[
            "verify", "access", "--key", jwks, "--iss", ISS, "--aud", AUD, "--now", &now, &tampered
        ]),
        "ctok: token refused: bad signature"
    );
}

#[test]
fn key_use_and_kid_are_enforced() {
    let d = dir("use");
    let key = write(
        &d.join("k.jwk"),
        &ok(&["keygen", "--alg", "hs256", "--use", "access"]),
    );
    let id = format!(
        r#"{{"iss":"{ISS}","sub":"s","aud":"c","iat":{NOW},"exp":{}}}"#,
        NOW + 60
    );
    let id = write(&d.join("id.json"), &id);
    assert_eq!(
        fails(&["issue", "id", "--key", &key, "--claims", &id]),
        "ctok: cannot issue: key not meant for this kind of token"
    );
    // A JWK set holding another key: the token's kid is unknown there.
    let other = d.join("other.json");
    ok(&[
        "keygen",
        "--alg",
        "eddsa",
        "--public",
        other.to_str().unwrap(),
    ]);
    let claims = write(&d.join("c.json"), &access_claims(NOW, 300));
    let token = ok(&["issue", "access", "--key", &key, "--claims", &claims]);
    assert_eq!(
        fails(&[
            "verify",
            "access",
            "--key",
            other.to_str().unwrap(),
            "--iss",
            ISS,
            "--aud",
            AUD,
            "--now",
            "1764000001",
            token.trim()
        ]),
        "ctok: no key for this token: no key with this kid is valid now"
    );
}

#[test]
fn bad_input_is_one_line_and_exit_1() {
    let d = dir("bad");
    let key = write(&d.join("k.jwk"), &ok(&["keygen", "--alg", "eddsa"]));
    let long = write(&d.join("long.json"), &access_claims(NOW, 601));
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &long]),
        "ctok: cannot issue: lifetime too long"
    );
    let bad_date = write(
        &d.join("date.json"),
        &access_claims(NOW, 300).replace(&NOW.to_string(), "-1"),
    );
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &bad_date]),
        "ctok: cannot issue: invalid date"
    );
    let missing = write(&d.join("missing.json"), r#"{"iss":"x"}"#);
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &missing]),
        "ctok: invalid claims: malformed claims"
    );
    let not_json = write(&d.join("not.json"), "{");
    assert_eq!(
        fails(&["issue", "access", "--key", &not_json, "--claims", &missing]),
        "ctok: invalid key: malformed json"
    );
    let rsa = write(&d.join("rsa.jwk"), r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#);
    assert_eq!(
        fails(&[
            "verify", "access", "--key", &rsa, "--iss", ISS, "--aud", AUD, "x.y.z"
        ]),
        "ctok: invalid key: unsupported jwk key type (kty)"
    );
    for token in ["", "a.b", "....", "a.b.c", "\u{1F600}.x.y"] {
        let err = fails(&[
            "verify", "access", "--key", &key, "--iss", ISS, "--aud", AUD, token,
        ]);
        assert!(err.starts_with("ctok: token refused: "), "{token:?}: {err}");
    }
    assert!(
        fails(&[
            "issue",
            "access",
            "--key",
            "/nonexistent/k.jwk",
            "--claims",
            &missing
        ])
        .starts_with("ctok: cannot read /nonexistent/k.jwk: ")
    );
    assert_eq!(
        fails(&["keygen", "--alg", "rsa"]),
        "ctok: invalid value 'rsa' for '--alg <ALG>' [possible values: eddsa, hs256]"
    );
    assert_eq!(
        fails(&["frobnicate"]),
        "ctok: unrecognized subcommand 'frobnicate'"
    );
    assert_eq!(
        fails(&["keygen", "--alg", "hs256", "--public", "/dev/null"]),
        "ctok: --public: an hs256 secret has no public key"
    );
}

#[test]
fn public_prints_the_public_half() {
    let d = dir("public");
    let private = ok(&["keygen", "--alg", "eddsa", "--kid", "p1"]);
    let key = write(&d.join("k.jwk"), &private);
    let public: serde_json::Value = serde_json::from_str(&ok(&["public", "--key", &key])).unwrap();
    let private: serde_json::Value = serde_json::from_str(&private).unwrap();
    assert_eq!(public["x"], private["x"]);
    assert_eq!(public.get("d"), None);
    let set: serde_json::Value =
        serde_json::from_str(&ok(&["public", "--key", &key, "--jwks"])).unwrap();
    assert_eq!(set["keys"][0], public);
    // The default kid is the RFC 7638 thumbprint.
    let bare: serde_json::Value = serde_json::from_str(&ok(&["keygen", "--alg", "eddsa"])).unwrap();
    assert_eq!(bare["kid"].as_str().map(str::len), Some(43));
}
