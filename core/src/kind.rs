//! The two kinds of token.

/// What a token is for. Marked inside the signed bytes of every token, in every profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An OAuth 2.0 access token (RFC 9068): a short-lived bearer key to resources.
    Access,
    /// An OpenID Connect ID token: describes the user, never a key to resources.
    Id,
}
