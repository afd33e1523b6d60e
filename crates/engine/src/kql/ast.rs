//! The KQL syntax tree, shaped as Kibana's kuery node tree; plain data, no parsing or matching here.
//!
//! As in Kibana, a value list `f:(a or b)` is distributed over its field while parsing, so it becomes
//! `Or[Is(f,a), Is(f,b)]`; the printer regroups such lists. Must not depend on the lexer, parser,
//! printer or matchers.

/// A query node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// All children must match (two or more).
    And(Vec<Node>),
    /// At least one child must match (two or more).
    Or(Vec<Node>),
    Not(Box<Node>),
    /// `field:value`; `field: None` is a bare value that may match any field. A lone-wildcard
    /// value (`field:*`) is an exists test; `*:*` matches every document.
    Is {
        field: Option<Term>,
        value: Term,
    },
    /// `field < value`, `field <= value`, `field > value`, `field >= value`.
    Range {
        field: Term,
        op: RangeOp,
        value: Term,
    },
    /// `path:{ query }`: the inner query's fields are relative to `path`, and must all hold on one
    /// element of the `path` array.
    Nested {
        path: Term,
        query: Box<Node>,
    },
}

/// A field name or a value, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A string; `quoted` records `"..."` (never a wildcard) against an unquoted literal.
    Literal { value: String, quoted: bool },
    /// Unquoted `null`.
    Null,
    /// Unquoted `true` / `false`.
    Bool(bool),
    /// An unquoted literal with at least one unescaped `*`.
    Wildcard(Vec<Piece>),
}

/// A part of a wildcard pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Literal text (may contain an escaped, literal `*`).
    Text(String),
    /// An unescaped `*`: any run of characters, including none.
    Star,
}

/// A range operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl RangeOp {
    pub fn symbol(self) -> &'static str {
        match self {
            RangeOp::Lt => "<",
            RangeOp::Lte => "<=",
            RangeOp::Gt => ">",
            RangeOp::Gte => ">=",
        }
    }
}

impl Term {
    /// An unquoted string literal.
    pub fn text(value: impl Into<String>) -> Term {
        Term::Literal { value: value.into(), quoted: false }
    }

    /// Whether this is a wildcard made of stars only with exactly one star, as Kibana's
    /// `isLoneWildcard` (so `*` is an exists test and `**` a pattern).
    pub fn is_lone_wildcard(&self) -> bool {
        matches!(self, Term::Wildcard(pieces) if pieces.as_slice() == [Piece::Star])
    }

    /// The text Elasticsearch would receive for this term (wildcards with `*`).
    pub fn as_text(&self) -> String {
        match self {
            Term::Literal { value, .. } => value.clone(),
            Term::Null => "null".to_string(),
            Term::Bool(b) => b.to_string(),
            Term::Wildcard(pieces) => pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.as_str(),
                    Piece::Star => "*",
                })
                .collect(),
        }
    }
}

impl Node {
    /// The query that matches everything (Kibana's empty query, `*:*`).
    pub fn match_all() -> Node {
        Node::Is { field: Some(Term::Wildcard(vec![Piece::Star])), value: Term::Wildcard(vec![Piece::Star]) }
    }
}
