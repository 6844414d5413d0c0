//! DPoP (RFC 9449) on the command line: `ctok dpop proof` makes a proof with a client key,
//! `ctok dpop verify` checks one for a request, `ctok dpop cnf` prints the `cnf` claim that
//! binds an access token to a client's public key, and `ctok verify --dpop PROOF --htm M
//! --htu U` verifies a bound access token with its proof in one call.
//!
//! Each run is its own process, so the replay check remembers only that run's proof: a
//! server keeps one cache for all requests (`compact_token_std::dpop::ReplayCache`).

use clap::{Args, Subcommand};
use compact_token::dpop::{self, Presented, Profile, ProofClaims, ProofKey, ProofPolicy};
use compact_token::{AccessClaims, AccessPolicy, KeyUse, VerifyingKey};
use compact_token_std::SystemClock;
use compact_token_std::dpop::{ReplayCache, proof_key_from_jwk};
use compact_token_std::keys::AnySigningKey;
use serde_json::json;

use crate::fail::{Exit, Failure, Outcome};
use crate::input;

/// `ctok dpop ...`.
#[derive(Subcommand)]
pub enum DpopCommand {
    /// Make a DPoP proof for a request, signed with a client key (ES256 or Ed25519), and
    /// print it.
    Proof(ProofArgs),
    /// Verify a DPoP proof for a request and print its key's thumbprint (jkt) and its iat.
    Verify(VerifyProofArgs),
    /// Print the cnf claim that binds an access token to a client's public key (for
    /// `ctok issue --claims`).
    Cnf {
        /// The client's public key: a JWK file, or - for stdin.
        #[arg(long, value_name = "FILE")]
        key: String,
    },
}

/// The request a proof is for.
#[derive(Args)]
pub struct RequestArgs {
    /// The request's HTTP method (compared exactly: GET, POST, ...).
    #[arg(long, value_name = "METHOD")]
    htm: Option<String>,
    /// The request's URI (a query and fragment are not compared).
    #[arg(long, value_name = "URI")]
    htu: Option<String>,
    /// The server nonce the proof must carry.
    #[arg(long, value_name = "NONCE")]
    dpop_nonce: Option<String>,
}

impl RequestArgs {
    fn request(&self) -> Outcome<(&str, &str)> {
        match (&self.htm, &self.htu) {
            (Some(m), Some(u)) => Ok((m, u)),
            _ => Err(Failure::usage("dpop", "give --htm and --htu")),
        }
    }

    fn policy<'p>(&'p self, replay: &'p ReplayCache) -> Outcome<ProofPolicy<'p>> {
        let (htm, htu) = self.request()?;
        let policy = ProofPolicy::new(htm, htu, replay);
        Ok(match &self.dpop_nonce {
            Some(n) => policy.require_nonce(n),
            None => policy,
        })
    }
}

/// `ctok verify --dpop`: the proof sent with the access token.
#[derive(Args)]
pub struct DpopArgs {
    /// The DPoP proof sent with the access token (or - for stdin): verifies that the token
    /// is bound to the proof's key (needs --htm and --htu).
    #[arg(long, value_name = "PROOF")]
    dpop: Option<String>,
    #[command(flatten)]
    request: RequestArgs,
}

/// `ctok dpop proof`.
#[derive(Args)]
pub struct ProofArgs {
    /// The client's private key: a JWK or PEM file, or - for stdin.
    #[arg(long, value_name = "FILE")]
    key: String,
    #[command(flatten)]
    request: RequestArgs,
    /// The access token the proof goes with (its hash is written as ath).
    #[arg(long, value_name = "TOKEN")]
    access_token: Option<String>,
    /// The proof's jti (default: 16 random bytes, base64url).
    #[arg(long)]
    jti: Option<String>,
    /// The proof's iat, Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
}

/// `ctok dpop verify`.
#[derive(Args)]
pub struct VerifyProofArgs {
    /// The proof, or - for stdin.
    #[arg(long, value_name = "PROOF")]
    proof: String,
    #[command(flatten)]
    request: RequestArgs,
    /// The access token the proof must hash (ath); without it ath is not checked.
    #[arg(long, value_name = "TOKEN")]
    access_token: Option<String>,
    /// The time to verify at, Unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
}

fn refused(e: compact_token::Error) -> Failure {
    Failure::token(Exit::Refused, "dpop proof refused", e)
}

fn text_arg(value: &str) -> Outcome<String> {
    Ok(match value {
        "-" => input::read("-")?.trim().to_owned(),
        v => v.trim().to_owned(),
    })
}

/// Runs a `ctok dpop` command.
pub fn run(command: DpopCommand, _json: bool) -> Outcome<()> {
    match command {
        DpopCommand::Proof(a) => proof(a),
        DpopCommand::Verify(a) => verify_proof(a),
        DpopCommand::Cnf { key } => {
            let text = input::read(&key)?;
            let key = proof_key_from_jwk(&text)
                .map_err(|e| Failure::std(Exit::Io, format!("invalid key {key}"), e))?;
            println!("{}", json!({"cnf": {"jkt": key.jkt().as_str()}}));
            Ok(())
        }
    }
}

fn proof(a: ProofArgs) -> Outcome<()> {
    let (htm, htu) = a.request.request()?;
    let key = input::signing_key(&a.key, None, KeyUse::Access)?;
    let jti = match &a.jti {
        Some(j) => j.clone(),
        None => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(|e| Failure::io("jti", e))?;
            <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&bytes)
        }
    };
    let access_token = a.access_token.as_deref().map(text_arg).transpose()?;
    let claims = ProofClaims {
        htm,
        htu,
        iat: a.now.unwrap_or_else(SystemClock::now),
        jti: &jti,
        access_token: access_token.as_deref(),
        nonce: a.request.dpop_nonce.as_deref(),
    };
    let mut out = [0u8; dpop::MAX_PROOF_LEN];
    let issued = match &key {
        AnySigningKey::Ed25519(k) => dpop::issue_proof(k, &claims, &mut out),
        AnySigningKey::Es256(k) => dpop::issue_proof(k, &claims, &mut out),
        _ => {
            return Err(Failure::usage(
                "invalid --key",
                "a DPoP key is ES256 (EC P-256) or Ed25519 (OKP)",
            ));
        }
    };
    println!(
        "{}",
        issued.map_err(|e| Failure::token(Exit::Refused, "cannot make proof", e))?
    );
    Ok(())
}

fn verify_proof(a: VerifyProofArgs) -> Outcome<()> {
    let proof = text_arg(&a.proof)?;
    let access_token = a.access_token.as_deref().map(text_arg).transpose()?;
    let replay = ReplayCache::new(1);
    let policy = a.request.policy(&replay)?;
    let now = a.now.unwrap_or_else(SystemClock::now);
    let v = dpop::verify_proof(&proof, &policy, access_token.as_deref(), now).map_err(refused)?;
    let alg = match v.key {
        ProofKey::Ed25519(_) => "EdDSA",
        ProofKey::Es256(_) => "ES256",
    };
    println!(
        "{}",
        json!({"jkt": v.jkt().as_str(), "iat": v.iat, "alg": alg})
    );
    Ok(())
}

impl DpopArgs {
    /// Whether a proof was given (`--htm` and `--htu` without `--dpop` are a usage error).
    pub fn given(&self) -> Outcome<bool> {
        if self.dpop.is_none() && (self.request.htm.is_some() || self.request.htu.is_some()) {
            return Err(Failure::usage("verify", "--htm and --htu go with --dpop"));
        }
        Ok(self.dpop.is_some())
    }
}

/// For `ctok verify --dpop`: verifies the access token and its proof in one call.
pub fn verify_access<'b, K: VerifyingKey + ?Sized>(
    args: &DpopArgs,
    token: &str,
    key: &K,
    profile: Profile<'b>,
    policy: &AccessPolicy<'_>,
    now: u64,
    scratch: &'b mut [u8],
) -> Outcome<AccessClaims<&'b str>> {
    let proof = text_arg(args.dpop.as_deref().unwrap_or_default())?;
    let replay = ReplayCache::new(1);
    let request = args.request.policy(&replay)?;
    let presented = Presented {
        token,
        proof: Some(&proof),
    };
    dpop::verify_access(presented, key, profile, policy, &request, now, scratch)
        .map_err(|e| Failure::token(Exit::Refused, "token refused", e))
}
