//! The OpenID Connect discovery-document reader of `compact-token-std`'s `remote` feature
//! (`Discovery::from_json`, pure: no HTTP). Input: the expected issuer up to the first
//! newline, then the document. Never a panic; an accepted document has exactly the
//! expected issuer and a `jwks_uri` a `RemoteKeySet` accepts; a refusal is one of the
//! documented errors, and `IssuerMismatch` only when the document's `issuer` differs.
#![no_main]

use compact_token_std::Error;
use compact_token_std::remote::{Discovery, RemoteConfig, RemoteKeySet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (issuer, doc) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b""[..], data),
    };
    let Ok(issuer) = std::str::from_utf8(issuer) else {
        return;
    };
    match Discovery::from_json(doc, issuer) {
        Ok(d) => {
            assert_eq!(d.issuer, issuer);
            // `new` checks the URL the same way and fetches nothing.
            let set = RemoteKeySet::new(&d.jwks_uri, RemoteConfig::default());
            assert!(
                set.is_ok(),
                "accepted jwks_uri {:?} refused by new",
                d.jwks_uri
            );
        }
        Err(Error::IssuerMismatch) => {
            // The document names another issuer, and read with that one it is not a
            // mismatch. (`serde_json::Value` refuses some documents the reader accepts, e.g.
            // an ignored member `1e400`: nothing to compare then.)
            let named = serde_json::from_slice::<serde_json::Value>(doc)
                .ok()
                .and_then(|v| v.get("issuer").and_then(|i| i.as_str()).map(str::to_owned));
            if let Some(named) = named {
                assert_ne!(named, issuer);
                assert_ne!(
                    Discovery::from_json(doc, &named),
                    Err(Error::IssuerMismatch)
                );
            }
        }
        Err(Error::Json | Error::InvalidUrl | Error::InsecureUrl) => {}
        Err(e) => panic!("undocumented error {e:?}"),
    }
});
