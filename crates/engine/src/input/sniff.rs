//! Shape detection by content, never by file name: JSON document, JSON Lines, the console's CSV,
//! or unknown text.
//!
//! Depends on nothing else in the crate.

use serde::de::IgnoredAny;

/// How the text is to be read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// One or more whole JSON values (object or array).
    Document,
    /// One JSON object a line.
    Lines,
    /// Comma-separated values with a header line.
    Csv,
    /// Something else; the first non-blank byte is at this offset.
    Unknown(usize),
    /// Nothing but whitespace.
    Empty,
}

/// How much text from the first non-blank byte the sniffing looks at: enough for two lines of
/// records, and the same whether a file is read whole or in slices.
pub(crate) const SNIFF: usize = 1 << 20;

/// Whether `text` (from the start of the file) holds what [`sniff`] looks at: two whole lines, or
/// [`SNIFF`] bytes, from the first non-blank byte after `start`.
pub(crate) fn enough(text: &[u8], start: usize) -> bool {
    let first = super::text::skip_ws(text, start);
    if first >= text.len() {
        return false;
    }
    if text.len() - first >= SNIFF {
        return true;
    }
    // Each line ends in a newline, else it may go on past what has arrived.
    match next_line(text, first) {
        Some((_, rest)) if rest <= text.len() => next_line(text, rest).is_some_and(|(_, end)| end <= text.len()),
        _ => false,
    }
}

/// Sniffs `text` from `start` (past any BOM), looking at most [`SNIFF`] bytes past the first
/// non-blank one.
pub(crate) fn sniff(text: &[u8], start: usize) -> Sniffed {
    let first = super::text::skip_ws(text, start);
    let text = &text[..text.len().min(first.saturating_add(SNIFF))];
    match text.get(first) {
        None => Sniffed::Empty,
        Some(b'[') => Sniffed::Document,
        Some(b'{') if looks_like_lines(text, first) => Sniffed::Lines,
        Some(b'{') => Sniffed::Document,
        Some(_) => {
            let line = next_line(text, first).map_or(&[][..], |(l, _)| l);
            if memchr::memchr(b',', line).is_some() { Sniffed::Csv } else { Sniffed::Unknown(first) }
        }
    }
}

/// JSON Lines when there are at least two non-blank lines and the first or the second holds
/// exactly one complete JSON object. A first line that is a value left open (`{"Records":[`) starts
/// a document, even when its next line is one whole record.
fn looks_like_lines(text: &[u8], first: usize) -> bool {
    let Some((one, rest)) = next_line(text, first) else {
        return false;
    };
    let Some((two, _)) = next_line(text, rest) else {
        return false;
    };
    whole_object(one) || (!left_open(one) && whole_object(two))
}

/// Whether `line` is the start of a JSON value that goes on past the line's end.
fn left_open(line: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(line.trim_ascii()).is_err_and(|e| e.is_eof())
}

fn whole_object(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    line.first() == Some(&b'{') && serde_json::from_slice::<IgnoredAny>(line).is_ok()
}

/// The next non-blank line from `pos` and the offset after it.
fn next_line(text: &[u8], mut pos: usize) -> Option<(&[u8], usize)> {
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
        let line = &text[pos..end];
        if !line.trim_ascii().is_empty() {
            return Some((line, end + 1));
        }
        pos = end + 1;
    }
    None
}
