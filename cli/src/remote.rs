//! `ctok verify --jwks URL|FILE` and `--discover`: keys from a JWK set on the web (fetched
//! through compact-token-std's `RemoteKeySet`, with its defaults: HTTPS only or plain HTTP to
//! loopback, no redirects, 5 s timeout, 256 KiB cap), from a public JWK set file, or from
//! the issuer's OpenID Connect discovery document.

use compact_token::KeyUse;
use compact_token_std::Error;
use compact_token_std::keyset::KeySet;
use compact_token_std::remote::{RemoteConfig, RemoteKeySet};

use crate::fail::{Exit, Failure, Outcome};
use crate::input::{self, Keys};

/// The keys `verify` uses with `--jwks` or `--discover`, and the name its messages give
/// their source (the URL, the file, or the issuer).
pub fn keys<'a>(
    jwks: Option<&'a String>,
    discover: bool,
    iss: &'a String,
    default_use: KeyUse,
) -> Outcome<(Keys, &'a String)> {
    let config = RemoteConfig {
        key_use: default_use,
        ..RemoteConfig::default()
    };
    let fetched = |set: RemoteKeySet, source: &'a String, what: &str| {
        let keys = set
            .keys()
            .map_err(|e| failure(e, format!("cannot fetch {what}")))?;
        Ok((Keys::Set(KeySet::clone(&keys)), source))
    };
    match jwks {
        Some(url) if is_url(url) => {
            let set =
                RemoteKeySet::new(url, config).map_err(|e| failure(e, format!("--jwks {url}")))?;
            fetched(set, url, url)
        }
        Some(path) => {
            let text = input::read(path)?;
            let set = KeySet::from_public_jwks(&text, default_use)
                .map_err(|e| Failure::std(Exit::Io, format!("cannot use {path}"), e))?;
            Ok((Keys::Set(set), path))
        }
        None if discover => {
            let what = format!("the discovery document of {iss}");
            let set = RemoteKeySet::discover(iss, config)
                .map_err(|e| failure(e, format!("cannot use {what}")))?;
            fetched(set, iss, &format!("the JWK set of {iss}"))
        }
        None => Err(Failure::usage(
            "verify",
            "give --key, --keyset, --jwks or --discover",
        )),
    }
}

/// `http://` or `https://`, any case: a URL, not a file name.
fn is_url(arg: &str) -> bool {
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A URL refused before any connection is a usage error (exit 2); a failed fetch or an
/// unusable document is exit 3, as an unreadable key file.
fn failure(e: Error, context: String) -> Failure {
    let exit = match e {
        Error::InvalidUrl | Error::InsecureUrl => Exit::Usage,
        _ => Exit::Io,
    };
    Failure::std(exit, context, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_files_are_told_apart() {
        for url in [
            "https://a.example/k",
            "HTTP://127.0.0.1:1/k",
            "http://[::1]/k",
        ] {
            assert!(is_url(url), "{url}");
        }
        for file in [
            "jwks.json",
            "./https:/x",
            "-",
            "",
            "httpx://a",
            "/tmp/http://",
        ] {
            assert!(!is_url(file), "{file}");
        }
    }
}
