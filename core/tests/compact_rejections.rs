//! Every rejection of the `compact` profile, each with its exact error: the format's own
//! (version, kind tag, trailing bytes, registry fingerprint, unregistered number, malformed
//! payloads), cross-profile and cross-kind confusion, and the shared policy checks.
//!
//! Hand-built payloads follow FORMAT.md byte by byte, so they also check the spec's text
//! against the implementation.

mod compact_common;

use compact_common::*;
use compact_token::{
    AccessPolicy, Error, Header, IdPolicy, KeyUse, Limits, Registry, compact, jws, jwt,
};

const ACCESS: u8 = 0x88;
const ID: u8 = 0x89;

/// `varint(len << 2 | 0)` then the bytes: a string in text form (UTF-8, unless a test
/// means it not to be).
fn text(s: impl AsRef<[u8]>) -> Vec<u8> {
    let s = s.as_ref();
    let mut v = varint((s.len() as u64) << 2);
    v.extend_from_slice(s);
    v
}

/// An access-token payload by hand: tag, `flags`, then iss `iss`, sub `sub`, aud [`aud`],
/// client_id `cid`, iat, exp = iat + 300, jti `jti`, then `tail`.
fn access_payload(tag: u8, flags: &[u8], iss: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut p = vec![tag];
    p.extend_from_slice(flags);
    p.extend_from_slice(iss);
    p.extend(text("sub"));
    p.push(1);
    p.extend(text("aud"));
    p.extend(text("cid"));
    p.extend(varint(IAT));
    p.extend(varint(300));
    p.extend(text("jti"));
    p.extend_from_slice(tail);
    p
}

fn sign(header: Header<'_>, payload: &[u8]) -> String {
    let mut out = [0u8; 2048];
    jws::sign(&header, payload, &hs_key(KeyUse::AccessAndId), &mut out)
        .unwrap()
        .to_owned()
}

const HS256: Header<'static> = Header {
    alg: "HS256",
    typ: None,
    kid: None,
};

fn verify_access(token: &str, reg: &Registry<'_>) -> Result<(), Error> {
    let policy = AccessPolicy::new("iss", "aud");
    let mut scratch = [0u8; 2048];
    let key = hs_key(KeyUse::AccessAndId);
    compact::verify_access(token, &key, &policy, reg, IAT, &mut scratch).map(|_| ())
}

fn access_err(payload: &[u8]) -> Result<(), Error> {
    verify_access(&sign(HS256, payload), &registry())
}

#[test]
fn a_hand_built_payload_verifies() {
    let p = access_payload(ACCESS, &[0], &text("iss"), &[]);
    assert_eq!(access_err(&p), Ok(()));
    // Registered: flags bit 0, the fingerprint, then iss as number 0 (0 << 2 | 3).
    let mut flags = vec![1];
    flags.extend_from_slice(&registry().fingerprint());
    let reg = Registry::new(&["iss"]).unwrap();
    let mut flags_iss = vec![1];
    flags_iss.extend_from_slice(&reg.fingerprint());
    let p = access_payload(ACCESS, &flags_iss, &[0x03], &[]);
    assert_eq!(verify_access(&sign(HS256, &p), &reg), Ok(()));
}

#[test]
fn format_errors() {
    let iss = text("iss");
    let ok = |tail: &[u8]| access_payload(ACCESS, &[0], &iss, tail);
    let cases: Vec<(&str, Vec<u8>, Error)> = vec![
        (
            "version 1, no longer read",
            access_payload(0x84, &[0], &iss, &[]),
            Error::UnsupportedVersion,
        ),
        (
            "unknown version 3",
            access_payload(0x8C, &[0], &iss, &[]),
            Error::UnsupportedVersion,
        ),
        (
            "unknown version 0",
            access_payload(0x80, &[0], &iss, &[]),
            Error::UnsupportedVersion,
        ),
        (
            "unknown version 15",
            access_payload(0xBC, &[0], &iss, &[]),
            Error::UnsupportedVersion,
        ),
        (
            "unknown kind tag 2",
            access_payload(0x8A, &[0], &iss, &[]),
            Error::WrongKind,
        ),
        (
            "unknown kind tag 3",
            access_payload(0x8B, &[0], &iss, &[]),
            Error::WrongKind,
        ),
        (
            "ID tag",
            access_payload(ID, &[0], &iss, &[]),
            Error::WrongKind,
        ),
        (
            "not the format",
            access_payload(0xC8, &[0], &iss, &[]),
            Error::WrongProfile,
        ),
        (
            "ASCII tag",
            access_payload(0x08, &[0], &iss, &[]),
            Error::WrongProfile,
        ),
        ("JSON", br#"{"iss":"iss"}"#.to_vec(), Error::WrongProfile),
        ("trailing byte", ok(&[0]), Error::TrailingBytes),
        ("trailing bytes", ok(b"more"), Error::TrailingBytes),
        (
            "unknown flag (bit 6)",
            access_payload(ACCESS, &[0x40], &iss, &[]),
            Error::MalformedClaims,
        ),
        (
            "overlong flags varint",
            access_payload(ACCESS, &[0x80, 0], &iss, &[]),
            Error::MalformedClaims,
        ),
        (
            "number without fingerprint",
            access_payload(ACCESS, &[0], &[0x03], &[]),
            Error::MalformedClaims,
        ),
        (
            "invalid UTF-8",
            access_payload(ACCESS, &[0], &[0x04, 0xff], &[]),
            Error::MalformedClaims,
        ),
        // "abc" as packed hex is 0xab 0xc0; a non-zero pad nibble is refused.
        (
            "hex pad bits",
            access_payload(ACCESS, &[0], &[0x0d, 0xab, 0xcd], &[]),
            Error::MalformedClaims,
        ),
        // "AB" packed base64url is 0b000000_00 0b0001_0000; non-zero pad bits refused.
        (
            "b64 pad bits",
            access_payload(ACCESS, &[0], &[0x0a, 0x00, 0x11], &[]),
            Error::MalformedClaims,
        ),
        (
            "string longer than payload",
            access_payload(ACCESS, &[0], &[0xfc, 0x01], &[]),
            Error::MalformedClaims,
        ),
        (
            "packed longer than payload",
            access_payload(ACCESS, &[0], &[0xfd, 0x7f], &[]),
            Error::MalformedClaims,
        ),
        (
            "truncated",
            {
                let mut p = ok(&[]);
                p.pop();
                p
            },
            Error::MalformedClaims,
        ),
        ("empty after tag", vec![ACCESS], Error::MalformedClaims),
    ];
    for (name, payload, want) in cases {
        assert_eq!(access_err(&payload), Err(want), "{name}");
    }
    // Flag bit 1 (scope) with a count of 0; bit 4 (amr) with a count of 0.
    for (flags, tail) in [(0x02, [0u8]), (0x10, [0u8])] {
        let p = access_payload(ACCESS, &[flags], &iss, &tail);
        assert_eq!(access_err(&p), Err(Error::MalformedClaims), "{flags:#x}");
    }
}

#[test]
fn value_errors() {
    let iss = text("iss");
    // Nine audiences: more than MAX_AUDIENCES.
    let mut p = vec![ACCESS, 0];
    p.extend(text("iss"));
    p.extend(text("sub"));
    p.push(9);
    for _ in 0..9 {
        p.extend(text("aud"));
    }
    p.extend(text("cid"));
    p.extend(varint(IAT));
    p.extend(varint(300));
    p.extend(text("jti"));
    assert_eq!(access_err(&p), Err(Error::TooManyValues));

    // exp = iat + delta overflows.
    let mut p = vec![ACCESS, 0];
    for s in ["iss", "sub"] {
        p.extend(text(s));
    }
    p.push(1);
    p.extend(text("aud"));
    p.extend(text("cid"));
    p.extend(varint(u64::MAX));
    p.extend(varint(1));
    p.extend(text("jti"));
    assert_eq!(access_err(&p), Err(Error::InvalidDate));

    // auth_time (bit 2) before 0: iat - (IAT + 1).
    let p = access_payload(ACCESS, &[0x04], &iss, &varint(2 * (IAT + 1) - 1));
    assert_eq!(access_err(&p), Err(Error::InvalidDate));
    // nbf (bit 5) past MAX_DATE.
    let p = access_payload(ACCESS, &[0x20], &iss, &varint(2 * compact_token::MAX_DATE));
    assert_eq!(access_err(&p), Err(Error::InvalidDate));
}

#[test]
fn registry_errors() {
    let reg = registry();
    let mut buf = [0u8; 1024];
    let key = hs_key(KeyUse::AccessAndId);
    let token = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, &mut buf).unwrap();
    let policy = AccessPolicy::new(ISSUER, API);
    let mut scratch = [0u8; 1024];
    let mut check = |r: &Registry<'_>| {
        compact::verify_access(token, &key, &policy, r, IAT, &mut scratch).map(|_| ())
    };
    assert_eq!(check(&reg), Ok(()));
    assert_eq!(check(&Registry::EMPTY), Err(Error::RegistryMismatch));
    let reordered = Registry::new(&[API, ISSUER, "read:orders", "write:orders"]).unwrap();
    assert_eq!(check(&reordered), Err(Error::RegistryMismatch));
    let extended = Registry::new(&[ISSUER, API, "read:orders", "write:orders", "admin"]).unwrap();
    assert_eq!(check(&extended), Err(Error::RegistryMismatch));

    // A number the (matching) registry lacks: iss as number 4 of a 4-value registry.
    let mut flags = vec![1];
    flags.extend_from_slice(&reg.fingerprint());
    let p = access_payload(ACCESS, &flags, &[4 << 2 | 3], &[]);
    assert_eq!(access_err(&p), Err(Error::UnregisteredValue));
    let p = access_payload(ACCESS, &flags, &[0xff, 0xff, 0x03], &[]);
    assert_eq!(access_err(&p), Err(Error::UnregisteredValue));
    // A token with no number carries no fingerprint and verifies under any registry.
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(&access(), &key, &Limits::ACCESS, &Registry::EMPTY, &mut buf)
        .unwrap();
    for r in [&reg, &reordered, &Registry::EMPTY] {
        let mut scratch = [0u8; 1024];
        assert!(compact::verify_access(token, &key, &policy, r, IAT, &mut scratch).is_ok());
    }
}

#[test]
fn profile_and_kind_confusion() {
    let key = ed_key(KeyUse::AccessAndId);
    let vk = key.verifying_key();
    let reg = Registry::EMPTY;
    let (ap, ip) = (
        AccessPolicy::new(ISSUER, API),
        IdPolicy::new(ISSUER, CLIENT),
    );
    let mut b = [[0u8; 1024]; 4];
    let [b0, b1, b2, b3] = &mut b;
    let jwt_access = jwt::issue_access(&access(), &key, &Limits::ACCESS, b0).unwrap();
    let jwt_id = jwt::issue_id(&id(), &key, &Limits::ID, b1).unwrap();
    let c_access = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, b2).unwrap();
    let c_id = compact::issue_id(&id(), &key, &Limits::ID, &reg, b3).unwrap();
    let mut s = [0u8; 2048];

    // jwt tokens to the compact verifiers, and the reverse.
    for t in [jwt_access, jwt_id] {
        let got = compact::verify_access(t, &vk, &ap, &reg, IAT, &mut s);
        assert_eq!(got.err(), Some(Error::WrongProfile));
        let got = compact::verify_id(t, &vk, &ip, &reg, IAT, &mut s);
        assert_eq!(got.err(), Some(Error::WrongProfile));
    }
    for t in [c_access, c_id] {
        assert_eq!(
            jwt::verify_access(t, &vk, &ap, IAT, &mut s).err(),
            Some(Error::WrongProfile)
        );
        assert_eq!(
            jwt::verify_id(t, &vk, &ip, IAT, &mut s).err(),
            Some(Error::WrongProfile)
        );
    }
    // ID token as access token, and the reverse.
    let got = compact::verify_access(c_id, &vk, &ap, &reg, IAT, &mut s);
    assert_eq!(got.err(), Some(Error::WrongKind));
    let got = compact::verify_id(c_access, &vk, &ip, &reg, IAT, &mut s);
    assert_eq!(got.err(), Some(Error::WrongKind));
    // Payloads that are not base64url at all, around the tag.
    for t in [
        "eyJhbGciOiJIUzI1NiJ9.i\u{e9}AAAA.sig",
        "eyJhbGciOiJIUzI1NiJ9.iAN\u{e9}.sig",
    ] {
        assert_eq!(
            verify_access(t, &Registry::EMPTY),
            Err(Error::Base64),
            "{t}"
        );
    }
    // A compact payload under a `typ`.
    let payload = access_payload(ACCESS, &[0], &text("iss"), &[]);
    for typ in ["at+jwt", "JWT", "x"] {
        let t = sign(
            Header {
                typ: Some(typ),
                ..HS256
            },
            &payload,
        );
        assert_eq!(
            verify_access(&t, &Registry::EMPTY),
            Err(Error::WrongType),
            "{typ}"
        );
    }
}

#[test]
fn shared_checks_hold_for_compact() {
    let key = ed_key(KeyUse::AccessAndId);
    let vk = key.verifying_key();
    let reg = registry();
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, &mut buf).unwrap();
    let mut s = [0u8; 1024];
    let mut v = |t: &str, p: &AccessPolicy<'_>, k: &compact_token::Ed25519VerifyingKey, now| {
        compact::verify_access(t, k, p, &reg, now, &mut s)
            .map(|_| ())
            .err()
    };
    let p = AccessPolicy::new(ISSUER, API);
    assert_eq!(v(token, &p, &vk, IAT + 300 + 30), Some(Error::Expired));
    assert_eq!(v(token, &p, &vk, IAT - 31), Some(Error::IssuedInFuture));
    assert_eq!(
        v(token, &AccessPolicy::new("https://evil", API), &vk, IAT),
        Some(Error::WrongIssuer)
    );
    assert_eq!(
        v(token, &AccessPolicy::new(ISSUER, "https://other"), &vk, IAT),
        Some(Error::WrongAudience)
    );
    assert_eq!(
        v(token, &p.require_scopes(&["admin"]), &vk, IAT),
        Some(Error::MissingScope)
    );
    let other = ed_key_from(&[1; 32]).verifying_key();
    assert_eq!(v(token, &p, &other, IAT), Some(Error::BadSignature));
    let access_only = ed_key(KeyUse::Id).verifying_key();
    assert_eq!(v(token, &p, &access_only, IAT), Some(Error::KeyUseMismatch));
    let with_kid = key.verifying_key().with_kid("k2").unwrap();
    let kid_key = ed_key(KeyUse::AccessAndId).with_kid("k1").unwrap();
    let mut kb = [0u8; 1024];
    let kid_token =
        compact::issue_access(&access(), &kid_key, &Limits::ACCESS, &reg, &mut kb).unwrap();
    assert!(kid_token.starts_with("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0."));
    assert_eq!(v(kid_token, &p, &with_kid, IAT), Some(Error::KeyIdMismatch));
    assert_eq!(
        v(
            token,
            &p.with_limits(Limits::ACCESS.tighten_bytes(100)),
            &vk,
            IAT
        ),
        Some(Error::OverBudget)
    );
    assert_eq!(
        v(
            token,
            &p.with_limits(Limits::ACCESS.tighten_lifetime(60)),
            &vk,
            IAT
        ),
        Some(Error::LifetimeTooLong)
    );

    // An HS256 token to an Ed25519 verifier.
    let hs = hs_key(KeyUse::AccessAndId);
    let mut hb = [0u8; 1024];
    let hs_token = compact::issue_access(&access(), &hs, &Limits::ACCESS, &reg, &mut hb).unwrap();
    assert_eq!(v(hs_token, &p, &vk, IAT), Some(Error::AlgorithmMismatch));

    // Issuing: over budget, over-long lifetime, key meant for the other kind, small buffer.
    let mut out = [0u8; 1024];
    let r = compact::issue_access(
        &access(),
        &key,
        &Limits::ACCESS.tighten_bytes(187),
        &reg,
        &mut out,
    );
    assert_eq!(r.err(), Some(Error::OverBudget));
    let mut long = access();
    long.exp = IAT + 601;
    let r = compact::issue_access(&long, &key, &Limits::ACCESS, &reg, &mut out);
    assert_eq!(r.err(), Some(Error::LifetimeTooLong));
    let r = compact::issue_access(
        &access(),
        &ed_key(KeyUse::Id),
        &Limits::ACCESS,
        &reg,
        &mut out,
    );
    assert_eq!(r.err(), Some(Error::KeyUseMismatch));
    let r = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, &mut out[..100]);
    assert_eq!(r.err(), Some(Error::BufferTooSmall { needed: 188 }));
    let r = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, &mut out[..188]);
    assert_eq!(r.map(str::len), Ok(188));

    // Verifying into too small a scratch buffer says how much is needed, exactly once the
    // payload fits.
    let key = hs_key(KeyUse::AccessAndId);
    let mut hb = [0u8; 1024];
    let t =
        compact::issue_access(&access(), &key, &Limits::ACCESS, &Registry::EMPTY, &mut hb).unwrap();
    let mut small = [0u8; 120];
    let got = compact::verify_access(t, &key, &p, &Registry::EMPTY, IAT, &mut small);
    let Err(Error::BufferTooSmall { needed }) = got else {
        panic!("{got:?}")
    };
    let mut exact = vec![0u8; needed];
    assert!(compact::verify_access(t, &key, &p, &Registry::EMPTY, IAT, &mut exact).is_ok());
    let mut less = vec![0u8; needed - 1];
    let got = compact::verify_access(t, &key, &p, &Registry::EMPTY, IAT, &mut less);
    assert_eq!(got.err(), Some(Error::BufferTooSmall { needed }));
}

/// Every string a `compact` verifier reads in text form is refused with U+0000 in it, or
/// bytes that are not UTF-8,
/// wherever the claim is: the decoder refuses it as the text enters (a verified token's
/// strings are not scanned again), so this holds each place a string is read, a list's
/// and the joined scope's parts included, in both kinds. Registered values cannot hold it.
#[test]
fn nul_in_any_text_string_is_refused_on_verify() {
    // iss, sub, aud[0], client_id, jti, scope (two parts), acr, amr[0]: flags bits 1, 3, 4.
    let access = |strings: [&[u8]; 9]| {
        let mut p = vec![ACCESS];
        p.extend(varint(1 << 1 | 1 << 3 | 1 << 4));
        p.extend(text(strings[0]));
        p.extend(text(strings[1]));
        p.push(1);
        p.extend(text(strings[2]));
        p.extend(text(strings[3]));
        p.extend(varint(IAT));
        p.extend(varint(300));
        p.extend(text(strings[4]));
        p.push(2);
        p.extend(text(strings[5]));
        p.extend(text(strings[6]));
        p.extend(text(strings[7]));
        p.push(1);
        p.extend(text(strings[8]));
        p
    };
    let good: [&[u8]; 9] = [
        b"iss", b"sub", b"aud", b"cid", b"jti", b"read", b"write", b"acr", b"pwd",
    ];
    assert_eq!(access_err(&access(good)), Ok(()));
    for at in 0..good.len() {
        for bad in [
            &b"\0"[..],
            b"a\0",
            b"\0b",
            b"a long string, U+0000 past a word: \0",
            // Nor may any be other than UTF-8.
            b"\xff",
            b"a\xe2\x82",
            b"\x80b",
        ] {
            let mut strings = good;
            strings[at] = bad;
            assert_eq!(
                access_err(&access(strings)),
                Err(Error::MalformedClaims),
                "{at} {bad:?}"
            );
        }
    }
    // ID token: iss, sub, aud[0], iat, exp, then `name` (flag bit 5).
    let id = |name: &str| {
        let mut p = vec![ID];
        p.extend(varint(1 << 5));
        p.extend(text("iss"));
        p.extend(text("sub"));
        p.push(1);
        p.extend(text("aud"));
        p.extend(varint(IAT));
        p.extend(varint(300));
        p.extend(text(name));
        sign(HS256, &p)
    };
    let key = hs_key(KeyUse::AccessAndId);
    let mut scratch = [0u8; 1024];
    let mut verify_id = |token: &str| {
        let policy = IdPolicy::new("iss", "aud");
        compact::verify_id(token, &key, &policy, &Registry::EMPTY, IAT, &mut scratch).map(|_| ())
    };
    assert_eq!(verify_id(&id("Jane")), Ok(()));
    assert_eq!(verify_id(&id("Ja\0ne")), Err(Error::MalformedClaims));
    // Nor may a registered value, which the decoder takes as it is.
    assert_eq!(Registry::new(&["a\0"]).err(), Some(Error::InvalidPolicy));
}

#[test]
fn id_policy_checks_hold_for_compact() {
    let key = ed_key(KeyUse::Id);
    let vk = key.verifying_key();
    let mut buf = [0u8; 1024];
    let token = compact::issue_id(&id(), &key, &Limits::ID, &Registry::EMPTY, &mut buf).unwrap();
    let mut s = [0u8; 1024];
    let mut v = |p: &IdPolicy<'_>| {
        compact::verify_id(token, &vk, p, &Registry::EMPTY, IAT, &mut s)
            .map(|_| ())
            .err()
    };
    let p = IdPolicy::new(ISSUER, CLIENT);
    assert_eq!(v(&p), None);
    assert_eq!(v(&p.expect_nonce("other")), Some(Error::WrongNonce));
    assert_eq!(
        v(&p.expect_access_token("some.access.token")),
        Some(Error::AccessTokenHashMismatch)
    );
    assert_eq!(
        v(&IdPolicy::new(ISSUER, "other-client")),
        Some(Error::WrongAudience)
    );
    assert_eq!(
        v(&IdPolicy::new("https://evil", CLIENT)),
        Some(Error::WrongIssuer)
    );
}

fn ed_key_from(seed: &[u8; 32]) -> compact_token::Ed25519SigningKey {
    compact_token::Ed25519SigningKey::from_seed(seed, KeyUse::AccessAndId)
}
