//! A file's text as the readers see it: either all of it at once, or a window over a stream of
//! decompressed bytes that slides forward as the readers move on. Offsets stay absolute (from the
//! start of the decompressed text) and lines are counted across what was dropped, so a reader and
//! its errors see one text whichever way it arrives.
//!
//! The text is checked UTF-8 as it arrives and ends at the first invalid byte, or where the source
//! stopped early (a damaged gzip stream, a read error); the window keeps why ([`Window::stop`]).
//!
//! Depends on nothing else in the crate.

use super::Location;
use std::borrow::Cow;
use std::cell::Cell;
use std::io::Read;

/// Where decompressed bytes come from, a slice at a time.
pub(crate) trait Source {
    /// Appends about `most` bytes to `bytes` (fewer only near the end; a source may give a little
    /// more) and says how many came (0 at the end), or why the bytes stopped early. A source gives
    /// the bytes it has before it gives an error.
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String>;
}

/// What a source's `fill` returns after `got` bytes when it may have `stopped`: the bytes first,
/// with the reason held back for the next call, and the reason once no bytes came.
pub(crate) fn given(got: usize, stopped: &mut Option<String>) -> Result<usize, String> {
    match stopped.take() {
        Some(why) if got == 0 => Err(why),
        held => {
            *stopped = held;
            Ok(got)
        }
    }
}

/// How many bytes a sliding window asks its source for at a time, unless told otherwise.
pub const SLICE: usize = 4 << 20;

/// The furthest a text may reach: offsets past it (and the arithmetic done on them) might not fit a
/// `usize`, 4 GiB in WebAssembly. The text stops there, saying why.
pub(crate) const MAX_OFFSET: usize = usize::MAX - (64 << 20);

/// How many bytes at the start of a file are looked at for binary content.
pub(crate) const HEAD: usize = 1024;

/// The text of one file, whole or sliding.
pub(crate) struct Window<'s> {
    /// Checked text; `text[0]` is at absolute offset `base`.
    text: Cow<'s, str>,
    /// The bytes after the text that have arrived: a character still arriving, or what follows an
    /// invalid byte.
    rest: Cow<'s, [u8]>,
    base: usize,
    source: Option<&'s mut dyn Source>,
    /// How many bytes to ask the source for at a time.
    slice: usize,
    /// The source has no more bytes.
    done: bool,
    /// Why the text ended before the end of the data: the absolute byte and the reason.
    stop: Option<(usize, String)>,
    /// Newlines before `base`.
    lines_before: usize,
    /// The last position located and its line, so forward lookups count only new newlines.
    seen: Cell<(usize, usize)>,
    /// The furthest the text may reach ([`MAX_OFFSET`]).
    limit: usize,
    /// The most bytes one record may take ([`super::Limits::max_record_bytes`]): the readers skip
    /// a longer one without holding it.
    pub(crate) max_record: usize,
}

impl<'s> Window<'s> {
    /// All of a file's bytes, already in memory (not copied).
    pub(crate) fn whole(bytes: &'s [u8]) -> Self {
        let (text, rest, stop) = match std::str::from_utf8(bytes) {
            Ok(text) => (text, &[][..], None),
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                (std::str::from_utf8(good).unwrap_or_default(), rest, Some(invalid_at(e.valid_up_to())))
            }
        };
        Window { text: Cow::Borrowed(text), rest: Cow::Borrowed(rest), stop, done: true, ..Self::empty() }
    }

    /// Bytes that arrive from `source`, read `slice` at a time into `buffer` (whose allocation is
    /// reused; take it back with [`Window::into_buffer`]).
    pub(crate) fn sliding(source: &'s mut dyn Source, slice: usize, mut buffer: Vec<u8>) -> Self {
        buffer.clear();
        let text = String::from_utf8(buffer).unwrap_or_default();
        Window { text: Cow::Owned(text), source: Some(source), slice: slice.max(1), ..Self::empty() }
    }

    fn empty() -> Self {
        Window {
            text: Cow::Borrowed(""),
            rest: Cow::Borrowed(&[]),
            base: 0,
            source: None,
            slice: SLICE,
            done: false,
            stop: None,
            lines_before: 0,
            seen: Cell::new((0, 1)),
            limit: MAX_OFFSET,
            max_record: super::Limits::default().max_record_bytes,
        }
    }

    /// The window with `max` as the most bytes one record may take.
    pub(crate) fn with_max_record(mut self, max: usize) -> Self {
        self.max_record = max;
        self
    }

    /// The buffer, for the next file.
    pub(crate) fn into_buffer(self) -> Vec<u8> {
        match self.text {
            Cow::Owned(text) => text.into_bytes(),
            Cow::Borrowed(_) => Vec::new(),
        }
    }

    /// Whether no more text will come.
    pub(crate) fn ended(&self) -> bool {
        self.done || self.stop.is_some()
    }

    /// Why the text ended early, if it did (known once the window has reached that point).
    pub(crate) fn stop(&self) -> Option<&(usize, String)> {
        self.stop.as_ref()
    }

    /// The absolute offset just past the text that has arrived.
    pub(crate) fn end(&self) -> usize {
        self.base + self.text.len()
    }

    /// The text that has arrived, from absolute offset `pos` (empty past it, or inside a
    /// character, which no reader asks for).
    pub(crate) fn text_from(&self, pos: usize) -> &str {
        self.text.get(pos.saturating_sub(self.base)..).unwrap_or_default()
    }

    /// The first [`HEAD`] bytes of the data, text or not (read on to have them).
    pub(crate) fn head(&mut self) -> Vec<u8> {
        while self.base + self.text.len() + self.rest.len() < HEAD && self.read(0) {}
        let mut head = self.text.as_bytes()[..self.text.len().min(HEAD)].to_vec();
        let more = HEAD.saturating_sub(head.len()).min(self.rest.len());
        head.extend_from_slice(&self.rest[..more]);
        head
    }

    /// Whether the data is empty (nothing at all arrived).
    pub(crate) fn is_empty(&self) -> bool {
        self.base + self.text.len() + self.rest.len() == 0
    }

    /// Asks for more text: drops what lies before `keep` (absolute), then reads one slice.
    /// Returns false once no more text will come.
    pub(crate) fn more(&mut self, keep: usize) -> bool {
        !self.ended() && self.read(keep)
    }

    /// Reads one slice (after the text has stopped, into `rest` only, for the head); false when
    /// the source is done.
    fn read(&mut self, keep: usize) -> bool {
        let (Some(source), Cow::Owned(text)) = (self.source.as_deref_mut(), &mut self.text) else {
            return false;
        };
        if self.done {
            return false;
        }
        if self.stop.is_some() {
            self.done = fill(source, self.rest.to_mut(), self.slice).1.is_some();
            return !self.done;
        }
        let mut bytes = std::mem::take(text).into_bytes();
        let drop = keep.saturating_sub(self.base).min(bytes.len());
        if drop > 0 {
            self.lines_before += count_lines(&bytes[..drop]);
            bytes.drain(..drop);
            self.base += drop;
        }
        // A character that was still arriving goes on from where it was.
        bytes.append(self.rest.to_mut());
        // A value larger than a slice is read in ever larger steps (at least what is kept), so
        // parsing it again from its start after each step costs a constant factor, not a square.
        let step = self.slice.max(bytes.len());
        let (_, end) = fill(source, &mut bytes, step);
        self.done = end.is_some();
        let room = self.limit.saturating_sub(self.base);
        let past_limit = bytes.len() > room;
        if past_limit {
            bytes.truncate(room);
            self.done = true;
        }
        self.text = Cow::Owned(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let (valid, invalid) = (e.utf8_error().valid_up_to(), e.utf8_error().error_len().is_some());
                let mut bytes = e.into_bytes();
                *self.rest.to_mut() = bytes.split_off(valid);
                // At the clean end of the data, a character left incomplete is invalid too.
                if invalid || matches!(end, Some(Ok(()))) {
                    self.stop = Some(invalid_at(self.base + valid));
                }
                String::from_utf8(bytes).unwrap_or_default()
            }
        });
        if let (Some(Err(reason)), None) = (end, &self.stop) {
            self.stop = Some((self.base + self.text.len() + self.rest.len(), reason));
        }
        if past_limit && self.stop.is_none() {
            let limit = self.limit;
            let reason =
                format!("the text goes on past {limit} bytes, more than this build can address; scan it with the trailhound command line");
            self.stop = Some((limit, reason));
        }
        true
    }

    /// Reads until `enough` holds for the text from `pos` or the text ends; returns that text.
    pub(crate) fn fill_until(&mut self, pos: usize, enough: impl Fn(&[u8]) -> bool) -> &str {
        while !enough(self.text_from(pos).as_bytes()) && self.more(pos) {}
        self.text_from(pos)
    }

    /// Reads to the end, keeping everything from `pos`.
    #[cfg(test)]
    pub(crate) fn fill_all(&mut self, pos: usize) -> &str {
        while self.more(pos) {}
        self.text_from(pos)
    }

    /// The line and byte of absolute offset `byte` (lines counted in the text up to it).
    pub(crate) fn at(&self, byte: usize) -> Location {
        let upto = byte.clamp(self.base, self.end()) - self.base;
        let (seen_byte, seen_line) = self.seen.get();
        let line = match (seen_byte.checked_sub(self.base), byte >= seen_byte) {
            (Some(from), true) if from <= upto => seen_line + count_lines(&self.text.as_bytes()[from..upto]),
            _ => self.lines_before + 1 + count_lines(&self.text.as_bytes()[..upto]),
        };
        self.seen.set((upto + self.base, line));
        Location { line: Some(line), byte: Some(byte) }
    }

    /// A short excerpt of the text at `pos`, for error messages (reads on to have it whole).
    pub(crate) fn excerpt(&mut self, pos: usize) -> String {
        let text = self.fill_until(pos, |t| t.len() > super::text::EXCERPT || memchr::memchr(b'\n', t).is_some());
        super::text::excerpt(text.as_bytes(), 0)
    }
}

/// Appends a slice from `source` to `bytes`: the bytes that came, and how the data ended if it did.
/// A short fill means the end is near, so the source is asked again at once: the end is then known
/// with the last bytes, and the readers do not come back (and slide the window) just to learn it.
fn fill(source: &mut dyn Source, bytes: &mut Vec<u8>, slice: usize) -> (usize, Option<Result<(), String>>) {
    let mut got = 0;
    loop {
        match source.fill(bytes, slice - got) {
            Ok(0) => return (got, Some(Ok(()))),
            Ok(n) if got + n >= slice => return (got + n, None),
            Ok(n) => got += n,
            Err(why) => return (got, Some(Err(why))),
        }
    }
}

fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

fn invalid_at(byte: usize) -> (usize, String) {
    (byte, format!("invalid UTF-8 at byte {byte}"))
}

/// A source over bytes that need no decompressing (a plain file, read a slice at a time).
pub(crate) struct Plain<R> {
    reader: R,
    /// A read error held back until the bytes before it were given.
    error: Option<std::io::Error>,
}

impl<R: Read> Plain<R> {
    pub(crate) fn new(reader: R) -> Self {
        Plain { reader, error: None }
    }
}

impl<R: Read> Source for Plain<R> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        if let Some(e) = self.error.take() {
            return Err(format!("cannot read: {e}"));
        }
        let before = bytes.len();
        // Reads into the buffer's spare room (not zeroed first), through short reads.
        let read = (&mut self.reader).take(most as u64).read_to_end(bytes);
        let got = bytes.len() - before;
        match read {
            Err(e) if got == 0 => Err(format!("cannot read: {e}")),
            Err(e) => {
                self.error = Some(e);
                Ok(got)
            }
            Ok(_) => Ok(got),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the furthest offset a build can address, the text stops there with the reason, and
    /// what came before stands.
    #[test]
    fn the_text_stops_at_the_furthest_offset() {
        let data = "{\"a\":1}\n".repeat(100);
        let mut source = Plain::new(data.as_bytes());
        let mut win = Window::sliding(&mut source, 64, Vec::new());
        win.limit = 300;
        win.fill_all(0);
        assert_eq!(win.end(), 300);
        assert_eq!(win.text_from(0), &data[..300]);
        let (byte, reason) = win.stop().expect("stopped");
        assert_eq!(*byte, 300);
        assert!(reason.starts_with("the text goes on past 300 bytes"), "{reason}");
    }
}
