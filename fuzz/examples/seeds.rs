//! Writes the committed seed corpora, `fuzz/seeds/<target>/<name>`, from the published
//! vectors (RFC 7515 A.1, RFC 8037 A.4) and tokens issued with the fixed fuzz keys.
//!
//! Run from `fuzz/`: `cargo run --example seeds` (regenerates everything in place).

use std::fs;
use std::path::Path;

use compact_token::{Limits, SigningKey, compact, jws, jwt};
use compact_token_fuzz::*;

const RFC7515_A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC8037_A4: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("seeds").join(target);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(name), bytes).unwrap();
}

/// `mode` byte, then `header \0 payload`: the signed-JSON input form of the verify targets.
fn signed_form(mode: u8, token: &str) -> Vec<u8> {
    let p = jws::split(token).unwrap();
    let mut v = vec![mode];
    v.extend(unb64(p.header).unwrap());
    v.push(0);
    v.extend(unb64(p.payload).unwrap());
    v
}

fn raw_form(token: &str) -> Vec<u8> {
    [&[0u8][..], token.as_bytes()].concat()
}

fn main() {
    let keys: [(&str, u8, &dyn SigningKey); 2] = [("ed", 1, &ed()), ("hs", 2, &hs())];
    let reg = registry();
    let mut all_tokens = vec![
        ("rfc7515_a1".to_owned(), RFC7515_A1.to_owned()),
        ("rfc8037_a4".into(), RFC8037_A4.into()),
    ];
    for (name, mode, key) in keys {
        let mut b = vec![0u8; BUF];
        let t = jwt::issue_access(&sample_access(), key, &Limits::ACCESS, &mut b)
            .unwrap()
            .to_owned();
        write("verify_jwt_access", &format!("{name}_raw"), &raw_form(&t));
        write(
            "verify_jwt_access",
            &format!("{name}_signed"),
            &signed_form(mode, &t),
        );
        write(
            "verify_jwt_id",
            &format!("{name}_access_raw"),
            &raw_form(&t),
        );
        all_tokens.push((format!("jwt_access_{name}"), t));

        let t = jwt::issue_id(&sample_id(), key, &Limits::ID, &mut b)
            .unwrap()
            .to_owned();
        write("verify_jwt_id", &format!("{name}_raw"), &raw_form(&t));
        write(
            "verify_jwt_id",
            &format!("{name}_signed"),
            &signed_form(mode, &t),
        );
        write(
            "verify_jwt_access",
            &format!("{name}_id_raw"),
            &raw_form(&t),
        );
        all_tokens.push((format!("jwt_id_{name}"), t));

        for (r, rname) in [(reg, "reg"), (compact_token::Registry::EMPTY, "noreg")] {
            let t = compact::issue_access(&sample_access(), key, &Limits::ACCESS, &r, &mut b)
                .unwrap()
                .to_owned();
            write(
                "verify_compact_access",
                &format!("{name}_{rname}_raw"),
                &raw_form(&t),
            );
            write(
                "verify_compact_access",
                &format!("{name}_{rname}_signed"),
                &signed_form(mode, &t),
            );
            write(
                "verify_compact_id",
                &format!("{name}_{rname}_access_raw"),
                &raw_form(&t),
            );
            all_tokens.push((format!("compact_access_{name}_{rname}"), t));
            let t = compact::issue_id(&sample_id(), key, &Limits::ID, &r, &mut b)
                .unwrap()
                .to_owned();
            write(
                "verify_compact_id",
                &format!("{name}_{rname}_raw"),
                &raw_form(&t),
            );
            write(
                "verify_compact_id",
                &format!("{name}_{rname}_signed"),
                &signed_form(mode, &t),
            );
            write(
                "verify_compact_access",
                &format!("{name}_{rname}_id_raw"),
                &raw_form(&t),
            );
            all_tokens.push((format!("compact_id_{name}_{rname}"), t));
        }
    }
    for (name, t) in &all_tokens {
        write("jws_parts", name, t.as_bytes());
    }
    for (name, t) in &all_tokens[..2] {
        for target in ["verify_jwt_access", "verify_jwt_id"] {
            write(target, name, &raw_form(t));
        }
    }
    for (i, h) in [
        &br#"{"alg":"EdDSA","typ":"at+jwt","kid":"k1"}"#[..],
        br#"{"typ":"JWT",
 "alg":"HS256"}"#,
        br#"{"alg":"EdDSA","crit":["exp"],"b64":false}"#,
        br#"{"kid":"a\/b\u00e9\ud83d\ude00","alg":"Ed25519"}"#,
    ]
    .iter()
    .enumerate()
    {
        write("jws_parts", &format!("header_{i}"), h);
    }
    // Structured targets: a few short byte strings (arbitrary decodes anything).
    for target in [
        "roundtrip_jwt",
        "roundtrip_compact",
        "differential_jsonwebtoken",
    ] {
        for (i, s) in [&b""[..], &[0u8; 64], &[1u8; 64], &[0x7fu8; 200]]
            .iter()
            .enumerate()
        {
            write(target, &format!("bytes_{i}"), s);
        }
    }
}
