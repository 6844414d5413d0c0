//! Custom claims round trip: arbitrary bytes as the custom claims' JSON text (the first byte
//! picks kind, key and whether names and values are registered) → `Extras::from_json` →
//! issue in both profiles → verify → the same custom claims (compared as JSON, and by every
//! value's text), or a clean error: only `OverBudget`, `ClaimCollision` or (for U+0000 in a
//! string) `MalformedClaims` when issuing
//! accepted extras, and when `from_json` refuses the text, `serde_json` must refuse it too or
//! see a duplicate name or too deep a nesting (the reader's deliberate rules). Then a
//! policy's requirements on those custom claims (picked by the first byte from a table)
//! decide as an oracle written here does: each requirement in order, looked up through
//! `Extras::iter` (the library resolves them all in one walk).
#![no_main]

use compact_token::{
    AccessClaims, AccessPolicy, Error, Extras, IdClaims, IdPolicy, Limits, Registry, Require, Rule,
    Value, ValueKind, VerifyingKey, compact, jwt,
};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

/// Whether a name or string anywhere in the custom claims holds U+0000 (read through the
/// crate's own view: serde_json cannot read every valid text, e.g. `1e999`).
fn extras_have_nul(e: &Extras<&str>) -> bool {
    fn value(v: Value<'_>) -> bool {
        match v.kind() {
            ValueKind::String => v.as_str().is_some_and(|s| s.chars().any(|c| c == '\0')),
            ValueKind::Array => v.elements().any(value),
            ValueKind::Object => v
                .members()
                .any(|(n, v)| n.chars().any(|c| c == '\0') || value(v)),
            _ => false,
        }
    }
    e.iter()
        .any(|(n, v)| n.chars().any(|c| c == '\0') || value(v))
}

/// Requirements to draw from: custom names, nested paths, typed claims' names (never custom
/// claims in a verified token), an empty path.
const REQUIRE: &[Require<'static>] = &[
    Require::contains(&["roles"], "admin"),
    Require::equals(&["tenant"], "acme"),
    Require::present(&["cnf", "jkt"]),
    Require::is_true(&["a"]),
    Require::contains(&["x"], "a"),
    Require::present(&["a", "x"]),
    Require::present(&["sub"]),
    Require::present(&["nonce"]),
    Require::present(&["iss"]),
    Require::present(&[]),
];

/// The oracle: requirement by requirement, the first one missing or not met.
fn required(reqs: &[Require<'_>], extras: &Extras<&str>) -> Result<(), Error> {
    for (i, req) in reqs.iter().enumerate() {
        let index = i as u16;
        let found = req.path.split_first().and_then(|(first, rest)| {
            let (_, v) = extras.iter().find(|(n, _)| *n == **first)?;
            v.path(rest)
        });
        let Some(v) = found else {
            return Err(Error::RequiredClaimMissing { index });
        };
        let met = match req.rule {
            Rule::Present => true,
            Rule::IsTrue => v.as_bool() == Some(true),
            Rule::Contains(s) => v.contains_str(s),
            Rule::Equals(s) => v.kind() == ValueKind::String && v.contains_str(s),
        };
        if !met {
            return Err(Error::RequiredClaimMismatch { index });
        }
    }
    Ok(())
}

/// One verification of an issued token, its kind and profile fixed.
struct Verify<'a> {
    token: &'a str,
    key: &'a dyn VerifyingKey,
    id: bool,
    compact: bool,
    registry: &'a Registry<'static>,
}

impl Verify<'_> {
    /// The verified token's custom claims, under the access or ID policy of `policies`.
    fn extras<'s>(
        &self,
        (access, id): (AccessPolicy<'_>, IdPolicy<'_>),
        scratch: &'s mut [u8],
    ) -> Result<Extras<&'s str>, Error> {
        let (token, key, r) = (self.token, self.key, self.registry);
        match (self.id, self.compact) {
            (false, false) => {
                jwt::verify_access(token, key, &access, NOW, scratch).map(|c| c.extra)
            }
            (false, true) => {
                compact::verify_access(token, key, &access, r, NOW, scratch).map(|c| c.extra)
            }
            (true, false) => jwt::verify_id(token, key, &id, NOW, scratch).map(|c| c.extra),
            (true, true) => compact::verify_id(token, key, &id, r, NOW, scratch).map(|c| c.extra),
        }
    }
}

const NAMES: &[&str] = &[
    "roles", "tenant", "admin", "x", "a", "cnf", "jkt", ISS, AUD, CLIENT,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let Ok(text) = core::str::from_utf8(text) else {
        return;
    };
    let extras = match Extras::from_json(text) {
        Ok(e) => e,
        Err(e) => {
            if let Some(f) = json::facts(text.as_bytes()) {
                let is_object = text.trim_start().starts_with('{');
                assert!(
                    !is_object || f.duplicates || f.depth > compact_token::json::MAX_DEPTH,
                    "refused a JSON object serde_json reads ({e:?}): {text}"
                );
            }
            return;
        }
    };
    let use_hs = pick & 1 == 1;
    let id = pick & 2 == 2;
    let registry = if pick & 4 == 4 {
        Registry::new(NAMES).unwrap()
    } else {
        Registry::EMPTY
    };
    let (ed, hs_key) = (ed(), hs());
    let signing: &dyn compact_token::SigningKey = if use_hs { &hs_key } else { &ed };
    let ed_pub = ed_public();
    let verifying: &dyn compact_token::VerifyingKey = if use_hs { &hs_key } else { &ed_pub };
    let mut access: AccessClaims<&str> = sample_access();
    access.extra = extras;
    let mut idc: IdClaims<&str> = sample_id();
    idc.extra = extras;
    for profile in 0..2 {
        let mut out = vec![0u8; BUF];
        let issued = match (id, profile) {
            (false, 0) => jwt::issue_access(&access, signing, &Limits::ACCESS, &mut out),
            (false, _) => {
                compact::issue_access(&access, signing, &Limits::ACCESS, &registry, &mut out)
            }
            (true, 0) => jwt::issue_id(&idc, signing, &Limits::ID, &mut out),
            (true, _) => compact::issue_id(&idc, signing, &Limits::ID, &registry, &mut out),
        };
        let token = match issued {
            Ok(t) => t.to_owned(),
            Err(Error::OverBudget | Error::ClaimCollision { .. }) => return,
            // U+0000 in any string, at any depth: refused by design.
            Err(Error::MalformedClaims) if extras_have_nul(&extras) => return,
            Err(e) => panic!("issuing accepted extras failed with {e:?}: {text}"),
        };
        let mut scratch = vec![0u8; BUF];
        let plain = (access_policy(), id_policy());
        let verified = Verify {
            token: &token,
            key: verifying,
            id,
            compact: profile == 1,
            registry: &registry,
        };
        let got = verified
            .extras(plain, &mut scratch)
            .unwrap_or_else(|e| panic!("an issued token was refused with {e:?}: {text}"));
        assert!(got == extras, "custom claims differ: {text}");
        // Three requirements from the table, picked by the first byte's high bits.
        let reqs = [0, 3, 5].map(|shift| REQUIRE[usize::from(pick >> shift) % REQUIRE.len()]);
        let mut scratch = vec![0u8; BUF];
        let policies = (
            access_policy().require_claims(&reqs),
            id_policy().require_claims(&reqs),
        );
        let decided = verified.extras(policies, &mut scratch).map(drop);
        assert_eq!(decided, required(&reqs, &got), "{reqs:?}: {text}");
        // Value by value, as serde_json reads them.
        for ((n1, v1), (n2, v2)) in got.iter().zip(extras.iter()) {
            assert!(n1 == n2);
            match (
                serde_json::from_str::<serde_json::Value>(v1.raw()),
                serde_json::from_str::<serde_json::Value>(v2.raw()),
            ) {
                (Ok(a), Ok(b)) => assert!(json::same(&a, &b), "{a} vs {b}"),
                // A number beyond f64's range (`1e400`) is valid JSON that serde_json will
                // not convert; ours keeps it as text: compare as our JSON values (names and
                // strings after unescaping, numbers by their text).
                _ => assert!(v1 == v2, "{} vs {}", v1.raw(), v2.raw()),
            }
        }
    }
});
