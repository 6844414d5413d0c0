//! What `ctok demo` does, as a library function returning a [`Report`]: fresh keys, the
//! sample claims, access and ID tokens issued and verified in the `jwt` and `compact`
//! profiles, attacks refused, and (feature `compare`) the size table against the peers.

use core::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};
use compact_token::{
    AccessClaims, AccessPolicy, Algorithm, IdClaims, IdPolicy, Kind, Limits, Registry, SigningKey,
    access_token_hash, compact, jwt,
};
pub use compact_token_std::demo::{DemoKeys, access_claims, id_claims, sample};
use compact_token_std::{Error, Result};

/// One token the demo issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The profile: `jwt`, `compact`, or `compact+reg` (the compact profile with the
    /// issuer, the audience and the scope names as registered numbers).
    pub profile: &'static str,
    /// Access or ID token.
    pub kind: Kind,
    /// The algorithm that signed it.
    pub algorithm: Algorithm,
    /// The token itself.
    pub token: String,
}

impl IssuedToken {
    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.token.len()
    }

    /// Whether it is empty (never, for an issued token).
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
    }

    fn label(&self) -> String {
        let kind = match self.kind {
            Kind::Access => "access token",
            Kind::Id => "ID token",
        };
        format!("{} {kind}, {}", self.profile, self.algorithm.name())
    }
}

/// One token the demo verified, with what it checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Which token.
    pub what: String,
    /// What the verified claims say and which checks passed.
    pub detail: String,
}

/// One attack the demo tried and the exact error it got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    /// The attack.
    pub attack: &'static str,
    /// The error verification returned.
    pub error: compact_token::Error,
}

/// Everything the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The time the tokens were issued and verified at, Unix seconds.
    pub now: u64,
    /// Each token issued, in order.
    pub tokens: Vec<IssuedToken>,
    /// Each token verified.
    pub verified: Vec<Verified>,
    /// Each attack refused.
    pub rejections: Vec<Rejection>,
    /// The same claims in every format, ours and the peers', measured.
    #[cfg(feature = "compare")]
    pub sizes: crate::compare::Table,
}

/// Issues the sample tokens in the `jwt` profile: EdDSA access, HS256 access, EdDSA ID.
fn issue_jwt(keys: &DemoKeys, now: u64) -> Result<Vec<IssuedToken>> {
    let mut buf = [0u8; 4096];
    let access = access_claims(now);
    let issued = |kind, key: &dyn SigningKey, token: &str| IssuedToken {
        profile: "jwt",
        kind,
        algorithm: key.algorithm(),
        token: token.to_owned(),
    };
    let ed_access = issued(
        Kind::Access,
        &keys.ed25519,
        jwt::issue_access(&access, &keys.ed25519, &Limits::ACCESS, &mut buf)?,
    );
    let hs_access = issued(
        Kind::Access,
        &keys.hs256,
        jwt::issue_access(&access, &keys.hs256, &Limits::ACCESS, &mut buf)?,
    );
    let at_hash = access_token_hash(&ed_access.token, Algorithm::EdDSA);
    let id = id_claims(now, &at_hash);
    let ed_id = issued(
        Kind::Id,
        &keys.ed25519,
        jwt::issue_id(&id, &keys.ed25519, &Limits::ID, &mut buf)?,
    );
    Ok(vec![ed_access, hs_access, ed_id])
}

/// The EdDSA access token with its `sub` swapped for another user's, signature kept.
fn swap_subject(token: &str) -> Result<String> {
    let parts = compact_token::jws::split(token)?;
    let payload =
        Base64UrlUnpadded::decode_vec(parts.payload).map_err(|_| compact_token::Error::Base64)?;
    let payload = String::from_utf8_lossy(&payload).replace(sample::SUBJECT, "user-00000001");
    Ok(format!(
        "{}.{}.{}",
        parts.header,
        Base64UrlUnpadded::encode_string(payload.as_bytes()),
        parts.signature
    ))
}

/// Issues the sample tokens in the `compact` profile: EdDSA and HS256 access tokens with
/// every claim carried, the same with `registry` numbers, and an EdDSA ID token whose
/// `at_hash` binds it to the compact EdDSA access token.
fn issue_compact(keys: &DemoKeys, now: u64, registry: &Registry<'_>) -> Result<Vec<IssuedToken>> {
    let mut buf = [0u8; 4096];
    let access = access_claims(now);
    let mut tokens = Vec::new();
    for (profile, registry) in [("compact", &Registry::EMPTY), ("compact+reg", registry)] {
        for key in [&keys.ed25519 as &dyn SigningKey, &keys.hs256] {
            let token = compact::issue_access(&access, key, &Limits::ACCESS, registry, &mut buf)?;
            tokens.push(IssuedToken {
                profile,
                kind: Kind::Access,
                algorithm: key.algorithm(),
                token: token.to_owned(),
            });
        }
    }
    let at_hash = access_token_hash(&tokens[0].token, Algorithm::EdDSA);
    let id = id_claims(now, &at_hash);
    let token = compact::issue_id(&id, &keys.ed25519, &Limits::ID, &Registry::EMPTY, &mut buf)?;
    tokens.push(IssuedToken {
        profile: "compact",
        kind: Kind::Id,
        algorithm: Algorithm::EdDSA,
        token: token.to_owned(),
    });
    Ok(tokens)
}

/// What the demo says of a verified access token.
fn access_detail(c: &AccessClaims<&str>) -> String {
    format!(
        "sub {}, client_id {}, scope \"{}\"; issuer, audience, scopes, lifetime checked",
        c.sub,
        c.client_id,
        c.scope.unwrap_or_default()
    )
}

/// What the demo says of a verified ID token.
fn id_detail(c: &IdClaims<&str>) -> String {
    format!(
        "sub {}, name {}, email {}; issuer, audience, azp, nonce, at_hash checked",
        c.sub,
        c.name.unwrap_or_default(),
        c.email.unwrap_or_default()
    )
}

/// Runs the demo at `now` with `keys`.
pub fn run(keys: &DemoKeys, now: u64) -> Result<Report> {
    let registry = Registry::new(&sample::REGISTERED)?;
    let mut tokens = issue_jwt(keys, now)?;
    tokens.extend(issue_compact(keys, now, &registry)?);

    let ed_public = keys.ed25519.verifying_key();
    let key_for = |t: &IssuedToken| -> &dyn compact_token::VerifyingKey {
        match t.algorithm {
            Algorithm::HS256 => &keys.hs256,
            _ => &ed_public,
        }
    };
    let mut scratch = vec![0u8; 8192];
    let access_policy = AccessPolicy::new(sample::ISSUER, sample::AUDIENCE)
        .require_scopes(&["read:orders", "write:orders"]);
    // Each ID token is bound to the EdDSA access token of its own profile.
    let bound_to = |profile| {
        let t = tokens.iter().find(|t| {
            t.profile == profile && t.kind == Kind::Access && t.algorithm == Algorithm::EdDSA
        });
        t.map(|t| t.token.as_str()).unwrap_or_default()
    };

    let mut verified = Vec::new();
    for t in &tokens {
        let key = key_for(t);
        let detail = match (t.profile, t.kind) {
            ("jwt", Kind::Access) => {
                let c = jwt::verify_access(&t.token, key, &access_policy, now, &mut scratch)?;
                access_detail(&c)
            }
            (_, Kind::Access) => {
                let c = compact::verify_access(
                    &t.token,
                    key,
                    &access_policy,
                    &registry,
                    now,
                    &mut scratch,
                )?;
                access_detail(&c)
            }
            (profile, Kind::Id) => {
                let policy = IdPolicy::new(sample::ISSUER, sample::CLIENT_ID)
                    .expect_nonce(sample::NONCE)
                    .expect_access_token(bound_to(profile));
                let c = if profile == "jwt" {
                    jwt::verify_id(&t.token, key, &policy, now, &mut scratch)?
                } else {
                    compact::verify_id(&t.token, key, &policy, &registry, now, &mut scratch)?
                };
                id_detail(&c)
            }
        };
        verified.push(Verified {
            what: t.label(),
            detail,
        });
    }

    let [ed_access, ed_id] = [0, 2].map(|i| tokens[i].token.as_str());
    let compact_registered = &tokens[5].token;
    let refused = |verdict: core::result::Result<AccessClaims<&str>, compact_token::Error>| {
        match verdict {
            Err(e) => Ok(e),
            // The demo exists to show these refused: accepting one is a failure.
            Ok(_) => Err(Error::Token(compact_token::Error::MalformedClaims)),
        }
    };
    let other_registry = ["https://auth.example.com", "https://api.example.com"];
    let other_registry = Registry::new(&other_registry)?;
    let mut scratch = vec![0u8; 8192];
    let mut jwt_refuses = |token: &str| {
        refused(jwt::verify_access(
            token,
            &ed_public,
            &access_policy,
            now,
            &mut scratch,
        ))
    };
    let rejections = vec![
        Rejection {
            attack: "EdDSA access token with its sub changed, signature kept",
            error: jwt_refuses(&swap_subject(ed_access)?)?,
        },
        Rejection {
            attack: "EdDSA ID token presented as an access token (same key)",
            error: jwt_refuses(ed_id)?,
        },
        Rejection {
            attack: "jwt access token offered to the compact verifier",
            error: refused(compact::verify_access(
                ed_access,
                &ed_public,
                &access_policy,
                &registry,
                now,
                &mut vec![0u8; 8192],
            ))?,
        },
        Rejection {
            attack: "compact+reg access token offered to a verifier with another registry",
            error: refused(compact::verify_access(
                compact_registered,
                &ed_public,
                &access_policy,
                &other_registry,
                now,
                &mut vec![0u8; 8192],
            ))?,
        },
    ];
    Ok(Report {
        now,
        tokens,
        verified,
        rejections,
        #[cfg(feature = "compare")]
        sizes: crate::compare::sample_table(keys, now)?,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "ctok demo at {} (Unix seconds)", self.now)?;
        writeln!(f, "\nIssued")?;
        for t in &self.tokens {
            writeln!(f, "  {} ({} bytes)\n  {}\n", t.label(), t.len(), t.token)?;
        }
        writeln!(f, "Verified")?;
        for v in &self.verified {
            writeln!(f, "  {}: {}", v.what, v.detail)?;
        }
        writeln!(f, "\nRejected")?;
        for r in &self.rejections {
            writeln!(f, "  {}: {} (error {})", r.attack, r.error, r.error.code())?;
        }
        writeln!(f, "\nSizes")?;
        #[cfg(feature = "compare")]
        write!(f, "{}", self.sizes)?;
        #[cfg(not(feature = "compare"))]
        for t in &self.tokens {
            writeln!(f, "  {:<28} {:>5} bytes", t.label(), t.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use compact_token::Error as TokenError;

    const NOW: u64 = 1_764_000_000;

    fn fixed() -> DemoKeys {
        DemoKeys::from_bytes(&[7; 32], &[9; 32]).unwrap()
    }

    #[test]
    fn issues_verifies_and_refuses_exactly() {
        let report = run(&fixed(), NOW).unwrap();
        let sizes: Vec<_> = report.tokens.iter().map(IssuedToken::len).collect();
        // Byte-minimal JSON: no larger than any peer's standard JWT of the same claims
        // (404 / 361 / 628 bytes in the product brief). The brief's ID token carries a
        // 22-character `at_hash`; the real one for EdDSA (half a SHA-512) has 43, which
        // is 28 bytes more once in base64url: 628 + 28 = 656.
        // Compact: all claims carried (EdDSA, HS256), registered (EdDSA, HS256), then the
        // ID token, whose 43-character `at_hash` is 21 more than the brief's.
        assert_eq!(sizes, [404, 361, 656, 260, 217, 188, 145, 352]);
        assert_eq!(
            report
                .rejections
                .iter()
                .map(|r| r.error)
                .collect::<Vec<_>>(),
            [
                TokenError::BadSignature,
                TokenError::WrongKind,
                TokenError::WrongProfile,
                TokenError::RegistryMismatch
            ]
        );
        assert_eq!(report.verified.len(), 8);
        assert!(
            report.verified[2]
                .detail
                .starts_with("sub user-8f14e45f, name Jane Doe")
        );
    }

    #[test]
    fn the_id_token_is_bound_to_the_eddsa_access_token() {
        let report = run(&fixed(), NOW).unwrap();
        let keys = fixed();
        let mut scratch = [0u8; 4096];
        let policy = IdPolicy::new(sample::ISSUER, sample::CLIENT_ID)
            .expect_access_token(&report.tokens[1].token);
        assert_eq!(
            jwt::verify_id(
                &report.tokens[2].token,
                &keys.ed25519.verifying_key(),
                &policy,
                NOW,
                &mut scratch
            )
            .unwrap_err(),
            TokenError::AccessTokenHashMismatch
        );
    }

    #[test]
    fn fresh_keys_give_fresh_tokens_of_the_same_size() {
        let a = run(&DemoKeys::generate().unwrap(), NOW).unwrap();
        let b = run(&DemoKeys::generate().unwrap(), NOW).unwrap();
        assert_ne!(a.tokens, b.tokens);
        assert_eq!(
            a.tokens.iter().map(IssuedToken::len).collect::<Vec<_>>(),
            b.tokens.iter().map(IssuedToken::len).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_report_prints_tokens_sizes_and_errors() {
        let text = run(&fixed(), NOW).unwrap().to_string();
        assert!(text.contains(
            "jwt access token, EdDSA (404 bytes)\n  eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9."
        ));
        assert!(text.contains("signature kept: bad signature (error 8)"));
        assert!(text.contains("(same key): wrong kind of token (error 13)"));
        assert!(
            text.contains("compact+reg access token, HS256 (145 bytes)\n  eyJhbGciOiJIUzI1NiJ9.")
        );
        assert!(text.contains("compact verifier: wrong token profile (error 14)"));
        assert!(text.contains("another registry: registry fingerprint mismatch (error 32)"));
        #[cfg(feature = "compare")]
        assert!(text.contains("| ID, EdDSA | 352 (0.54×) | 320 (0.49×) | 656 (1.00×) | 656 |"));
    }

    /// The size table's tokens of ours are the demo's own: same keys, same claims, same
    /// bytes (EdDSA and HMAC are deterministic), except the compact ID token, bound to
    /// another access token by an `at_hash` of the same length.
    #[cfg(feature = "compare")]
    #[test]
    fn the_size_table_measures_the_demo_tokens() {
        use crate::compare::Format;
        let report = run(&fixed(), NOW).unwrap();
        let t = |i: usize| Some(report.tokens[i].token.as_str());
        let [ed, hs, id] = [0, 1, 2].map(|i| &report.sizes.rows[i]);
        assert_eq!((ed.token(Format::Jwt), hs.token(Format::Jwt)), (t(0), t(1)));
        assert_eq!(id.token(Format::Jwt), t(2));
        assert_eq!(
            (ed.token(Format::Compact), hs.token(Format::Compact)),
            (t(3), t(4))
        );
        assert_eq!(
            (
                ed.token(Format::CompactRegistered),
                hs.token(Format::CompactRegistered)
            ),
            (t(5), t(6))
        );
        assert_eq!(id.len(Format::Compact), Some(report.tokens[7].len()));
    }
}
