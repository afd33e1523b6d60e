//! Compiler: [`Node`] → [`Matcher`], a tree prepared once and matched against many documents.
//! Must not depend on the parser or the printer.
//!
//! Work done once, at compile time: field names become exact names, name patterns (resolved per
//! document against [`Document::for_each_field`]) or "every field"; values become prepared equality
//! tests ([`Expect`]), wildcard [`Pattern`]s with a cheap strategy, or range [`Bound`]s; and an `or`
//! of [`SET_MIN`] or more exact values on one field becomes one hash-set lookup.

use super::ast::{Node, Term};
use super::pattern::Pattern;
use super::scope::{NestedDocument, field_exists};
use super::value::{Bound, Date, Expect, date_in, number_text};
use crate::doc::Scalar;
use std::collections::{HashMap, HashSet};

/// How many exact values on one field an `or` needs before it becomes a set lookup.
pub const SET_MIN: usize = 4;

/// A compiled query.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// `*:*` and the empty query.
    All,
    And(Vec<Matcher>),
    Or(Vec<Matcher>),
    Not(Box<Matcher>),
    /// `field:*`.
    Exists(Fields),
    /// Some value of some selected field passes the test.
    Value {
        fields: Fields,
        test: Test,
    },
    /// Some value of some selected field lies in the range.
    Range {
        fields: Fields,
        bound: Bound,
    },
    /// One element at `path` matches `inner`.
    Nested {
        path: String,
        inner: Box<Matcher>,
    },
}

/// The fields a test looks at.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    One(String),
    /// Every field of the document whose dotted name matches.
    Matching(Pattern),
    /// Every field (a bare value, or the field `*`).
    All,
}

/// A test on one value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Equal(Expect),
    /// Strings match the pattern; numbers and booleans match by their keyword text.
    Glob(Pattern),
    OneOf(ValueSet),
}

/// Exact values of an `or` list, indexed by kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ValueSet {
    strings: HashSet<String>,
    numbers: Vec<f64>,
    booleans: [bool; 2],
    dates: Vec<Date>,
}

impl ValueSet {
    fn insert(&mut self, e: Expect) {
        if let Some(n) = e.number {
            self.numbers.push(n);
        }
        if let Some(b) = e.boolean {
            self.booleans[usize::from(b)] = true;
        }
        if let Some(d) = e.date {
            self.dates.push(d);
        }
        self.strings.insert(e.text);
    }

    fn contains(&self, value: Scalar<'_>) -> bool {
        match value {
            Scalar::Str(s) => self.strings.contains(s) || self.dates.iter().any(|d| date_in(s, *d)),
            Scalar::Num(n) => self.numbers.contains(&n),
            Scalar::Bool(b) => self.booleans[usize::from(b)],
        }
    }
}

impl Test {
    fn passes(&self, value: Scalar<'_>) -> bool {
        match self {
            Test::Equal(e) => e.matches(value),
            Test::OneOf(set) => set.contains(value),
            Test::Glob(p) => match value {
                Scalar::Str(s) => p.matches(s),
                Scalar::Num(n) => p.matches(&number_text(n)),
                Scalar::Bool(b) => p.matches(if b { "true" } else { "false" }),
            },
        }
    }
}

/// Compiles a syntax tree.
pub fn compile(node: &Node) -> Matcher {
    match node {
        Node::And(items) => Matcher::And(items.iter().map(compile).collect()),
        Node::Or(items) => compile_or(items),
        Node::Not(inner) => Matcher::Not(Box::new(compile(inner))),
        Node::Is { field, value } => {
            let all_fields = field.as_ref().is_none_or(Term::is_lone_wildcard);
            match (field, value) {
                (Some(_), v) if all_fields && v.is_lone_wildcard() => Matcher::All,
                (_, v) if v.is_lone_wildcard() => Matcher::Exists(fields(field.as_ref())),
                (_, Term::Wildcard(pieces)) => Matcher::Value { fields: fields(field.as_ref()), test: Test::Glob(Pattern::new(pieces)) },
                (_, v) => Matcher::Value { fields: fields(field.as_ref()), test: Test::Equal(Expect::new(v)) },
            }
        }
        Node::Range { field, op, value } => Matcher::Range { fields: fields(Some(field)), bound: Bound::new(*op, value) },
        Node::Nested { path, query } => Matcher::Nested { path: path.as_text(), inner: Box::new(compile(query)) },
    }
}

fn fields(field: Option<&Term>) -> Fields {
    match field {
        None => Fields::All,
        Some(t) if t.is_lone_wildcard() => Fields::All,
        Some(Term::Wildcard(pieces)) => match Pattern::new(pieces) {
            Pattern::Any => Fields::All,
            p => Fields::Matching(p),
        },
        Some(t) => Fields::One(t.as_text()),
    }
}

/// An exact-value test on one named field: its name and value, for set grouping.
fn exact_on_field(node: &Node) -> Option<(String, &Term)> {
    match node {
        Node::Is { field: Some(f), value } if !matches!(f, Term::Wildcard(_)) && !matches!(value, Term::Wildcard(_)) => {
            Some((f.as_text(), value))
        }
        _ => None,
    }
}

fn compile_or(items: &[Node]) -> Matcher {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for item in items {
        if let Some((field, _)) = exact_on_field(item) {
            *counts.entry(field).or_default() += 1;
        }
    }
    let mut sets: Vec<(String, ValueSet)> = Vec::new();
    let mut rest = Vec::new();
    for item in items {
        match exact_on_field(item) {
            Some((field, value)) if counts.get(&field).is_some_and(|n| *n >= SET_MIN) => {
                let index = match sets.iter().position(|(f, _)| *f == field) {
                    Some(i) => i,
                    None => {
                        sets.push((field, ValueSet::default()));
                        sets.len() - 1
                    }
                };
                if let Some((_, set)) = sets.get_mut(index) {
                    set.insert(Expect::new(value));
                }
            }
            _ => rest.push(compile(item)),
        }
    }
    let mut out: Vec<Matcher> =
        sets.into_iter().map(|(field, set)| Matcher::Value { fields: Fields::One(field), test: Test::OneOf(set) }).collect();
    out.extend(rest);
    if out.len() == 1 { out.pop().unwrap_or(Matcher::Or(Vec::new())) } else { Matcher::Or(out) }
}

impl Matcher {
    /// Whether the document matches.
    pub fn matches(&self, doc: &dyn NestedDocument) -> bool {
        match self {
            Matcher::All => true,
            Matcher::And(items) => items.iter().all(|m| m.matches(doc)),
            Matcher::Or(items) => items.iter().any(|m| m.matches(doc)),
            Matcher::Not(inner) => !inner.matches(doc),
            Matcher::Exists(Fields::One(name)) => field_exists(doc, name),
            Matcher::Exists(sel) => any_field(doc, sel, &mut |name| doc.exists(name)),
            Matcher::Value { fields, test } => any_value(doc, fields, &mut |v| test.passes(v)),
            Matcher::Range { fields, bound } => any_value(doc, fields, &mut |v| bound.holds(v)),
            Matcher::Nested { path, inner } => doc.any_element(path, &mut |element| inner.matches(element)),
        }
    }
}

/// Whether some value of some selected field passes.
fn any_value(doc: &dyn NestedDocument, fields: &Fields, test: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
    match fields {
        Fields::One(name) => doc.any_value(name, test),
        sel => any_field(doc, sel, &mut |name| doc.any_value(name, test)),
    }
}

/// Whether `check` holds for some field the selector names (by listing the document's fields).
fn any_field(doc: &dyn NestedDocument, fields: &Fields, check: &mut dyn FnMut(&str) -> bool) -> bool {
    let mut found = false;
    doc.for_each_field(&mut |name| {
        if !found {
            let selected = match fields {
                Fields::One(one) => one == name,
                Fields::Matching(p) => p.matches(name),
                Fields::All => true,
            };
            found = selected && check(name);
        }
    });
    found
}
