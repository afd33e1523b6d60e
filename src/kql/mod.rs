//! Kibana's kuery language (KQL): text → tokens → AST → compiled matcher → match against a document.
//!
//! Semantics follow Kibana's `kbn-es-query` kuery grammar and Elasticsearch's behaviour on keyword
//! fields. Depends only on [`crate::doc`].

use crate::doc::Document;
use std::fmt;

/// A parsed, compiled KQL query.
#[derive(Debug, Clone)]
pub struct Query {
    text: String,
}

/// A parse error with the span of the offending text; `Display` renders the query with a caret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub span: std::ops::Range<usize>,
    pub query: String,
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, ParseError> {
        Ok(Query { text: text.to_string() })
    }

    pub fn matches(&self, _doc: &dyn Document) -> bool {
        todo!("KQL evaluation")
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
