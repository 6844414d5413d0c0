//! The differential oracle against `jsonwebtoken` for the `jwt` profile: a valid token of
//! ours, mutated (header and claims as JSON values, the JSON text, the token's bytes) and
//! re-signed, is verified by both; every disagreement must be one of the deliberate
//! strictness cases listed in `README.md`, each recognised here from the token itself.

use std::collections::HashSet;

use arbitrary::Arbitrary;
use compact_token::{Error, MAX_AMR, MAX_AUDIENCES, MAX_DATE, MAX_HEADER_LEN, SigningKey, jwt};
use serde_json::{Map, Value, json};

use crate::*;

/// Header parameters the mutations use: ours, the refused ones, and a private one.
const HEADER_KEYS: &[&str] = &[
    "alg",
    "typ",
    "kid",
    "crit",
    "jku",
    "jwk",
    "x5u",
    "x5c",
    "x5t",
    "cty",
    "b64",
    "zip",
    "enc",
    "x-private",
];
/// Claims the mutations use: every claim either kind reads, and an unknown one.
const CLAIM_KEYS: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "client_id",
    "iat",
    "exp",
    "nbf",
    "jti",
    "scope",
    "auth_time",
    "acr",
    "amr",
    "nonce",
    "azp",
    "at_hash",
    "name",
    "email",
    "email_verified",
    "updated_at",
    "x-unknown",
];
/// Values the string mutations draw from.
const STRINGS: &[&str] = &[
    ISS,
    AUD,
    CLIENT,
    "EdDSA",
    "HS256",
    "Ed25519",
    "none",
    "at+jwt",
    "application/at+jwt",
    "AT+JWT",
    "JWT",
    "jwt",
    "application/jwt",
    "JOSE",
    "",
    "k1",
    "exp",
    "read:orders",
    "https:\\/\\/x",
    "é",
    "\u{0}",
    "\u{1f600}",
];

#[derive(Debug, Clone, Arbitrary)]
pub enum FValue {
    Null,
    Bool(bool),
    /// Seconds relative to the fixed clock.
    Near(i32),
    Int(i64),
    Float(f64),
    Pool(u8),
    Str(String),
    Arr(Vec<FLeaf>),
    Obj(Vec<(u8, FLeaf)>),
}

#[derive(Debug, Clone, Arbitrary)]
pub enum FLeaf {
    Null,
    Near(i32),
    Pool(u8),
    Str(String),
    Arr(Vec<u8>),
}

fn pool(i: u8) -> Value {
    Value::from(STRINGS[usize::from(i) % STRINGS.len()])
}

impl FLeaf {
    fn value(&self) -> Value {
        match self {
            FLeaf::Null => Value::Null,
            FLeaf::Near(d) => json!(NOW as i64 + i64::from(*d)),
            FLeaf::Pool(i) => pool(*i),
            FLeaf::Str(s) => Value::from(s.as_str()),
            // Nested arrays: reaches the depth limit.
            FLeaf::Arr(v) => Value::Array(v.iter().map(|&n| json!([[n]])).collect()),
        }
    }
}

impl FValue {
    fn value(&self) -> Value {
        match self {
            FValue::Null => Value::Null,
            FValue::Bool(b) => Value::Bool(*b),
            FValue::Near(d) => json!(NOW as i64 + i64::from(*d)),
            FValue::Int(i) => json!(i),
            FValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            FValue::Pool(i) => pool(*i),
            FValue::Str(s) => Value::from(s.as_str()),
            FValue::Arr(v) => Value::Array(v.iter().map(FLeaf::value).collect()),
            FValue::Obj(v) => Value::Object(
                v.iter()
                    .map(|(k, l)| {
                        (
                            CLAIM_KEYS[usize::from(*k) % CLAIM_KEYS.len()].into(),
                            l.value(),
                        )
                    })
                    .collect(),
            ),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Mutation {
    SetHeader(u8, FValue),
    RemoveHeader(u8),
    SetClaim(u8, FValue),
    RemoveClaim(u8),
    /// A date claim written as a float (`1764000000.0`) or with an exponent.
    DateForm(u8, bool),
    /// In the JSON text: a member added a second time (header or claims).
    Duplicate {
        header: bool,
        key: u8,
        value: FValue,
    },
    /// In the JSON text: the first letter of a member name written as `\u00XX`.
    EscapeKey {
        header: bool,
        key: u8,
    },
    /// In the JSON text: every `/` in strings written `\/`, every `é` as `\u00e9`.
    EscapeValues {
        header: bool,
    },
    /// In the JSON text: whitespace after every `,` / `:` / `{`.
    Whitespace {
        header: bool,
        which: u8,
    },
    /// In the JSON text: one byte replaced.
    Byte {
        header: bool,
        at: u16,
        byte: u8,
    },
    /// In the finished token (after signing): one byte replaced, or the token cut.
    TokenByte {
        at: u16,
        byte: u8,
    },
    TokenCut(u16),
}

#[derive(Debug, Clone, Arbitrary)]
pub struct Input {
    pub id: bool,
    pub hs: bool,
    pub mutations: Vec<Mutation>,
}

/// What was done to the JSON text beyond its values: the disagreements these explain
/// cannot be seen from the parsed values.
#[derive(Default, Debug)]
pub struct TextFacts {
    pub header_dup: bool,
    pub claim_dups: HashSet<String>,
    pub header_bytes: bool,
    pub claims_bytes: bool,
    pub token_bytes: bool,
}

fn text_mut(json: &mut Vec<u8>, m: &Mutation, header: bool, facts: &mut TextFacts) {
    match m {
        Mutation::Duplicate { key, value, .. } => {
            let keys = if header { HEADER_KEYS } else { CLAIM_KEYS };
            let k = keys[usize::from(*key) % keys.len()];
            if let Some(end) = json.iter().rposition(|&b| b == b'}') {
                let member = format!(",\"{k}\":{}", value.value());
                json.splice(end..end, member.into_bytes());
                if header {
                    facts.header_dup = true;
                } else {
                    facts.claim_dups.insert(k.to_owned());
                }
            }
        }
        Mutation::EscapeKey { key, .. } => {
            let keys = if header { HEADER_KEYS } else { CLAIM_KEYS };
            let k = keys[usize::from(*key) % keys.len()];
            let needle = format!("\"{k}\":");
            let text = String::from_utf8_lossy(json).into_owned();
            if let Some(at) = text.find(&needle) {
                let escaped = format!("\"\\u{:04x}{}\":", k.as_bytes()[0], &k[1..]);
                // Read as the plain name, by us and by jsonwebtoken: nothing to note.
                *json = format!("{}{}{}", &text[..at], escaped, &text[at + needle.len()..]).into();
            }
        }
        Mutation::EscapeValues { .. } => {
            let text = String::from_utf8_lossy(json);
            *json = text
                .replace('/', "\\/")
                .replace('é', "\\u00e9")
                .into_bytes();
        }
        Mutation::Whitespace { which, .. } => {
            let c = [b',', b':', b'{'][usize::from(*which) % 3];
            let ws: &[u8] = [&b" "[..], b"\n\t", b"\r\n "][usize::from(*which / 3) % 3];
            let mut out = Vec::with_capacity(json.len() * 2);
            let mut in_string = false;
            let mut escaped = false;
            for &b in json.iter() {
                out.push(b);
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else if b == b'"' {
                    in_string = true;
                } else if b == c {
                    out.extend_from_slice(ws);
                }
            }
            *json = out;
        }
        Mutation::Byte { at, byte, .. } if !json.is_empty() => {
            let i = usize::from(*at) % json.len();
            json[i] = *byte;
            if header {
                facts.header_bytes = true;
            } else {
                facts.claims_bytes = true;
            }
        }
        _ => {}
    }
}

/// Builds the mutated, re-signed token; returns it with the facts the oracle needs.
pub fn build(input: &Input, signer: &dyn SigningKey) -> (String, TextFacts) {
    let mut facts = TextFacts::default();
    let mut buf = vec![0u8; BUF];
    let token = if input.id {
        jwt::issue_id(&sample_id(), signer, &compact_token::Limits::ID, &mut buf)
    } else {
        jwt::issue_access(
            &sample_access(),
            signer,
            &compact_token::Limits::ACCESS,
            &mut buf,
        )
    }
    .expect("base token");
    let parts = compact_token::jws::split(token).expect("ours");
    let mut header: Map<String, Value> =
        serde_json::from_slice(&unb64(parts.header).expect("ours")).expect("ours");
    let mut claims: Map<String, Value> =
        serde_json::from_slice(&unb64(parts.payload).expect("ours")).expect("ours");

    let hk = |i: &u8| HEADER_KEYS[usize::from(*i) % HEADER_KEYS.len()].to_owned();
    let ck = |i: &u8| CLAIM_KEYS[usize::from(*i) % CLAIM_KEYS.len()].to_owned();
    for m in &input.mutations {
        match m {
            Mutation::SetHeader(k, v) => {
                header.insert(hk(k), v.value());
            }
            Mutation::RemoveHeader(k) => {
                header.shift_remove(&hk(k));
            }
            Mutation::SetClaim(k, v) => {
                claims.insert(ck(k), v.value());
            }
            Mutation::RemoveClaim(k) => {
                claims.shift_remove(&ck(k));
            }
            Mutation::DateForm(k, exponent) => {
                let k = ["iat", "exp", "nbf", "auth_time"][usize::from(*k) % 4];
                if let Some(n) = claims.get(k).and_then(Value::as_u64) {
                    // An exponent form serde_json keeps exact: 1764000000 = 1.764e9.
                    let v = if *exponent {
                        serde_json::from_str(&format!("{}e3", n / 1000)).unwrap_or(json!(n))
                    } else {
                        json!(n as f64)
                    };
                    claims.insert(k.into(), v);
                }
            }
            _ => {}
        }
    }
    let mut header_json = serde_json::to_vec(&header).expect("serialisable");
    let mut claims_json = serde_json::to_vec(&claims).expect("serialisable");
    for m in &input.mutations {
        match m {
            Mutation::Duplicate { header: h, .. }
            | Mutation::EscapeKey { header: h, .. }
            | Mutation::EscapeValues { header: h }
            | Mutation::Whitespace { header: h, .. }
            | Mutation::Byte { header: h, .. } => {
                let json = if *h {
                    &mut header_json
                } else {
                    &mut claims_json
                };
                text_mut(json, m, *h, &mut facts);
            }
            _ => {}
        }
    }
    let mut token = sign_raw(&header_json, &claims_json, signer).into_bytes();
    for m in &input.mutations {
        match *m {
            Mutation::TokenByte { at, byte } if !token.is_empty() => {
                let i = usize::from(at) % token.len();
                token[i] = byte;
                facts.token_bytes = true;
            }
            Mutation::TokenCut(at) if !token.is_empty() => {
                token.truncate(usize::from(at) % token.len());
                facts.token_bytes = true;
            }
            _ => {}
        }
    }
    (String::from_utf8_lossy(&token).into_owned(), facts)
}

/// The JSON object inside a segment, if it is one (serde_json, last duplicate wins).
fn segment_object(seg: Option<&str>) -> Option<Map<String, Value>> {
    serde_json::from_slice(&unb64(seg?)?).ok()
}

/// Dates are integers (no fraction or exponent, even when the value is whole) in range.
fn is_date_ok(v: &Value) -> bool {
    v.as_u64().is_some_and(|d| d <= MAX_DATE)
}

/// Whether a segment's JSON repeats a member name in any object, at any depth.
fn segment_has_duplicates(seg: Option<&str>) -> bool {
    seg.and_then(unb64)
        .is_some_and(|json| crate::json::has_duplicate_names(&json))
}

/// Why ours may refuse a token jsonwebtoken accepts: `Some(reason)` when `e` is explained
/// by a deliberate strictness visible in the token, `None` when it is not.
pub fn explain_refusal(e: Error, token: &str, id: bool, facts: &TextFacts) -> Option<&'static str> {
    let mut segs = token.splitn(3, '.');
    let (header_seg, claims_seg) = (segs.next(), segs.next());
    let (header, claims) = (segment_object(header_seg)?, segment_object(claims_seg)?);
    let claims_dup_anywhere = segment_has_duplicates(claims_seg);
    let limits = if id {
        compact_token::Limits::ID
    } else {
        compact_token::Limits::ACCESS
    };
    let get = |k: &str| claims.get(k).filter(|v| !v.is_null());
    let date = |k: &str| get(k).and_then(Value::as_f64);
    let typ = header.get("typ").and_then(Value::as_str);
    let strings: &[&str] = if id {
        &[
            "iss", "sub", "nonce", "acr", "azp", "at_hash", "name", "email",
        ]
    } else {
        &["iss", "sub", "client_id", "jti", "scope", "acr"]
    };
    let required: &[&str] = if id {
        &["iss", "sub", "aud", "exp", "iat"]
    } else {
        &["iss", "sub", "aud", "client_id", "iat", "exp", "jti"]
    };
    let dates: &[&str] = if id {
        &["iat", "exp", "nbf", "auth_time", "updated_at"]
    } else {
        &["iat", "exp", "nbf", "auth_time"]
    };
    // `aud` and `amr` are lists, not options: `null` is refused there (unlike string claims).
    let list = |k: &str| match claims.get(k) {
        None => Some(0),
        Some(Value::String(_)) => Some(1),
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => Some(a.len()),
        Some(_) => None,
    };
    let array_len = |k: &str| claims.get(k).and_then(Value::as_array).map_or(0, Vec::len);
    let depth = |v: &Value| -> usize {
        fn d(v: &Value) -> usize {
            match v {
                Value::Array(a) => 1 + a.iter().map(d).max().unwrap_or(0),
                Value::Object(o) => 1 + o.values().map(d).max().unwrap_or(0),
                _ => 0,
            }
        }
        d(v)
    };
    // Read from the text: a `Value` keeps the last of two equal names and may lose depth.
    let text_depth = claims_seg
        .and_then(unb64)
        .and_then(|j| crate::json::facts(&j))
        .map_or(0, |f| f.depth);
    let too_deep = (1 + claims.values().map(depth).max().unwrap_or(0)).max(text_depth) > 4;
    let header_too_deep = 1 + header.values().map(depth).max().unwrap_or(0) > 4;
    let schema_broken = required.iter().any(|k| get(k).is_none())
        || strings
            .iter()
            .any(|k| get(k).is_some_and(|v| !v.is_string()))
        || list("aud").is_none_or(|n| n == 0)
        || list("amr").is_none()
        || (id
            && ["email_verified"]
                .iter()
                .any(|k| get(k).is_some_and(|v| !v.is_boolean())))
        || dates.iter().any(|k| get(k).is_some_and(|v| !v.is_number()))
        || facts.claim_dups.iter().any(|k| claims.contains_key(k));
    let duplicated_known = facts.claim_dups.iter().any(|k| k != "x-unknown");
    let reason = match e {
        // The first of two values may be what we refuse; jsonwebtoken keeps the last.
        Error::MalformedClaims
        | Error::InvalidDate
        | Error::TooManyValues
        | Error::NestingTooDeep
            if duplicated_known =>
        {
            "a claim twice"
        }
        Error::DuplicateMember if claims_dup_anywhere => "a member name twice in one object",
        Error::MalformedClaims if claims.iter().any(|(k, v)| k.contains('\0') || crate::json::has_nul(v)) => {
            "U+0000 in a string claim (C callers would cut the string there)"
        }
        Error::MalformedHeader | Error::UnsupportedHeader
            if facts.header_dup || segment_has_duplicates(header_seg) =>
        {
            "a header parameter twice"
        }
        Error::OverBudget if token.len() > limits.max_bytes => "size budget",
        Error::UnsupportedHeader
            if header
                .keys()
                .any(|k| !["alg", "typ", "kid"].contains(&k.as_str()))
                || facts.header_dup =>
        {
            "unknown or duplicate header parameter"
        }
        Error::MalformedHeader
            if ["alg", "typ", "kid"]
                .iter()
                .any(|k| header.get(*k).is_some_and(|v| !v.is_string())) =>
        {
            "alg/typ/kid must be strings (null refused)"
        }
        Error::MalformedHeader if header_too_deep => "header nesting depth",
        Error::MalformedHeader
            if token
                .split('.')
                .next()
                .and_then(unb64)
                .is_some_and(|h| h.len() > MAX_HEADER_LEN) =>
        {
            "header JSON at most 512 bytes"
        }
        Error::WrongKind | Error::WrongType => {
            let ok = match typ {
                Some(t) if id => {
                    t.eq_ignore_ascii_case("jwt") || t.eq_ignore_ascii_case("application/jwt")
                }
                Some(t) => jwt::is_access_typ(t),
                None => id,
            };
            if ok {
                return None;
            }
            "typ must name the kind"
        }
        Error::NestingTooDeep if too_deep => "nesting depth",
        Error::MalformedClaims if schema_broken => "claims schema (required, types, duplicates)",
        // Counted whatever the values are: we stop reading at the first one too many.
        Error::TooManyValues if array_len("aud") > MAX_AUDIENCES || array_len("amr") > MAX_AMR => {
            "too many aud/amr values"
        }
        // `null` reads as absent for the optional dates, and is an invalid `iat` / `exp`.
        Error::InvalidDate
            if dates.iter().any(|k| match claims.get(*k) {
                Some(Value::Null) => ["iat", "exp"].contains(k),
                Some(v) => !is_date_ok(v),
                None => false,
            }) =>
        {
            "dates are integers in 0..=9999-12-31"
        }
        Error::LifetimeTooLong => match (date("iat"), date("exp")) {
            (Some(iat), Some(exp)) if exp <= iat || exp - iat > limits.max_lifetime as f64 => {
                "bounded lifetime"
            }
            _ => return None,
        },
        Error::Expired if date("exp").is_some_and(|exp| exp + 30.0 <= NOW as f64) => {
            "expired (fixed clock)"
        }
        Error::NotYetValid if date("nbf").is_some_and(|nbf| nbf > (NOW + 30) as f64) => {
            "nbf (fixed clock)"
        }
        Error::IssuedInFuture if date("iat").is_some_and(|iat| iat > (NOW + 30) as f64) => {
            "iat in the future"
        }
        Error::WrongAuthorizedParty if id => match get("azp") {
            Some(azp) if azp != CLIENT => "azp must be the client",
            None if list("aud").is_some_and(|n| n > 1) => "azp required with several audiences",
            _ => return None,
        },
        Error::WrongAudience
            if list("aud") == Some(0) || get("aud").is_some_and(|a| a == &json!([])) =>
        {
            "aud required"
        }
        _ => return None,
    };
    Some(reason)
}

/// Why ours may accept a token jsonwebtoken refuses.
pub fn explain_acceptance(token: &str) -> Option<&'static str> {
    let mut segs = token.split('.');
    let header = segment_object(segs.next())?;
    if header.get("alg")? == "Ed25519" {
        return Some("alg Ed25519 (RFC 9864) read as EdDSA");
    }
    // RFC 8259 §6 leaves number ranges to implementations: we check a number's grammar and
    // convert it only when a claim asks for one; serde_json refuses `1e400` outright.
    let claims = unb64(segs.next()?)?;
    match serde_json::from_slice::<Value>(&claims) {
        Err(e) if e.to_string().contains("number out of range") => {
            Some("a number beyond f64's range in a claim nobody reads as a number")
        }
        _ => None,
    }
}

/// Normalises a claims object for comparison: nulls dropped, single strings of list claims
/// as one-element arrays, integral numbers as f64.
fn normalise(mut v: Map<String, Value>) -> Map<String, Value> {
    v.retain(|_, x| !x.is_null());
    for k in ["aud", "amr"] {
        if let Some(Value::String(s)) = v.get(k) {
            let one = json!([s]);
            v.insert(k.into(), one);
        }
    }
    for x in v.values_mut() {
        if let Some(f) = x.as_f64().filter(|_| x.is_number()) {
            *x = json!(f);
        }
    }
    v
}

/// Checks that ours decoded exactly what jsonwebtoken decoded, claim by claim.
pub fn compare_claims(ours: Value, theirs: Value, token: &str) {
    let ours = normalise(ours.as_object().cloned().expect("object"));
    let theirs = normalise(theirs.as_object().cloned().expect("object"));
    for (k, v) in &ours {
        if k == "amr" && v == &json!([]) && !theirs.contains_key(k) {
            continue;
        }
        assert_eq!(Some(v), theirs.get(k), "claim {k} differs: {token}");
    }
}
