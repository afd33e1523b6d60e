//! Compiler: an EQL condition → [`Matcher`], prepared once and matched against many documents, with
//! the meaning [`super::eval`] defines. Must not depend on the parser or the reference evaluator.
//!
//! Work done once: a leaf that tests one field against constants becomes a [`Test`] on that field's
//! values — an equality or order against a prepared value, a value set (`in`, `in~`), wildcard
//! [`Glob`]s with a cheap strategy (`:`, `like`, `wildcard()`, `stringContains` on a field), a
//! prefix or suffix (`startsWith`, `endsWith`), one anchored regex for a `regex` pattern list, or CIDR
//! networks (`cidrMatch`); `field == null` and `field != null` become existence tests; a leaf without
//! fields is decided at compile time. Any other leaf keeps its expression ([`CExpr`], with its
//! patterns prepared the same way) and is evaluated over the bindings of its fields.

use super::ast::{CmpOp, Constant, Expr, FieldRef, Func, Literal};
use super::func::{self, Cidr, cidr_match};
use super::lucene;
use super::pattern::Glob;
use super::value::{Value, compare, equals, fold, parse_number};
use crate::doc::{Document, Scalar};
use regex::Regex;
use std::cmp::Ordering;
use std::collections::HashSet;

/// The most bindings of a generic leaf's fields that are tried (as in the reference evaluator).
pub const MAX_BINDINGS: usize = super::eval::MAX_BINDINGS;

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Matcher {
    True,
    False,
    And(Vec<Matcher>),
    Or(Vec<Matcher>),
    Not(Box<Matcher>),
    /// The field has a value.
    Exists(String),
    /// Some value of the field passes the test.
    Field {
        field: String,
        test: Test,
    },
    /// Some binding of the fields makes the expression `true`.
    Leaf {
        fields: Vec<String>,
        expr: CExpr,
    },
}

/// A prepared test on one value.
#[derive(Debug, Clone)]
pub enum Test {
    Equal(Value<'static>),
    Order(CmpOp, Value<'static>),
    In(ValueSet),
    /// `in~`: the folded texts.
    InFolded(HashSet<String>),
    Globs(Vec<Glob>),
    Regex(Regex),
    Prefix {
        text: String,
        insensitive: bool,
    },
    Suffix {
        text: String,
        insensitive: bool,
    },
    Cidr(Vec<Cidr>),
}

/// The constants of an `in` list, indexed by the kind of value they can equal.
#[derive(Debug, Clone, Default)]
pub struct ValueSet {
    /// What a keyword value must be: every constant's text.
    texts: HashSet<String>,
    /// What a number must equal: numeric constants and strings that are numbers.
    numbers: Vec<Value<'static>>,
    /// What a boolean may be: `[false, true]`.
    booleans: [bool; 2],
}

impl ValueSet {
    fn new(values: &[Constant]) -> ValueSet {
        let mut set = ValueSet::default();
        for c in values {
            let v = Value::from_literal(&c.value);
            if let Some(t) = v.text() {
                set.texts.insert(t.into_owned());
            }
            match &c.value {
                Literal::Int(_) | Literal::Float(_) => set.numbers.push(v.into_owned()),
                Literal::Str(s) => {
                    set.numbers.extend(parse_number(s));
                    match s.as_str() {
                        "true" => set.booleans[1] = true,
                        "false" => set.booleans[0] = true,
                        _ => {}
                    }
                }
                Literal::Bool(b) => set.booleans[usize::from(*b)] = true,
                Literal::Null => {}
            }
        }
        set
    }

    fn contains(&self, v: &Value<'_>) -> bool {
        match v {
            Value::Str(s) => self.texts.contains(s.as_ref()),
            Value::Int(_) | Value::Float(_) => self.numbers.iter().any(|n| equals(v, n) == Some(true)),
            Value::Bool(b) => self.booleans[usize::from(*b)],
            Value::Null => false,
        }
    }
}

impl Test {
    fn passes(&self, v: &Value<'_>) -> bool {
        let text = || v.text().unwrap_or_default();
        match self {
            Test::Equal(c) => equals(v, c) == Some(true),
            Test::Order(op, c) => compare(v, c).is_some_and(|o| order_holds(*op, o)),
            Test::In(set) => set.contains(v),
            Test::InFolded(set) => set.contains(fold(&text()).as_ref()),
            Test::Globs(globs) => {
                let t = text();
                globs.iter().any(|g| g.matches(&t))
            }
            Test::Regex(r) => r.is_match(&text()),
            Test::Prefix { text: p, insensitive } => with_case(&text(), p, *insensitive, |s, p| s.starts_with(p)),
            Test::Suffix { text: p, insensitive } => with_case(&text(), p, *insensitive, |s, p| s.ends_with(p)),
            Test::Cidr(nets) => cidr_match(&text(), nets),
        }
    }
}

fn with_case(s: &str, p: &str, insensitive: bool, test: impl Fn(&str, &str) -> bool) -> bool {
    if insensitive { test(&fold(s), p) } else { test(s, p) }
}

fn order_holds(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

/// A prepared value expression of a generic leaf.
#[derive(Debug, Clone)]
pub enum CExpr {
    /// The bound value of the leaf's field at this index.
    Field(usize),
    Const(Value<'static>),
    Call {
        func: Func,
        insensitive: bool,
        args: Vec<CExpr>,
    },
    Compare {
        op: CmpOp,
        left: Box<CExpr>,
        right: Box<CExpr>,
    },
    /// `x == null` (`negated`: `x != null`).
    IsNull {
        inner: Box<CExpr>,
        negated: bool,
    },
    /// The value passes a one-value test (`null` stays `null`).
    Test {
        inner: Box<CExpr>,
        test: Test,
    },
    And(Vec<CExpr>),
    Or(Vec<CExpr>),
    Not(Box<CExpr>),
}

/// Compiles a condition.
pub fn compile(cond: &Expr) -> Matcher {
    match cond {
        Expr::And(items) => Matcher::And(items.iter().map(compile).collect()),
        Expr::Or(items) => Matcher::Or(items.iter().map(compile).collect()),
        Expr::Not(inner) => match compile(inner) {
            Matcher::True => Matcher::False,
            Matcher::False => Matcher::True,
            m => Matcher::Not(Box::new(m)),
        },
        leaf => compile_leaf(leaf),
    }
}

fn compile_leaf(leaf: &Expr) -> Matcher {
    let fields = leaf.field_names();
    if fields.is_empty() {
        let v = cexpr(leaf, &fields).value(&[]);
        return if v == Value::Bool(true) { Matcher::True } else { Matcher::False };
    }
    if let Some(m) = field_test(leaf) {
        return m;
    }
    Matcher::Leaf { expr: cexpr(leaf, &fields), fields }
}

/// The constant's value when `e` is a constant.
fn constant(e: &Expr) -> Option<&Literal> {
    match e {
        Expr::Const(c) => Some(&c.value),
        _ => None,
    }
}

fn string_constant(e: &Expr) -> Option<&str> {
    match constant(e) {
        Some(Literal::Str(s)) => Some(s),
        _ => None,
    }
}

/// A leaf that is one field tested against constants.
fn field_test(leaf: &Expr) -> Option<Matcher> {
    let on = |f: &FieldRef, test: Test| Some(Matcher::Field { field: f.name.clone(), test });
    match leaf {
        Expr::Compare { op, left, right } => {
            let Expr::Field(f) = &**left else { return None };
            let c = Value::from_literal(constant(right)?).into_owned();
            match (op, c.is_null()) {
                (CmpOp::Eq, true) => Some(Matcher::Not(Box::new(Matcher::Exists(f.name.clone())))),
                (CmpOp::Ne, true) => Some(Matcher::Exists(f.name.clone())),
                (_, true) => Some(Matcher::False),
                (CmpOp::Eq, false) => on(f, Test::Equal(c)),
                (CmpOp::Ne, false) => Some(Matcher::Not(Box::new(Matcher::Field { field: f.name.clone(), test: Test::Equal(c) }))),
                (op, false) => on(f, Test::Order(*op, c)),
            }
        }
        Expr::Call { func, insensitive, args, .. } => {
            let Expr::Field(f) = &args[0] else { return None };
            let rest: Option<Vec<&str>> = args[1..].iter().map(string_constant).collect();
            let rest = rest?;
            let text = |s: &str| if *insensitive { fold(s).into_owned() } else { s.to_string() };
            match func {
                Func::StartsWith => on(f, Test::Prefix { text: text(rest[0]), insensitive: *insensitive }),
                Func::EndsWith => on(f, Test::Suffix { text: text(rest[0]), insensitive: *insensitive }),
                Func::StringContains => on(f, contains_test(rest[0], *insensitive)),
                Func::Wildcard => on(f, Test::Globs(rest.iter().map(|p| Glob::new(p, false)).collect())),
                Func::CidrMatch => on(f, Test::Cidr(rest.iter().filter_map(|c| Cidr::parse(c)).collect())),
                _ => None,
            }
        }
        Expr::Seq { left, patterns }
        | Expr::Like { left, patterns, .. }
        | Expr::Regex { left, patterns, .. }
        | Expr::In { left, values: patterns, .. } => {
            let Expr::Field(f) = &**left else { return None };
            on(f, value_test(leaf, patterns))
        }
        _ => None,
    }
}

/// `stringContains(field, "needle")` as Elasticsearch runs it: the wildcard query `*needle*`; an
/// empty needle matches nothing.
fn contains_test(needle: &str, insensitive: bool) -> Test {
    Test::Globs(if needle.is_empty() { Vec::new() } else { vec![Glob::containing(needle, insensitive)] })
}

/// The prepared test of a `:`, `like`, `regex` or `in` leaf.
fn value_test(leaf: &Expr, patterns: &[Constant]) -> Test {
    let texts: Vec<&str> = patterns.iter().map(|c| if let Literal::Str(s) = &c.value { s.as_str() } else { "" }).collect();
    match leaf {
        Expr::Seq { .. } => Test::Globs(texts.iter().map(|p| Glob::new(p, true)).collect()),
        Expr::Like { insensitive, .. } => Test::Globs(texts.iter().map(|p| Glob::new(p, *insensitive)).collect()),
        // The parser has checked the patterns compile; a failure here matches nothing.
        Expr::Regex { insensitive, .. } => match lucene::compile(&texts, *insensitive) {
            Ok(r) => Test::Regex(r),
            Err(_) => Test::Globs(Vec::new()),
        },
        Expr::In { insensitive: true, .. } => {
            Test::InFolded(patterns.iter().filter_map(|c| Value::from_literal(&c.value).text().map(|t| fold(&t).into_owned())).collect())
        }
        _ => Test::In(ValueSet::new(patterns)),
    }
}

/// Prepares a value expression; `fields` gives each field's binding index.
fn cexpr(e: &Expr, fields: &[String]) -> CExpr {
    let sub = |x: &Expr| Box::new(cexpr(x, fields));
    match e {
        Expr::Field(f) => CExpr::Field(fields.iter().position(|n| *n == f.name).unwrap_or(usize::MAX)),
        Expr::Const(c) => CExpr::Const(Value::from_literal(&c.value).into_owned()),
        Expr::Call { func: Func::StringContains, insensitive, args, .. }
            if matches!(args[0], Expr::Field(_)) && string_constant(&args[1]).is_some() =>
        {
            let needle = string_constant(&args[1]).unwrap_or_default();
            CExpr::Test { inner: sub(&args[0]), test: contains_test(needle, *insensitive) }
        }
        Expr::Call { func: func @ (Func::Wildcard | Func::CidrMatch), args, .. }
            if args[1..].iter().all(|a| string_constant(a).is_some()) =>
        {
            let rest = args[1..].iter().filter_map(string_constant);
            let test = if *func == Func::Wildcard {
                Test::Globs(rest.map(|p| Glob::new(p, false)).collect())
            } else {
                Test::Cidr(rest.filter_map(Cidr::parse).collect())
            };
            CExpr::Test { inner: sub(&args[0]), test }
        }
        Expr::Call { func, insensitive, args, .. } => {
            CExpr::Call { func: *func, insensitive: *insensitive, args: args.iter().map(|a| cexpr(a, fields)).collect() }
        }
        Expr::Compare { op, left, right } if matches!(constant(right), Some(Literal::Null)) => match op {
            CmpOp::Eq | CmpOp::Ne => CExpr::IsNull { inner: sub(left), negated: *op == CmpOp::Ne },
            _ => CExpr::Const(Value::Null),
        },
        Expr::Compare { op, left, right } => CExpr::Compare { op: *op, left: sub(left), right: sub(right) },
        Expr::Seq { left, patterns }
        | Expr::Like { left, patterns, .. }
        | Expr::Regex { left, patterns, .. }
        | Expr::In { left, values: patterns, .. } => CExpr::Test { inner: sub(left), test: value_test(e, patterns) },
        Expr::And(items) => CExpr::And(items.iter().map(|i| cexpr(i, fields)).collect()),
        Expr::Or(items) => CExpr::Or(items.iter().map(|i| cexpr(i, fields)).collect()),
        Expr::Not(inner) => CExpr::Not(sub(inner)),
    }
}

impl CExpr {
    /// The value with the fields bound to `binding`.
    pub fn value(&self, binding: &[Value<'_>]) -> Value<'static> {
        match self {
            CExpr::Field(i) => binding.get(*i).map_or(Value::Null, |v| v.clone().into_owned()),
            CExpr::Const(v) => v.clone(),
            CExpr::Call { func, insensitive, args } => {
                let args: Vec<Value<'static>> = args.iter().map(|a| a.value(binding)).collect();
                func::call(*func, *insensitive, &args)
            }
            CExpr::Compare { op, left, right } => {
                let (l, r) = (left.value(binding), right.value(binding));
                let result = match op {
                    CmpOp::Eq => equals(&l, &r),
                    CmpOp::Ne => equals(&l, &r).map(|b| !b),
                    op => compare(&l, &r).map(|o| order_holds(*op, o)),
                };
                result.map_or(Value::Null, Value::Bool)
            }
            CExpr::IsNull { inner, negated } => Value::Bool(inner.value(binding).is_null() != *negated),
            CExpr::Test { inner, test } => match inner.value(binding) {
                Value::Null => Value::Null,
                v => Value::Bool(test.passes(&v)),
            },
            CExpr::And(items) => three_valued(items, binding, false),
            CExpr::Or(items) => three_valued(items, binding, true),
            CExpr::Not(inner) => match inner.value(binding) {
                Value::Bool(b) => Value::Bool(!b),
                _ => Value::Null,
            },
        }
    }
}

fn three_valued(items: &[CExpr], binding: &[Value<'_>], decisive: bool) -> Value<'static> {
    let mut unknown = false;
    for item in items {
        match item.value(binding) {
            Value::Bool(b) if b == decisive => return Value::Bool(decisive),
            Value::Bool(_) => {}
            _ => unknown = true,
        }
    }
    if unknown { Value::Null } else { Value::Bool(!decisive) }
}

impl Matcher {
    /// Whether the document meets the condition.
    pub fn matches(&self, doc: &dyn Document) -> bool {
        match self {
            Matcher::True => true,
            Matcher::False => false,
            Matcher::And(items) => items.iter().all(|m| m.matches(doc)),
            Matcher::Or(items) => items.iter().any(|m| m.matches(doc)),
            Matcher::Not(inner) => !inner.matches(doc),
            Matcher::Exists(field) => doc.exists(field),
            Matcher::Field { field, test } => doc.any_value(field, &mut |v| test.passes(&Value::from_scalar(v))),
            Matcher::Leaf { fields, expr } => leaf_matches(doc, fields, expr),
        }
    }
}

fn leaf_matches(doc: &dyn Document, fields: &[String], expr: &CExpr) -> bool {
    let is_true = |binding: &[Value<'_>]| expr.value(binding) == Value::Bool(true);
    if let [field] = fields {
        let mut seen = false;
        let hit = doc.any_value(field, &mut |v| {
            seen = true;
            is_true(&[Value::from_scalar(v)])
        });
        return hit || (!seen && is_true(&[Value::Null]));
    }
    let mut values: Vec<Vec<Value<'static>>> = Vec::with_capacity(fields.len());
    for field in fields {
        let mut all = Vec::new();
        doc.any_value(field, &mut |v: Scalar<'_>| {
            all.push(Value::from_scalar(v).into_owned());
            false
        });
        values.push(if all.is_empty() { vec![Value::Null] } else { all });
    }
    let mut choice = vec![0usize; fields.len()];
    let mut binding: Vec<Value<'static>> = values.iter().map(|v| v[0].clone()).collect();
    for _ in 0..MAX_BINDINGS {
        if is_true(&binding) {
            return true;
        }
        let mut i = 0;
        loop {
            if i == choice.len() {
                return false;
            }
            choice[i] += 1;
            if choice[i] < values[i].len() {
                binding[i] = values[i][choice[i]].clone();
                break;
            }
            choice[i] = 0;
            binding[i] = values[i][0].clone();
            i += 1;
        }
    }
    false
}
