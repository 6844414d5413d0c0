//! What `ctok compare` measures: the same claims as our `compact` and `jwt` tokens and as a
//! standard JWT (`jsonwebtoken`), a CWT (`coset`) and a PASETO v4.public token (`pasetors`).
//!
//! Every token is issued by its own library, then verified by that same library (signature,
//! and the claims it decodes equal to the claims it was given) before its length is taken:
//! a number in the [`Table`] is the `len()` of a token that really carries the claims.
//!
//! Every format carries every claim of the input: the typed claims, and every other member
//! as a custom claim (`roles`, a tenant, `cnf`, ...: [`Table::extras`]), read by
//! `compact-token`'s own reader ([`AccessClaims::from_json`]). When there are custom claims,
//! each format is measured twice, with them and without them ([`Cell::without_extras`]), so
//! the table shows what they cost in each format.
//!
//! How each peer carries custom claims: the standard JWT and PASETO as members of their JSON
//! payload; the CWT under their JWT names as text keys (RFC 8392 allows any text key), except
//! `cnf`, which has an IANA CWT label (8, RFC 8747) and is carried under it, as `scope` (9)
//! is; values in CBOR's own types (a string stays a text string: a CWT would carry `cnf.jkt`
//! as raw bytes only under a profile both sides agree on, as our compact profile does).

use std::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::{
    AccessClaims, AccessPolicy, Algorithm, Extras, Hs256Key, IdClaims, IdPolicy, KeyUse, Kind,
    Limits, MAX_DATE, MAX_SIGNATURE_LEN, Registry, SigningKey, VerifyingKey, compact, jwt,
};
use coset::cbor::value::Value as Cbor;
use coset::cwt::{ClaimsSet, Timestamp};
use coset::iana::{self, CwtClaimName};
use coset::{
    CborSerializable, CoseMac0, CoseMac0Builder, CoseSign1, CoseSign1Builder, HeaderBuilder,
    RegisteredLabelWithPrivate,
};
use serde_json::{Map, Value};

use compact_token_std::demo::{self, DemoKeys};
use compact_token_std::{Error, Result};

/// A column of the table: a token format, ours first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Our `compact` profile, every claim carried in full.
    Compact,
    /// Our `compact` profile with the issuer, the audiences and the scope names registered.
    CompactRegistered,
    /// Our `jwt` profile.
    Jwt,
    /// A standard JWT from `jsonwebtoken` 11.1.0: the ratios' reference.
    StandardJwt,
    /// A CWT from `coset` 0.4.2: `COSE_Sign1` (EdDSA) or `COSE_Mac0` (HMAC 256/256),
    /// untagged, base64url.
    Cwt,
    /// PASETO v4.public from `pasetors` 0.8.1 (EdDSA only).
    Paseto,
}

impl Format {
    /// The columns, in order.
    pub const ALL: [Format; 6] = [
        Format::Compact,
        Format::CompactRegistered,
        Format::Jwt,
        Format::StandardJwt,
        Format::Cwt,
        Format::Paseto,
    ];

    /// The column heading.
    pub fn name(self) -> &'static str {
        match self {
            Format::Compact => "our compact",
            Format::CompactRegistered => "our compact, registered",
            Format::Jwt => "our jwt",
            Format::StandardJwt => "standard JWT",
            Format::Cwt => "CWT",
            Format::Paseto => "PASETO v4.public",
        }
    }
}

/// One measured token, or why this format cannot carry these claims with this algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The column.
    pub format: Format,
    /// The token, verified by the library that issued it; or the reason there is none.
    pub token: std::result::Result<String, String>,
    /// The same claims without the custom claims, in the same format: `None` when the
    /// claims have no custom claims.
    pub without_extras: Option<std::result::Result<String, String>>,
}

impl Cell {
    /// What the custom claims cost in this format: bytes with them minus bytes without.
    /// `None` without custom claims, or when either token could not be made.
    pub fn extras_cost(&self) -> Option<usize> {
        let with = self.token.as_ref().ok()?.len();
        let without = self.without_extras.as_ref()?.as_ref().ok()?.len();
        Some(with.saturating_sub(without))
    }

    /// The length of the token without the custom claims, if there is one.
    pub fn len_without_extras(&self) -> Option<usize> {
        Some(self.without_extras.as_ref()?.as_ref().ok()?.len())
    }
}

/// One line of the table: a kind of token and an algorithm, in every format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Access or ID token.
    pub kind: Kind,
    /// The algorithm every token of the row is signed with.
    pub algorithm: Algorithm,
    /// One cell per [`Format::ALL`], in that order.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The length of the token in `format`, if there is one.
    pub fn len(&self, format: Format) -> Option<usize> {
        self.token(format).map(str::len)
    }

    /// The token in `format`, if there is one.
    pub fn token(&self, format: Format) -> Option<&str> {
        let cell = self.cells.iter().find(|c| c.format == format)?;
        cell.token.as_deref().ok()
    }

    fn label(&self) -> String {
        let kind = match self.kind {
            Kind::Access => "access",
            Kind::Id => "ID",
        };
        format!("{kind}, {}", self.algorithm.name())
    }
}

/// The size comparison: rows of tokens, and the custom claims every token carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// One row per kind and algorithm.
    pub rows: Vec<Row>,
    /// The names of the custom claims (members the claims types do not hold), in input
    /// order, carried by every format.
    pub extras: Vec<String>,
    /// The values the "registered" column carries as registry numbers.
    pub registered: Vec<String>,
}

/// How to compare: the registry of the "registered" column, a `kid` in every header, and
/// the size budget of our tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The registered values (default: the claims' issuer, audiences and scope names).
    pub registry: Option<Vec<String>>,
    /// A `kid` every token carries in its header (ours, the standard JWT, the CWT's
    /// unprotected header; PASETO has no header, and is left without one).
    pub kid: Option<String>,
    /// The size budget of our tokens (default: [`NO_BUDGET`], so that large claims are
    /// compared too); the lifetime limit is lifted the same way.
    pub max_bytes: Option<usize>,
}

/// The budget `compare` gives our tokens when none is asked: larger than any token of
/// claims a JWT library would accept in an HTTP header.
pub const NO_BUDGET: usize = 64 * 1024;

impl Options {
    fn limits(&self) -> Limits {
        Limits {
            max_bytes: self.max_bytes.unwrap_or(NO_BUDGET),
            max_lifetime: MAX_DATE,
        }
    }

    /// The demo keys with this kid, the HS256 secret allowed to sign both kinds.
    fn keys(&self, keys: &DemoKeys) -> Result<DemoKeys> {
        let mut out = DemoKeys {
            ed25519: keys.ed25519.clone(),
            hs256: Hs256Key::from_secret(keys.hs256.secret(), KeyUse::AccessAndId)?,
        };
        if let Some(kid) = &self.kid {
            out.ed25519 = out.ed25519.with_kid(kid)?;
            out.hs256 = out.hs256.with_kid(kid)?;
        }
        Ok(out)
    }
}

/// The brief's sample claims of `kind` at `now` as standard JWT claims JSON (the ID token's
/// `at_hash` binds it to the sample EdDSA access token issued in the `jwt` profile).
pub fn sample(kind: Kind, keys: &DemoKeys, now: u64) -> Result<Value> {
    let access = demo::access_claims(now);
    let value = match kind {
        Kind::Access => serde_json::to_value(&access),
        Kind::Id => {
            let mut buf = [0u8; 1024];
            let token = jwt::issue_access(&access, &keys.ed25519, &Limits::ACCESS, &mut buf)?;
            let at_hash = compact_token::access_token_hash(token, Algorithm::EdDSA);
            serde_json::to_value(demo::id_claims(now, &at_hash))
        }
    };
    value.map_err(|_| Error::Json)
}

/// The table for the brief's sample claims at `now`: access and ID tokens, EdDSA and HS256.
pub fn sample_table(keys: &DemoKeys, now: u64) -> Result<Table> {
    sample_table_with(keys, now, &Options::default())
}

/// [`sample_table`] with `options`.
pub fn sample_table_with(keys: &DemoKeys, now: u64, options: &Options) -> Result<Table> {
    let access = sample(Kind::Access, keys, now)?;
    let mut table = compare_with(&access, Kind::Access, keys, options)?;
    let id = sample(Kind::Id, keys, now)?;
    let id = compare_with(&id, Kind::Id, keys, options)?;
    table.rows.extend(id.rows);
    for value in id.registered {
        if !table.registered.contains(&value) {
            table.registered.push(value);
        }
    }
    Ok(table)
}

/// Measures `claims` (standard JWT claims JSON, as `ctok issue` reads) as a token of `kind`
/// in every format, with the default [`Options`]: an EdDSA and an HS256 row.
///
/// Errors: the claims are not a valid claim set of `kind` (the error `compact-token`'s reader
/// gives, such as `MalformedClaims`, `DuplicateMember` or `ClaimCollision`, or the error
/// issuing them gives, such as `OverBudget` or `LifetimeTooLong`). A peer that cannot
/// carry the claims (PASETO and HS256, CWT and several audiences) gets a cell saying why.
pub fn compare(claims: &Value, kind: Kind, keys: &DemoKeys) -> Result<Table> {
    compare_with(claims, kind, keys, &Options::default())
}

/// [`compare`] with `options`.
pub fn compare_with(
    claims: &Value,
    kind: Kind,
    keys: &DemoKeys,
    options: &Options,
) -> Result<Table> {
    if !claims.is_object() {
        return Err(Error::Json);
    }
    compare_text(&claims.to_string(), kind, keys, options)
}

/// [`compare_with`] for claims JSON text (a claims file as it is), read with
/// `compact-token`'s reader: its custom claims keep their order, and anything that reader
/// refuses (a member named twice at any depth, nesting too deep) is its error.
pub fn compare_text(text: &str, kind: Kind, keys: &DemoKeys, options: &Options) -> Result<Table> {
    let keys = &options.keys(keys)?;
    let limits = options.limits();
    // A claims file's indentation is no part of any format: without it, our `jwt` profile
    // (which carries custom claims' values as written) is byte for byte the standard JWT.
    let text = &minified(text);
    let mut scratch = vec![0u8; text.len()];
    let ours = Ours::read(kind, text, &mut scratch)?;
    let extras = ours.extra_names();
    let bare = (!extras.is_empty()).then(|| ours.without_extras());
    let registered: Vec<&str> = match &options.registry {
        Some(values) => values.iter().map(String::as_str).collect(),
        None => ours.registrable(),
    };
    let registry = Registry::new(&registered)?;
    let registered: Vec<String> = registered.iter().map(|v| (*v).to_owned()).collect();
    let algorithms = [Algorithm::EdDSA, Algorithm::HS256];
    let mut rows = Vec::new();
    for algorithm in algorithms {
        let mut cells = Vec::new();
        for format in Format::ALL {
            let measure =
                |ours: &Ours<'_>| ours.measure(format, algorithm, keys, &registry, &limits);
            let token = measure(&ours)?;
            let without_extras = match &bare {
                Some(bare) => Some(measure(bare)?),
                None => None,
            };
            cells.push(Cell {
                format,
                token,
                without_extras,
            });
        }
        rows.push(Row {
            kind,
            algorithm,
            cells,
        });
    }
    Ok(Table {
        rows,
        extras,
        registered,
    })
}

/// `text` without the whitespace between JSON tokens; strings (escapes included) as they are.
/// The text was read as JSON before, and is read again after, by `compact-token`'s reader.
fn minified(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            in_string = c == '"';
            out.push(c);
        }
    }
    out
}

/// Our claims of either kind, borrowed from the claims text and its scratch.
// One short-lived value per comparison: boxing the larger kind would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Ours<'v> {
    Access(AccessClaims<&'v str>),
    Id(IdClaims<&'v str>),
}

impl<'v> Ours<'v> {
    /// Reads a whole claims set with `compact-token`'s reader: typed claims into fields,
    /// every other member into `extra`.
    fn read(kind: Kind, text: &'v str, scratch: &'v mut [u8]) -> Result<Self> {
        Ok(match kind {
            Kind::Access => Ours::Access(AccessClaims::from_json(text, scratch)?),
            Kind::Id => Ours::Id(IdClaims::from_json(text, scratch)?),
        })
    }

    fn extra(&self) -> &Extras<&'v str> {
        match self {
            Ours::Access(c) => &c.extra,
            Ours::Id(c) => &c.extra,
        }
    }

    fn extra_names(&self) -> Vec<String> {
        self.extra()
            .iter()
            .map(|(n, _)| n.chars().collect())
            .collect()
    }

    fn without_extras(&self) -> Self {
        match self {
            Ours::Access(c) => Ours::Access(AccessClaims {
                extra: Extras::none(),
                ..c.clone()
            }),
            Ours::Id(c) => Ours::Id(IdClaims {
                extra: Extras::none(),
                ..c.clone()
            }),
        }
    }

    /// The claims as the peers get them: the typed claims as JSON, a single audience as a
    /// string (as our `jwt` profile and most issuers write it), and every custom claim.
    fn to_json(&self) -> Result<Value> {
        let mut value = match self {
            Ours::Access(c) => serde_json::to_value(c),
            Ours::Id(c) => serde_json::to_value(c),
        }
        .map_err(|_| Error::Json)?;
        if let Some(Value::Array(one)) = value.get_mut("aud")
            && one.len() == 1
        {
            let aud = one.remove(0);
            value["aud"] = aud;
        }
        if let Value::Object(map) = &mut value {
            for (name, v) in self.extra().iter() {
                let v = serde_json::from_str(v.raw()).map_err(|_| Error::Json)?;
                map.insert(name.chars().collect(), v);
            }
        }
        Ok(value)
    }

    /// The token of these claims in `format`, verified by the library that made it; an
    /// error of ours is the comparison's error, a peer's is its cell's reason.
    fn measure(
        &self,
        format: Format,
        algorithm: Algorithm,
        keys: &DemoKeys,
        registry: &Registry<'_>,
        limits: &Limits,
    ) -> Result<PeerResult> {
        let key: &dyn SigningKey = match algorithm {
            Algorithm::HS256 => &keys.hs256,
            _ => &keys.ed25519,
        };
        let kind = match self {
            Ours::Access(_) => Kind::Access,
            Ours::Id(_) => Kind::Id,
        };
        Ok(match format {
            Format::Compact | Format::Jwt => {
                Ok(self.issue(format, key, keys, &Registry::EMPTY, limits)?)
            }
            Format::CompactRegistered => Ok(self.issue(format, key, keys, registry, limits)?),
            Format::StandardJwt => standard_jwt(kind, &self.to_json()?, algorithm, keys),
            Format::Cwt => cwt(&self.to_json()?, algorithm, keys),
            Format::Paseto => paseto(&self.to_json()?, algorithm, keys),
        })
    }

    /// What a verifier of these claims already knows: issuer, audiences, scope names.
    fn registrable(&self) -> Vec<&'v str> {
        let (iss, aud, scope) = match self {
            Ours::Access(c) => (c.iss, &c.aud, c.scope),
            Ours::Id(c) => (c.iss, &c.aud, None),
        };
        let mut values = vec![iss];
        let scopes = scope.unwrap_or_default().split_whitespace();
        for v in aud.as_slice().iter().copied().chain(scopes) {
            if !values.contains(&v) {
                values.push(v);
            }
        }
        values
    }

    /// Issues in one of our profiles and verifies the token back to the same claims.
    fn issue(
        &self,
        format: Format,
        key: &dyn SigningKey,
        keys: &DemoKeys,
        registry: &Registry<'_>,
        limits: &Limits,
    ) -> Result<String> {
        let ed_public = keys.ed25519.verifying_key();
        let public: &dyn VerifyingKey = match key.algorithm() {
            Algorithm::HS256 => &keys.hs256,
            _ => &ed_public,
        };
        let is_jwt = format == Format::Jwt;
        // Verified at `iat` (or `nbf`): the claims' own time, whatever the day.
        let at = |iat: u64, nbf: Option<u64>| nbf.unwrap_or(iat).max(iat);
        match self {
            Ours::Access(c) => {
                let policy = AccessPolicy::new(c.iss, c.aud.iter().next().unwrap_or_default());
                let policy = policy.with_limits(*limits);
                let now = at(c.iat, c.nbf);
                round_trip(
                    limits.max_bytes,
                    |out| match is_jwt {
                        true => jwt::issue_access(c, key, limits, out),
                        false => compact::issue_access(c, key, limits, registry, out),
                    },
                    |t, scratch| {
                        match is_jwt {
                            true => jwt::verify_access(t, public, &policy, now, scratch),
                            false => {
                                compact::verify_access(t, public, &policy, registry, now, scratch)
                            }
                        }
                        .map(|back| back == *c)
                    },
                )
            }
            Ours::Id(c) => {
                let policy = IdPolicy::new(c.iss, c.aud.iter().next().unwrap_or_default());
                let policy = policy.with_limits(*limits);
                let now = at(c.iat, c.nbf);
                round_trip(
                    limits.max_bytes,
                    |out| match is_jwt {
                        true => jwt::issue_id(c, key, limits, out),
                        false => compact::issue_id(c, key, limits, registry, out),
                    },
                    |t, scratch| {
                        match is_jwt {
                            true => jwt::verify_id(t, public, &policy, now, scratch),
                            false => compact::verify_id(t, public, &policy, registry, now, scratch),
                        }
                        .map(|back| back == *c)
                    },
                )
            }
        }
    }
}

/// Issues with `issue`, then keeps the token if `verify` gives back the same claims.
fn round_trip(
    max_bytes: usize,
    issue: impl FnOnce(&mut [u8]) -> compact_token::Result<&str>,
    verify: impl Fn(&str, &mut [u8]) -> compact_token::Result<bool>,
) -> Result<String> {
    let mut out = vec![0u8; max_bytes];
    let token = issue(&mut out)?.to_owned();
    let mut scratch = vec![0u8; 4 * token.len() + 64];
    // Registered scope names expand beyond the usual bound: the error says how much.
    let verdict = match verify(&token, &mut scratch) {
        Err(compact_token::Error::BufferTooSmall { needed }) => {
            verify(&token, &mut vec![0u8; needed])
        }
        other => other,
    };
    match verdict? {
        true => Ok(token),
        false => Err(Error::Token(compact_token::Error::MalformedClaims)),
    }
}

/// A cell's failure: why a peer has no token for these claims.
type PeerResult = std::result::Result<String, String>;

/// PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410), followed by the seed.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// `jsonwebtoken`: issues with `typ` `at+jwt` (access) or `JWT` (ID), then decodes with its
/// signature check and compares the claims it returns.
fn standard_jwt(kind: Kind, carried: &Value, alg: Algorithm, keys: &DemoKeys) -> PeerResult {
    use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation, decode, encode};
    let (jalg, sign, verify) = match alg {
        Algorithm::HS256 => (
            jsonwebtoken::Algorithm::HS256,
            EncodingKey::from_secret(keys.hs256.secret()),
            DecodingKey::from_secret(keys.hs256.secret()),
        ),
        _ => {
            let mut pkcs8 = PKCS8_ED25519_PREFIX.to_vec();
            pkcs8.extend_from_slice(&keys.ed25519.seed());
            (
                jsonwebtoken::Algorithm::EdDSA,
                EncodingKey::from_ed_der(&pkcs8),
                DecodingKey::from_ed_der(&keys.ed25519.verifying_key().to_bytes()),
            )
        }
    };
    let mut header = Header::new(jalg);
    header.kid = keys.ed25519.key_id().map(str::to_owned);
    if kind == Kind::Access {
        header.typ = Some("at+jwt".into());
    }
    let token = encode(&header, carried, &sign)
        .map_err(|e| format!("jsonwebtoken cannot encode these claims: {e}"))?;
    // Times and audience are compared below, as values, rather than checked by the clock.
    let mut validation = Validation::new(jalg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let back = decode::<Value>(&token, &verify, &validation)
        .map_err(|e| format!("jsonwebtoken refused its own token: {e}"))?;
    same(back.claims == *carried, token, "jsonwebtoken")
}

fn same(equal: bool, token: String, peer: &str) -> PeerResult {
    if equal {
        Ok(token)
    } else {
        Err(format!("{peer} decoded other claims than it was given"))
    }
}

/// The claims as a CWT claims set: registered keys where RFC 8392 and IANA have one
/// (iss 1, sub 2, aud 3, exp 4, nbf 5, iat 6, cti 7, cnf 8, scope 9), JWT names as text
/// keys for the rest (custom claims included).
fn cwt_claims(carried: &Value) -> std::result::Result<ClaimsSet, String> {
    let mut set = ClaimsSet::default();
    let Value::Object(claims) = carried else {
        return Err("claims are not a JSON object".into());
    };
    for (name, value) in claims {
        let text = || value.as_str().map(str::to_owned);
        let time = || value.as_i64().map(Timestamp::WholeSeconds);
        match name.as_str() {
            "iss" => set.issuer = text(),
            "sub" => set.subject = text(),
            "aud" => {
                set.audience = Some(text().ok_or("a CWT (RFC 8392) carries a single audience")?);
            }
            "exp" => set.expiration_time = time(),
            "nbf" => set.not_before = time(),
            "iat" => set.issued_at = time(),
            "jti" => set.cwt_id = text().map(String::into_bytes),
            "scope" => set.rest.push((
                RegisteredLabelWithPrivate::Assigned(CwtClaimName::Scope),
                cbor(value),
            )),
            "cnf" => set.rest.push((
                RegisteredLabelWithPrivate::Assigned(CwtClaimName::Cnf),
                cbor(value),
            )),
            _ => set
                .rest
                .push((RegisteredLabelWithPrivate::Text(name.clone()), cbor(value))),
        }
    }
    Ok(set)
}

fn cbor(value: &Value) -> Cbor {
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Cbor::Integer(u.into()),
            (_, Some(i)) => Cbor::Integer(i.into()),
            _ => Cbor::Float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Cbor::Text(s.clone()),
        Value::Array(items) => Cbor::Array(items.iter().map(cbor).collect()),
        Value::Object(map) => Cbor::Map(
            map.iter()
                .map(|(k, v)| (Cbor::Text(k.clone()), cbor(v)))
                .collect(),
        ),
    }
}

/// `coset`: the claims set in an untagged `COSE_Sign1` or `COSE_Mac0` with only `alg`
/// protected, base64url; then parsed back, checked with the same key, and its claims compared.
fn cwt(carried: &Value, alg: Algorithm, keys: &DemoKeys) -> PeerResult {
    let claims = cwt_claims(carried)?;
    let payload = claims.clone().to_vec().map_err(|e| e.to_string())?;
    let sign = |key: &dyn SigningKey, data: &[u8]| {
        let mut sig = [0u8; MAX_SIGNATURE_LEN];
        // EdDSA and HS256 never fail to sign; an empty signature would fail verification.
        let n = key.sign(data, &mut sig).unwrap_or(0);
        sig[..n].to_vec()
    };
    let ed_public = keys.ed25519.verifying_key();
    let mut unprotected = HeaderBuilder::new();
    if let Some(kid) = keys.ed25519.key_id() {
        unprotected = unprotected.key_id(kid.as_bytes().to_vec());
    }
    let unprotected = unprotected.build();
    let (cose, back) = match alg {
        Algorithm::HS256 => {
            let protected = HeaderBuilder::new()
                .algorithm(iana::Algorithm::HMAC_256_256)
                .build();
            let cose = CoseMac0Builder::new()
                .protected(protected)
                .unprotected(unprotected.clone())
                .payload(payload)
                .create_tag(b"", |m| sign(&keys.hs256, m))
                .build()
                .to_vec()
                .map_err(|e| e.to_string())?;
            let mac0 = CoseMac0::from_slice(&cose).map_err(|e| e.to_string())?;
            let no_payload = || compact_token::Error::MalformedClaims;
            mac0.verify_payload_tag(b"", no_payload, |tag, data| keys.hs256.verify(data, tag))
                .map_err(|e| format!("coset refused its own token: {e}"))?;
            (cose, mac0.payload)
        }
        _ => {
            let protected = HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .build();
            let cose = CoseSign1Builder::new()
                .protected(protected)
                .unprotected(unprotected)
                .payload(payload)
                .create_signature(b"", |m| sign(&keys.ed25519, m))
                .build()
                .to_vec()
                .map_err(|e| e.to_string())?;
            let sign1 = CoseSign1::from_slice(&cose).map_err(|e| e.to_string())?;
            sign1
                .verify_signature(b"", |sig, data| ed_public.verify(data, sig))
                .map_err(|e| format!("coset refused its own token: {e}"))?;
            (cose, sign1.payload)
        }
    };
    let back = back.and_then(|p| ClaimsSet::from_slice(&p).ok());
    same(
        back.as_ref() == Some(&claims),
        Base64UrlUnpadded::encode_string(&cose),
        "coset",
    )
}

/// `pasetors`: v4.public over the claims with `iat`, `exp` and `nbf` as RFC 3339 strings
/// (PASETO's registered times); then verified with the public key and its claims compared.
fn paseto(carried: &Value, alg: Algorithm, keys: &DemoKeys) -> PeerResult {
    use pasetors::claims::Claims;
    use pasetors::keys::{AsymmetricPublicKey, AsymmetricSecretKey};
    use pasetors::token::UntrustedToken;
    use pasetors::version4::{PublicToken, V4};
    use pasetors::{Public, public};

    if alg != Algorithm::EdDSA {
        return Err("PASETO v4 has no HMAC token (v4.local is encryption)".into());
    }
    let mut claims: Map<String, Value> = carried.as_object().cloned().unwrap_or_default();
    for name in ["iat", "exp", "nbf"] {
        if let Some(t) = claims.get(name).and_then(Value::as_u64) {
            let date = rfc3339(t).ok_or("a date beyond RFC 3339's years 0 to 9999")?;
            claims.insert(name.into(), date.into());
        }
    }
    let json = Value::Object(claims);
    let claims = Claims::from_string(&json.to_string())
        .map_err(|_| "PASETO's registered claims (iss, sub, aud, jti) are single strings")?;
    let public_bytes = keys.ed25519.verifying_key().to_bytes();
    let mut pair = keys.ed25519.seed().to_vec();
    pair.extend_from_slice(&public_bytes);
    let sk = AsymmetricSecretKey::<V4>::from(&pair).map_err(|e| e.to_string())?;
    let pk = AsymmetricPublicKey::<V4>::from(&public_bytes).map_err(|e| e.to_string())?;
    let token = public::sign(&sk, &claims, None, None).map_err(|e| e.to_string())?;
    let untrusted = UntrustedToken::<Public, V4>::try_from(token.as_str())
        .map_err(|e| format!("pasetors cannot parse its own token: {e}"))?;
    let trusted = PublicToken::verify(&pk, &untrusted, None, None)
        .map_err(|e| format!("pasetors refused its own token: {e}"))?;
    let back: Option<Value> = serde_json::from_str(trusted.payload()).ok();
    same(back.as_ref() == Some(&json), token, "pasetors")
}

/// RFC 3339 UTC for Unix seconds, as PASETO writes its registered times.
fn rfc3339(unix: u64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(i64::try_from(unix).ok()?).ok()?;
    t.format(&time::format_description::well_known::Rfc3339)
        .ok()
}

/// The first two lines of a Markdown table with a column per format, numbers right-aligned.
fn heading(f: &mut fmt::Formatter<'_>, formats: &[Format]) -> fmt::Result {
    write!(f, "| token |")?;
    for format in formats {
        write!(f, " {} |", format.name())?;
    }
    write!(f, "\n|---|")?;
    for _ in formats {
        write!(f, "--:|")?;
    }
    Ok(())
}

/// A Markdown table: bytes, and in parentheses the ratio to the standard JWT.
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        heading(f, &Format::ALL)?;
        let mut notes: Vec<&str> = Vec::new();
        for row in &self.rows {
            write!(f, "\n| {} |", row.label())?;
            let reference = row.len(Format::StandardJwt);
            for cell in &row.cells {
                match (&cell.token, reference) {
                    (Ok(t), Some(r)) if cell.format != Format::StandardJwt => {
                        write!(f, " {} ({:.2}×) |", t.len(), t.len() as f64 / r as f64)?;
                    }
                    (Ok(t), _) => write!(f, " {} |", t.len())?,
                    (Err(why), _) => {
                        let n = match notes.iter().position(|n| n == why) {
                            Some(i) => i,
                            None => {
                                notes.push(why);
                                notes.len() - 1
                            }
                        };
                        write!(f, " n/a [{}] |", n + 1)?;
                    }
                }
            }
        }
        writeln!(f)?;
        writeln!(
            f,
            "\nBytes of each token as text; (×) is the ratio to the standard JWT. Peers: \
             jsonwebtoken 11.1.0, coset 0.4.2 (CWT in COSE_Sign1 / COSE_Mac0, base64url), \
             pasetors 0.8.1. Each token was verified by the library that issued it."
        )?;
        writeln!(
            f,
            "Registered (carried as registry numbers): {}.",
            self.registered.join(", ")
        )?;
        for (i, why) in notes.iter().enumerate() {
            writeln!(f, "[{}] {why}.", i + 1)?;
        }
        if !self.extras.is_empty() {
            writeln!(
                f,
                "Custom claims, carried by every format: {}.",
                self.extras.join(", ")
            )?;
            writeln!(
                f,
                "\nWhat the custom claims cost, bytes without them → with them (+ the difference):\n"
            )?;
            heading(f, &Format::ALL)?;
            for row in &self.rows {
                write!(f, "\n| {} |", row.label())?;
                for cell in &row.cells {
                    match (cell.len_without_extras(), cell.token.as_ref().ok()) {
                        (Some(without), Some(with)) => write!(
                            f,
                            " {without} → {} (+{}) |",
                            with.len(),
                            with.len().saturating_sub(without)
                        )?,
                        _ => write!(f, " n/a |")?,
                    }
                }
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "\nPer part, characters of header . claims . signature (JWS formats):\n"
        )?;
        let jws_formats = [
            Format::Compact,
            Format::CompactRegistered,
            Format::Jwt,
            Format::StandardJwt,
        ];
        heading(f, &jws_formats)?;
        for row in &self.rows {
            write!(f, "\n| {} |", row.label())?;
            for format in jws_formats {
                match row
                    .cells
                    .iter()
                    .find(|c| c.format == format)
                    .and_then(Cell::parts)
                {
                    Some(p) => write!(f, " {} + {} + {} |", p.header, p.claims, p.signature)?,
                    None => write!(f, " n/a |")?,
                }
            }
        }
        writeln!(f)
    }
}

/// The three parts of a JWS compact token, in characters: header, claims, signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// `BASE64URL(header)`.
    pub header: usize,
    /// `BASE64URL(payload)`: the claims.
    pub claims: usize,
    /// `BASE64URL(signature)`.
    pub signature: usize,
}

impl Cell {
    /// The per-part breakdown of a JWS token (ours and the standard JWT); `None` for the
    /// CWT and PASETO, whose parts are not separate segments of the text.
    pub fn parts(&self) -> Option<Parts> {
        if matches!(self.format, Format::Cwt | Format::Paseto) {
            return None;
        }
        let token = self.token.as_deref().ok()?;
        let mut segments = token.split('.');
        let (h, c, s) = (segments.next()?, segments.next()?, segments.next()?);
        Some(Parts {
            header: h.len(),
            claims: c.len(),
            signature: s.len(),
        })
    }
}

impl Table {
    /// The table as JSON: one object per row, each cell with its bytes, ratio to the
    /// standard JWT, parts, or the reason it has no token.
    pub fn to_json(&self) -> String {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let reference = row.len(Format::StandardJwt);
                let cells: Vec<Value> = row
                    .cells
                    .iter()
                    .map(|cell| {
                        let mut v = serde_json::json!({"format": cell.format.name()});
                        match &cell.token {
                            Ok(t) => {
                                v["bytes"] = t.len().into();
                                if let Some(r) = reference {
                                    v["ratio"] = ratio(t.len(), r).into();
                                }
                                if let Some(without) = cell.len_without_extras() {
                                    v["bytes_without_extras"] = without.into();
                                    v["extras_bytes"] = t.len().saturating_sub(without).into();
                                }
                                if let Some(p) = cell.parts() {
                                    v["parts"] = serde_json::json!({
                                        "header": p.header, "claims": p.claims,
                                        "signature": p.signature});
                                }
                            }
                            Err(why) => v["unavailable"] = why.as_str().into(),
                        }
                        v
                    })
                    .collect();
                serde_json::json!({"kind": kind_name(row.kind), "algorithm": row.algorithm.name(),
                    "cells": cells})
            })
            .collect();
        serde_json::json!({"rows": rows, "extras": self.extras,
            "registered": self.registered})
        .to_string()
    }

    /// The table as CSV, one line per token: kind, algorithm, format, bytes, ratio, parts,
    /// bytes without the custom claims (empty when there are none), why there is no token.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "kind,algorithm,format,bytes,ratio,header,claims,signature,bytes_without_extras,\
             unavailable\n",
        );
        for row in &self.rows {
            let reference = row.len(Format::StandardJwt);
            for cell in &row.cells {
                let (bytes, ratio_text, why) = match (&cell.token, reference) {
                    (Ok(t), Some(r)) => {
                        (t.len().to_string(), format!("{:.2}", ratio(t.len(), r)), "")
                    }
                    (Ok(t), None) => (t.len().to_string(), String::new(), ""),
                    (Err(why), _) => (String::new(), String::new(), why.as_str()),
                };
                let parts = cell.parts().map_or(",,".to_owned(), |p| {
                    format!("{},{},{}", p.header, p.claims, p.signature)
                });
                let without = cell
                    .len_without_extras()
                    .map_or(String::new(), |n| n.to_string());
                out.push_str(&format!(
                    "{},{},{},{bytes},{ratio_text},{parts},{without},\"{}\"\n",
                    kind_name(row.kind),
                    row.algorithm.name(),
                    // "our compact, registered" has a comma: quoted, as RFC 4180 says.
                    match cell.format.name() {
                        name if name.contains(',') => format!("\"{name}\""),
                        name => name.to_owned(),
                    },
                    why.replace('"', "\"\"")
                ));
            }
        }
        out
    }

    /// A horizontal bar chart of the sizes, one group of bars per row, as an SVG document.
    pub fn svg(&self) -> String {
        const COLORS: [&str; 6] = [
            "#1b9e77", "#66c2a5", "#7570b3", "#d95f02", "#e7298a", "#a6761d",
        ];
        let (label_w, bar_max, bar_h, gap) = (190.0, 520.0, 16.0, 14.0);
        let longest = self
            .rows
            .iter()
            .flat_map(|r| Format::ALL.map(|f| r.len(f).unwrap_or(0)))
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let group_h = Format::ALL.len() as f64 * bar_h + gap + 18.0;
        let height = 40.0 + group_h * self.rows.len() as f64;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"{height}\" \
             font-family=\"sans-serif\" font-size=\"12\">\n\
             <text x=\"10\" y=\"20\" font-size=\"14\">Token size in bytes (same claims, \
             same keys; each token verified by the library that made it)</text>\n"
        );
        for (i, row) in self.rows.iter().enumerate() {
            let top = 40.0 + group_h * i as f64;
            svg.push_str(&format!(
                "<text x=\"10\" y=\"{}\" font-weight=\"bold\">{}</text>\n",
                top + 12.0,
                row.label()
            ));
            for (j, format) in Format::ALL.iter().enumerate() {
                let y = top + 18.0 + j as f64 * bar_h;
                svg.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n",
                    label_w - 6.0,
                    y + 12.0,
                    format.name()
                ));
                match row.len(*format) {
                    Some(n) => {
                        let w = bar_max * n as f64 / longest;
                        svg.push_str(&format!(
                            "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" \
                             fill=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{n}</text>\n",
                            bar_h - 3.0,
                            COLORS[j],
                            label_w + w + 4.0,
                            y + 12.0
                        ));
                    }
                    None => svg.push_str(&format!(
                        "<text x=\"{}\" y=\"{}\" fill=\"#888\">n/a</text>\n",
                        label_w + 4.0,
                        y + 12.0
                    )),
                }
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}

fn ratio(len: usize, reference: usize) -> f64 {
    (len as f64 / reference as f64 * 100.0).round() / 100.0
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Access => "access",
        Kind::Id => "ID",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minified_drops_whitespace_between_tokens_only() {
        assert_eq!(
            minified("{ \"a b\" : [1, \"x \\\" y\\\\\", {\"c\":\n\ttrue }] }\r\n"),
            "{\"a b\":[1,\"x \\\" y\\\\\",{\"c\":true}]}"
        );
    }

    #[test]
    fn rfc3339_of_known_times() {
        assert_eq!(rfc3339(0).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400).unwrap(), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_764_000_300).unwrap(), "2025-11-24T16:05:00Z");
        assert_eq!(rfc3339(253_402_300_800), None);
    }
}
