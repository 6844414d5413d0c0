//! The verified-token cache against the verifier it fronts: arbitrary access or ID claims
//! issued in either profile with either key (or an arbitrary token), then a sequence of
//! calls — each at its own `now`, with its own scratch size, under the matching policy or
//! a stricter one, sometimes after an invalidation — through a two-slot cache and
//! directly. Every call returns the same claims or the same error both ways: a hit (no
//! signature, claims from the slot) is indistinguishable from a full verification.
#![no_main]

use arbitrary::Arbitrary;
use compact_token::{
    AccessPolicy, CacheableKey, IdPolicy, Limits, Result, Slot, VerifiedCache, compact, jwt,
};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Token {
    Access(FAccess),
    Id(FId),
    /// Raw bytes, or a signed arbitrary header and payload (see `token_from_input`).
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Call {
    /// Seconds from a time the claims are valid at (or the fixed clock).
    at: i8,
    /// 0: 64 bytes, 1: 512, else the fuzz buffer.
    scratch: u8,
    /// Require a scope (access) or a nonce (ID) the claims may not have, and a budget of
    /// 300 bytes and 60 seconds.
    strict: bool,
    invalidate_first: bool,
    /// The verifying key's `kid`: none, `k1` or `k2` (one key, three handles).
    kid: u8,
}

#[derive(Debug, Arbitrary)]
struct Input {
    compact: bool,
    hs: bool,
    /// Whether the issuing key names itself `k1` (the header then carries it).
    signer_kid: bool,
    token: Token,
    calls: Vec<Call>,
}

type Cache = VerifiedCache<[Slot; 2]>;

fn scratch_len(c: &Call) -> usize {
    [64, 512, BUF][usize::from(c.scratch.min(2))]
}

/// A result as text (the claims borrow each call's own scratch).
fn text<T: std::fmt::Debug>(r: Result<T>) -> String {
    format!("{r:?}")
}

/// One call both ways.
fn same(
    cache: &mut Cache,
    call: &Call,
    cached: impl FnOnce(&mut Cache, &mut [u8]) -> String,
    direct: impl FnOnce(&mut [u8]) -> String,
    token: &str,
) {
    if call.invalidate_first {
        cache.invalidate();
    }
    let (mut a, mut b) = (vec![0u8; scratch_len(call)], vec![0u8; scratch_len(call)]);
    let got = cached(cache, &mut a);
    let want = direct(&mut b);
    assert_eq!(got, want, "{call:?}\ntoken {token}");
}

/// The policies a call verifies under: those matching the claims (as the round-trip
/// targets use), or stricter ones (a scope or nonce the claims may lack, a budget of 300
/// bytes and 60 seconds).
struct Policies<'p> {
    access: AccessPolicy<'p>,
    id: IdPolicy<'p>,
}

fn run<K: CacheableKey>(input: &Input, token: &str, base: u64, keys: &[K; 3], p: &Policies<'_>) {
    let reg = registry();
    let mut cache = Cache::new();
    let tight = |l: Limits| l.tighten_bytes(300).tighten_lifetime(60);
    let access = |strict: bool| {
        if strict {
            p.access.require_scopes(&["admin"]).with_limits(tight(Limits::ACCESS))
        } else {
            p.access
        }
    };
    let id = |strict: bool| {
        if strict {
            p.id.expect_nonce("n-other").with_limits(tight(Limits::ID))
        } else {
            p.id
        }
    };
    for call in &input.calls {
        let key = &keys[usize::from(call.kid % 3)];
        let now = base.saturating_add_signed(i64::from(call.at));
        let (ap, ip) = (access(call.strict), id(call.strict));
        match (&input.token, input.compact) {
            (Token::Id(_), false) => same(
                &mut cache,
                call,
                |c, s| text(c.verify_jwt_id(token, key, &ip, now, s)),
                |s| text(jwt::verify_id(token, key, &ip, now, s)),
                token,
            ),
            (Token::Id(_), true) => same(
                &mut cache,
                call,
                |c, s| text(c.verify_compact_id(token, key, &ip, &reg, now, s)),
                |s| text(compact::verify_id(token, key, &ip, &reg, now, s)),
                token,
            ),
            (_, false) => same(
                &mut cache,
                call,
                |c, s| text(c.verify_jwt_access(token, key, &ap, now, s)),
                |s| text(jwt::verify_access(token, key, &ap, now, s)),
                token,
            ),
            (_, true) => same(
                &mut cache,
                call,
                |c, s| text(c.verify_compact_access(token, key, &ap, &reg, now, s)),
                |s| text(compact::verify_access(token, key, &ap, &reg, now, s)),
                token,
            ),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    with(data, |input: Input| {
        let named = |i: usize| [None, Some("k1"), Some("k2")][i];
        let ed_v: [_; 3] = std::array::from_fn(|i| match named(i) {
            Some(k) => ed_public().with_kid(k).expect("kid"),
            None => ed_public(),
        });
        let hs_k: [_; 3] = std::array::from_fn(|i| match named(i) {
            Some(k) => hs().with_kid(k).expect("kid"),
            None => hs(),
        });
        let (ed_s, hs_s) = if input.signer_kid {
            (ed().with_kid("k1").expect("kid"), hs().with_kid("k1").expect("kid"))
        } else {
            (ed(), hs())
        };
        let signer: &dyn compact_token::SigningKey = if input.hs { &hs_s } else { &ed_s };
        let reg = registry();
        let mut out = vec![0u8; BUF];
        let fixed = Policies {
            access: AccessPolicy::new(ISS, AUD),
            id: IdPolicy::new(ISS, CLIENT),
        };
        let verify = |token: &str, base: u64, p: &Policies<'_>| {
            if input.hs {
                run(&input, token, base, &hs_k, p);
            } else {
                run(&input, token, base, &ed_v, p);
            }
        };
        match &input.token {
            Token::Access(f) => {
                let Ok(c) = f.claims() else { return };
                let t = if input.compact {
                    compact::issue_access(&c, signer, &Limits::ACCESS, &reg, &mut out)
                } else {
                    jwt::issue_access(&c, signer, &Limits::ACCESS, &mut out)
                };
                let Ok(t) = t else { return };
                let (now, _) = time_verdict(c.iat, c.exp, c.nbf);
                let access = access_roundtrip_policy(&c).0;
                verify(t, now, &Policies { access, id: fixed.id });
            }
            Token::Id(f) => {
                let Ok(c) = f.claims() else { return };
                let t = if input.compact {
                    compact::issue_id(&c, signer, &Limits::ID, &reg, &mut out)
                } else {
                    jwt::issue_id(&c, signer, &Limits::ID, &mut out)
                };
                let Ok(t) = t else { return };
                let (now, _) = time_verdict(c.iat, c.exp, c.nbf);
                let id = id_roundtrip_policy(&c).0;
                verify(t, now, &Policies { access: fixed.access, id });
            }
            Token::Raw(raw) => {
                let header = if input.compact { compact_header } else { jwt_access_header };
                verify(&token_from_input(raw, header), NOW, &fixed);
            }
        }
    })
});
