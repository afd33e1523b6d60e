//! The CloudTrail console's Event history CSV export: each row becomes a partial raw CloudTrail
//! record built from the summary columns (lossy), or the full record when the export carries a
//! `CloudTrail event` column with the event's JSON.
//!
//! Depends on the window and the record accounting; `csv_core` does the parsing.

use super::emit::Emitter;
use super::json;
use super::window::Window;
use super::{Ended, FileError, FileStatus, Location, RecordKind, Shape};
use serde_json::{Map, Value};

/// The console's Event history columns, in the order of its download.
pub const CONSOLE_HEADER: [&str; 16] = [
    "Event ID",
    "Event time",
    "User name",
    "Event name",
    "Resource type",
    "Resource name",
    "AWS access key",
    "Event source",
    "AWS region",
    "Error code",
    "Source IP address",
    "Read-only",
    "Request ID",
    "Event type",
    "Event category",
    "CloudTrail event",
];

/// Columns a file must have to be read as the console's export.
const REQUIRED: [&str; 3] = ["Event time", "Event name", "Event source"];

/// What the summary columns lose.
pub const LOSSY: &str = "console CSV export: only the Event history columns survive (no \
    requestParameters, responseElements, userAgent, full userIdentity or account ids)";

/// Reads the CSV from `start`, a row at a time through the window: only the row being read is held,
/// and a row longer than the record limit is a record error, passed over without holding it. A row
/// the damage cut (a stream that stopped early) is part of the damage, not a record.
pub(crate) fn read(win: &mut Window<'_>, start: usize, emit: &mut Emitter<'_>) -> Ended {
    let mut rows = Rows::new(start, win.max_record);
    let header: Vec<String> = match rows.next(win) {
        Some(Row::Fields { .. }) => rows.fields().map(str::to_string).collect(),
        Some(Row::TooLong { at }) => return fail(at, json::too_large(win.max_record)),
        None => Vec::new(),
    };
    let columns: Vec<Option<usize>> =
        header.iter().map(|name| CONSOLE_HEADER.iter().position(|c| c.eq_ignore_ascii_case(name.trim()))).collect();
    let missing: Vec<&str> = REQUIRED.iter().filter(|r| !header.iter().any(|h| h.trim().eq_ignore_ascii_case(r))).copied().collect();
    if !missing.is_empty() {
        let found: Vec<String> = header.iter().take(8).map(|h| format!("\"{h}\"")).collect();
        return fail(
            win.at(start),
            format!(
                "CSV header is not the CloudTrail console's Event history export: missing {} \
                 (found {})",
                missing.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", "),
                found.join(", ")
            ),
        );
    }
    let full = columns.contains(&Some(15));
    let lossy = (!full).then_some(LOSSY);
    while let Some(row) = rows.next(win) {
        let at = match row {
            Row::Fields { at } => at,
            Row::TooLong { at } => {
                emit.error(at, json::too_large(win.max_record));
                continue;
            }
        };
        let fields: Vec<&str> = rows.fields().collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let location = win.at(at);
        if fields.len() != header.len() {
            emit.error(location, format!("CSV row has {} fields, the header has {}", fields.len(), header.len()));
            continue;
        }
        match record(&columns, &fields) {
            Ok(value) => emit.record(RecordKind::CloudTrail, value, location),
            Err(why) => emit.error(location, why),
        }
    }
    Ended { shape: Some(Shape::ConsoleCsv), lossy, status: FileStatus::Scanned }
}

fn fail(location: Location, reason: String) -> Ended {
    let error = FileError { location, reason };
    Ended { shape: None, lossy: None, status: FileStatus::Failed(error) }
}

/// What [`Rows::next`] read.
enum Row {
    /// A row starting at byte `at`, its fields in [`Rows::fields`].
    Fields { at: usize },
    /// A row starting `at` longer than the record limit, passed over.
    TooLong { at: Location },
}

/// The rows of a CSV text read through a window by `csv_core`, whose buffers are the caller's: a
/// row's cells are held up to the record limit, and a longer row's are dropped as they come.
struct Rows {
    core: csv_core::Reader,
    /// The absolute offset up to which the text was given to the parser.
    pos: usize,
    max: usize,
    cells: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last row read.
    fields: usize,
}

/// The most fields a row may have: more, and it is a row too long to read.
const MAX_FIELDS: usize = 1 << 16;

impl Rows {
    fn new(start: usize, max: usize) -> Self {
        Rows { core: csv_core::Reader::new(), pos: start, max, cells: vec![0; 4096], ends: vec![0; 64], fields: 0 }
    }

    /// The next row, or `None` at the end of the text (or where the damage cut it).
    fn next(&mut self, win: &mut Window<'_>) -> Option<Row> {
        // csv ends a CRLF row at the CR; the next one starts after the LF.
        if win.text_from(self.pos).starts_with('\n') && self.pos > 0 {
            self.pos += 1;
        }
        let at = self.pos;
        let (mut len, mut fields, mut too_long) = (0, 0, None);
        loop {
            let keep = if too_long.is_some() { self.pos } else { at };
            if win.text_from(self.pos).is_empty() && win.more(keep) {
                continue;
            }
            let input = win.text_from(self.pos).as_bytes();
            if input.is_empty() && win.stop().is_some() {
                return None;
            }
            let (result, read, wrote, ended) = self.core.read_record(input, &mut self.cells[len..], &mut self.ends[fields..]);
            self.pos += read;
            (len, fields) = (len + wrote, fields + ended);
            match result {
                csv_core::ReadRecordResult::InputEmpty => {}
                csv_core::ReadRecordResult::OutputFull if too_long.is_some() || self.cells.len() > self.max => {
                    // Located before the row's start is dropped.
                    too_long = too_long.or_else(|| Some(win.at(at)));
                    len = 0;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = (self.cells.len() * 2).min(self.max + 1);
                    self.cells.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull if too_long.is_some() || self.ends.len() >= MAX_FIELDS => {
                    too_long = too_long.or_else(|| Some(win.at(at)));
                    fields = 0;
                }
                csv_core::ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record if too_long.is_some() || len > self.max => {
                    return Some(Row::TooLong { at: too_long.unwrap_or_else(|| win.at(at)) });
                }
                csv_core::ReadRecordResult::Record => {
                    self.fields = fields;
                    return Some(Row::Fields { at });
                }
                csv_core::ReadRecordResult::End => return None,
            }
        }
    }

    /// The fields of the row [`Rows::next`] last read (text, as the window's is).
    fn fields(&self) -> impl Iterator<Item = &str> {
        let ends = &self.ends[..self.fields];
        ends.iter().scan(0, |from, &end| {
            let cell = std::str::from_utf8(&self.cells[*from..end]).unwrap_or_default();
            *from = end;
            Some(cell)
        })
    }
}

/// One row → a raw CloudTrail record (the full event when the row carries it).
fn record(columns: &[Option<usize>], row: &[&str]) -> Result<Value, String> {
    let cell =
        |i: usize| columns.iter().position(|c| *c == Some(i)).and_then(|at| row.get(at).copied()).map(str::trim).filter(|s| !s.is_empty());
    if let Some(json) = cell(15) {
        return match serde_json::from_str::<Value>(json) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Ok(_) => Err("`CloudTrail event` column does not hold a JSON object".to_string()),
            Err(e) => Err(format!("`CloudTrail event` column is not valid JSON: {}", super::json::message(&e))),
        };
    }
    let mut out = Map::new();
    let mut identity = Map::new();
    let put = |map: &mut Map<String, Value>, key: &str, i: usize| {
        if let Some(v) = cell(i) {
            map.insert(key.to_string(), Value::String(v.to_string()));
        }
    };
    put(&mut out, "eventID", 0);
    put(&mut out, "eventTime", 1);
    put(&mut identity, "userName", 2);
    put(&mut out, "eventName", 3);
    put(&mut identity, "accessKeyId", 6);
    put(&mut out, "eventSource", 7);
    put(&mut out, "awsRegion", 8);
    put(&mut out, "errorCode", 9);
    put(&mut out, "sourceIPAddress", 10);
    put(&mut out, "requestID", 12);
    put(&mut out, "eventType", 13);
    put(&mut out, "eventCategory", 14);
    if let Some(ro) = cell(11) {
        let value = match ro.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(ro.to_string()),
        };
        out.insert("readOnly".into(), value);
    }
    if !identity.is_empty() {
        out.insert("userIdentity".into(), Value::Object(identity));
    }
    if let Some(resources) = resources(cell(4), cell(5)) {
        out.insert("resources".into(), resources);
    }
    Ok(Value::Object(out))
}

/// `Resource type` and `Resource name` (comma-separated lists when an event names several)
/// → CloudTrail `resources` entries (`type`, and `ARN` when the name is an ARN, else `name`).
fn resources(types: Option<&str>, names: Option<&str>) -> Option<Value> {
    let names: Vec<&str> = names?.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let types: Vec<&str> = types.map_or_else(Vec::new, |t| t.split(',').map(str::trim).collect());
    let paired = types.len() == names.len();
    let list = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut r = Map::new();
            let key = if name.starts_with("arn:") { "ARN" } else { "name" };
            r.insert(key.into(), Value::String((*name).to_string()));
            let ty = if paired {
                types.get(i)
            } else if types.len() == 1 {
                types.first()
            } else {
                None
            };
            if let Some(ty) = ty.filter(|t| !t.is_empty()) {
                r.insert("type".into(), Value::String((*ty).to_string()));
            }
            Value::Object(r)
        })
        .collect();
    Some(Value::Array(list))
}
