//! Support for the JSON differential target: what `serde_json` (the reference) says about a
//! text beyond its value, and value comparison with numbers compared as numbers.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Whether `json` (read by `serde_json`) names a member twice in any one object, after
/// unescaping; `false` when `serde_json` cannot read it.
pub fn has_duplicate_names(json: &[u8]) -> bool {
    serde_json::from_slice::<Dups>(json).is_ok_and(|d| d.0)
}

/// Reads any JSON value, noting whether some object repeats a member name.
struct Dups(bool);

impl<'de> Deserialize<'de> for Dups {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DupsVisitor)
    }
}

struct DupsVisitor;

impl<'de> Visitor<'de> for DupsVisitor {
    type Value = Dups;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dups, A::Error> {
        let mut seen = HashSet::new();
        let mut dup = false;
        while let Some(key) = map.next_key::<String>()? {
            dup |= !seen.insert(key);
            dup |= map.next_value::<Dups>()?.0;
        }
        Ok(Dups(dup))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dups, A::Error> {
        let mut dup = false;
        while let Some(d) = seq.next_element::<Dups>()? {
            dup |= d.0;
        }
        Ok(Dups(dup))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Dups, E> {
        Ok(Dups(false))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Dups, E> {
        Ok(Dups(false))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Dups, E> {
        Ok(Dups(false))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Dups, E> {
        Ok(Dups(false))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Dups, E> {
        Ok(Dups(false))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Dups, E> {
        Ok(Dups(false))
    }
}

/// Nesting depth of a value, the outermost array or object counting as 1 (scalars 0).
pub fn depth(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        Value::Object(o) => 1 + o.values().map(depth).max().unwrap_or(0),
        _ => 0,
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
