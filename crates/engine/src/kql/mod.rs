//! Kibana's kuery language (KQL): text → tokens → AST → compiled matcher → match against a document.
//!
//! The stages, one module each:
//! - [`lex`] recognises tokens at the position the parser asks about (KQL's tokens depend on context);
//! - [`parse`] builds the [`ast::Node`] tree as Kibana's `grammar.peggy` does, with its error messages
//!   ([`error::ParseError`], rendered with a caret line under the error);
//! - [`print`] prints a tree back as canonical KQL;
//! - [`compile`] turns the tree into a [`compile::Matcher`] once (field patterns, wildcard strategies,
//!   value sets), which then matches many documents;
//! - [`eval`] is the plain reference evaluator the tests hold the matcher to;
//! - [`value`] says how one document value compares with one query value, [`pattern`] matches
//!   wildcards, and [`scope`] lends nested array elements as documents.
//!
//! Semantics follow Kibana's `kbn-es-query` kuery functions (`is`, `range`, `exists`, `nested`, `and`,
//! `or`, `not`) and Elasticsearch's behaviour on keyword fields: exact, case-sensitive values; `*`
//! wildcards (case-sensitive, any run including none; a quoted `*` is literal); a multi-valued field
//! matches when any value does; `not f:v` holds when `f` is missing; `f:*` tests existence; a bare
//! value may match any field; `*:*` and the empty query match everything. See [`value`] for numbers,
//! booleans, dates and ranges, and [`scope`] for nested queries.
//!
//! Deliberate approximations (documents carry no mapping): every field is treated as `keyword`, so
//! text-field analysis (tokenising, lower-casing) does not happen, for bare values too; `null` is the
//! text `null`; a `path:{ ... }` query matched through [`Query::matches`] on a non-JSON document only
//! knows that each condition holds on some element, not necessarily the same one (use
//! [`Query::matches_nested`] with a [`scope::NestedDocument`], as JSON values are, for exactness).
//! Depends only on [`crate::doc`] and [`crate::calendar`].

pub mod ast;
pub mod compile;
pub mod error;
pub mod eval;
pub mod lex;
pub mod parse;
pub mod pattern;
pub mod print;
pub mod scope;
pub mod value;

pub use error::ParseError;

use crate::doc::Document;
use ast::{Node, Term};
use compile::Matcher;
use scope::{Flat, NestedDocument};
use std::fmt;

/// A parsed, compiled KQL query.
#[derive(Debug, Clone)]
pub struct Query {
    ast: Node,
    matcher: Matcher,
}

impl Query {
    /// Parses and compiles `text`. Empty text matches every document, as in Kibana.
    pub fn parse(text: &str) -> Result<Query, ParseError> {
        Ok(Query::from_ast(parse::parse(text)?))
    }

    /// Compiles a tree built by hand or parsed earlier.
    pub fn from_ast(ast: Node) -> Query {
        let matcher = compile::compile(&ast);
        Query { ast, matcher }
    }

    /// Whether the document matches. Nested queries are approximated (see the module docs).
    pub fn matches(&self, doc: &dyn Document) -> bool {
        self.matcher.matches(&Flat(doc))
    }

    /// Whether the document matches, with nested queries held to one array element.
    pub fn matches_nested(&self, doc: &dyn NestedDocument) -> bool {
        self.matcher.matches(doc)
    }

    /// The syntax tree.
    pub fn ast(&self) -> &Node {
        &self.ast
    }

    /// The compiled matcher.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The field names the query references, each once, in order of appearance: wildcard names as
    /// written (`event.*`), fields inside `path:{ ... }` with their full path, and `*` when a bare
    /// value may match any field.
    pub fn fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_fields(&self.ast, "", &mut out);
        out
    }
}

fn collect_fields(node: &Node, prefix: &str, out: &mut Vec<String>) {
    let mut add = |term: Option<&Term>| {
        let name = term.map_or_else(|| "*".to_string(), |t| format!("{prefix}{}", t.as_text()));
        if !out.contains(&name) {
            out.push(name);
        }
    };
    match node {
        Node::And(items) | Node::Or(items) => items.iter().for_each(|n| collect_fields(n, prefix, out)),
        Node::Not(inner) => collect_fields(inner, prefix, out),
        Node::Is { field, .. } => add(field.as_ref()),
        Node::Range { field, .. } => add(Some(field)),
        Node::Nested { path, query } => collect_fields(query, &format!("{prefix}{}.", path.as_text()), out),
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ast.fmt(f)
    }
}

impl PartialEq for Query {
    fn eq(&self, other: &Query) -> bool {
        self.ast == other.ast
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_lists_each_name_once_as_written() {
        let q = Query::parse("event.action:(A or B) and not event.* : x and users:{ name:a and n > 1 } or free text").expect("parses");
        assert_eq!(q.fields(), ["event.action", "event.*", "users.name", "users.n", "*"]);
    }

    #[test]
    fn queries_are_values() {
        let q = Query::parse("a:1").expect("parses");
        let copy = q.clone();
        assert_eq!(q, copy);
        assert!(copy.matches(&json!({"a": "1"})));
        assert!(format!("{q:?}").contains("Is"));
    }

    #[test]
    fn large_or_lists_compile_to_a_set() {
        let q = Query::parse("a:(v1 or v2 or v3 or v4) or b:x").expect("parses");
        let Matcher::Or(items) = q.matcher() else { panic!("or: {:?}", q.matcher()) };
        assert!(matches!(&items[0], Matcher::Value { test: compile::Test::OneOf(_), .. }));
        assert!(q.matches(&json!({"a": "v3"})) && !q.matches(&json!({"a": "v5"})));
    }

    #[test]
    fn wildcard_values_compile_to_cheap_strategies() {
        let q = Query::parse("a:Delete*").expect("parses");
        let Matcher::Value { test: compile::Test::Glob(p), .. } = q.matcher() else { panic!("{:?}", q.matcher()) };
        assert_eq!(*p, pattern::Pattern::Prefix("Delete".into()));
    }
}
