//! The KQL syntax tree and its canonical printer (`Display`): `parse(print(q)) == q`.
//!
//! Pure data; must not depend on documents or matching.

use std::fmt;

/// A query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// The empty query: matches every document.
    All,
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// `field:values`.
    Field {
        field: Value,
        values: ValueExpr,
    },
    /// `field < value` and friends.
    Range {
        field: Value,
        op: RangeOp,
        value: Value,
    },
    /// `field:{ query }`: the inner query's fields are under `field`.
    Nested {
        field: Value,
        query: Box<Expr>,
    },
    /// A value with no field: matches a document where any field has it.
    Bare(Value),
}

/// The right-hand side of `field:`.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueExpr {
    Or(Vec<ValueExpr>),
    And(Vec<ValueExpr>),
    Not(Box<ValueExpr>),
    One(Value),
}

/// A literal: quoted (a phrase, `*` literal) or unquoted (may hold wildcards).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Quoted(String),
    Unquoted(Vec<Part>),
}

/// A piece of an unquoted literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Wildcard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl RangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            RangeOp::Lt => "<",
            RangeOp::Lte => "<=",
            RangeOp::Gt => ">",
            RangeOp::Gte => ">=",
        }
    }
}

impl Value {
    /// The literal's text with wildcards as `*` (for field names and messages).
    pub fn text(&self) -> String {
        match self {
            Value::Quoted(s) => s.clone(),
            Value::Unquoted(parts) => parts
                .iter()
                .map(|p| match p {
                    Part::Text(t) => t.as_str(),
                    Part::Wildcard => "*",
                })
                .collect(),
        }
    }

    pub fn has_wildcard(&self) -> bool {
        matches!(self, Value::Unquoted(parts) if parts.contains(&Part::Wildcard))
    }

    /// `*` alone (unquoted): `field:*` is an exists query.
    pub fn is_lone_wildcard(&self) -> bool {
        matches!(self, Value::Unquoted(parts) if parts == &[Part::Wildcard])
    }
}

/// Binding strength, for parentheses: or < and < not < atom.
fn level(e: &Expr) -> u8 {
    match e {
        Expr::Or(_) => 0,
        Expr::And(_) => 1,
        Expr::Not(_) => 2,
        _ => 3,
    }
}

fn value_level(e: &ValueExpr) -> u8 {
    match e {
        ValueExpr::Or(_) => 0,
        ValueExpr::And(_) => 1,
        ValueExpr::Not(_) => 2,
        ValueExpr::One(_) => 3,
    }
}

fn join<T>(f: &mut fmt::Formatter<'_>, items: &[T], sep: &str, show: impl Fn(&mut fmt::Formatter<'_>, &T) -> fmt::Result) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        show(f, item)?;
    }
    Ok(())
}

fn child(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if level(e) < min { write!(f, "({e})") } else { write!(f, "{e}") }
}

fn value_child(f: &mut fmt::Formatter<'_>, e: &ValueExpr, min: u8) -> fmt::Result {
    if value_level(e) < min { write!(f, "({e})") } else { write!(f, "{e}") }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::All => Ok(()),
            Expr::Or(items) => join(f, items, " or ", |f, e| child(f, e, 1)),
            Expr::And(items) => join(f, items, " and ", |f, e| child(f, e, 2)),
            Expr::Not(inner) => {
                f.write_str("not ")?;
                child(f, inner, 3)
            }
            Expr::Field { field, values } => {
                write!(f, "{field}:")?;
                match values {
                    ValueExpr::One(v) => write!(f, "{v}"),
                    list => write!(f, "({list})"),
                }
            }
            Expr::Range { field, op, value } => write!(f, "{field} {} {value}", op.as_str()),
            Expr::Nested { field, query } => write!(f, "{field}:{{ {query} }}"),
            Expr::Bare(v) => write!(f, "{v}"),
        }
    }
}

impl fmt::Display for ValueExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueExpr::Or(items) => join(f, items, " or ", |f, e| value_child(f, e, 1)),
            ValueExpr::And(items) => join(f, items, " and ", |f, e| value_child(f, e, 2)),
            ValueExpr::Not(inner) => {
                f.write_str("not ")?;
                value_child(f, inner, 3)
            }
            ValueExpr::One(v) => write!(f, "{v}"),
        }
    }
}

/// Characters that must be escaped in an unquoted literal.
pub const SPECIAL: &[char] = &['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}'];

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Quoted(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        '\n' => f.write_str("\\n")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"")
            }
            Value::Unquoted(parts) => {
                let text: String = parts
                    .iter()
                    .map(|p| match p {
                        Part::Wildcard => "*".to_string(),
                        Part::Text(t) => escape_unquoted(t),
                    })
                    .collect();
                f.write_str(&text)
            }
        }
    }
}

/// Escapes special characters, escaped whitespace, and every word that reads as a keyword.
fn escape_unquoted(text: &str) -> String {
    let mut out = String::new();
    let mut word_start = true;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if word_start {
            let rest: String = chars[i..].iter().take(4).collect::<String>().to_ascii_lowercase();
            for kw in ["and", "not", "or"] {
                let after = chars.get(i + kw.len()).copied();
                if rest.starts_with(kw) && after.is_none_or(|c| c.is_whitespace() || c == '(') {
                    out.push('\\');
                    break;
                }
            }
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        word_start = c.is_whitespace();
        i += 1;
    }
    // Leading or trailing spaces would be trimmed by the parser: escape them as unicode.
    if out.starts_with(' ') || out.ends_with(' ') {
        let trimmed_start = out.len() - out.trim_start_matches(' ').len();
        let trimmed_end = out.len() - out.trim_end_matches(' ').len();
        let core = out.trim_matches(' ').to_string();
        out = format!("{}{}{}", "\\u0020".repeat(trimmed_start), core, "\\u0020".repeat(trimmed_end));
    }
    out
}
