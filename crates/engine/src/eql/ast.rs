//! The EQL syntax tree: event queries, sequences, conditions and value expressions, as the parser
//! produces them (constants on the right of comparisons, `not in` as `not` over `in`). Byte spans
//! into the query text are kept where a later check may point an error at them.

use std::ops::Range;

/// A whole query: one event query or a sequence.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryAst {
    Event(EventQuery),
    Sequence(SequenceAst),
}

/// `<category> where <condition>`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventQuery {
    pub category: Category,
    pub condition: Expr,
}

/// The event category an event query is limited to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Category {
    /// `any`: every event.
    Any,
    /// A value the category field must hold (`iam`, `"network"`).
    Named(String),
}

/// `sequence [by k..] [with maxspan=..] [q] [by k..] ... [until [q] [by k..]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceAst {
    /// Join keys shared by every step (`sequence by ...`).
    pub by: Vec<FieldRef>,
    /// The longest time from a sequence's first event to its last, in milliseconds.
    pub maxspan_ms: Option<u64>,
    /// The steps in order; at least two.
    pub steps: Vec<StepAst>,
    /// The query whose event drops the open sequences of its join key.
    pub until: Option<StepAst>,
}

/// One bracketed query of a sequence with its own join keys (`[q] by k..`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepAst {
    pub query: EventQuery,
    pub by: Vec<FieldRef>,
    /// The bracketed query's span, `[` to `]`.
    pub span: Range<usize>,
}

/// A field reference: `event.action`, `?maybe.there`, `` `odd name` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    pub name: String,
    /// Written `?name`: the field may be absent from the mapping (here: always tolerated).
    pub optional: bool,
    pub span: Range<usize>,
}

/// A constant value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// A constant with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub value: Literal,
    pub span: Range<usize>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The operator that holds with its operands swapped (`a < b` ⇔ `b > a`).
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A function EQL knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    Add,
    Between,
    CidrMatch,
    Concat,
    Divide,
    EndsWith,
    IndexOf,
    Length,
    Modulo,
    Multiply,
    Number,
    StartsWith,
    String,
    StringContains,
    Substring,
    Subtract,
    Wildcard,
}

impl Func {
    /// The function of that name (names are case-sensitive, as in Elasticsearch's EQL).
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "add" => Func::Add,
            "between" => Func::Between,
            "cidrMatch" => Func::CidrMatch,
            "concat" => Func::Concat,
            "divide" => Func::Divide,
            "endsWith" => Func::EndsWith,
            "indexOf" => Func::IndexOf,
            "length" => Func::Length,
            "modulo" => Func::Modulo,
            "multiply" => Func::Multiply,
            "number" => Func::Number,
            "startsWith" => Func::StartsWith,
            "string" => Func::String,
            "stringContains" => Func::StringContains,
            "substring" => Func::Substring,
            "subtract" => Func::Subtract,
            "wildcard" => Func::Wildcard,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Add => "add",
            Func::Between => "between",
            Func::CidrMatch => "cidrMatch",
            Func::Concat => "concat",
            Func::Divide => "divide",
            Func::EndsWith => "endsWith",
            Func::IndexOf => "indexOf",
            Func::Length => "length",
            Func::Modulo => "modulo",
            Func::Multiply => "multiply",
            Func::Number => "number",
            Func::StartsWith => "startsWith",
            Func::String => "string",
            Func::StringContains => "stringContains",
            Func::Substring => "substring",
            Func::Subtract => "subtract",
            Func::Wildcard => "wildcard",
        }
    }

    /// How many arguments it takes: at least, at most (`None`: any number).
    pub fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Add | Func::Divide | Func::Modulo | Func::Multiply | Func::Subtract => (2, Some(2)),
            Func::EndsWith | Func::StartsWith | Func::StringContains => (2, Some(2)),
            Func::Between => (3, Some(4)),
            Func::IndexOf | Func::Substring => (2, Some(3)),
            Func::Number => (1, Some(2)),
            Func::Length | Func::String => (1, Some(1)),
            Func::CidrMatch | Func::Wildcard => (2, None),
            Func::Concat => (1, None),
        }
    }

    /// Whether it has a case-insensitive `name~` form.
    pub fn has_insensitive_form(self) -> bool {
        matches!(self, Func::Between | Func::EndsWith | Func::IndexOf | Func::StartsWith | Func::StringContains)
    }
}

/// A condition or value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Field(FieldRef),
    Const(Constant),
    /// `name(args)` or `name~(args)`; arithmetic operators (`a + b`) are calls too.
    Call {
        func: Func,
        insensitive: bool,
        args: Vec<Expr>,
        span: Range<usize>,
    },
    /// `left op right`; the parser moves a lone constant to the right.
    Compare {
        op: CmpOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `left : "pattern"` or `left : ("p1", "p2")`: case-insensitive, `*` and `?` wildcards.
    Seq {
        left: Box<Expr>,
        patterns: Vec<Constant>,
    },
    /// `left in (..)` / `left in~ (..)`.
    In {
        left: Box<Expr>,
        values: Vec<Constant>,
        insensitive: bool,
    },
    /// `left like "p"` / `like~`, one pattern or a list.
    Like {
        left: Box<Expr>,
        patterns: Vec<Constant>,
        insensitive: bool,
    },
    /// `left regex "p"` / `regex~`, Lucene syntax, one pattern or a list.
    Regex {
        left: Box<Expr>,
        patterns: Vec<Constant>,
        insensitive: bool,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

impl Expr {
    /// The first field the expression refers to, if any.
    pub fn first_field(&self) -> Option<&FieldRef> {
        let mut found = None;
        self.visit_fields(&mut |f| {
            if found.is_none() {
                found = Some(f);
            }
        });
        found
    }

    /// Calls `visit` with every field reference, left to right.
    pub fn visit_fields<'a>(&'a self, visit: &mut dyn FnMut(&'a FieldRef)) {
        match self {
            Expr::Field(f) => visit(f),
            Expr::Const(_) => {}
            Expr::Call { args, .. } => args.iter().for_each(|a| a.visit_fields(visit)),
            Expr::Compare { left, right, .. } => {
                left.visit_fields(visit);
                right.visit_fields(visit);
            }
            Expr::Seq { left, .. } | Expr::In { left, .. } | Expr::Like { left, .. } | Expr::Regex { left, .. } => left.visit_fields(visit),
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(|i| i.visit_fields(visit)),
            Expr::Not(inner) => inner.visit_fields(visit),
        }
    }

    /// The distinct field names, in order of first appearance.
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        self.visit_fields(&mut |f| {
            if !names.contains(&f.name) {
                names.push(f.name.clone());
            }
        });
        names
    }
}
