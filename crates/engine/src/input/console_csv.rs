//! The CloudTrail console's Event history CSV export: each row becomes a partial raw CloudTrail
//! record built from the summary columns (lossy), or the full record when the export carries a
//! `CloudTrail event` column with the event's JSON.
//!
//! Depends on nothing else in the crate but the record accounting.

use super::emit::Emitter;
use super::{Ended, FileError, FileStatus, Location, RecordKind, Shape, text};
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

/// Reads the CSV in `text` from `start`.
pub(crate) fn read(text: &[u8], start: usize, emit: &mut Emitter<'_>) -> Ended {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(&text[start..]);
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return fail(text, start, format!("unreadable CSV header: {e}")),
    };
    let columns: Vec<Option<usize>> =
        header.iter().map(|name| CONSOLE_HEADER.iter().position(|c| c.eq_ignore_ascii_case(name.trim()))).collect();
    let missing: Vec<&str> = REQUIRED.iter().filter(|r| !header.iter().any(|h| h.trim().eq_ignore_ascii_case(r))).copied().collect();
    if !missing.is_empty() {
        let found: Vec<String> = header.iter().take(8).map(|h| format!("\"{h}\"")).collect();
        return fail(
            text,
            start,
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
    let mut row = csv::StringRecord::new();
    // Lines are counted incrementally from the record byte offsets (quoted cells may span lines).
    let (mut seen_byte, mut seen_line) = (start, 1);
    loop {
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let byte = e.position().map_or(text.len(), |p| start + p.byte() as usize);
                let error = text::file_error(text, byte, format!("CSV error: {e}"));
                return Ended { shape: Some(Shape::ConsoleCsv), lossy, status: FileStatus::Failed(error) };
            }
        }
        let mut byte = row.position().map_or(seen_byte, |p| start + p.byte() as usize).min(text.len());
        if text.get(byte) == Some(&b'\n') {
            byte += 1; // csv ends a CRLF record at the CR; the next one starts after the LF
        }
        seen_line += memchr::memchr_iter(b'\n', &text[seen_byte.min(byte)..byte]).count();
        seen_byte = seen_byte.max(byte);
        let location = Location { line: Some(seen_line), byte: Some(byte) };
        if row.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.len() != header.len() {
            emit.error(location, format!("CSV row has {} fields, the header has {}", row.len(), header.len()));
            continue;
        }
        match record(&columns, &row) {
            Ok(value) => emit.record(RecordKind::CloudTrail, value, location),
            Err(why) => emit.error(location, why),
        }
    }
    Ended { shape: Some(Shape::ConsoleCsv), lossy, status: FileStatus::Scanned }
}

fn fail(text: &[u8], start: usize, reason: String) -> Ended {
    let error = FileError { location: text::at(text, start), reason };
    Ended { shape: None, lossy: None, status: FileStatus::Failed(error) }
}

/// One row → a raw CloudTrail record (the full event when the row carries it).
fn record(columns: &[Option<usize>], row: &csv::StringRecord) -> Result<Value, String> {
    let cell = |i: usize| columns.iter().position(|c| *c == Some(i)).and_then(|at| row.get(at)).map(str::trim).filter(|s| !s.is_empty());
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
