//! The strict JSON reader (issue 10): every finding of the audit of commit b120b46, each
//! refused (or, for whitespace, accepted) with its exact error, through the public API.
//! Each of these tests failed on that commit.

mod common;

use common::*;
use compact_token::{Error, IdPolicy, KeyUse, Limits, Registry, compact, jws, jwt};

const AT_HEADER: &str = r#"{"alg":"HS256","typ":"at+jwt"}"#;
const ID_HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Runs `f` on a thread with a 64 KiB stack, where input-driven recursion would crash the
/// test process: the audit's header took 458 KB of stack in a debug build, its deep claims
/// 2.6 MB. (A debug build's frames are large: a flat ID-token verify needs ~40 KiB here;
/// `benches/tests/stack.rs` measures the optimised build against a 32 KiB bound.)
fn on_small_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn_scoped(s, f)
            .unwrap()
            .join()
            .unwrap()
    })
}

fn access_json(extra: &str) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{AUD}","client_id":"{CLIENT}","iat":{NOW},"exp":{},"jti":"j"{extra}}}"#,
        NOW + 60
    )
}

fn id_json(extra: &str) -> String {
    format!(
        r#"{{"iss":"{ISS}","sub":"u","aud":"{CLIENT}","iat":{NOW},"exp":{}{extra}}}"#,
        NOW + 60
    )
}

// Scratch on the heap: these run on a small stack.
fn verify_access(token: &str) -> Result<(), Error> {
    let mut scratch = vec![0u8; 4096];
    let key = hs_key(KeyUse::AccessAndId);
    jwt::verify_access(token, &key, &access_policy(), NOW, &mut scratch).map(|_| ())
}

fn verify_id(token: &str) -> Result<(), Error> {
    let mut scratch = vec![0u8; 8192];
    let key = hs_key(KeyUse::AccessAndId);
    let policy = IdPolicy::new(ISS, CLIENT);
    jwt::verify_id(token, &key, &policy, NOW, &mut scratch).map(|_| ())
}

/// The audit's 512-byte header: `{"x":1"a,"1":` then `[` to the header limit.
fn crafted_header() -> String {
    let mut h = String::from(r#"{"x":1"a,"1":"#);
    while h.len() < 512 {
        h.push('[');
    }
    h
}

#[test]
fn the_crafted_header_is_refused_at_its_first_member_on_a_small_stack() {
    let token = forge_hs(&crafted_header(), access_json("").as_bytes());
    on_small_stack(|| {
        assert_eq!(verify_access(&token), Err(Error::UnsupportedHeader));
        assert_eq!(verify_id(&token), Err(Error::UnsupportedHeader));
        let mut buf = Box::new([0u8; jws::HEADER_BUF_LEN]);
        assert_eq!(
            jws::untrusted_header(&token, &mut buf).err(),
            Some(Error::UnsupportedHeader)
        );
        let key = hs_key(KeyUse::AccessAndId);
        let mut scratch = vec![0u8; 4096];
        let got = compact::verify_access(
            &token,
            &key,
            &access_policy(),
            &Registry::EMPTY,
            NOW,
            &mut scratch,
        );
        assert_eq!(got.err(), Some(Error::UnsupportedHeader));
    });
}

#[test]
fn deep_signed_claims_are_refused_on_a_small_stack() {
    // The audit's claims: the two old readers disagreed after `"x":1"a,`; the signed 4 KiB
    // ID token reached ~2,900 levels, and 200 levels brought back in step were accepted.
    let mut deep = String::from(r#","x":1"a,"1":"#);
    deep.push_str(&"[".repeat(2800));
    let mut resync = String::from(r#","x":1"a,"1":"#);
    resync.push_str(&"[".repeat(200));
    resync.push_str(&"]".repeat(200));
    resync.push_str(r#","1":2"1,"y":0"#);
    let plain_deep = format!(r#","x":{}{}"#, "[".repeat(1400), "]".repeat(1400));
    let at_limit = r#","x":[{"y":[1]}]"#;
    let past_limit = r#","x":[{"y":[[1]]}]"#;
    let tokens = [
        (
            forge_hs(ID_HEADER, id_json(&deep).as_bytes()),
            Err(Error::MalformedClaims),
        ),
        (
            forge_hs(ID_HEADER, id_json(&resync).as_bytes()),
            Err(Error::MalformedClaims),
        ),
        (
            forge_hs(ID_HEADER, id_json(&plain_deep).as_bytes()),
            Err(Error::NestingTooDeep),
        ),
        (forge_hs(ID_HEADER, id_json(at_limit).as_bytes()), Ok(())),
        (
            forge_hs(ID_HEADER, id_json(past_limit).as_bytes()),
            Err(Error::NestingTooDeep),
        ),
    ];
    on_small_stack(|| {
        for (token, expected) in &tokens {
            assert!(token.len() <= Limits::ID.max_bytes);
            assert_eq!(verify_id(token), *expected, "{}", &token[..60]);
        }
    });
}

#[test]
fn what_is_not_json_is_refused_in_claims() {
    for extra in [
        r#","x":1 2"#,
        r#","x":1:2:3"#,
        r#","x":true null false"#,
        // A member swallowed by a skipped value.
        r#","x":1 "scope":"admin""#,
        r#","x":"\q""#,
        r#","x":"\u12""#,
        r#","x":"\u12""y""#,
        "\"x\":\"\\\u{1}\"",
        ",\"x\":\"\\\u{1}\"",
        r#","x":[,"A"]"#,
        r#","x":["A",]"#,
        r#","x":{"a":1,}"#,
        r#","x":{,"a":1}"#,
        r#","x":{"a" 1}"#,
        r#","x":{"a":}"#,
        r#","x":[1 2]"#,
        r#","x":tru"#,
        r#","x":nul"#,
        r#","x":01"#,
        r#","x":1."#,
        r#","x":-"#,
        r#","x":"\ud800""#,
        r#","x":'a'"#,
        ",",
        r#","x":1}"#,
    ] {
        let t = forge_hs(AT_HEADER, access_json(extra).as_bytes());
        assert_eq!(verify_access(&t), Err(Error::MalformedClaims), "{extra}");
    }
    // `aud` read as two audiences without a comma, and with a leading comma.
    for aud in [r#"[,"A"]"#, r#"[,"A" "B"]"#, r#"["A" "B"]"#] {
        let claims =
            access_json("").replace(&format!(r#""aud":"{AUD}""#), &format!(r#""aud":{aud}"#));
        let t = forge_hs(AT_HEADER, claims.as_bytes());
        assert_eq!(verify_access(&t), Err(Error::MalformedClaims), "{aud}");
    }
}

#[test]
fn duplicate_names_are_refused_at_every_depth() {
    for extra in [
        r#","roles":["a"],"roles":["admin"]"#,
        r#","cnf":{"jkt":"a","jkt":"b"}"#,
        r#","x":[{"a":1},{"b":{"c":1,"c":2}}]"#,
        r#","realm_access":{"roles":[],"r\u006fles":["admin"]}"#,
        // Typed claims too, also when one of the two names is escaped.
        r#","\u0073cope":"admin","scope":"read""#,
        r#","\u0069ss":"https://evil.example""#,
    ] {
        let t = forge_hs(AT_HEADER, access_json(extra).as_bytes());
        assert_eq!(verify_access(&t), Err(Error::DuplicateMember), "{extra}");
    }
    // The same names in different objects are not duplicates.
    let ok = r#","a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]"#;
    let t = forge_hs(AT_HEADER, access_json(ok).as_bytes());
    assert_eq!(verify_access(&t), Ok(()));
}

#[test]
fn escaped_member_names_are_read_as_every_json_library_reads_them() {
    let claims = access_json("").replace(r#""jti":"j""#, r#""\u006a\u0074i":"j""#);
    let t = forge_hs(AT_HEADER, claims.as_bytes());
    let mut scratch = [0u8; 4096];
    let key = hs_key(KeyUse::Access);
    let got = jwt::verify_access(&t, &key, &access_policy(), NOW, &mut scratch).unwrap();
    assert_eq!(got.jti, "j");
}

#[test]
fn whitespace_around_the_claims_object_is_json() {
    for (before, after) in [(" ", ""), ("\r\n", "\n"), ("\t", " "), ("\n\n", "\t\r\n")] {
        let claims = format!("{before}{}{after}", access_json(""));
        let t = forge_hs(AT_HEADER, claims.as_bytes());
        assert_eq!(verify_access(&t), Ok(()), "{before:?}");
    }
    // Anything else in front of the object is another profile or not JSON.
    let t = forge_hs(AT_HEADER, format!("[{}]", access_json("")).as_bytes());
    assert_eq!(verify_access(&t), Err(Error::WrongProfile));
    let t = forge_hs(AT_HEADER, format!("\u{c}{}", access_json("")).as_bytes());
    assert_eq!(verify_access(&t), Err(Error::MalformedClaims));
}

#[test]
fn nul_is_refused_in_every_string_claim_at_issue_and_verify() {
    let key = hs_key(KeyUse::AccessAndId);
    let mut buf = [0u8; 1024];
    let base = access_claims(NOW);
    let mut cases = Vec::new();
    for field in 0..6 {
        let mut c = base.clone();
        match field {
            0 => c.sub = "admin\0x",
            1 => c.iss = "\0",
            2 => c.client_id = "c\0",
            3 => c.scope = Some("read\0 admin"),
            4 => c.aud.push("b\0").unwrap(),
            _ => c.amr.push("pwd\0").unwrap(),
        }
        cases.push(c);
    }
    for c in &cases {
        assert_eq!(
            jwt::issue_access(c, &key, &Limits::ACCESS, &mut buf).err(),
            Some(Error::MalformedClaims),
            "{c:?}"
        );
        assert_eq!(
            compact::issue_access(c, &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf).err(),
            Some(Error::MalformedClaims),
            "{c:?}"
        );
    }
    let mut id = id_claims(NOW);
    id.email = Some("a\0@example.com");
    assert_eq!(
        jwt::issue_id(&id, &key, &Limits::ID, &mut buf).err(),
        Some(Error::MalformedClaims)
    );
    // Signed by someone else: refused on verify, escaped or not.
    let claims = access_json("").replace(r#""sub":"u""#, r#""sub":"admin\u0000x""#);
    let t = forge_hs(AT_HEADER, claims.as_bytes());
    assert_eq!(verify_access(&t), Err(Error::MalformedClaims));
    let claims = id_json(r#","name":"a\u0000""#);
    let t = forge_hs(ID_HEADER, claims.as_bytes());
    assert_eq!(verify_id(&t), Err(Error::MalformedClaims));
}

/// A `jwt` verifier does not scan the strings it read again for U+0000: the claims reader
/// refuses it in every string. Held here claim by claim, for every string claim of both
/// kinds and each list's elements, escaped and raw: the error is the reader's
/// `MalformedClaims`, never a later check's (`WrongIssuer`, `WrongAudience`) nor success.
#[test]
fn the_claims_reader_refuses_u0000_in_every_string_claim() {
    let cases = |nul: &str| {
        let mut access = std::vec::Vec::new();
        for (name, plain) in [
            ("iss", ISS),
            ("sub", "u"),
            ("client_id", CLIENT),
            ("jti", "j"),
        ] {
            let json = access_json("");
            let with = json.replace(
                &format!(r#""{name}":"{plain}""#),
                &format!(r#""{name}":"{plain}{nul}""#),
            );
            assert!(nul.is_empty() || json != with, "{name}");
            access.push(with);
        }
        access.push(access_json("").replace(
            &format!(r#""aud":"{AUD}""#),
            &format!(r#""aud":["{AUD}","b{nul}"]"#),
        ));
        for extra in [
            format!(r#","scope":"a {nul}""#),
            format!(r#","acr":"{nul}""#),
            format!(r#","amr":["pwd","{nul}"]"#),
        ] {
            access.push(access_json(&extra));
        }
        let mut id = std::vec::Vec::new();
        id.push(id_json("").replace(
            &format!(r#""iss":"{ISS}""#),
            &format!(r#""iss":"{ISS}{nul}""#),
        ));
        id.push(id_json("").replace(r#""sub":"u""#, &format!(r#""sub":"u{nul}""#)));
        id.push(id_json("").replace(
            &format!(r#""aud":"{CLIENT}""#),
            &format!(r#""aud":["{CLIENT}","{nul}"],"azp":"{CLIENT}""#),
        ));
        // Every optional string claim the ID token types (the crate's list: a claim added
        // to it is covered here).
        let not_optional_strings = "iss sub aud exp iat nbf auth_time amr email_verified \
                                    phone_number_verified updated_at";
        for &name in compact_token::IdClaims::<&str>::TYPED
            .iter()
            .filter(|n| !not_optional_strings.split_whitespace().any(|x| x == **n))
        {
            // `azp` must name the client to verify without U+0000.
            let value = if name == "azp" { CLIENT } else { "x" };
            id.push(id_json(&format!(r#","{name}":"{value}{nul}""#)));
        }
        id.push(id_json(&format!(r#","amr":["{nul}"]"#)));
        (access, id)
    };
    let mut checked = 0;
    for nul in [r"\u0000", "\0"] {
        let (access, id) = cases(nul);
        for claims in access {
            let t = forge_hs(AT_HEADER, claims.as_bytes());
            assert_eq!(verify_access(&t), Err(Error::MalformedClaims), "{claims}");
            checked += 1;
        }
        for claims in id {
            let t = forge_hs(ID_HEADER, claims.as_bytes());
            assert_eq!(verify_id(&t), Err(Error::MalformedClaims), "{claims}");
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * (8 + 24), "{checked}");
    // Not a reader refusing everything: the same claims without U+0000 verify.
    let (access, id) = cases("");
    for claims in access {
        assert_eq!(
            verify_access(&forge_hs(AT_HEADER, claims.as_bytes())),
            Ok(()),
            "{claims}"
        );
    }
    for claims in id {
        assert_eq!(
            verify_id(&forge_hs(ID_HEADER, claims.as_bytes())),
            Ok(()),
            "{claims}"
        );
    }
}

#[test]
fn the_low_level_jws_verify_has_a_size_cap() {
    let key = Tripwire::new();
    let mut out = vec![0u8; 8 << 20];
    let payload = "A".repeat(jws::MAX_JWS_LEN);
    let big = forge_segments(&b64e(br#"{"alg":"HS256"}"#), &payload);
    assert_eq!(
        jws::verify(&big, &key, &mut out).err(),
        Some(Error::OverBudget)
    );
    let huge = forge_segments(&b64e(br#"{"alg":"HS256"}"#), &"A".repeat(8 << 20));
    assert_eq!(
        jws::verify(&huge, &key, &mut out).err(),
        Some(Error::OverBudget)
    );
    assert_eq!(key.checks.get(), 0);
    // At the cap it is read.
    let fits = forge_segments(&b64e(br#"{"alg":"HS256"}"#), "e30");
    assert_eq!(jws::verify(&fits, &key, &mut out), Ok(&b"{}"[..]));
    assert_eq!(key.checks.get(), 1);
}
