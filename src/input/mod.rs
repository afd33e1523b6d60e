//! Input files → records: sniff the shape by content (never by extension), inflate gzip by magic
//! bytes, and yield each record or a positioned error.
//!
//! Depends on nothing else in the crate.

use serde_json::Value;
use std::fmt;

/// The shape of a file, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// One record read from a file.
#[derive(Debug, Clone)]
pub struct Record {
    /// 0-based index among the file's records (errors included).
    pub index: usize,
    pub kind: RecordKind,
    pub value: Value,
    pub location: Location,
}

/// A record that could not be read; the rest of the file goes on.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub index: usize,
    pub location: Location,
    pub reason: String,
}

/// Why a whole file (or the rest of it) could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub location: Location,
    pub reason: String,
}

/// How reading a file ended.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    /// Every record was yielded (as a record or a record error).
    Complete,
    /// Deliberately not scanned (a digest file), with the reason.
    Skipped(String),
    /// The file, or its remainder, could not be read.
    Failed(FileError),
}

/// The summary of reading one file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRead {
    pub shape: Option<Shape>,
    pub gzip: bool,
    /// Set when the shape loses information (the console CSV), saying what.
    pub lossy: Option<&'static str>,
    pub outcome: FileOutcome,
}

/// Reads `bytes` (the file's whole content), calling `sink` for each record or record error.
pub fn read_file(_bytes: &[u8], _sink: &mut dyn FnMut(Result<Record, RecordError>)) -> FileRead {
    todo!("input readers")
}

/// Limits that keep hostile input from exhausting memory.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_inflated_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_inflated_bytes: 4 << 30 }
    }
}

pub fn read_file_with(_bytes: &[u8], _limits: &Limits, _sink: &mut dyn FnMut(Result<Record, RecordError>)) -> FileRead {
    todo!("input readers")
}
