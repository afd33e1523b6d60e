//! JSON Lines / NDJSON: one JSON object a line (raw records, ECS `_source` documents, search
//! hits, or compact S3 deliveries). Blank lines are ignored; a broken line is a record error with
//! its line number and the rest goes on.
//!
//! Depends on the element handling of [`super::document`].

use super::document::{self, Container};
use super::emit::Emitter;
use super::json::{self, Cursor};
use super::raw::Boxed;
use super::window::Window;
use super::{Ended, FileStatus, Location, RawRecord, RecordKind, Shape};
use serde_json::Value;

/// Reads the text from `start` line by line. When the text was cut short (`stop`), a last line
/// left without its newline is part of the damage, not a record.
pub(crate) fn read(win: &mut Window<'_>, start: usize, emit: &mut Emitter<'_>) -> Ended {
    read_from(win, start, 1, emit)
}

/// [`read`] from `start`, which begins line `line`.
pub(crate) fn read_from(win: &mut Window<'_>, start: usize, mut line: usize, emit: &mut Emitter<'_>) -> Ended {
    let mut first: Option<RecordKind> = None;
    let mut pos = start;
    let max = win.max_record;
    loop {
        let text = win.fill_until(pos, |t| memchr::memchr(b'\n', t).is_some() || t.len() > max);
        if text.is_empty() {
            break;
        }
        let newline = memchr::memchr(b'\n', text.as_bytes());
        // Without a newline, the text ran past the limit, or it is the last line (read below,
        // unless the damage cut it).
        let long = match newline {
            Some(nl) => nl > max,
            None => text.len() > max,
        };
        if long {
            match long_line(win, pos, line, emit) {
                Some(next) => (pos, line) = (next, line + 1),
                None => break,
            }
            continue;
        }
        if newline.is_none() && win.stop().is_some() {
            break;
        }
        let text = win.text_from(pos);
        let raw = &text.as_bytes()[..newline.unwrap_or(text.len())];
        let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let body = raw[lead..].trim_ascii_end();
        if !body.is_empty() {
            let at = pos + lead;
            let location = Location { line: Some(line), byte: Some(at) };
            // One borrowed pass over the line: it fails as parsing to `Value` would, and yields a
            // raw CloudTrail record (the common case) as it is.
            let source = text.get(lead..lead + body.len()).unwrap_or_default();
            let read = match Boxed::read_fast(source) {
                Some((boxed, len)) if len == source.len() => Ok(boxed.0),
                _ => serde_json::from_str::<Boxed<'_>>(source).map(|b| b.0),
            };
            match read {
                Err(e) => {
                    let column = e.column() + lead;
                    emit.error(location, format!("{} (column {column})", json::from_serde(body, 0, &e).reason));
                }
                Ok(top) if top.is_plain_cloudtrail() => {
                    document::element_text(source, top, location, Container::Plain, &mut first, emit, win);
                }
                Ok(top) => match (RawRecord { text: source, top }).parse() {
                    Value::Object(mut obj) => match document::container(&mut obj) {
                        // A compact S3 delivery, lookup-events page or search response on one line.
                        Some(Ok(document::Contained { container, items, .. })) => {
                            for item in items {
                                document::element(item, location, container, &mut first, emit, win);
                            }
                        }
                        Some(Err(why)) => emit.error(location, why),
                        None => document::element(Value::Object(obj), location, Container::Plain, &mut first, emit, win),
                    },
                    value => document::element(value, location, Container::Plain, &mut first, emit, win),
                },
            }
        }
        match newline {
            Some(nl) => pos += nl + 1,
            None => break,
        }
        line += 1;
    }
    let shape = if first == Some(RecordKind::Ecs) { Shape::Ecs } else { Shape::JsonLines };
    Ended { shape: Some(shape), lossy: None, status: FileStatus::Scanned }
}

/// A line at `pos` longer than the record limit. One that holds an object is read as a document
/// would read it (a compact S3 delivery, lookup-events page or search response streams its
/// records; anything else is one record too long to read); any other is a record error. Either
/// way the line is passed over without being held. Where the next line starts, or `None` at the
/// end of the text (a last line cut by damage is part of the damage, not a record).
fn long_line(win: &mut Window<'_>, pos: usize, line: usize, emit: &mut Emitter<'_>) -> Option<usize> {
    let text = win.text_from(pos).as_bytes();
    let lead = text.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r')).count();
    // What the rest of the line is, unless it is blank.
    let mut rest_is = Some(json::too_large(win.max_record));
    let mut scan = pos;
    if text.get(lead) == Some(&b'{') {
        let mut cur = Cursor::new(win, pos + lead);
        let (mut shape, mut skipped) = (None, None);
        match document::object(&mut cur, emit, &mut shape, &mut skipped) {
            // What follows the object on its line must be blank.
            Ok(()) => rest_is = Some("JSON syntax error: trailing characters after the line's object".to_string()),
            Err(e) => {
                let location = cur.win.at(e.byte);
                emit.error(location, e.reason);
                // The rest of a broken line is part of the one error.
                rest_is = None;
            }
        }
        scan = cur.pos;
    }
    let mut blank = true;
    let next = loop {
        let text = win.text_from(scan).as_bytes();
        let newline = memchr::memchr(b'\n', text);
        blank &= text[..newline.unwrap_or(text.len())].trim_ascii().is_empty();
        if let Some(nl) = newline {
            break Some(scan + nl + 1);
        }
        scan += text.len();
        if !win.more(scan) {
            break None;
        }
    };
    if let Some(reason) = rest_is.filter(|_| !blank && (next.is_some() || win.stop().is_none())) {
        emit.error(Location { line: Some(line), byte: Some(pos) }, reason);
    }
    next
}
