//! `ctok`: issue, verify and inspect compact-token tokens and keys from the command line.
//!
//! Exit status: 0 success, 1 token refused, 2 usage, 3 I/O or key error (see `fail`).

mod dpop;
mod fail;
mod input;
mod keyset;
mod remote;

use std::io::Write as _;
use std::process::ExitCode;

use base64ct::{Base64UrlUnpadded, Encoding};
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use compact_token::{
    AccessClaims, AccessPolicy, Algorithm, IdClaims, IdPolicy, KeyUse, Kind, Limits, Registry,
    compact, jws, jwt,
};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::{SystemClock, jwk, pem};
use ctok::demo;
use serde_json::{Map, Value, json};

use fail::{Exit, Failure, Outcome};
use input::Keys;

/// Small, strict access and ID tokens: keys, issuing, verifying, decoding.
///
/// Exit status: 0 success, 1 token refused, 2 usage, 3 I/O or key error.
#[derive(Parser)]
#[command(name = "ctok", version, arg_required_else_help = true)]
struct Cli {
    /// Errors (and decode, verify and keyset list output) as JSON; errors carry compact-token's stable code.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Issue, verify and attack sample tokens with fresh keys, and print their sizes.
    Demo {
        /// The time to issue and verify at, Unix seconds (default: now).
        #[arg(long)]
        now: Option<u64>,
    },
    /// Generate a key and print it (or write it, mode 0600) as a private JWK.
    Keygen(KeygenArgs),
    /// Print the public JWK (or, with --jwks, JWK set) of a key.
    Public(PublicArgs),
    /// Print the RFC 7638 thumbprint of a key.
    Thumbprint {
        /// The key: JWK or PEM file, or - for stdin.
        #[arg(long, value_name = "FILE")]
        key: String,
        #[command(flatten)]
        alg: KeyAlgArg,
    },
    /// Issue a token from claim options and/or a claims file.
    Issue(IssueArgs),
    /// Verify a token and print its claims as JSON.
    Verify(VerifyArgs),
    /// Show a token's header and claims WITHOUT verifying anything.
    Decode(DecodeArgs),
    /// Manage a private key-set file with rotation windows: create, add, retire, list,
    /// publish.
    #[command(subcommand)]
    Keyset(keyset::KeysetCommand),
    /// DPoP (RFC 9449): make or verify a proof, print the cnf claim that binds a token to a
    /// client key.
    #[command(subcommand)]
    Dpop(dpop::DpopCommand),
    /// Encode the same claims as our compact and jwt tokens, a standard JWT, a CWT and a
    /// PASETO token, and print their sizes.
    #[cfg(feature = "compare")]
    Compare(CompareArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum AlgArg {
    Eddsa,
    Es256,
    Hs256,
    /// RSA 2048, PKCS#1 v1.5 signatures.
    Rs256,
    /// RSA 2048, PSS signatures.
    Ps256,
}

impl AlgArg {
    fn algorithm(self) -> Algorithm {
        match self {
            AlgArg::Eddsa => Algorithm::EdDSA,
            AlgArg::Es256 => Algorithm::ES256,
            AlgArg::Hs256 => Algorithm::HS256,
            AlgArg::Rs256 => Algorithm::RS256,
            AlgArg::Ps256 => Algorithm::PS256,
        }
    }
}

/// The algorithm of a `--key` file that does not say it.
#[derive(Args)]
struct KeyAlgArg {
    /// The algorithm of the --key: required for an RSA PEM key (rs256 or ps256; a PEM does
    /// not say which), and if given, the key must be for it.
    #[arg(long = "alg", value_enum, value_name = "ALG")]
    alg: Option<AlgArg>,
}

impl KeyAlgArg {
    fn algorithm(&self) -> Option<Algorithm> {
        self.alg.map(AlgArg::algorithm)
    }
}

/// The text form of a key.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KeyFormatArg {
    /// A JWK (with kid and token_use).
    Jwk,
    /// PEM: PKCS#8 `PRIVATE KEY` or SPKI `PUBLIC KEY` (no kid, no use, and for RSA no
    /// algorithm: give --alg when reading it back).
    Pem,
}

#[derive(Clone, Copy, ValueEnum)]
enum UseArg {
    Access,
    Id,
    Both,
}

impl UseArg {
    fn key_use(self) -> KeyUse {
        match self {
            UseArg::Access => KeyUse::Access,
            UseArg::Id => KeyUse::Id,
            UseArg::Both => KeyUse::AccessAndId,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KindArg {
    Access,
    Id,
}

impl KindArg {
    fn kind(self) -> Kind {
        match self {
            KindArg::Access => Kind::Access,
            KindArg::Id => Kind::Id,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileArg {
    Jwt,
    Compact,
}

#[derive(Args)]
struct KeygenArgs {
    /// The algorithm.
    #[arg(long, value_enum)]
    alg: AlgArg,
    /// The key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// The kinds of token the key is for.
    #[arg(long = "use", value_enum, default_value = "access")]
    key_use: UseArg,
    /// Write the private key to this new file (mode 0600) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    /// Also write the public JWK set (with --format pem: the public PEM; not for hs256) to
    /// this file.
    #[arg(long, value_name = "FILE")]
    public: Option<String>,
    /// The output format (pem: not for hs256).
    #[arg(long, value_enum, default_value = "jwk")]
    format: KeyFormatArg,
}

#[derive(Args)]
struct PublicArgs {
    /// The key: JWK or PEM file, or - for stdin.
    #[arg(long, value_name = "FILE")]
    key: String,
    /// Print a JWK set (`{"keys":[...]}`) instead of a single JWK.
    #[arg(long)]
    jwks: bool,
    /// The kinds of token the published key verifies (`token_use`; default: the key's own,
    /// `access` for a PEM key).
    #[arg(long = "use", value_enum)]
    key_use: Option<UseArg>,
    /// The published key id (default: the key's own, or its RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// The output format (pem: an SPKI `PUBLIC KEY`, without kid or use).
    #[arg(long, value_enum, default_value = "jwk", conflicts_with = "jwks")]
    format: KeyFormatArg,
    #[command(flatten)]
    alg: KeyAlgArg,
}

/// Options shared by issue, verify and decode.
#[derive(Args)]
struct ProfileArgs {
    /// The token profile.
    #[arg(long, value_enum, default_value = "jwt")]
    profile: ProfileArg,
    /// The compact profile's registry: a JSON array of the registered strings.
    #[arg(long, value_name = "FILE")]
    registry: Option<String>,
}

impl ProfileArgs {
    fn registry_values(&self) -> Outcome<Vec<String>> {
        match &self.registry {
            Some(path) => input::registry_values(path),
            None => Ok(Vec::new()),
        }
    }
}

/// Options that tighten the kind's limits.
#[derive(Args)]
struct LimitArgs {
    /// Size budget, bytes (at most the kind's default: 1024 access, 4096 ID).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<usize>,
    /// Maximum lifetime exp - iat (at most the kind's default: 600 s access, 3600 s ID);
    /// seconds or N with s, m, h, d.
    #[arg(long, value_name = "DURATION")]
    max_lifetime: Option<String>,
}

impl LimitArgs {
    fn limits(&self, kind: Kind) -> Outcome<Limits> {
        let default = Limits::for_kind(kind);
        let mut limits = default;
        if let Some(n) = self.max_bytes {
            if n > default.max_bytes {
                return Err(Failure::usage(
                    "invalid --max-bytes",
                    format!("can only tighten the budget of {} bytes", default.max_bytes),
                ));
            }
            limits = limits.tighten_bytes(n);
        }
        if let Some(text) = &self.max_lifetime {
            let s = input::seconds("--max-lifetime", text)?;
            if s > default.max_lifetime {
                return Err(Failure::usage(
                    "invalid --max-lifetime",
                    format!(
                        "can only tighten the maximum lifetime of {} s",
                        default.max_lifetime
                    ),
                ));
            }
            limits = limits.tighten_lifetime(s);
        }
        Ok(limits)
    }
}

#[derive(Args)]
#[command(group(ArgGroup::new("signer").required(true).args(["key", "keyset"])))]
struct IssueArgs {
    /// The kind of token.
    #[arg(value_enum)]
    kind: KindArg,
    /// The private key: JWK or PEM file (PKCS#8, SEC1, PKCS#1), or - for stdin.
    #[arg(long, value_name = "FILE")]
    key: Option<String>,
    #[command(flatten)]
    alg: KeyAlgArg,
    /// A key-set file (`ctok keyset`) instead of --key: the key in service at iat and exp,
    /// for this kind, signs (the newest one).
    #[arg(long, value_name = "FILE")]
    keyset: Option<String>,
    /// Claims in standard JWT JSON (a file, or - for stdin); the options below override
    /// its members.
    #[arg(long, value_name = "FILE")]
    claims: Option<String>,
    /// Issuer.
    #[arg(long)]
    iss: Option<String>,
    /// Subject.
    #[arg(long)]
    sub: Option<String>,
    /// Audience (repeatable).
    #[arg(long)]
    aud: Vec<String>,
    /// client_id (access tokens).
    #[arg(long)]
    client_id: Option<String>,
    /// Space-separated scopes (access tokens).
    #[arg(long)]
    scope: Option<String>,
    /// nonce (ID tokens).
    #[arg(long)]
    nonce: Option<String>,
    /// Expiry: Unix seconds, or +N[s|m|h|d] after iat.
    #[arg(long, value_name = "TIME")]
    exp: Option<String>,
    /// Not before: Unix seconds, or +N[s|m|h|d] after iat.
    #[arg(long, value_name = "TIME")]
    nbf: Option<String>,
    /// Issued at, Unix seconds (default: --now).
    #[arg(long)]
    iat: Option<u64>,
    /// Token id; `auto` for 16 random bytes in hex.
    #[arg(long)]
    jti: Option<String>,
    /// A custom claim, NAME=VALUE: VALUE as JSON if it is JSON, else as a string
    /// (repeatable).
    #[arg(short = 'P', value_name = "NAME=VALUE")]
    claim: Vec<String>,
    /// The current time, Unix seconds (default: the system clock).
    #[arg(long)]
    now: Option<u64>,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Args)]
#[command(group(ArgGroup::new("verifier").required(true).args(["key", "keyset", "jwks", "discover"])))]
struct VerifyArgs {
    /// The kind of token expected.
    #[arg(value_enum)]
    kind: KindArg,
    /// A JWK, a public JWK set (the token's kid selects the key) or a PEM key; - for stdin.
    #[arg(long, value_name = "FILE")]
    key: Option<String>,
    #[command(flatten)]
    alg: KeyAlgArg,
    /// A key-set file (`ctok keyset`) instead of --key: the token's kid picks the key, which
    /// must be in service now.
    #[arg(long, value_name = "FILE")]
    keyset: Option<String>,
    /// A public JWK set: an https URL (fetched; plain http only to loopback, no redirects,
    /// 5 s, 256 KiB at most) or a file (- for stdin). The token's kid picks the key.
    #[arg(long, value_name = "URL|FILE")]
    jwks: Option<String>,
    /// The keys of --iss's OpenID Connect discovery document
    /// ({iss}/.well-known/openid-configuration, whose issuer must be --iss exactly).
    #[arg(long)]
    discover: bool,
    /// The issuer expected.
    #[arg(long)]
    iss: String,
    /// This resource server (access) or this client's client_id (ID token).
    #[arg(long)]
    aud: String,
    /// The time to verify at, Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// Clock leeway for exp, nbf, iat: seconds or N with s, m (at most 300 s; default 30 s).
    #[arg(long, value_name = "DURATION")]
    leeway: Option<String>,
    /// A scope the access token must grant (repeatable).
    #[arg(long)]
    scope: Vec<String>,
    /// The nonce the ID token must carry.
    #[arg(long)]
    nonce: Option<String>,
    /// The access token the ID token's at_hash must bind.
    #[arg(long, value_name = "TOKEN")]
    access_token: Option<String>,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    dpop: dpop::DpopArgs,
    /// The token, or - for stdin.
    token: String,
}

#[derive(Args)]
struct DecodeArgs {
    /// The profile the token must be in (default: whichever it is).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// The compact profile's registry, to check the token's registry fingerprint against.
    #[arg(long, value_name = "FILE")]
    registry: Option<String>,
    /// The token, or - for stdin.
    token: String,
}

#[cfg(feature = "compare")]
#[derive(Args)]
struct CompareArgs {
    /// Your claims, a JSON object, or - for stdin (default: the sample claims of both kinds).
    #[arg(long, value_name = "FILE")]
    claims: Option<String>,
    /// The kind of token (default: access with --claims, both without).
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "md")]
    format: FormatArg,
    /// The registry of the "registered" column, a JSON array of strings (default: the
    /// claims' issuer, audiences and scope names).
    #[arg(long, value_name = "FILE")]
    registry: Option<String>,
    /// A kid every token's header carries.
    #[arg(long)]
    kid: Option<String>,
    /// Size budget for our tokens, bytes (default: none beyond the library's maximum, so
    /// large claims compare too).
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<usize>,
    /// Also write a bar chart of the sizes to this SVG file.
    #[arg(long, value_name = "FILE")]
    svg: Option<String>,
}

#[cfg(feature = "compare")]
#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Md,
    Json,
    Csv,
}

fn now_or_clock(now: Option<u64>) -> u64 {
    now.unwrap_or_else(SystemClock::now)
}

/// Writes a new file with mode 0600 (owner read/write only); refuses to overwrite.
fn write_private(path: &str, text: &str) -> Outcome<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| Failure::io(format!("cannot create {path}"), e))?;
    file.write_all(text.as_bytes())
        .map_err(|e| Failure::io(format!("cannot write {path}"), e))
}

fn keygen(a: KeygenArgs) -> Outcome<()> {
    let key = AnySigningKey::generate(a.alg.algorithm(), a.key_use.key_use())
        .map_err(|e| Failure::std(Exit::Io, "cannot generate a key", e))?;
    let kid = a
        .kid
        .unwrap_or_else(|| jwk::thumbprint(&key.verifying_key()));
    let key = key
        .with_kid(&kid)
        .map_err(|e| Failure::std(Exit::Usage, "invalid --kid", e))?;
    let pem = a.format == KeyFormatArg::Pem;
    if let AnySigningKey::Hs256(_) = &key {
        if a.public.is_some() {
            return Err(Failure::usage(
                "--public",
                "an hs256 secret has no public key",
            ));
        }
        if pem {
            return Err(Failure::usage(
                "--format pem",
                "an hs256 secret has no pem form",
            ));
        }
    }
    if let Some(path) = &a.public {
        let public = if pem {
            pem::verifying_key_to_pem(&key.verifying_key())
                .map_err(|e| Failure::std(Exit::Io, "cannot write the public key", e))?
        } else {
            jwk::any_keys_to_jwks([&key.verifying_key()]) + "\n"
        };
        std::fs::write(path, public).map_err(|e| Failure::io(format!("cannot write {path}"), e))?;
    }
    let private = if pem {
        pem::signing_key_to_pem(&key)
            .map_err(|e| Failure::std(Exit::Io, "cannot write the key", e))?
    } else {
        let mut text = jwk::signing_key_to_jwk(&key);
        text.push('\n');
        text
    };
    match &a.out {
        Some(path) => write_private(path, &private),
        None => {
            print!("{}", private.as_str());
            Ok(())
        }
    }
}

fn public(a: PublicArgs) -> Outcome<()> {
    use compact_token::VerifyingKey as _;
    let default_use = a.key_use.map_or(KeyUse::Access, UseArg::key_use);
    let key = input::verifying_key(&a.key, a.alg.algorithm(), default_use)?;
    let no_public = |e| Failure::std(Exit::Usage, format!("invalid key {}", a.key), e);
    // SPKI is the key alone: reading it back with the use wanted re-keys any algorithm.
    let spki = pem::verifying_key_to_pem(&key).map_err(no_public)?;
    if a.format == KeyFormatArg::Pem {
        print!("{spki}");
        return Ok(());
    }
    let key_use = a.key_use.map_or(key.key_use(), UseArg::key_use);
    let kid = match (&a.kid, key.key_id()) {
        (Some(kid), _) => kid.clone(),
        (None, Some(kid)) => kid.to_owned(),
        (None, None) => jwk::thumbprint(&key),
    };
    let key = pem::verifying_key_from_pem(&spki, Some(key.algorithm()), key_use)
        .map_err(no_public)?
        .with_kid(&kid)
        .map_err(|e| Failure::std(Exit::Usage, "invalid --kid", e))?;
    if a.jwks {
        println!("{}", jwk::any_keys_to_jwks([&key]));
    } else {
        let one = match &key {
            AnyVerifyingKey::Ed25519(k) => jwk::public_key_to_jwk(k),
            AnyVerifyingKey::Es256(k) => jwk::public_key_to_jwk(k),
            AnyVerifyingKey::Rsa(k) => jwk::public_key_to_jwk(k),
            AnyVerifyingKey::Hs256(_) => {
                return Err(no_public(compact_token_std::Error::NoPublicKey));
            }
        };
        println!("{one}");
    }
    Ok(())
}

fn thumbprint(key: &str, alg: Option<Algorithm>) -> Outcome<()> {
    let key = input::verifying_key(key, alg, KeyUse::AccessAndId)?;
    println!("{}", jwk::thumbprint(&key));
    Ok(())
}

/// The claims of `ctok issue` as one JSON object: the claims file, then the options.
fn issue_claims(a: &IssueArgs, now: u64) -> Outcome<Map<String, Value>> {
    let mut claims = match &a.claims {
        Some(path) => {
            let text = input::read(path)?;
            match compact_token_std::claims_json::parse(&text) {
                Ok(Value::Object(map)) => map,
                _ => {
                    return Err(Failure::usage(
                        format!("invalid --claims {path}"),
                        "expected one JSON object with no member repeated",
                    ));
                }
            }
        }
        None => Map::new(),
    };
    let mut set = |name: &str, value: Option<Value>| {
        if let Some(value) = value {
            claims.insert(name.to_owned(), value);
        }
    };
    set("iss", a.iss.clone().map(Value::from));
    set("sub", a.sub.clone().map(Value::from));
    set(
        "aud",
        match a.aud.as_slice() {
            [] => None,
            [one] => Some(one.clone().into()),
            many => Some(many.to_vec().into()),
        },
    );
    set("client_id", a.client_id.clone().map(Value::from));
    set("scope", a.scope.clone().map(Value::from));
    set("nonce", a.nonce.clone().map(Value::from));
    set("iat", a.iat.map(Value::from));
    let jti = match a.jti.as_deref() {
        Some("auto") => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(|e| Failure::io("--jti auto", e))?;
            Some(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
        }
        other => other.map(str::to_owned),
    };
    set("jti", jti.map(Value::from));
    if !claims.contains_key("iat") {
        claims.insert("iat".into(), now.into());
    }
    let iat = claims["iat"]
        .as_u64()
        .ok_or_else(|| Failure::usage("invalid claims", "claim `iat` must be Unix seconds"))?;
    if let Some(exp) = &a.exp {
        claims.insert("exp".into(), input::time("--exp", exp, iat)?.into());
    }
    if let Some(nbf) = &a.nbf {
        claims.insert("nbf".into(), input::time("--nbf", nbf, iat)?.into());
    }
    for p in &a.claim {
        let Some((name, value)) = p.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(Failure::usage(
                format!("invalid -P {p:?}"),
                "expected NAME=VALUE",
            ));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        claims.insert(name.to_owned(), value);
    }
    let required: &[(&str, &str)] = match a.kind {
        KindArg::Access => &[
            ("iss", "--iss"),
            ("sub", "--sub"),
            ("aud", "--aud"),
            ("client_id", "--client-id"),
            ("exp", "--exp"),
            ("jti", "--jti"),
        ],
        KindArg::Id => &[
            ("iss", "--iss"),
            ("sub", "--sub"),
            ("aud", "--aud"),
            ("exp", "--exp"),
        ],
    };
    for (name, option) in required {
        if !claims.contains_key(*name) {
            return Err(Failure::usage(
                "missing claim",
                format!("`{name}`: give {option} or put it in --claims"),
            ));
        }
    }
    for (name, value) in &claims {
        let ok = match name.as_str() {
            "iss" | "sub" | "client_id" | "jti" | "scope" | "nonce" | "acr" | "azp" => {
                value.is_string()
            }
            "aud" => {
                value.is_string()
                    || value
                        .as_array()
                        .is_some_and(|a| a.iter().all(Value::is_string))
            }
            "iat" | "exp" | "nbf" | "auth_time" => value.is_u64(),
            _ => true,
        };
        if !ok {
            return Err(Failure::usage(
                "invalid claims",
                format!("claim `{name}` has the wrong type ({value})"),
            ));
        }
    }
    Ok(claims)
}

fn issue(a: IssueArgs) -> Outcome<()> {
    input::one_stdin(&[
        ("--key", a.key.as_deref()),
        ("--claims", a.claims.as_deref()),
    ])?;
    let kind = a.kind.kind();
    let limits = a.limits.limits(kind)?;
    let now = now_or_clock(a.now);
    let key = match &a.key {
        Some(path) => Some(input::signing_key(
            path,
            a.alg.algorithm(),
            input::use_of(kind),
        )?),
        None => None,
    };
    let claims = issue_claims(&a, now)?;
    let key = match (key, &a.keyset) {
        (Some(key), _) => key,
        (None, Some(path)) => {
            // Both are checked to be Unix seconds by `issue_claims`.
            let time = |name: &str| claims.get(name).and_then(Value::as_u64).unwrap_or(0);
            let (iat, exp) = (time("iat"), time("exp"));
            let set = keyset::load(path)?;
            let key = set.signing_key(kind, iat, exp).map_err(|e| match e {
                compact_token_std::Error::NoActiveKey => Failure::io(
                    format!("no key in {path} can sign"),
                    format!(
                        "none is for {} tokens and in service from iat {iat} to exp {exp}",
                        if kind == Kind::Access { "access" } else { "ID" }
                    ),
                ),
                other => Failure::std(Exit::Io, format!("no key in {path} can sign"), other),
            })?;
            key.clone()
        }
        (None, None) => return Err(Failure::usage("issue", "give --key or --keyset")),
    };
    let claims = Value::Object(claims).to_string();
    let values = a.profile.registry_values()?;
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let registry =
        Registry::new(&values).map_err(|e| Failure::token(Exit::Usage, "invalid --registry", e))?;
    let mut scratch = vec![0u8; claims.len()];
    let invalid = |e| Failure::token(Exit::Usage, "invalid claims", e);
    let mut out = vec![0u8; limits.max_bytes];
    let compact = a.profile.profile == ProfileArg::Compact;
    let token = match kind {
        Kind::Access => {
            let c = AccessClaims::from_json(&claims, &mut scratch).map_err(invalid)?;
            if compact {
                compact::issue_access(&c, &key, &limits, &registry, &mut out)
            } else {
                jwt::issue_access(&c, &key, &limits, &mut out)
            }
        }
        Kind::Id => {
            let c = IdClaims::from_json(&claims, &mut scratch).map_err(invalid)?;
            if compact {
                compact::issue_id(&c, &key, &limits, &registry, &mut out)
            } else {
                jwt::issue_id(&c, &key, &limits, &mut out)
            }
        }
    }
    .map_err(|e| Failure::token(Exit::Refused, "cannot issue", e))?;
    println!("{token}");
    Ok(())
}

/// A token argument, or stdin for `-`, trimmed.
fn token_arg(token: &str) -> Outcome<String> {
    Ok(match token {
        "-" => input::read("-")?.trim().to_owned(),
        t => t.trim().to_owned(),
    })
}

/// The header of a token as JSON (the base64url-decoded first segment, not checked).
fn header_json(token: &str) -> Outcome<Value> {
    let refused = |e| Failure::token(Exit::Refused, "not a token", e);
    let parts = jws::split(token).map_err(refused)?;
    let bytes = Base64UrlUnpadded::decode_vec(parts.header)
        .map_err(|_| refused(compact_token::Error::Base64))?;
    serde_json::from_slice(&bytes).map_err(|_| refused(compact_token::Error::MalformedHeader))
}

/// Verified claims as JSON: the typed claims and every custom claim.
fn claims_json<C: serde::Serialize>(typed: &C, extra: &compact_token::Extras<&str>) -> Value {
    let mut value = serde_json::to_value(typed).unwrap_or_default();
    if let Value::Object(map) = &mut value {
        for (name, v) in extra.iter() {
            let name: String = name.chars().collect();
            let v = serde_json::from_str(v.raw()).unwrap_or(Value::Null);
            map.insert(name, v);
        }
    }
    value
}

fn verify(a: VerifyArgs, as_json: bool) -> Outcome<()> {
    input::one_stdin(&[
        ("--key", a.key.as_deref()),
        ("--jwks", a.jwks.as_deref()),
        ("TOKEN", Some(&a.token)),
    ])?;
    let kind = a.kind.kind();
    let limits = a.limits.limits(kind)?;
    let leeway = match &a.leeway {
        Some(l) => input::seconds("--leeway", l)?,
        None => compact_token::DEFAULT_LEEWAY,
    };
    if leeway > compact_token::MAX_LEEWAY {
        return Err(Failure::usage(
            "invalid --leeway",
            format!("at most {} s", compact_token::MAX_LEEWAY),
        ));
    }
    let (keys, key_path) = match (&a.key, &a.keyset) {
        (Some(path), _) => (
            Keys::read(path, a.alg.algorithm(), input::use_of(kind))?,
            path,
        ),
        (None, Some(path)) => (Keys::Set(keyset::load(path)?), path),
        (None, None) => remote::keys(a.jwks.as_ref(), a.discover, &a.iss, input::use_of(kind))?,
    };
    let values = a.profile.registry_values()?;
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let registry =
        Registry::new(&values).map_err(|e| Failure::token(Exit::Usage, "invalid --registry", e))?;
    let now = now_or_clock(a.now);
    let token = token_arg(&a.token)?;
    let key = keys.key_for(key_path, &token, kind, now)?;
    // A JWK set's key, picked by the token's kid, must be for --alg too.
    if let Some(alg) = a.alg.algorithm()
        && compact_token::VerifyingKey::algorithm(key) != alg
    {
        let e = compact_token_std::Error::AlgorithmMismatch;
        return Err(Failure::std(Exit::Io, format!("invalid key {key_path}"), e));
    }
    let mut scratch = vec![0u8; 4 * token.len() + 64];
    let compact = a.profile.profile == ProfileArg::Compact;
    let refused = |e| Failure::token(Exit::Refused, "token refused", e);
    let claims = match kind {
        Kind::Access => {
            let scopes: Vec<&str> = a.scope.iter().map(String::as_str).collect();
            let policy = AccessPolicy::new(&a.iss, &a.aud)
                .require_scopes(&scopes)
                .with_leeway(leeway)
                .with_limits(limits);
            let c = if a.dpop.given()? {
                let profile = if compact {
                    compact_token::dpop::Profile::Compact(&registry)
                } else {
                    compact_token::dpop::Profile::Jwt
                };
                Ok(dpop::verify_access(
                    &a.dpop,
                    &token,
                    key,
                    profile,
                    &policy,
                    now,
                    &mut scratch,
                )?)
            } else if compact {
                compact::verify_access(&token, key, &policy, &registry, now, &mut scratch)
            } else {
                jwt::verify_access(&token, key, &policy, now, &mut scratch)
            }
            .map_err(refused)?;
            claims_json(&c, &c.extra)
        }
        Kind::Id => {
            if a.dpop.given()? {
                return Err(Failure::usage("verify", "--dpop is for access tokens"));
            }
            let mut policy = IdPolicy::new(&a.iss, &a.aud)
                .with_leeway(leeway)
                .with_limits(limits);
            if let Some(nonce) = &a.nonce {
                policy = policy.expect_nonce(nonce);
            }
            if let Some(at) = &a.access_token {
                policy = policy.expect_access_token(at);
            }
            let c = if compact {
                compact::verify_id(&token, key, &policy, &registry, now, &mut scratch)
            } else {
                jwt::verify_id(&token, key, &policy, now, &mut scratch)
            }
            .map_err(refused)?;
            claims_json(&c, &c.extra)
        }
    };
    let out = if as_json {
        json!({"header": header_json(&token)?, "claims": claims})
    } else {
        claims
    };
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(())
}

/// What the first bytes of a compact payload say: kind, version, registry fingerprint.
fn compact_summary(payload: &[u8], registry: Option<&Registry<'_>>) -> Outcome<Value> {
    let refused = |e| Failure::token(Exit::Refused, "not a token", e);
    let tag = *payload
        .first()
        .ok_or(refused(compact_token::Error::MalformedClaims))?;
    let version = (tag >> 2) & 0x0F;
    let kind = match tag & 0x03 {
        0 => "access",
        1 => "id",
        _ => "unknown",
    };
    // The flags are a varint; bit 0 says a 16-byte registry fingerprint follows.
    let mut flags = 0u64;
    let mut at = 1;
    for (i, b) in payload[1..].iter().take(10).enumerate() {
        flags |= u64::from(b & 0x7F) << (7 * i);
        at += 1;
        if b & 0x80 == 0 {
            break;
        }
    }
    let mut summary = json!({
        "format_version": version,
        "kind": kind,
        "payload_bytes": payload.len(),
        "registered_values": flags & 1 == 1,
    });
    if flags & 1 == 1 {
        let fp = payload
            .get(at..at + compact_token::FINGERPRINT_LEN)
            .ok_or(refused(compact_token::Error::MalformedClaims))?;
        let hex: String = fp.iter().map(|b| format!("{b:02x}")).collect();
        summary["registry_fingerprint"] = hex.into();
        if let Some(r) = registry {
            summary["registry_matches"] = (r.fingerprint() == fp).into();
        }
    }
    Ok(summary)
}

/// The largest token `decode` reads: inspection, not acceptance, so far beyond any default
/// budget (as `compare`'s), yet bounded.
const DECODE_MAX_BYTES: usize = 64 * 1024;

/// A compact token's claims as JSON, read by compact-token's own decoder **without verifying
/// anything** (`compact::decode_unverified`): typed claims and every custom claim.
fn compact_claims(token: &str, registry: Option<&Registry<'_>>) -> Outcome<Value> {
    let limits = Limits {
        max_bytes: DECODE_MAX_BYTES,
        max_lifetime: compact_token::MAX_DATE,
    };
    let read = |scratch: &mut [u8]| {
        let reg = registry.unwrap_or(&Registry::EMPTY);
        compact::decode_unverified(token, &limits, reg, scratch).map(|claims| match claims {
            compact::Unverified::Access(c) => claims_json(&c, &c.extra),
            compact::Unverified::Id(c) => claims_json(&c, &c.extra),
        })
    };
    // Registered scope names expand beyond the usual bound: the error says how much.
    let claims = match read(&mut vec![0u8; 4 * token.len() + 64]) {
        Err(compact_token::Error::BufferTooSmall { needed }) => read(&mut vec![0u8; needed]),
        other => other,
    };
    claims.map_err(|e| {
        let context = match (e, registry) {
            (compact_token::Error::RegistryMismatch, None) => {
                "cannot read the compact claims without --registry"
            }
            _ => "cannot read the compact claims",
        };
        Failure::token(Exit::Refused, context, e)
    })
}

fn decode(a: DecodeArgs, as_json: bool) -> Outcome<()> {
    let token = token_arg(&a.token)?;
    let header = header_json(&token)?;
    let refused = |e| Failure::token(Exit::Refused, "not a token", e);
    let parts = jws::split(&token).map_err(refused)?;
    let payload = Base64UrlUnpadded::decode_vec(parts.payload)
        .map_err(|_| refused(compact_token::Error::Base64))?;
    let is_jwt = payload.first() == Some(&b'{');
    let profile = if is_jwt {
        ProfileArg::Jwt
    } else {
        ProfileArg::Compact
    };
    if a.profile.is_some_and(|p| p != profile) {
        return Err(refused(compact_token::Error::WrongProfile));
    }
    let values = match &a.registry {
        Some(path) => input::registry_values(path)?,
        None => Vec::new(),
    };
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let registry = match &a.registry {
        Some(_) => Some(
            Registry::new(&values)
                .map_err(|e| Failure::token(Exit::Usage, "invalid --registry", e))?,
        ),
        None => None,
    };
    let (profile_name, claims, compact) = if is_jwt {
        let claims: Value = serde_json::from_slice(&payload)
            .map_err(|_| refused(compact_token::Error::MalformedClaims))?;
        ("jwt", claims, Value::Null)
    } else {
        let summary = compact_summary(&payload, registry.as_ref())?;
        (
            "compact",
            compact_claims(&token, registry.as_ref())?,
            summary,
        )
    };
    if as_json {
        let mut out =
            json!({"verified": false, "profile": profile_name, "header": header, "claims": claims});
        if !compact.is_null() {
            out["compact"] = compact;
        }
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(());
    }
    println!("UNVERIFIED: nothing below is checked (no signature, no claims); use `ctok verify`.");
    println!("profile: {profile_name}");
    println!("header: {header}");
    if !is_jwt {
        println!("compact payload: {compact}");
    }
    println!(
        "claims: {}",
        serde_json::to_string_pretty(&claims).unwrap_or_default()
    );
    Ok(())
}

#[cfg(feature = "compare")]
fn compare(a: CompareArgs) -> Outcome<()> {
    use ctok::compare::{self, Options};
    let keys = demo::DemoKeys::generate()
        .map_err(|e| Failure::std(Exit::Io, "cannot generate keys", e))?;
    let registry = match &a.registry {
        Some(path) => Some(input::registry_values(path)?),
        None => None,
    };
    let options = Options {
        registry,
        kid: a.kid.clone(),
        max_bytes: a.max_bytes,
    };
    let table = match &a.claims {
        Some(path) => {
            let kind = a.kind.unwrap_or(KindArg::Access).kind();
            let text = input::read(path)?;
            compact_token_std::claims_json::parse(&text).map_err(|_| {
                Failure::usage(
                    format!("invalid --claims {path}"),
                    "expected one JSON object with no member repeated",
                )
            })?;
            compare::compare_text(&text, kind, &keys, &options)
                .map_err(|e| Failure::std(Exit::Usage, "cannot encode these claims", e))?
        }
        None => {
            let now = SystemClock::now();
            let mut table = compare::sample_table_with(&keys, now, &options)
                .map_err(|e| Failure::std(Exit::Usage, "compare failed", e))?;
            if let Some(kind) = a.kind {
                table.rows.retain(|r| r.kind == kind.kind());
            }
            table
        }
    };
    if let Some(path) = &a.svg {
        std::fs::write(path, table.svg())
            .map_err(|e| Failure::io(format!("cannot write {path}"), e))?;
    }
    match a.format {
        FormatArg::Md => print!("{table}"),
        FormatArg::Json => println!("{}", table.to_json()),
        FormatArg::Csv => print!("{}", table.to_csv()),
    }
    Ok(())
}

fn run(cli: Cli) -> Outcome<()> {
    match cli.command {
        Command::Demo { now } => {
            let keys = demo::DemoKeys::generate()
                .map_err(|e| Failure::std(Exit::Io, "cannot generate keys", e))?;
            let report = demo::run(&keys, now_or_clock(now))
                .map_err(|e| Failure::std(Exit::Refused, "demo failed", e))?;
            print!("{report}");
            Ok(())
        }
        Command::Keygen(a) => keygen(a),
        Command::Public(a) => public(a),
        Command::Thumbprint { key, alg } => thumbprint(&key, alg.algorithm()),
        Command::Issue(a) => issue(a),
        Command::Verify(a) => verify(a, cli.json),
        Command::Decode(a) => decode(a, cli.json),
        Command::Keyset(c) => keyset::run(c, cli.json),
        Command::Dpop(c) => dpop::run(c, cli.json),
        #[cfg(feature = "compare")]
        Command::Compare(a) => compare(a),
    }
}

fn main() -> ExitCode {
    let json = std::env::args().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    print!("{e}");
                    return ExitCode::SUCCESS;
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    eprint!("{e}");
                    return ExitCode::from(Exit::Usage as u8);
                }
                _ => {}
            }
            let text = e.to_string();
            let first = text.split("\n\n").next().unwrap_or_default();
            let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
            let failure = Failure::usage("usage", line.trim_start_matches("error: "));
            return report(&failure, json);
        }
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure, json),
    }
}

fn report(failure: &Failure, json: bool) -> ExitCode {
    if json {
        println!("{}", failure.to_json());
    } else {
        eprintln!("ctok: {failure}");
    }
    ExitCode::from(failure.exit as u8)
}
