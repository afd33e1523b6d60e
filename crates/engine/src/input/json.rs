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
    /// The value at `byte` is longer than the record limit (it was not read; the cursor is still
    /// at its start, and [`Cursor::skip_value`] moves past it without holding it).
    pub too_large: bool,
}

impl JsonError {
    pub(crate) fn new(byte: usize, reason: impl Into<String>) -> Self {
        JsonError { byte, reason: reason.into(), too_large: false }
    }
}

/// Why a value longer than the record limit of `max` bytes is not read.
pub(crate) fn too_large(max: usize) -> String {
    format!("record is longer than the limit of {max} bytes a record may take; skipped without reading it")
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

    /// Parses one value at the cursor and moves past it. A value longer than the record limit is
    /// an error marked [`JsonError::too_large`], with the cursor left at its start.
    pub(crate) fn value<T: DeserializeOwned>(&mut self) -> Result<T, JsonError> {
        loop {
            self.skip_ws();
            let (text, ended) = self.candidate();
            let read = parse::<T>(text, self.pos, ended);
            match self.bounded(read, text.len()) {
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

    /// What a parse at the cursor gave, judged against the record limit by the value's own length,
    /// never by how much text has arrived: a value that ends within the limit is read, and one
    /// that does not (complete, broken past the limit, or still going past it) is too large.
    fn bounded<T>(&self, read: Parsed<T>, looked_at: usize) -> Parsed<T> {
        let max = self.win.max_record;
        let longer = match &read {
            Parsed::Value(_, len) => *len > max,
            Parsed::Failed(e) => e.byte.saturating_sub(self.pos) > max,
            // An error this close to the end may be the text being cut: only past that is it sure
            // that the value does not end within the limit.
            Parsed::More => looked_at > max.saturating_add(NEAR_END),
        };
        if longer { Parsed::Failed(JsonError { byte: self.pos, reason: too_large(max), too_large: true }) } else { read }
    }

    /// The text at the cursor a value is parsed from, and whether it runs to the end of the file:
    /// what has arrived, cut a little past the record limit, so that a longer value is never parsed
    /// whole (a file read from memory has all of it at once).
    fn candidate(&self) -> (&str, bool) {
        let text = self.win.text_from(self.pos);
        // Enough past the limit to tell a value that ends within it from one that goes on, even
        // after backing off to a character boundary.
        let mut end = self.win.max_record.saturating_add(NEAR_END + 4);
        if text.len() <= end {
            return (text, self.win.ended());
        }
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (&text[..end], false)
    }

    /// Moves past the value at the cursor without parsing or holding it (the text behind is dropped
    /// as it is passed): strings and nesting are followed byte by byte, a scalar runs to the next
    /// delimiter. The value is not checked; a file that ends inside it is an error.
    pub(crate) fn skip_value(&mut self) -> Result<(), JsonError> {
        // A number or literal is told by its first byte; nothing at all is the end of the file.
        let bare = self.peek().is_some_and(|b| !matches!(b, b'"' | b'[' | b'{'));
        let mut scan = Skip { bare, ..Skip::default() };
        loop {
            let text = self.win.text_from(self.pos).as_bytes();
            match scan.over(text) {
                Some(len) => {
                    self.pos += len;
                    return Ok(());
                }
                None => self.pos += text.len(),
            }
            if !self.more() {
                return if scan.bare { Ok(()) } else { Err(self.error("JSON syntax error: EOF while parsing a value")) };
            }
        }
    }

    /// Reads the value at the cursor in the borrowed pass and hands it to `f` with its text and
    /// the window (for locating errors), then moves past it.
    pub(crate) fn with_top<R>(&mut self, f: impl for<'t> FnOnce(Box<Top<'t>>, &'t str, &'t Window<'s>) -> R) -> Result<R, JsonError> {
        let mut f = Some(f);
        loop {
            self.skip_ws();
            let (text, ended) = self.candidate();
            // The fast path answers for plain records; the serde pass for the rest, and for a
            // value that may run past what has arrived.
            let read = match Boxed::read_fast(text) {
                Some((boxed, len)) if ended || len < text.len() => Parsed::Value(boxed, len),
                _ => parse::<Boxed<'_>>(text, self.pos, ended),
            };
            match self.bounded(read, text.len()) {
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
        JsonError::new(self.pos, reason)
    }
}

/// Where [`Cursor::skip_value`] is in the value it passes over, kept from one piece of text to
/// the next.
#[derive(Default)]
struct Skip {
    /// Open arrays and objects.
    depth: usize,
    in_string: bool,
    /// The last byte was a backslash inside a string.
    escaped: bool,
    /// The value is a number or a literal (which the end of the text ends too).
    bare: bool,
}

impl Skip {
    /// Looks at the next piece of the value; the bytes of this piece it took when the value ends
    /// in it.
    fn over(&mut self, text: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < text.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    i += 1;
                    continue;
                }
                // Long strings are what a planted record holds: jump to the next quote or backslash.
                let Some(at) = memchr::memchr2(b'"', b'\\', &text[i..]) else {
                    break;
                };
                i += at;
                if text[i] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                i += 1;
                continue;
            }
            let b = text[i];
            if self.bare {
                if matches!(b, b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\r' | b'\n') {
                    return Some(i);
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
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
        None if ended => Parsed::Failed(JsonError::new(base, "JSON syntax error: EOF while parsing a value")),
        _ => Parsed::More,
    }
}

/// Converts a serde_json error on `slice` (which starts at `base`) to an absolute position.
pub(crate) fn from_serde(slice: &[u8], base: usize, e: &serde_json::Error) -> JsonError {
    let byte = if e.classify() == Category::Eof { base + slice.len() } else { base + offset_of(slice, e.line(), e.column()) };
    JsonError::new(byte, format!("JSON syntax error: {}", message(e)))
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
