//! Input files → records: sniff the shape by content (never by extension), inflate gzip by magic
//! bytes, and yield each record or a positioned error.
//!
//! The pipeline for one file: bytes → (gzip inflated by magic bytes, with a size limit) → checked
//! text (BOM, binary, UTF-8) → shape sniffed by content → a reader for that shape → records or
//! positioned record errors, counted from 0 in order, then how the file ended.
//!
//! A file is read whole from memory ([`read_file`]) or a slice at a time from a reader
//! ([`read_stream`]); both give the same records and errors, at the same places.
//!
//! Depends on nothing else in the crate.

#[cfg(not(target_arch = "wasm32"))]
mod ahead;
mod console_csv;
mod digest;
mod document;
mod ecs_export;
mod emit;
mod gzip;
mod json;
mod kind;
mod lines;
mod lookup;
mod raw;
pub mod resume;
mod sniff;
mod text;
#[cfg(not(target_arch = "wasm32"))]
mod whole_gzip;
mod window;

pub use console_csv::{CONSOLE_HEADER, LOSSY as CONSOLE_CSV_LOSSY};
pub use raw::{Field, Kind, Lite, RawRecord, Top};

use emit::Emitter;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sniff::Sniffed;
use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use window::{Plain, Source, Window};

pub use window::SLICE;

/// The shape of a file, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// `{"Records":[...]}` as CloudTrail delivers to S3.
    S3Delivery,
    /// A JSON array of records.
    JsonArray,
    /// A single record object.
    SingleRecord,
    /// One JSON object a line.
    JsonLines,
    /// `aws cloudtrail lookup-events` output.
    LookupEvents,
    /// The console's Event history CSV export (lossy).
    ConsoleCsv,
    /// ECS documents (one `_source` a line, an array, or a search response).
    Ecs,
    /// A CloudTrail digest file (skipped).
    Digest,
}

/// What a record holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A raw CloudTrail record, to be mapped to ECS.
    CloudTrail,
    /// A document already in ECS, scanned as it is.
    Ecs,
}

/// Where in a file something is (1-based line, 0-based byte offset in the decompressed text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    pub line: Option<usize>,
    pub byte: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.byte) {
            (Some(l), Some(b)) => write!(f, "line {l}, byte {b}"),
            (Some(l), None) => write!(f, "line {l}"),
            (None, Some(b)) => write!(f, "byte {b}"),
            (None, None) => f.write_str("start of file"),
        }
    }
}

/// One record read from a file; `'t` is the file's text.
#[derive(Debug, Clone)]
pub struct Record<'t> {
    /// 0-based index among the file's records (errors included).
    pub index: usize,
    pub kind: RecordKind,
    pub body: Body<'t>,
    pub location: Location,
    /// Which top-level value of a JSON document holds the record, counted from 0 (0 in other
    /// shapes): what tells a resumed read where it may start ([`resume`]).
    pub group: u32,
}

/// A record's content: parsed, or (raw CloudTrail records in the common shapes) still text with
/// the fields that say what it is.
#[derive(Debug, Clone)]
// A record is handed to the sink once and not stored in bulk: boxing the large variant would
// cost an allocation for every record.
#[allow(clippy::large_enum_variant)]
pub enum Body<'t> {
    Value(Value),
    Raw(RawRecord<'t>),
}

impl Record<'_> {
    /// The record with its content parsed, no longer borrowing the file's text.
    pub fn into_owned(self) -> Record<'static> {
        let Record { index, kind, location, body, group } = self;
        Record { index, kind, location, body: Body::Value(body.into_value()), group }
    }

    /// The record as JSON, owned.
    pub fn into_value(self) -> Value {
        self.body.into_value()
    }
}

impl Body<'_> {
    /// The content as JSON, owned.
    pub fn into_value(self) -> Value {
        match self {
            Body::Value(v) => v,
            Body::Raw(raw) => raw.parse(),
        }
    }
}

/// Where a reader hands each record, or each record error, in file order.
pub type RecordSink<'s> = dyn FnMut(Result<Record<'_>, RecordError>) + 's;

/// A record that could not be read; the rest of the file goes on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordError {
    pub index: usize,
    pub location: Location,
    pub reason: String,
}

/// Why a whole file (or the rest of it) could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileError {
    pub location: Location,
    pub reason: String,
}

/// How a file went: the one status of a file, from the reader to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Read to its end: every record was yielded (as a record or a record error).
    Scanned,
    /// Deliberately not scanned (a digest file), with the reason.
    Skipped(String),
    /// The file, or its remainder, could not be read.
    Failed(FileError),
}

impl FileStatus {
    /// The status in one word: `scanned`, `skipped` or `error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            FileStatus::Scanned => "scanned",
            FileStatus::Skipped(_) => "skipped",
            FileStatus::Failed(_) => "error",
        }
    }
}

/// The summary of reading one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRead {
    pub shape: Option<Shape>,
    pub gzip: bool,
    /// Set when the shape loses information (the console CSV), saying what.
    pub lossy: Option<Cow<'static, str>>,
    pub status: FileStatus,
}

/// Bounds on reading one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a gzip file may inflate to; past it the file fails (a gzip bomb).
    pub max_inflated_bytes: u64,
    /// The most bytes one record may take: an element of a list, a line, a CSV row, a top-level
    /// object that is not a list of records. A longer one is a record error and is passed over
    /// without being held, so what a file costs in memory does not depend on what it holds.
    pub max_record_bytes: usize,
}

/// The default [`Limits::max_record_bytes`]: 2 MiB, twice the largest event CloudTrail records
/// (1 MB, the "large" event size), with room for the escaping of lookup-events output and the
/// console CSV. Parsed, a record of tiny values takes up to ~36 times its text (72 bytes a
/// `serde_json::Value`), so the limit is also what bounds a record's memory.
pub const MAX_RECORD_BYTES: usize = 2 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits { max_inflated_bytes: 4 << 30, max_record_bytes: MAX_RECORD_BYTES }
    }
}

/// How a shape reader ended (the caller adds the gzip flag).
pub(crate) struct Ended {
    pub shape: Option<Shape>,
    pub lossy: Option<&'static str>,
    pub status: FileStatus,
}

/// Reads `bytes` (the file's whole content), calling `sink` for each record or record error.
pub fn read_file(bytes: &[u8], sink: &mut RecordSink<'_>) -> FileRead {
    read_file_with(bytes, &Limits::default(), sink)
}

/// [`read_file`] with explicit [`Limits`]. Plain text is read where it lies; gzip is inflated a
/// slice at a time.
pub fn read_file_with(bytes: &[u8], limits: &Limits, sink: &mut RecordSink<'_>) -> FileRead {
    if gzip::is_gzip(bytes) {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(text) = whole_gzip::inflate(bytes, limits.max_inflated_bytes) {
            return read_window(&mut Window::whole(&text).with_max_record(limits.max_record_bytes), true, sink);
        }
        let mut source = gzip::Gz::new(bytes, limits.max_inflated_bytes);
        // Room for what the file likely inflates to (up to a slice), so the window does not grow
        // by doubling from nothing.
        let guess = bytes.len().saturating_mul(8).min(SLICE);
        let mut win = Window::sliding(&mut source, SLICE, Vec::with_capacity(guess)).with_max_record(limits.max_record_bytes);
        read_window(&mut win, true, sink)
    } else {
        read_window(&mut Window::whole(bytes).with_max_record(limits.max_record_bytes), false, sink)
    }
}

/// The text a gzip file inflates to, inflated as the scan inflates it (natively in one call when
/// it can, else a piece at a time), at most `max` bytes; or why it cannot be. The floor the scan
/// of `.json.gz` files is measured against (`examples/validate`).
pub fn inflate(gz: &[u8], max: u64) -> Result<Vec<u8>, String> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(text) = whole_gzip::inflate(gz, max) {
        return Ok(text);
    }
    let mut source = gzip::Gz::new(gz, max);
    let mut text = Vec::new();
    while source.fill(&mut text, SLICE)? > 0 {}
    Ok(text)
}

/// Reads a file from `reader` a slice at a time, `slice` bytes into `buffer` (whose allocation is
/// kept for the next file): only the record being read is held, never the whole file, and no
/// record longer than [`Limits::max_record_bytes`]. Records and errors are those
/// [`read_file_with`] gives for the same bytes.
pub fn read_stream(reader: &mut dyn Read, limits: &Limits, slice: usize, buffer: &mut Vec<u8>, sink: &mut RecordSink<'_>) -> FileRead {
    stream(reader, limits, slice, buffer, sink, |mut inflating, slice, buffer, sink| {
        read_source(&mut inflating, true, limits, slice, buffer, sink)
    })
}

/// [`read_stream`], with a gzip stream inflated on a thread of its own, a few pieces ahead of the
/// reading, so that one big `.json.gz` takes two cores. The same records and errors, at the same
/// places.
#[cfg(not(target_arch = "wasm32"))]
pub fn read_stream_ahead(
    reader: &mut (dyn Read + Send),
    limits: &Limits,
    slice: usize,
    buffer: &mut Vec<u8>,
    sink: &mut RecordSink<'_>,
) -> FileRead {
    stream(reader, limits, slice, buffer, sink, |gz, slice, buffer, sink| {
        std::thread::scope(|scope| read_source(&mut ahead::Ahead::spawn(scope, gz), true, limits, slice, buffer, sink))
    })
}

/// Reads `reader` as plain text, or hands its gzip stream to `inflated` to read. Natively, a gzip
/// file is first held up to [`HOLD`] bytes: if that is all of it and it inflates whole (see
/// [`whole_gzip`]), its text is read from memory; else the held bytes start the stream.
fn stream<R: Read>(
    mut reader: R,
    limits: &Limits,
    slice: usize,
    buffer: &mut Vec<u8>,
    sink: &mut RecordSink<'_>,
    inflated: impl FnOnce(gzip::Gz<std::io::Chain<&[u8], gzip::Rest<R>>>, usize, &mut Vec<u8>, &mut RecordSink<'_>) -> FileRead,
) -> FileRead {
    let (magic, got) = match read_magic(&mut reader) {
        Ok(magic) => magic,
        Err(failed) => return failed,
    };
    if !gzip::is_gzip(&magic[..got]) {
        return read_source(&mut Plain::new((&magic[..got]).chain(reader)), false, limits, slice, buffer, sink);
    }
    let mut held = magic[..got].to_vec();
    let rest = gzip::Rest::hold(&mut held, reader, HOLD);
    #[cfg(not(target_arch = "wasm32"))]
    if rest.ended()
        && let Some(text) = whole_gzip::inflate(&held, limits.max_inflated_bytes)
    {
        return read_window(&mut Window::whole(&text).with_max_record(limits.max_record_bytes), true, sink);
    }
    inflated(gzip::Gz::new(held.as_slice().chain(rest), limits.max_inflated_bytes), slice, buffer, sink)
}

/// How much of a gzip stream is held before it is read, to see whether it inflates whole.
#[cfg(not(target_arch = "wasm32"))]
const HOLD: usize = whole_gzip::MAX_HELD;
#[cfg(target_arch = "wasm32")]
const HOLD: usize = 0;

/// The first two bytes (fewer if the data is shorter), to tell gzip by; or the file's failure.
fn read_magic(reader: &mut dyn Read) -> Result<([u8; 2], usize), FileRead> {
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < magic.len() {
        match reader.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let error = FileError { location: Location::default(), reason: format!("cannot read: {e}") };
                return Err(FileRead { shape: None, gzip: false, lossy: None, status: FileStatus::Failed(error) });
            }
        }
    }
    Ok((magic, got))
}

/// Reads the text `source` gives through a window of `slice`s in `buffer` (kept for the next file).
fn read_source(
    source: &mut dyn Source,
    gzip: bool,
    limits: &Limits,
    slice: usize,
    buffer: &mut Vec<u8>,
    sink: &mut RecordSink<'_>,
) -> FileRead {
    read_source_as(source, gzip, None, limits, slice, buffer, sink)
}

/// [`read_source`], with `reader` when the file's reader is known already (see [`read_window_as`]).
fn read_source_as(
    source: &mut dyn Source,
    gzip: bool,
    reader: Option<Reader>,
    limits: &Limits,
    slice: usize,
    buffer: &mut Vec<u8>,
    sink: &mut RecordSink<'_>,
) -> FileRead {
    let mut win = Window::sliding(source, slice, std::mem::take(buffer)).with_max_record(limits.max_record_bytes);
    let read = read_window_as(&mut win, gzip, reader, sink);
    *buffer = win.into_buffer();
    // A long record grew the window: the next file starts from a slice's worth again.
    if buffer.capacity() > 4 * slice.max(SLICE) {
        buffer.clear();
        buffer.shrink_to(2 * slice.max(SLICE));
    }
    read
}

/// Reads the text in `win`: checks, sniffs and hands it to the reader for its shape.
fn read_window(win: &mut Window<'_>, gzip: bool, sink: &mut RecordSink<'_>) -> FileRead {
    read_window_as(win, gzip, None, sink)
}

/// How a resumed read is read: by the reader the file was read with, neither checked nor sniffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reader {
    Document,
    Lines,
}

/// [`read_window`], or with `reader` when the file's reader is known already.
fn read_window_as(win: &mut Window<'_>, gzip: bool, reader: Option<Reader>, sink: &mut RecordSink<'_>) -> FileRead {
    if let Some(reader) = reader {
        let mut emit = Emitter::new(sink);
        let ended = match reader {
            Reader::Document => document::read_resumed(win, &mut emit),
            Reader::Lines => lines::read(win, 0, &mut emit),
        };
        let status = match (ended.status, win.stop()) {
            (_, Some((byte, reason))) => FileStatus::Failed(FileError { location: win.at(*byte), reason: reason.clone() }),
            (status, None) => status,
        };
        return FileRead { shape: ended.shape, gzip, lossy: ended.lossy.map(Cow::Borrowed), status };
    }
    let failed = |location: Location, reason: String| FileRead {
        shape: None,
        gzip,
        lossy: None,
        status: FileStatus::Failed(FileError { location, reason }),
    };
    if let Some(kind) = text::binary_kind(&win.head()) {
        return failed(Location { line: Some(1), byte: Some(0) }, text::binary_reason(kind));
    }
    let start = if win.text_from(0).as_bytes().starts_with(text::BOM) { text::BOM.len() } else { 0 };
    let sniffed = sniff::sniff(win.fill_until(0, |text| sniff::enough(text, start)).as_bytes(), start);
    let mut emit = Emitter::new(sink);
    let ended = match sniffed {
        Sniffed::Empty if win.stop().is_none() => {
            let what = if win.is_empty() { "empty file" } else { "empty file (only whitespace)" };
            return failed(Location { line: Some(1), byte: Some(0) }, what.to_string());
        }
        Sniffed::Empty => Ended { shape: None, lossy: None, status: FileStatus::Scanned },
        Sniffed::Document => document::read(win, start, &mut emit),
        Sniffed::Lines => lines::read(win, start, &mut emit),
        Sniffed::Csv => console_csv::read(win, start, &mut emit),
        Sniffed::Unknown(at) => {
            let reason = format!(
                "unknown shape: expected JSON or the CloudTrail console's CSV, found text starting \
                 with `{}`",
                win.excerpt(at)
            );
            Ended { shape: None, lossy: None, status: FileStatus::Failed(FileError { location: win.at(at), reason }) }
        }
    };
    // How far the text goes, for telling a failure before the damage from the damage itself.
    let text_end = win.end();
    let outcome = match (ended.status, win.stop()) {
        // A failure before the damage stands; anything else ends at the damage.
        (FileStatus::Failed(e), Some(_)) if e.location.byte.is_some_and(|b| b < text_end) => FileStatus::Failed(e),
        (_, Some((byte, reason))) => FileStatus::Failed(FileError { location: win.at(*byte), reason: reason.clone() }),
        (outcome, None) => outcome,
    };
    FileRead { shape: ended.shape, gzip, lossy: ended.lossy.map(Cow::Borrowed), status: outcome }
}
