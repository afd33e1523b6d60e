//! Runtime values and how two of them compare, shared by the compiled matcher and the reference
//! evaluator. Must not depend on the parser or the matchers.
//!
//! Documents carry no mapping, so a value's kind is read off the document: a JSON string is a
//! `keyword`, a JSON number is numeric, a JSON boolean is a boolean. Comparisons take the document
//! side on the left and the constant on the right, and do what Elasticsearch does for that field kind:
//! - keyword against keyword: exact, case-sensitive equality; order by UTF-8 bytes (Lucene's term
//!   order), so `"B" < "a"` and `"10" < "9"`;
//! - a keyword against a number compares with the number's keyword text (`"5" == 5`, and by bytes for
//!   order), as a term or range query on a keyword field would;
//! - a number against a string constant compares numerically when the string is a number, and
//!   otherwise not at all;
//! - booleans equal booleans or their text `true`/`false`; `false < true`.
//!
//! Any comparison with `null` is `null` (neither true nor false), which a condition treats as false.

use super::ast::Literal;
use crate::doc::Scalar;
use std::borrow::Cow;
use std::cmp::Ordering;

/// One value: of a field, a constant, or a function's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
}

/// Integers up to this magnitude are exact in an `f64`; a document number inside it is an integer.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

impl<'a> Value<'a> {
    /// A document's leaf value.
    pub fn from_scalar(s: Scalar<'a>) -> Value<'a> {
        match s {
            Scalar::Str(s) => Value::Str(Cow::Borrowed(s)),
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Num(n) => number(n),
        }
    }

    /// A constant's value.
    pub fn from_literal(l: &'a Literal) -> Value<'a> {
        match l {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::Int(*i),
            Literal::Float(f) => Value::Float(*f),
            Literal::Str(s) => Value::Str(Cow::Borrowed(s)),
        }
    }

    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The number, for numeric values.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The text a keyword field would hold for the value; `None` for null.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Null => None,
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(float_text(*f))),
            Value::Str(s) => Some(Cow::Borrowed(s)),
        }
    }
}

/// A number as a value: integral numbers in the exact range are integers.
pub fn number(n: f64) -> Value<'static> {
    if n.fract() == 0.0 && n.abs() <= EXACT_INT { Value::Int(n as i64) } else { Value::Float(n) }
}

/// A float's text: integral floats keep no fraction (`5`), others print shortest (`0.5`).
pub fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A number written in a string, as a numeric field parses it: optional sign, digits, fraction,
/// exponent; nothing else.
pub fn parse_number(s: &str) -> Option<Value<'static>> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')) {
        return None;
    }
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::Int(i));
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
}

/// Whether `left` (the document side) equals `right` (the constant side); `None` if either is null.
pub fn equals(left: &Value<'_>, right: &Value<'_>) -> Option<bool> {
    compare(left, right).map(|o| o == Ordering::Equal).or_else(|| {
        // Kinds that have no order between them may still be equal by text (never here) or not.
        if left.is_null() || right.is_null() { None } else { Some(false) }
    })
}

/// How `left` (the document side) orders against `right` (the constant side); `None` if either is
/// null or the kinds do not compare.
pub fn compare(left: &Value<'_>, right: &Value<'_>) -> Option<Ordering> {
    match (left, right) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Str(a), Value::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => left.as_f64()?.partial_cmp(&right.as_f64()?),
        // A keyword field against a number or boolean: by the constant's keyword text.
        (Value::Str(a), b) => Some(a.as_bytes().cmp(b.text()?.as_bytes())),
        // A numeric field against a string: the string parsed as a number, if it is one.
        (Value::Int(_) | Value::Float(_), Value::Str(b)) => compare(left, &parse_number(b)?),
        // A boolean field against its text.
        (Value::Bool(a), Value::Str(b)) => match b.as_ref() {
            "true" => Some(a.cmp(&true)),
            "false" => Some(a.cmp(&false)),
            _ => None,
        },
        (Value::Bool(_), _) | (Value::Int(_) | Value::Float(_), Value::Bool(_)) => None,
    }
}

/// Case-folded text, for the case-insensitive operators.
pub fn fold(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| !b.is_ascii_uppercase() && b.is_ascii()) {
        Cow::Borrowed(s)
    } else if s.is_ascii() {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Owned(s.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(t: &str) -> Value<'_> {
        Value::Str(Cow::Borrowed(t))
    }

    #[test]
    fn keywords_order_by_bytes() {
        assert_eq!(compare(&s("B"), &s("a")), Some(Ordering::Less));
        assert_eq!(compare(&s("10"), &s("9")), Some(Ordering::Less));
        assert_eq!(compare(&s("10"), &Value::Int(9)), Some(Ordering::Less), "a keyword against a number compares as text");
    }

    #[test]
    fn numbers_compare_numerically_and_with_numeric_strings() {
        assert_eq!(compare(&Value::Int(10), &Value::Int(9)), Some(Ordering::Greater));
        assert_eq!(compare(&Value::Float(2.5), &Value::Int(2)), Some(Ordering::Greater));
        assert_eq!(equals(&Value::Int(5), &s("5.0")), Some(true));
        assert_eq!(equals(&Value::Int(5), &s("five")), Some(false));
        assert_eq!(equals(&s("5"), &Value::Int(5)), Some(true));
        assert_eq!(equals(&Value::Null, &Value::Int(5)), None);
    }

    #[test]
    fn document_numbers_are_integers_when_integral() {
        assert_eq!(Value::from_scalar(Scalar::Num(3.0)), Value::Int(3));
        assert_eq!(Value::from_scalar(Scalar::Num(3.5)), Value::Float(3.5));
        assert_eq!(Value::Float(3.0).text().as_deref(), Some("3"));
        assert_eq!(parse_number("-12"), Some(Value::Int(-12)));
        assert_eq!(parse_number("1e3"), Some(Value::Float(1000.0)));
        assert_eq!(parse_number("0x10"), None);
    }
}
