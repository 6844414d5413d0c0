//! OpenID Connect Discovery and a remote JWK set, cached (cargo feature `remote`).
//!
//! A resource server that trusts an OpenID provider (Keycloak, Auth0, Entra ID, Google,
//! Okta, Cognito, ...) learns the provider's keys from its discovery document
//! ([`Discovery::fetch`], OpenID Connect Discovery 1.0) and its JWK set ([`RemoteKeySet`]),
//! and keeps them fresh as the provider rotates them.
//!
//! ```no_run
//! use compact_token::AccessPolicy;
//! use compact_token_std::remote::{RemoteConfig, RemoteKeySet};
//! use compact_token_std::SystemClock;
//! use std::sync::Arc;
//!
//! // Once, at start-up: the issuer's discovery document names its JWK set (nothing is
//! // fetched from the JWK set yet). Share the set between threads with `Arc`.
//! let keys = Arc::new(RemoteKeySet::discover("https://auth.example.com", RemoteConfig::default())?);
//!
//! // For each request: the token's `kid` picks the key; the set is fetched on first use,
//! // again when its cache lifetime ends, and when a token names a key not seen yet.
//! let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2ln";
//! let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
//! let mut scratch = [0u8; 2048];
//! let claims = keys.verify_access(token, &policy, SystemClock::now(), &mut scratch)?;
//! println!("subject {}", claims.sub);
//! # Ok::<(), compact_token_std::Error>(())
//! ```
//!
//! # What is fetched, and when
//!
//! - **URLs**: `https` only, or plain `http` to a loopback address (`127.0.0.0/8`, `::1`,
//!   `localhost`) for development and tests; anything else is [`Error::InsecureUrl`] before
//!   any connection. Redirects are **not followed**: a `3xx` answer is
//!   [`Error::Http`], so a redirect can never lead to a non-HTTPS URL or another host.
//!   Server certificates are checked by rustls against the Mozilla roots (`webpki-roots`).
//!   The environment's proxy settings (`HTTPS_PROXY`, `NO_PROXY`, ...) apply, except to
//!   loopback addresses.
//! - **Bounds**: each request, from name resolution to the last byte of the body, has
//!   [`RemoteConfig::timeout`] ([`Error::Timeout`]); a body longer than
//!   [`RemoteConfig::max_body`] is [`Error::ResponseTooLarge`] (at most `max_body + 1`
//!   bytes are read and held). Only status 200 is accepted.
//! - **Cache lifetime**: the JWK set is kept for the response's `Cache-Control: max-age`,
//!   clamped into [`RemoteConfig::min_ttl`, `max_ttl`]; with `no-store`, `no-cache`, or no
//!   (valid) `max-age`, for [`RemoteConfig::default_ttl`]. Other caching headers
//!   (`Expires`, `Age`, `ETag`) are not used. Cache times are monotonic ([`Instant`]); the
//!   token's `now` stays the caller's.
//! - **Unknown `kid`**: a token naming a `kid` the cached set does not hold makes the set
//!   refetch, then the token is tried once more, but only if no fetch started within the
//!   last [`RemoteConfig::refresh_cooldown`]: forged `kid`s cannot make a fetch storm, and a
//!   key the provider just published is picked up within one cooldown.
//! - **Failures**: a failed refresh keeps the last good set (a stale set is then used, and
//!   refetched at most once per cooldown); the error is returned only when there is no set
//!   yet, on [`RemoteKeySet::refresh`], or when a token's `kid` is still unknown after it.
//! - **One fetch in flight**: callers that need a fetch while one is running wait for that
//!   one and share its outcome, so a cold cache hit by many threads makes one request.
//!   A cold cache that fails is fetched again by the next caller.
//!
//! The keys are read by [`KeySet::from_public_jwks`]: Ed25519, P-256 and RSA keys side by
//! side, `use`/`key_ops`/`alg` respected, foreign keys skipped, and any private material
//! (`d`, `p`, `oct` keys) refuses the whole set ([`Error::PrivateKeyInPublicSet`]); the
//! previous set is then kept as for any failed refresh.
//!
//! # Why blocking only
//!
//! The API is blocking (ureq): an async one would tie the crate to one runtime and its HTTP
//! stack for an operation that runs once per cache lifetime. A cached verify does no I/O
//! and takes microseconds, so it can be called from async code; where a fetch may happen
//! (first use, expiry, unknown `kid`), call it in `tokio::task::spawn_blocking` (or the
//! runtime's equivalent) with the set in an [`Arc`], or warm it with
//! [`RemoteKeySet::keys`] at start-up and [`RemoteKeySet::refresh`] from a background
//! thread.

use std::io::Read;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use compact_token::{AccessClaims, AccessPolicy, IdClaims, IdPolicy, KeyUse, Kind};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::keyset::KeySet;

/// Limits and cache lifetimes of remote fetches. Start from [`RemoteConfig::default`] and
/// change the fields you need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RemoteConfig {
    /// The whole request: name resolution, connection, TLS, response and body. Default 5 s.
    pub timeout: Duration,
    /// The largest response body accepted, in bytes. Default 256 KiB.
    pub max_body: usize,
    /// The shortest cache lifetime a `max-age` can ask for. Default 60 s.
    pub min_ttl: Duration,
    /// The longest cache lifetime a `max-age` can ask for. Default 24 h.
    pub max_ttl: Duration,
    /// The cache lifetime without a usable `max-age`, or with `no-cache`/`no-store`
    /// (used as is, not clamped). Default 10 min.
    pub default_ttl: Duration,
    /// The shortest time between two fetches caused by an unknown `kid` (or retrying after
    /// a failed refresh while a stale set is kept). Default 60 s.
    pub refresh_cooldown: Duration,
    /// The use of keys without `token_use` (providers never write it). Default
    /// [`KeyUse::AccessAndId`].
    pub key_use: KeyUse,
}

impl Default for RemoteConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_body: 256 * 1024,
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(24 * 60 * 60),
            default_ttl: Duration::from_secs(10 * 60),
            refresh_cooldown: Duration::from_secs(60),
            key_use: KeyUse::AccessAndId,
        }
    }
}

/// The members of an OpenID provider's discovery document that verifiers use (OpenID
/// Connect Discovery 1.0 §3); other members are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Discovery {
    /// The issuer, exactly as asked for (checked).
    pub issuer: String,
    /// The URL of the provider's JWK set (`https`, or `http` to loopback: checked).
    pub jwks_uri: String,
    /// The authorization endpoint, when given.
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    /// The token endpoint, when given.
    #[serde(default)]
    pub token_endpoint: Option<String>,
    /// The userinfo endpoint, when given.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    /// The algorithms the provider signs ID tokens with (empty when not given).
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
}

impl Discovery {
    /// `GET {issuer}/.well-known/openid-configuration` (an issuer's trailing `/` removed
    /// first, OpenID Connect Discovery 1.0 §4), read with [`from_json`](Self::from_json).
    /// The issuer must be an `https` URL (or `http` to loopback) without query or fragment.
    pub fn fetch(issuer: &str, config: &RemoteConfig) -> Result<Discovery> {
        let url = Self::url(issuer)?;
        let response = Http::new(&url, config)?.get()?;
        Self::from_json(&response.body, issuer)
    }

    /// The discovery document's URL for `issuer` ([`Error::InvalidUrl`] /
    /// [`Error::InsecureUrl`] when the issuer is not an acceptable issuer URL).
    pub fn url(issuer: &str) -> Result<String> {
        check_url(issuer)?;
        if issuer.contains('?') {
            return Err(Error::InvalidUrl);
        }
        let base = issuer.strip_suffix('/').unwrap_or(issuer);
        Ok(format!("{base}/.well-known/openid-configuration"))
    }

    /// Reads a discovery document (no I/O): [`Error::Json`] unless it is a JSON object with
    /// string `issuer` and `jwks_uri` (duplicates refused, unknown members ignored),
    /// [`Error::IssuerMismatch`] unless `issuer` is exactly `expected_issuer`, and
    /// [`Error::InvalidUrl`] / [`Error::InsecureUrl`] for an unacceptable `jwks_uri`.
    pub fn from_json(json: &[u8], expected_issuer: &str) -> Result<Discovery> {
        let doc: Discovery = serde_json::from_slice(json).map_err(|_| Error::Json)?;
        if doc.issuer != expected_issuer {
            return Err(Error::IssuerMismatch);
        }
        check_url(&doc.jwks_uri)?;
        Ok(doc)
    }
}

/// A provider's JWK set at a URL, cached and refetched as the [module documentation](self)
/// says. `Send + Sync`: share one with [`Arc`] between threads.
#[derive(Debug)]
pub struct RemoteKeySet {
    http: Http,
    config: RemoteConfig,
    state: Mutex<State>,
    /// Signalled when a fetch ends.
    fetched: Condvar,
    fetches: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    /// The last good set.
    keys: Option<Arc<KeySet>>,
    /// When `keys` was fetched, and for how long it is fresh.
    fetched_at: Option<(Instant, Duration)>,
    /// When the last fetch started (the refresh cooldown runs from there).
    last_start: Option<Instant>,
    /// The error of the last fetch, `None` when it succeeded.
    last_error: Option<Error>,
    /// A fetch is running.
    in_flight: bool,
    /// Fetches ended so far: a waiter knows the one it waited for has ended.
    generation: u64,
}

impl State {
    /// The outcome of the last fetch: its set, or its error.
    fn outcome(&self) -> Result<Arc<KeySet>> {
        match (self.last_error, &self.keys) {
            (Some(e), _) => Err(e),
            (None, Some(keys)) => Ok(Arc::clone(keys)),
            // Not reached: a fetch without error leaves a set.
            (None, None) => Err(Error::Fetch),
        }
    }

    fn cooling_down(&self, now: Instant, cooldown: Duration) -> bool {
        self.last_start
            .is_some_and(|start| now.saturating_duration_since(start) < cooldown)
    }
}

/// Ends the fetch in flight even if the fetching thread unwinds, so waiters never hang.
struct InFlight<'a> {
    set: &'a RemoteKeySet,
    outcome: Option<Result<(KeySet, Duration)>>,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut state = self.set.lock();
        state.in_flight = false;
        state.generation = state.generation.wrapping_add(1);
        match self.outcome.take().unwrap_or(Err(Error::Fetch)) {
            Ok((keys, ttl)) => {
                state.keys = Some(Arc::new(keys));
                state.fetched_at = Some((Instant::now(), ttl));
                state.last_error = None;
            }
            Err(e) => state.last_error = Some(e),
        }
        self.set.fetched.notify_all();
    }
}

impl RemoteKeySet {
    /// A set fetched from `jwks_uri` ([`Error::InvalidUrl`] / [`Error::InsecureUrl`] when
    /// the URL is not acceptable); nothing is fetched until a key is needed.
    pub fn new(jwks_uri: &str, config: RemoteConfig) -> Result<Self> {
        Ok(Self {
            http: Http::new(jwks_uri, &config)?,
            config,
            state: Mutex::new(State::default()),
            fetched: Condvar::new(),
            fetches: AtomicU64::new(0),
        })
    }

    /// [`Discovery::fetch`] for `issuer`, then [`new`](Self::new) with its `jwks_uri`.
    pub fn discover(issuer: &str, config: RemoteConfig) -> Result<Self> {
        let discovery = Discovery::fetch(issuer, &config)?;
        Self::new(&discovery.jwks_uri, config)
    }

    /// The JWK set's URL.
    pub fn jwks_uri(&self) -> &str {
        &self.http.url
    }

    /// The configuration the set was made with.
    pub fn config(&self) -> &RemoteConfig {
        &self.config
    }

    /// Verifies an access token (`jwt` profile) with the key its `kid` selects (see
    /// [`KeySet::verify_access`]), fetching the set as the [module documentation](self)
    /// says. A token over the policy's size budget is refused before anything is fetched.
    pub fn verify_access<'b>(
        &self,
        token: &str,
        policy: &AccessPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<AccessClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        self.keys_for(token, Kind::Access, now)?
            .verify_access(token, policy, now, scratch)
    }

    /// Verifies an ID token (`jwt` profile) as [`verify_access`](Self::verify_access) does
    /// an access token.
    pub fn verify_id<'b>(
        &self,
        token: &str,
        policy: &IdPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<IdClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        self.keys_for(token, Kind::Id, now)?
            .verify_id(token, policy, now, scratch)
    }

    /// The current set: fetched first if there is none yet or it is stale (a stale set is
    /// returned when that fetch fails; the error only when there is no set at all).
    pub fn keys(&self) -> Result<Arc<KeySet>> {
        let state = self.lock();
        let now = Instant::now();
        if let (Some(keys), Some((at, ttl))) = (&state.keys, state.fetched_at)
            && now.saturating_duration_since(at) < ttl
        {
            return Ok(Arc::clone(keys));
        }
        let stale = state.keys.clone();
        if let Some(keys) = &stale
            && !state.in_flight
            && state.last_error.is_some()
            && state.cooling_down(now, self.config.refresh_cooldown)
        {
            // The last refresh failed moments ago: keep the stale set, do not hammer.
            return Ok(Arc::clone(keys));
        }
        match (self.fetch_or_wait(state), stale) {
            (Err(_), Some(stale)) => Ok(stale),
            (outcome, _) => outcome,
        }
    }

    /// Fetches the set now, whatever its age and the cooldown (waiting for, and sharing,
    /// a fetch already in flight). On failure the error is returned and the last good set
    /// is still kept.
    pub fn refresh(&self) -> Result<Arc<KeySet>> {
        self.fetch_or_wait(self.lock())
    }

    /// How many HTTP fetches of the set this value started (successful or not).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The set to verify `token` with: the current one, or a newer one when the token's
    /// `kid` is unknown and the cooldown allows a fetch.
    fn keys_for(&self, token: &str, kind: Kind, now: u64) -> Result<Arc<KeySet>> {
        let keys = self.keys()?;
        if !matches!(
            keys.verifying_key(token, kind, now),
            Err(Error::UnknownKeyId)
        ) {
            return Ok(keys);
        }
        let state = self.lock();
        match &state.keys {
            // Another thread has fetched a newer set since: try that one.
            Some(current) if !Arc::ptr_eq(current, &keys) => return Ok(Arc::clone(current)),
            _ => {}
        }
        if !state.in_flight && state.cooling_down(Instant::now(), self.config.refresh_cooldown) {
            return Ok(keys);
        }
        self.fetch_or_wait(state)
    }

    /// Starts a fetch, or waits for the one in flight; either way, that fetch's outcome.
    fn fetch_or_wait(&self, mut state: MutexGuard<'_, State>) -> Result<Arc<KeySet>> {
        if state.in_flight {
            let generation = state.generation;
            while state.in_flight && state.generation == generation {
                state = self
                    .fetched
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            return state.outcome();
        }
        state.in_flight = true;
        state.last_start = Some(Instant::now());
        drop(state);
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let mut flight = InFlight {
            set: self,
            outcome: None,
        };
        flight.outcome = Some(self.fetch());
        drop(flight);
        self.lock().outcome()
    }

    /// One HTTP fetch and parse, no lock held.
    fn fetch(&self) -> Result<(KeySet, Duration)> {
        let response = self.http.get()?;
        let json = std::str::from_utf8(&response.body).map_err(|_| Error::Json)?;
        let keys = KeySet::from_public_jwks(json, self.config.key_use)?;
        Ok((keys, self.ttl(response.cache_control.as_deref())))
    }

    /// The cache lifetime a `Cache-Control` value asks for, within the configuration.
    fn ttl(&self, cache_control: Option<&str>) -> Duration {
        let c = &self.config;
        match cache_control.and_then(max_age) {
            Some(age) => Duration::from_secs(age).clamp(c.min_ttl, c.max_ttl.max(c.min_ttl)),
            None => c.default_ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves `State` consistent (every update is one
        // assignment), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The `max-age` of a `Cache-Control` value in seconds; `None` with `no-store` or
/// `no-cache`, or without a valid `max-age` (RFC 9111 §5.2: directive names are
/// case-insensitive, the argument may be quoted).
fn max_age(cache_control: &str) -> Option<u64> {
    let mut age = None;
    for directive in cache_control.split(',') {
        let (name, value) = match directive.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return None;
        }
        if name.eq_ignore_ascii_case("max-age") {
            let digits = value?.trim_matches('"');
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // An age too large for u64 is "forever", which max_ttl then clamps.
            age = Some(digits.parse().unwrap_or(u64::MAX));
        }
    }
    age
}

/// Checks a URL a remote key set may fetch: `https`, or `http` to loopback, with a host,
/// without user information or fragment. `Ok(true)` when the host is a loopback address.
fn check_url(url: &str) -> Result<bool> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| Error::InvalidUrl)?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or(Error::InvalidUrl)?;
    let authority = uri.authority().ok_or(Error::InvalidUrl)?;
    if authority.as_str().contains('@') || url.contains('#') {
        return Err(Error::InvalidUrl);
    }
    let loopback = is_loopback(host);
    match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Ok(loopback),
        Some(s) if s.eq_ignore_ascii_case("http") && loopback => Ok(true),
        Some(_) => Err(Error::InsecureUrl),
        None => Err(Error::InvalidUrl),
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A checked URL and the agent that fetches it.
#[derive(Debug)]
struct Http {
    url: String,
    agent: ureq::Agent,
    max_body: usize,
}

/// A 200 response: its body and `Cache-Control`.
struct Response {
    body: Vec<u8>,
    cache_control: Option<String>,
}

impl Http {
    fn new(url: &str, config: &RemoteConfig) -> Result<Self> {
        let loopback = check_url(url)?;
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(config.timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(if loopback {
                None
            } else {
                ureq::Proxy::try_from_env()
            })
            .user_agent(concat!("compact-token-std/", env!("CARGO_PKG_VERSION")))
            .accept("application/json, application/jwk-set+json")
            .build()
            .new_agent();
        Ok(Self {
            url: url.to_owned(),
            agent,
            max_body: config.max_body,
        })
    }

    fn get(&self) -> Result<Response> {
        let mut response = self.agent.get(&self.url).call().map_err(http_error)?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(Error::Http { status });
        }
        let cache_control = {
            let values: Vec<&str> = response
                .headers()
                .get_all("cache-control")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            (!values.is_empty()).then(|| values.join(","))
        };
        let body = response.body_mut();
        if body
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Err(Error::ResponseTooLarge);
        }
        let body = read_capped(body.as_reader(), self.max_body)?;
        Ok(Response {
            body,
            cache_control,
        })
    }
}

/// Reads at most `max + 1` bytes, holding at most that much: [`Error::ResponseTooLarge`]
/// beyond `max`.
fn read_capped(reader: impl Read, max: usize) -> Result<Vec<u8>> {
    let limit = max.saturating_add(1);
    let mut reader = reader.take(limit as u64);
    let mut body = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(http_error(ureq::Error::from(e))),
        };
        if body.len() + n > body.capacity() {
            // Grow geometrically, but never past the cap.
            let want = (body.capacity() * 2).max(body.len() + n).min(limit);
            body.reserve_exact(want - body.len());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if body.len() > max {
        return Err(Error::ResponseTooLarge);
    }
    Ok(body)
}

fn http_error(e: ureq::Error) -> Error {
    match e {
        ureq::Error::Timeout(_) => Error::Timeout,
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            Error::Timeout
        }
        ureq::Error::StatusCode(status) => Error::Http { status },
        ureq::Error::BodyExceedsLimit(_) => Error::ResponseTooLarge,
        _ => Error::Fetch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_https_or_loopback_http_only() {
        for ok in [
            "https://auth.example.com",
            "https://auth.example.com/realms/a/",
            "HTTPS://auth.example.com:8443/x?y=1",
            "http://127.0.0.1:8080/jwks",
            "http://127.8.9.10/jwks",
            "http://[::1]:9000/jwks",
            "http://localhost/jwks",
            "http://LocalHost:1/jwks",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for (bad, err) in [
            ("http://auth.example.com/jwks", Error::InsecureUrl),
            ("http://10.0.0.1/jwks", Error::InsecureUrl),
            ("http://[::2]/jwks", Error::InsecureUrl),
            ("http://localhost.evil.com/jwks", Error::InsecureUrl),
            ("http://127.0.0.1.evil.com/jwks", Error::InsecureUrl),
            ("ftp://auth.example.com/jwks", Error::InsecureUrl),
            ("file:///etc/passwd", Error::InvalidUrl),
            ("auth.example.com/jwks", Error::InvalidUrl),
            ("/jwks", Error::InvalidUrl),
            ("", Error::InvalidUrl),
            ("https://user:pw@auth.example.com/jwks", Error::InvalidUrl),
            ("https://auth.example.com/jwks#k", Error::InvalidUrl),
            ("https://auth example.com/", Error::InvalidUrl),
        ] {
            assert_eq!(check_url(bad), Err(err), "{bad}");
        }
    }

    #[test]
    fn discovery_url_drops_one_trailing_slash() {
        assert_eq!(
            Discovery::url("https://a.example/realms/x/").unwrap(),
            "https://a.example/realms/x/.well-known/openid-configuration"
        );
        assert_eq!(
            Discovery::url("https://a.example").unwrap(),
            "https://a.example/.well-known/openid-configuration"
        );
        assert_eq!(
            Discovery::url("https://a.example/?x=1"),
            Err(Error::InvalidUrl)
        );
        assert_eq!(Discovery::url("http://a.example"), Err(Error::InsecureUrl));
    }

    #[test]
    fn max_age_directives() {
        for (value, age) in [
            ("max-age=300", Some(300)),
            ("public, max-age=120, must-revalidate", Some(120)),
            ("Max-Age=\"42\"", Some(42)),
            ("max-age=99999999999999999999999", Some(u64::MAX)),
            ("max-age=0", Some(0)),
            ("no-cache, max-age=300", None),
            ("max-age=300, no-store", None),
            ("max-age=-1", None),
            ("max-age=", None),
            ("max-age", None),
            ("max-age=1e3", None),
            ("public", None),
            ("", None),
        ] {
            assert_eq!(max_age(value), age, "{value:?}");
        }
    }

    #[test]
    fn ttl_clamped_into_bounds() {
        let config = RemoteConfig {
            min_ttl: Duration::from_secs(60),
            max_ttl: Duration::from_secs(3600),
            default_ttl: Duration::from_secs(600),
            ..RemoteConfig::default()
        };
        let set = RemoteKeySet::new("http://127.0.0.1:1/jwks", config).unwrap();
        assert_eq!(set.ttl(Some("max-age=5")), Duration::from_secs(60));
        assert_eq!(set.ttl(Some("max-age=900")), Duration::from_secs(900));
        assert_eq!(set.ttl(Some("max-age=86400")), Duration::from_secs(3600));
        assert_eq!(set.ttl(Some("no-store")), Duration::from_secs(600));
        assert_eq!(set.ttl(None), Duration::from_secs(600));
    }

    #[test]
    fn read_capped_refuses_one_byte_over_and_holds_no_more() {
        let body = vec![b'x'; 100_000];
        assert_eq!(read_capped(&body[..], 100_000).unwrap().len(), 100_000);
        assert_eq!(read_capped(&body[..], 99_999), Err(Error::ResponseTooLarge));
        let small = read_capped(&body[..10], 100_000).unwrap();
        assert_eq!(small, b"xxxxxxxxxx");
        // Capacity never exceeds the cap plus the one byte that detects "too large".
        let capped = read_capped(&body[..50_000], 50_000).unwrap();
        assert!(capped.capacity() <= 50_001, "{}", capped.capacity());
    }

    #[test]
    fn remote_key_set_is_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<RemoteKeySet>();
        shareable::<Arc<RemoteKeySet>>();
    }
}
