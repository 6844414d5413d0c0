//! The ES256, RS256 and PS256 keys through both profiles and both kinds.
//!
//! First byte below 12: the rest is a token (`mode % 4`: raw lossy UTF-8, or
//! `header JSON \0 payload` validly signed with the ES256 / RS256 / PS256 key, without `\0`
//! a payload under the access, ID or compact header by `mode / 4`), verified with each of
//! the three keys by `jwt::verify_access`/`verify_id` and `compact::verify_access`/`verify_id`:
//! never a panic, and an accepted token re-verifies, is refused as the other kind and
//! round-trips through issuing (`check_accepted!`). From 12 up: `arbitrary` claims (as in
//! `roundtrip_jwt`) issued with the ES256 key in either profile, verified back to equal
//! claims (or exactly the error the claims call for), and the token with one byte changed
//! is refused.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use compact_token::{
    Algorithm, Es256SigningKey, Es256VerifyingKey, KeyUse, Limits, SigningKey, VerifyingKey,
    compact, jwt,
};
use compact_token_fuzz::*;
use compact_token_std::jwk::signing_key_from_jwk;
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use libfuzzer_sys::fuzz_target;

/// The C tests' 2048-bit RSA key (no `alg` member: each static names its own).
const RSA_JWK: &str = include_str!("../../ffi/tests/c/rsa-2048-private.jwk");

/// A fixed signing key and its public key, built once: RSA key validation is slow.
struct Pair<S, V> {
    signing: S,
    verifying: V,
}

fn rsa(alg: Algorithm) -> Pair<AnySigningKey, AnyVerifyingKey> {
    let jwk = RSA_JWK.replacen('{', &format!(r#"{{"alg":"{}","#, alg.name()), 1);
    let signing = signing_key_from_jwk(&jwk, KeyUse::AccessAndId).expect("the test RSA key");
    let verifying = signing.verifying_key();
    Pair { signing, verifying }
}

static ES: LazyLock<Pair<Es256SigningKey, Es256VerifyingKey>> = LazyLock::new(|| {
    let signing = Es256SigningKey::from_bytes(&[0x37; 32], KeyUse::AccessAndId)
        .expect("a valid P-256 scalar");
    let verifying = signing.verifying_key();
    Pair { signing, verifying }
});
static RS: LazyLock<Pair<AnySigningKey, AnyVerifyingKey>> = LazyLock::new(|| rsa(Algorithm::RS256));
static PS: LazyLock<Pair<AnySigningKey, AnyVerifyingKey>> = LazyLock::new(|| rsa(Algorithm::PS256));

fn check(token: &str, key: &dyn VerifyingKey, signer: &dyn SigningKey) {
    let (access, id, reg) = (access_policy(), id_policy(), registry());
    check_accepted!(
        token: token, limits: access.limits,
        verify: |t, s, l| jwt::verify_access(t, key, &access.with_limits(l), NOW, s),
        other: |t, s| jwt::verify_id(t, key, &id, NOW, s),
        issue: |c, o, l| jwt::issue_access(c, signer, l, o),
    );
    check_accepted!(
        token: token, limits: id.limits,
        verify: |t, s, l| jwt::verify_id(t, key, &id.with_limits(l), NOW, s),
        other: |t, s| jwt::verify_access(t, key, &access, NOW, s),
        issue: |c, o, l| jwt::issue_id(c, signer, l, o),
    );
    check_accepted!(
        token: token, limits: access.limits,
        verify: |t, s, l| compact::verify_access(t, key, &access.with_limits(l), &reg, NOW, s),
        other: |t, s| compact::verify_id(t, key, &id, &reg, NOW, s),
        issue: |c, o, l| compact::issue_access(c, signer, l, &reg, o),
    );
    check_accepted!(
        token: token, limits: id.limits,
        verify: |t, s, l| compact::verify_id(t, key, &id.with_limits(l), &reg, NOW, s),
        other: |t, s| compact::verify_access(t, key, &access, &reg, NOW, s),
        issue: |c, o, l| compact::issue_id(c, signer, l, &reg, o),
    );
}

fn tokens(mode: u8, rest: &[u8]) {
    let signer: &dyn SigningKey = match mode % 4 {
        1 => &ES.signing,
        2 => &RS.signing,
        _ => &PS.signing,
    };
    let token = match (mode % 4, rest.iter().position(|&b| b == 0)) {
        (0, _) => String::from_utf8_lossy(rest).into_owned(),
        (_, Some(at)) => sign_raw(&rest[..at], &rest[at + 1..], signer),
        (_, None) => {
            let header = [jwt_access_header, jwt_id_header, compact_header]
                [usize::from(mode / 4) % 3](signer.algorithm().name());
            sign_raw(header.as_bytes(), rest, signer)
        }
    };
    check(&token, &ES.verifying, &ES.signing);
    check(&token, &RS.verifying, &RS.signing);
    check(&token, &PS.verifying, &PS.signing);
}

#[derive(Debug, Arbitrary)]
enum Claims {
    Access(Box<FAccess>),
    Id(Box<FId>),
}

#[derive(Debug, Arbitrary)]
struct RoundTrip {
    claims: Claims,
    compact: bool,
    /// The byte changed (index modulo the token length) and the XOR applied (0 taken as 1).
    flip: (u16, u8),
}

/// `token` with one byte changed: refused (when it is still UTF-8).
fn flipped(token: &str, (at, xor): (u16, u8)) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    let i = usize::from(at) % bytes.len();
    bytes[i] ^= xor.max(1);
    String::from_utf8(bytes).ok()
}

/// Issue with the ES256 key → verify at the earliest instant the claims allow, leeway 0 →
/// equal claims or exactly the expected error; then one byte changed → refused.
macro_rules! es_roundtrip {
    ($fclaims:expr, $flip:expr, $policy:path,
     issue: |$ic:ident, $io:ident| $issue:expr,
     verify: |$vt:ident, $vp:ident, $vn:ident, $vs:ident| $verify:expr $(,)?) => {{
        let claims = match $fclaims.claims() {
            Ok(c) => c,
            Err(e) => {
                assert!(clean_issue_error(e), "{e:?}");
                return;
            }
        };
        let mut out = vec![0u8; BUF];
        let token = match {
            let ($ic, $io) = (&claims, &mut out[..]);
            $issue
        } {
            Ok(t) => t,
            Err(e) => {
                assert!(clean_issue_error(e), "{e:?} issuing {claims:?}");
                return;
            }
        };
        let (policy, policy_error) = $policy(&claims);
        let (now, time_error) = time_verdict(claims.iat, claims.exp, claims.nbf);
        let mut scratch = vec![0u8; BUF];
        match (
            {
                let ($vt, $vp, $vn, $vs) = (token, &policy, now, &mut scratch[..]);
                $verify
            },
            time_error.or(policy_error),
        ) {
            (Ok(v), None) => assert_eq!(v, claims, "claims differ: {token}"),
            (Err(e), Some(x)) if e == x => {}
            (r, x) => panic!("verify gave {r:?}, expected {x:?}\nclaims {claims:?}\ntoken {token}"),
        }
        if let Some(bad) = flipped(token, $flip) {
            let mut scratch = vec![0u8; BUF];
            let r = {
                let ($vt, $vp, $vn, $vs) = (bad.as_str(), &policy, now, &mut scratch[..]);
                $verify
            };
            assert!(r.is_err(), "changed token accepted: {bad} (issued {token})");
        }
    }};
}

fn roundtrip(input: RoundTrip) {
    let (key, public, reg) = (&ES.signing, &ES.verifying, registry());
    match (input.claims, input.compact) {
        (Claims::Access(c), false) => es_roundtrip!(c, input.flip, access_roundtrip_policy,
            issue: |c, o| jwt::issue_access(c, key, &Limits::ACCESS, o),
            verify: |t, p, n, s| jwt::verify_access(t, public, p, n, s),
        ),
        (Claims::Id(c), false) => es_roundtrip!(c, input.flip, id_roundtrip_policy,
            issue: |c, o| jwt::issue_id(c, key, &Limits::ID, o),
            verify: |t, p, n, s| jwt::verify_id(t, public, p, n, s),
        ),
        (Claims::Access(c), true) => es_roundtrip!(c, input.flip, access_roundtrip_policy,
            issue: |c, o| compact::issue_access(c, key, &Limits::ACCESS, &reg, o),
            verify: |t, p, n, s| compact::verify_access(t, public, p, &reg, n, s),
        ),
        (Claims::Id(c), true) => es_roundtrip!(c, input.flip, id_roundtrip_policy,
            issue: |c, o| compact::issue_id(c, key, &Limits::ID, &reg, o),
            verify: |t, p, n, s| compact::verify_id(t, public, p, &reg, n, s),
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode < 12 {
        tokens(mode, rest);
    } else {
        with(rest, roundtrip);
    }
});
