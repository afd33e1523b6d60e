//! A Sigma rule's searches, compiled: a search is a map of field items (all must match), a list of
//! such maps (one must), or a list of keywords (one must appear in some value of the event). A
//! field item is a field, its modifiers and its values (one must match, or every one with `all`).
//!
//! Matching follows the specification: strings compare without case unless `cased`, `*` and `?`
//! are wildcards (`\*`, `\?`, `\\` escape them), `contains`/`startswith`/`endswith` place the value,
//! `re` is a regular expression (unanchored, case-sensitive, flags `i`, `m`, `s`), `cidr` a network,
//! `base64`/`base64offset` encode the value first, `windash` lets each `-` be any dash a Windows
//! command line takes, `exists` asks for presence, `lt`/`lte`/`gt`/`gte` compare numbers, `fieldref`
//! compares with another field, and `null` matches an absent or null field. Fields are read by
//! their dotted path in the raw record ([`Document`]); a list is matched element by element.

use crate::doc::{Document, Scalar};
use regex::{Regex, RegexBuilder};
use std::net::IpAddr;
use yaml_rust2::Yaml;

/// A compiled search.
#[derive(Debug, Clone)]
pub enum Search {
    /// Maps of items: some map has every item matching.
    Maps(Vec<Vec<Item>>),
    /// Keywords: one appears in some value of the event.
    Keywords(Vec<Value>),
}

/// A field, and the values it must have.
#[derive(Debug, Clone)]
pub struct Item {
    pub field: String,
    /// Every value must match (`all`), else one.
    pub all: bool,
    pub values: Vec<Value>,
}

/// One value of an item, compiled.
#[derive(Debug, Clone)]
pub enum Value {
    /// A string or number without wildcards: equal, or placed, compared without case unless `cased`.
    Text {
        place: Place,
        text: String,
        cased: bool,
    },
    /// Wildcards, `re` and `windash` values.
    Pattern(Regex),
    /// `lt`, `lte`, `gt`, `gte`.
    Number {
        op: Compare,
        value: f64,
    },
    Cidr {
        network: IpAddr,
        bits: u8,
    },
    Exists(bool),
    /// `null`: the field is absent or null.
    Null,
    Bool(bool),
    /// `fieldref`: equal to a value of the other field (placed as the modifiers say).
    Field {
        other: String,
        place: Place,
        cased: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Whole,
    Start,
    End,
    Anywhere,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl Search {
    pub fn matches(&self, doc: &dyn Document) -> bool {
        match self {
            Search::Maps(maps) => maps.iter().any(|items| items.iter().all(|item| item.matches(doc))),
            Search::Keywords(words) => {
                let mut fields = Vec::new();
                doc.for_each_field(&mut |f| fields.push(f.to_string()));
                words.iter().any(|word| fields.iter().any(|f| doc.any_value(f, &mut |s| word.test(s))))
            }
        }
    }

    /// The values of `field` one of which every match requires, when the search pins it to plain
    /// equal strings (for the rule index): `None` when it does not.
    pub fn required(&self, field: &str) -> Option<Vec<String>> {
        let Search::Maps(maps) = self else { return None };
        let mut out = Vec::new();
        for items in maps {
            let item = items.iter().find(|i| i.field == field && !i.all)?;
            for v in &item.values {
                match v {
                    Value::Text { place: Place::Whole, text, .. } => out.push(text.to_lowercase()),
                    _ => return None,
                }
            }
        }
        (!out.is_empty()).then_some(out)
    }
}

impl Item {
    fn matches(&self, doc: &dyn Document) -> bool {
        let one = |v: &Value| match v {
            Value::Null => !doc.exists(&self.field),
            Value::Exists(want) => doc.exists(&self.field) == *want,
            Value::Field { other, place, cased } => {
                let mut others = Vec::new();
                doc.any_value(other, &mut |s| {
                    others.push(text_of(s));
                    false
                });
                let others: Vec<String> = others.into_iter().map(|o| if *cased { o } else { o.to_lowercase() }).collect();
                others.iter().any(|o| doc.any_value(&self.field, &mut |s| placed(*place, &text_of(s), o, *cased)))
            }
            other => doc.any_value(&self.field, &mut |s| other.test(s)),
        };
        if self.all { self.values.iter().all(one) } else { self.values.iter().any(one) }
    }
}

impl Value {
    /// Whether one scalar value of a field matches.
    fn test(&self, s: Scalar<'_>) -> bool {
        match self {
            Value::Text { place, text, cased } => placed(*place, &text_of(s), text, *cased),
            Value::Pattern(re) => re.is_match(&text_of(s)),
            Value::Number { op, value } => number_of(s).is_some_and(|n| match op {
                Compare::Lt => n < *value,
                Compare::Lte => n <= *value,
                Compare::Gt => n > *value,
                Compare::Gte => n >= *value,
            }),
            Value::Cidr { network, bits } => text_of(s).parse::<IpAddr>().is_ok_and(|ip| in_network(ip, *network, *bits)),
            Value::Bool(b) => match s {
                Scalar::Bool(x) => x == *b,
                Scalar::Str(t) => t.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
                Scalar::Num(_) => false,
            },
            Value::Null | Value::Exists(_) | Value::Field { .. } => false,
        }
    }
}

fn text_of(s: Scalar<'_>) -> String {
    match s {
        Scalar::Str(t) => t.to_string(),
        Scalar::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", n as i64),
        Scalar::Num(n) => n.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

fn number_of(s: Scalar<'_>) -> Option<f64> {
    match s {
        Scalar::Num(n) => Some(n),
        Scalar::Str(t) => t.trim().parse().ok(),
        Scalar::Bool(_) => None,
    }
}

/// Whether `hay` holds `needle` at `place`; without `cased`, `needle` is lowercase already and
/// `hay` is lowered here.
fn placed(place: Place, hay: &str, needle: &str, cased: bool) -> bool {
    let lowered;
    let hay = if cased {
        hay
    } else {
        lowered = hay.to_lowercase();
        &lowered
    };
    match place {
        Place::Whole => hay == needle,
        Place::Start => hay.starts_with(needle),
        Place::End => hay.ends_with(needle),
        Place::Anywhere => hay.contains(needle),
    }
}

fn in_network(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The modifiers of a field item, as written after `|`.
#[derive(Debug, Default, Clone)]
struct Modifiers {
    place: Option<Place>,
    all: bool,
    cased: bool,
    re: bool,
    re_flags: String,
    cidr: bool,
    base64: bool,
    base64offset: bool,
    windash: bool,
    exists: bool,
    fieldref: bool,
    compare: Option<Compare>,
}

/// Why an item cannot run: `Err(Invalid)` is a broken rule, `Err(Unsupported)` one this engine
/// leaves out (a Windows-only encoding, a placeholder nothing defines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Invalid(String),
    Unsupported(String),
}

fn modifiers(field: &str, names: &[&str]) -> Result<Modifiers, Problem> {
    let mut m = Modifiers::default();
    let set_place = |m: &mut Modifiers, p| {
        if m.place.is_some() {
            return Err(Problem::Invalid(format!("{field}: more than one of contains, startswith, endswith")));
        }
        m.place = Some(p);
        Ok(())
    };
    for name in names {
        match *name {
            "contains" => set_place(&mut m, Place::Anywhere)?,
            "startswith" => set_place(&mut m, Place::Start)?,
            "endswith" => set_place(&mut m, Place::End)?,
            "all" => m.all = true,
            "cased" => m.cased = true,
            "re" => m.re = true,
            "i" | "m" | "s" if m.re => m.re_flags.push_str(name),
            "cidr" => m.cidr = true,
            "base64" => m.base64 = true,
            "base64offset" => m.base64offset = true,
            "windash" => m.windash = true,
            "exists" => m.exists = true,
            "fieldref" => m.fieldref = true,
            "lt" => m.compare = Some(Compare::Lt),
            "lte" => m.compare = Some(Compare::Lte),
            "gt" => m.compare = Some(Compare::Gt),
            "gte" => m.compare = Some(Compare::Gte),
            "wide" | "utf16" | "utf16le" | "utf16be" => {
                return Err(Problem::Unsupported(format!("{field}: the `{name}` modifier encodes for Windows logs, not CloudTrail")));
            }
            "expand" => {
                return Err(Problem::Unsupported(format!("{field}: `expand` needs placeholder values, which nothing defines here")));
            }
            other => return Err(Problem::Invalid(format!("{field}: unknown modifier `{other}`"))),
        }
    }
    if m.re && (m.place.is_some() || m.base64 || m.base64offset || m.windash || m.cidr) {
        return Err(Problem::Invalid(format!("{field}: `re` does not combine with other value modifiers")));
    }
    if m.base64offset && m.place != Some(Place::Anywhere) {
        return Err(Problem::Invalid(format!("{field}: `base64offset` needs `contains`")));
    }
    Ok(m)
}

/// Compiles `key: value` of a search map (`key` is `field|modifier|...`).
pub fn item(key: &str, value: &Yaml) -> Result<Item, Problem> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or_default().to_string();
    let names: Vec<&str> = parts.collect();
    let m = modifiers(if field.is_empty() { key } else { &field }, &names)?;
    let raw: Vec<&Yaml> = match value {
        Yaml::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    if raw.is_empty() {
        return Err(Problem::Invalid(format!("{key}: an empty list of values")));
    }
    let mut values = Vec::new();
    for v in raw {
        values.extend(compile_value(key, &m, v)?);
    }
    // base64offset gives three encodings of each value: any of them may appear.
    let all = m.all && !m.base64offset;
    Ok(Item { field, all, values })
}

fn compile_value(key: &str, m: &Modifiers, v: &Yaml) -> Result<Vec<Value>, Problem> {
    let invalid = |why: String| Problem::Invalid(format!("{key}: {why}"));
    if m.exists {
        return match v {
            Yaml::Boolean(b) => Ok(vec![Value::Exists(*b)]),
            Yaml::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                Ok(vec![Value::Exists(s.eq_ignore_ascii_case("true"))])
            }
            _ => Err(invalid("`exists` takes true or false".into())),
        };
    }
    let text = match v {
        Yaml::Null => return Ok(vec![Value::Null]),
        Yaml::Boolean(b) if !m.re && m.place.is_none() => return Ok(vec![Value::Bool(*b)]),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::String(s) => s.clone(),
        Yaml::Integer(n) => n.to_string(),
        Yaml::Real(r) => r.clone(),
        _ => return Err(invalid("a value must be a string, a number, a boolean or null".into())),
    };
    if let Some(op) = m.compare {
        let value: f64 = text.trim().parse().map_err(|_| invalid(format!("`{text}` is not a number to compare with")))?;
        return Ok(vec![Value::Number { op, value }]);
    }
    if m.cidr {
        let (net, bits) = text.split_once('/').unwrap_or((&text, ""));
        let network: IpAddr = net.trim().parse().map_err(|_| invalid(format!("`{text}` is not a network")))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let bits: u8 = if bits.is_empty() {
            max
        } else {
            bits.parse().ok().filter(|b| *b <= max).ok_or_else(|| invalid(format!("`{text}` is not a network")))?
        };
        return Ok(vec![Value::Cidr { network, bits }]);
    }
    let place = m.place.unwrap_or(Place::Whole);
    if m.fieldref {
        return Ok(vec![Value::Field { other: text, place, cased: m.cased }]);
    }
    if m.re {
        let mut builder = RegexBuilder::new(&text);
        builder
            .case_insensitive(m.re_flags.contains('i'))
            .multi_line(m.re_flags.contains('m'))
            .dot_matches_new_line(m.re_flags.contains('s'));
        let re = builder
            .size_limit(1 << 22)
            .build()
            .map_err(|e| invalid(format!("the regular expression does not compile here: {}", first_line(&e.to_string()))))?;
        return Ok(vec![Value::Pattern(re)]);
    }
    let texts: Vec<String> = if m.base64offset {
        base64_offsets(&text)
    } else if m.base64 {
        vec![base64(text.as_bytes())]
    } else {
        vec![text]
    };
    // Encoded values are literal: their `*` and `?` are no wildcards.
    let literal = m.base64 || m.base64offset;
    texts.into_iter().map(|t| text_value(&t, place, m.cased, m.windash, literal, key)).collect()
}

fn first_line(s: &str) -> &str {
    s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

/// A string value: plain text when it has no wildcard (and no dash to vary), else a pattern.
fn text_value(text: &str, place: Place, cased: bool, windash: bool, literal: bool, key: &str) -> Result<Value, Problem> {
    let mut pattern = String::new();
    let mut plain = String::new();
    let mut wild = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !literal && matches!(chars.peek(), Some('*' | '?' | '\\')) => {
                let next = chars.next().unwrap_or('\\');
                plain.push(next);
                pattern.push_str(&regex::escape(&next.to_string()));
            }
            '*' if !literal => {
                wild = true;
                pattern.push_str(".*");
            }
            '?' if !literal => {
                wild = true;
                pattern.push('.');
            }
            '-' if windash => {
                wild = true;
                pattern.push_str("[-/\u{2013}\u{2014}\u{2015}]");
            }
            other => {
                plain.push(other);
                pattern.push_str(&regex::escape(&other.to_string()));
            }
        }
    }
    if !wild {
        let text = if cased { plain } else { plain.to_lowercase() };
        return Ok(Value::Text { place, text, cased });
    }
    let (start, end) = match place {
        Place::Whole => ("^", "$"),
        Place::Start => ("^", ""),
        Place::End => ("", "$"),
        Place::Anywhere => ("", ""),
    };
    let re = RegexBuilder::new(&format!("{start}(?:{pattern}){end}"))
        .case_insensitive(!cased)
        .dot_matches_new_line(true)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| Problem::Invalid(format!("{key}: the value `{text}` does not compile: {}", first_line(&e.to_string()))))?;
    Ok(Value::Pattern(re))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64, padded.
fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The three forms `text` takes inside a longer base64 text, by its offset modulo 3: the padded
/// encoding of the text behind 0, 1 or 2 other bytes, less the characters those bytes shape at the
/// start (0, 2 or 3) and those the bytes after it would at the end.
fn base64_offsets(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    const STARTS: [usize; 3] = [0, 2, 3];
    const END_CUTS: [usize; 3] = [0, 3, 2];
    (0..3)
        .map(|i| {
            let mut shifted = vec![b' '; i];
            shifted.extend_from_slice(bytes);
            let encoded = base64(&shifted);
            let end = encoded.len().saturating_sub(END_CUTS[(bytes.len() + i) % 3]);
            encoded.get(STARTS[i]..end).unwrap_or_default().to_string()
        })
        .collect()
}

/// Compiles one search (a detection identifier's value).
pub fn search(name: &str, value: &Yaml) -> Result<Search, Problem> {
    let map = |m: &yaml_rust2::yaml::Hash| -> Result<Vec<Item>, Problem> {
        m.iter()
            .map(|(k, v)| match k {
                Yaml::String(key) => item(key, v),
                _ => Err(Problem::Invalid(format!("{name}: a field name must be a string"))),
            })
            .collect()
    };
    match value {
        Yaml::Hash(m) if m.is_empty() => Err(Problem::Invalid(format!("{name}: an empty search"))),
        Yaml::Hash(m) => Ok(Search::Maps(vec![map(m)?])),
        Yaml::Array(items) if items.iter().all(|i| matches!(i, Yaml::Hash(_))) && !items.is_empty() => {
            let maps = items.iter().map(|i| if let Yaml::Hash(m) = i { map(m) } else { Ok(Vec::new()) }).collect::<Result<Vec<_>, _>>()?;
            Ok(Search::Maps(maps))
        }
        Yaml::Array(items) if !items.is_empty() => {
            let m = Modifiers { place: Some(Place::Anywhere), ..Modifiers::default() };
            let mut words = Vec::new();
            for i in items {
                words.extend(compile_value(name, &m, i)?);
            }
            Ok(Search::Keywords(words))
        }
        Yaml::String(_) | Yaml::Integer(_) => {
            let m = Modifiers { place: Some(Place::Anywhere), ..Modifiers::default() };
            Ok(Search::Keywords(compile_value(name, &m, value)?))
        }
        _ => Err(Problem::Invalid(format!("{name}: a search is a map of fields, a list of maps, or a list of keywords"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_its_offsets_are_the_specifications() {
        assert_eq!(base64(b"ping"), "cGluZw==");
        // The three forms of "ping" inside longer base64 text.
        assert_eq!(base64_offsets("ping"), ["cGluZ", "Bpbm", "waW5n"]);
    }

    #[test]
    fn networks_hold_their_addresses() {
        let net = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_network(net("10.1.2.3"), net("10.0.0.0"), 8));
        assert!(!in_network(net("11.1.2.3"), net("10.0.0.0"), 8));
        assert!(in_network(net("2001:db8::1"), net("2001:db8::"), 32));
        assert!(in_network(net("1.2.3.4"), net("0.0.0.0"), 0));
        assert!(!in_network(net("::1"), net("0.0.0.0"), 0));
    }
}
