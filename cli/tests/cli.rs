//! The `ctok` binary, run as a user would.

use std::path::PathBuf;
use std::process::{Command, Output};

mod common;

use common::{AUD, ISS, NOW, ctok, dir, ok, write};

/// Runs ctok, expecting failure (exit 1, 2 or 3); returns the one stderr line.
fn fails(args: &[&str]) -> String {
    let out = ctok(args);
    assert!(matches!(out.status.code(), Some(1..=3)), "ctok {args:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    assert!(!err.contains("panicked"));
    err.trim_end().to_owned()
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
        "ctok: token refused: wrong kind of token (error 13)"
    );
    assert_eq!(
        verify("access", "https://other", &now, &[]),
        "ctok: token refused: wrong audience (error 19)"
    );
    assert_eq!(
        verify("access", AUD, &(NOW + 400).to_string(), &[]),
        "ctok: token refused: token expired (error 15)"
    );
    assert_eq!(
        verify("access", AUD, &now, &["--scope", "admin"]),
        "ctok: token refused: missing required scope (error 21)"
    );
    let tampered = token.replacen(".eyJ", ".eyK", 1);
    assert_eq!(
        fails(&[
            "verify", "access", "--key", jwks, "--iss", ISS, "--aud", AUD, "--now", &now, &tampered
        ]),
        "ctok: token refused: bad signature (error 8)"
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
        "ctok: cannot issue: key not meant for this kind of token (error 28)"
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
        format!(
            "ctok: no key for this token: no key in {} has the token's kid",
            other.to_str().unwrap()
        )
    );
}

#[test]
fn bad_input_is_one_line_and_exit_1() {
    let d = dir("bad");
    let key = write(&d.join("k.jwk"), &ok(&["keygen", "--alg", "eddsa"]));
    let long = write(&d.join("long.json"), &access_claims(NOW, 601));
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &long]),
        "ctok: cannot issue: lifetime too long (error 24)"
    );
    let bad_date = write(
        &d.join("date.json"),
        &access_claims(NOW, 300).replace(&NOW.to_string(), "-1"),
    );
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &bad_date]),
        "ctok: invalid claims: claim `iat` must be Unix seconds"
    );
    let missing = write(&d.join("missing.json"), r#"{"iss":"x"}"#);
    assert_eq!(
        fails(&["issue", "access", "--key", &key, "--claims", &missing]),
        "ctok: missing claim: `sub`: give --sub or put it in --claims"
    );
    let not_json = write(&d.join("not.json"), "{");
    assert_eq!(
        fails(&["issue", "access", "--key", &not_json, "--claims", &missing]),
        format!("ctok: invalid key {not_json}: malformed json")
    );
    let rsa = write(
        &d.join("akp.jwk"),
        r#"{"kty":"AKP","alg":"ML-DSA-44","pub":"AQAB"}"#,
    );
    assert_eq!(
        fails(&[
            "verify", "access", "--key", &rsa, "--iss", ISS, "--aud", AUD, "x.y.z"
        ]),
        format!("ctok: invalid key {rsa}: unsupported jwk key type (kty)")
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
        "ctok: usage: invalid value 'rsa' for '--alg <ALG>' [possible values: eddsa, es256, hs256, rs256, ps256]"
    );
    assert_eq!(
        fails(&["frobnicate"]),
        "ctok: usage: unrecognized subcommand 'frobnicate'"
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

/// Runs ctok with `stdin`; returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_ctok"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("ctok runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap(),
        text(out.stdout),
        text(out.stderr),
    )
}

/// Expects exit `code` and exactly one stderr line; returns it.
fn exits(code: i32, args: &[&str]) -> String {
    let (got, out, err) = run(args, "");
    assert_eq!(got, code, "ctok {args:?}: {err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    err.trim_end().to_owned()
}

const PEM_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
const PEM_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";

#[test]
fn bare_ctok_prints_usage_with_every_command_and_exits_2() {
    let (code, out, err) = run(&[], "");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with("Small, strict access and ID tokens"),
        "{err}"
    );
    for command in [
        "demo",
        "keygen",
        "public",
        "thumbprint",
        "issue",
        "verify",
        "decode",
        "keyset",
        "compare",
    ] {
        assert!(err.contains(&format!("\n  {command} ")), "{command}: {err}");
    }
    assert!(
        ok(&["--help"])
            .contains("Exit status: 0 success, 1 token refused, 2 usage, 3 I/O or key error")
    );
}

#[test]
fn keygen_out_writes_mode_0600_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let d = dir("out");
    let path = d.join("k.jwk");
    let _ = std::fs::remove_file(&path);
    let p = path.to_str().unwrap();
    assert_eq!(ok(&["keygen", "--alg", "eddsa", "--out", p]), "");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(key["d"].as_str().map(str::len), Some(43));
    let err = exits(3, &["keygen", "--alg", "eddsa", "--out", p]);
    assert_eq!(
        err,
        format!("ctok: cannot create {p}: File exists (os error 17)")
    );
    // The thumbprint is the default kid.
    assert_eq!(
        ok(&["thumbprint", "--key", p]).trim(),
        key["kid"].as_str().unwrap()
    );
    // From stdin too.
    let (code, out, _) = run(
        &["thumbprint", "--key", "-"],
        &std::fs::read_to_string(&path).unwrap(),
    );
    assert_eq!((code, out.trim()), (0, key["kid"].as_str().unwrap()));
}

/// Bug: `ctok public` marked every key `"token_use":"access"`, so an exported ID key failed
/// `ctok verify id` with "no key is valid now for this kind of token".
#[test]
fn public_use_and_kid_make_an_id_key_set_that_verifies_id_tokens() {
    let d = dir("public-use");
    let key = write(
        &d.join("k.jwk"),
        &ok(&["keygen", "--alg", "eddsa", "--use", "id", "--kid", "i1"]),
    );
    // The key's own use is kept by default.
    let public: serde_json::Value = serde_json::from_str(&ok(&["public", "--key", &key])).unwrap();
    assert_eq!(
        (&public["token_use"], &public["kid"]),
        (&"id".into(), &"i1".into())
    );
    let set = ok(&[
        "public", "--key", &key, "--jwks", "--use", "both", "--kid", "pub-1",
    ]);
    let parsed: serde_json::Value = serde_json::from_str(&set).unwrap();
    assert_eq!(parsed["keys"][0]["token_use"], "both");
    assert_eq!(parsed["keys"][0]["kid"], "pub-1");
    let id_set = write(
        &d.join("id.json"),
        &ok(&["public", "--key", &key, "--jwks"]),
    );
    let token = ok(&[
        "issue",
        "id",
        "--key",
        &key,
        "--iss",
        ISS,
        "--sub",
        "u1",
        "--aud",
        "client-1",
        "--exp",
        "+1h",
        "--now",
        "1764000000",
    ]);
    let claims = ok(&[
        "verify",
        "id",
        "--key",
        &id_set,
        "--iss",
        ISS,
        "--aud",
        "client-1",
        "--now",
        "1764000100",
        token.trim(),
    ]);
    assert!(claims.contains("\"sub\": \"u1\""), "{claims}");
    // An access-only set and a token without kid: the message says what is wrong.
    let access_only = write(
        &d.join("acc.json"),
        &ok(&["public", "--key", &key, "--jwks", "--use", "access"]),
    );
    let nokid = ok(&["keygen", "--alg", "eddsa", "--use", "id"]);
    let mut nokid: serde_json::Value = serde_json::from_str(&nokid).unwrap();
    nokid.as_object_mut().unwrap().remove("kid");
    let nokid_key = write(&d.join("nokid.jwk"), &nokid.to_string());
    let token = ok(&[
        "issue",
        "id",
        "--key",
        &nokid_key,
        "--iss",
        ISS,
        "--sub",
        "u1",
        "--aud",
        "c",
        "--exp",
        "+1h",
        "--now",
        "1764000000",
    ]);
    let err = exits(
        1,
        &[
            "verify",
            "id",
            "--key",
            &access_only,
            "--iss",
            ISS,
            "--aud",
            "c",
            "--now",
            "1764000001",
            token.trim(),
        ],
    );
    assert_eq!(
        err,
        format!(
            "ctok: no key for this token: no key in {access_only} is for ID tokens (the token has no kid; export the key with `ctok public --use id` or `--use both`)"
        )
    );
    // Bug: a JWK set whose one key has no kid (RFC 7517 makes it optional) verifies.
    let mut public: serde_json::Value =
        serde_json::from_str(&ok(&["public", "--key", &nokid_key])).unwrap();
    public.as_object_mut().unwrap().remove("kid");
    let set = write(
        &d.join("nokid-set.json"),
        &format!("{{\"keys\":[{public}]}}"),
    );
    let claims = ok(&[
        "verify",
        "id",
        "--key",
        &set,
        "--iss",
        ISS,
        "--aud",
        "c",
        "--now",
        "1764000001",
        token.trim(),
    ]);
    assert!(claims.contains("\"aud\""), "{claims}");
}

#[test]
fn issue_from_flags_verify_and_decode_from_stdin() {
    let d = dir("flags");
    let key = write(
        &d.join("k.jwk"),
        &ok(&["keygen", "--alg", "eddsa", "--kid", "k1"]),
    );
    let token = ok(&[
        "issue",
        "access",
        "--key",
        &key,
        "--iss",
        ISS,
        "--sub",
        "user-1",
        "--aud",
        AUD,
        "--aud",
        "https://b.example.com",
        "--client-id",
        "c1",
        "--scope",
        "read write",
        "--exp",
        "+5m",
        "--nbf",
        "+0s",
        "--jti",
        "auto",
        "-P",
        "roles=[\"admin\",\"ops\"]",
        "-P",
        "tenant=acme",
        "-P",
        "level=3",
        "--now",
        "1764000000",
    ]);
    let token = token.trim().to_owned();
    // decode: unverified, marked so, from stdin.
    let (code, out, err) = run(&["decode", "-"], &format!("{token}\n"));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with("UNVERIFIED: nothing below is checked"),
        "{out}"
    );
    assert!(
        out.contains("header: {\"alg\":\"EdDSA\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}"),
        "{out}"
    );
    let (_, out, _) = run(&["--json", "decode", "-"], &token);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["profile"], "jwt");
    assert_eq!(v["claims"]["iat"], NOW);
    assert_eq!(v["claims"]["exp"], NOW + 300);
    assert_eq!(v["claims"]["nbf"], NOW);
    assert_eq!(v["claims"]["roles"], serde_json::json!(["admin", "ops"]));
    assert_eq!(v["claims"]["level"], 3);
    assert_eq!(
        v["claims"]["aud"],
        serde_json::json!([AUD, "https://b.example.com"])
    );
    let jti = v["claims"]["jti"].as_str().unwrap();
    assert!(
        jti.len() == 32 && jti.bytes().all(|b| b.is_ascii_hexdigit()),
        "{jti}"
    );
    // verify: token from stdin, --json gives {header, claims} with the custom claims.
    let (code, out, err) = run(
        &[
            "--json",
            "verify",
            "access",
            "--key",
            &key,
            "--iss",
            ISS,
            "--aud",
            AUD,
            "--now",
            "1764000010",
            "--scope",
            "write",
            "-",
        ],
        &token,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["header"],
        serde_json::json!({"alg": "EdDSA", "typ": "at+jwt", "kid": "k1"})
    );
    assert_eq!(v["claims"]["tenant"], "acme");
    assert_eq!(v["claims"]["client_id"], "c1");
    // Both key and token from stdin is a usage error.
    assert_eq!(
        exits(
            2,
            &[
                "verify", "access", "--key", "-", "--iss", ISS, "--aud", AUD, "-"
            ]
        ),
        "ctok: stdin: only one input can be read from stdin (-), not --key and TOKEN"
    );
    // Claims from stdin, options overriding them.
    let (code, out, err) = run(
        &[
            "issue",
            "access",
            "--key",
            &key,
            "--claims",
            "-",
            "--sub",
            "other",
            "--now",
            "1764000000",
        ],
        &access_claims(NOW, 300),
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let (_, decoded, _) = run(&["--json", "decode", out.trim()], "");
    let v: serde_json::Value = serde_json::from_str(&decoded).unwrap();
    assert_eq!(
        (&v["claims"]["sub"], &v["claims"]["scope"]),
        (&"other".into(), &"read:orders write:orders".into())
    );
}

#[test]
fn errors_name_the_claim_or_option_with_exit_2() {
    let d = dir("names");
    let key = write(&d.join("k.jwk"), &ok(&["keygen", "--alg", "eddsa"]));
    let base = [
        "issue",
        "access",
        "--key",
        key.as_str(),
        "--iss",
        ISS,
        "--sub",
        "s",
        "--aud",
        AUD,
        "--client-id",
        "c",
        "--jti",
        "j",
    ];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        exits(2, &args)
    };
    assert_eq!(
        with(&[]),
        "ctok: missing claim: `exp`: give --exp or put it in --claims"
    );
    assert_eq!(
        with(&["--exp", "+5x"]),
        "ctok: invalid --exp \"+5x\": expected Unix seconds or +N followed by s, m, h or d (e.g. +5m)"
    );
    assert_eq!(
        with(&["--exp", "+5m", "-P", "=1"]),
        "ctok: invalid -P \"=1\": expected NAME=VALUE"
    );
    assert_eq!(
        with(&["--exp", "+5m", "-P", "sub=5"]),
        "ctok: invalid claims: claim `sub` has the wrong type (5)"
    );
    assert_eq!(
        with(&["--exp", "+5m", "--max-bytes", "5000"]),
        "ctok: invalid --max-bytes: can only tighten the budget of 1024 bytes"
    );
    let registry = write(&d.join("reg.json"), "{\"not\":\"a list\"}");
    assert_eq!(
        with(&["--exp", "+5m", "--registry", &registry]),
        format!("ctok: invalid --registry {registry}: expected a JSON array of strings")
    );
    // Exit 1: the library refuses; the limits options tighten.
    assert_eq!(
        exits(
            1,
            &[&base[..], &["--exp", "+5m", "--max-lifetime", "1m"]].concat()
        ),
        "ctok: cannot issue: lifetime too long (error 24)"
    );
    assert_eq!(
        exits(
            1,
            &[&base[..], &["--exp", "+5m", "--max-bytes", "100"]].concat()
        ),
        "ctok: cannot issue: token over its size budget (error 25)"
    );
    // Exit 3: files and keys.
    assert_eq!(
        exits(3, &["thumbprint", "--key", "/nonexistent/k"]),
        "ctok: cannot read /nonexistent/k: No such file or directory (os error 2)"
    );
    // --json errors carry the stable code.
    let (code, out, err) = run(&["--json", "decode", "a.b"], "");
    assert_eq!((code, err.as_str()), (1, ""));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], compact_token::Error::Malformed.code());
    assert_eq!(v["error"]["exit"], 1);
    let (code, out, _) = run(&["--json", "keygen"], "");
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&v["error"]["exit"], &v["error"]["code"]),
        (&2.into(), &serde_json::Value::Null)
    );
}

#[test]
fn verify_leeway_lifetime_size_and_at_hash() {
    let d = dir("verify-opts");
    let key = write(
        &d.join("k.jwk"),
        &ok(&["keygen", "--alg", "eddsa", "--use", "both"]),
    );
    let access = ok(&[
        "issue",
        "access",
        "--key",
        &key,
        "--claims",
        &write(&d.join("c.json"), &access_claims(NOW, 300)),
    ]);
    let access = access.trim();
    let verify = |extra: &[&str], now: u64| {
        let now = now.to_string();
        let mut args = vec![
            "verify",
            "access",
            "--key",
            key.as_str(),
            "--iss",
            ISS,
            "--aud",
            AUD,
            "--now",
            &now,
        ];
        args.extend_from_slice(extra);
        args.push(access);
        run(&args, "")
    };
    // Expired 100 s ago: refused with the default 30 s leeway, accepted with 2m.
    assert_eq!(
        verify(&[], NOW + 400).2,
        "ctok: token refused: token expired (error 15)\n"
    );
    assert_eq!(verify(&["--leeway", "2m"], NOW + 400).0, 0);
    assert_eq!(
        verify(&["--leeway", "301"], NOW).2,
        "ctok: invalid --leeway: at most 300 s\n"
    );
    assert_eq!(
        verify(&["--max-lifetime", "4m"], NOW).2,
        "ctok: token refused: lifetime too long (error 24)\n"
    );
    assert_eq!(
        verify(&["--max-bytes", "300"], NOW).2,
        "ctok: token refused: token over its size budget (error 25)\n"
    );
    // at_hash: the ID token bound to this access token verifies with it, not with another.
    let pem_pub = write(&d.join("pub.pem"), PEM_PUBLIC);
    let _ = pem_pub;
    let id_claims = format!(
        r#"{{"iss":"{ISS}","sub":"s","aud":"c","iat":{NOW},"exp":{},"at_hash":"{}"}}"#,
        NOW + 60,
        at_hash_eddsa(access)
    );
    let id = ok(&[
        "issue",
        "id",
        "--key",
        &key,
        "--claims",
        &write(&d.join("id.json"), &id_claims),
    ]);
    let now = NOW.to_string();
    let id_args = |at: &str| {
        vec![
            "verify",
            "id",
            "--key",
            key.as_str(),
            "--iss",
            ISS,
            "--aud",
            "c",
            "--now",
            &now,
            "--access-token",
            at,
            id.trim(),
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let args = id_args(access);
    assert_eq!(
        run(&args.iter().map(String::as_str).collect::<Vec<_>>(), "").0,
        0
    );
    let args = id_args("x.y.z");
    assert_eq!(
        run(&args.iter().map(String::as_str).collect::<Vec<_>>(), "").2,
        "ctok: token refused: at_hash does not match the access token (error 23)\n"
    );
}

/// at_hash for EdDSA: the left half of SHA-512, base64url (computed by the library).
fn at_hash_eddsa(token: &str) -> String {
    compact_token::access_token_hash(token, compact_token::Algorithm::EdDSA).to_string()
}

#[test]
fn pem_keys_and_the_compact_profile_with_a_registry() {
    let d = dir("pem");
    let private = write(&d.join("k.pem"), PEM_PRIVATE);
    let public = write(&d.join("k.pub.pem"), PEM_PUBLIC);
    let registry = write(&d.join("reg.json"), &format!("[\"{ISS}\",\"{AUD}\"]"));
    let token = ok(&[
        "issue",
        "access",
        "--key",
        &private,
        "--iss",
        ISS,
        "--sub",
        "s",
        "--aud",
        AUD,
        "--client-id",
        "c",
        "--jti",
        "j",
        "--exp",
        "+5m",
        "--now",
        "1764000000",
        "--profile",
        "compact",
        "--registry",
        &registry,
    ]);
    let token = token.trim();
    let verified = ok(&[
        "verify",
        "access",
        "--key",
        &public,
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--now",
        "1764000001",
        "--profile",
        "compact",
        "--registry",
        &registry,
        token,
    ]);
    assert!(
        verified.contains("\"iss\": \"https://auth.example.com\""),
        "{verified}"
    );
    // Without the registry, the fingerprint differs.
    assert_eq!(
        exits(
            1,
            &[
                "verify",
                "access",
                "--key",
                &public,
                "--iss",
                ISS,
                "--aud",
                AUD,
                "--now",
                "1764000001",
                "--profile",
                "compact",
                token
            ]
        ),
        "ctok: token refused: registry fingerprint mismatch (error 32)"
    );
    // decode names the profile, kind, version and whether the registry matches.
    let out = ok(&["--json", "decode", "--registry", &registry, token]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["profile"], "compact");
    assert_eq!(v["header"], serde_json::json!({"alg": "EdDSA"}));
    assert_eq!(v["compact"]["kind"], "access");
    assert_eq!(v["compact"]["format_version"], 2);
    assert_eq!(v["compact"]["registered_values"], true);
    assert_eq!(v["compact"]["registry_matches"], true);
    // ... and its claims, read by the verifier's decoder, nothing verified.
    assert_eq!(v["verified"], false);
    assert_eq!(
        v["claims"],
        serde_json::json!({"iss": ISS, "sub": "s", "aud": [AUD], "client_id": "c",
            "iat": 1764000000, "exp": 1764000300, "jti": "j"})
    );
    // Registered values cannot be read without the registry: said so, exit 1.
    assert_eq!(
        exits(1, &["decode", token]),
        "ctok: cannot read the compact claims without --registry: \
         registry fingerprint mismatch (error 32)"
    );
    assert_eq!(
        exits(1, &["decode", "--profile", "jwt", token]),
        "ctok: not a token: wrong token profile (error 14)"
    );
    // The same key as JWK has the same thumbprint.
    assert_eq!(
        ok(&["thumbprint", "--key", &public]),
        ok(&["thumbprint", "--key", &private])
    );
}

#[cfg(feature = "compare")]
#[test]
fn compare_formats_kid_registry_and_svg() {
    let d = dir("compare");
    let json = ok(&["compare", "--format", "json", "--kind", "access"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cell = &v["rows"][0]["cells"][0];
    assert_eq!(cell["format"], "our compact");
    assert_eq!(cell["bytes"], 260);
    let p = &cell["parts"];
    assert_eq!(
        p["header"].as_u64().unwrap()
            + p["claims"].as_u64().unwrap()
            + p["signature"].as_u64().unwrap()
            + 2,
        260
    );
    assert_eq!(p["signature"], 86);
    let csv = ok(&["compare", "--format", "csv", "--kid", "k-2025"]);
    assert!(csv.starts_with(
        "kind,algorithm,format,bytes,ratio,header,claims,signature,bytes_without_extras,\
         unavailable\n"
    ));
    assert!(csv.contains("\nID,HS256,our jwt,"), "{csv}");
    // The one format name with a comma is quoted; no custom claims, no size without them.
    assert!(
        csv.contains("\naccess,EdDSA,\"our compact, registered\",208,0.49,40,80,86,,\"\"\n"),
        "{csv}"
    );
    // A kid of 6 characters adds 15 to the JSON header (,"kid":"k-2025") and 20 in base64url.
    assert!(csv.contains("\naccess,EdDSA,our compact,280,"), "{csv}");
    let registry = write(&d.join("reg.json"), "[\"https://auth.example.com\"]");
    let md = ok(&["compare", "--registry", &registry, "--kind", "access"]);
    assert!(
        md.contains("| access, EdDSA | 260 (0.64×) | 250 (0.62×) |"),
        "{md}"
    );
    assert!(md.contains("\nRegistered (carried as registry numbers): https://auth.example.com.\n"));
    assert!(!md.contains("What the custom claims cost"), "{md}");
    assert!(md.contains("Per part, characters of header . claims . signature"));
    let svg = d.join("sizes.svg");
    ok(&["compare", "--svg", svg.to_str().unwrap()]);
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(svg.matches("<rect ").count(), 4 * 6 - 2);
}

#[test]
fn absolute_times_and_a_pem_key_published_with_its_use() {
    let d = dir("abs");
    let private = write(&d.join("k.pem"), PEM_PRIVATE);
    let token = ok(&[
        "issue",
        "id",
        "--key",
        &private,
        "--iss",
        ISS,
        "--sub",
        "s",
        "--aud",
        "c",
        "--iat",
        "1764000000",
        "--nbf",
        "1764000100",
        "--exp",
        "1764003600",
        "--nonce",
        "n1",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["--json", "decode", token.trim()])).unwrap();
    assert_eq!(
        (
            &v["claims"]["iat"],
            &v["claims"]["nbf"],
            &v["claims"]["exp"]
        ),
        (
            &1_764_000_000u64.into(),
            &1_764_000_100u64.into(),
            &1_764_003_600u64.into()
        )
    );
    assert_eq!(
        v["header"],
        serde_json::json!({"alg": "EdDSA", "typ": "JWT"})
    );
    // A PEM key has no token_use: `public` writes `access` unless --use says otherwise.
    let public: serde_json::Value =
        serde_json::from_str(&ok(&["public", "--key", &private])).unwrap();
    assert_eq!(public["token_use"], "access");
    let set = write(
        &d.join("id.json"),
        &ok(&["public", "--key", &private, "--jwks", "--use", "id"]),
    );
    let verify = |now: &str| {
        run(
            &[
                "--json",
                "verify",
                "id",
                "--key",
                &set,
                "--iss",
                ISS,
                "--aud",
                "c",
                "--nonce",
                "n1",
                "--now",
                now,
                token.trim(),
            ],
            "",
        )
    };
    // Not yet valid before nbf (beyond the 30 s leeway), valid after.
    let (code, out, _) = verify("1764000000");
    assert_eq!(code, 1);
    let e: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(e["error"]["code"], compact_token::Error::NotYetValid.code());
    assert_eq!(
        e["error"]["message"],
        compact_token::Error::NotYetValid.to_string()
    );
    assert_eq!(verify("1764000100").0, 0);
}

#[test]
fn decode_shows_compact_claims_unverified_even_when_tampered() {
    let d = dir("decode-compact");
    let key = write(&d.join("k.pem"), PEM_PRIVATE);
    let claims = write(
        &d.join("c.json"),
        &access_claims(NOW, 300).replace('}', r#","roles":["a","b"],"cnf":{"jkt":"x_y"}}"#),
    );
    let token = ok(&[
        "issue",
        "access",
        "--key",
        &key,
        "--claims",
        &claims,
        "--profile",
        "compact",
    ]);
    let token = token.trim();
    let expected = serde_json::json!({"iss": ISS, "sub": "user-8f14e45f", "aud": [AUD],
        "client_id": "s6BhdRkqt3", "iat": NOW, "exp": NOW + 300, "jti": "b1c2d3e4f5a6b7c8",
        "scope": "read:orders write:orders", "roles": ["a", "b"], "cnf": {"jkt": "x_y"}});
    let out = ok(&["decode", token]);
    assert!(
        out.starts_with("UNVERIFIED: nothing below is checked"),
        "{out}"
    );
    assert!(out.contains("\nprofile: compact\n"), "{out}");
    let (_, shown) = out.split_once("\nclaims: ").unwrap();
    let shown: serde_json::Value = serde_json::from_str(shown).unwrap();
    assert_eq!(shown, expected);
    let v: serde_json::Value = serde_json::from_str(&ok(&["--json", "decode", token])).unwrap();
    assert_eq!((&v["verified"], &v["claims"]), (&false.into(), &expected));
    // Another signature: `verify` refuses it, `decode` shows the same claims (it verifies
    // nothing, and says so).
    let (input, sig) = token.rsplit_once('.').unwrap();
    let forged = format!("{input}.{}", "A".repeat(sig.len()));
    let public = write(&d.join("k.pub.pem"), PEM_PUBLIC);
    assert_eq!(
        exits(
            1,
            &[
                "verify",
                "access",
                "--key",
                &public,
                "--iss",
                ISS,
                "--aud",
                AUD,
                "--now",
                "1764000001",
                "--profile",
                "compact",
                &forged
            ]
        ),
        format!(
            "ctok: token refused: bad signature (error {})",
            compact_token::Error::BadSignature.code()
        )
    );
    assert_eq!(ok(&["decode", &forged]), out);
    // A payload the decoder refuses is the verifier's error, exit 1.
    let (header, rest) = token.split_once('.').unwrap();
    let truncated = format!("{header}.{}.{sig}", &rest[..8]);
    assert_eq!(
        exits(1, &["decode", &truncated]),
        format!(
            "ctok: cannot read the compact claims: {} (error {})",
            compact_token::Error::MalformedClaims,
            compact_token::Error::MalformedClaims.code()
        )
    );
}

/// `ctok keyset ...` with `--now` fixed; returns stdout.
fn ks(args: &[&str]) -> String {
    ok(&[&["keyset"], args].concat())
}

/// `ctok issue access --keyset SET` at `iat`, expiring at `exp` (`+N` after `iat`).
fn issue_from_set_args(set: &str, iat: u64, exp: &str) -> Vec<String> {
    let args = [
        "issue",
        "access",
        "--keyset",
        set,
        "--iss",
        ISS,
        "--sub",
        "u",
        "--aud",
        AUD,
        "--client-id",
        "c",
        "--jti",
        "j",
        "--exp",
        exp,
    ];
    let now = ["--now".to_owned(), iat.to_string()];
    args.iter().map(|a| a.to_string()).chain(now).collect()
}

/// An access token issued at `iat` by the key set `set`, living 300 s.
fn issue_from_set(set: &str, iat: u64) -> String {
    let args = issue_from_set_args(set, iat, "+300s");
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .trim()
        .to_owned()
}

fn verify_with_set(set: &str, token: &str, now: u64) -> std::process::Output {
    ctok(&[
        "verify",
        "access",
        "--keyset",
        set,
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--now",
        &now.to_string(),
        token,
    ])
}

/// A fresh key-set file `set.json` in the test's directory, created at 1000 with one
/// EdDSA access key `kid`; returns the directory and the file's path.
fn new_set(test: &str, kid: &str) -> (PathBuf, String) {
    let d = dir(test);
    let path = d.join("set.json");
    let _ = std::fs::remove_file(&path);
    let p = path.to_str().unwrap().to_owned();
    assert_eq!(
        ks(&["create", &p, "--kid", kid, "--now", "1000"]),
        format!("{kid}\n")
    );
    (d, p)
}

/// `ctok keyset add FILE --alg ALG --kid KID --now 1000 MORE...`.
fn add_key(p: &str, alg: &str, kid: &str, more: &[&str]) {
    let args = [
        &["add", p, "--alg", alg, "--kid", kid, "--now", "1000"],
        more,
    ]
    .concat();
    assert_eq!(ks(&args), format!("{kid}\n"));
}

fn header_kid(token: &str) -> String {
    let out = ok(&["--json", "decode", token]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["header"]["kid"].as_str().unwrap().to_owned()
}

#[test]
fn keyset_create_writes_mode_0600_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let (d, p) = new_set("keyset-create", "k1");
    let (path, p) = (d.join("set.json"), p.as_str());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let before = std::fs::read(&path).unwrap();
    assert_eq!(
        exits(3, &["keyset", "create", p, "--kid", "k2"]),
        format!(
            "ctok: cannot create {p}: the file exists; keyset create never overwrites \
             (use `ctok keyset add`)"
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Add and retire rewrite the file: still 0600, no temporary file left beside it.
    add_key(p, "es256", "k2", &[]);
    ks(&["retire", p, "k1", "--at", "2000", "--now", "1000"]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!d.join("set.json.tmp").exists());
    // The default kid is the key's RFC 7638 thumbprint.
    let other = d.join("thumb.json");
    let _ = std::fs::remove_file(&other);
    let o = other.to_str().unwrap();
    let kid = ks(&["create", o, "--alg", "eddsa"]);
    let jwks: serde_json::Value = serde_json::from_str(&ks(&["publish", o])).unwrap();
    let key = write(&d.join("thumb-public.jwk"), &jwks["keys"][0].to_string());
    assert_eq!(ok(&["thumbprint", "--key", &key]), kid);
}

#[test]
fn keyset_list_shows_windows_and_status_never_secrets() {
    let (d, p) = new_set("keyset-list", "old");
    let p = p.as_str();
    add_key(
        p,
        "es256",
        "new",
        &["--use", "both", "--not-before", "+500s"],
    );
    add_key(p, "hs256", "mac", &["--use", "id", "--not-before", "900"]);
    ks(&["retire", p, "old", "--at", "+1000s", "--now", "1000"]);
    let text = ks(&["list", p, "--now", "1200"]);
    assert_eq!(
        text,
        "KID\tALG\tUSE\tNOT_BEFORE\tRETIRE_AFTER\tSTATUS\n\
         old\tEdDSA\taccess\t1000\t2000\tactive\n\
         new\tES256\tboth\t1500\t-\tpending\n\
         mac\tHS256\tid\t900\t-\tactive\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ks(&["list", p, "--json", "--now", "2001"])).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"now": 2001, "keys": [
            {"kid": "old", "alg": "EdDSA", "use": "access", "not_before": 1000,
             "retire_after": 2000, "status": "retired", "active": false, "private": true},
            {"kid": "new", "alg": "ES256", "use": "both", "not_before": 1500,
             "retire_after": null, "status": "active", "active": true, "private": true},
            {"kid": "mac", "alg": "HS256", "use": "id", "not_before": 900,
             "retire_after": null, "status": "active", "active": true, "private": true},
        ]})
    );
    let secret = std::fs::read_to_string(p).unwrap();
    let secret: serde_json::Value = serde_json::from_str(&secret).unwrap();
    for key in secret["keys"].as_array().unwrap() {
        let private = key.get("d").or_else(|| key.get("k")).unwrap();
        assert!(!text.contains(private.as_str().unwrap()));
    }
    // Errors: a kid that is not there, a window that would end before it starts, a kid
    // already taken, a file that is not a key set.
    assert_eq!(
        exits(2, &["keyset", "retire", p, "nope"]),
        format!("ctok: cannot retire \"nope\": no such kid in {p}")
    );
    assert_eq!(
        exits(2, &["keyset", "retire", p, "new", "--at", "1499"]),
        "ctok: invalid --at: 1499 is before the key's not_before (1500)"
    );
    assert_eq!(
        exits(2, &["keyset", "add", p, "--kid", "new"]),
        format!("ctok: invalid --kid: \"new\" is already in {p}")
    );
    assert_eq!(
        exits(2, &["keyset", "add", p, "--not-before", "soon"]),
        "ctok: invalid --not-before \"soon\": expected Unix seconds or +N followed by s, m, h \
         or d (e.g. +5m)"
    );
    let bad = write(&d.join("bad.json"), "{\"keys\":[{\"kty\":\"OKP\"}]}");
    assert!(
        exits(3, &["keyset", "list", &bad]).starts_with(&format!("ctok: invalid key set {bad}: "))
    );
    let missing = d.join("missing.json");
    assert!(
        exits(3, &["keyset", "list", missing.to_str().unwrap()])
            .starts_with(&format!("ctok: cannot read {}: ", missing.display()))
    );
    assert_eq!(ctok(&["keyset"]).status.code(), Some(2));
}

#[test]
fn keyset_publish_holds_no_private_member() {
    let (d, p) = new_set("keyset-publish", "ed");
    let p = p.as_str();
    add_key(p, "es256", "ec", &["--not-before", "5000"]);
    add_key(p, "hs256", "mac", &[]);
    add_key(p, "eddsa", "gone", &[]);
    ks(&["retire", p, "gone", "--at", "1100", "--now", "1000"]);
    let jwks: serde_json::Value =
        serde_json::from_str(&ks(&["publish", p, "--now", "1200"])).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    // The pending key is published before it signs; the HS256 secret and the retired key
    // never are.
    let kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, ["ed", "ec"]);
    for key in keys {
        for private in [
            "d",
            "k",
            "p",
            "q",
            "dp",
            "dq",
            "qi",
            "oth",
            "not_before",
            "retire_after",
        ] {
            assert!(key.get(private).is_none(), "{private} in {key}");
        }
    }
    let out = d.join("public.json");
    assert_eq!(
        ks(&[
            "publish",
            p,
            "--now",
            "1200",
            "--out",
            out.to_str().unwrap()
        ]),
        ""
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written, jwks);
    // A resource server verifies the set's tokens with the published set alone.
    ks(&["retire", p, "mac", "--at", "1100", "--now", "1000"]);
    let token = issue_from_set(p, 1200);
    assert_eq!(header_kid(&token), "ed");
    ok(&[
        "verify",
        "access",
        "--key",
        out.to_str().unwrap(),
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--now",
        "1250",
        &token,
    ]);
}

#[test]
fn keyset_rotation_signs_with_the_newest_key_and_refuses_a_retired_one() {
    let (_, p) = new_set("keyset-rotation", "a");
    let p = p.as_str();
    // Rotation: `b` takes over at 2000, `a` retires at 2500.
    add_key(p, "es256", "b", &["--not-before", "2000"]);
    ks(&["retire", p, "a", "--at", "2500", "--now", "1000"]);
    let old = issue_from_set(p, 1900);
    assert_eq!(header_kid(&old), "a");
    let new = issue_from_set(p, 2000);
    assert_eq!(header_kid(&new), "b");
    // A token that would outlive `a` is not signed by it: at 2300 `b` signs.
    assert_eq!(header_kid(&issue_from_set(p, 2300)), "b");
    assert!(verify_with_set(p, &old, 2100).status.success());
    assert!(verify_with_set(p, &new, 2100).status.success());
    // `a` retired at 2500: its token is refused after that, though it has not expired.
    // `a` retired early, at 2100 (say, compromised): its token is refused after that,
    // though it has not expired (exp 2200).
    ks(&["retire", p, "a", "--at", "2100", "--now", "2050"]);
    assert!(verify_with_set(p, &old, 2100).status.success());
    let refused = verify_with_set(p, &old, 2101);
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(refused.stderr).unwrap(),
        format!(
            "ctok: no key for this token: the key \"a\" in {p} was retired after 2100 (now \
             2101)\n"
        )
    );
    // `b` before its window: refused too.
    let early = verify_with_set(p, &new, 1999);
    assert_eq!(early.status.code(), Some(1));
    assert!(
        String::from_utf8(early.stderr)
            .unwrap()
            .contains("is in service from 2000")
    );
    // No key for ID tokens, and none before the set's first key.
    assert_eq!(
        exits(
            3,
            &[
                "issue", "id", "--keyset", p, "--iss", ISS, "--sub", "u", "--aud", AUD, "--exp",
                "+60s", "--now", "2100",
            ]
        ),
        format!(
            "ctok: no key in {p} can sign: none is for ID tokens and in service from iat 2100 to exp 2160"
        )
    );
    assert_eq!(
        exits(
            3,
            &issue_from_set_args(p, 900, "+60s")
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        ),
        format!(
            "ctok: no key in {p} can sign: none is for access tokens and in service from iat 900 to exp 960"
        )
    );
    // --key, --keyset, --jwks or --discover: exactly one.
    assert_eq!(
        exits(2, &["verify", "access", "--iss", ISS, "--aud", AUD, &new]),
        "ctok: usage: the following required arguments were not provided: \
         <--key <FILE>|--keyset <FILE>|--jwks <URL|FILE>|--discover>"
    );
    assert_eq!(
        exits(
            2,
            &[
                "verify", "access", "--key", p, "--keyset", p, "--iss", ISS, "--aud", AUD, &new
            ]
        ),
        "ctok: usage: the argument '--key <FILE>' cannot be used with '--keyset <FILE>'"
    );
}

#[test]
fn keyset_is_in_help_and_readme() {
    let help = ok(&["keyset", "--help"]);
    for sub in ["create", "add", "retire", "list", "publish"] {
        assert!(help.contains(&format!("\n  {sub} ")), "{sub}: {help}");
    }
    let readme = include_str!("../README.md");
    for usage in [
        "ctok keyset create FILE",
        "ctok keyset add FILE",
        "ctok keyset retire FILE KID",
        "ctok keyset list FILE",
        "ctok keyset publish FILE",
    ] {
        assert!(readme.contains(usage), "{usage}");
    }
}

/// OpenSSL's keys (`std-ext/tests/data/pem/README.md`).
macro_rules! openssl_pem {
    ($name:literal) => {
        include_str!(concat!("../../std-ext/tests/data/pem/", $name))
    };
}

fn header_alg(token: &str) -> String {
    let out = ok(&["--json", "decode", token]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["header"]["alg"].as_str().unwrap().to_owned()
}

/// The arguments that issue an access token with `key` at NOW, then `more`.
fn issue_args<'a>(key: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "access",
        "--key",
        key,
        "--iss",
        ISS,
        "--sub",
        "s",
        "--aud",
        AUD,
        "--client-id",
        "c",
        "--jti",
        "j",
        "--exp",
        "+5m",
        "--now",
        "1764000000",
    ];
    args.extend_from_slice(more);
    args
}

/// Issues an access token with `key` (and `--alg` if given) at NOW.
fn issue_with(key: &str, alg: &[&str]) -> String {
    ok(&issue_args(key, alg)).trim().to_owned()
}

/// Verifies an access token at NOW with `key` (and `--alg` if given).
fn verify_with<'a>(key: &'a str, alg: &[&'a str], token: &'a str) -> Output {
    let mut args = vec!["verify", "access", "--key", key];
    args.extend_from_slice(alg);
    args.extend_from_slice(&["--iss", ISS, "--aud", AUD, "--now", "1764000010", token]);
    ctok(&args)
}

#[test]
fn openssl_rsa_and_p256_pem_keys_issue_and_verify_with_the_algorithm_named() {
    let d = dir("openssl-pem");
    let rsa_pkcs1 = write(&d.join("rsa.pem"), openssl_pem!("rsa-2048-pkcs1.pem"));
    let rsa_public = write(&d.join("rsa.pub.pem"), openssl_pem!("rsa-2048-public.pem"));
    let ec_sec1 = write(&d.join("ec.pem"), openssl_pem!("ec-p256-sec1.pem"));
    let ec_public = write(&d.join("ec.pub.pem"), openssl_pem!("ec-p256-public.pem"));

    // An RSA PEM does not say RS256 or PS256: --alg is required, and pins it.
    assert_eq!(
        fails(&issue_args(&rsa_pkcs1, &[])),
        format!(
            "ctok: invalid key {rsa_pkcs1}: an rsa key needs its algorithm named: rs256 or ps256"
        )
    );
    for (alg, other) in [("rs256", "ps256"), ("ps256", "rs256")] {
        let token = issue_with(&rsa_pkcs1, &["--alg", alg]);
        assert_eq!(header_alg(&token), alg.to_uppercase());
        let out = verify_with(&rsa_public, &["--alg", alg], &token);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = verify_with(&rsa_public, &["--alg", other], &token);
        assert_eq!(out.status.code(), Some(1), "{alg} token, {other} key");
        // The private PEM verifies too (its public half is taken).
        assert!(
            verify_with(&rsa_pkcs1, &["--alg", alg], &token)
                .status
                .success()
        );
    }
    // A P-256 PEM names its algorithm (SEC1 "EC PRIVATE KEY", as OpenSSL writes it).
    let token = issue_with(&ec_sec1, &[]);
    assert_eq!(header_alg(&token), "ES256");
    assert!(verify_with(&ec_public, &[], &token).status.success());
    assert!(
        verify_with(&ec_public, &["--alg", "es256"], &token)
            .status
            .success()
    );
    assert_eq!(
        fails(&issue_args(&ec_sec1, &["--alg", "rs256"])),
        format!(
            "ctok: invalid key {ec_sec1}: the algorithm named (jwk alg or asked) contradicts the key"
        )
    );
    // `public` turns any PEM into a JWK (RSA with the algorithm named) or back into SPKI.
    let jwk: serde_json::Value =
        serde_json::from_str(&ok(&["public", "--key", &rsa_pkcs1, "--alg", "ps256"])).unwrap();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str()),
        (Some("RSA"), Some("PS256"))
    );
    assert_eq!(jwk.get("d"), None);
    assert_eq!(
        ok(&["public", "--key", &ec_sec1, "--format", "pem"]),
        openssl_pem!("ec-p256-public.pem")
    );
    assert_eq!(
        ok(&[
            "public", "--key", &rsa_pkcs1, "--alg", "rs256", "--format", "pem"
        ]),
        openssl_pem!("rsa-2048-public.pem")
    );
    assert_eq!(
        ok(&["thumbprint", "--key", &ec_public]),
        ok(&["thumbprint", "--key", &ec_sec1])
    );
    // In a JWK set the token's kid picks the key, which must be for --alg too.
    let (key, set) = (d.join("set-key.jwk"), d.join("set.jwks"));
    let (key, set) = (key.to_str().unwrap(), set.to_str().unwrap());
    ok(&[
        "keygen", "--alg", "es256", "--kid", "ec-1", "--out", key, "--public", set,
    ]);
    let token = issue_with(key, &[]);
    assert!(
        verify_with(set, &["--alg", "es256"], &token)
            .status
            .success()
    );
    let out = verify_with(set, &["--alg", "eddsa"], &token);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!(
            "ctok: invalid key {set}: the algorithm named (jwk alg or asked) contradicts the key"
        )
    );
    // A 1024-bit RSA key is refused, saying why.
    let rsa_1024 = write(&d.join("rsa1024.pem"), openssl_pem!("rsa-1024-public.pem"));
    let out = verify_with(&rsa_1024, &["--alg", "rs256"], &token);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!("ctok: invalid key {rsa_1024}: rsa modulus not 2048 to 4096 bits")
    );
}

#[test]
fn keygen_rs256_ps256_and_es256_as_pem() {
    let d = dir("keygen-pem");
    // P-256 as PEM: PKCS#8 private (mode 0600 with --out), SPKI public.
    let private = d.join("es.pem");
    let public = d.join("es.pub.pem");
    let (private, public) = (private.to_str().unwrap(), public.to_str().unwrap());
    ok(&[
        "keygen", "--alg", "es256", "--format", "pem", "--out", private, "--public", public,
    ]);
    let text = std::fs::read_to_string(private).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{text}");
    assert!(
        std::fs::read_to_string(public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );
    let token = issue_with(private, &[]);
    assert!(verify_with(public, &[], &token).status.success());
    // RSA: one key generated here (slow in debug builds), as a JWK that pins PS256.
    let jwk = ok(&["keygen", "--alg", "ps256", "--kid", "r1"]);
    let value: serde_json::Value = serde_json::from_str(&jwk).unwrap();
    assert_eq!(
        (value["kty"].as_str(), value["alg"].as_str()),
        (Some("RSA"), Some("PS256"))
    );
    assert_eq!(value["n"].as_str().map(str::len), Some(342), "2048 bits");
    let key = write(&d.join("rsa.jwk"), &jwk);
    let token = issue_with(&key, &[]);
    assert_eq!(header_alg(&token), "PS256");
    assert_eq!(header_kid(&token), "r1");
    assert!(verify_with(&key, &[], &token).status.success());
    assert!(
        verify_with(&key, &["--alg", "ps256"], &token)
            .status
            .success()
    );
    assert_eq!(
        verify_with(&key, &["--alg", "rs256"], &token).status.code(),
        Some(3)
    );
    // An HS256 secret has no PEM form.
    assert_eq!(
        fails(&["keygen", "--alg", "hs256", "--format", "pem"]),
        "ctok: --format pem: an hs256 secret has no pem form"
    );
}

#[test]
fn a_key_set_rotates_to_an_rsa_key_and_publishes_it_for_ps256() {
    let (d, p) = new_set("keyset-rsa", "ed-1");
    // The PS256 key takes over at 2000; before, the EdDSA key signs.
    add_key(&p, "ps256", "rsa-1", &["--not-before", "2000"]);
    let before = issue_from_set(&p, 1500);
    let after = issue_from_set(&p, 2500);
    assert_eq!(header_kid(&before), "ed-1");
    assert_eq!(
        (header_kid(&after), header_alg(&after)),
        ("rsa-1".into(), "PS256".into())
    );
    assert!(verify_with_set(&p, &after, 2510).status.success());
    // The published set carries the RSA key with its algorithm; it verifies the token.
    let jwks = ks(&["publish", &p, "--now", "2500"]);
    let published: serde_json::Value = serde_json::from_str(&jwks).unwrap();
    let rsa = published["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == "rsa-1")
        .unwrap();
    assert_eq!(
        (rsa["kty"].as_str(), rsa["alg"].as_str()),
        (Some("RSA"), Some("PS256"))
    );
    assert_eq!(rsa.get("d"), None);
    let jwks = write(&d.join("published.jwks"), &jwks);
    let out = ctok(&[
        "verify", "access", "--key", &jwks, "--iss", ISS, "--aud", AUD, "--now", "2510", &after,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
