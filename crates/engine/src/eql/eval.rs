//! Reference evaluator: decides an EQL condition against a JSON document directly from the tree, with
//! no preparation, in the plainest way. Tests hold the compiled matcher to it. Must not depend on the
//! compiler (the parser uses [`value`] to fold constants).
//!
//! The meaning it defines:
//! - `and`, `or`, `not` combine conditions as booleans; every other condition is a *leaf*;
//! - a leaf holds when, with each of its fields bound to one of that field's values (a missing field
//!   to `null`), it evaluates to `true` for some binding — so a multi-valued field matches when any
//!   value does (at most [`MAX_BINDINGS`] bindings are tried);
//! - except `field != constant`, which holds when no value of the field equals the constant
//!   (missing fields included), as Elasticsearch runs it: a negated term query;
//! - `x == null` holds when `x` is null (a field: missing), `x != null` when it is not;
//! - inside a leaf, `null` propagates: comparisons, `:`, `in`, `like`, `regex` and functions of
//!   `null` are `null`, and a leaf that is `null` does not hold;
//! - `stringContains(field, "constant")` is a wildcard query `*constant*` (its `*` and `?` are
//!   wildcards), as Elasticsearch runs it; with any other arguments it is a plain substring test;
//!   an empty substring is never contained (the function reference says so).

use super::ast::{Category, CmpOp, Constant, EventQuery, Expr, Func, Literal};
use super::func;
use super::lucene;
use super::pattern::{Token, tokens};
use super::value::{Value, compare, equals, fold};
use crate::doc::Document;
use std::borrow::Cow;
use std::cmp::Ordering;

/// The most bindings of a leaf's fields that are tried.
pub const MAX_BINDINGS: usize = 4096;

/// Whether `doc` is in the query's category and meets its condition.
pub fn matches_event(query: &EventQuery, category_field: &str, doc: &serde_json::Value) -> bool {
    let in_category = match &query.category {
        Category::Any => true,
        Category::Named(name) => {
            let wanted = Value::Str(Cow::Borrowed(name.as_str()));
            doc.any_value(category_field, &mut |v| equals(&Value::from_scalar(v), &wanted) == Some(true))
        }
    };
    in_category && holds(&query.condition, doc)
}

/// Whether the condition holds for `doc`.
pub fn holds(cond: &Expr, doc: &serde_json::Value) -> bool {
    match cond {
        Expr::And(items) => items.iter().all(|c| holds(c, doc)),
        Expr::Or(items) => items.iter().any(|c| holds(c, doc)),
        Expr::Not(inner) => !holds(inner, doc),
        Expr::Compare { op: CmpOp::Ne, left, right } if matches!(**left, Expr::Field(_)) && !is_null_constant(right) => {
            let equal = Expr::Compare { op: CmpOp::Eq, left: left.clone(), right: right.clone() };
            !leaf_holds(&equal, doc)
        }
        leaf => leaf_holds(leaf, doc),
    }
}

fn is_null_constant(e: &Expr) -> bool {
    matches!(e, Expr::Const(Constant { value: Literal::Null, .. }))
}

/// Whether some binding of the leaf's fields makes it `true`.
fn leaf_holds(leaf: &Expr, doc: &serde_json::Value) -> bool {
    let names = leaf.field_names();
    let values: Vec<Vec<Value<'static>>> = names
        .iter()
        .map(|name| {
            let mut all = Vec::new();
            doc.any_value(name, &mut |v| {
                all.push(Value::from_scalar(v).into_owned());
                false
            });
            if all.is_empty() { vec![Value::Null] } else { all }
        })
        .collect();
    // Count through the bindings like an odometer.
    let mut choice = vec![0usize; names.len()];
    for _ in 0..MAX_BINDINGS {
        let lookup = |name: &str| names.iter().position(|n| n == name).map_or(Value::Null, |i| values[i][choice[i]].clone());
        if value(leaf, &lookup) == Value::Bool(true) {
            return true;
        }
        let mut i = 0;
        loop {
            if i == choice.len() {
                return false;
            }
            choice[i] += 1;
            if choice[i] < values[i].len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
    false
}

/// The value of an expression, with `field` giving each field's (bound) value.
pub fn value(e: &Expr, field: &dyn Fn(&str) -> Value<'static>) -> Value<'static> {
    match e {
        Expr::Field(f) => field(&f.name),
        Expr::Const(c) => Value::from_literal(&c.value).into_owned(),
        Expr::Call { func: Func::StringContains, insensitive, args, .. }
            if matches!(args[0], Expr::Field(_)) && matches!(args[1], Expr::Const(Constant { value: Literal::Str(_), .. })) =>
        {
            let needle = value(&args[1], field);
            let hay = value(&args[0], field);
            match (hay.text(), needle.text()) {
                (Some(h), Some(n)) => Value::Bool(!n.is_empty() && glob(&format!("*{n}*"), &h, *insensitive)),
                _ => Value::Null,
            }
        }
        Expr::Call { func: Func::Wildcard, args, .. } => match value(&args[0], field).text() {
            Some(s) => Value::Bool(args[1..].iter().any(|p| value(p, field).text().is_some_and(|p| glob(&p, &s, false)))),
            None => Value::Null,
        },
        Expr::Call { func, insensitive, args, .. } => {
            let args: Vec<Value<'static>> = args.iter().map(|a| value(a, field)).collect();
            func::call(*func, *insensitive, &args)
        }
        Expr::Compare { op, left, right } => {
            let l = value(left, field);
            if is_null_constant(right) {
                return match op {
                    CmpOp::Eq => Value::Bool(l.is_null()),
                    CmpOp::Ne => Value::Bool(!l.is_null()),
                    _ => Value::Null,
                };
            }
            let r = value(right, field);
            let result = match op {
                CmpOp::Eq => equals(&l, &r),
                CmpOp::Ne => equals(&l, &r).map(|b| !b),
                CmpOp::Lt => compare(&l, &r).map(|o| o == Ordering::Less),
                CmpOp::Le => compare(&l, &r).map(|o| o != Ordering::Greater),
                CmpOp::Gt => compare(&l, &r).map(|o| o == Ordering::Greater),
                CmpOp::Ge => compare(&l, &r).map(|o| o != Ordering::Less),
            };
            result.map_or(Value::Null, Value::Bool)
        }
        Expr::Seq { left, patterns } => text_test(&value(left, field), |s| patterns.iter().any(|p| glob(pattern(p), s, true))),
        Expr::Like { left, patterns, insensitive } => {
            text_test(&value(left, field), |s| patterns.iter().any(|p| glob(pattern(p), s, *insensitive)))
        }
        Expr::Regex { left, patterns, insensitive } => text_test(&value(left, field), |s| {
            patterns.iter().any(|p| lucene::compile(&[pattern(p)], *insensitive).is_ok_and(|r| r.is_match(s)))
        }),
        Expr::In { left, values, insensitive } => {
            let l = value(left, field);
            if l.is_null() {
                return Value::Null;
            }
            let hit = values.iter().any(|c| {
                let r = Value::from_literal(&c.value);
                if *insensitive {
                    matches!((l.text(), r.text()), (Some(a), Some(b)) if fold(&a) == fold(&b))
                } else {
                    equals(&l, &r) == Some(true)
                }
            });
            Value::Bool(hit)
        }
        Expr::And(items) => logic(items.iter().map(|i| value(i, field)), false),
        Expr::Or(items) => logic(items.iter().map(|i| value(i, field)), true),
        Expr::Not(inner) => match value(inner, field) {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
    }
}

/// Three-valued `and` (`decisive` false) or `or` (`decisive` true).
fn logic(items: impl Iterator<Item = Value<'static>>, decisive: bool) -> Value<'static> {
    let mut unknown = false;
    for v in items {
        match v {
            Value::Bool(b) if b == decisive => return Value::Bool(decisive),
            Value::Bool(_) => {}
            _ => unknown = true,
        }
    }
    if unknown { Value::Null } else { Value::Bool(!decisive) }
}

fn pattern(c: &Constant) -> &str {
    match &c.value {
        Literal::Str(s) => s,
        _ => "",
    }
}

fn text_test(v: &Value<'_>, test: impl Fn(&str) -> bool) -> Value<'static> {
    v.text().map_or(Value::Null, |s| Value::Bool(test(&s)))
}

/// Whether `text` matches the wildcard pattern: dynamic programming over characters.
fn glob(pattern: &str, text: &str, insensitive: bool) -> bool {
    let (pattern, text) = if insensitive { (fold(pattern), fold(text)) } else { (Cow::Borrowed(pattern), Cow::Borrowed(text)) };
    let toks = tokens(&pattern);
    let text: Vec<char> = text.chars().collect();
    // row[j]: the pattern so far matches the first j characters.
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for tok in &toks {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match tok {
                Token::Star => row[j] || (j > 0 && next[j - 1]),
                Token::One => j > 0 && row[j - 1],
                Token::Char(c) => j > 0 && row[j - 1] && text[j - 1] == *c,
            };
        }
        row = next;
    }
    row[text.len()]
}
