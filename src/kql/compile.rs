//! AST → compiled matcher: cheap tests chosen once, used for every document.
//!
//! Exact values become string comparisons, OR-lists of exact values on one field become one set
//! lookup, wildcard values become literal/prefix/suffix/contains tests (no regex), and field names
//! with wildcards are resolved against the document's field names. Must agree with
//! [`super::eval`] on every query and document (property-tested).

use super::ast::{Expr, Part, RangeOp, Value, ValueExpr};
use super::eval::range_holds;
use super::scalar::{compare, equals};
use crate::doc::{Document, Scalar};
use std::collections::HashSet;

/// A compiled query.
#[derive(Debug, Clone)]
pub enum Node {
    All,
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Exists(Fields),
    Test(Fields, Test),
}

/// Which fields a test reads.
#[derive(Debug, Clone)]
pub enum Fields {
    One(String),
    Pattern(Glob),
    /// Every field (a bare value).
    Any,
}

/// A test on one value.
#[derive(Debug, Clone)]
pub enum Test {
    Exact(String),
    /// Any of several exact values.
    Set(HashSet<String>),
    Glob(Glob),
    Range(RangeOp, String),
}

/// A wildcard pattern reduced to its cheapest form.
#[derive(Debug, Clone)]
pub enum Glob {
    AnyString,
    Prefix(String),
    Suffix(String),
    Contains(String),
    /// Literal pieces between `*`s: first anchored at the start unless `open_start`, last at the
    /// end unless `open_end`.
    General {
        pieces: Vec<String>,
        open_start: bool,
        open_end: bool,
    },
}

impl Glob {
    pub fn new(parts: &[Part]) -> Glob {
        let open_start = parts.first() == Some(&Part::Wildcard);
        let open_end = parts.last() == Some(&Part::Wildcard);
        let pieces: Vec<String> = parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.clone()),
                Part::Wildcard => None,
            })
            .collect();
        match (open_start, open_end, pieces.as_slice()) {
            (_, _, []) => Glob::AnyString,
            (false, true, [p]) => Glob::Prefix(p.clone()),
            (true, false, [p]) => Glob::Suffix(p.clone()),
            (true, true, [p]) => Glob::Contains(p.clone()),
            _ => Glob::General { pieces, open_start, open_end },
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self {
            Glob::AnyString => true,
            Glob::Prefix(p) => text.starts_with(p.as_str()),
            Glob::Suffix(s) => text.ends_with(s.as_str()),
            Glob::Contains(c) => text.contains(c.as_str()),
            Glob::General { pieces, open_start, open_end } => general_match(pieces, *open_start, *open_end, text),
        }
    }
}

/// Greedy leftmost matching is exact for patterns whose only wildcard is `*`.
fn general_match(pieces: &[String], open_start: bool, open_end: bool, text: &str) -> bool {
    let mut rest = text;
    let mut pieces = pieces;
    if !open_start {
        let Some((first, others)) = pieces.split_first() else { return rest.is_empty() };
        let Some(after) = rest.strip_prefix(first.as_str()) else { return false };
        rest = after;
        pieces = others;
    }
    let last = if open_end { None } else { pieces.split_last() };
    let middle = match last {
        Some((_, middle)) => middle,
        None => pieces,
    };
    for piece in middle {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    match last {
        Some((last, _)) => rest.ends_with(last.as_str()),
        None => open_end || rest.is_empty() || (pieces.is_empty() && !open_start && rest.is_empty()),
    }
}

pub fn compile(expr: &Expr) -> Node {
    compile_in(expr, "")
}

fn compile_in(expr: &Expr, prefix: &str) -> Node {
    match expr {
        Expr::All => Node::All,
        Expr::Or(items) => Node::Or(items.iter().map(|e| compile_in(e, prefix)).collect()),
        Expr::And(items) => Node::And(items.iter().map(|e| compile_in(e, prefix)).collect()),
        Expr::Not(inner) => Node::Not(Box::new(compile_in(inner, prefix))),
        Expr::Field { field, values } => compile_values(values, &fields(field, prefix)),
        Expr::Range { field, op, value } => Node::Test(fields(field, prefix), Test::Range(*op, value.text())),
        Expr::Nested { field, query } => compile_in(query, &format!("{prefix}{}.", field.text())),
        Expr::Bare(value) => Node::Test(Fields::Any, value_test(value)),
    }
}

fn fields(field: &Value, prefix: &str) -> Fields {
    match field {
        Value::Unquoted(parts) if field.has_wildcard() => {
            let mut full = vec![Part::Text(prefix.to_string())];
            full.extend(parts.iter().cloned());
            Fields::Pattern(Glob::new(&full))
        }
        _ => Fields::One(format!("{prefix}{}", field.text())),
    }
}

fn value_test(value: &Value) -> Test {
    match value {
        Value::Unquoted(parts) if value.has_wildcard() => Test::Glob(Glob::new(parts)),
        _ => Test::Exact(value.text()),
    }
}

fn compile_values(values: &ValueExpr, fields: &Fields) -> Node {
    match values {
        ValueExpr::One(v) if v.is_lone_wildcard() => Node::Exists(fields.clone()),
        ValueExpr::One(v) => Node::Test(fields.clone(), value_test(v)),
        ValueExpr::And(items) => Node::And(items.iter().map(|v| compile_values(v, fields)).collect()),
        ValueExpr::Not(inner) => Node::Not(Box::new(compile_values(inner, fields))),
        ValueExpr::Or(items) => {
            let mut exact = HashSet::new();
            let mut others = Vec::new();
            for item in items {
                match compile_values(item, fields) {
                    Node::Test(_, Test::Exact(s)) => {
                        exact.insert(s);
                    }
                    node => others.push(node),
                }
            }
            match exact.len() {
                0 => {}
                1 => others.insert(0, Node::Test(fields.clone(), Test::Exact(exact.into_iter().next().unwrap_or_default()))),
                _ => others.insert(0, Node::Test(fields.clone(), Test::Set(exact))),
            }
            if others.len() == 1 { others.remove(0) } else { Node::Or(others) }
        }
    }
}

impl Node {
    pub fn matches(&self, doc: &dyn Document) -> bool {
        match self {
            Node::All => true,
            Node::Or(items) => items.iter().any(|n| n.matches(doc)),
            Node::And(items) => items.iter().all(|n| n.matches(doc)),
            Node::Not(inner) => !inner.matches(doc),
            Node::Exists(fields) => any_field(fields, doc, &mut |_| true),
            Node::Test(fields, test) => any_field(fields, doc, &mut |s| test.matches(s)),
        }
    }
}

impl Test {
    fn matches(&self, value: Scalar<'_>) -> bool {
        match self {
            Test::Exact(literal) => equals(value, literal),
            Test::Set(set) => match value {
                Scalar::Str(s) => set.contains(s),
                other => set.iter().any(|literal| equals(other, literal)),
            },
            Test::Glob(glob) => matches!(value, Scalar::Str(s) if glob.is_match(s)),
            Test::Range(op, literal) => compare(value, literal).is_some_and(|o| range_holds(*op, o)),
        }
    }
}

fn any_field(fields: &Fields, doc: &dyn Document, test: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
    match fields {
        Fields::One(name) => doc.any_value(name, test),
        Fields::Pattern(glob) => {
            let mut names = Vec::new();
            doc.for_each_field(&mut |n| {
                if glob.is_match(n) {
                    names.push(n.to_string());
                }
            });
            names.iter().any(|n| doc.any_value(n, test))
        }
        Fields::Any => {
            let mut names = Vec::new();
            doc.for_each_field(&mut |n| names.push(n.to_string()));
            names.iter().any(|n| doc.any_value(n, test))
        }
    }
}
