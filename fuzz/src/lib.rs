//! Shared fixtures and oracles of the fuzz targets (see `README.md`).
//!
//! Everything here is fixed so a crash reproduces from its input alone: keys, clock,
//! policies and registry. The oracles panic (which libFuzzer reports as a crash) only when a
//! property fails; every clean error is fine.

use arbitrary::{Arbitrary, Unstructured};
use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::{
    AccessClaims, AccessPolicy, Ed25519SigningKey, Ed25519VerifyingKey, Error, Hs256Key, IdClaims,
    IdPolicy, KeyUse, Limits, MAX_SIGNATURE_LEN, Registry, SigningKey,
};

pub mod diff;
pub mod json;

/// The fixed clock: 2025-11-24T16:00:00Z.
pub const NOW: u64 = 1_764_000_000;
pub const ISS: &str = "https://auth.example.com";
pub const AUD: &str = "https://api.example.com";
pub const CLIENT: &str = "s6BhdRkqt3";
pub const NONCE: &str = "n-0S6_WzA2Mj";

/// Registered values of the compact registry used by the compact targets.
pub const REGISTERED: &[&str] = &[ISS, AUD, "read:orders", "write:orders", CLIENT];

pub const ED_SEED: [u8; 32] = [0x42; 32];
pub const HS_SECRET: [u8; 32] = [0x24; 32];

/// Scratch and output buffers: larger than any budget, so only budgets limit.
pub const BUF: usize = 16 * 1024;

pub fn ed() -> Ed25519SigningKey {
    Ed25519SigningKey::from_seed(&ED_SEED, KeyUse::AccessAndId)
}

pub fn ed_public() -> Ed25519VerifyingKey {
    ed().verifying_key()
}

pub fn hs() -> Hs256Key {
    Hs256Key::from_secret(&HS_SECRET, KeyUse::AccessAndId).expect("32-byte secret")
}

pub fn registry() -> Registry<'static> {
    Registry::new(REGISTERED).expect("distinct values")
}

pub fn access_policy() -> AccessPolicy<'static> {
    AccessPolicy::new(ISS, AUD)
}

pub fn id_policy() -> IdPolicy<'static> {
    IdPolicy::new(ISS, CLIENT)
}

/// The sample access token's claims (the brief's), valid at the fixed clock.
pub fn sample_access() -> AccessClaims<&'static str> {
    let mut c = AccessClaims::new(
        ISS,
        "user-8f14e45f",
        AUD,
        CLIENT,
        NOW - 10,
        NOW + 290,
        "b1c2d3e4f5a6b7c8",
    );
    c.scope = Some("read:orders write:orders");
    c
}

/// The sample ID token's claims, valid at the fixed clock under [`id_policy`].
pub fn sample_id() -> IdClaims<&'static str> {
    let mut c = IdClaims::new(ISS, "user-8f14e45f", CLIENT, NOW - 10, NOW + 3000);
    c.auth_time = Some(NOW - 70);
    c.nonce = Some(NONCE);
    c.azp = Some(CLIENT);
    c.name = Some("Jane Doe");
    c.email = Some("jane.doe@example.com");
    c.email_verified = Some(true);
    c.amr = ["pwd", "otp"][..].try_into().expect("two values");
    c
}

/// Limits with the kind's lifetime and no size budget: re-issuing an accepted token may
/// legitimately produce a longer one (an ID token without `typ` gains `"typ":"JWT"`).
pub fn unbounded(limits: Limits) -> Limits {
    Limits {
        max_bytes: usize::MAX,
        ..limits
    }
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

pub fn unb64(s: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(s).ok()
}

/// A compact JWS of arbitrary header and payload bytes, validly signed by `key`: lets the
/// fuzzer reach everything behind the signature check.
pub fn sign_raw(header: &[u8], payload: &[u8], key: &dyn SigningKey) -> String {
    let mut token = format!("{}.{}", b64(header), b64(payload));
    let mut sig = [0u8; MAX_SIGNATURE_LEN];
    let n = key.sign(token.as_bytes(), &mut sig).expect("our keys sign");
    token.push('.');
    token.push_str(&b64(&sig[..n]));
    token
}

/// Turns a verify target's input into a token. First byte: 0 = the rest is the token
/// (lossy UTF-8); 1 / 2 = the rest is `header JSON \0 payload` (or only a payload, under
/// `default_header(alg)`) signed with the Ed25519 / HS256 key.
pub fn token_from_input(data: &[u8], default_header: fn(&str) -> String) -> String {
    let Some((&mode, rest)) = data.split_first() else {
        return String::new();
    };
    let key: &dyn SigningKey = match mode % 3 {
        0 => return String::from_utf8_lossy(rest).into_owned(),
        1 => &ed(),
        _ => &hs(),
    };
    match rest.iter().position(|&b| b == 0) {
        Some(at) => sign_raw(&rest[..at], &rest[at + 1..], key),
        None => sign_raw(default_header(key.algorithm().name()).as_bytes(), rest, key),
    }
}

pub fn jwt_access_header(alg: &str) -> String {
    format!(r#"{{"alg":"{alg}","typ":"at+jwt"}}"#)
}

pub fn jwt_id_header(alg: &str) -> String {
    format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#)
}

pub fn compact_header(alg: &str) -> String {
    format!(r#"{{"alg":"{alg}"}}"#)
}

/// The properties of an accepted token, for one verify call shape: it re-verifies to the
/// same claims, is refused as the other kind (`WrongKind`, or `OverBudget` for an ID token
/// over the access budget), and its claims re-issued with the same key
/// verify to equal claims (and, when the result fits the budget, under the normal policy).
///
/// `$verify(token, scratch, limits)`, `$other(token, scratch)`, `$issue(claims, out, limits)`.
#[macro_export]
macro_rules! check_accepted {
    (
        token: $token:expr, limits: $limits:expr,
        verify: |$vt:ident, $vs:ident, $vl:ident| $verify:expr,
        other: |$ot:ident, $os:ident| $other:expr,
        issue: |$ic:ident, $io:ident, $il:ident| $issue:expr $(,)?
    ) => {{
        let token: &str = $token;
        let limits: compact_token::Limits = $limits;
        let mut s1 = vec![0u8; $crate::BUF];
        let first = {
            let ($vt, $vs, $vl) = (token, &mut s1[..], limits);
            $verify
        };
        if let Ok(claims) = first {
            let mut s2 = vec![0u8; $crate::BUF];
            let again = {
                let ($vt, $vs, $vl) = (token, &mut s2[..], limits);
                $verify
            };
            assert_eq!(again.as_ref(), Ok(&claims), "re-verify differs: {token}");
            let mut s3 = vec![0u8; $crate::BUF];
            let other = {
                let ($ot, $os) = (token, &mut s3[..]);
                $other
            };
            assert!(
                matches!(
                    other,
                    Err(compact_token::Error::WrongKind | compact_token::Error::OverBudget)
                ),
                "other kind not refused as such ({other:?}): {token}"
            );
            let mut out = vec![0u8; $crate::BUF];
            let unbounded = $crate::unbounded(limits);
            let reissued = {
                let ($ic, $io, $il) = (&claims, &mut out[..], &unbounded);
                $issue
            };
            let reissued = reissued.unwrap_or_else(|e| panic!("re-issue failed ({e:?}): {token}"));
            let mut s4 = vec![0u8; $crate::BUF];
            let back = {
                let ($vt, $vs, $vl) = (reissued, &mut s4[..], unbounded);
                $verify
            };
            assert_eq!(back.as_ref(), Ok(&claims), "re-issued differs: {reissued}");
            if reissued.len() <= limits.max_bytes {
                let mut s5 = vec![0u8; $crate::BUF];
                let back = {
                    let ($vt, $vs, $vl) = (reissued, &mut s5[..], limits);
                    $verify
                };
                assert_eq!(back.as_ref(), Ok(&claims), "re-issued refused: {reissued}");
            }
        }
    }};
}

// ---------------------------------------------------------------------------------------
// Structured claims for the round-trip targets.

/// Strings the profiles treat specially (registered values, hex, base64url, scopes), so
/// the fuzzer reaches every string form, beside arbitrary text.
pub const POOL: &[&str] = &[
    ISS,
    AUD,
    CLIENT,
    "user-8f14e45f",
    "b1c2d3e4f5a6b7c8",
    "read:orders",
    "write:orders",
    "read:orders write:orders",
    "",
    "0",
    "00ff",
    "ABCDEFabcdef0123",
    "n-0S6_WzA2Mj",
    "77QmUPtjPfzWtF2AnpK9RQ",
    "pwd",
    "a\"b\\c/\u{1}\u{7f}é\u{2028}😀",
];

#[derive(Debug, Clone, Arbitrary)]
pub enum FStr {
    Pool(u8),
    Any(String),
}

impl FStr {
    pub fn get(&self) -> &str {
        match self {
            FStr::Pool(i) => POOL[usize::from(*i) % POOL.len()],
            FStr::Any(s) => s,
        }
    }
}

/// A date: mostly near the fixed clock, sometimes anything (to reach InvalidDate).
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum FDate {
    Near(i16),
    Raw(u64),
}

impl FDate {
    pub fn at(self, base: u64) -> u64 {
        match self {
            FDate::Near(d) => base.saturating_add_signed(i64::from(d)),
            FDate::Raw(v) => v,
        }
    }
}

fn strs(v: &[FStr]) -> Vec<&str> {
    v.iter().map(FStr::get).collect()
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FAccess {
    pub iss: FStr,
    pub sub: FStr,
    pub aud: Vec<FStr>,
    pub client_id: FStr,
    pub iat: FDate,
    /// `exp`, relative to `iat` when `Near`.
    pub exp: FDate,
    pub nbf: Option<FDate>,
    pub jti: FStr,
    pub scope: Option<FStr>,
    pub auth_time: Option<FDate>,
    pub acr: Option<FStr>,
    pub amr: Vec<FStr>,
}

impl FAccess {
    /// The claims, or the clean error building them gives (too many values).
    pub fn claims(&self) -> Result<AccessClaims<&str>, Error> {
        let iat = self.iat.at(NOW);
        let mut c = AccessClaims::new(
            self.iss.get(),
            self.sub.get(),
            "",
            self.client_id.get(),
            iat,
            self.exp.at(iat),
            self.jti.get(),
        );
        c.aud = strs(&self.aud).as_slice().try_into()?;
        c.nbf = self.nbf.map(|d| d.at(iat));
        c.scope = self.scope.as_ref().map(FStr::get);
        c.auth_time = self.auth_time.map(|d| d.at(iat));
        c.acr = self.acr.as_ref().map(FStr::get);
        c.amr = strs(&self.amr).as_slice().try_into()?;
        Ok(c)
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct FId {
    pub iss: FStr,
    pub sub: FStr,
    pub aud: Vec<FStr>,
    pub iat: FDate,
    pub exp: FDate,
    pub nbf: Option<FDate>,
    pub auth_time: Option<FDate>,
    pub nonce: Option<FStr>,
    pub acr: Option<FStr>,
    pub amr: Vec<FStr>,
    pub azp: Option<FStr>,
    pub at_hash: Option<FStr>,
    pub c_hash: Option<FStr>,
    /// Standard profile claims, in `IdClaims` field order (name ... phone_number).
    pub profile: [Option<FStr>; 15],
    pub email_verified: Option<bool>,
    pub phone_number_verified: Option<bool>,
    pub updated_at: Option<FDate>,
}

impl FId {
    pub fn claims(&self) -> Result<IdClaims<&str>, Error> {
        let iat = self.iat.at(NOW);
        let mut c = IdClaims::new(self.iss.get(), self.sub.get(), "", iat, self.exp.at(iat));
        c.aud = strs(&self.aud).as_slice().try_into()?;
        c.nbf = self.nbf.map(|d| d.at(iat));
        c.auth_time = self.auth_time.map(|d| d.at(iat));
        c.nonce = self.nonce.as_ref().map(FStr::get);
        c.acr = self.acr.as_ref().map(FStr::get);
        c.amr = strs(&self.amr).as_slice().try_into()?;
        c.azp = self.azp.as_ref().map(FStr::get);
        c.at_hash = self.at_hash.as_ref().map(FStr::get);
        c.c_hash = self.c_hash.as_ref().map(FStr::get);
        let p: Vec<Option<&str>> = self
            .profile
            .iter()
            .map(|s| s.as_ref().map(FStr::get))
            .collect();
        [
            c.name,
            c.given_name,
            c.family_name,
            c.middle_name,
            c.nickname,
            c.preferred_username,
            c.profile,
            c.picture,
            c.website,
            c.email,
            c.gender,
            c.birthdate,
            c.zoneinfo,
            c.locale,
            c.phone_number,
        ] = p.try_into().expect("15 profile claims");
        c.email_verified = self.email_verified;
        c.phone_number_verified = self.phone_number_verified;
        c.updated_at = self.updated_at.map(|d| d.at(iat));
        Ok(c)
    }
}

/// The errors issuing may cleanly give for arbitrary claims.
pub fn clean_issue_error(e: Error) -> bool {
    matches!(
        e,
        Error::OverBudget
            | Error::LifetimeTooLong
            | Error::InvalidDate
            | Error::TooManyValues
            | Error::MalformedClaims
            | Error::BufferTooSmall { .. }
    )
}

/// When a token issued from these times is verified with leeway 0 at `now` (the earliest
/// instant `iat` and `nbf` allow), the one time error expected, if any.
pub fn time_verdict(iat: u64, exp: u64, nbf: Option<u64>) -> (u64, Option<Error>) {
    let now = iat.max(nbf.unwrap_or(0));
    (now, (exp <= now).then_some(Error::Expired))
}

/// Runs `f` on a fuzzer input decoded with `arbitrary` (ignores inputs too short).
pub fn with<T: for<'a> Arbitrary<'a>>(data: &[u8], f: impl FnOnce(T)) {
    if let Ok(v) = T::arbitrary_take_rest(Unstructured::new(data)) {
        f(v)
    }
}

/// The policy a round trip verifies under (issuer and audience from the claims, leeway 0),
/// and the policy error expected, if any, when the claims cannot satisfy any policy.
pub fn access_roundtrip_policy<'c>(c: &AccessClaims<&'c str>) -> (AccessPolicy<'c>, Option<Error>) {
    let aud = c.aud.as_slice().first().copied().unwrap_or("");
    let expected = (!c.aud.contains(aud)).then_some(Error::WrongAudience);
    (AccessPolicy::new(c.iss, aud).with_leeway(0), expected)
}

/// As [`access_roundtrip_policy`]; the client is `azp`, else the first audience.
pub fn id_roundtrip_policy<'c>(c: &IdClaims<&'c str>) -> (IdPolicy<'c>, Option<Error>) {
    let aud = c.aud.as_slice().first().copied().unwrap_or("");
    let client = c.azp.unwrap_or(aud);
    let expected = if !c.aud.contains(client) {
        Some(Error::WrongAudience)
    } else if c.azp.is_none() && c.aud.len() > 1 {
        Some(Error::WrongAuthorizedParty)
    } else {
        None
    };
    (IdPolicy::new(c.iss, client).with_leeway(0), expected)
}

/// Structured round trip: fuzz claims → `$issue` with either key → `$verify` at the earliest
/// instant the claims allow → equal claims, or exactly the error the claims call for.
#[macro_export]
macro_rules! roundtrip {
    (
        $fclaims:expr, $use_hs:expr,
        policy: $policy:path,
        issue: |$ic:ident, $ik:ident, $io:ident| $issue:expr,
        verify: |$vt:ident, $vk:ident, $vp:ident, $vn:ident, $vs:ident| $verify:expr $(,)?
    ) => {{
        let claims = match $fclaims.claims() {
            Ok(c) => c,
            Err(e) => {
                assert!($crate::clean_issue_error(e), "{e:?}");
                return;
            }
        };
        let (ed_s, ed_v, hs_k) = ($crate::ed(), $crate::ed_public(), $crate::hs());
        let (signer, verifier): (
            &dyn compact_token::SigningKey,
            &dyn compact_token::VerifyingKey,
        ) = if $use_hs {
            (&hs_k, &hs_k)
        } else {
            (&ed_s, &ed_v)
        };
        let mut out = vec![0u8; $crate::BUF];
        let token = {
            let ($ic, $ik, $io) = (&claims, signer, &mut out[..]);
            $issue
        };
        let token = match token {
            Ok(t) => t,
            Err(e) => {
                assert!($crate::clean_issue_error(e), "{e:?} issuing {claims:?}");
                return;
            }
        };
        let (policy, policy_error) = $policy(&claims);
        let (now, time_error) = $crate::time_verdict(claims.iat, claims.exp, claims.nbf);
        let expected = time_error.or(policy_error);
        let mut scratch = vec![0u8; $crate::BUF];
        let r = {
            let ($vt, $vk, $vp, $vn, $vs) = (token, verifier, &policy, now, &mut scratch[..]);
            $verify
        };
        match (r, expected) {
            (Ok(v), None) => assert_eq!(v, claims, "claims differ: {token}"),
            (Err(e), Some(x)) if e == x => {}
            (r, x) => panic!("verify gave {r:?}, expected {x:?}\nclaims {claims:?}\ntoken {token}"),
        }
    }};
}
