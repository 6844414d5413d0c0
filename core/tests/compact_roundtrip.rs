//! Round trips through the `compact` profile: the sample claims, arbitrary valid claims of
//! both kinds (proptest), budgets, and tampering with any byte.

mod compact_common;

use compact_common::*;
use compact_token::{
    AccessClaims, AccessPolicy, Error, IdClaims, IdPolicy, KeyUse, Limits, Registry, compact,
};
use proptest::prelude::*;

#[test]
fn sample_claims_round_trip_with_and_without_registry() {
    let registry = registry();
    for reg in [&Registry::EMPTY, &registry] {
        let mut buf = [0u8; 1024];
        let key = ed_key(KeyUse::AccessAndId);
        let token = compact::issue_access(&access(), &key, &Limits::ACCESS, reg, &mut buf).unwrap();
        let policy = AccessPolicy::new(ISSUER, API).require_scopes(&["write:orders"]);
        let mut scratch = [0u8; 1024];
        let got =
            compact::verify_access(token, &key.verifying_key(), &policy, reg, IAT, &mut scratch)
                .unwrap();
        assert_eq!(got, access());

        let mut buf = [0u8; 1024];
        let token = compact::issue_id(&id(), &key, &Limits::ID, reg, &mut buf).unwrap();
        let policy = IdPolicy::new(ISSUER, CLIENT).expect_nonce("n-0S6_WzA2Mj");
        let mut scratch = [0u8; 1024];
        let got = compact::verify_id(token, &key.verifying_key(), &policy, reg, IAT, &mut scratch)
            .unwrap();
        assert_eq!(got, id());
    }
}

/// Strings of every shape the encoder tells apart: plain and unicode text, lowercase hex
/// (packed), hex lookalikes that must stay text or base64url (odd length, upper case),
/// base64url, registered values, and empty strings.
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,12}",
        "[0-9a-f]{0,33}",
        "[0-9a-fA-F]{0,9}",
        "[A-Za-z0-9_-]{0,27}",
        "[a-z:/. -]{0,30}",
        proptest::sample::select(REGISTERED).prop_map(String::from),
        Just(String::new()),
    ]
}

fn strings(min: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(string(), min..=8)
}

/// A scope: words, possibly empty or registered, joined by single spaces (so leading,
/// trailing and doubled spaces occur too).
fn scope() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::collection::vec(string(), 1..5).prop_map(|w| w.join(" ")))
}

const MAX_IAT: u64 = compact_token::MAX_DATE - 3600;

/// Times: `iat` anywhere, a lifetime within the kind's limit, dates around `iat`.
fn times(max_life: u64) -> impl Strategy<Value = (u64, u64, Option<u64>, Option<u64>)> {
    (
        0..=MAX_IAT,
        1..=max_life,
        any::<Option<u16>>(),
        any::<Option<u32>>(),
    )
        .prop_map(|(iat, life, nbf, auth)| {
            let before = |d: u64| iat.saturating_sub(d);
            (
                iat,
                iat + life,
                nbf.map(|d| before(d.into())),
                auth.map(|d| before(d.into())),
            )
        })
}

#[derive(Debug, Clone)]
struct Access {
    s: Vec<String>, // iss, sub, client_id, jti
    aud: Vec<String>,
    times: (u64, u64, Option<u64>, Option<u64>),
    scope: Option<String>,
    acr: Option<String>,
    amr: Vec<String>,
}

fn access_claims() -> impl Strategy<Value = Access> {
    (
        proptest::collection::vec(string(), 4),
        strings(1),
        times(600),
        scope(),
        proptest::option::of(string()),
        strings(0),
    )
        .prop_map(|(s, aud, times, scope, acr, amr)| Access {
            s,
            aud,
            times,
            scope,
            acr,
            amr,
        })
}

impl Access {
    fn claims(&self) -> AccessClaims<&str> {
        let (iat, exp, nbf, auth_time) = self.times;
        let mut c = AccessClaims::new(
            &*self.s[0],
            &self.s[1],
            &self.aud[0],
            &self.s[2],
            iat,
            exp,
            &self.s[3],
        );
        for a in &self.aud[1..] {
            c.aud.push(a).unwrap();
        }
        c.nbf = nbf;
        c.auth_time = auth_time;
        c.scope = self.scope.as_deref();
        c.acr = self.acr.as_deref();
        for a in &self.amr {
            c.amr.push(a).unwrap();
        }
        c
    }
}

#[derive(Debug, Clone)]
struct Id {
    s: Vec<String>, // iss, sub
    aud: Vec<String>,
    times: (u64, u64, Option<u64>, Option<u64>),
    azp: bool,
    opt: Vec<Option<String>>,
    bools: (Option<bool>, Option<bool>),
    updated_at: Option<u64>,
    amr: Vec<String>,
}

fn id_claims() -> impl Strategy<Value = Id> {
    (
        proptest::collection::vec(string(), 2),
        strings(1),
        times(3600),
        any::<bool>(),
        proptest::collection::vec(proptest::option::of(string()), 19),
        any::<(Option<bool>, Option<bool>)>(),
        proptest::option::of(0..=compact_token::MAX_DATE),
        strings(0),
    )
        .prop_map(|(s, aud, times, azp, opt, bools, updated_at, amr)| Id {
            s,
            times,
            // Several audiences need `azp` for the policy to accept the token.
            azp: azp || aud.len() > 1,
            opt,
            bools,
            updated_at,
            amr,
            aud,
        })
}

impl Id {
    fn claims(&self) -> IdClaims<&str> {
        let (iat, exp, nbf, auth_time) = self.times;
        let mut c = IdClaims::new(&*self.s[0], &self.s[1], &self.aud[0], iat, exp);
        for a in &self.aud[1..] {
            c.aud.push(a).unwrap();
        }
        c.nbf = nbf;
        c.auth_time = auth_time;
        c.azp = self.azp.then_some(&*self.aud[0]);
        let o = |i: usize| self.opt[i].as_deref();
        (c.nonce, c.acr, c.at_hash, c.c_hash, c.name) = (o(0), o(1), o(2), o(3), o(4));
        (c.given_name, c.family_name, c.middle_name) = (o(5), o(6), o(7));
        (c.nickname, c.preferred_username, c.profile) = (o(8), o(9), o(10));
        (c.picture, c.website, c.email, c.gender) = (o(11), o(12), o(13), o(14));
        (c.birthdate, c.zoneinfo, c.locale, c.phone_number) = (o(15), o(16), o(17), o(18));
        (c.email_verified, c.phone_number_verified) = self.bools;
        c.updated_at = self.updated_at;
        for a in &self.amr {
            c.amr.push(a).unwrap();
        }
        c
    }
}

/// Either registry: the sample's, or none.
fn a_registry() -> impl Strategy<Value = bool> {
    any::<bool>()
}

fn pick(registered: bool) -> Registry<'static> {
    if registered {
        registry()
    } else {
        Registry::EMPTY
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn access_claims_round_trip_or_are_over_budget(a in access_claims(), reg in a_registry(), budget in 150usize..1100) {
        let (claims, reg) = (a.claims(), pick(reg));
        let key = hs_key(KeyUse::Access);
        let limits = Limits::ACCESS.tighten_bytes(budget);
        let mut buf = [0u8; 4096];
        let token = match compact::issue_access(&claims, &key, &limits, &reg, &mut buf) {
            Ok(token) => token,
            Err(e) => {
                prop_assert_eq!(e, Error::OverBudget);
                return Ok(());
            }
        };
        prop_assert!(token.len() <= limits.max_bytes);
        let policy = AccessPolicy::new(claims.iss, claims.aud.as_slice()[0]).with_limits(limits);
        let mut scratch = vec![0u8; 3 * token.len()];
        let got = compact::verify_access(token, &key, &policy, &reg, claims.iat, &mut scratch);
        prop_assert_eq!(got, Ok(claims));
    }

    #[test]
    fn id_claims_round_trip_or_are_over_budget(a in id_claims(), reg in a_registry(), budget in 150usize..2000) {
        let (claims, reg) = (a.claims(), pick(reg));
        let key = hs_key(KeyUse::Id);
        let limits = Limits::ID.tighten_bytes(budget);
        let mut buf = [0u8; 4096];
        let token = match compact::issue_id(&claims, &key, &limits, &reg, &mut buf) {
            Ok(token) => token,
            Err(e) => {
                prop_assert_eq!(e, Error::OverBudget);
                return Ok(());
            }
        };
        prop_assert!(token.len() <= limits.max_bytes);
        let policy = IdPolicy::new(claims.iss, claims.aud.as_slice()[0]).with_limits(limits);
        let mut scratch = vec![0u8; 3 * token.len()];
        let got = compact::verify_id(token, &key, &policy, &reg, claims.iat, &mut scratch);
        prop_assert_eq!(got, Ok(claims));
    }

    #[test]
    fn any_single_byte_change_is_rejected(a in access_claims(), at in any::<prop::sample::Index>(), to in 0x20u8..0x7f) {
        let claims = a.claims();
        let key = hs_key(KeyUse::Access);
        let mut buf = [0u8; 4096];
        let limits = Limits::ACCESS.tighten_bytes(4096);
        let token = compact::issue_access(&claims, &key, &limits, &Registry::EMPTY, &mut buf).unwrap();
        let mut bytes = token.as_bytes().to_vec();
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != to);
        bytes[i] = to;
        let tampered = std::str::from_utf8(&bytes).unwrap();
        let policy = AccessPolicy::new(claims.iss, claims.aud.as_slice()[0]).with_limits(limits);
        let mut scratch = [0u8; 8192];
        let got = compact::verify_access(tampered, &key, &policy, &Registry::EMPTY, claims.iat, &mut scratch);
        prop_assert!(got.is_err(), "{tampered}");
    }
}

/// Every position of the sample tokens, every printable replacement: all rejected.
#[test]
fn every_single_byte_change_of_the_samples_is_rejected() {
    let key = hs_key(KeyUse::AccessAndId);
    let reg = registry();
    let mut buf = [0u8; 1024];
    let token = compact::issue_access(&access(), &key, &Limits::ACCESS, &reg, &mut buf).unwrap();
    let policy = AccessPolicy::new(ISSUER, API);
    for i in 0..token.len() {
        for to in 0x20u8..0x7f {
            let mut bytes = token.as_bytes().to_vec();
            if bytes[i] == to {
                continue;
            }
            bytes[i] = to;
            let t = std::str::from_utf8(&bytes).unwrap();
            let mut scratch = [0u8; 1024];
            let got = compact::verify_access(t, &key, &policy, &reg, IAT, &mut scratch);
            assert!(got.is_err(), "{t}");
        }
    }
    let mut buf = [0u8; 1024];
    let token = compact::issue_id(&id(), &key, &Limits::ID, &reg, &mut buf).unwrap();
    let policy = IdPolicy::new(ISSUER, CLIENT);
    for i in 0..token.len() {
        for to in [b'A', b'g', b'-', b'_', b'.', b'='] {
            let mut bytes = token.as_bytes().to_vec();
            if bytes[i] == to {
                continue;
            }
            bytes[i] = to;
            let t = std::str::from_utf8(&bytes).unwrap();
            let mut scratch = [0u8; 1024];
            let got = compact::verify_id(t, &key, &policy, &reg, IAT, &mut scratch);
            assert!(got.is_err(), "{t}");
        }
    }
}
