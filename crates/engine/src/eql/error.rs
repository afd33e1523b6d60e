//! EQL parse errors: KQL's [`ParseError`] (a message, a byte span and the query, rendered as the
//! message, the offending line and a caret line under the span), with the EQL parser's constructors.
//! Must not depend on the parser or the matchers.
//!
//! Messages are one line: `Expected <what> but <found> found.` for a token the grammar does not
//! allow there, or a sentence saying what is wrong and, where there is one, what to write instead.

pub use crate::kql::error::ParseError;
use std::ops::Range;

/// An error with a free-form message at `span`.
pub fn at(query: &str, span: Range<usize>, message: impl Into<String>) -> ParseError {
    ParseError::new(query, span, message)
}

/// `Expected <expected> but <found> found.`, where found is the text at `span` (or end of input).
pub fn expected(query: &str, span: Range<usize>, expected: &str) -> ParseError {
    let found = match query.get(span.clone()) {
        Some(t) if !t.is_empty() => format!("\"{t}\""),
        _ => "end of input".to_string(),
    };
    ParseError::new(query, span, format!("Expected {expected} but {found} found."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_caret_under_the_token() {
        let e = expected("any where a ==", 14..14, "a value");
        assert_eq!(e.to_string(), "Expected a value but end of input found.\nany where a ==\n--------------^");
        let e = expected("any where a = 1", 12..13, "an operator");
        assert_eq!(e.to_string(), "Expected an operator but \"=\" found.\nany where a = 1\n------------^");
    }
}
