//! KQL parse errors: a message and the span of the offending text, rendered with a caret line.

use std::fmt;
use std::ops::Range;

/// A parse error with the span of the offending text; `Display` renders the query line with a caret.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ParseError {
    pub message: String,
    /// Byte range in `query`.
    pub span: Range<usize>,
    pub query: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = self.span.start.min(self.query.len());
        let line_start = self.query[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.query[start..].find('\n').map_or(self.query.len(), |i| start + i);
        let line_no = self.query[..start].matches('\n').count() + 1;
        let column = self.query[line_start..start].chars().count() + 1;
        let width = self.query[start..self.span.end.clamp(start, line_end)].chars().count().max(1);
        writeln!(f, "{} (line {line_no}, column {column})", self.message)?;
        writeln!(f, "  {}", &self.query[line_start..line_end])?;
        write!(f, "  {}{}", " ".repeat(column - 1), "^".repeat(width))
    }
}
