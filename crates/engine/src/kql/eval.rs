//! Reference evaluator: decides a [`Node`] against a document directly, with no preparation, in the
//! plainest way. Tests hold the compiled matcher to it. Must not depend on the parser, the printer
//! or the compiler.

use super::ast::{Node, Piece, Term};
use super::scope::{NestedDocument, field_exists};
use super::value::{Bound, Expect, number_text};
use crate::doc::Scalar;

/// Whether `doc` matches the query `node`.
pub fn evaluate(node: &Node, doc: &dyn NestedDocument) -> bool {
    match node {
        Node::And(items) => items.iter().all(|n| evaluate(n, doc)),
        Node::Or(items) => items.iter().any(|n| evaluate(n, doc)),
        Node::Not(inner) => !evaluate(inner, doc),
        Node::Is { field, value } => {
            let every_field = field.as_ref().is_none_or(Term::is_lone_wildcard);
            if field.is_some() && every_field && value.is_lone_wildcard() {
                return true;
            }
            let names = selected_fields(field.as_ref(), doc);
            if value.is_lone_wildcard() {
                return names.iter().any(|name| field_exists(doc, name));
            }
            let test = |v: Scalar<'_>| match value {
                Term::Wildcard(pieces) => glob(pieces, &keyword_text(v)),
                other => Expect::new(other).matches(v),
            };
            names.iter().any(|name| doc.any_value(name, &mut |v| test(v)))
        }
        Node::Range { field, op, value } => {
            let names = selected_fields(Some(field), doc);
            names.iter().any(|name| doc.any_value(name, &mut |v| Bound::new(*op, value).holds(v)))
        }
        Node::Nested { path, query } => doc.any_element(&path.as_text(), &mut |element| evaluate(query, element)),
    }
}

/// The text a keyword field would index for the value.
fn keyword_text(v: Scalar<'_>) -> String {
    match v {
        Scalar::Str(s) => s.to_string(),
        Scalar::Num(n) => number_text(n),
        Scalar::Bool(b) => b.to_string(),
    }
}

/// The field names a field term selects in this document.
fn selected_fields(field: Option<&Term>, doc: &dyn NestedDocument) -> Vec<String> {
    let mut names = Vec::new();
    match field {
        Some(Term::Wildcard(pieces)) => doc.for_each_field(&mut |name| {
            if glob(pieces, name) {
                names.push(name.to_string())
            }
        }),
        Some(term) => names.push(term.as_text()),
        None => doc.for_each_field(&mut |name| names.push(name.to_string())),
    }
    names
}

/// Whether `text` matches the wildcard pattern: dynamic programming over characters.
fn glob(pieces: &[Piece], text: &str) -> bool {
    enum Tok {
        Char(char),
        Star,
    }
    let pattern: Vec<Tok> = pieces
        .iter()
        .flat_map(|p| match p {
            Piece::Star => vec![Tok::Star],
            Piece::Text(t) => t.chars().map(Tok::Char).collect(),
        })
        .collect();
    let text: Vec<char> = text.chars().collect();
    // row[j]: the pattern so far matches the first j characters.
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for tok in &pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match tok {
                Tok::Star => row[j] || (j > 0 && next[j - 1]),
                Tok::Char(c) => j > 0 && row[j - 1] && text[j - 1] == *c,
            };
        }
        row = next;
    }
    row[text.len()]
}
