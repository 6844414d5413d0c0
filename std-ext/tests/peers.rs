//! Interop both ways with JWT/JWS implementations we did not write: PyJWT (pip) and `jose`
//! (npm), through the `interop/` peer programs (one process per batch).
//!
//! - Their access (`at+jwt`) and ID tokens, EdDSA and HS256, verify in ours with the same
//!   claims (non-ASCII escaped by PyJWT and raw by jose, `aud` as string and as array,
//!   unknown claims).
//! - Ours verify in theirs: `jwt` tokens fully (signature, `typ`, audience, issuer, time at
//!   an explicit `now`), `compact` tokens as plain JWS (signature only; the payload bytes
//!   come back unchanged); and their plain JWS over our `compact` payload verifies in ours.
//! - Their JWK sets (from their own key generation) load into our key sets and verify their
//!   tokens by `kid`; our published JWK set loads into theirs and verifies ours by `kid`.
//!
//! The peers must be installed (`bash interop/install.sh`; `scripts/test.sh` does it first):
//! a missing peer fails these tests, it does not skip them.

mod peer;

use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Error as TokenError, Es256SigningKey, Hs256Key,
    IdClaims, IdPolicy, KeyUse, Limits, Registry, compact, jwt,
};
use compact_token_std::keys::AnySigningKey;
use compact_token_std::keyset::{KeySet, Window};
use compact_token_std::{Error, jwk};
use peer::{ALL, Peer, b64e, ok, refused, segment_json, token};
use serde_json::{Value, json};

const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const CLIENT: &str = "s6BhdRkqt3";
const NONCE: &str = "n-0S6_WzA2Mj";
const NOW: u64 = 1_764_000_000;
const ED_SEED: [u8; 32] = [0x11; 32];
const HS_SECRET: [u8; 32] = [0x22; 32];

fn ed_key() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&ED_SEED, KeyUse::AccessAndId)
        .with_kid("ed-1")
        .unwrap()
}

fn hs_key() -> Hs256Key {
    Hs256Key::from_secret(&HS_SECRET, KeyUse::AccessAndId)
        .unwrap()
        .with_kid("hs-1")
        .unwrap()
}

fn ed_private_jwk() -> Value {
    peer::ed25519_private_jwk(&ED_SEED, &ed_key().verifying_key().to_bytes())
}

fn ed_public_jwk() -> Value {
    peer::ed25519_public_jwk(&ed_key().verifying_key().to_bytes())
}

/// The access-token claims as JSON, with an unknown claim readers must ignore.
fn access_json() -> Value {
    json!({
        "iss": ISS, "sub": "user-8f14e45f", "aud": AUD, "client_id": CLIENT,
        "iat": NOW, "exp": NOW + 300, "jti": "b1c2d3e4f5a6b7c8",
        "scope": "read:orders write:orders",
        "ext": {"tenant": "a/b", "n": [1, 2.5, null]}
    })
}

fn access_expected() -> AccessClaims<&'static str> {
    let mut c = AccessClaims::new(
        ISS,
        "user-8f14e45f",
        AUD,
        CLIENT,
        NOW,
        NOW + 300,
        "b1c2d3e4f5a6b7c8",
    );
    c.scope = Some("read:orders write:orders");
    // The claim no typed field holds is read as a custom claim (compared as JSON values).
    c.extra =
        compact_token::Extras::from_json(r#"{"ext":{"tenant":"a/b","n":[1,2.5,null]}}"#).unwrap();
    c
}

/// ID-token claims: `aud` an array (so `azp` is required), non-ASCII including a character
/// outside the BMP (PyJWT writes it as a surrogate pair `\ud83d\ude00`).
fn id_json() -> Value {
    json!({
        "iss": ISS, "sub": "user-8f14e45f", "aud": [CLIENT, "other-rp"], "azp": CLIENT,
        "exp": NOW + 3600, "iat": NOW, "auth_time": NOW - 60, "nonce": NONCE,
        "amr": ["pwd", "otp"], "name": "Zoë Dœ 😀", "given_name": "Zoë", "family_name": "Dœ",
        "email": "zoe@example.com", "email_verified": true, "locale": "fr-CA",
        "picture": "https://example.com/zo\u{eb}.jpg"
    })
}

fn id_expected() -> IdClaims<&'static str> {
    let mut c = IdClaims::new(ISS, "user-8f14e45f", CLIENT, NOW, NOW + 3600);
    c.aud.push("other-rp").unwrap();
    c.azp = Some(CLIENT);
    c.auth_time = Some(NOW - 60);
    c.nonce = Some(NONCE);
    c.amr.push("pwd").unwrap();
    c.amr.push("otp").unwrap();
    c.name = Some("Zoë Dœ 😀");
    c.given_name = Some("Zoë");
    c.family_name = Some("Dœ");
    c.email = Some("zoe@example.com");
    c.email_verified = Some(true);
    c.locale = Some("fr-CA");
    c.picture = Some("https://example.com/zoë.jpg");
    c
}

fn access_policy() -> AccessPolicy<'static> {
    AccessPolicy::new(ISS, AUD)
}

fn id_policy() -> IdPolicy<'static> {
    IdPolicy::new(ISS, CLIENT).expect_nonce(NONCE)
}

fn ours_verify_access(token: &str, key: &dyn compact_token::VerifyingKey) {
    let mut scratch = [0u8; 2048];
    let got = jwt::verify_access(token, key, &access_policy(), NOW + 10, &mut scratch);
    assert_eq!(got, Ok(access_expected()), "{token}");
}

fn ours_verify_id(token: &str, key: &dyn compact_token::VerifyingKey) {
    let mut scratch = [0u8; 4096];
    let got = jwt::verify_id(token, key, &id_policy(), NOW + 10, &mut scratch);
    assert_eq!(got, Ok(id_expected()), "{token}");
}

#[test]
fn their_access_and_id_tokens_verify_in_ours() {
    let hs_jwk = peer::oct_jwk(&HS_SECRET);
    for p in ALL {
        let issue = |alg: &str, key: &Value, header: Value, claims: Value| json!({"op": "issue", "alg": alg, "key": key, "header": header, "claims": claims});
        let r = p.batch(&[
            issue(
                "EdDSA",
                &ed_private_jwk(),
                json!({"typ": "at+jwt", "kid": "ed-1"}),
                access_json(),
            ),
            issue(
                "HS256",
                &hs_jwk,
                json!({"typ": "at+jwt", "kid": "hs-1"}),
                access_json(),
            ),
            // The RFC 9068 long form and another case: the same media type.
            issue(
                "EdDSA",
                &ed_private_jwk(),
                json!({"typ": "application/AT+JWT"}),
                access_json(),
            ),
            // No `typ` given: PyJWT writes "JWT", jose writes none; both are ID tokens to us.
            issue(
                "EdDSA",
                &ed_private_jwk(),
                json!({"kid": "ed-1"}),
                id_json(),
            ),
            issue("HS256", &hs_jwk, json!({"kid": "hs-1"}), id_json()),
        ]);
        let t: Vec<String> = r.iter().map(|r| token(p, r)).collect();
        let (ed, hs) = (ed_key().verifying_key(), hs_key());
        ours_verify_access(&t[0], &ed);
        ours_verify_access(&t[1], &hs);
        ours_verify_access(&t[2], &ed);
        ours_verify_id(&t[3], &ed);
        ours_verify_id(&t[4], &hs);
        // Where the peers differ, we read both.
        let id_typ = segment_json(t[3].split('.').next().unwrap())["typ"].clone();
        match p {
            Peer::PyJwt => assert_eq!(id_typ, "JWT"),
            Peer::Jose => assert_eq!(id_typ, Value::Null),
        }
        if p == Peer::PyJwt {
            let payload = String::from_utf8(peer::b64d(t[3].split('.').nth(1).unwrap())).unwrap();
            assert!(payload.contains(r"\ud83d\ude00"), "{payload}");
        }
        // Their access token is never our ID token, nor the reverse.
        let mut scratch = [0u8; 4096];
        let got = jwt::verify_id(&t[0], &ed, &id_policy(), NOW + 10, &mut scratch);
        assert_eq!(got.err(), Some(TokenError::WrongKind), "{}", p.name());
        let got = jwt::verify_access(&t[3], &ed, &access_policy(), NOW + 10, &mut scratch);
        assert_eq!(got.err(), Some(TokenError::WrongKind), "{}", p.name());
    }
}

#[test]
fn our_tokens_verify_in_theirs() {
    let (ed, hs) = (ed_key(), hs_key());
    let mut bufs = vec![[0u8; 2048]; 9];
    let [b0, b1, b2, b3, b4, b5, b6, b7, b8] = &mut bufs[..] else {
        unreachable!()
    };
    let jwt_tokens = [
        jwt::issue_access(&access_expected(), &ed, &Limits::ACCESS, b0).unwrap(),
        jwt::issue_access(&access_expected(), &hs, &Limits::ACCESS, b1).unwrap(),
        jwt::issue_id(&id_expected(), &ed, &Limits::ID, b2).unwrap(),
        jwt::issue_id(&id_expected(), &hs, &Limits::ID, b3).unwrap(),
    ];
    let registry = Registry::new(&[ISS, AUD, "read:orders", "write:orders"]).unwrap();
    let empty = Registry::EMPTY;
    let compact_tokens = [
        compact::issue_access(&access_expected(), &ed, &Limits::ACCESS, &empty, b4).unwrap(),
        compact::issue_access(&access_expected(), &hs, &Limits::ACCESS, &empty, b5).unwrap(),
        compact::issue_access(&access_expected(), &ed, &Limits::ACCESS, &registry, b6).unwrap(),
        compact::issue_id(&id_expected(), &ed, &Limits::ID, &empty, b7).unwrap(),
        compact::issue_id(&id_expected(), &hs, &Limits::ID, &empty, b8).unwrap(),
    ];
    let hs_jwk = peer::oct_jwk(&HS_SECRET);
    let key_of = |t: &str| {
        if segment_json(t.split('.').next().unwrap())["alg"] == "EdDSA" {
            ("EdDSA", ed_public_jwk())
        } else {
            ("HS256", hs_jwk.clone())
        }
    };
    let verify = |t: &str, audience: &str, typ: &str, now: u64| {
        let (alg, key) = key_of(t);
        json!({"op": "verify", "alg": alg, "key": key, "token": t, "audience": audience,
               "issuer": ISS, "typ": typ, "now": now})
    };
    let mut requests = vec![
        verify(jwt_tokens[0], AUD, "at+jwt", NOW + 10),
        verify(jwt_tokens[1], AUD, "at+jwt", NOW + 10),
        verify(jwt_tokens[2], CLIENT, "JWT", NOW + 10),
        verify(jwt_tokens[3], CLIENT, "JWT", NOW + 10),
    ];
    for t in compact_tokens {
        let (alg, key) = key_of(t);
        requests.push(json!({"op": "verify_jws", "alg": alg, "key": key, "token": t}));
    }
    // The checks are real: expired at exp (their leeway is 0), another audience, another
    // `typ`, a compact token offered as a JWT.
    requests.extend([
        verify(jwt_tokens[0], AUD, "at+jwt", NOW + 300),
        verify(
            jwt_tokens[0],
            "https://other.example.com",
            "at+jwt",
            NOW + 10,
        ),
        verify(jwt_tokens[0], AUD, "JWT", NOW + 10),
        verify(compact_tokens[0], AUD, "at+jwt", NOW + 10),
    ]);
    for p in ALL {
        let r = p.batch(&requests);
        for (i, t) in jwt_tokens.iter().enumerate() {
            let r = ok(p, &format!("verify jwt #{i}"), &r[i]);
            let mut segments = t.split('.');
            assert_eq!(
                r["header"],
                segment_json(segments.next().unwrap()),
                "{}",
                p.name()
            );
            // They read exactly the claims we wrote.
            assert_eq!(
                r["claims"],
                segment_json(segments.next().unwrap()),
                "{}",
                p.name()
            );
        }
        for (i, t) in compact_tokens.iter().enumerate() {
            let r = ok(p, &format!("verify_jws compact #{i}"), &r[4 + i]);
            let mut segments = t.split('.');
            let header = segment_json(segments.next().unwrap());
            assert_eq!(r["header"], header, "{}", p.name());
            assert_eq!(header.as_object().unwrap().len(), 2, "alg and kid only");
            assert_eq!(r["payload_b64"], segments.next().unwrap(), "{}", p.name());
        }
        for (i, what) in ["expired", "audience", "typ", "compact as JWT"]
            .iter()
            .enumerate()
        {
            refused(p, what, &r[9 + i]);
        }
    }
}

/// Their plain JWS over one of our `compact` payloads verifies in our `compact` verifier
/// when they write the header in the profile's one form (FORMAT.md, "Header"): both write
/// `{"alg":"EdDSA","kid":"ed-1"}` and `{"alg":"HS256"}` for these members. The same payload
/// under a `typ` they add is refused as the form says (`WrongType`).
#[test]
fn their_jws_over_our_compact_payload_verifies_in_ours() {
    let (ed, hs) = (ed_key(), hs_key());
    let empty = Registry::EMPTY;
    let mut buf = [0u8; 2048];
    let ours =
        compact::issue_access(&access_expected(), &ed, &Limits::ACCESS, &empty, &mut buf).unwrap();
    let payload = ours.split('.').nth(1).unwrap().to_owned();
    let hs_jwk = peer::oct_jwk(&HS_SECRET);
    for p in ALL {
        let sign = |alg: &str, key: &Value, header: Value| {
            json!({"op": "sign_jws", "alg": alg, "key": key, "header": header,
                   "payload_b64": payload})
        };
        let r = p.batch(&[
            sign("EdDSA", &ed_private_jwk(), json!({"kid": "ed-1"})),
            sign("HS256", &hs_jwk, json!({})),
            sign("EdDSA", &ed_private_jwk(), json!({"typ": "JWT"})),
        ]);
        let t: Vec<String> = r.iter().map(|r| token(p, r)).collect();
        let mut scratch = [0u8; 2048];
        let ed_pub = ed.verifying_key();
        let mut verify = |t: &str, key: &dyn compact_token::VerifyingKey| {
            compact::verify_access(t, key, &access_policy(), &empty, NOW + 10, &mut scratch)
                .map(|c| c == access_expected())
        };
        assert_eq!(verify(&t[0], &ed_pub), Ok(true), "{}: {}", p.name(), t[0]);
        assert_eq!(verify(&t[1], &hs), Ok(true), "{}: {}", p.name(), t[1]);
        assert_eq!(
            verify(&t[2], &ed_pub),
            Err(TokenError::WrongType),
            "{}",
            p.name()
        );
    }
}

#[test]
fn their_jwks_loads_into_our_key_sets_and_verifies_their_tokens_by_kid() {
    for p in ALL {
        let keys = p.batch(&[
            json!({"op": "keygen", "alg": "EdDSA"}),
            json!({"op": "keygen", "alg": "EdDSA"}),
        ]);
        let with_kid = |r: &Value, field: &str, kid: &str| {
            let mut jwk = ok(p, "keygen", r)[field].clone();
            jwk["kid"] = json!(kid);
            jwk
        };
        let jwks = json!({"keys": [
            with_kid(&keys[0], "public_jwk", "their-a"),
            with_kid(&keys[1], "public_jwk", "their-b"),
        ]});
        let issue = |key: usize, kid: &str, typ: Option<&str>, claims: Value| {
            let mut header = json!({"kid": kid});
            if let Some(typ) = typ {
                header["typ"] = json!(typ);
            }
            json!({"op": "issue", "alg": "EdDSA", "key": with_kid(&keys[key], "private_jwk", kid),
                   "header": header, "claims": claims})
        };
        let r = p.batch(&[
            issue(0, "their-a", Some("at+jwt"), access_json()),
            issue(1, "their-b", Some("JWT"), id_json()),
            // Signed by key b, naming key a.
            issue(1, "their-a", Some("at+jwt"), access_json()),
            issue(0, "their-c", Some("at+jwt"), access_json()),
        ]);
        let t: Vec<String> = r.iter().map(|r| token(p, r)).collect();

        let set = KeySet::from_public_jwks(&jwks.to_string(), KeyUse::AccessAndId).unwrap();
        assert_eq!(set.len(), 2);
        let mut scratch = [0u8; 4096];
        let mut access = |t: &str| {
            set.verify_access(t, &access_policy(), NOW + 10, &mut scratch)
                .map(|c| c == access_expected())
        };
        assert_eq!(access(&t[0]), Ok(true), "{}", p.name());
        // Signed by key b, naming key a; naming a key the set does not hold.
        assert_eq!(access(&t[2]), Err(Error::Token(TokenError::BadSignature)));
        assert_eq!(access(&t[3]), Err(Error::UnknownKeyId));
        let mut scratch = [0u8; 4096];
        let got = set.verify_id(&t[1], &id_policy(), NOW + 10, &mut scratch);
        assert_eq!(got, Ok(id_expected()), "{}", p.name());
    }
}

#[test]
fn our_published_jwks_loads_into_theirs_and_verifies_our_tokens_by_kid() {
    let key = |seed: u8| {
        let k = AnySigningKey::Ed25519(Ed25519SigningKey::from_seed(
            &[seed; 32],
            KeyUse::AccessAndId,
        ));
        let kid = jwk::thumbprint(&k.verifying_key());
        k.with_kid(&kid).unwrap()
    };
    let (old, new, stranger) = (key(0x31), key(0x32), key(0x33));
    let mut issuer = KeySet::new();
    issuer
        .add_signing_key(old.clone(), Window::new(0, Some(NOW + 3600)).unwrap())
        .unwrap();
    issuer
        .add_signing_key(new, Window::new(NOW - 60, None).unwrap())
        .unwrap();
    let published: Value = serde_json::from_str(&issuer.public_jwks(NOW)).unwrap();
    let kids: Vec<&str> = issuer.windows().filter_map(|(kid, _)| kid).collect();

    let (mut b0, mut b1, mut b2) = ([0u8; 2048], [0u8; 2048], [0u8; 2048]);
    // The newest key signs the access token; the ID token comes from the older one.
    let access = issuer
        .issue_access(&access_expected(), &Limits::ACCESS, NOW, &mut b0)
        .unwrap();
    let id = jwt::issue_id(&id_expected(), &old, &Limits::ID, &mut b1).unwrap();
    let foreign =
        jwt::issue_access(&access_expected(), &stranger, &Limits::ACCESS, &mut b2).unwrap();
    assert_eq!(
        compact_token_std::keyset::token_kid(access)
            .unwrap()
            .as_deref(),
        Some(kids[1])
    );
    let jwks_verify = |t: &str, audience: &str, typ: &str| {
        json!({"op": "jwks_verify", "jwks": published, "token": t, "audience": audience,
               "issuer": ISS, "typ": typ, "now": NOW + 10, "alg": "EdDSA"})
    };
    let requests = [
        json!({"op": "jwks", "keys": published["keys"]}),
        jwks_verify(access, AUD, "at+jwt"),
        jwks_verify(id, CLIENT, "JWT"),
        jwks_verify(foreign, AUD, "at+jwt"),
    ];
    for p in ALL {
        let r = p.batch(&requests);
        let loaded = ok(p, "jwks", &r[0]);
        assert_eq!(loaded["count"], 2, "{}: {loaded}", p.name());
        if p == Peer::PyJwt {
            assert_eq!(loaded["kids"], json!(kids), "{}", p.name());
        }
        for (i, t) in [access, id].iter().enumerate() {
            let r = ok(p, "jwks_verify", &r[1 + i]);
            let mut segments = t.split('.');
            assert_eq!(r["header"], segment_json(segments.next().unwrap()));
            assert_eq!(r["claims"], segment_json(segments.next().unwrap()));
        }
        refused(p, "token of a key not in the set", &r[3]);
    }
    // Secrets are never published: an `oct` key in a public set refuses the whole set.
    let with_secret =
        json!({"keys": [published["keys"][0], {"kty": "oct", "k": b64e(&HS_SECRET)}]});
    assert_eq!(
        KeySet::from_public_jwks(&with_secret.to_string(), KeyUse::Access).err(),
        Some(Error::PrivateKeyInPublicSet)
    );
}

// ---------------------------------------------------------------- ES256, RS256, PS256

/// ES256 (a fixed scalar), and RS256/PS256 from one RSA 2048 key of the peer (our own RSA
/// generation is slow in debug builds, and the peer's key is as foreign as it gets).
struct OurKeys {
    es: AnySigningKey,
    rs: AnySigningKey,
    ps: AnySigningKey,
}

fn our_keys(rsa_private_jwk: &Value) -> OurKeys {
    let es = Es256SigningKey::from_bytes(&[0x44; 32], KeyUse::AccessAndId).unwrap();
    let rsa = |alg: &str| {
        let mut jwk = rsa_private_jwk.clone();
        jwk["alg"] = json!(alg);
        let key = jwk::signing_key_from_jwk(&jwk.to_string(), KeyUse::AccessAndId).unwrap();
        key.with_kid(&format!("our-{alg}")).unwrap()
    };
    OurKeys {
        es: AnySigningKey::from(es).with_kid("our-ES256").unwrap(),
        rs: rsa("RS256"),
        ps: rsa("PS256"),
    }
}

/// Our public JWK of `key` (with `alg`, `kid`, `use`, `token_use`).
fn our_public_jwk(key: &AnySigningKey) -> Value {
    let jwks: Value = serde_json::from_str(&jwk::any_keys_to_jwks([&key.verifying_key()])).unwrap();
    jwks["keys"][0].clone()
}

#[test]
fn es256_rs256_ps256_tokens_both_ways_both_kinds() {
    const ALGS: [&str; 3] = ["ES256", "RS256", "PS256"];
    for p in ALL {
        // Their keys: one per algorithm (RS256 and PS256 keys are separate RSA keys).
        let keys = p.batch(&ALGS.map(|alg| json!({"op": "keygen", "alg": alg})));
        let keys: Vec<Value> = keys.iter().map(|r| ok(p, "keygen", r)).collect();
        let issue = |i: usize, typ: &str, claims: Value| {
            json!({"op": "issue", "alg": ALGS[i], "key": keys[i]["private_jwk"],
                   "header": {"typ": typ, "kid": format!("their-{}", ALGS[i])}, "claims": claims})
        };
        let mut requests: Vec<Value> = (0..3).map(|i| issue(i, "at+jwt", access_json())).collect();
        requests.extend((0..3).map(|i| issue(i, "JWT", id_json())));
        let r = p.batch(&requests);
        let t: Vec<String> = r.iter().map(|r| token(p, r)).collect();
        for (i, alg) in ALGS.iter().enumerate() {
            let public = keys[i]["public_jwk"].to_string();
            let key = jwk::public_key_from_jwk(&public, KeyUse::AccessAndId).unwrap();
            assert_eq!(compact_token::VerifyingKey::algorithm(&key).name(), *alg);
            assert_eq!(segment_json(t[i].split('.').next().unwrap())["alg"], *alg);
            ours_verify_access(&t[i], &key);
            ours_verify_id(&t[3 + i], &key);
            // The key pins the algorithm: their RS256 token is not a PS256 token, nor the
            // reverse, even with the same RSA key.
            if i > 0 {
                let mut other = keys[i]["public_jwk"].clone();
                other["alg"] = json!(ALGS[3 - i]);
                let other = jwk::public_key_from_jwk(&other.to_string(), KeyUse::Access).unwrap();
                let mut scratch = [0u8; 2048];
                let got = jwt::verify_access(&t[i], &other, &access_policy(), NOW, &mut scratch);
                assert_eq!(got.err(), Some(TokenError::AlgorithmMismatch), "{alg}");
            }
        }

        // Ours in theirs: access and ID tokens, `jwt` fully, `compact` as a plain JWS.
        let ours = our_keys(&keys[1]["private_jwk"]);
        let mut bufs = vec![[0u8; 2048]; 9];
        let mut tokens = Vec::new();
        for (key, bufs) in [&ours.es, &ours.rs, &ours.ps]
            .into_iter()
            .zip(bufs.chunks_mut(3))
        {
            let [a, b, c] = bufs else { unreachable!() };
            let access = jwt::issue_access(&access_expected(), key, &Limits::ACCESS, a).unwrap();
            let id = jwt::issue_id(&id_expected(), key, &Limits::ID, b).unwrap();
            let empty = Registry::EMPTY;
            let compact =
                compact::issue_access(&access_expected(), key, &Limits::ACCESS, &empty, c).unwrap();
            tokens.push((key, access.to_owned(), id.to_owned(), compact.to_owned()));
        }
        let mut requests = Vec::new();
        for (key, access, id, compact) in &tokens {
            let alg = compact_token::SigningKey::algorithm(*key).name();
            let public = our_public_jwk(key);
            let verify = |t: &str, audience: &str, typ: &str| {
                json!({"op": "verify", "alg": alg, "key": public, "token": t,
                       "audience": audience, "issuer": ISS, "typ": typ, "now": NOW + 10})
            };
            requests.push(verify(access, AUD, "at+jwt"));
            requests.push(verify(id, CLIENT, "JWT"));
            requests.push(json!({"op": "verify_jws", "alg": alg, "key": public, "token": compact}));
            // Refused: expired, and signed by this key but checked as the other RSA scheme.
            requests.push(
                json!({"op": "verify", "alg": alg, "key": public, "token": access,
                                 "audience": AUD, "issuer": ISS, "now": NOW + 300}),
            );
        }
        let mut rs_as_ps = our_public_jwk(&ours.rs);
        rs_as_ps["alg"] = json!("PS256");
        requests.push(json!({"op": "verify_jws", "alg": "PS256", "key": rs_as_ps,
                             "token": tokens[1].1}));
        let r = p.batch(&requests);
        for (k, (key, access, id, compact)) in tokens.iter().enumerate() {
            let alg = compact_token::SigningKey::algorithm(*key).name();
            let what = format!("{} {alg}", p.name());
            for (j, t) in [access, id].into_iter().enumerate() {
                let got = ok(p, &what, &r[4 * k + j]);
                let mut segments = t.split('.');
                assert_eq!(
                    got["header"],
                    segment_json(segments.next().unwrap()),
                    "{what}"
                );
                assert_eq!(
                    got["claims"],
                    segment_json(segments.next().unwrap()),
                    "{what}"
                );
            }
            let got = ok(p, &what, &r[4 * k + 2]);
            assert_eq!(
                got["payload_b64"],
                compact.split('.').nth(1).unwrap(),
                "{what}"
            );
            refused(p, &format!("{what} expired"), &r[4 * k + 3]);
        }
        refused(p, "an RS256 token checked as PS256", &r[12]);
    }
}

#[test]
fn jwk_sets_of_ec_rsa_and_okp_keys_both_ways_pick_the_key_by_kid() {
    for p in ALL {
        let algs = ["ES256", "PS256", "EdDSA"];
        let keys = p.batch(&algs.map(|alg| json!({"op": "keygen", "alg": alg})));
        let keys: Vec<Value> = keys.iter().map(|r| ok(p, "keygen", r)).collect();
        let with_kid = |i: usize, field: &str| {
            let mut jwk = keys[i][field].clone();
            jwk["kid"] = json!(format!("their-{}", algs[i]));
            jwk
        };

        // Theirs in ours: their set (their own JWKs, kids added) loads whole into a KeySet
        // and each of their tokens finds its key.
        let theirs = json!({"keys": (0..3).map(|i| with_kid(i, "public_jwk")).collect::<Vec<_>>()});
        let issue = |i: usize, kid: &str| {
            json!({"op": "issue", "alg": algs[i], "key": with_kid(i, "private_jwk"),
                   "header": {"typ": "at+jwt", "kid": kid}, "claims": access_json()})
        };
        let mut requests: Vec<Value> = (0..3)
            .map(|i| issue(i, &format!("their-{}", algs[i])))
            .collect();
        // The ES256 key signs, naming the PS256 key's kid.
        requests.push(issue(0, "their-PS256"));
        let r = p.batch(&requests);
        let t: Vec<String> = r.iter().map(|r| token(p, r)).collect();
        let set = KeySet::from_public_jwks(&theirs.to_string(), KeyUse::Access).unwrap();
        assert_eq!(set.len(), 3, "{}", p.name());
        let mut scratch = [0u8; 4096];
        for t in &t[..3] {
            let got = set.verify_access(t, &access_policy(), NOW + 10, &mut scratch);
            assert_eq!(got, Ok(access_expected()), "{}: {t}", p.name());
        }
        let got = set.verify_access(&t[3], &access_policy(), NOW + 10, &mut scratch);
        assert_eq!(got.err(), Some(Error::Token(TokenError::AlgorithmMismatch)));

        // Ours in theirs: a published set of EC, RSA and OKP keys (kids are thumbprints).
        let ours = our_keys(&keys[1]["private_jwk"]);
        let ed = AnySigningKey::from(ed_key());
        let mut issuer = KeySet::new();
        let mut signers = Vec::new();
        for key in [&ours.es, &ours.ps, &ed] {
            let kid = jwk::thumbprint(&key.verifying_key());
            let key = key.clone().with_kid(&kid).unwrap();
            issuer.add_signing_key(key.clone(), Window::ALWAYS).unwrap();
            signers.push(key);
        }
        let published: Value = serde_json::from_str(&issuer.public_jwks(NOW)).unwrap();
        let mut bufs = vec![[0u8; 2048]; 3];
        let tokens: Vec<String> = signers
            .iter()
            .zip(bufs.iter_mut())
            .map(|(k, b)| {
                jwt::issue_access(&access_expected(), k, &Limits::ACCESS, b)
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let mut requests = vec![json!({"op": "jwks", "keys": published["keys"]})];
        for (k, t) in signers.iter().zip(&tokens) {
            let alg = compact_token::SigningKey::algorithm(k).name();
            requests.push(json!({"op": "jwks_verify", "jwks": published, "token": t,
                                 "audience": AUD, "issuer": ISS, "typ": "at+jwt",
                                 "now": NOW + 10, "alg": alg}));
        }
        let r = p.batch(&requests);
        let loaded = ok(p, "jwks", &r[0]);
        assert_eq!(loaded["count"], 3, "{}: {loaded}", p.name());
        for (i, t) in tokens.iter().enumerate() {
            let got = ok(p, "jwks_verify", &r[1 + i]);
            assert_eq!(got["header"], segment_json(t.split('.').next().unwrap()));
            assert_eq!(
                got["header"]["kid"],
                json!(compact_token::SigningKey::key_id(&signers[i]))
            );
        }
    }
}
