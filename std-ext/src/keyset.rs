//! Key sets with rotation windows: which key signs now, which key verifies a token (by its
//! `kid`), and the public JWK set to publish.
//!
//! # Rotation semantics
//!
//! - Every key has a [`Window`] `[not_before, retire_after]` in Unix seconds, both ends
//!   inclusive; `retire_after: None` means no end yet. A `kid` is optional (RFC 7517
//!   §4.5, and providers' sets may omit it) but unique in the set when present;
//!   [`KeySet::set_window`] and [`KeySet::retire`] change a key's window.
//! - **Signing** ([`KeySet::signing_key`], [`KeySet::issue_access`], ...): among the keys
//!   with a private half, meant for the token's kind, whose window holds both the issue time
//!   and the token's `exp`, the one with the latest `not_before` signs (on a tie, the one
//!   added last). So a new key takes over at its `not_before`, and an old key never signs a
//!   token that would outlive it.
//! - **Verifying** ([`KeySet::verifying_key`], [`KeySet::verify_access`], ...): a token
//!   over the policy's size budget is refused first, before its header is read. A token
//!   naming a `kid` is checked with that key only, and only while the key's window holds
//!   `now` ([`Error::UnknownKeyId`] otherwise); the key's use and algorithm are then checked
//!   by `compact-token`. A token without `kid` is checked only if exactly one key of the set
//!   is in its window at `now`, meant for the token's kind and for the algorithm its header
//!   names ([`Error::AmbiguousKey`] when several are, [`Error::NoActiveKey`] when none is);
//!   keys are never tried in turn. The header's `alg` only narrows the choice: the chosen
//!   key still pins its own algorithm.
//! - **Publishing** ([`KeySet::public_jwks`]): every Ed25519, P-256 and RSA key not yet
//!   retired at `now`, including keys whose window has not started, so verifiers learn a
//!   key before it signs. HS256 secrets are never published.
//! - **Persisting** ([`KeySet::to_private_jwks`], [`KeySet::save`], [`KeySet::load`]): the
//!   whole set, private keys and windows (`not_before`, `retire_after` beside each JWK), as a
//!   private JWK set; [`KeySet::save`] writes it with mode 0600.
//!
//! A rotation, then: add the new key with `not_before` in the future and publish; at
//! `not_before` it starts signing; give the old key a `retire_after` at least the longest
//! token lifetime (plus leeway) after that, and drop it once retired.

use std::path::Path;

use compact_token::{
    AccessClaims, AccessPolicy, IdClaims, IdPolicy, Kind, Limits, Registry, SigningKey,
    VerifyingKey, compact, jwt,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::jwk;
use crate::keys::{AnySigningKey, AnyVerifyingKey};

/// When a key is in service, in Unix seconds, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// The first second the key is in service.
    pub not_before: u64,
    /// The last second the key is in service; `None` while no end is set.
    pub retire_after: Option<u64>,
}

impl Window {
    /// Always in service.
    pub const ALWAYS: Window = Window {
        not_before: 0,
        retire_after: None,
    };

    /// A window; [`Error::InvalidWindow`] if it ends before it starts.
    pub fn new(not_before: u64, retire_after: Option<u64>) -> Result<Self> {
        match retire_after {
            Some(end) if end < not_before => Err(Error::InvalidWindow),
            _ => Ok(Self {
                not_before,
                retire_after,
            }),
        }
    }

    /// Whether the key is in service at `t`.
    pub fn contains(&self, t: u64) -> bool {
        self.not_before <= t && !self.is_retired_at(t)
    }

    /// Whether the key is retired at `t` (its window ended before `t`).
    pub fn is_retired_at(&self, t: u64) -> bool {
        self.retire_after.is_some_and(|end| end < t)
    }
}

#[derive(Debug, Clone)]
struct Entry {
    verifying: AnyVerifyingKey,
    signing: Option<AnySigningKey>,
    window: Window,
}

impl Entry {
    fn kid(&self) -> Option<&str> {
        self.verifying.key_id()
    }
}

/// Keys of any algorithm, each with its optional `kid`, its use and its rotation [`Window`].
/// See the [module documentation](self) for which key signs and which verifies.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    entries: Vec<Entry>,
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set of the public keys of a JWK set (see [`jwk::public_keys_from_jwks`]: Ed25519,
    /// P-256 and RSA keys, with or without `kid`), each always in service; `default_use`
    /// for keys without `token_use`.
    pub fn from_public_jwks(json: &str, default_use: compact_token::KeyUse) -> Result<Self> {
        let mut set = Self::new();
        for key in jwk::public_keys_from_jwks(json, default_use)? {
            set.add_verifying_key(key, Window::ALWAYS)?;
        }
        Ok(set)
    }

    fn insert(&mut self, entry: Entry) -> Result<()> {
        if let Some(kid) = entry.kid()
            && self.entries.iter().any(|e| e.kid() == Some(kid))
        {
            return Err(Error::DuplicateKeyId);
        }
        self.entries.push(entry);
        Ok(())
    }

    fn entry_mut(&mut self, kid: &str) -> Result<&mut Entry> {
        self.entries
            .iter_mut()
            .find(|e| e.kid() == Some(kid))
            .ok_or(Error::UnknownKeyId)
    }

    /// Adds a key that signs (and verifies) during `window`. Its `kid`, if any, must not be
    /// in the set yet ([`Error::DuplicateKeyId`]).
    pub fn add_signing_key(&mut self, key: AnySigningKey, window: Window) -> Result<()> {
        self.insert(Entry {
            verifying: key.verifying_key(),
            signing: Some(key),
            window,
        })
    }

    /// Adds a key that only verifies during `window`. Same `kid` rules as
    /// [`add_signing_key`](Self::add_signing_key).
    pub fn add_verifying_key(&mut self, key: AnyVerifyingKey, window: Window) -> Result<()> {
        self.insert(Entry {
            verifying: key,
            signing: None,
            window,
        })
    }

    /// Removes the key with `kid`; whether there was one.
    pub fn remove(&mut self, kid: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.kid() != Some(kid));
        self.entries.len() != before
    }

    /// The verifying key with `kid`, whatever its window.
    pub fn get(&self, kid: &str) -> Option<&AnyVerifyingKey> {
        self.entries
            .iter()
            .find(|e| e.kid() == Some(kid))
            .map(|e| &e.verifying)
    }

    /// The signing key with `kid`, if the set holds its private half.
    pub fn get_signing(&self, kid: &str) -> Option<&AnySigningKey> {
        self.entries
            .iter()
            .find(|e| e.kid() == Some(kid))
            .and_then(|e| e.signing.as_ref())
    }

    /// The window of the key with `kid`.
    pub fn window(&self, kid: &str) -> Option<Window> {
        self.entries
            .iter()
            .find(|e| e.kid() == Some(kid))
            .map(|e| e.window)
    }

    /// Gives the key with `kid` another window ([`Error::UnknownKeyId`] if there is none).
    pub fn set_window(&mut self, kid: &str, window: Window) -> Result<()> {
        self.entry_mut(kid)?.window = window;
        Ok(())
    }

    /// Ends the window of the key with `kid` at `retire_after` (inclusive), keeping its
    /// start: [`Error::InvalidWindow`] if that is before the start, [`Error::UnknownKeyId`]
    /// if there is no such key.
    pub fn retire(&mut self, kid: &str, retire_after: u64) -> Result<()> {
        let entry = self.entry_mut(kid)?;
        entry.window = Window::new(entry.window.not_before, Some(retire_after))?;
        Ok(())
    }

    /// Removes every key retired at `now`.
    pub fn remove_retired(&mut self, now: u64) {
        self.entries.retain(|e| !e.window.is_retired_at(now));
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The `kid`s (if any) and windows of the keys, in the order they were added.
    pub fn windows(&self) -> impl Iterator<Item = (Option<&str>, Window)> {
        self.entries.iter().map(|e| (e.kid(), e.window))
    }

    /// The key that signs a token of `kind` issued at `now` and expiring at `expires_at`:
    /// the newest key whose window holds both. [`Error::NoActiveKey`] when there is none.
    pub fn signing_key(&self, kind: Kind, now: u64, expires_at: u64) -> Result<&AnySigningKey> {
        self.entries
            .iter()
            .filter(|e| e.window.contains(now) && e.window.contains(expires_at))
            .filter_map(|e| e.signing.as_ref().map(|k| (e.window.not_before, k)))
            .filter(|(_, k)| k.key_use().allows(kind))
            // `max_by_key` keeps the last of equal maxima: the key added last wins a tie.
            .max_by_key(|(not_before, _)| *not_before)
            .map(|(_, k)| k)
            .ok_or(Error::NoActiveKey)
    }

    /// The key that verifies `token`, a token of `kind`, at `now`: see the
    /// [module documentation](self) for the rules.
    pub fn verifying_key(&self, token: &str, kind: Kind, now: u64) -> Result<&AnyVerifyingKey> {
        let in_service = self.entries.iter().filter(|e| e.window.contains(now));
        let mut buf = [0u8; compact_token::jws::HEADER_BUF_LEN];
        let header = compact_token::jws::untrusted_header(token, &mut buf)?;
        match header.kid {
            Some(kid) => in_service
                .filter(|e| e.kid() == Some(kid))
                .map(|e| &e.verifying)
                .next()
                .ok_or(Error::UnknownKeyId),
            None => {
                let mut candidates = in_service
                    .map(|e| &e.verifying)
                    .filter(|k| k.key_use().allows(kind) && k.algorithm().is_named(header.alg));
                match (candidates.next(), candidates.next()) {
                    (Some(key), None) => Ok(key),
                    (Some(_), Some(_)) => Err(Error::AmbiguousKey),
                    (None, _) => Err(Error::NoActiveKey),
                }
            }
        }
    }

    /// The public JWK set to publish at `now` (see the [module documentation](self)).
    pub fn public_jwks(&self, now: u64) -> String {
        jwk::any_keys_to_jwks(
            self.entries
                .iter()
                .filter(|e| !e.window.is_retired_at(now))
                .map(|e| &e.verifying),
        )
    }

    /// The whole set as a private JWK set: each key's private JWK (its public JWK when the
    /// set only verifies with it; HS256 secrets included) with its window as `not_before`
    /// and `retire_after` members. Holds secrets: zeroized on drop, built in one buffer of
    /// its exact size.
    pub fn to_private_jwks(&self) -> Zeroizing<String> {
        let keys: Vec<Zeroizing<String>> = self
            .entries
            .iter()
            .map(|e| {
                let json = match (&e.signing, &e.verifying) {
                    (Some(k), _) => jwk::signing_key_to_jwk(k),
                    (None, AnyVerifyingKey::Hs256(k)) => {
                        jwk::signing_key_to_jwk(&AnySigningKey::Hs256(k.clone()))
                    }
                    // Never empty: HS256, the key without a public JWK, is the arm above.
                    (None, k) => Zeroizing::new(jwk::any_key_to_jwk(k).unwrap_or_default()),
                };
                jwk::with_window(&json, e.window.not_before, e.window.retire_after)
            })
            .collect();
        let (open, sep, close) = ("{\"keys\":[", ",", "]}");
        let len =
            open.len() + close.len() + keys.iter().map(|k| k.len() + sep.len()).sum::<usize>();
        let mut out = Zeroizing::new(String::with_capacity(len));
        out.push_str(open);
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(k);
        }
        out.push_str(close);
        out
    }

    /// Reads a set written by [`to_private_jwks`](Self::to_private_jwks): keys with a private
    /// part sign, the others only verify; `default_use` for keys without `token_use`.
    pub fn from_private_jwks(json: &str, default_use: compact_token::KeyUse) -> Result<Self> {
        let mut set = Self::new();
        for (key, not_before, retire_after) in jwk::private_set(json, default_use)? {
            let window = Window::new(not_before.unwrap_or(0), retire_after)?;
            match key {
                jwk::SetKey::Signing(k) => set.add_signing_key(k, window)?,
                jwk::SetKey::Verifying(k) => set.add_verifying_key(k, window)?,
            }
        }
        Ok(set)
    }

    /// Writes [`to_private_jwks`](Self::to_private_jwks) to `path`, created with mode 0600
    /// (owner read and write only) before any byte is written; an existing file is replaced
    /// through a temporary file beside it, renamed over it once complete.
    pub fn save(&self, path: &Path) -> Result<()> {
        use std::io::Write;
        let json = self.to_private_jwks();
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&tmp).and_then(|mut f| {
            f.write_all(json.as_bytes())?;
            f.sync_all()
        });
        match written.and_then(|()| std::fs::rename(&tmp, path)) {
            Ok(()) => Ok(()),
            Err(_) => {
                let _ = std::fs::remove_file(&tmp);
                Err(Error::Io)
            }
        }
    }

    /// Reads a set saved by [`save`](Self::save).
    pub fn load(path: &Path, default_use: compact_token::KeyUse) -> Result<Self> {
        let json = Zeroizing::new(std::fs::read_to_string(path).map_err(|_| Error::Io)?);
        Self::from_private_jwks(&json, default_use)
    }

    /// Issues an access token in the `compact` profile with the key that signs at `now`.
    pub fn issue_access_compact<'o, S: AsRef<str>>(
        &self,
        claims: &AccessClaims<S>,
        limits: &Limits,
        registry: &Registry<'_>,
        now: u64,
        out: &'o mut [u8],
    ) -> Result<&'o str> {
        let key = self.signing_key(Kind::Access, now, claims.exp)?;
        Ok(compact::issue_access(claims, key, limits, registry, out)?)
    }

    /// Issues an ID token in the `compact` profile with the key that signs at `now`.
    pub fn issue_id_compact<'o, S: AsRef<str>>(
        &self,
        claims: &IdClaims<S>,
        limits: &Limits,
        registry: &Registry<'_>,
        now: u64,
        out: &'o mut [u8],
    ) -> Result<&'o str> {
        let key = self.signing_key(Kind::Id, now, claims.exp)?;
        Ok(compact::issue_id(claims, key, limits, registry, out)?)
    }

    /// Verifies a `compact` access token with the key its `kid` selects (budget first, as
    /// for [`verify_access`](Self::verify_access)).
    pub fn verify_access_compact<'b, 'r: 'b>(
        &self,
        token: &str,
        policy: &AccessPolicy<'_>,
        registry: &Registry<'r>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<AccessClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        let key = self.verifying_key(token, Kind::Access, now)?;
        Ok(compact::verify_access(
            token, key, policy, registry, now, scratch,
        )?)
    }

    /// Verifies a `compact` ID token with the key its `kid` selects (budget first).
    pub fn verify_id_compact<'b, 'r: 'b>(
        &self,
        token: &str,
        policy: &IdPolicy<'_>,
        registry: &Registry<'r>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<IdClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        let key = self.verifying_key(token, Kind::Id, now)?;
        Ok(compact::verify_id(
            token, key, policy, registry, now, scratch,
        )?)
    }

    /// Issues an access token (`jwt` profile) with the key that signs at `now`.
    pub fn issue_access<'o, S: AsRef<str>>(
        &self,
        claims: &AccessClaims<S>,
        limits: &Limits,
        now: u64,
        out: &'o mut [u8],
    ) -> Result<&'o str> {
        let key = self.signing_key(Kind::Access, now, claims.exp)?;
        Ok(jwt::issue_access(claims, key, limits, out)?)
    }

    /// Issues an ID token (`jwt` profile) with the key that signs at `now`.
    pub fn issue_id<'o, S: AsRef<str>>(
        &self,
        claims: &IdClaims<S>,
        limits: &Limits,
        now: u64,
        out: &'o mut [u8],
    ) -> Result<&'o str> {
        let key = self.signing_key(Kind::Id, now, claims.exp)?;
        Ok(jwt::issue_id(claims, key, limits, out)?)
    }

    /// Verifies an access token (`jwt` profile) with the key its `kid` selects. A token
    /// over the policy's size budget is [`compact_token::Error::OverBudget`] before its
    /// header is read.
    pub fn verify_access<'b>(
        &self,
        token: &str,
        policy: &AccessPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<AccessClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        let key = self.verifying_key(token, Kind::Access, now)?;
        Ok(jwt::verify_access(token, key, policy, now, scratch)?)
    }

    /// Verifies an ID token (`jwt` profile) with the key its `kid` selects. Over budget as
    /// for [`verify_access`](Self::verify_access).
    pub fn verify_id<'b>(
        &self,
        token: &str,
        policy: &IdPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> Result<IdClaims<&'b str>> {
        policy.limits.check_size(token.len())?;
        let key = self.verifying_key(token, Kind::Id, now)?;
        Ok(jwt::verify_id(token, key, policy, now, scratch)?)
    }
}

/// The `kid` of a compact JWS's header, read without verifying anything: only to choose
/// the key, which `compact-token` then checks the whole header against. Errors are the
/// token errors `compact-token` gives for the header alone (`Malformed`, `Base64`,
/// `MalformedHeader`, `UnsupportedHeader`).
pub fn token_kid(token: &str) -> Result<Option<String>> {
    let mut buf = [0u8; compact_token::jws::HEADER_BUF_LEN];
    let header = compact_token::jws::untrusted_header(token, &mut buf)?;
    Ok(header.kid.map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_token::{Ed25519SigningKey, Error as TokenError, Hs256Key, KeyUse};

    const ISS: &str = "https://auth.example.com";
    const AUD: &str = "https://api.example.com";

    fn ed(seed: u8, kid: &str, key_use: KeyUse) -> AnySigningKey {
        AnySigningKey::Ed25519(
            Ed25519SigningKey::from_seed(&[seed; 32], key_use)
                .with_kid(kid)
                .unwrap(),
        )
    }

    fn access(now: u64) -> AccessClaims<&'static str> {
        AccessClaims::new(ISS, "user", AUD, "client", now, now + 300, "jti")
    }

    fn window(from: u64, to: Option<u64>) -> Window {
        Window::new(from, to).unwrap()
    }

    /// Key `a` in service [0, 2000], key `b` from 1000 on.
    fn rotating() -> KeySet {
        let mut set = KeySet::new();
        set.add_signing_key(ed(1, "a", KeyUse::Access), window(0, Some(2000)))
            .unwrap();
        set.add_signing_key(ed(2, "b", KeyUse::AccessAndId), window(1000, None))
            .unwrap();
        set
    }

    fn issue(set: &KeySet, now: u64) -> String {
        let mut out = [0u8; 1024];
        set.issue_access(&access(now), &Limits::ACCESS, now, &mut out)
            .unwrap()
            .to_owned()
    }

    fn verify(set: &KeySet, token: &str, now: u64) -> Result<()> {
        let mut scratch = [0u8; 2048];
        set.verify_access(token, &AccessPolicy::new(ISS, AUD), now, &mut scratch)
            .map(|_| ())
    }

    #[test]
    fn windows_are_inclusive_and_ordered() {
        assert_eq!(Window::new(5, Some(4)), Err(Error::InvalidWindow));
        let w = window(5, Some(7));
        assert_eq!(
            (4..=8).map(|t| w.contains(t)).collect::<Vec<_>>(),
            [false, true, true, true, false]
        );
        assert!(!w.is_retired_at(7) && w.is_retired_at(8));
        assert!(Window::ALWAYS.contains(0) && Window::ALWAYS.contains(u64::MAX));
    }

    #[test]
    fn the_newest_key_in_service_signs_and_never_past_its_retirement() {
        let set = rotating();
        let kid_at = |now| token_kid(&issue(&set, now)).unwrap();
        assert_eq!(kid_at(500), Some("a".into()));
        assert_eq!(kid_at(1000), Some("b".into()));
        assert_eq!(kid_at(5000), Some("b".into()));
        // Only `a` is in service at 900; a token expiring at 1200 is fine, one expiring
        // after 2000 would outlive `a`: no key may sign it.
        assert_eq!(
            set.signing_key(Kind::Access, 900, 2001).unwrap_err(),
            Error::NoActiveKey
        );
        // `a` is not for ID tokens: `b` signs them as soon as it is in service.
        assert_eq!(
            set.signing_key(Kind::Id, 900, 1200).unwrap_err(),
            Error::NoActiveKey
        );
        assert_eq!(
            set.signing_key(Kind::Id, 1000, 1200).unwrap().key_id(),
            Some("b")
        );
    }

    #[test]
    fn verification_follows_the_kid_and_the_windows() {
        let set = rotating();
        let old = issue(&set, 900);
        assert_eq!(verify(&set, &old, 1100), Ok(()));
        let new = issue(&set, 1900);
        assert_eq!(verify(&set, &new, 1950), Ok(()));
        // Once `a` is retired its tokens are refused even if otherwise valid.
        let mut late = KeySet::new();
        late.add_signing_key(ed(1, "a", KeyUse::Access), window(0, Some(2000)))
            .unwrap();
        let last = issue(&late, 1700);
        assert_eq!(verify(&late, &last, 2000), Ok(()));
        assert_eq!(verify(&late, &last, 2001), Err(Error::UnknownKeyId));
        // A kid the set does not know.
        let mut other = KeySet::new();
        other
            .add_signing_key(ed(3, "c", KeyUse::Access), Window::ALWAYS)
            .unwrap();
        assert_eq!(
            verify(&set, &issue(&other, 900), 950),
            Err(Error::UnknownKeyId)
        );
    }

    #[test]
    fn token_errors_come_through_unchanged() {
        let set = rotating();
        let token = issue(&set, 1500);
        let mut tampered = token.clone().into_bytes();
        let at = token.rfind('.').unwrap() + 5;
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(
            verify(&set, &tampered, 1500),
            Err(Error::Token(TokenError::BadSignature))
        );
        assert_eq!(
            verify(&set, &token, 1900),
            Err(Error::Token(TokenError::Expired))
        );
        // An ID token signed by `b` (for both kinds) offered as an access token.
        let mut out = [0u8; 1024];
        let id = IdClaims::new(ISS, "user", "client", 1500, 1800);
        let id = set
            .issue_id(&id, &Limits::ID, 1500, &mut out)
            .unwrap()
            .to_owned();
        assert_eq!(
            verify(&set, &id, 1500),
            Err(Error::Token(TokenError::WrongKind))
        );
        let mut scratch = [0u8; 2048];
        let policy = IdPolicy::new(ISS, "client");
        assert_eq!(
            set.verify_id(&id, &policy, 1500, &mut scratch).unwrap().sub,
            "user"
        );
        // A token signed by `a` (access only) offered as an ID token: its key use refuses.
        let access = issue(&set, 900);
        assert_eq!(
            set.verify_id(&access, &policy, 900, &mut scratch)
                .unwrap_err(),
            Error::Token(TokenError::KeyUseMismatch)
        );
    }

    #[test]
    fn tokens_without_kid_need_exactly_one_candidate() {
        let bare = Ed25519SigningKey::from_seed(&[1; 32], KeyUse::Access);
        let mut out = [0u8; 1024];
        let token = jwt::issue_access(&access(900), &bare, &Limits::ACCESS, &mut out)
            .unwrap()
            .to_owned();
        assert_eq!(token_kid(&token), Ok(None));
        let set = rotating();
        // At 1100 both `a` and `b` are in service for access tokens: no guessing.
        assert_eq!(verify(&set, &token, 1100), Err(Error::AmbiguousKey));
        // At 950 only `a` is: it is the one candidate, and it signed the token.
        assert_eq!(verify(&set, &token, 950), Ok(()));
        assert_eq!(verify(&KeySet::new(), &token, 950), Err(Error::NoActiveKey));
        // The one candidate still has to verify the signature.
        let mut wrong = KeySet::new();
        wrong
            .add_signing_key(ed(2, "z", KeyUse::Access), Window::ALWAYS)
            .unwrap();
        assert_eq!(
            verify(&wrong, &token, 950),
            Err(Error::Token(TokenError::BadSignature))
        );
    }

    #[test]
    fn every_key_needs_a_unique_kid() {
        let mut set = rotating();
        assert_eq!(
            set.add_signing_key(ed(9, "a", KeyUse::Id), Window::ALWAYS),
            Err(Error::DuplicateKeyId)
        );
        // A key without kid is welcome (RFC 7517 makes it optional); kids stay unique.
        let bare = Hs256Key::from_secret(&[7; 32], KeyUse::Access).unwrap();
        assert_eq!(
            set.add_verifying_key(
                AnyVerifyingKey::Hs256(bare),
                Window::new(5, Some(9)).unwrap()
            ),
            Ok(())
        );
        assert_eq!(set.len(), 3);
        assert!(set.remove("a") && !set.remove("a"));
        assert_eq!(
            set.windows().collect::<Vec<_>>(),
            [(Some("b"), window(1000, None)), (None, window(5, Some(9)))]
        );
    }

    #[test]
    fn publishes_unretired_public_keys_only() {
        let mut set = rotating();
        let hs = Hs256Key::from_secret(&[7; 32], KeyUse::Access)
            .unwrap()
            .with_kid("h")
            .unwrap();
        set.add_signing_key(AnySigningKey::Hs256(hs), Window::ALWAYS)
            .unwrap();
        let kids = |json: &str| {
            KeySet::from_public_jwks(json, KeyUse::Access)
                .unwrap()
                .windows()
                .map(|(kid, _)| kid.unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(kids(&set.public_jwks(500)), ["a", "b"]);
        assert_eq!(kids(&set.public_jwks(2001)), ["b"]);
        set.remove_retired(2001);
        assert_eq!(set.len(), 2);
        // A resource server holding the published set verifies the issuer's tokens.
        let token = issue(&set, 2500);
        let published = KeySet::from_public_jwks(&set.public_jwks(2500), KeyUse::Access).unwrap();
        assert_eq!(verify(&published, &token, 2500), Ok(()));
    }

    #[test]
    fn kid_peek_refuses_what_core_would() {
        assert_eq!(token_kid("abc"), Err(Error::Token(TokenError::Malformed)));
        assert_eq!(token_kid("e==.e.e"), Err(Error::Token(TokenError::Base64)));
        // base64url of `[]` and of `{"kid":"a","kid":"b"}`.
        assert_eq!(
            token_kid("W10.e.e"),
            Err(Error::Token(TokenError::MalformedHeader))
        );
        assert_eq!(
            token_kid("eyJraWQiOiJhIiwia2lkIjoiYiJ9.e.e"),
            Err(Error::Token(TokenError::UnsupportedHeader))
        );
        assert_eq!(
            token_kid("eyJhbGciOiJFZERTQSIsImtpZCI6ImEvYiJ9.e.e"),
            Ok(Some("a/b".into()))
        );
    }
}
