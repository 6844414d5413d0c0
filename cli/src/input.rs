//! What `ctok` reads: files or stdin (`-`), keys (JWK, JWK set, PEM), registries, times.

use std::io::Read as _;
use std::path::Path;

use compact_token::{Algorithm, KeyUse, Kind, SigningKey, VerifyingKey};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::keyset::KeySet;
use compact_token_std::{jwk, pem};
use zeroize::Zeroizing;

use crate::fail::{Exit, Failure, Outcome};

/// Reads a file, or stdin for `-`. Errors name the file.
pub fn read(path: &str) -> Outcome<String> {
    if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::io("cannot read stdin", e))?;
        return Ok(text);
    }
    std::fs::read_to_string(Path::new(path))
        .map_err(|e| Failure::io(format!("cannot read {path}"), e))
}

/// At most one input may come from stdin.
pub fn one_stdin(inputs: &[(&str, Option<&str>)]) -> Outcome<()> {
    let from_stdin: Vec<&str> = inputs
        .iter()
        .filter(|(_, v)| *v == Some("-"))
        .map(|(name, _)| *name)
        .collect();
    if from_stdin.len() > 1 {
        return Err(Failure::usage(
            "stdin",
            format!(
                "only one input can be read from stdin (-), not {}",
                from_stdin.join(" and ")
            ),
        ));
    }
    Ok(())
}

/// The use a key without `token_use` (or a PEM key) gets: the kind at hand.
pub fn use_of(kind: Kind) -> KeyUse {
    match kind {
        Kind::Access => KeyUse::Access,
        Kind::Id => KeyUse::Id,
    }
}

fn is_pem(text: &str) -> bool {
    text.trim_start().starts_with("-----BEGIN")
}

/// A JWK names its algorithm; `--alg`, if given, must be that one.
fn pinned(own: Algorithm, alg: Option<Algorithm>) -> compact_token_std::Result<()> {
    match alg {
        Some(a) if a != own => Err(compact_token_std::Error::AlgorithmMismatch),
        _ => Ok(()),
    }
}

fn key_error(path: &str) -> impl Fn(compact_token_std::Error) -> Failure + '_ {
    move |e| Failure::std(Exit::Io, format!("invalid key {path}"), e)
}

/// A private key from a JWK or a PEM file (PKCS#8, SEC1 or PKCS#1); `alg` is required for
/// an RSA PEM key (RS256 or PS256), and must be the key's own for any other PEM key.
pub fn signing_key(
    path: &str,
    alg: Option<Algorithm>,
    default_use: KeyUse,
) -> Outcome<AnySigningKey> {
    let text = Zeroizing::new(read(path)?);
    if is_pem(&text) {
        pem::signing_key_from_pem(&text, alg, default_use)
    } else {
        jwk::signing_key_from_jwk(&text, default_use)
            .and_then(|k| pinned(SigningKey::algorithm(&k), alg).map(|()| k))
    }
    .map_err(key_error(path))
}

/// One verifying key from a JWK (public or private) or a PEM file (public, or private and
/// its public half taken); `alg` as for [`signing_key`].
pub fn verifying_key(
    path: &str,
    alg: Option<Algorithm>,
    default_use: KeyUse,
) -> Outcome<AnyVerifyingKey> {
    let text = Zeroizing::new(read(path)?);
    one_verifying_key(path, &text, alg, default_use)
}

fn one_verifying_key(
    path: &str,
    text: &str,
    alg: Option<Algorithm>,
    default_use: KeyUse,
) -> Outcome<AnyVerifyingKey> {
    if is_pem(text) {
        match pem::verifying_key_from_pem(text, alg, default_use) {
            Err(compact_token_std::Error::NotAPublicKey) => {
                pem::signing_key_from_pem(text, alg, default_use).map(|k| k.verifying_key())
            }
            other => other,
        }
    } else {
        jwk::verifying_key_from_jwk(text, default_use)
            .and_then(|k| pinned(VerifyingKey::algorithm(&k), alg).map(|()| k))
    }
    .map_err(key_error(path))
}

/// The verifying keys of a `--key` file: a JWK set (the token's `kid` picks the key), or
/// one key.
pub enum Keys {
    /// A JWK set.
    Set(KeySet),
    /// One key.
    One(Box<AnyVerifyingKey>),
}

impl Keys {
    /// Reads a JWK set, a JWK or a PEM key (`alg` as for [`signing_key`]).
    pub fn read(path: &str, alg: Option<Algorithm>, default_use: KeyUse) -> Outcome<Self> {
        let text = Zeroizing::new(read(path)?);
        let value = serde_json::from_str::<serde_json::Value>(&text).ok();
        let Some(keys) = value.as_ref().and_then(|v| v.get("keys")) else {
            return one_verifying_key(path, &text, alg, default_use)
                .map(|k| Keys::One(Box::new(k)));
        };
        match KeySet::from_public_jwks(&text, default_use) {
            Ok(set) => Ok(Keys::Set(set)),
            // RFC 7517 makes `kid` optional: a set of one key without it is that key.
            Err(compact_token_std::Error::MissingKeyId)
                if keys.as_array().is_some_and(|k| k.len() == 1) =>
            {
                one_verifying_key(path, &keys[0].to_string(), alg, default_use)
                    .map(|k| Keys::One(Box::new(k)))
            }
            Err(e) => Err(key_error(path)(e)),
        }
    }

    /// The key for `token`, a token of `kind`, at `now`, with a message that says why there
    /// is none.
    pub fn key_for(
        &self,
        path: &str,
        token: &str,
        kind: Kind,
        now: u64,
    ) -> Outcome<&AnyVerifyingKey> {
        let set = match self {
            Keys::One(key) => return Ok(key),
            Keys::Set(set) => set,
        };
        set.verifying_key(token, kind, now).map_err(|e| {
            let kind_name = match kind {
                Kind::Access => "access tokens",
                Kind::Id => "ID tokens",
            };
            let message = match e {
                compact_token_std::Error::NoActiveKey if set.is_empty() => {
                    format!("the JWK set in {path} holds no key this tool can use")
                }
                compact_token_std::Error::NoActiveKey => format!(
                    "no key in {path} is for {kind_name} (the token has no kid; export the key \
                     with `ctok public --use {}` or `--use both`)",
                    match kind {
                        Kind::Access => "access",
                        Kind::Id => "id",
                    }
                ),
                compact_token_std::Error::UnknownKeyId => {
                    let kid = compact_token_std::keyset::token_kid(token).ok().flatten();
                    match kid.as_deref().and_then(|k| set.window(k).map(|w| (k, w))) {
                        // The key is there but its window does not hold `now`.
                        Some((kid, w)) => match w.retire_after {
                            Some(end) if w.is_retired_at(now) => format!(
                                "the key {kid:?} in {path} was retired after {end} (now {now})"
                            ),
                            _ => format!(
                                "the key {kid:?} in {path} is in service from {} (now {now})",
                                w.not_before
                            ),
                        },
                        None => format!("no key in {path} has the token's kid"),
                    }
                }
                compact_token_std::Error::AmbiguousKey => format!(
                    "the token has no kid and several keys in {path} could verify {kind_name}"
                ),
                compact_token_std::Error::Token(t) => {
                    return Failure::token(Exit::Refused, "token refused", t);
                }
                other => other.to_string(),
            };
            Failure::new(Exit::Refused, "no key for this token", message)
        })
    }
}

/// A registry file: a JSON array of strings.
pub fn registry_values(path: &str) -> Outcome<Vec<String>> {
    let text = read(path)?;
    serde_json::from_str::<Vec<String>>(&text).map_err(|_| {
        Failure::usage(
            format!("invalid --registry {path}"),
            "expected a JSON array of strings",
        )
    })
}

/// A time option: Unix seconds, or `+N` with `s`, `m`, `h` or `d` after `base`.
pub fn time(option: &str, value: &str, base: u64) -> Outcome<u64> {
    let bad = || {
        Failure::usage(
            format!("invalid {option} {value:?}"),
            "expected Unix seconds or +N followed by s, m, h or d (e.g. +5m)",
        )
    };
    let Some(relative) = value.strip_prefix('+') else {
        return value.parse().map_err(|_| bad());
    };
    let (number, unit) = relative.split_at(relative.len().saturating_sub(1));
    let (number, scale) = match unit {
        "s" => (number, 1),
        "m" => (number, 60),
        "h" => (number, 3600),
        "d" => (number, 86_400),
        _ => (relative, 1),
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    n.checked_mul(scale)
        .and_then(|d| base.checked_add(d))
        .ok_or_else(bad)
}

/// A duration option (`--leeway`, `--max-lifetime`): seconds, or N with s, m, h or d.
pub fn seconds(option: &str, value: &str) -> Outcome<u64> {
    time(option, &format!("+{value}"), 0)
}
