//! How `ctok` fails: one line on stderr (or one JSON object on stdout with `--json`) and an
//! exit status saying what kind of failure it was.

use std::fmt;

/// The exit status of a failure (0 is success).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// compact-token refused the token: verifying it failed, or issuing it would break a
    /// rule (lifetime, size budget, dates, key use).
    Refused = 1,
    /// The command line or its input is wrong: an unknown option, a missing claim, claims
    /// or a registry that are not the JSON expected.
    Usage = 2,
    /// A file or stdin could not be read or written, or a key is unusable.
    Io = 3,
}

/// A failure: what was being done, why it failed, and the exit status.
#[derive(Debug)]
pub struct Failure {
    /// The exit status.
    pub exit: Exit,
    /// What ctok was doing, e.g. `token refused`, `cannot read k.jwk`.
    pub context: String,
    /// Why, e.g. `token expired`.
    pub message: String,
    /// The stable numeric code of a `compact_token::Error`, when the cause is one.
    pub code: Option<u16>,
}

impl Failure {
    /// A failure with no library error code.
    pub fn new(exit: Exit, context: impl Into<String>, message: impl fmt::Display) -> Self {
        Self {
            exit,
            context: context.into(),
            message: message.to_string(),
            code: None,
        }
    }

    /// A usage error (exit 2).
    pub fn usage(context: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::new(Exit::Usage, context, message)
    }

    /// An I/O or key error (exit 3).
    pub fn io(context: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::new(Exit::Io, context, message)
    }

    /// A std-ext error: token errors keep their code.
    pub fn std(exit: Exit, context: impl Into<String>, e: compact_token_std::Error) -> Self {
        match e {
            compact_token_std::Error::Token(t) => Self::token(exit, context, t),
            other => Self::new(exit, context, other),
        }
    }

    /// A compact-token error, with its code.
    pub fn token(exit: Exit, context: impl Into<String>, e: compact_token::Error) -> Self {
        Self {
            code: Some(e.code()),
            ..Self::new(exit, context, describe(e))
        }
    }

    /// The error as one JSON object: `{"error":{"exit":..,"code":..,"context":..,"message":..}}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({"error": {
            "exit": self.exit as u8,
            "code": self.code,
            "context": self.context,
            "message": self.message,
        }})
        .to_string()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.message)?;
        if let Some(code) = self.code {
            write!(f, " (error {code})")?;
        }
        Ok(())
    }
}

/// The library's message, naming the claim where the error carries it.
fn describe(e: compact_token::Error) -> String {
    match e {
        compact_token::Error::ClaimCollision { claim } if !claim.is_empty() => {
            format!("{e}: `{claim}` (-P cannot set a claim that has its own option)")
        }
        e => e.to_string(),
    }
}

/// Shorthand for the commands' results.
pub type Outcome<T> = Result<T, Failure>;
