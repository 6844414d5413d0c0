//! The low-level JWS layer on arbitrary input: `jws::split`, base64url decoding, the header
//! parser (`jws::untrusted_header`, and through `jws::verify`), the `compact` profile's one
//! header form (through `compact::decode_unverified`) against it, header writing, and
//! `jws::sign` → `jws::verify` with arbitrary `typ`/`kid`/payload.
#![no_main]

use compact_token::{Header, jws};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (ed, hs) = (ed(), hs());
    let mut out = vec![0u8; BUF];

    // split: exactly the three segments, in place.
    if let Ok(p) = jws::split(&text) {
        assert_eq!(format!("{}.{}", p.header, p.payload), p.signing_input);
        assert_eq!(format!("{}.{}", p.signing_input, p.signature), text);
        assert!(!p.header.is_empty() && !p.payload.is_empty() && !p.signature.contains('.'));
        // Our strict base64url agrees with base64ct's on what decodes.
        for seg in [p.header, p.payload, p.signature] {
            let strict = unb64(seg);
            if let Some(bytes) = &strict {
                assert_eq!(b64(bytes), seg, "non-canonical base64url decoded");
            }
        }
    }
    // The whole verify path on the raw text (split, base64url, header, signature).
    // (Seeds hold real tokens, so acceptance is possible: then the payload is the segment's.)
    let ed_v = ed.verifying_key();
    for key in [&ed_v as &dyn compact_token::VerifyingKey, &hs] {
        if let Ok(p) = jws::verify(&text, key, &mut out) {
            let segment = jws::split(&text).expect("verified, so it splits").payload;
            assert_eq!(
                Some(p.to_vec()),
                unb64(segment),
                "payload altered: {text:?}"
            );
        }
    }

    // The input as header JSON, validly signed: the header parser sees every byte.
    let (header_json, payload) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b"{}"[..]),
    };
    // The header parser alone, on the raw text and on the input as header JSON: whatever it
    // reads, written back (byte-minimal) reads the same.
    let mut hbuf = [0u8; jws::HEADER_BUF_LEN];
    let _ = jws::untrusted_header(&text, &mut hbuf);
    let as_header = format!("{}.e30.", b64(header_json));
    if let Ok(h) = jws::untrusted_header(&as_header, &mut hbuf) {
        let mut json = [0u8; compact_token::MAX_HEADER_LEN];
        if let Ok(n) = h.write(&mut json) {
            let again = format!("{}.e30.", b64(&json[..n]));
            let mut hbuf2 = [0u8; jws::HEADER_BUF_LEN];
            assert_eq!(
                jws::untrusted_header(&again, &mut hbuf2),
                Ok(h),
                "{as_header}"
            );
        }
    }
    // The input as a `compact` header over a real compact payload: what the profile's one
    // form accepts, the general parser reads as a header with no `typ`, written back byte
    // for byte as it was.
    let mut issued = vec![0u8; BUF];
    let compact_payload = compact_token::compact::issue_access(
        &sample_access(),
        &hs,
        &unbounded(compact_token::Limits::ACCESS),
        &compact_token::Registry::EMPTY,
        &mut issued,
    )
    .expect("the sample issues")
    .split('.')
    .nth(1)
    .expect("three segments")
    .to_owned();
    let as_compact = format!("{}.{compact_payload}.", b64(header_json));
    let mut scratch = vec![0u8; BUF];
    let unbounded_access = unbounded(compact_token::Limits::ACCESS);
    let seen = compact_token::compact::decode_unverified(
        &as_compact,
        &unbounded_access,
        &compact_token::Registry::EMPTY,
        &mut scratch,
    );
    if seen.is_ok() {
        let h = jws::untrusted_header(&as_compact, &mut hbuf).expect("the general parser reads it");
        assert_eq!(h.typ, None, "{as_compact}");
        let mut json = [0u8; compact_token::MAX_HEADER_LEN];
        let n = h.write(&mut json).expect("it fits");
        assert_eq!(&json[..n], header_json, "{as_compact}");
    }
    for key in [&ed as &dyn compact_token::SigningKey, &hs] {
        let token = sign_raw(header_json, payload, key);
        let r = match key.algorithm() {
            compact_token::Algorithm::EdDSA => jws::verify(&token, &ed.verifying_key(), &mut out),
            _ => jws::verify(&token, &hs, &mut out),
        };
        if let Ok(p) = r {
            assert_eq!(p, payload, "payload altered");
        }
    }

    // Writing headers: whatever `typ`/`kid` we write, we read back the payload.
    let mid = (0..=text.len() / 2)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let (a, b) = text.split_at(mid);
    let a = (!a.is_empty()).then_some(a);
    let (typ, kid) = if data.len() % 2 == 0 {
        (a, None)
    } else {
        (None, a)
    };
    let header = Header {
        alg: "EdDSA",
        typ,
        kid,
    };
    let mut out2 = vec![0u8; BUF];
    if let Ok(token) = jws::sign(&header, b.as_bytes(), &ed, &mut out2) {
        let token = token.to_owned();
        let p = jws::verify(&token, &ed.verifying_key(), &mut out)
            .unwrap_or_else(|e| panic!("own JWS refused ({e:?}): {token}"));
        assert_eq!(p, b.as_bytes());
    }
});
