//! Support for the JSON differential target: what `serde_json` (the reference) says about a
//! text beyond its value, and value comparison with numbers compared as numbers.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// What `serde_json` sees in a text beyond the value it builds (a `Value` keeps the last of
/// two equal names, and with it loses the other's nesting).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Some object names a member twice (after unescaping).
    pub duplicates: bool,
    /// The deepest nesting in the text, the outermost array or object counting as 1.
    pub depth: usize,
}

/// The [`Facts`] of `json`, or `None` when `serde_json` cannot read it.
pub fn facts(json: &[u8]) -> Option<Facts> {
    serde_json::from_slice::<Walk>(json).ok().map(|w| w.0)
}

/// Whether `json` (read by `serde_json`) names a member twice in any one object, after
/// unescaping; `false` when `serde_json` cannot read it.
pub fn has_duplicate_names(json: &[u8]) -> bool {
    facts(json).is_some_and(|f| f.duplicates)
}

/// Reads any JSON value, noting its [`Facts`].
struct Walk(Facts);

impl<'de> Deserialize<'de> for Walk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(WalkVisitor)
    }
}

struct WalkVisitor;

impl WalkVisitor {
    fn scalar<E>(self) -> Result<Walk, E> {
        Ok(Walk(Facts::default()))
    }
}

impl<'de> Visitor<'de> for WalkVisitor {
    type Value = Walk;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Walk, A::Error> {
        let mut seen = HashSet::new();
        let mut facts = Facts::default();
        while let Some(key) = map.next_key::<String>()? {
            facts.duplicates |= !seen.insert(key);
            let inner = map.next_value::<Walk>()?.0;
            facts.duplicates |= inner.duplicates;
            facts.depth = facts.depth.max(inner.depth);
        }
        facts.depth += 1;
        Ok(Walk(facts))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Walk, A::Error> {
        let mut facts = Facts::default();
        while let Some(Walk(inner)) = seq.next_element::<Walk>()? {
            facts.duplicates |= inner.duplicates;
            facts.depth = facts.depth.max(inner.depth);
        }
        facts.depth += 1;
        Ok(Walk(facts))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Walk, E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Walk, E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Walk, E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Walk, E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Walk, E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<Walk, E> {
        self.scalar()
    }
}

/// Equal values, objects in the same member order, numbers equal as numbers (`-0` and `0`;
/// an integer and the float of the same value).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.is_f64(), y.is_f64()) {
            (false, false) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, a), (kb, b))| ka == kb && same(a, b))
        }
        _ => a == b,
    }
}

/// Whether a value holds U+0000 in any string or member name, at any depth (the crate
/// refuses those in claims: C callers would cut the string there).
pub fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(has_nul),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}
