//! EQL's functions over [`Value`]s, as the EQL function reference describes them. Shared by the
//! compiled matcher and the reference evaluator. Must not depend on the parser or the matchers.
//!
//! Common rules: a `null` argument gives `null` (a condition then does not hold); string functions
//! take a number or boolean by its keyword text; arithmetic takes numbers only (a string gives
//! `null`), stays integral on integers (`divide` truncates) and gives `null` on overflow or division
//! by zero, where Elasticsearch would fail the search. Positions and lengths count characters
//! (Elasticsearch counts UTF-16 units: the two differ only outside the Basic Multilingual Plane).
//! The `~` forms fold case before comparing.

use super::ast::Func;
use super::pattern::Glob;
use super::value::{Value, fold, parse_number};
use std::borrow::Cow;
use std::net::IpAddr;

/// The function's result for these argument values.
pub fn call(func: Func, insensitive: bool, args: &[Value<'_>]) -> Value<'static> {
    let arg = |i: usize| args.get(i).unwrap_or(&Value::Null);
    if func != Func::Concat && args.first().is_none_or(Value::is_null) {
        return Value::Null;
    }
    match func {
        Func::Add | Func::Subtract | Func::Multiply | Func::Divide | Func::Modulo => arithmetic(func, arg(0), arg(1)),
        Func::Concat => {
            let mut out = String::new();
            for a in args {
                match a.text() {
                    Some(t) => out.push_str(&t),
                    None => return Value::Null,
                }
            }
            Value::Str(Cow::Owned(out))
        }
        Func::Length => text(arg(0)).map_or(Value::Null, |s| Value::Int(s.chars().count() as i64)),
        Func::String => text(arg(0)).map_or(Value::Null, |s| Value::Str(Cow::Owned(s.into_owned()))),
        Func::Number => number(arg(0), arg(1)),
        Func::StartsWith | Func::EndsWith | Func::StringContains => {
            let (Some(s), Some(p)) = (text(arg(0)), text(arg(1))) else { return Value::Null };
            let (s, p) = if insensitive { (fold(&s).into_owned(), fold(&p).into_owned()) } else { (s.into_owned(), p.into_owned()) };
            Value::Bool(match func {
                Func::StartsWith => s.starts_with(&p),
                Func::EndsWith => s.ends_with(&p),
                // The reference: an empty substring is never contained, not even in "".
                _ => !p.is_empty() && s.contains(&p),
            })
        }
        Func::Wildcard => {
            let Some(s) = text(arg(0)) else { return Value::Null };
            Value::Bool(args[1..].iter().filter_map(text).any(|p| Glob::new(&p, false).matches(&s)))
        }
        Func::CidrMatch => {
            let Some(s) = text(arg(0)) else { return Value::Null };
            if args[1..].iter().any(Value::is_null) {
                return Value::Null;
            }
            let nets: Vec<Cidr> = args[1..].iter().filter_map(text).filter_map(|c| Cidr::parse(&c)).collect();
            Value::Bool(cidr_match(&s, &nets))
        }
        Func::IndexOf => {
            let (Some(s), Some(sub)) = (text(arg(0)), text(arg(1))) else { return Value::Null };
            let start = match arg(2) {
                Value::Null if args.len() > 2 => return Value::Null,
                Value::Null => 0,
                v => match v.as_f64() {
                    Some(n) => n.max(0.0) as usize,
                    None => return Value::Null,
                },
            };
            index_of(&s, &sub, start, insensitive).map_or(Value::Null, |i| Value::Int(i as i64))
        }
        Func::Substring => {
            let Some(s) = text(arg(0)) else { return Value::Null };
            let (Some(start), end) = (integer(arg(1)), integer(arg(2))) else { return Value::Null };
            Value::Str(Cow::Owned(substring(&s, start, end)))
        }
        Func::Between => {
            let (Some(s), Some(l), Some(r)) = (text(arg(0)), text(arg(1)), text(arg(2))) else { return Value::Null };
            let greedy = matches!(arg(3), Value::Bool(true));
            Value::Str(Cow::Owned(between(&s, &l, &r, greedy, insensitive)))
        }
    }
}

fn text<'b>(v: &'b Value<'_>) -> Option<Cow<'b, str>> {
    v.text()
}

fn integer(v: &Value<'_>) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Float(f) if f.fract() == 0.0 => Some(*f as i64),
        _ => None,
    }
}

fn arithmetic(func: Func, a: &Value<'_>, b: &Value<'_>) -> Value<'static> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        let r = match func {
            Func::Add => x.checked_add(*y),
            Func::Subtract => x.checked_sub(*y),
            Func::Multiply => x.checked_mul(*y),
            Func::Divide => x.checked_div(*y),
            _ => x.checked_rem(*y),
        };
        return r.map_or(Value::Null, Value::Int);
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else { return Value::Null };
    let r = match func {
        Func::Add => x + y,
        Func::Subtract => x - y,
        Func::Multiply => x * y,
        Func::Divide => x / y,
        _ => x % y,
    };
    if r.is_finite() { Value::Float(r) } else { Value::Null }
}

fn number(v: &Value<'_>, base: &Value<'_>) -> Value<'static> {
    match v {
        Value::Int(_) | Value::Float(_) if base.is_null() => v.clone().into_owned(),
        // A string starting with 0x is hexadecimal unless a base says otherwise.
        Value::Str(s) if base.is_null() && hex_prefixed(s.trim()) => number(v, &Value::Int(16)),
        Value::Str(s) => match base {
            Value::Null | Value::Int(10) => parse_number(s.trim()).unwrap_or(Value::Null),
            Value::Int(b @ 2..=36) => {
                let t = s.trim();
                let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
                let t = t.strip_prefix('+').unwrap_or(t);
                let t = if *b == 16 { t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t) } else { t };
                if t.starts_with(['+', '-']) {
                    return Value::Null;
                }
                i64::from_str_radix(t, *b as u32).map_or(Value::Null, |n| Value::Int(if neg { -n } else { n }))
            }
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

fn hex_prefixed(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.starts_with("0x") || s.starts_with("0X")
}

/// The character index of the first `sub` at or after character `start`.
pub fn index_of(s: &str, sub: &str, start: usize, insensitive: bool) -> Option<usize> {
    let (s, sub) = if insensitive { (fold(s), fold(sub)) } else { (Cow::Borrowed(s), Cow::Borrowed(sub)) };
    let count = s.chars().count();
    if start > count {
        return None;
    }
    let from = s.char_indices().nth(start).map_or(s.len(), |(i, _)| i);
    s[from..].find(sub.as_ref()).map(|i| start + s[from..from + i].chars().count())
}

/// Python-style slicing by characters: negative positions count from the end.
pub fn substring(s: &str, start: i64, end: Option<i64>) -> String {
    let n = s.chars().count() as i64;
    let clamp = |i: i64| if i < 0 { (n + i).max(0) } else { i.min(n) };
    let (a, b) = (clamp(start), end.map_or(n, clamp));
    if a >= b { String::new() } else { s.chars().skip(a as usize).take((b - a) as usize).collect() }
}

/// The text between the first `left` and the next `right` (the last one when `greedy`).
pub fn between(s: &str, left: &str, right: &str, greedy: bool, insensitive: bool) -> String {
    let folded = if insensitive { fold(s) } else { Cow::Borrowed(s) };
    // Search the folded text; cut the original when folding kept every byte position.
    let source = if folded.len() == s.len() { s } else { folded.as_ref() };
    let (l, r) = if insensitive { (fold(left), fold(right)) } else { (Cow::Borrowed(left), Cow::Borrowed(right)) };
    let Some(at) = folded.find(l.as_ref()) else { return String::new() };
    let start = at + l.len();
    let end = if greedy { folded.rfind(r.as_ref()) } else { folded[start..].find(r.as_ref()).map(|i| start + i) };
    match end {
        Some(end) if end >= start => source[start..end].to_string(),
        _ => String::new(),
    }
}

/// An IPv4 or IPv6 network, held as IPv6 (IPv4 as `::ffff:a.b.c.d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    base: u128,
    prefix: u32,
}

impl Cidr {
    /// `10.0.0.0/8`, `2001:db8::/32`, or a single address.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, len) = match text.split_once('/') {
            Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let ip: IpAddr = addr.parse().ok()?;
        let (bits, max) = (ip_bits(ip), if ip.is_ipv4() { 32 } else { 128 });
        let prefix = len.unwrap_or(max);
        if prefix > max {
            return None;
        }
        let prefix = prefix + (128 - max);
        Some(Cidr { base: bits & mask(prefix), prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        ip_bits(ip) & mask(self.prefix) == self.base
    }
}

fn ip_bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn mask(prefix: u32) -> u128 {
    if prefix == 0 { 0 } else { u128::MAX << (128 - prefix) }
}

/// Whether the text is an IP address inside one of the networks.
pub fn cidr_match(text: &str, nets: &[Cidr]) -> bool {
    text.parse::<IpAddr>().is_ok_and(|ip| nets.iter().any(|n| n.contains(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Value<'_> {
        Value::Str(Cow::Borrowed(t))
    }

    #[test]
    fn string_functions_follow_the_reference() {
        assert_eq!(between("www.example.com", "www.", ".com", false, false), "example");
        assert_eq!(between("a/b/c/d", "/", "/", true, false), "b/c");
        assert_eq!(between("a/b/c/d", "/", "/", false, false), "b");
        assert_eq!(between("ABC", "a", "c", false, true), "B");
        assert_eq!(between("abc", "x", "c", false, false), "");
        assert_eq!(substring("start regsvr32.exe", -4, None), ".exe");
        assert_eq!(substring("start regsvr32.exe", 1, Some(3)), "ta");
        assert_eq!(substring("abc", 2, Some(1)), "");
        assert_eq!(index_of("memory_access", "_", 0, false), Some(6));
        assert_eq!(index_of("ABa", "a", 0, true), Some(0));
        assert_eq!(index_of("aba", "a", 1, false), Some(2));
        assert_eq!(index_of("aba", "a", 9, false), None);
    }

    #[test]
    fn arithmetic_keeps_integers_and_nulls_errors() {
        assert_eq!(call(Func::Divide, false, &[Value::Int(7), Value::Int(2)]), Value::Int(3));
        assert_eq!(call(Func::Divide, false, &[Value::Float(7.0), Value::Int(2)]), Value::Float(3.5));
        assert_eq!(call(Func::Divide, false, &[Value::Int(7), Value::Int(0)]), Value::Null);
        assert_eq!(call(Func::Modulo, false, &[Value::Int(-7), Value::Int(3)]), Value::Int(-1));
        assert_eq!(call(Func::Add, false, &[Value::Int(i64::MAX), Value::Int(1)]), Value::Null);
        assert_eq!(call(Func::Add, false, &[s("1"), Value::Int(1)]), Value::Null);
        assert_eq!(call(Func::Number, false, &[s("0x1F"), Value::Int(16)]), Value::Int(31));
        assert_eq!(call(Func::Number, false, &[s("2.5")]), Value::Float(2.5));
        assert_eq!(call(Func::Number, false, &[s(" 0xdeadbeef "), Value::Null]), Value::Int(3_735_928_559));
        assert_eq!(call(Func::Number, false, &[s("deadbeef"), Value::Int(16)]), Value::Int(3_735_928_559));
        assert_eq!(call(Func::Number, false, &[s("+1337")]), Value::Int(1337));
        assert_eq!(call(Func::Number, false, &[s("")]), Value::Null);
        assert_eq!(call(Func::StringContains, false, &[s(""), s("")]), Value::Bool(false));
        assert_eq!(call(Func::IndexOf, false, &[s("a.b"), s("."), Value::Null]), Value::Null);
        assert_eq!(call(Func::IndexOf, false, &[s("subdomain.example.com"), s(""), Value::Int(10)]), Value::Int(10));
        assert_eq!(call(Func::IndexOf, false, &[s("subdomain.example.com"), s("."), Value::Int(-6)]), Value::Int(9));
        assert_eq!(call(Func::CidrMatch, false, &[s("10.0.0.1"), Value::Null]), Value::Null);
        assert_eq!(call(Func::Concat, false, &[s("a"), Value::Int(1), Value::Bool(true)]), s("a1true"));
        assert_eq!(call(Func::Concat, false, &[s("a"), Value::Null]), Value::Null);
    }

    #[test]
    fn cidr_matching_covers_both_families() {
        let nets: Vec<Cidr> = ["10.0.0.0/8", "2001:db8::/32", "192.168.1.5"].iter().filter_map(|c| Cidr::parse(c)).collect();
        assert_eq!(nets.len(), 3);
        assert!(cidr_match("10.1.2.3", &nets) && cidr_match("2001:db8::1", &nets) && cidr_match("192.168.1.5", &nets));
        assert!(cidr_match("::ffff:10.0.0.1", &nets));
        assert!(!cidr_match("11.0.0.1", &nets) && !cidr_match("not an ip", &nets) && !cidr_match("192.168.1.6", &nets));
        assert!(Cidr::parse("10.0.0.0/33").is_none() && Cidr::parse("10.0.0/8").is_none());
        assert!(Cidr::parse("0.0.0.0/0").is_some_and(|c| c.contains("1.2.3.4".parse().unwrap())));
    }
}
