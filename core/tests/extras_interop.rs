//! Custom claims against an implementation we did not write (the `jsonwebtoken` crate,
//! reading and writing JSON with `serde_json`), and arbitrary custom claims round-tripping
//! through both profiles (proptest).

mod common;

use common::*;
use compact_token::{Extras, KeyUse, Limits, Registry, compact, jwt};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const SECRET: [u8; 32] = [0x24; 32];

/// String, integer, bool, string array, Keycloak-shaped nested object, URI-named claim.
fn their_extras() -> Value {
    json!({
        "tenant": "acme",
        "level": 7,
        "debt": -12,
        "mfa": false,
        "roles": ["admin", "user/ops", "é😀"],
        "realm_access": {"roles": ["offline_access", "uma_authorization"]},
        "resource_access": {"account": {"roles": ["manage-account"]}},
        "https://example.com/claims/groups": ["g1", "g2"],
        "nothing": null,
        "ratio": 0.5
    })
}

#[test]
fn their_custom_claims_read_back_equal_in_ours() {
    let mut claims = json!({
        "iss": ISS, "sub": "u", "aud": AUD, "client_id": CLIENT,
        "iat": NOW, "exp": NOW + 300, "jti": "j",
    });
    for (k, v) in their_extras().as_object().unwrap() {
        claims[k] = v.clone();
    }
    let mut header = Header::new(Algorithm::HS256);
    header.typ = Some("at+jwt".into());
    let token = encode(&header, &claims, &EncodingKey::from_secret(&SECRET)).unwrap();
    let mut scratch = [0u8; 4096];
    let key = hs_key(KeyUse::Access);
    let v = jwt::verify_access(&token, &key, &access_policy(), NOW, &mut scratch).unwrap();
    // Every extra, read back through our view, equals theirs (compared by serde_json).
    let mut ours = Map::new();
    for (name, value) in v.extra.iter() {
        ours.insert(name.to_string(), serde_json::from_str(value.raw()).unwrap());
    }
    assert_eq!(Value::Object(ours), their_extras());
    assert_eq!(v.extra.get("level").unwrap().as_i64(), Some(7));
    assert_eq!(v.extra.get("mfa").unwrap().as_bool(), Some(false));
    assert!(v.extra.get("roles").unwrap().contains_str("é😀"));
    assert!(
        v.extra
            .path(&["realm_access", "roles"])
            .unwrap()
            .contains_str("uma_authorization")
    );
    assert!(
        v.extra
            .get("https://example.com/claims/groups")
            .unwrap()
            .contains_str("g2")
    );
}

#[test]
fn our_custom_claims_read_back_equal_in_theirs() {
    let text = serde_json::to_string(&their_extras()).unwrap();
    let mut claims = access_claims(NOW);
    claims.extra = Extras::from_json(&text).unwrap();
    let mut out = [0u8; 1024];
    let key = hs_key(KeyUse::Access);
    let token = jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out).unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[AUD]);
    validation.set_issuer(&[ISS]);
    validation.validate_exp = false;
    let data = decode::<Value>(token, &DecodingKey::from_secret(&SECRET), &validation).unwrap();
    for (k, v) in their_extras().as_object().unwrap() {
        assert_eq!(&data.claims[k], v, "{k}");
    }
}

/// A JSON value nested at most `depth` more levels, without U+0000 in strings.
fn value(depth: u32) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|u| json!(u)),
        prop::sample::select(vec![0.5, -1.25e-7, 3.0e300]).prop_map(|f| json!(f)),
        "[^\u{0}]{0,12}".prop_map(Value::String),
        // Canonical base64url, as `cnf.jkt` is.
        prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| Value::String(b64e(&b))),
    ];
    leaf.prop_recursive(depth, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_:/.#-]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Custom claims: names that no typed claim of either kind takes.
fn extras() -> impl Strategy<Value = Value> {
    prop::collection::btree_map("x_[a-z0-9]{0,6}|roles|groups|cnf|tenant", value(2), 0..6)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_custom_claims_round_trip_in_both_profiles(e in extras()) {
        let text = serde_json::to_string(&e).unwrap();
        let key = ed_key(KeyUse::AccessAndId);
        let mut claims = id_claims(NOW);
        claims.extra = Extras::from_json(&text).unwrap();
        let registry = Registry::new(&["roles", "cnf", "x_a", ISS]).unwrap();
        for profile in 0..2 {
            let mut out = [0u8; 4096];
            let token = if profile == 0 {
                jwt::issue_id(&claims, &key, &Limits::ID, &mut out)
            } else {
                compact::issue_id(&claims, &key, &Limits::ID, &registry, &mut out)
            };
            let token = match token {
                Ok(t) => t,
                Err(compact_token::Error::OverBudget) => continue,
                Err(other) => panic!("{other:?} for {text}"),
            };
            let mut scratch = [0u8; 16384];
            let vk = key.verifying_key();
            let v = if profile == 0 {
                jwt::verify_id(token, &vk, &id_policy(), NOW, &mut scratch)
            } else {
                compact::verify_id(token, &vk, &id_policy(), &registry, NOW, &mut scratch)
            }
            .unwrap();
            prop_assert_eq!(&v, &claims);
            // And serde_json reads the same values back.
            let mut back = Map::new();
            for (name, value) in v.extra.iter() {
                back.insert(name.to_string(), serde_json::from_str(value.raw()).unwrap());
            }
            prop_assert_eq!(Value::Object(back), e.clone());
        }
    }
}
