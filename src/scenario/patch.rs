//! Setting one value of a scenario by its dotted TOML path, for sweeps.
//!
//! A path names a value as the file nests it: `members.USA.stance.act_bonus`,
//! `blocs.E5.cohesion`, `rules.quota`, `negotiation.vote_day`, `drafts.0.force_vote`
//! (a number indexes an array of tables). Patching works on the parsed, spanned document,
//! so a patched value keeps the span of the value it replaces and a problem with it is
//! still shown at its place in the file.

use std::fmt;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A value a sweep can set: a number or a boolean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PatchValue {
    /// An integer (quotas, counts).
    Integer(i64),
    /// A real number.
    Float(f64),
    /// A switch.
    Bool(bool),
}

impl PatchValue {
    /// Reads `true`, `false`, an integer or a finite real number.
    pub fn parse(text: &str) -> Result<PatchValue, String> {
        let t = text.trim();
        match t {
            "true" => return Ok(PatchValue::Bool(true)),
            "false" => return Ok(PatchValue::Bool(false)),
            _ => {}
        }
        if let Ok(i) = t.parse::<i64>() {
            return Ok(PatchValue::Integer(i));
        }
        match t.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(PatchValue::Float(x)),
            _ => Err(format!(
                "`{t}` is not a number or a boolean (true or false)"
            )),
        }
    }

    /// The value as a number, if it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            PatchValue::Integer(i) => Some(i as f64),
            PatchValue::Float(x) => Some(x),
            PatchValue::Bool(_) => None,
        }
    }

    /// The value as messages show it (large and small magnitudes in scientific notation);
    /// `Display` writes data, in full.
    pub fn shown(&self) -> String {
        match *self {
            PatchValue::Float(x) => super::diagnostics::number(x),
            other => other.to_string(),
        }
    }

    /// The TOML literal.
    fn literal(&self, as_float: bool) -> String {
        match *self {
            PatchValue::Integer(i) if as_float => format!("{:?}", i as f64),
            PatchValue::Integer(i) => i.to_string(),
            PatchValue::Float(x) => format!("{x:?}"),
            PatchValue::Bool(b) => b.to_string(),
        }
    }
}

impl fmt::Display for PatchValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PatchValue::Integer(i) => write!(f, "{i}"),
            PatchValue::Float(x) => write!(f, "{x}"),
            PatchValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The kind of value a path holds in the file, for checking a sweep before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An integer.
    Integer,
    /// A real number.
    Float,
    /// A boolean.
    Bool,
    /// Absent: the scenario uses the default (validation decides whether the key exists).
    Absent,
}

/// Finds what `path` holds in `root`, or says why it cannot be swept.
pub fn slot(root: &DeTable<'_>, path: &str) -> Result<Slot, String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!(
            "`{path}` is not a dotted path like members.USA.stance.act_bonus"
        ));
    }
    declared(root, &segments, path)?;
    slot_in_table(root, &segments, path)
}

/// Tables keyed by the ids the user declares, and what each entry is called.
const KEYED: [(&str, &str); 4] = [
    ("members", "member"),
    ("dimensions", "dimension"),
    ("templates", "template"),
    ("blocs", "bloc"),
];

/// A path into `members.ID…` (or another keyed table) must name a declared ID: setting a
/// value would otherwise declare a new member with one field and nothing else.
fn declared(root: &DeTable<'_>, segments: &[&str], path: &str) -> Result<(), String> {
    let [table, id, ..] = segments else {
        return Ok(());
    };
    let Some((_, what)) = KEYED.iter().find(|(name, _)| name == table) else {
        return Ok(());
    };
    let ids: Vec<&str> = match root.get(*table).map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => t.keys().map(|k| k.get_ref().as_ref()).collect(),
        _ => Vec::new(),
    };
    if ids.contains(id) {
        return Ok(());
    }
    let known = if ids.is_empty() {
        format!("the scenario declares no {table}")
    } else {
        format!("{table} are: {}", ids.join(", "))
    };
    Err(format!(
        "`{path}`: `{id}` is not a {what} of this scenario ({known})"
    ))
}

fn slot_in_table(table: &DeTable<'_>, segments: &[&str], path: &str) -> Result<Slot, String> {
    let (first, rest) = segments.split_first().ok_or("empty path")?;
    match table.get(*first) {
        None => Ok(Slot::Absent),
        Some(v) => slot_in_value(v.get_ref(), rest, path),
    }
}

fn slot_in_value(value: &DeValue<'_>, segments: &[&str], path: &str) -> Result<Slot, String> {
    let Some((first, rest)) = segments.split_first() else {
        return match value {
            DeValue::Integer(_) => Ok(Slot::Integer),
            DeValue::Float(_) => Ok(Slot::Float),
            DeValue::Boolean(_) => Ok(Slot::Bool),
            other => Err(format!(
                "`{path}` holds {}, not a number or a boolean",
                a_type(other)
            )),
        };
    };
    match value {
        DeValue::Table(t) => slot_in_table(t, segments, path),
        DeValue::Array(items) => {
            let index = array_index(first, path)?;
            let item = items
                .get(index)
                .ok_or_else(|| past_end(path, index, items.len()))?;
            slot_in_value(item.get_ref(), rest, path)
        }
        other => Err(format!("`{path}` goes through {}", a_type(other))),
    }
}

/// "a string", "an array", … for messages.
fn a_type(value: &DeValue<'_>) -> String {
    let t = value.type_str();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

fn array_index(segment: &str, path: &str) -> Result<usize, String> {
    segment
        .parse()
        .map_err(|_| format!("`{path}`: `{segment}` should be an index into an array"))
}

fn past_end(path: &str, index: usize, len: usize) -> String {
    format!("`{path}`: index {index} is past the end of the array ({len} items)")
}

/// Sets `path` to `new_value` in `root`, keeping the span of the value it replaces (a new
/// key takes `new_value`'s span).
pub fn set<'i>(
    root: &mut DeTable<'i>,
    path: &str,
    new_value: Spanned<DeValue<'i>>,
) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    set_in(root, &segments, new_value, path)
}

fn set_in<'i>(
    table: &mut DeTable<'i>,
    segments: &[&str],
    new_value: Spanned<DeValue<'i>>,
    path: &str,
) -> Result<(), String> {
    let (first, rest) = segments.split_first().ok_or("empty path")?;
    if rest.is_empty() {
        match table.get_mut(*first) {
            Some(existing) => {
                let span = existing.span();
                *existing = Spanned::new(span, new_value.into_inner());
            }
            None => {
                let key =
                    Spanned::new(new_value.span(), std::borrow::Cow::Owned(first.to_string()));
                table.insert(key, new_value);
            }
        }
        return Ok(());
    }
    if table.get(*first).is_none() {
        let key = Spanned::new(0..0, std::borrow::Cow::Owned(first.to_string()));
        table.insert(key, Spanned::new(0..0, DeValue::Table(DeTable::new())));
    }
    let child = table.get_mut(*first).expect("just inserted");
    set_value(child, rest, new_value, path)
}

fn set_value<'i>(
    value: &mut Spanned<DeValue<'i>>,
    segments: &[&str],
    new_value: Spanned<DeValue<'i>>,
    path: &str,
) -> Result<(), String> {
    match value.get_mut() {
        DeValue::Table(t) => set_in(t, segments, new_value, path),
        DeValue::Array(items) => {
            let (seg, rest) = segments.split_first().ok_or("path ends at an array")?;
            let index = array_index(seg, path)?;
            let len = items.len();
            let item = items
                .get_mut(index)
                .ok_or_else(|| past_end(path, index, len))?;
            if rest.is_empty() {
                let span = item.span();
                *item = Spanned::new(span, new_value.into_inner());
                Ok(())
            } else {
                set_value(item, rest, new_value, path)
            }
        }
        other => Err(format!("`{path}` goes through {}", a_type(other))),
    }
}

/// The literal text of `value` as it should be written where `slot` is: an integer
/// stays an integer where the file has a real number, and vice versa if it is whole.
pub fn literal(value: PatchValue, slot: Slot, path: &str) -> Result<String, String> {
    match (slot, value) {
        (Slot::Bool, PatchValue::Bool(_)) | (Slot::Absent, _) => Ok(value.literal(false)),
        (Slot::Bool, _) => Err(format!("`{path}` is a boolean; {} is not", value.shown())),
        (_, PatchValue::Bool(_)) => Err(format!("`{path}` is a number; {} is not", value.shown())),
        (Slot::Float, _) => Ok(value.literal(true)),
        (Slot::Integer, PatchValue::Integer(_)) => Ok(value.literal(false)),
        (Slot::Integer, PatchValue::Float(x)) if x.fract() == 0.0 && x.abs() < 9e15 => {
            Ok((x as i64).to_string())
        }
        (Slot::Integer, PatchValue::Float(x)) if x.fract() == 0.0 => Err(format!(
            "`{path}` is an integer; {} is beyond the integers a scenario can hold",
            value.shown()
        )),
        (Slot::Integer, PatchValue::Float(_)) => Err(format!(
            "`{path}` is a whole number; {} is not",
            value.shown()
        )),
    }
}

/// Parses the single value of `v = LITERAL`.
pub fn parse_literal(text: &str) -> Result<Spanned<DeValue<'_>>, String> {
    let table = DeTable::parse(text).map_err(|e| e.to_string())?;
    table
        .into_inner()
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .ok_or_else(|| "no value".to_string())
}

impl serde::Serialize for PatchValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            PatchValue::Integer(i) => serializer.serialize_i64(i),
            PatchValue::Float(x) => serializer.serialize_f64(x),
            PatchValue::Bool(b) => serializer.serialize_bool(b),
        }
    }
}

impl<'de> serde::Deserialize<'de> for PatchValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PatchValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a boolean")
            }
            fn visit_bool<E>(self, b: bool) -> Result<PatchValue, E> {
                Ok(PatchValue::Bool(b))
            }
            fn visit_i64<E>(self, i: i64) -> Result<PatchValue, E> {
                Ok(PatchValue::Integer(i))
            }
            fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<PatchValue, E> {
                i64::try_from(u)
                    .map(PatchValue::Integer)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_f64<E>(self, x: f64) -> Result<PatchValue, E> {
                Ok(PatchValue::Float(x))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Removes the key whose name stands at `span` (wherever it is nested); returns whether one
/// was found. Used to read past an unknown key and report the next problem too.
pub fn remove_key_at(table: &mut DeTable<'_>, span: &std::ops::Range<usize>) -> bool {
    let found = table
        .iter()
        .find(|(k, _)| k.span() == *span)
        .map(|(k, _)| k.clone());
    if let Some(key) = found {
        table.remove(&key);
        return true;
    }
    table
        .iter_mut()
        .any(|(_, v)| remove_in_value(v.get_mut(), span))
}

fn remove_in_value(value: &mut DeValue<'_>, span: &std::ops::Range<usize>) -> bool {
    match value {
        DeValue::Table(t) => remove_key_at(t, span),
        DeValue::Array(items) => items.iter_mut().any(|i| remove_in_value(i.get_mut(), span)),
        _ => false,
    }
}
