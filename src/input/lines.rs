//! JSON Lines / NDJSON: one JSON object a line (raw records, ECS `_source` documents, search
//! hits, or compact S3 deliveries). Blank lines are ignored; a broken line is a record error with
//! its line number and the rest goes on.
//!
//! Depends on the element handling of [`super::document`].

use super::document::{self, Container};
use super::emit::Emitter;
use super::{Ended, FileOutcome, Location, RawRecord, RecordKind, Shape, Top, json};
use serde_json::Value;

/// Reads `text` from `start` line by line.
pub(crate) fn read(src: &str, start: usize, emit: &mut Emitter<'_>) -> Ended {
    let text = src.as_bytes();
    let mut first: Option<RecordKind> = None;
    let mut pos = start;
    let mut line = 1;
    while pos < text.len() {
        let end = memchr::memchr(b'\n', &text[pos..]).map_or(text.len(), |i| pos + i);
        let raw = &text[pos..end];
        let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let body = raw[lead..].trim_ascii_end();
        if !body.is_empty() {
            let at = pos + lead;
            let location = Location { line: Some(line), byte: Some(at) };
            // One borrowed pass over the line: it fails as parsing to `Value` would, and yields a
            // raw CloudTrail record (the common case) as it is.
            let source = src.get(at..at + body.len()).unwrap_or_default();
            match serde_json::from_str::<Top<'_>>(source) {
                Err(e) => {
                    let column = e.column() + lead;
                    emit.error(location, format!("{} (column {column})", json::from_serde(body, 0, &e).reason));
                }
                Ok(top) if top.is_plain_cloudtrail() => {
                    document::element_text(source, top, location, Container::Plain, &mut first, emit);
                }
                Ok(top) => match (RawRecord { text: source, top }).parse() {
                    Value::Object(mut obj) => match document::container(&mut obj) {
                        // A compact S3 delivery, lookup-events page or search response on one line.
                        Some(Ok(document::Contained { container, items, .. })) => {
                            for item in items {
                                document::element(item, location, container, &mut first, emit);
                            }
                        }
                        Some(Err(why)) => emit.error(location, why),
                        None => document::element(Value::Object(obj), location, Container::Plain, &mut first, emit),
                    },
                    value => document::element(value, location, Container::Plain, &mut first, emit),
                },
            }
        }
        pos = end + 1;
        line += 1;
    }
    let shape = if first == Some(RecordKind::Ecs) { Shape::Ecs } else { Shape::JsonLines };
    Ended { shape: Some(shape), lossy: None, outcome: FileOutcome::Complete }
}
