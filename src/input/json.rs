//! A cursor over JSON text that parses one value at a time with its byte offset, so that
//! `{"Records":[...]}` and arrays stream element by element and a truncated file still yields
//! what came before the damage.
//!
//! Depends on nothing else in the crate (serde_json does the parsing; its 128-level recursion
//! limit surfaces here as an error).

use serde::Deserialize;
use serde_json::error::Category;

/// A JSON error at an absolute byte offset.
#[derive(Debug)]
pub(crate) struct JsonError {
    pub byte: usize,
    pub reason: String,
}

/// Position in JSON text.
pub(crate) struct Cursor<'a> {
    pub src: &'a str,
    /// `src` as bytes.
    pub text: &'a [u8],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(src: &'a str, pos: usize) -> Self {
        Cursor { src, text: src.as_bytes(), pos }
    }

    pub(crate) fn skip_ws(&mut self) {
        self.pos = super::text::skip_ws(self.text, self.pos);
    }

    /// The next non-whitespace byte, without consuming it.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.get(self.pos).copied()
    }

    /// Consumes `want` (after whitespace) or fails naming what was found.
    pub(crate) fn expect(&mut self, want: u8, what: &str) -> Result<(), JsonError> {
        match self.peek() {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => {
                Err(self.error(format!("JSON syntax error: expected {what}, found `{}`", super::text::excerpt(self.text, self.pos))))
            }
            None => Err(self.error(format!("JSON syntax error: EOF while expecting {what}"))),
        }
    }

    /// Parses one value at the cursor (borrowing from the text where `T` does) and moves past it.
    /// The text is known to be UTF-8, so strings are not checked again.
    pub(crate) fn value<T: Deserialize<'a>>(&mut self) -> Result<T, JsonError> {
        self.skip_ws();
        // Values start after ASCII whitespace or punctuation, so always on a character boundary.
        let Some(rest) = self.src.get(self.pos..) else {
            return Err(self.error("JSON syntax error: a value starts inside a character"));
        };
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        match stream.next() {
            Some(Ok(v)) => {
                self.pos += stream.byte_offset();
                Ok(v)
            }
            Some(Err(e)) => Err(from_serde(rest.as_bytes(), self.pos, &e)),
            None => Err(self.error("JSON syntax error: EOF while parsing a value")),
        }
    }

    pub(crate) fn error(&self, reason: impl Into<String>) -> JsonError {
        JsonError { byte: self.pos, reason: reason.into() }
    }
}

/// Converts a serde_json error on `slice` (which starts at `base`) to an absolute position.
pub(crate) fn from_serde(slice: &[u8], base: usize, e: &serde_json::Error) -> JsonError {
    let byte = if e.classify() == Category::Eof { base + slice.len() } else { base + offset_of(slice, e.line(), e.column()) };
    JsonError { byte, reason: format!("JSON syntax error: {}", message(e)) }
}

/// serde_json's message without its " at line L column C" suffix (we report our own position).
pub(crate) fn message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Byte offset of 1-based `line`, 1-based `column` in `slice`.
fn offset_of(slice: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    if line > 1 {
        match memchr::memchr_iter(b'\n', slice).nth(line - 2) {
            Some(nl) => start = nl + 1,
            None => return slice.len(),
        }
    }
    (start + column.saturating_sub(1)).min(slice.len())
}
