//! A real OpenID Provider we did not write — `oidc-provider` 9.13.3 (npm, pinned in
//! `interop/package.json`) — started on 127.0.0.1 by `interop/oidc_provider.mjs`, and
//! verified the way a relying party or resource server does it: discovery, then its JWK
//! set through [`RemoteKeySet`], then its tokens.
//!
//! - Its RS256, ES256 and EdDSA ID tokens from the code flow and the two hybrid flows
//!   verify with `nonce`, `c_hash` and `at_hash` checked (SHA-512 halves for EdDSA), and
//!   carry its other claims (`auth_time`, `acr`, `amr`, `sid`, profile claims).
//! - Its RFC 9068 JWT access tokens (`typ: at+jwt`), user and client-credentials ones,
//!   with `aud` a string or an array, verify with the resource as audience.
//! - Tampered tokens (one character of the payload or of the signature), a swapped `alg`
//!   and kind confusion (an ID token as an access token and the reverse) are refused with
//!   the exact error.
//! - Keys rotated at the provider are picked up by one unknown-`kid` refresh.
//!
//! The provider must be installed (`bash interop/install.sh --node-only`): a missing
//! install fails these tests, it does not skip them.
//!
//! Provider processes: one shared by the tests that only read from it (started once, on
//! first use), and one of its own for the rotation test, which changes the keys. Each is
//! held by a [`Provider`] guard whose `Drop` kills it (a failing rotation test stops its
//! provider while unwinding). A `static` is never dropped, so the shared one is stopped
//! another way: `oidc_provider.mjs` exits when its stdin reaches end of file, and its stdin
//! is a pipe this process holds, which the OS closes when this process ends, however it
//! ends (panic, abort, signal).
#![cfg(feature = "remote")]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use compact_token::{AccessPolicy, Error as TokenError, IdPolicy};
use compact_token_std::keyset::token_kid;
use compact_token_std::remote::{Discovery, RemoteConfig, RemoteKeySet};
use compact_token_std::{Error, SystemClock};
use serde::Deserialize;

/// The provider's three ID token algorithms; each has its own client and resource.
const ALGS: [&str; 3] = ["RS256", "ES256", "EdDSA"];
/// The account `oidc_provider.mjs` logs in.
const ACCOUNT: &str = "user-8f14e45f";
/// The scopes its resources grant.
const SCOPES: [&str; 2] = ["read:orders", "write:orders"];
/// The response types the tests drive: the code flow and the two hybrid flows.
const FLOWS: [&str; 3] = ["code", "code id_token", "code id_token token"];

/// A running `oidc_provider.mjs`; dropping it kills the process.
struct Provider {
    child: Child,
    issuer: String,
    stderr: Arc<Mutex<String>>,
    http: ureq::Agent,
}

/// What `GET /_test/tokens` returns.
#[derive(Debug, Deserialize)]
struct Tokens {
    id_token: String,
    /// `None` for `code id_token`, the one flow that returns no access token.
    access_token: Option<String>,
    code: String,
    nonce: String,
    client_id: String,
    resource: String,
}

impl Tokens {
    fn access_token(&self) -> &str {
        self.access_token
            .as_deref()
            .expect("this flow returns an access token")
    }
}

/// What `GET /_test/client_credentials` returns.
#[derive(Debug, Deserialize)]
struct ClientToken {
    access_token: String,
    client_id: String,
    resource: String,
}

/// What `POST /_test/rotate` returns.
#[derive(Debug, Deserialize)]
struct Rotation {
    kids: Vec<String>,
    old_kids: Vec<String>,
}

impl Provider {
    fn start() -> Provider {
        let interop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop");
        assert!(
            interop
                .join("node_modules/oidc-provider/package.json")
                .is_file(),
            "oidc-provider is not installed in interop/node_modules: run \
             `bash interop/install.sh --node-only` (or `bash interop/install.sh`) first; \
             these tests need a real OpenID provider and fail rather than skip"
        );
        let node = std::env::var_os("NODE").unwrap_or_else(|| "node".into());
        let child = Command::new(&node)
            .arg(interop.join("oidc_provider.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {node:?} ({e}): Node.js >= 20 is needed, then \
                     `bash interop/install.sh --node-only`"
                )
            });
        let http = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        // From here the guard owns the process: a panic below still kills it.
        let mut op = Provider {
            child,
            issuer: String::new(),
            stderr: Arc::default(),
            http,
        };
        let mut stderr = op.child.stderr.take().expect("piped stderr");
        let log = Arc::clone(&op.stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                let text = String::from_utf8_lossy(&buf[..n]);
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&text);
            }
        });
        let stdout = op.child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        // Generous: a loaded CI machine may take seconds to start node.
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let ready: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|_| {
            panic!(
                "oidc_provider.mjs did not print its issuer line (got {line:?}); stderr:\n{}",
                op.stderr()
            )
        });
        op.issuer = ready["issuer"].as_str().expect("issuer").to_owned();
        assert_eq!(ready["version"], "9.13.3", "the pinned oidc-provider");
        op
    }

    /// The provider shared by the tests that do not change it.
    fn shared() -> &'static Provider {
        static SHARED: OnceLock<Provider> = OnceLock::new();
        SHARED.get_or_init(Provider::start)
    }

    fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn call<T: for<'de> Deserialize<'de>>(&self, method: &str, path: &str) -> T {
        let url = format!("{}{path}", self.issuer);
        let response = match method {
            "POST" => self.http.post(&url).send_empty(),
            _ => self.http.get(&url).call(),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
        let status = response.status();
        let body = response.body_mut().read_to_string().expect("body");
        assert_eq!(
            status,
            200,
            "{method} {url}: {body}\nprovider stderr:\n{}",
            self.stderr()
        );
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method} {url}: {e}: {body}"))
    }

    /// Tokens of the flow `response_type` from the client whose ID tokens use `alg`, with
    /// an access token for the resource signed with `alg` too.
    fn tokens(&self, alg: &str, response_type: &str) -> Tokens {
        let flow = response_type.replace(' ', "+");
        self.call("GET", &format!("/_test/tokens?alg={alg}&flow={flow}"))
    }

    /// A client-credentials access token signed with `alg`, `aud` an array of the resource
    /// and `https://other.example.com`.
    fn client_token(&self, alg: &str) -> ClientToken {
        let resource = format!("https://api.example.com/{alg}/aud-array");
        self.call(
            "GET",
            &format!("/_test/client_credentials?alg={alg}&resource={resource}"),
        )
    }

    fn key_set(&self) -> RemoteKeySet {
        RemoteKeySet::discover(&self.issuer, RemoteConfig::default())
            .unwrap_or_else(|e| panic!("discovery at {}: {e:?}", self.issuer))
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `token` with the character at `index` changed to another base64url character (not the
/// last of a segment, whose unused bits would make the encoding non-canonical instead).
fn flip(token: &str, index: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ascii")
}

/// The middle of the `n`th dot-separated segment of `token`.
fn middle_of(token: &str, n: usize) -> usize {
    let mut start = 0;
    for (i, segment) in token.split('.').enumerate() {
        if i == n {
            return start + segment.len() / 2;
        }
        start += segment.len() + 1;
    }
    panic!("token has no segment {n}")
}

/// The hash length of `at_hash`/`c_hash` for `alg`: half of SHA-256 (16 bytes, 22
/// characters) or, for EdDSA, half of SHA-512 (32 bytes, 43 characters).
fn hash_len(alg: &str) -> usize {
    if alg == "EdDSA" { 43 } else { 22 }
}

#[test]
fn discovery_names_the_jwks_and_the_id_token_algorithms() {
    let op = Provider::shared();
    let found = Discovery::fetch(&op.issuer, &RemoteConfig::default()).unwrap();
    assert_eq!(found.issuer, op.issuer);
    assert_eq!(found.jwks_uri, format!("{}/jwks", op.issuer));
    assert_eq!(found.token_endpoint, Some(format!("{}/token", op.issuer)));
    for alg in ALGS {
        assert!(
            found
                .id_token_signing_alg_values_supported
                .iter()
                .any(|a| a == alg),
            "{alg} in {:?}",
            found.id_token_signing_alg_values_supported
        );
    }
    // The document names the issuer without a trailing '/': asking with one is another
    // issuer (OpenID Connect Discovery 1.0 §4.3).
    let slash = format!("{}/", op.issuer);
    assert_eq!(
        Discovery::fetch(&slash, &RemoteConfig::default()),
        Err(Error::IssuerMismatch)
    );
}

#[test]
fn id_tokens_verify_with_nonce_c_hash_and_at_hash() {
    let op = Provider::shared();
    let keys = op.key_set();
    let mut scratch = [0u8; 4096];
    for alg in ALGS {
        for flow in FLOWS {
            let t = op.tokens(alg, flow);
            let mut policy = IdPolicy::new(&op.issuer, &t.client_id).expect_nonce(&t.nonce);
            // Hybrid flows return the ID token beside the code (c_hash) and, with `token`,
            // beside the access token (at_hash); the code flow's comes from the token
            // endpoint with neither.
            if flow != "code" {
                policy = policy.expect_code(&t.code);
            }
            if flow == "code id_token token" {
                policy = policy.expect_access_token(t.access_token());
            }
            let now = SystemClock::now();
            let claims = keys
                .verify_id(&t.id_token, &policy, now, &mut scratch)
                .unwrap_or_else(|e| panic!("{alg} {flow}: {e:?}\n{}", t.id_token));
            let ctx = format!("{alg} {flow}");
            assert_eq!(claims.iss, op.issuer, "{ctx}");
            assert_eq!(claims.sub, ACCOUNT, "{ctx}");
            assert_eq!(
                claims.aud.iter().collect::<Vec<_>>(),
                [t.client_id.as_str()],
                "{ctx}"
            );
            assert_eq!(claims.nonce, Some(t.nonce.as_str()), "{ctx}");
            assert_eq!(claims.acr, Some("urn:example:loa:2"), "{ctx}");
            assert_eq!(
                claims.amr.iter().collect::<Vec<_>>(),
                ["pwd", "otp"],
                "{ctx}"
            );
            assert_eq!(claims.email, Some("jane.doe@example.com"), "{ctx}");
            assert_eq!(claims.email_verified, Some(true), "{ctx}");
            assert_eq!(claims.name, Some("Jane Doe"), "{ctx}");
            let auth_time = claims.auth_time.expect("auth_time");
            assert!(auth_time <= claims.iat, "{ctx}");
            assert_eq!(
                claims.exp - claims.iat,
                3600,
                "{ctx}: the provider's ID token TTL"
            );
            let c_hash = claims.c_hash.map(str::len);
            let at_hash = claims.at_hash.map(str::len);
            match flow {
                "code" => assert_eq!((c_hash, at_hash), (None, None), "{ctx}"),
                "code id_token" => assert_eq!((c_hash, at_hash), (Some(hash_len(alg)), None)),
                _ => assert_eq!(
                    (c_hash, at_hash),
                    (Some(hash_len(alg)), Some(hash_len(alg)))
                ),
            }
            // `sid` is not one of our typed claims: it stays readable among the extras.
            let sid = claims.extra.get("sid").and_then(|v| v.as_str());
            assert!(
                sid.is_some_and(|s| s.as_str().is_some_and(|s| !s.is_empty())),
                "{ctx}"
            );
        }
    }
}

#[test]
fn id_token_bindings_are_checked() {
    let op = Provider::shared();
    let keys = op.key_set();
    let mut scratch = [0u8; 4096];
    for alg in ALGS {
        let t = op.tokens(alg, "code id_token token");
        let other = op.tokens(alg, "code id_token token");
        let now = SystemClock::now();
        let policy = IdPolicy::new(&op.issuer, &t.client_id);
        let mut verify = |policy: IdPolicy<'_>| {
            keys.verify_id(&t.id_token, &policy, now, &mut scratch)
                .map(|_| ())
        };
        assert_eq!(verify(policy.expect_nonce(&t.nonce)), Ok(()), "{alg}");
        assert_eq!(
            verify(policy.expect_nonce(&other.nonce)),
            Err(Error::Token(TokenError::WrongNonce)),
            "{alg}"
        );
        assert_eq!(
            verify(policy.expect_code(&other.code)),
            Err(Error::Token(TokenError::CodeHashMismatch)),
            "{alg}"
        );
        assert_eq!(
            verify(policy.expect_access_token(other.access_token())),
            Err(Error::Token(TokenError::AccessTokenHashMismatch)),
            "{alg}"
        );
        let stranger = IdPolicy::new(&op.issuer, "another-client");
        assert_eq!(
            verify(stranger),
            Err(Error::Token(TokenError::WrongAudience)),
            "{alg}"
        );
    }
}

#[test]
fn jwt_access_tokens_verify_with_the_resource_as_audience() {
    let op = Provider::shared();
    let keys = op.key_set();
    let mut scratch = [0u8; 4096];
    for alg in ALGS {
        // A user's token from the code flow, `aud` a string.
        let t = op.tokens(alg, "code");
        let policy = AccessPolicy::new(&op.issuer, &t.resource).require_scopes(&SCOPES);
        let claims = keys
            .verify_access(t.access_token(), &policy, SystemClock::now(), &mut scratch)
            .unwrap_or_else(|e| panic!("{alg}: {e:?}\n{}", t.access_token()));
        assert_eq!(claims.iss, op.issuer, "{alg}");
        assert_eq!(claims.sub, ACCOUNT, "{alg}");
        assert_eq!(claims.client_id, t.client_id, "{alg}");
        assert_eq!(
            claims.aud.iter().collect::<Vec<_>>(),
            [t.resource.as_str()],
            "{alg}"
        );
        assert_eq!(claims.scope, Some("read:orders write:orders"), "{alg}");
        assert_eq!(
            claims.exp - claims.iat,
            300,
            "{alg}: the resource's access token TTL"
        );
        assert!(!claims.jti.is_empty(), "{alg}");
        // Verified claims borrow the scratch buffer (and zeroize on drop).
        drop(claims);
        let elsewhere = AccessPolicy::new(&op.issuer, "https://api.example.com/other");
        assert_eq!(
            keys.verify_access(
                t.access_token(),
                &elsewhere,
                SystemClock::now(),
                &mut scratch
            )
            .map(|_| ()),
            Err(Error::Token(TokenError::WrongAudience)),
            "{alg}"
        );

        // A client's own token, `aud` an array; `sub` is the client.
        let c = op.client_token(alg);
        for audience in [c.resource.as_str(), "https://other.example.com"] {
            let policy = AccessPolicy::new(&op.issuer, audience);
            let claims = keys
                .verify_access(&c.access_token, &policy, SystemClock::now(), &mut scratch)
                .unwrap_or_else(|e| panic!("{alg} client credentials: {e:?}"));
            assert_eq!(claims.sub, c.client_id, "{alg}");
            assert_eq!(claims.client_id, c.client_id, "{alg}");
            assert_eq!(
                claims.aud.iter().collect::<Vec<_>>(),
                [c.resource.as_str(), "https://other.example.com"],
                "{alg}"
            );
        }
    }
}

#[test]
fn tampered_tokens_are_refused() {
    let op = Provider::shared();
    let keys = op.key_set();
    let mut scratch = [0u8; 4096];
    for alg in ALGS {
        let t = op.tokens(alg, "code");
        let id_policy = IdPolicy::new(&op.issuer, &t.client_id).expect_nonce(&t.nonce);
        let at_policy = AccessPolicy::new(&op.issuer, &t.resource);
        let now = SystemClock::now();
        // Untouched, both verify: the refusals below are the tampering's.
        assert!(
            keys.verify_id(&t.id_token, &id_policy, now, &mut scratch)
                .is_ok()
        );
        assert!(
            keys.verify_access(t.access_token(), &at_policy, now, &mut scratch)
                .is_ok()
        );
        for segment in [1, 2] {
            let id = flip(&t.id_token, middle_of(&t.id_token, segment));
            let at = flip(t.access_token(), middle_of(t.access_token(), segment));
            let bad = Err(Error::Token(TokenError::BadSignature));
            let ctx = format!("{alg}, segment {segment}");
            assert_eq!(
                keys.verify_id(&id, &id_policy, now, &mut scratch)
                    .map(|_| ()),
                bad,
                "{ctx}"
            );
            assert_eq!(
                keys.verify_access(&at, &at_policy, now, &mut scratch)
                    .map(|_| ()),
                bad,
                "{ctx}"
            );
        }
        // The header naming another algorithm of the set, same kid: the key pins its own.
        let other = if alg == "ES256" { "RS256" } else { "ES256" };
        let (_, rest) = t.id_token.split_once('.').unwrap();
        let kid = token_kid(&t.id_token).unwrap().unwrap();
        let header = format!(r#"{{"alg":"{other}","kid":"{kid}"}}"#);
        let swapped = format!("{}.{rest}", b64url(header.as_bytes()));
        assert_eq!(
            keys.verify_id(&swapped, &id_policy, now, &mut scratch)
                .map(|_| ()),
            Err(Error::Token(TokenError::AlgorithmMismatch)),
            "{alg} as {other}"
        );
    }
}

#[test]
fn kind_confusion_is_refused() {
    let op = Provider::shared();
    let keys = op.key_set();
    let mut scratch = [0u8; 4096];
    for alg in ALGS {
        let t = op.tokens(alg, "code");
        let now = SystemClock::now();
        // Policies each token would otherwise pass: its own issuer and audience.
        let id_as_access = AccessPolicy::new(&op.issuer, &t.client_id);
        assert_eq!(
            keys.verify_access(&t.id_token, &id_as_access, now, &mut scratch)
                .map(|_| ()),
            Err(Error::Token(TokenError::WrongKind)),
            "{alg}: ID token as access token"
        );
        let access_as_id = IdPolicy::new(&op.issuer, &t.resource);
        assert_eq!(
            keys.verify_id(t.access_token(), &access_as_id, now, &mut scratch)
                .map(|_| ()),
            Err(Error::Token(TokenError::WrongKind)),
            "{alg}: access token as ID token"
        );
    }
}

#[test]
fn rotated_keys_are_picked_up_by_one_unknown_kid_refresh() {
    // Its own provider: rotation would pull the keys from under the other tests.
    let op = Provider::start();
    // No cooldown: every unknown kid may refetch. And one far longer than this test.
    let eager = RemoteConfig {
        refresh_cooldown: Duration::ZERO,
        ..RemoteConfig::default()
    };
    let patient = RemoteConfig {
        refresh_cooldown: Duration::from_secs(3600),
        ..RemoteConfig::default()
    };
    let keys = RemoteKeySet::discover(&op.issuer, eager).unwrap();
    let patient = RemoteKeySet::discover(&op.issuer, patient).unwrap();
    let mut scratch = [0u8; 4096];

    let before = op.tokens("ES256", "code");
    let policy_before = IdPolicy::new(&op.issuer, &before.client_id).expect_nonce(&before.nonce);
    let now = SystemClock::now();
    for set in [&keys, &patient] {
        set.verify_id(&before.id_token, &policy_before, now, &mut scratch)
            .unwrap();
        assert_eq!(set.fetch_count(), 1);
    }

    let rotation: Rotation = op.call("POST", "/_test/rotate");
    assert_eq!(rotation.kids.len(), 3);
    assert!(
        rotation.kids.iter().all(|k| !rotation.old_kids.contains(k)),
        "{rotation:?}"
    );
    let old_kid = token_kid(&before.id_token).unwrap().unwrap();
    assert!(rotation.old_kids.contains(&old_kid));

    let after = op.tokens("ES256", "code");
    let new_kid = token_kid(&after.id_token).unwrap().unwrap();
    assert!(
        rotation.kids.contains(&new_kid),
        "{new_kid} in {rotation:?}"
    );
    let policy_after = IdPolicy::new(&op.issuer, &after.client_id).expect_nonce(&after.nonce);
    let now = SystemClock::now();

    // An unknown kid: one refetch, then the token verifies.
    let claims = keys
        .verify_id(&after.id_token, &policy_after, now, &mut scratch)
        .unwrap();
    assert_eq!(claims.nonce, Some(after.nonce.as_str()));
    drop(claims);
    assert_eq!(keys.fetch_count(), 2);
    // That fetch brought the whole new set: the other algorithms' new keys need none.
    let at_policy = AccessPolicy::new(&op.issuer, &after.resource);
    keys.verify_access(after.access_token(), &at_policy, now, &mut scratch)
        .unwrap();
    for alg in ["RS256", "EdDSA"] {
        let t = op.tokens(alg, "code");
        let policy = IdPolicy::new(&op.issuer, &t.client_id).expect_nonce(&t.nonce);
        keys.verify_id(&t.id_token, &policy, SystemClock::now(), &mut scratch)
            .unwrap_or_else(|e| panic!("{alg} after rotation: {e:?}"));
    }
    assert_eq!(keys.fetch_count(), 2);

    // Within its cooldown a set does not refetch: the new kid stays unknown to it.
    assert_eq!(
        patient
            .verify_id(&after.id_token, &policy_after, now, &mut scratch)
            .map(|_| ()),
        Err(Error::UnknownKeyId)
    );
    assert_eq!(patient.fetch_count(), 1);

    // The old key is gone from the provider's set: its tokens no longer verify (with no
    // cooldown, asking costs one more fetch).
    assert_eq!(
        keys.verify_id(&before.id_token, &policy_before, now, &mut scratch)
            .map(|_| ()),
        Err(Error::UnknownKeyId)
    );
    assert_eq!(keys.fetch_count(), 3);
}

/// Unpadded base64url, for the one header the tests write themselves.
fn b64url(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}
