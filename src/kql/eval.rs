//! The reference evaluator: the AST matched against a document as plainly as possible.
//!
//! Slow and obvious on purpose: tests check the compiled matcher ([`super::compile`]) against it.

use super::ast::{Expr, Part, RangeOp, Value, ValueExpr};
use super::scalar::{compare, equals};
use crate::doc::{Document, Scalar};
use std::cmp::Ordering;

/// Whether `expr` matches `doc`.
pub fn matches(expr: &Expr, doc: &dyn Document) -> bool {
    eval(expr, doc, "")
}

fn eval(expr: &Expr, doc: &dyn Document, prefix: &str) -> bool {
    match expr {
        Expr::All => true,
        Expr::Or(items) => items.iter().any(|e| eval(e, doc, prefix)),
        Expr::And(items) => items.iter().all(|e| eval(e, doc, prefix)),
        Expr::Not(inner) => !eval(inner, doc, prefix),
        Expr::Field { field, values } => {
            let fields = resolve(field, doc, prefix);
            eval_values(values, doc, &fields)
        }
        Expr::Range { field, op, value } => {
            let literal = value.text();
            resolve(field, doc, prefix).iter().any(|f| any(doc, f, |s| compare(s, &literal).is_some_and(|o| range_holds(*op, o))))
        }
        Expr::Nested { field, query } => eval(query, doc, &format!("{prefix}{}.", field.text())),
        Expr::Bare(value) => all_fields(doc).iter().any(|f| any(doc, f, |s| value_matches(s, value))),
    }
}

fn eval_values(values: &ValueExpr, doc: &dyn Document, fields: &[String]) -> bool {
    match values {
        ValueExpr::Or(items) => items.iter().any(|v| eval_values(v, doc, fields)),
        ValueExpr::And(items) => items.iter().all(|v| eval_values(v, doc, fields)),
        ValueExpr::Not(inner) => !eval_values(inner, doc, fields),
        ValueExpr::One(v) if v.is_lone_wildcard() => fields.iter().any(|f| doc.exists(f)),
        ValueExpr::One(v) => fields.iter().any(|f| any(doc, f, |s| value_matches(s, v))),
    }
}

pub(super) fn range_holds(op: RangeOp, ordering: Ordering) -> bool {
    match op {
        RangeOp::Lt => ordering == Ordering::Less,
        RangeOp::Lte => ordering != Ordering::Greater,
        RangeOp::Gt => ordering == Ordering::Greater,
        RangeOp::Gte => ordering != Ordering::Less,
    }
}

fn any(doc: &dyn Document, field: &str, mut test: impl FnMut(Scalar<'_>) -> bool) -> bool {
    doc.any_value(field, &mut |s| test(s))
}

fn all_fields(doc: &dyn Document) -> Vec<String> {
    let mut names = Vec::new();
    doc.for_each_field(&mut |n| names.push(n.to_string()));
    names
}

/// The document fields a (possibly wildcard) field name stands for.
fn resolve(field: &Value, doc: &dyn Document, prefix: &str) -> Vec<String> {
    if !field.has_wildcard() {
        return vec![format!("{prefix}{}", field.text())];
    }
    let Value::Unquoted(parts) = field else { return Vec::new() };
    let mut full = vec![Part::Text(prefix.to_string())];
    full.extend(parts.iter().cloned());
    all_fields(doc).into_iter().filter(|name| glob(&full, name)).collect()
}

fn value_matches(value: Scalar<'_>, literal: &Value) -> bool {
    match literal {
        Value::Quoted(s) => equals(value, s),
        Value::Unquoted(parts) if literal.has_wildcard() => matches!(value, Scalar::Str(s) if glob(parts, s)),
        Value::Unquoted(_) => equals(value, &literal.text()),
    }
}

/// Naive backtracking glob over characters.
fn glob(parts: &[Part], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Text(t), rest)) => text.strip_prefix(t.as_str()).is_some_and(|after| glob(rest, after)),
        Some((Part::Wildcard, rest)) => text.char_indices().map(|(i, _)| i).chain([text.len()]).any(|i| glob(rest, &text[i..])),
    }
}
