//! Parse errors: what was expected, where, and a rendering of the query with a caret line under the
//! offending text. Must not depend on the parser or the matchers.
//!
//! Messages follow Kibana's `KQLSyntaxError`: the expectations at the farthest point the parser
//! reached, translated, de-duplicated and sorted, as `Expected "(", value, whitespace but ":"
//! found.`; the rendering is that message, the query line, and `-` up to the error then `^`s.

use std::fmt;
use std::ops::Range;

/// A query that is not valid KQL.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ParseError {
    /// One line saying what was expected and what was found.
    pub message: String,
    /// Byte range of the offending text in `query` (empty at the end of input).
    pub span: Range<usize>,
    /// The whole query text.
    pub query: String,
}

/// One thing the parser would have accepted at the error position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expected {
    /// A literal token such as `(` or `:`.
    Token(&'static str),
    /// A named grammar rule: `AND`, `OR`, `NOT`, `field name`, `value`, `literal`, `whitespace`.
    Rule(&'static str),
    EndOfInput,
}

impl Expected {
    fn text(self) -> String {
        match self {
            Expected::Token(t) => format!("\"{t}\""),
            Expected::Rule(r) => r.to_string(),
            Expected::EndOfInput => "end of input".to_string(),
        }
    }
}

impl ParseError {
    /// The error for a failed parse: `expected` things at byte `pos` of `query`.
    pub fn expected(query: &str, pos: usize, expected: &[Expected]) -> ParseError {
        let mut items: Vec<String> = expected.iter().map(|e| e.text()).collect();
        // Kibana sorts by UTF-16 code units; every item here is ASCII, so byte order agrees.
        items.sort();
        items.dedup();
        let found_char = query.get(pos..).and_then(|rest| rest.chars().next());
        let found = match found_char {
            Some(c) => format!("\"{c}\""),
            None => "end of input".to_string(),
        };
        let end = pos + found_char.map_or(0, char::len_utf8);
        ParseError { message: format!("Expected {} but {found} found.", items.join(", ")), span: pos..end, query: query.to_string() }
    }

    /// An error with a free-form message.
    pub fn new(query: &str, span: Range<usize>, message: impl Into<String>) -> ParseError {
        ParseError { message: message.into(), span, query: query.to_string() }
    }

    /// The message, the query line holding the error, and a caret line: `-` for each character
    /// before the span, then one `^` for each character of it (at least one).
    pub fn render(&self) -> String {
        let start = floor_boundary(&self.query, self.span.start);
        let end = floor_boundary(&self.query, self.span.end.max(start));
        let line_start = self.query[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.query[start..].find('\n').map_or(self.query.len(), |i| start + i);
        let line = &self.query[line_start..line_end];
        let dashes = self.query[line_start..start].chars().count();
        let carets = self.query[start..end.min(line_end).max(start)].chars().count().max(1);
        format!("{}\n{}\n{}{}", self.message, line, "-".repeat(dashes), "^".repeat(carets))
    }
}

/// The largest char boundary of `s` at or below `i`.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_kibana_style_caret_line() {
        let e = ParseError::expected(
            "response:",
            9,
            &[Expected::Rule("value"), Expected::Token("("), Expected::Rule("whitespace"), Expected::Token("{")],
        );
        assert_eq!(e.to_string(), "Expected \"(\", \"{\", value, whitespace but end of input found.\nresponse:\n---------^");
    }

    #[test]
    fn renders_only_the_offending_line_of_a_multiline_query() {
        let e = ParseError::new("a:b and\nc::d", 10..11, "bad");
        assert_eq!(e.to_string(), "bad\nc::d\n--^");
    }

    #[test]
    fn counts_columns_in_characters_and_spans_wide_errors() {
        let e = ParseError::new("é:(((x", 3..6, "too deep");
        assert_eq!(e.to_string(), "too deep\né:(((x\n--^^^");
    }
}
