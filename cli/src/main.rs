//! `ctok`: issue, verify and inspect compact-token tokens and keys from the command line.
//!
//! Errors print one line to stderr and exit with status 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use compact_token::{AccessPolicy, Algorithm, IdPolicy, KeyUse, Kind, Limits, jwt};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::keyset::KeySet;
use compact_token_std::{SystemClock, claims_json, jwk};
use ctok::demo;

/// Small, strict access and ID tokens: keys, issuing, verifying.
#[derive(Parser)]
#[command(name = "ctok", version)]
struct Cli {
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
    /// Generate a key and print it as a private JWK.
    Keygen {
        /// The algorithm.
        #[arg(long, value_enum)]
        alg: AlgArg,
        /// The key id (default: the RFC 7638 thumbprint).
        #[arg(long)]
        kid: Option<String>,
        /// The kinds of token the key is for.
        #[arg(long = "use", value_enum, default_value = "access")]
        key_use: UseArg,
        /// Also write the public JWK set (EdDSA only) to this file.
        #[arg(long, value_name = "FILE")]
        public: Option<PathBuf>,
    },
    /// Print the public JWK (or, with --jwks, JWK set) of a private EdDSA JWK.
    Public {
        /// The private JWK file.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Print a JWK set (`{"keys":[...]}`) instead of a single JWK.
        #[arg(long)]
        jwks: bool,
    },
    /// Issue a token (jwt profile) from claims in standard JWT JSON.
    Issue {
        /// The kind of token.
        #[arg(value_enum)]
        kind: KindArg,
        /// The private JWK to sign with.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The claims, a JSON object.
        #[arg(long, value_name = "FILE")]
        claims: PathBuf,
    },
    /// Verify a token (jwt profile) and print its claims as JSON.
    Verify(VerifyArgs),
    /// Encode the same claims as our compact and jwt tokens, a standard JWT, a CWT and a
    /// PASETO token, and print their sizes as a Markdown table.
    #[cfg(feature = "compare")]
    Compare {
        /// Your claims, a JSON object (default: the sample claims of both kinds).
        #[arg(long, value_name = "FILE")]
        claims: Option<PathBuf>,
        /// The kind of token (default: access with --claims, both without).
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum AlgArg {
    Eddsa,
    Hs256,
}

#[derive(Clone, Copy, ValueEnum)]
enum UseArg {
    Access,
    Id,
    Both,
}

#[derive(Clone, Copy, ValueEnum)]
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

    /// The use assumed for a key file without `token_use`: the kind at hand.
    fn default_use(self) -> KeyUse {
        match self {
            KindArg::Access => KeyUse::Access,
            KindArg::Id => KeyUse::Id,
        }
    }
}

/// A one-line error message.
type CliResult<T> = Result<T, String>;

fn context<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn read(path: &Path) -> CliResult<String> {
    std::fs::read_to_string(path).map_err(context(&format!("cannot read {}", path.display())))
}

fn keygen(
    alg: AlgArg,
    kid: Option<String>,
    key_use: UseArg,
    public: Option<PathBuf>,
) -> CliResult<()> {
    let alg = match alg {
        AlgArg::Eddsa => Algorithm::EdDSA,
        AlgArg::Hs256 => Algorithm::HS256,
    };
    let key_use = match key_use {
        UseArg::Access => KeyUse::Access,
        UseArg::Id => KeyUse::Id,
        UseArg::Both => KeyUse::AccessAndId,
    };
    let key = AnySigningKey::generate(alg, key_use).map_err(context("cannot generate a key"))?;
    let kid = kid.unwrap_or_else(|| jwk::thumbprint(&key.verifying_key()));
    let key = key.with_kid(&kid).map_err(context("invalid --kid"))?;
    if let Some(path) = public {
        let AnySigningKey::Ed25519(ed) = &key else {
            return Err("--public: an hs256 secret has no public key".into());
        };
        let jwks = jwk::public_keys_to_jwks([&ed.verifying_key()]);
        std::fs::write(&path, jwks + "\n")
            .map_err(context(&format!("cannot write {}", path.display())))?;
    }
    println!("{}", jwk::signing_key_to_jwk(&key).as_str());
    Ok(())
}

fn public(key: &Path, jwks: bool) -> CliResult<()> {
    let text = read(key)?;
    let key = jwk::verifying_key_from_jwk(&text, KeyUse::Access).map_err(context("invalid key"))?;
    let AnyVerifyingKey::Ed25519(ed) = key else {
        return Err("an hs256 secret has no public key".into());
    };
    if jwks {
        println!("{}", jwk::public_keys_to_jwks([&ed]));
    } else {
        println!("{}", jwk::public_key_to_jwk(&ed));
    }
    Ok(())
}

fn issue(kind: KindArg, key: &Path, claims: &Path) -> CliResult<()> {
    let key = jwk::signing_key_from_jwk(&read(key)?, kind.default_use())
        .map_err(context("invalid key"))?;
    let claims = claims_json::parse(&read(claims)?).map_err(context("invalid claims"))?;
    let mut out = vec![0u8; Limits::ID.max_bytes];
    let token = match kind {
        KindArg::Access => {
            let claims = claims_json::access_claims(&claims).map_err(context("invalid claims"))?;
            jwt::issue_access(&claims, &key, &Limits::ACCESS, &mut out)
        }
        KindArg::Id => {
            let claims = claims_json::id_claims(&claims).map_err(context("invalid claims"))?;
            jwt::issue_id(&claims, &key, &Limits::ID, &mut out)
        }
    }
    .map_err(context("cannot issue"))?;
    println!("{token}");
    Ok(())
}

/// The verifying keys of a key file: a public JWK set, or one JWK.
enum Keys {
    Set(KeySet),
    One(Box<AnyVerifyingKey>),
}

impl Keys {
    fn read(path: &Path, default_use: KeyUse) -> CliResult<Self> {
        let text = read(path)?;
        let is_set =
            serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| v.get("keys").is_some());
        if is_set {
            KeySet::from_public_jwks(&text, default_use).map(Keys::Set)
        } else {
            jwk::verifying_key_from_jwk(&text, default_use).map(|k| Keys::One(Box::new(k)))
        }
        .map_err(context("invalid key"))
    }

    fn key_for(&self, token: &str, kind: Kind, now: u64) -> CliResult<&AnyVerifyingKey> {
        match self {
            Keys::Set(set) => set
                .verifying_key(token, kind, now)
                .map_err(context("no key for this token")),
            Keys::One(key) => Ok(key),
        }
    }
}

/// What `ctok verify` was asked.
#[derive(Args)]
struct VerifyArgs {
    /// The kind of token expected.
    #[arg(value_enum)]
    kind: KindArg,
    /// A JWK, or a public JWK set (the token's kid selects the key).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The issuer expected.
    #[arg(long)]
    iss: String,
    /// This resource server (access) or this client's client_id (ID token).
    #[arg(long)]
    aud: String,
    /// The time to verify at, Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// A scope the access token must grant (repeatable).
    #[arg(long)]
    scope: Vec<String>,
    /// The nonce the ID token must carry.
    #[arg(long)]
    nonce: Option<String>,
    /// The token.
    token: String,
}

fn verify(a: VerifyArgs) -> CliResult<()> {
    let keys = Keys::read(&a.key, a.kind.default_use())?;
    let now = a.now.unwrap_or_else(SystemClock::now);
    let token = a.token.trim();
    let key = keys.key_for(token, a.kind.kind(), now)?;
    let mut scratch = vec![0u8; 2 * token.len()];
    let json = match a.kind {
        KindArg::Access => {
            let scopes: Vec<&str> = a.scope.iter().map(String::as_str).collect();
            let policy = AccessPolicy::new(&a.iss, &a.aud).require_scopes(&scopes);
            jwt::verify_access(token, key, &policy, now, &mut scratch)
                .map(|claims| serde_json::to_string_pretty(&claims))
        }
        KindArg::Id => {
            let mut policy = IdPolicy::new(&a.iss, &a.aud);
            if let Some(nonce) = &a.nonce {
                policy = policy.expect_nonce(nonce);
            }
            jwt::verify_id(token, key, &policy, now, &mut scratch)
                .map(|claims| serde_json::to_string_pretty(&claims))
        }
    }
    .map_err(context("token refused"))?
    .map_err(context("cannot print claims"))?;
    println!("{json}");
    Ok(())
}

#[cfg(feature = "compare")]
fn compare(claims: Option<&Path>, kind: Option<KindArg>) -> CliResult<()> {
    use ctok::compare;
    let keys = demo::DemoKeys::generate().map_err(context("cannot generate keys"))?;
    let table = match claims {
        Some(path) => {
            let kind = kind.unwrap_or(KindArg::Access);
            let limits = Limits::for_kind(kind.kind());
            let claims = claims_json::parse(&read(path)?).map_err(context("invalid claims"))?;
            compare::compare(&claims, kind.kind(), &keys).map_err(|e| match e {
                compact_token_std::Error::Token(compact_token::Error::OverBudget) => format!(
                    "these claims do not fit an {} token: over its size budget of {} bytes",
                    match kind {
                        KindArg::Access => "access",
                        KindArg::Id => "ID",
                    },
                    limits.max_bytes
                ),
                e => format!("cannot encode these claims: {e}"),
            })?
        }
        None => {
            let now = SystemClock::now();
            let mut table = compare::sample_table(&keys, now).map_err(context("compare failed"))?;
            if let Some(kind) = kind {
                table.rows.retain(|r| r.kind == kind.kind());
            }
            table
        }
    };
    print!("{table}");
    Ok(())
}

fn run(cli: Cli) -> CliResult<()> {
    match cli.command {
        Command::Demo { now } => {
            let keys = demo::DemoKeys::generate().map_err(context("cannot generate keys"))?;
            let report = demo::run(&keys, now.unwrap_or_else(SystemClock::now))
                .map_err(context("demo failed"))?;
            print!("{report}");
            Ok(())
        }
        Command::Keygen {
            alg,
            kid,
            key_use,
            public: p,
        } => keygen(alg, kid, key_use, p),
        Command::Public { key, jwks } => public(&key, jwks),
        Command::Issue { kind, key, claims } => issue(kind, &key, &claims),
        Command::Verify(args) => verify(args),
        #[cfg(feature = "compare")]
        Command::Compare { claims, kind } => compare(claims.as_deref(), kind),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version.
            print!("{e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let text = e.to_string();
            let first = text.split("\n\n").next().unwrap_or_default();
            let line = first.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("ctok: {}", line.trim_start_matches("error: "));
            return ExitCode::FAILURE;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ctok: {message}");
            ExitCode::FAILURE
        }
    }
}
