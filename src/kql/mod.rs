//! Kibana's kuery language (KQL): text → AST ([`parse`]) → compiled matcher ([`compile`]) → match
//! against a [`Document`]; [`eval`] is the plain reference evaluator the compiled matcher is tested
//! against, and the AST prints back in canonical form ([`ast`]).
//!
//! Semantics follow Kibana's `kbn-es-query` kuery grammar and Elasticsearch on keyword fields:
//! exact and case-sensitive matching, `*` wildcards (case-sensitive), `field:*` for exists, a
//! multi-valued field matching when any value does, `not x:y` true when `x` is missing.
//! Documented approximations: `field:{...}` (nested) prefixes the inner fields but does not require
//! one array element to satisfy every condition; a bare value matches any field with that exact
//! value (no text analysis); `not` is a keyword only where a value or query starts. Depends only on
//! [`crate::doc`].

pub mod ast;
pub mod compile;
mod error;
pub mod eval;
mod parse;
mod scalar;

pub use error::ParseError;
pub use parse::MAX_DEPTH;
pub use scalar::parse_date;

use crate::doc::Document;
use std::fmt;

/// A parsed, compiled KQL query.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
    ast: ast::Expr,
    matcher: compile::Node,
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, ParseError> {
        let ast = parse::parse(text)?;
        let matcher = compile::compile(&ast);
        Ok(Query { text: text.to_string(), ast, matcher })
    }

    /// Whether the query matches `doc` (the compiled matcher).
    pub fn matches(&self, doc: &dyn Document) -> bool {
        self.matcher.matches(doc)
    }

    /// The query as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn ast(&self) -> &ast::Expr {
        &self.ast
    }

    /// The field names the query reads (wildcard names as written; nested ones with their prefix).
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_fields(&self.ast, "", &mut out);
        out.dedup();
        out
    }
}

fn collect_fields(expr: &ast::Expr, prefix: &str, out: &mut Vec<String>) {
    use ast::Expr;
    match expr {
        Expr::All | Expr::Bare(_) => {}
        Expr::Or(items) | Expr::And(items) => items.iter().for_each(|e| collect_fields(e, prefix, out)),
        Expr::Not(inner) => collect_fields(inner, prefix, out),
        Expr::Field { field, .. } | Expr::Range { field, .. } => out.push(format!("{prefix}{}", field.text())),
        Expr::Nested { field, query } => collect_fields(query, &format!("{prefix}{}.", field.text()), out),
    }
}

/// The canonical form: `Query::parse(&q.to_string())` has the same AST.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.ast)
    }
}
