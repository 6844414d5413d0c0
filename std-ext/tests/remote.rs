//! `compact_token_std::remote` against a scripted HTTP/1.1 server on 127.0.0.1 (a std
//! `TcpListener` in a thread, one request per connection): discovery, fetching, caching,
//! refetching and every refusal, asserted by errors and fetch counts, never by times.
#![cfg(feature = "remote")]

mod loopback;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use compact_token::{
    AccessClaims, AccessPolicy, Algorithm, IdClaims, IdPolicy, KeyUse, Limits, jwt,
};
use compact_token_std::keys::{AnySigningKey, AnyVerifyingKey};
use compact_token_std::remote::{Discovery, RemoteConfig, RemoteKeySet};
use compact_token_std::{Error, jwk};
use loopback::{Reply, Server};

const NOW: u64 = 1_764_000_000;
const AUD: &str = "https://api.example.com";
const JWKS_PATH: &str = "/keys";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

// ---------------------------------------------------------------------------------------
// Keys and tokens, made with std-ext's keys.

/// RFC 7515 Appendix A.2's RSA key as a private JWK (std-ext does not generate RSA keys).
const RFC7515_A2_RSA: &str = r#"{"kty":"RSA","e":"AQAB",
"n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
"d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
"p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
"q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
"alg":"RS256"}"#;

fn key(alg: Algorithm, kid: &str) -> AnySigningKey {
    let key = match alg {
        Algorithm::RS256 => jwk::signing_key_from_jwk(RFC7515_A2_RSA, KeyUse::AccessAndId).unwrap(),
        alg => AnySigningKey::generate(alg, KeyUse::AccessAndId).unwrap(),
    };
    key.with_kid(kid).unwrap()
}

fn jwks(keys: &[&AnySigningKey]) -> String {
    let public: Vec<AnyVerifyingKey> = keys.iter().map(|k| k.verifying_key()).collect();
    jwk::any_keys_to_jwks(&public)
}

fn access_token(iss: &str, key: &AnySigningKey) -> String {
    let claims = AccessClaims::new(iss, "user-1", AUD, "client-1", NOW, NOW + 300, "jti-1");
    let mut out = [0u8; 2048];
    jwt::issue_access(&claims, key, &Limits::ACCESS, &mut out)
        .unwrap()
        .to_owned()
}

/// Verifies `token` (an access token of `iss`) through `set`: the subject, or the error.
fn verify(set: &RemoteKeySet, iss: &str, token: &str) -> Result<String, Error> {
    let policy = AccessPolicy::new(iss, AUD);
    let mut scratch = [0u8; 4096];
    set.verify_access(token, &policy, NOW + 1, &mut scratch)
        .map(|c| c.sub.to_owned())
}

/// Runs `f` on `threads` threads released together; their results.
fn race<T: Send + 'static>(threads: usize, f: impl Fn() -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (f, barrier) = (Arc::clone(&f), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                f()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

/// Short timeouts and no caching surprises: each test sets what it checks.
fn config() -> RemoteConfig {
    RemoteConfig {
        timeout: Duration::from_secs(5),
        min_ttl: Duration::ZERO,
        max_ttl: Duration::from_secs(3600),
        default_ttl: Duration::from_secs(3600),
        refresh_cooldown: Duration::from_secs(3600),
        ..RemoteConfig::default()
    }
}

/// A server with a discovery document for its own base URL and a JWK set of `keys`.
fn provider(keys: &[&AnySigningKey]) -> Server {
    let server = Server::start();
    let doc = format!(
        r#"{{"issuer":"{}","jwks_uri":"{}","token_endpoint":"{}/token",
        "id_token_signing_alg_values_supported":["RS256","ES256","EdDSA"],"unknown":[1,{{}}]}}"#,
        server.base(),
        server.url(JWKS_PATH),
        server.base()
    );
    server.set(DISCOVERY_PATH, Reply::json(doc));
    server.set(JWKS_PATH, Reply::json(jwks(keys)));
    server
}

// ---------------------------------------------------------------------------------------
// Discovery and the happy path.

#[test]
fn discovery_then_jwks_verifies_eddsa_es256_and_rs256_tokens() {
    let (ed, es, rs) = (
        key(Algorithm::EdDSA, "ed"),
        key(Algorithm::ES256, "es"),
        key(Algorithm::RS256, "rs"),
    );
    let server = provider(&[&ed, &es, &rs]);
    let iss = server.base();

    let discovery = Discovery::fetch(&iss, &config()).unwrap();
    assert_eq!(discovery.issuer, iss);
    assert_eq!(discovery.jwks_uri, server.url(JWKS_PATH));
    assert_eq!(discovery.token_endpoint, Some(format!("{iss}/token")));
    assert_eq!(
        discovery.id_token_signing_alg_values_supported,
        ["RS256", "ES256", "EdDSA"]
    );

    let set = RemoteKeySet::discover(&iss, config()).unwrap();
    assert_eq!(set.jwks_uri(), server.url(JWKS_PATH));
    assert_eq!(
        set.fetch_count(),
        0,
        "nothing fetched before a key is needed"
    );
    for k in [&ed, &es, &rs] {
        assert_eq!(
            verify(&set, &iss, &access_token(&iss, k)).unwrap(),
            "user-1"
        );
    }
    assert_eq!(set.keys().unwrap().len(), 3);
    assert_eq!(set.fetch_count(), 1);
    assert_eq!(server.hits(DISCOVERY_PATH), 2);
    assert_eq!(server.hits(JWKS_PATH), 1);

    // An ID token through the same set; and an access token where an ID token is expected
    // is still refused by compact-token.
    let claims = IdClaims::new(iss.as_str(), "user-1", "client-1", NOW, NOW + 600);
    let mut out = [0u8; 2048];
    let id = jwt::issue_id(&claims, &es, &Limits::ID, &mut out).unwrap();
    let mut scratch = [0u8; 4096];
    let policy = IdPolicy::new(&iss, "client-1");
    assert_eq!(
        set.verify_id(id, &policy, NOW + 1, &mut scratch)
            .unwrap()
            .sub,
        "user-1"
    );
    let access = access_token(&iss, &es);
    assert!(matches!(
        set.verify_id(&access, &policy, NOW + 1, &mut scratch),
        Err(Error::Token(_))
    ));
    assert_eq!(set.fetch_count(), 1);
}

#[test]
fn an_issuer_with_a_path_and_trailing_slash_finds_its_document() {
    let server = Server::start();
    let iss = format!("{}/realms/demo/", server.base());
    let doc = format!(
        r#"{{"issuer":"{iss}","jwks_uri":"{}"}}"#,
        server.url(JWKS_PATH)
    );
    server.set(
        "/realms/demo/.well-known/openid-configuration",
        Reply::json(doc),
    );
    let discovery = Discovery::fetch(&iss, &config()).unwrap();
    assert_eq!(discovery.issuer, iss);
    assert_eq!(discovery.token_endpoint, None);
    assert!(discovery.id_token_signing_alg_values_supported.is_empty());
}

#[test]
fn the_documents_issuer_must_match_exactly() {
    let server = Server::start();
    let base = server.base();
    let doc = |issuer: &str| {
        Reply::json(format!(
            r#"{{"issuer":"{issuer}","jwks_uri":"{}"}}"#,
            server.url(JWKS_PATH)
        ))
    };
    // Asked without the slash, the document has it; then the reverse; then another host.
    server.set(DISCOVERY_PATH, doc(&format!("{base}/")));
    assert_eq!(
        Discovery::fetch(&base, &config()),
        Err(Error::IssuerMismatch)
    );
    server.set(DISCOVERY_PATH, doc(&base));
    assert_eq!(
        Discovery::fetch(&format!("{base}/"), &config()),
        Err(Error::IssuerMismatch)
    );
    assert_eq!(Discovery::fetch(&base, &config()).unwrap().issuer, base);
    server.set(DISCOVERY_PATH, doc("https://evil.example.com"));
    assert_eq!(
        RemoteKeySet::discover(&base, config()).err(),
        Some(Error::IssuerMismatch)
    );
    assert_eq!(server.hits(JWKS_PATH), 0);
}

#[test]
fn a_plain_http_jwks_uri_off_loopback_is_refused() {
    let server = Server::start();
    let base = server.base();
    for (jwks_uri, err) in [
        ("http://keys.example.invalid/jwks", Error::InsecureUrl),
        ("ftp://keys.example.invalid/jwks", Error::InsecureUrl),
        ("keys.example.invalid/jwks", Error::InvalidUrl),
        (
            "https://user:pw@keys.example.invalid/jwks",
            Error::InvalidUrl,
        ),
    ] {
        server.set(
            DISCOVERY_PATH,
            Reply::json(format!(r#"{{"issuer":"{base}","jwks_uri":"{jwks_uri}"}}"#)),
        );
        assert_eq!(Discovery::fetch(&base, &config()), Err(err), "{jwks_uri}");
        assert_eq!(RemoteKeySet::discover(&base, config()).err(), Some(err));
    }
}

#[test]
fn plain_http_off_loopback_is_refused_before_any_connection() {
    for url in [
        "http://auth.example.invalid",
        "http://10.1.2.3",
        "http://[fe80::1]",
        "http://localhost.example.invalid",
    ] {
        assert_eq!(
            Discovery::fetch(url, &config()),
            Err(Error::InsecureUrl),
            "{url}"
        );
        let set = RemoteKeySet::new(&format!("{url}/jwks"), config()).err();
        assert_eq!(set, Some(Error::InsecureUrl), "{url}");
    }
    assert_eq!(
        Discovery::fetch("https://auth.example.invalid/?tenant=1", &config()),
        Err(Error::InvalidUrl)
    );
    // Loopback forms are accepted (nothing is fetched by `new`).
    for url in [
        "http://localhost:1/k",
        "http://127.0.0.2:1/k",
        "http://[::1]:1/k",
    ] {
        assert_eq!(RemoteKeySet::new(url, config()).unwrap().fetch_count(), 0);
    }
}

#[test]
fn redirects_are_not_followed() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    server.set(
        "/moved",
        Reply::status(302).header("Location", &server.url(JWKS_PATH)),
    );
    let set = RemoteKeySet::new(&server.url("/moved"), config()).unwrap();
    assert_eq!(set.keys().err(), Some(Error::Http { status: 302 }));
    assert_eq!(server.hits(JWKS_PATH), 0);
}

// ---------------------------------------------------------------------------------------
// Bounds: time, size, shape.

#[test]
fn a_slow_response_times_out() {
    let server = Server::start();
    let short = RemoteConfig {
        timeout: Duration::from_millis(300),
        ..config()
    };
    // Headers late.
    server.set(
        JWKS_PATH,
        Reply {
            delay: Duration::from_secs(3),
            ..Reply::json(r#"{"keys":[]}"#)
        },
    );
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), short).unwrap();
    assert_eq!(set.keys().err(), Some(Error::Timeout));
    // Headers at once, then the body a byte at a time: the timeout covers the body too.
    server.set(
        "/trickle",
        Reply {
            trickle: Some(Duration::from_millis(100)),
            ..Reply::json(format!(r#"{{"keys":[]{}}}"#, " ".repeat(40)))
        },
    );
    let set = RemoteKeySet::new(&server.url("/trickle"), short).unwrap();
    assert_eq!(set.keys().err(), Some(Error::Timeout));
    assert_eq!(set.fetch_count(), 1);
}

#[test]
fn an_oversized_body_is_refused_with_or_without_content_length() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = Server::start();
    let body = jwks(&[&ed]);
    let capped = RemoteConfig {
        max_body: body.len(),
        ..config()
    };
    // Exactly the cap: accepted.
    server.set("/exact", Reply::json(body.clone()));
    let set = RemoteKeySet::new(&server.url("/exact"), capped).unwrap();
    assert_eq!(set.keys().unwrap().len(), 1);
    // One byte over, announced by Content-Length or not.
    let over = format!("{body} ");
    server.set("/sized", Reply::json(over.clone()));
    server.set(
        "/unsized",
        Reply {
            sized: false,
            ..Reply::json(over + &" ".repeat(1 << 20))
        },
    );
    for path in ["/sized", "/unsized"] {
        let set = RemoteKeySet::new(&server.url(path), capped).unwrap();
        assert_eq!(set.keys().err(), Some(Error::ResponseTooLarge), "{path}");
    }
    // Discovery documents have the same cap.
    server.set(
        DISCOVERY_PATH,
        Reply::json(format!(r#"{{"padding":"{}"}}"#, "x".repeat(300 * 1024))),
    );
    assert_eq!(
        Discovery::fetch(&server.base(), &RemoteConfig::default()),
        Err(Error::ResponseTooLarge)
    );
}

#[test]
fn malformed_documents_are_json_errors() {
    let server = Server::start();
    let base = server.base();
    for doc in [
        "{",
        "[]",
        "not json",
        r#"{"issuer":"x"}"#,
        &format!(r#"{{"issuer":"{base}"}}"#),
        &format!(r#"{{"issuer":"{base}","jwks_uri":7}}"#),
        &format!(r#"{{"issuer":"{base}","issuer":"{base}","jwks_uri":"{base}/k"}}"#),
    ] {
        server.set(DISCOVERY_PATH, Reply::json(doc));
        assert_eq!(
            Discovery::fetch(&base, &config()),
            Err(Error::Json),
            "{doc}"
        );
    }
    for body in [
        "{",
        r#"{"keys":{}}"#,
        "\u{fffd}",
        r#"{"keys":[{"kty":"OKP"}]}"#,
    ] {
        server.set(JWKS_PATH, Reply::json(body));
        let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
        assert!(set.keys().is_err(), "{body}");
    }
    server.set(JWKS_PATH, Reply::json("{"));
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    assert_eq!(set.keys().err(), Some(Error::Json));
}

#[test]
fn a_jwk_set_with_private_key_material_is_refused() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = Server::start();
    let private = jwk::signing_key_to_jwk(&ed);
    server.set(
        JWKS_PATH,
        Reply::json(format!(r#"{{"keys":[{}]}}"#, *private)),
    );
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    assert_eq!(set.keys().err(), Some(Error::PrivateKeyInPublicSet));
}

// ---------------------------------------------------------------------------------------
// Caching and refetching.

#[test]
fn a_failed_refresh_keeps_the_last_good_set() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    let iss = server.base();
    let token = access_token(&iss, &ed);
    // Stale as soon as fetched (max-age=0, no lower clamp), no cooldown.
    let eager = RemoteConfig {
        refresh_cooldown: Duration::ZERO,
        ..config()
    };
    server.set(JWKS_PATH, Reply::json(jwks(&[&ed])).cache("max-age=0"));
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), eager).unwrap();
    assert_eq!(verify(&set, &iss, &token).unwrap(), "user-1");
    assert_eq!(set.fetch_count(), 1);

    for reply in [
        Reply::status(500),
        Reply::json("{"),
        Reply::json(r#"{"keys":[{"kty":"oct","k":"AAAA"}]}"#),
    ] {
        server.set(JWKS_PATH, reply);
        let before = set.fetch_count();
        // The stale set is refetched, the fetch fails, the token still verifies.
        assert_eq!(verify(&set, &iss, &token).unwrap(), "user-1");
        assert_eq!(set.fetch_count(), before + 1);
        assert_eq!(set.keys().unwrap().len(), 1);
    }
    // A forced refresh reports the failure, and still keeps the set.
    server.set(JWKS_PATH, Reply::status(500));
    assert_eq!(set.refresh().err(), Some(Error::Http { status: 500 }));
    assert_eq!(verify(&set, &iss, &token).unwrap(), "user-1");
    // A kid still unknown after a failed refetch reports that fetch's error.
    let other = key(Algorithm::EdDSA, "other");
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &other)),
        Err(Error::Http { status: 500 })
    );
    // The server recovers.
    server.set(JWKS_PATH, Reply::json(jwks(&[&ed, &other])));
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &other)).unwrap(),
        "user-1"
    );
}

#[test]
fn a_failing_refresh_is_retried_once_per_cooldown_while_the_stale_set_serves() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    let iss = server.base();
    let token = access_token(&iss, &ed);
    server.set(JWKS_PATH, Reply::json(jwks(&[&ed])).cache("max-age=0"));
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    assert_eq!(verify(&set, &iss, &token).unwrap(), "user-1");
    server.set(JWKS_PATH, Reply::status(503));
    for _ in 0..20 {
        assert_eq!(verify(&set, &iss, &token).unwrap(), "user-1");
    }
    // The first stale use refetched (and failed); the next ones wait out the cooldown.
    assert_eq!(set.fetch_count(), 2);
}

#[test]
fn a_storm_of_unknown_kids_fetches_at_most_once_per_cooldown() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    let iss = server.base();
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &ed)).unwrap(),
        "user-1"
    );
    let forger = AnySigningKey::generate(Algorithm::EdDSA, KeyUse::AccessAndId).unwrap();
    for i in 0..50 {
        let forged = access_token(
            &iss,
            &forger.clone().with_kid(&format!("forged-{i}")).unwrap(),
        );
        assert_eq!(verify(&set, &iss, &forged), Err(Error::UnknownKeyId));
    }
    assert_eq!(set.fetch_count(), 1);
    assert_eq!(server.hits(JWKS_PATH), 1);

    // Without a cooldown, each unknown kid refetches (what the cooldown prevents).
    let eager = RemoteConfig {
        refresh_cooldown: Duration::ZERO,
        ..config()
    };
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), eager).unwrap();
    for i in 0..3 {
        let forged = access_token(
            &iss,
            &forger.clone().with_kid(&format!("forged-{i}")).unwrap(),
        );
        assert_eq!(verify(&set, &iss, &forged), Err(Error::UnknownKeyId));
    }
    assert_eq!(set.fetch_count(), 4);
}

#[test]
fn concurrent_verifiers_on_a_cold_cache_share_one_fetch() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    let iss = server.base();
    // A slow answer, so the threads pile up behind the one fetch in flight.
    server.set(
        JWKS_PATH,
        Reply {
            delay: Duration::from_millis(400),
            ..Reply::json(jwks(&[&ed]))
        },
    );
    let set = Arc::new(RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap());
    let token = access_token(&iss, &ed);
    let s = Arc::clone(&set);
    for verified in race(8, move || verify(&s, &iss, &token)) {
        assert_eq!(verified.unwrap(), "user-1");
    }
    assert_eq!(set.fetch_count(), 1);
    assert_eq!(server.hits(JWKS_PATH), 1);
}

#[test]
fn concurrent_waiters_share_a_failed_fetch_too() {
    let server = Server::start();
    server.set(
        JWKS_PATH,
        Reply {
            delay: Duration::from_millis(1000),
            ..Reply::status(500)
        },
    );
    let set = Arc::new(RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap());
    let threads = 6;
    let s = Arc::clone(&set);
    for outcome in race(threads, move || s.keys().err()) {
        assert_eq!(outcome, Some(Error::Http { status: 500 }));
    }
    // Threads that arrived after the failed fetch ended start their own: a cold cache
    // has nothing to fall back on. At least some shared the one in flight.
    assert!(set.fetch_count() < threads as u64, "{}", set.fetch_count());
}

#[test]
fn cache_control_max_age_is_respected_and_clamped() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = Server::start();
    let body = jwks(&[&ed]);
    // (Cache-Control, min_ttl, max_ttl, default_ttl) -> fetches for three `keys()` calls.
    let hour = Duration::from_secs(3600);
    let zero = Duration::ZERO;
    let cases: [(Option<&str>, Duration, Duration, Duration, u64); 8] = [
        (Some("max-age=3600"), zero, hour, zero, 1),
        (Some("max-age=0"), zero, hour, hour, 3),
        // Clamped up to min_ttl.
        (Some("max-age=0"), hour, hour, zero, 1),
        // Clamped down to max_ttl.
        (Some("public, max-age=86400"), zero, zero, hour, 3),
        // no-store, no-cache, none: default_ttl.
        (Some("no-store, max-age=3600"), zero, hour, zero, 3),
        (Some("no-cache"), zero, hour, hour, 1),
        (None, zero, hour, zero, 3),
        (None, zero, hour, hour, 1),
    ];
    for (i, (cache, min_ttl, max_ttl, default_ttl, fetches)) in cases.into_iter().enumerate() {
        let path = format!("/keys-{i}");
        let reply = Reply::json(body.clone());
        server.set(&path, cache.map_or(reply.clone(), |c| reply.cache(c)));
        let c = RemoteConfig {
            min_ttl,
            max_ttl,
            default_ttl,
            ..config()
        };
        let set = RemoteKeySet::new(&server.url(&path), c).unwrap();
        for _ in 0..3 {
            assert_eq!(set.keys().unwrap().len(), 1);
        }
        assert_eq!(set.fetch_count(), fetches, "case {i}: {cache:?}");
    }
}

#[test]
fn a_rotated_key_is_picked_up_through_the_unknown_kid_path() {
    let (old, new) = (
        key(Algorithm::EdDSA, "2026-11"),
        key(Algorithm::ES256, "2026-12"),
    );
    let server = provider(&[&old]);
    let iss = server.base();
    let new_token = access_token(&iss, &new);
    // Within the cooldown of the first fetch, the new key is not fetched yet.
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &old)).unwrap(),
        "user-1"
    );
    server.set(JWKS_PATH, Reply::json(jwks(&[&old, &new])));
    assert_eq!(verify(&set, &iss, &new_token), Err(Error::UnknownKeyId));
    assert_eq!(set.fetch_count(), 1);

    // Once the cooldown allows it, the unknown kid refetches and the token verifies.
    server.set(JWKS_PATH, Reply::json(jwks(&[&old])));
    let eager = RemoteConfig {
        refresh_cooldown: Duration::ZERO,
        ..config()
    };
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), eager).unwrap();
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &old)).unwrap(),
        "user-1"
    );
    server.set(JWKS_PATH, Reply::json(jwks(&[&old, &new])));
    assert_eq!(verify(&set, &iss, &new_token).unwrap(), "user-1");
    assert_eq!(set.fetch_count(), 2);
    // Both keys are now known: no further fetch.
    assert_eq!(
        verify(&set, &iss, &access_token(&iss, &old)).unwrap(),
        "user-1"
    );
    assert_eq!(verify(&set, &iss, &new_token).unwrap(), "user-1");
    assert_eq!(set.fetch_count(), 2);
}

#[test]
fn an_over_budget_token_fetches_nothing() {
    let ed = key(Algorithm::EdDSA, "ed");
    let server = provider(&[&ed]);
    let set = RemoteKeySet::new(&server.url(JWKS_PATH), config()).unwrap();
    let huge = "a".repeat(64 * 1024);
    assert!(matches!(
        verify(&set, &server.base(), &huge),
        Err(Error::Token(_))
    ));
    assert_eq!(set.fetch_count(), 0);
}

#[test]
fn the_remote_key_set_is_send_and_sync() {
    fn shareable<T: Send + Sync + 'static>(_: &T) {}
    let set = RemoteKeySet::new("https://auth.example.invalid/jwks", config()).unwrap();
    shareable(&set);
    shareable(&Arc::new(set));
}
