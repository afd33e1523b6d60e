//! Printer: [`Node`] → canonical KQL text that parses back to the same tree. Must not depend on the
//! parser or the matchers.
//!
//! Canonical form: lower-case `and`/`or`/`not`; parentheses only where the tree needs them (an `or`
//! inside an `and`, a group directly inside a group of the same kind, a `not` of a `not`); `field:value`
//! without spaces, `field >= value`, `path:{ query }`; an `and`/`or` tree whose leaves all test one
//! field is printed as a value list, `field:(a or not b)`. Unquoted text escapes special characters
//! and keywords (`\or`, `\and`, and `\u006E` for the `n` of `not`, since `\n` is a newline).
//! A tree the parser cannot produce (an unquoted literal reading `true`, or with leading or trailing
//! whitespace) is printed quoted.

use super::ast::{Node, Piece, Term};
use super::lex::{is_js_trim_space, is_space, is_special};
use std::fmt;

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_node(&mut out, self, Place::Top);
        f.write_str(&out)
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_term(&mut out, self);
        f.write_str(&out)
    }
}

/// Where a node is printed, which decides its parentheses.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Top,
    InOr,
    InAnd,
    InNot,
}

fn needs_parens(node: &Node, place: Place) -> bool {
    match node {
        Node::Or(_) => place != Place::Top,
        Node::And(_) => matches!(place, Place::InAnd | Place::InNot),
        Node::Not(_) => place == Place::InNot,
        _ => false,
    }
}

fn write_node(out: &mut String, node: &Node, place: Place) {
    if let Some(field) = list_field(node) {
        write_term(out, field);
        out.push_str(":(");
        write_values(out, node, Place::Top);
        out.push(')');
        return;
    }
    let parens = needs_parens(node, place);
    if parens {
        out.push('(');
    }
    match node {
        Node::Or(items) => join(out, items, " or ", Place::InOr, write_node),
        Node::And(items) => join(out, items, " and ", Place::InAnd, write_node),
        Node::Not(inner) => {
            out.push_str("not ");
            write_node(out, inner, Place::InNot);
        }
        Node::Is { field, value } => {
            if let Some(field) = field {
                write_term(out, field);
                out.push(':');
            }
            write_term(out, value);
        }
        Node::Range { field, op, value } => {
            write_term(out, field);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write_term(out, value);
        }
        Node::Nested { path, query } => {
            write_term(out, path);
            out.push_str(":{ ");
            write_node(out, query, Place::Top);
            out.push_str(" }");
        }
    }
    if parens {
        out.push(')');
    }
}

fn join(out: &mut String, items: &[Node], sep: &str, place: Place, write: fn(&mut String, &Node, Place)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        write(out, item, place);
    }
}

/// The one field of an `and`/`or` tree whose leaves are all `field:value` on that field.
fn list_field(node: &Node) -> Option<&Term> {
    fn leaf_field(node: &Node) -> Option<&Term> {
        match node {
            Node::Is { field: Some(f), .. } => Some(f),
            Node::Not(inner) => leaf_field(inner),
            Node::And(items) | Node::Or(items) => {
                let first = leaf_field(items.first()?)?;
                items.iter().all(|i| leaf_field(i) == Some(first)).then_some(first)
            }
            _ => None,
        }
    }
    match node {
        Node::And(_) | Node::Or(_) => leaf_field(node),
        _ => None,
    }
}

/// Writes the inside of a value list (the tree's fields are known to be one field).
fn write_values(out: &mut String, node: &Node, place: Place) {
    match node {
        Node::Is { value, .. } => write_term(out, value),
        Node::Not(inner) => {
            out.push_str("not ");
            let parens = !matches!(**inner, Node::Is { .. });
            if parens {
                out.push('(');
            }
            write_values(out, inner, Place::Top);
            if parens {
                out.push(')');
            }
        }
        Node::Or(items) | Node::And(items) => {
            let (sep, inner) = if matches!(node, Node::Or(_)) { (" or ", Place::InOr) } else { (" and ", Place::InAnd) };
            let parens = needs_parens(node, place);
            if parens {
                out.push('(');
            }
            join(out, items, sep, inner, write_values);
            if parens {
                out.push(')');
            }
        }
        other => write_node(out, other, place),
    }
}

fn write_term(out: &mut String, term: &Term) {
    match term {
        Term::Null => out.push_str("null"),
        Term::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Term::Literal { value, quoted: false } if unquoted_ok(value) => {
            if value.is_empty() {
                // Only an escaped, trimmed-away whitespace parses to the empty unquoted literal.
                out.push_str("\\t");
            }
            let chars: Vec<Option<char>> = value.chars().map(Some).collect();
            write_unquoted(out, &chars);
        }
        Term::Literal { value, .. } => write_quoted(out, value),
        Term::Wildcard(pieces) => {
            let items: Vec<Option<char>> = pieces
                .iter()
                .flat_map(|p| match p {
                    Piece::Star => vec![None],
                    Piece::Text(t) => t.chars().map(Some).collect(),
                })
                .collect();
            write_unquoted(out, &items);
        }
    }
}

fn unquoted_ok(value: &str) -> bool {
    !matches!(value, "null" | "true" | "false") && !value.starts_with(is_js_trim_space) && !value.ends_with(is_js_trim_space)
}

fn write_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes unquoted text; `None` is a wildcard star. The end of the text counts as whitespace, since
/// a separator may follow it (`a:(not or b)` would read `not` as the keyword).
fn write_unquoted(out: &mut String, items: &[Option<char>]) {
    let lower = |i: usize| items.get(i).copied().flatten().map(|c| c.to_ascii_lowercase());
    let space = |i: usize| i >= items.len() || items.get(i).copied().flatten().is_some_and(is_space);
    let word_at = |i: usize, word: &str| word.chars().enumerate().all(|(k, w)| lower(i + k) == Some(w));
    let mut i = 0;
    while let Some(item) = items.get(i) {
        let Some(c) = *item else {
            out.push('*');
            i += 1;
            continue;
        };
        if word_at(i, "not") && space(i + 3) {
            out.push_str(&format!("\\u{:04X}", u32::from(c)));
            i += 1;
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_special(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        i += 1;
        if is_space(c) {
            for word in ["or", "and"] {
                if word_at(i, word) && space(i + word.len()) {
                    out.push('\\');
                    out.extend(items[i..i + word.len()].iter().flatten());
                    i += word.len();
                }
            }
        }
    }
}
