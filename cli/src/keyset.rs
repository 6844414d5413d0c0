//! `ctok keyset`: a private key-set file with rotation windows, on std-ext's `KeySet`.
//!
//! The file is the private JWK set `KeySet::save` writes (mode 0600, each key with its
//! `not_before` and `retire_after`); which key signs, which verifies and what is published
//! are std-ext's rules (`compact_token_std::keyset`), not this module's.

use clap::{Args, Subcommand};
use compact_token::{KeyUse, VerifyingKey as _};
use compact_token_std::keys::AnySigningKey;
use compact_token_std::keyset::{KeySet, Window};
use compact_token_std::{Error, jwk};
use serde_json::{Value, json};

use crate::fail::{Exit, Failure, Outcome};
use crate::{AlgArg, UseArg, input, now_or_clock, write_private};

/// The use a key of a set file without `token_use` gets (ctok always writes it).
const DEFAULT_USE: KeyUse = KeyUse::Access;

#[derive(Subcommand)]
pub enum KeysetCommand {
    /// Create a new key-set file (mode 0600; never overwrites) holding one fresh key.
    Create(NewKeyArgs),
    /// Add a fresh key to a key set: a rotation, the key signs from --not-before on.
    Add(NewKeyArgs),
    /// End a key's window: it neither signs nor verifies after --at.
    Retire {
        /// The key-set file.
        file: String,
        /// The kid of the key to retire.
        kid: String,
        /// The last second the key is in service: Unix seconds or +N[s|m|h|d] after now
        /// (default: now).
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The current time, Unix seconds (default: the system clock).
        #[arg(long)]
        now: Option<u64>,
    },
    /// List the keys: kid, alg, use, window, status (never secret material).
    List {
        /// The key-set file.
        file: String,
        /// The current time, Unix seconds (default: the system clock).
        #[arg(long)]
        now: Option<u64>,
    },
    /// Write the public JWK set: every public key not yet retired (no HS256 secret).
    Publish {
        /// The key-set file.
        file: String,
        /// Write it to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<String>,
        /// The current time, Unix seconds (default: the system clock).
        #[arg(long)]
        now: Option<u64>,
    },
}

#[derive(Args)]
pub struct NewKeyArgs {
    /// The key-set file.
    file: String,
    /// The algorithm.
    #[arg(long, value_enum, default_value = "eddsa")]
    alg: AlgArg,
    /// The kinds of token the key is for.
    #[arg(long = "use", value_enum, default_value = "access")]
    key_use: UseArg,
    /// The key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// The first second the key is in service: Unix seconds or +N[s|m|h|d] after now
    /// (default: now).
    #[arg(long, value_name = "TIME")]
    not_before: Option<String>,
    /// The current time, Unix seconds (default: the system clock).
    #[arg(long)]
    now: Option<u64>,
}

/// Runs a `ctok keyset` command.
pub fn run(command: KeysetCommand, as_json: bool) -> Outcome<()> {
    match command {
        KeysetCommand::Create(a) => {
            let mut set = KeySet::new();
            let kid = add_key(&mut set, &a)?;
            write_private(&a.file, &format!("{}\n", set.to_private_jwks().as_str())).map_err(
                |f| match std::fs::symlink_metadata(&a.file) {
                    Ok(_) => Failure::io(
                        format!("cannot create {}", a.file),
                        "the file exists; keyset create never overwrites (use `ctok keyset add`)",
                    ),
                    Err(_) => f,
                },
            )?;
            println!("{kid}");
            Ok(())
        }
        KeysetCommand::Add(a) => {
            let mut set = load(&a.file)?;
            let kid = add_key(&mut set, &a)?;
            save(&set, &a.file)?;
            println!("{kid}");
            Ok(())
        }
        KeysetCommand::Retire { file, kid, at, now } => {
            let now = now_or_clock(now);
            let mut set = load(&file)?;
            let at = match &at {
                Some(t) => input::time("--at", t, now)?,
                None => now,
            };
            set.retire(&kid, at).map_err(|e| match e {
                Error::UnknownKeyId => Failure::usage(
                    format!("cannot retire {kid:?}"),
                    format!("no such kid in {file}"),
                ),
                Error::InvalidWindow => Failure::usage(
                    "invalid --at",
                    format!(
                        "{at} is before the key's not_before ({})",
                        set.window(&kid).map_or(0, |w| w.not_before)
                    ),
                ),
                other => Failure::std(Exit::Io, format!("cannot retire {kid:?}"), other),
            })?;
            save(&set, &file)
        }
        KeysetCommand::List { file, now } => {
            let now = now_or_clock(now);
            let set = load(&file)?;
            list(&set, now, as_json);
            Ok(())
        }
        KeysetCommand::Publish { file, out, now } => {
            let set = load(&file)?;
            let jwks = set.public_jwks(now_or_clock(now));
            match &out {
                Some(path) => std::fs::write(path, jwks + "\n")
                    .map_err(|e| Failure::io(format!("cannot write {path}"), e)),
                None => {
                    println!("{jwks}");
                    Ok(())
                }
            }
        }
    }
}

/// Reads a key-set file; the error names the file and says why.
pub fn load(path: &str) -> Outcome<KeySet> {
    KeySet::load(std::path::Path::new(path), DEFAULT_USE).map_err(|e| match e {
        // std-ext's `Io` carries no cause: ask the file system for it.
        Error::Io => match std::fs::File::open(path) {
            Err(cause) => Failure::io(format!("cannot read {path}"), cause),
            Ok(_) => Failure::io(format!("cannot read {path}"), "not UTF-8 text"),
        },
        other => Failure::std(Exit::Io, format!("invalid key set {path}"), other),
    })
}

fn save(set: &KeySet, path: &str) -> Outcome<()> {
    set.save(std::path::Path::new(path)).map_err(|_| {
        Failure::io(
            format!("cannot write {path}"),
            format!("writing {path}.tmp (mode 0600) and renaming it over {path} failed"),
        )
    })
}

/// Generates the key of `create` / `add` and adds it to `set`; returns its kid.
fn add_key(set: &mut KeySet, a: &NewKeyArgs) -> Outcome<String> {
    let now = now_or_clock(a.now);
    let not_before = match &a.not_before {
        Some(t) => input::time("--not-before", t, now)?,
        None => now,
    };
    let key = AnySigningKey::generate(a.alg.algorithm(), a.key_use.key_use())
        .map_err(|e| Failure::std(Exit::Io, "cannot generate a key", e))?;
    let kid = a
        .kid
        .clone()
        .unwrap_or_else(|| jwk::thumbprint(&key.verifying_key()));
    let key = key
        .with_kid(&kid)
        .map_err(|e| Failure::std(Exit::Usage, "invalid --kid", e))?;
    let window = Window {
        not_before,
        retire_after: None,
    };
    set.add_signing_key(key, window).map_err(|e| match e {
        Error::DuplicateKeyId => {
            Failure::usage("invalid --kid", format!("{kid:?} is already in {}", a.file))
        }
        other => Failure::std(Exit::Io, "cannot add the key", other),
    })?;
    Ok(kid)
}

/// Where a key's window stands at `now`.
fn status(window: Window, now: u64) -> &'static str {
    if window.is_retired_at(now) {
        "retired"
    } else if window.contains(now) {
        "active"
    } else {
        "pending"
    }
}

fn list(set: &KeySet, now: u64, as_json: bool) {
    let rows: Vec<Value> = set
        .windows()
        .map(|(kid, window)| {
            // A key without kid (never one ctok made) cannot be looked up: no alg or use.
            let key = kid.and_then(|k| set.get(k));
            json!({
                "kid": kid,
                "alg": key.map(|k| k.algorithm().name()),
                "use": key.map(|k| jwk::token_use_name(k.key_use())),
                "not_before": window.not_before,
                "retire_after": window.retire_after,
                "status": status(window, now),
                "active": window.contains(now),
                "private": kid.is_some_and(|k| set.get_signing(k).is_some()),
            })
        })
        .collect();
    if as_json {
        let out = json!({"now": now, "keys": rows});
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return;
    }
    println!("KID\tALG\tUSE\tNOT_BEFORE\tRETIRE_AFTER\tSTATUS");
    for r in &rows {
        let text = |name: &str| match &r[name] {
            Value::String(s) => s.clone(),
            Value::Null => "-".to_owned(),
            other => other.to_string(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            text("kid"),
            text("alg"),
            text("use"),
            text("not_before"),
            text("retire_after"),
            text("status")
        );
    }
}
