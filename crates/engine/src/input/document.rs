//! JSON documents: a sequence of top-level values (usually one) that are S3 deliveries
//! `{"Records":[...]}`, arrays of records, single records, lookup-events output, search
//! responses or digests. `Records`, `Events` and arrays stream element by element with byte
//! offsets; a syntax error stops the file there, after the elements before it were yielded.
//!
//! Depends on the cursor ([`super::json`]) and the object classifier ([`super::kind`]).

use super::emit::Emitter;
use super::json::{Cursor, JsonError};
use super::kind::{self, Item};
use super::window::{SLICE, Window};
use super::{Ended, FileError, FileStatus, Location, RawRecord, RecordKind, Shape, Top, ecs_export, lookup};
use serde::de::IgnoredAny;
use serde_json::Value;

/// What the elements of an array are.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Container {
    /// `Records` of an S3 delivery.
    Records,
    /// `Events` of lookup-events output.
    Events,
    /// A bare array (records, ECS documents or search hits).
    Plain,
}

/// Reads every top-level JSON value of the text from `start`.
pub(crate) fn read(win: &mut Window<'_>, start: usize, emit: &mut Emitter<'_>) -> Ended {
    read_with(win, start, true, emit)
}

/// [`read`] of a document resumed inside its first value: never taken for JSON Lines, whatever
/// the first value's lines (the resumed read stops where the first value ends).
pub(crate) fn read_resumed(win: &mut Window<'_>, emit: &mut Emitter<'_>) -> Ended {
    read_with(win, 0, false, emit)
}

fn read_with(win: &mut Window<'_>, start: usize, may_be_lines: bool, emit: &mut Emitter<'_>) -> Ended {
    let mut cur = Cursor::new(win, start);
    let mut shape: Option<Shape> = None;
    let mut skipped: Option<String> = None;
    // The line the first value starts on, when it is an object (see `one_object_line`).
    let mut first_object = (may_be_lines && cur.peek() == Some(b'{')).then(|| cur.win.at(cur.pos).line.unwrap_or(1));
    loop {
        let result = match cur.peek() {
            None => break,
            Some(b'[') => {
                // Known as an array from its first byte, even if it fails part-way.
                let first = shape.is_none();
                shape.get_or_insert(Shape::JsonArray);
                array(&mut cur, Container::Plain, None, emit).map(|s| {
                    if first {
                        shape = Some(s);
                    }
                })
            }
            Some(b'{') => object(&mut cur, emit, &mut shape, &mut skipped),
            Some(_) => {
                let found = cur.win.excerpt(cur.pos);
                Err(cur.error(format!("expected a JSON object or array, found `{found}`")))
            }
        };
        if let Err(e) = result {
            let error = FileError { location: cur.win.at(e.byte), reason: e.reason };
            return Ended { shape, lossy: None, status: FileStatus::Failed(error) };
        }
        emit.group += 1;
        if let Some((next, line)) = first_object.take().and_then(|line| one_object_line(&mut cur, line)) {
            return super::lines::read_from(cur.win, next, line, emit);
        }
    }
    let outcome = match (shape, skipped) {
        (None, Some(reason)) => {
            return Ended { shape: Some(Shape::Digest), lossy: None, status: FileStatus::Skipped(reason) };
        }
        _ => FileStatus::Scanned,
    };
    Ended { shape, lossy: None, status: outcome }
}

/// Where the next line starts and its number, when the first value (an object that started on
/// `line`) is all of its line and another non-blank line follows: the file is JSON Lines whose first
/// line was longer than the sniffing looks. The rest is read line by line, so that a broken line is
/// a record error and the lines after it are still read.
fn one_object_line(cur: &mut Cursor<'_, '_>, line: usize) -> Option<(usize, usize)> {
    let end = cur.pos;
    // Blanks are looked at up to a slice's worth: a file padded further is left a document, whose
    // reading passes over blanks without holding them.
    let blank_run = |t: &[u8]| t.len() > SLICE;
    let rest = cur.win.fill_until(end, |t| memchr::memchr(b'\n', t).is_some() || !t.trim_ascii().is_empty() || blank_run(t)).as_bytes();
    let newline = memchr::memchr(b'\n', rest)?;
    if !rest[..newline].trim_ascii().is_empty() {
        return None;
    }
    // Read on, keeping the object's end, until a non-blank byte follows the newline.
    let rest = cur.win.fill_until(end, |t| !t[newline + 1..].trim_ascii_start().is_empty() || blank_run(&t[newline + 1..]));
    if rest[newline + 1..].trim_ascii_start().is_empty() {
        return None;
    }
    // Asked last, as it counts the object's lines: most files (an S3 delivery) end after it.
    (cur.win.at(end).line == Some(line)).then_some((end + newline + 1, line + 1))
}

/// One top-level object: streamed when it starts with `Records` or `Events`, else parsed whole;
/// one longer than the record limit is streamed if it is a container, else skipped as one record.
pub(crate) fn object(
    cur: &mut Cursor<'_, '_>,
    emit: &mut Emitter<'_>,
    shape: &mut Option<Shape>,
    skipped: &mut Option<String>,
) -> Result<(), JsonError> {
    let start = cur.pos;
    match first_key(cur).as_deref() {
        Some("Records") => walk(cur, &[RECORDS], emit, shape).map(drop),
        Some("Events") => walk(cur, &[EVENTS], emit, shape).map(drop),
        _ => match cur.value::<Value>() {
            Ok(value) => whole(start, value, emit, shape, skipped, cur.win),
            Err(e) if e.too_large => {
                // Too long to hold: the lists of a container are streamed from wherever they are,
                // and anything else is one record too long to read.
                let location = cur.win.at(start);
                if !walk(cur, &[RECORDS, EVENTS, HITS], emit, shape)? {
                    shape.get_or_insert(Shape::SingleRecord);
                    emit.error(location, e.reason);
                }
                Ok(())
            }
            Err(e) => Err(e),
        },
    }
}

/// A member of an object that [`walk`] streams: its key, what its elements are, and what the
/// file is when it has them.
#[derive(Clone, Copy)]
struct Stream {
    key: &'static str,
    container: Container,
    shape: Shape,
    /// The member is an object whose own list under the same key holds the elements (a search
    /// response's `hits.hits`).
    nested: bool,
}

const RECORDS: Stream = Stream { key: "Records", container: Container::Records, shape: Shape::S3Delivery, nested: false };
const EVENTS: Stream = Stream { key: "Events", container: Container::Events, shape: Shape::LookupEvents, nested: false };
const HITS: Stream = Stream { key: "hits", container: Container::Plain, shape: Shape::Ecs, nested: true };

/// The first key of the object at the cursor, without moving it.
fn first_key(cur: &mut Cursor<'_, '_>) -> Option<String> {
    let start = cur.pos;
    cur.hold = Some(start);
    let key = (|| {
        cur.expect(b'{', "`{`").ok()?;
        if cur.peek()? != b'"' {
            return None;
        }
        cur.value::<String>().ok()
    })();
    (cur.pos, cur.hold) = (start, None);
    key
}

/// Walks an object, streaming the lists `streams` names and passing over every other value;
/// says whether it streamed one.
fn walk(cur: &mut Cursor<'_, '_>, streams: &[Stream], emit: &mut Emitter<'_>, shape: &mut Option<Shape>) -> Result<bool, JsonError> {
    cur.expect(b'{', "`{`")?;
    let mut streamed = false;
    if cur.peek() == Some(b'}') {
        cur.pos += 1;
        return Ok(streamed);
    }
    loop {
        let name = key(cur)?;
        cur.expect(b':', "`:`")?;
        match streams.iter().find(|s| name.as_deref() == Some(s.key)) {
            Some(stream) if stream.nested => {
                // Only an object holds the list; any other value is passed over.
                if cur.peek() == Some(b'{') {
                    streamed |= walk(cur, &[Stream { nested: false, ..*stream }], emit, shape)?;
                } else {
                    pass(cur)?;
                }
            }
            Some(stream) => {
                shape.get_or_insert(stream.shape);
                if cur.peek() == Some(b'[') {
                    let first = (stream.shape == Shape::Ecs).then_some(RecordKind::Ecs);
                    array(cur, stream.container, first, emit)?;
                    streamed = true;
                } else {
                    let at = cur.pos;
                    let found = match cur.value::<Value>() {
                        Ok(value) => kind::type_name(&value),
                        Err(e) if e.too_large => "a value too long to read",
                        Err(e) => return Err(e),
                    };
                    return Err(JsonError::new(at, format!("`{}` is {found}, not an array", stream.key)));
                }
            }
            None => pass(cur)?,
        }
        match cur.peek() {
            Some(b',') => cur.pos += 1,
            Some(b'}') => {
                cur.pos += 1;
                return Ok(streamed);
            }
            _ => cur.expect(b'}', "`,` or `}` after an object member")?,
        }
    }
}

/// An object key at the cursor, or `None` for one longer than the record limit (passed over).
fn key(cur: &mut Cursor<'_, '_>) -> Result<Option<String>, JsonError> {
    if cur.peek() != Some(b'"') {
        cur.expect(b'"', "an object key")?;
    }
    match cur.value::<String>() {
        Ok(name) => Ok(Some(name)),
        Err(e) if e.too_large => cur.skip_value().map(|()| None),
        Err(e) => Err(e),
    }
}

/// Moves past the value at the cursor: parsed and dropped when it is within the record limit (so a
/// syntax error in it stops the file as before), skipped unread when longer.
fn pass(cur: &mut Cursor<'_, '_>) -> Result<(), JsonError> {
    match cur.value::<IgnoredAny>() {
        Ok(_) => Ok(()),
        Err(e) if e.too_large => cur.skip_value(),
        Err(e) => Err(e),
    }
}

/// Streams the array at the cursor, whose elements are taken for `first` until one says what they
/// are; returns the shape its elements make. An element longer than the record limit is a record
/// error, passed over unread.
fn array(
    cur: &mut Cursor<'_, '_>,
    container: Container,
    mut first: Option<RecordKind>,
    emit: &mut Emitter<'_>,
) -> Result<Shape, JsonError> {
    cur.expect(b'[', "`[`")?;
    if cur.peek() == Some(b']') {
        cur.pos += 1;
    } else {
        loop {
            cur.skip_ws();
            let at = cur.pos;
            let read = if container == Container::Events {
                cur.value::<Value>().map(|value| element(value, byte_at(at), container, &mut first, emit, cur.win))
            } else {
                cur.with_top(|top, source, win| element_text(source, top, byte_at(at), container, &mut first, emit, win))
            };
            match read {
                Err(e) if e.too_large => {
                    emit.error(cur.win.at(at), e.reason);
                    cur.skip_value()?;
                }
                other => other?,
            }
            match cur.peek() {
                Some(b',') => cur.pos += 1,
                Some(b']') => {
                    cur.pos += 1;
                    break;
                }
                _ => cur.expect(b']', "`,` or `]` after an array element")?,
            }
        }
    }
    Ok(match (container, first) {
        (Container::Records, _) => Shape::S3Delivery,
        (Container::Events, _) => Shape::LookupEvents,
        (Container::Plain, Some(RecordKind::Ecs)) => Shape::Ecs,
        (Container::Plain, _) => Shape::JsonArray,
    })
}

/// Yields one element (of an array, or a line) read as `source` with its fields `top`: a raw
/// CloudTrail record as it is, anything else parsed and classified by [`element`].
pub(crate) fn element_text<'t>(
    source: &'t str,
    top: Box<Top<'t>>,
    location: Location,
    container: Container,
    first: &mut Option<RecordKind>,
    emit: &mut Emitter<'_>,
    win: &Window<'_>,
) {
    if top.is_plain_cloudtrail() {
        first.get_or_insert(RecordKind::CloudTrail);
        emit.raw(RawRecord { text: source, top }, location);
    } else {
        let value = RawRecord { text: source, top }.parse();
        element(value, location, container, first, emit, win);
    }
}

/// Yields one element (of an array, or a line) that starts at byte `at`.
pub(crate) fn element(
    value: Value,
    location: Location,
    container: Container,
    first: &mut Option<RecordKind>,
    emit: &mut Emitter<'_>,
    win: &Window<'_>,
) {
    // Records carry the byte only; errors get the line too (computed only for them).
    let error_at = || match location {
        Location { line: None, byte: Some(at) } => win.at(at),
        other => other,
    };
    if container == Container::Events {
        match &value {
            Value::Object(obj) => match lookup::record_of(obj) {
                Ok(record) => emit.record(RecordKind::CloudTrail, record, location),
                Err(why) => emit.error(error_at(), why),
            },
            other => emit.error(error_at(), format!("expected a lookup-events entry object, found {}", kind::type_name(other))),
        }
        return;
    }
    match kind::classify(value) {
        Item::Record(k, v) => {
            first.get_or_insert(k);
            emit.record(k, v, location);
        }
        Item::Bad(why) => emit.error(error_at(), why),
        Item::Digest(_) => emit.error(error_at(), "a CloudTrail digest object, not a record"),
        Item::Unknown(v) => {
            let k = first.unwrap_or(RecordKind::CloudTrail);
            emit.record(k, v, location);
        }
    }
}

/// A top-level object parsed whole: an S3 delivery or lookup output whose array is not the first
/// key, a search response, a single record or ECS document, a search hit, or a digest.
fn whole(
    start: usize,
    value: Value,
    emit: &mut Emitter<'_>,
    shape: &mut Option<Shape>,
    skipped: &mut Option<String>,
    win: &Window<'_>,
) -> Result<(), JsonError> {
    let Value::Object(mut obj) = value else {
        return Err(JsonError::new(start, "expected a JSON object"));
    };
    if let Some(found) = container(&mut obj) {
        let Contained { shape: found_shape, container, items } = found.map_err(|reason| JsonError::new(start, reason))?;
        shape.get_or_insert(found_shape);
        let mut first = (found_shape == Shape::Ecs).then_some(RecordKind::Ecs);
        for item in items {
            element(item, byte_at(start), container, &mut first, emit, win);
        }
        return Ok(());
    }
    let location = Location { line: None, byte: Some(start) };
    match kind::classify(Value::Object(obj)) {
        Item::Record(k, v) => {
            shape.get_or_insert(if k == RecordKind::Ecs { Shape::Ecs } else { Shape::SingleRecord });
            emit.record(k, v, location);
        }
        Item::Bad(why) => {
            shape.get_or_insert(Shape::SingleRecord);
            emit.error(win.at(start), why);
        }
        Item::Digest(reason) => {
            if digest_first(shape, skipped) {
                *skipped = Some(reason);
            }
        }
        Item::Unknown(v) => {
            return Err(JsonError::new(
                start,
                format!(
                    "unknown shape: a JSON object with {} (expected CloudTrail `Records`, a \
                     CloudTrail record, lookup-events `Events`, or Elasticsearch documents)",
                    kind::key_list(&v)
                ),
            ));
        }
    }
    Ok(())
}

/// A digest is skipped when it is what the file is (nothing read before it).
fn digest_first(shape: &Option<Shape>, skipped: &Option<String>) -> bool {
    shape.is_none() && skipped.is_none()
}

/// The records a container object holds, and what they make the file.
pub(crate) struct Contained {
    pub shape: Shape,
    pub container: Container,
    pub items: Vec<Value>,
}

/// The records an object holds as a container: the `Records` of an S3 delivery, the `Events` of
/// lookup-events output, or the hits of a search response; `None` when `obj` is none of these.
pub(crate) fn container(obj: &mut serde_json::Map<String, Value>) -> Option<Result<Contained, String>> {
    let keyed = [("Records", Container::Records, Shape::S3Delivery), ("Events", Container::Events, Shape::LookupEvents)];
    for (key, container, shape) in keyed {
        match obj.remove(key) {
            Some(Value::Array(items)) => {
                return Some(Ok(Contained { shape, container, items }));
            }
            Some(other) => {
                let found = kind::type_name(&other);
                return Some(Err(format!("`{key}` is {found}, not an array")));
            }
            None => {}
        }
    }
    let hits = ecs_export::search_hits(obj)?;
    Some(hits.map(|items| Contained { shape: Shape::Ecs, container: Container::Plain, items }))
}

/// A record location that knows only its byte.
fn byte_at(byte: usize) -> Location {
    Location { line: None, byte: Some(byte) }
}
