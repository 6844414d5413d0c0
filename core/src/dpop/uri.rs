//! Comparing a proof's `htu` with the request's URI (RFC 9449 §4.3 point 9) after RFC 3986
//! §6.2.2 syntax-based and §6.2.3 scheme-based normalization, with no buffer: the case of
//! the scheme and host, percent-encoding (hex case, unreserved characters decoded), the
//! default port (`:443` for `https`, `:80` for `http`, or an empty port) and an empty path
//! (`/`). Both URIs are normalized as byte streams compared side by side.
//!
//! Dot segments (`.` and `..`, also percent-encoded) are refused rather than resolved:
//! clients send resolved URIs, and a request path holding them has not been routed as
//! written.

use crate::error::{Error, Result};

/// An absolute URI split into the parts compared, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Uri<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    /// The port digits (empty when the URI has `host:` with no digits).
    port: Option<&'a str>,
    path: &'a str,
}

const BAD: Error = Error::DpopWrongUri;

/// Whether the proof's `htu` names the request's URI `request` (whose query and fragment,
/// if any, are not compared). An `htu` with a query or fragment, or either URI not an
/// absolute URI with an authority, is [`Error::DpopWrongUri`].
pub(crate) fn check_htu(htu: &str, request: &str) -> Result<()> {
    let ours = parse(strip_query(request))?;
    if strip_query(htu).len() != htu.len() {
        return Err(BAD);
    }
    let theirs = parse(htu)?;
    if same(&ours, &theirs)? {
        Ok(())
    } else {
        Err(BAD)
    }
}

fn strip_query(uri: &str) -> &str {
    uri.split(['?', '#']).next().unwrap_or_default()
}

fn parse(uri: &str) -> Result<Uri<'_>> {
    // Printable ASCII only: a URI has no spaces, controls or raw non-ASCII (RFC 3986 §2).
    if !uri.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BAD);
    }
    let (scheme, rest) = uri.split_once(':').ok_or(BAD)?;
    let mut chars = scheme.bytes();
    if !chars.next().is_some_and(|b| b.is_ascii_alphabetic())
        || !chars.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Err(BAD);
    }
    let rest = rest.strip_prefix("//").ok_or(BAD)?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = if hostport.starts_with('[') {
        let end = hostport.find(']').ok_or(BAD)?;
        let (host, after) = hostport.split_at(end + 1);
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or(BAD)?)),
        }
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty() || !port.unwrap_or_default().bytes().all(|b| b.is_ascii_digit()) {
        return Err(BAD);
    }
    for part in [Some(host), userinfo, Some(path)].into_iter().flatten() {
        // Every `%` starts a triplet of two hex digits.
        if Normalized::new(part).any(|b| b == INVALID) {
            return Err(BAD);
        }
    }
    for segment in path.split('/') {
        if Normalized::new(segment).eq(*b".") || Normalized::new(segment).eq(*b"..") {
            return Err(BAD);
        }
    }
    Ok(Uri {
        scheme,
        userinfo,
        host,
        port,
        path,
    })
}

/// The port in effect: the written one, or the scheme's default for none or an empty one.
/// `None` for an unknown scheme's default; a port above 65535 is refused.
fn effective_port(uri: &Uri<'_>) -> Result<Option<u16>> {
    match uri.port {
        Some(digits) if !digits.is_empty() => {
            let mut port: u16 = 0;
            for d in digits.bytes() {
                port = port
                    .checked_mul(10)
                    .and_then(|p| p.checked_add(u16::from(d - b'0')))
                    .ok_or(BAD)?;
            }
            Ok(Some(port))
        }
        _ => Ok(default_port(uri.scheme)),
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else {
        None
    }
}

/// The path in effect: `/` for an empty one in `http` and `https` (RFC 3986 §6.2.3).
fn path<'a>(uri: &Uri<'a>) -> &'a str {
    if uri.path.is_empty() && default_port(uri.scheme).is_some() {
        "/"
    } else {
        uri.path
    }
}

fn same(a: &Uri<'_>, b: &Uri<'_>) -> Result<bool> {
    Ok(a.scheme.eq_ignore_ascii_case(b.scheme)
        && match (a.userinfo, b.userinfo) {
            (None, None) => true,
            (Some(x), Some(y)) => Normalized::new(x).eq(Normalized::new(y)),
            _ => false,
        }
        && Normalized::new(a.host)
            .map(|c| c.to_ascii_lowercase())
            .eq(Normalized::new(b.host).map(|c| c.to_ascii_lowercase()))
        && effective_port(a)? == effective_port(b)?
        && Normalized::new(path(a)).eq(Normalized::new(path(b))))
}

/// Marks a `%` not followed by two hex digits in a [`Normalized`] stream.
const INVALID: u8 = 0;

/// A URI part's bytes with percent-encoding normalized (RFC 3986 §6.2.2.1-2): a triplet
/// of an unreserved character becomes the character, any other triplet is written with
/// upper-case hex digits.
struct Normalized<'a> {
    bytes: &'a [u8],
    pos: usize,
    pending: [u8; 2],
    npending: usize,
}

impl<'a> Normalized<'a> {
    fn new(s: &'a str) -> Self {
        Self {
            bytes: s.as_bytes(),
            pos: 0,
            pending: [0; 2],
            npending: 0,
        }
    }
}

impl Iterator for Normalized<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.npending > 0 {
            let b = self.pending[2 - self.npending];
            self.npending -= 1;
            return Some(b);
        }
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        if b != b'%' {
            return Some(b);
        }
        let hex = |i: usize| self.bytes.get(i).and_then(|&h| (h as char).to_digit(16));
        let (Some(hi), Some(lo)) = (hex(self.pos), hex(self.pos + 1)) else {
            self.pos = self.bytes.len();
            return Some(INVALID);
        };
        self.pos += 2;
        let value = (hi * 16 + lo) as u8;
        if value.is_ascii_alphanumeric() || matches!(value, b'-' | b'.' | b'_' | b'~') {
            return Some(value);
        }
        self.pending = [
            self.bytes[self.pos - 2].to_ascii_uppercase(),
            self.bytes[self.pos - 1].to_ascii_uppercase(),
        ];
        self.npending = 2;
        Some(b'%')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_after_normalization() {
        for (htu, request) in [
            (
                "https://server.example.com/token",
                "https://server.example.com/token",
            ),
            (
                "HTTPS://Server.EXAMPLE.com/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com:443/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com:/token",
                "https://server.example.com/token",
            ),
            (
                "http://server.example.com:80/a",
                "http://server.example.com/a",
            ),
            ("https://server.example.com", "https://server.example.com/"),
            (
                "https://server.example.com/a%2fb",
                "https://server.example.com/a%2Fb",
            ),
            (
                "https://server.example.com/%7Euser",
                "https://server.example.com/~user",
            ),
            (
                "https://server.example.com/%41",
                "https://server.example.com/A",
            ),
            ("https://[::1]:8443/x", "https://[::1]:8443/x?q=1#f"),
            (
                "https://server.example.com/token",
                "https://server.example.com/token?x=y",
            ),
        ] {
            assert_eq!(check_htu(htu, request), Ok(()), "{htu} vs {request}");
        }
    }

    #[test]
    fn different_or_refused() {
        for (htu, request) in [
            (
                "https://server.example.com/Token",
                "https://server.example.com/token",
            ),
            (
                "http://server.example.com/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com:8443/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com:80/token",
                "https://server.example.com/token",
            ),
            (
                "https://other.example.com/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com/token?x=y",
                "https://server.example.com/token?x=y",
            ),
            (
                "https://server.example.com/token#f",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com/a%2Fb",
                "https://server.example.com/a/b",
            ),
            (
                "https://server.example.com/a/../token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com/a/%2E%2e/token",
                "https://server.example.com/token",
            ),
            (
                "https://server.example.com/%zz",
                "https://server.example.com/%zz",
            ),
            (
                "https://server.example.com/%4",
                "https://server.example.com/%4",
            ),
            (
                "https://server.example.com:99999/",
                "https://server.example.com:99999/",
            ),
            (
                "https://u@server.example.com/",
                "https://server.example.com/",
            ),
            (
                "server.example.com/token",
                "https://server.example.com/token",
            ),
            (
                "https:server.example.com/token",
                "https://server.example.com/token",
            ),
            ("https:///token", "https:///token"),
            (
                "https://server.example.com/a b",
                "https://server.example.com/a b",
            ),
            (
                "https://server.example.com:x/",
                "https://server.example.com/",
            ),
            ("", ""),
        ] {
            assert_eq!(check_htu(htu, request), Err(BAD), "{htu} vs {request}");
        }
    }
}
