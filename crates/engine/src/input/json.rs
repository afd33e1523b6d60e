//! A cursor over JSON text that parses one value at a time with its byte offset, so that
//! `{"Records":[...]}` and arrays stream element by element and a truncated file still yields
//! what came before the damage. The text is a [`Window`]: when a value runs past what has arrived,
//! the cursor asks for more and parses it again from its start.
//!
//! Depends on the window (serde_json does the parsing; its 128-level recursion limit surfaces here
//! as an error).

use super::Top;
use super::raw::Boxed;
use super::window::Window;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

/// A JSON error at an absolute byte offset.
#[derive(Debug)]
pub(crate) struct JsonError {
    pub byte: usize,
    pub reason: String,
}

/// Errors this close to the end of what has arrived may be the text being cut, not the JSON
/// being wrong (a number or literal that goes on, a surrogate pair split in two): such a value is
/// parsed again with more text before it is judged.
const NEAR_END: usize = 16;

/// Position in JSON text.
pub(crate) struct Cursor<'w, 's> {
    pub win: &'w mut Window<'s>,
    pub pos: usize,
    /// An earlier position that must stay readable (the start of an object being probed).
    pub hold: Option<usize>,
}

/// What parsing at the cursor gave.
enum Parsed<T> {
    /// The value and the bytes it took.
    Value(T, usize),
    Failed(JsonError),
    /// The value may run past the text that has arrived.
    More,
}

impl<'w, 's> Cursor<'w, 's> {
    pub(crate) fn new(win: &'w mut Window<'s>, pos: usize) -> Self {
        Cursor { win, pos, hold: None }
    }

    /// What must stay in the window.
    fn keep(&self) -> usize {
        self.hold.map_or(self.pos, |hold| hold.min(self.pos))
    }

    /// Asks the window for more text; false when no more will come.
    fn more(&mut self) -> bool {
        let keep = self.keep();
        self.win.more(keep)
    }

    pub(crate) fn skip_ws(&mut self) {
        loop {
            let text = self.win.text_from(self.pos).as_bytes();
            let blank = super::text::skip_ws(text, 0);
            self.pos += blank;
            if blank < text.len() || !self.more() {
                return;
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.win.text_from(self.pos).as_bytes().first().copied()
    }

    /// Consumes `want` (after whitespace) or fails naming what was found.
    pub(crate) fn expect(&mut self, want: u8, what: &str) -> Result<(), JsonError> {
        match self.peek() {
            Some(b) if b == want => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => {
                let found = self.win.excerpt(self.pos);
                Err(self.error(format!("JSON syntax error: expected {what}, found `{found}`")))
            }
            None => Err(self.error(format!("JSON syntax error: EOF while expecting {what}"))),
        }
    }

    /// Parses one value at the cursor and moves past it.
    pub(crate) fn value<T: DeserializeOwned>(&mut self) -> Result<T, JsonError> {
        loop {
            self.skip_ws();
            match parse::<T>(self.win.text_from(self.pos), self.pos, self.win.ended()) {
                Parsed::Value(value, len) => {
                    self.pos += len;
                    return Ok(value);
                }
                Parsed::Failed(e) => return Err(e),
                Parsed::More => {
                    self.more();
                }
            }
        }
    }

    /// Reads the value at the cursor in the borrowed pass and hands it to `f` with its text and
    /// the window (for locating errors), then moves past it.
    pub(crate) fn with_top<R>(&mut self, f: impl for<'t> FnOnce(Box<Top<'t>>, &'t str, &'t Window<'s>) -> R) -> Result<R, JsonError> {
        let mut f = Some(f);
        loop {
            self.skip_ws();
            let text = self.win.text_from(self.pos);
            // The fast path answers for plain records; the serde pass for the rest, and for a
            // value that may run past what has arrived.
            let read = match Boxed::read_fast(text) {
                Some((boxed, len)) if self.win.ended() || len < text.len() => Parsed::Value(boxed, len),
                _ => parse::<Boxed<'_>>(text, self.pos, self.win.ended()),
            };
            match read {
                Parsed::Value(Boxed(top), len) => {
                    let Some(f) = f.take() else { unreachable!("a value is handed on once") };
                    let out = f(top, &text[..len], self.win);
                    self.pos += len;
                    return Ok(out);
                }
                Parsed::Failed(e) => return Err(e),
                Parsed::More => {
                    self.more();
                }
            }
        }
    }

    pub(crate) fn error(&self, reason: impl Into<String>) -> JsonError {
        JsonError { byte: self.pos, reason: reason.into() }
    }
}

/// Parses one value from `text` (which starts at absolute `base`), borrowing where `T` does.
/// `ended` says whether `text` runs to the end of the file; if not, a value or an error that
/// reaches its end is [`Parsed::More`]. The text is known to be UTF-8, so strings are not checked
/// again.
fn parse<'t, T: Deserialize<'t>>(text: &'t str, base: usize, ended: bool) -> Parsed<T> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
    match stream.next() {
        Some(Ok(value)) if ended || stream.byte_offset() < text.len() => Parsed::Value(value, stream.byte_offset()),
        Some(Err(e)) => {
            let error = from_serde(text.as_bytes(), base, &e);
            if ended || error.byte + NEAR_END < base + text.len() { Parsed::Failed(error) } else { Parsed::More }
        }
        None if ended => Parsed::Failed(JsonError { byte: base, reason: "JSON syntax error: EOF while parsing a value".into() }),
        _ => Parsed::More,
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
