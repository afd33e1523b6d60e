//! Elastic's Event Query Language (EQL), as Elasticsearch runs it on keyword-mapped documents:
//! text → tokens → AST → compiled matcher → match against a document; sequences run by a pure state
//! machine over time-ordered events.
//!
//! The stages, one module each:
//! - [`lex`] splits the text into tokens; [`parse`] builds the [`ast::QueryAst`] and makes
//!   Elasticsearch's checks, with [`error::ParseError`]s rendered with a caret line;
//! - [`compile`] turns a condition into a [`compile::Matcher`] once (value sets, wildcard strategies,
//!   one regex per pattern list), which then matches many documents;
//! - [`eval`] is the plain reference evaluator the tests hold the matcher to, and defines the
//!   meaning of a condition (leaves, bindings of multi-valued fields, `null`);
//! - [`value`] compares values, [`func`] implements the functions, [`pattern`] matches wildcards,
//!   [`lucene`] translates Lucene regular expressions;
//! - [`sequence`] holds compiled sequences and [`run_sequence`], the state machine of the EQL
//!   syntax reference (per join key, one pending sequence per state; the most recent overwrites).
//!
//! Scope: event queries (`<category> where <condition>`, `any` or a value of the category field —
//! `event.category` unless [`Options::category_field`] says otherwise) and sequences (`by`,
//! `with maxspan=`, per-query `by`, `until`); all operators; the functions `add`, `between`,
//! `cidrMatch`, `concat`, `divide`, `endsWith`, `indexOf`, `length`, `modulo`, `multiply`, `number`,
//! `startsWith`, `string`, `stringContains`, `substring`, `subtract`, `wildcard` (and the `~` forms
//! of `between`, `endsWith`, `indexOf`, `startsWith`, `stringContains`). EQL is case-sensitive
//! except for `:` and the `~` forms. Refused with an error: pipes, `join`, `sample`, missing-event
//! steps `![..]`, `with runs=`, comparisons between fields.
//!
//! Approximations (documents carry no mapping): a value's kind is read off the document (see
//! [`value`]); `?field` and `field` behave alike (a field absent from every document is `null`
//! rather than an error); where Elasticsearch evaluates a function in a script, which reads the first
//! value of a multi-valued field, this module tries every value (see [`eval`]); lengths and
//! positions count characters, not UTF-16 units; arithmetic overflow and division by zero give
//! `null` where Elasticsearch fails the search; `regex~` ignores case in character ranges too.
//! Depends only on [`crate::doc`] and [`crate::kql`]'s error and wildcard strategies.

pub mod ast;
pub mod compile;
pub mod error;
pub mod eval;
pub mod func;
pub mod lex;
pub mod lucene;
pub mod parse;
pub mod pattern;
pub mod sequence;
pub mod value;

pub use error::ParseError;
pub use sequence::{Hits, JoinKey, Sequence, Step, run_hits, run_sequence};

use crate::doc::Document;
use ast::{Category, EventQuery, QueryAst, StepAst};
use compile::{Matcher, Test};
use std::borrow::Cow;

/// How queries are compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The field an event category is compared with (a rule's `event_category_override`).
    pub category_field: String,
}

impl Default for Options {
    fn default() -> Options {
        Options { category_field: "event.category".to_string() }
    }
}

/// A parsed, compiled EQL query: an event query or a sequence.
#[derive(Debug, Clone)]
pub struct Query {
    ast: QueryAst,
    compiled: Compiled,
}

#[derive(Debug, Clone)]
enum Compiled {
    Event { category: Category, matcher: Matcher },
    Sequence(Sequence),
}

impl Query {
    /// Parses and compiles `text` with the default options.
    pub fn parse(text: &str) -> Result<Query, ParseError> {
        Query::parse_with(text, &Options::default())
    }

    /// Parses and compiles `text`.
    pub fn parse_with(text: &str, options: &Options) -> Result<Query, ParseError> {
        let ast = parse::parse(text)?;
        let compiled = match &ast {
            QueryAst::Event(q) => Compiled::Event { category: q.category.clone(), matcher: compile_event(q, &options.category_field) },
            QueryAst::Sequence(s) => {
                let step = |st: &StepAst| Step {
                    category: st.query.category.clone(),
                    matcher: compile_event(&st.query, &options.category_field),
                    keys: s.by.iter().chain(&st.by).map(|f| f.name.clone()).collect(),
                    optional: s.by.iter().chain(&st.by).map(|f| f.optional).collect(),
                };
                Compiled::Sequence(Sequence {
                    steps: s.steps.iter().map(step).collect(),
                    until: s.until.as_ref().map(step),
                    maxspan_ms: s.maxspan_ms,
                })
            }
        };
        Ok(Query { ast, compiled })
    }

    /// Whether this is a sequence (then [`Query::sequence`] has its steps).
    pub fn is_sequence(&self) -> bool {
        matches!(self.compiled, Compiled::Sequence(_))
    }

    /// For an event query, whether the document is in its category and meets its condition; always
    /// `false` for a sequence (match its steps instead).
    pub fn matches(&self, doc: &dyn Document) -> bool {
        match &self.compiled {
            Compiled::Event { matcher, .. } => matcher.matches(doc),
            Compiled::Sequence(_) => false,
        }
    }

    /// The event query's category; `None` for a sequence.
    pub fn category(&self) -> Option<&Category> {
        match &self.compiled {
            Compiled::Event { category, .. } => Some(category),
            Compiled::Sequence(_) => None,
        }
    }

    /// The compiled sequence; `None` for an event query.
    pub fn sequence(&self) -> Option<&Sequence> {
        match &self.compiled {
            Compiled::Sequence(s) => Some(s),
            Compiled::Event { .. } => None,
        }
    }

    /// The event query's compiled category test and condition; `None` for a sequence.
    pub fn matcher(&self) -> Option<&Matcher> {
        match &self.compiled {
            Compiled::Event { matcher, .. } => Some(matcher),
            Compiled::Sequence(_) => None,
        }
    }

    /// The syntax tree.
    pub fn ast(&self) -> &QueryAst {
        &self.ast
    }
}

/// The matcher of an event query: its condition, then its category test. The order does not change
/// the answer; the condition usually fails on fields known without mapping the whole record
/// (`event.provider`, `event.action`), the category needs the mapping.
pub fn compile_event(q: &EventQuery, category_field: &str) -> Matcher {
    let condition = compile::compile(&q.condition);
    match &q.category {
        Category::Any => condition,
        Category::Named(name) => {
            let test = Test::Equal(value::Value::Str(Cow::Owned(name.clone())));
            Matcher::And(vec![condition, Matcher::Field { field: category_field.to_string(), test }])
        }
    }
}

#[cfg(test)]
mod tests;
