//! Messages between the page and the scanning worker, and the per-file result the page shows.
//!
//! Plain serde data: the page's messages go as JSON text (the `File` handles travel beside them, see
//! `bridge`), the worker's as JSON bytes with the records' `eventID` hashes beside them in binary
//! ([`Wire`]). Yew-free and built natively, so its conversions are tested with `cargo test`.

use crate::geoip::GeoIpInfo;
use serde::{Deserialize, Serialize};
use trailhound_engine::events::{ROW_BYTES, Strings};
use trailhound_engine::printable;
use trailhound_engine::{AlertKey, Candidate, FileReport, IdKey, Rule, StageOptions};
use trailhound_engine::{FileError, FileStatus, Location, Row, Shape};
use trailhound_engine::{JsonText, TextAlert};

/// The rules a worker scans with: the built-in set, plus rule files the user added, minus the rules
/// switched off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleConfig {
    /// Rule files the user added: (file name, content).
    pub files: Vec<(String, String)>,
    /// `rule_id`s switched off.
    pub disabled: Vec<String>,
    /// `rule_id`s of rules off as loaded (a Sigma `deprecated` status, a rule a correlation
    /// covers) switched on.
    #[serde(default)]
    pub enabled: Vec<String>,
    /// Apply `max_signals` to every rule's emulated runs (see `trailhound scan --emulate-schedule`).
    #[serde(default)]
    pub emulate_schedule: bool,
    /// New terms rules only learn during their first history window.
    #[serde(default)]
    pub learn_first_history: bool,
    /// The most MiB one record may take (see `trailhound scan --max-record-bytes`).
    #[serde(default = "default_record_mib")]
    pub max_record_mib: u32,
    /// The GeoIP/ASN databases kept in the browser (their files travel beside `Configure`).
    #[serde(default)]
    pub geoip: Vec<GeoIpInfo>,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            files: Vec::new(),
            disabled: Vec::new(),
            enabled: Vec::new(),
            emulate_schedule: false,
            learn_first_history: false,
            max_record_mib: default_record_mib(),
            geoip: Vec::new(),
        }
    }
}

/// The engine's default record limit, in MiB.
pub fn default_record_mib() -> u32 {
    (trailhound_engine::input::MAX_RECORD_BYTES >> 20) as u32
}

/// The record limits the page offers, in MiB: up to 64 (a parsed record may take ~36 times its
/// text, and a worker has 4 GiB).
pub const RECORD_MIB: [u32; 5] = [1, 2, 8, 16, 64];

impl RuleConfig {
    /// The rules a scan runs, in the order every worker and the page's second stage share
    /// (candidates name rules by place).
    pub fn enabled_rules(&self) -> Vec<Rule> {
        crate::state::load_rules(&self.files).rules.into_iter().filter(|r| self.runs(r)).collect()
    }

    /// Whether `rule` runs: on as loaded or switched on, and not switched off.
    pub fn runs(&self, rule: &Rule) -> bool {
        (rule.enabled || self.enabled.contains(&rule.rule_id)) && !self.disabled.contains(&rule.rule_id)
    }

    /// How reading a file is bounded.
    pub fn limits(&self) -> trailhound_engine::Limits {
        let mib = self.max_record_mib.clamp(1, 64) as usize;
        trailhound_engine::Limits { max_record_bytes: mib << 20, ..trailhound_engine::Limits::default() }
    }

    /// How the second stage decides.
    pub fn stage_options(&self) -> StageOptions {
        StageOptions { emulate_schedule: self.emulate_schedule, learn_first_window: self.learn_first_history }
    }
}

/// Page → worker. A `Scan` message carries the file's `File` handle next to this JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ToWorker {
    /// Load these rules and hash `eventID`s with this key (the same in every worker of a scan); the
    /// GeoIP databases' files are attached (`databases`), in the order of `rules.geoip`.
    Configure { rules: RuleConfig, id_key: IdKey },
    /// Read and scan the attached file.
    Scan { id: usize, name: String },
    /// Search the attached file (scanned as `id`) for the events a KQL query matches, with the
    /// query as the only rule (for a query the event index cannot answer).
    Hunt { id: usize, name: String, query: String, run: u64 },
    /// Read again the attached file's records numbered `records` (in increasing order), for
    /// showing or exporting their documents (read `run` of the page's).
    Fetch { id: usize, name: String, records: Vec<usize>, run: u64 },
}

/// A record read again ([`ToWorker::Fetch`]): its ECS document as the scan maps it, and the raw
/// CloudTrail record when that is what the file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchedRecord {
    pub record: usize,
    pub document: JsonText,
    pub original: Option<JsonText>,
}

impl FetchedRecord {
    /// The text form of a record the engine read again.
    pub fn of(fetched: &trailhound_engine::Fetched) -> FetchedRecord {
        FetchedRecord {
            record: fetched.record,
            document: JsonText::of(&fetched.document),
            original: fetched.original.as_ref().map(JsonText::of),
        }
    }
}

/// Worker → page. Adjacently tagged, the tag first: the page reads a message in one pass (an
/// internally tagged enum is buffered whole before it is read, which doubled the page's work on
/// alert parts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
// One message at a time, serialized at once: boxing `Done` would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum FromWorker {
    /// The worker's Wasm is loaded and it takes messages.
    Ready,
    /// Reading a file: `bytes` of it read so far.
    Reading { id: usize, bytes: u64 },
    /// Some of a file's alerts (with their keys), sent as they are raised, ahead of its `Done`: the
    /// page reads them a part at a time, and shows them as the scan goes.
    Alerts { id: usize, alerts: Vec<TextAlert>, keys: Vec<Option<AlertKey>> },
    /// Some of a file's `eventID` hashes, in order, sent ahead of its `Done` when it has many, so
    /// that the page takes a big file's IDs a part at a time.
    Ids {
        id: usize,
        /// Carried beside the JSON, in binary (see [`Wire`]).
        #[serde(skip)]
        ids: Vec<u64>,
    },
    /// A file is done (scanned, skipped or failed), scanned on its own: its report, its alerts, and
    /// what the page needs to settle duplicates across files (the records' `eventID` hashes, in
    /// order, and each alert's key). `report.duplicates` is not counted yet.
    Done {
        id: usize,
        report: FileReport,
        alerts: Vec<TextAlert>,
        /// Carried beside the JSON, in binary (see [`Wire`]).
        #[serde(skip)]
        ids: Vec<u64>,
        keys: Vec<Option<AlertKey>>,
        /// The candidates of stateful rules, for the page's second stage.
        #[serde(default)]
        candidates: Vec<Candidate>,
        /// The file's events for the page's event index: their strings, and their rows (carried
        /// beside the JSON, in binary, see [`Wire`]).
        #[serde(default)]
        strings: Strings,
        #[serde(skip)]
        rows: Vec<Row>,
    },
    /// A file searched ([`ToWorker::Hunt`]): the places of the records the query matches, in order,
    /// or why it could not be searched.
    Hunted { id: usize, run: u64, records: Vec<usize>, error: Option<String> },
    /// Records read again ([`ToWorker::Fetch`]), in record order, or why the file could not be read.
    Fetched { id: usize, run: u64, records: Vec<FetchedRecord>, error: Option<String> },
    /// The worker's Wasm memory after a file, in bytes. Wasm memory only grows, so this is the most
    /// the worker has held so far.
    Memory { bytes: u64 },
    /// The worker panicked; it must be replaced.
    Panic { message: String },
}

/// A worker message as it crosses to the page: JSON as UTF-8 bytes (sent as a transferred buffer,
/// never turned into a JS string and back), and a `Done` message's `ids` as little-endian `u64`s:
/// a file of a thousand records sends 8 KB of ids instead of about 20 KB of digits to print and parse.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Wire {
    pub json: Vec<u8>,
    pub ids: Vec<u8>,
    /// A `Done` message's event rows, [`ROW_BYTES`] each.
    pub rows: Vec<u8>,
}

impl FromWorker {
    /// A file's result that is its report alone (the file could not be read, or not at all).
    pub fn report_only(id: usize, report: FileReport) -> FromWorker {
        FromWorker::Done {
            id,
            report,
            alerts: vec![],
            ids: vec![],
            keys: vec![],
            candidates: vec![],
            strings: Strings::default(),
            rows: vec![],
        }
    }

    /// The message as it is posted to the page (the worker's end).
    pub fn encode(&self) -> serde_json::Result<Wire> {
        let ids = match self {
            FromWorker::Done { ids, .. } | FromWorker::Ids { ids, .. } => ids.iter().flat_map(|id| id.to_le_bytes()).collect(),
            _ => Vec::new(),
        };
        let rows = match self {
            FromWorker::Done { rows, .. } => rows.iter().flat_map(Row::to_bytes).collect(),
            _ => Vec::new(),
        };
        Ok(Wire { json: serde_json::to_vec(self)?, ids, rows })
    }

    /// Reads a worker message (the page's end): its JSON, and for `Done` its ids. An alert's record
    /// and ECS document are read as text ([`JsonText`](trailhound_engine::JsonText)), however deep they
    /// nest; serde_json's recursion limit is lifted all the same, so that no message is refused for
    /// its depth (a refused message stops the whole scan). The depth stays bounded: the engine's
    /// parser limit plus the few levels of the message and the ECS mapping.
    pub fn decode(json: &[u8], ids: &[u8], rows: &[u8]) -> serde_json::Result<FromWorker> {
        let mut reader = serde_json::Deserializer::from_slice(json);
        reader.disable_recursion_limit();
        let mut message = FromWorker::deserialize(&mut reader)?;
        reader.end()?;
        if !ids.len().is_multiple_of(8) {
            return Err(serde::de::Error::custom(format!("{} bytes of ids is not a whole number of ids", ids.len())));
        }
        match &mut message {
            FromWorker::Done { ids: into, .. } | FromWorker::Ids { ids: into, .. } => {
                into.extend(ids.chunks_exact(8).map(|id| u64::from_le_bytes(id.try_into().unwrap_or_default())));
            }
            _ if !ids.is_empty() => return Err(serde::de::Error::custom("ids beside a message that has none")),
            _ => {}
        }
        if !rows.len().is_multiple_of(ROW_BYTES) {
            return Err(serde::de::Error::custom(format!("{} bytes of event rows is not a whole number of rows", rows.len())));
        }
        match &mut message {
            FromWorker::Done { rows: into, strings, .. } => {
                into.extend(rows.chunks_exact(ROW_BYTES).map(|row| Row::from_bytes(row.try_into().unwrap_or(&[0; ROW_BYTES]))));
                // A row naming a string the file did not send would read as another file's.
                let known = strings.len() as u32;
                if into.iter().any(|row| trailhound_engine::Column::ALL.iter().any(|&c| row.value(c).is_some_and(|n| n >= known))) {
                    return Err(serde::de::Error::custom("an event row names a string its file did not send"));
                }
            }
            _ if !rows.is_empty() => return Err(serde::de::Error::custom("event rows beside a message that has none")),
            _ => {}
        }
        Ok(message)
    }
}

/// A report for a file the page leaves out, or that the browser could not read: no records.
pub fn unscanned(name: &str, bytes: u64, status: FileStatus) -> FileReport {
    FileReport { bytes, ..FileReport::ended(name, status) }
}

/// A report for a file that could not be read at all, saying why.
pub fn unreadable(name: &str, bytes: u64, reason: String) -> FileReport {
    unscanned(name, bytes, FileStatus::Failed(FileError { location: Location::default(), reason }))
}

/// The first record errors of a file as the files panel lists them: "record N, where: why", with
/// planted control characters shown escaped.
pub fn record_error_samples(report: &FileReport) -> Vec<String> {
    report.errors.iter().map(|e| format!("record {}, {}: {}", e.index + 1, e.location, printable(&e.reason))).collect()
}

/// A shape in words, as the files panel says it.
pub fn shape_name(shape: Shape) -> &'static str {
    match shape {
        Shape::S3Delivery => "CloudTrail S3 delivery",
        Shape::JsonArray => "JSON array of records",
        Shape::SingleRecord => "single record",
        Shape::JsonLines => "NDJSON records",
        Shape::LookupEvents => "lookup-events output",
        Shape::ConsoleCsv => "console Event history CSV",
        Shape::Ecs => "ECS documents",
        Shape::Digest => "CloudTrail digest",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::FileRead;

    fn report(status: FileStatus) -> FileReport {
        let mut report = FileReport::unreadable("a.json", String::new());
        report.read = FileRead { shape: Some(Shape::S3Delivery), gzip: true, lossy: None, status };
        report
    }

    #[test]
    fn a_failed_file_says_where_and_why() {
        let failed = report(FileStatus::Failed(FileError {
            location: Location { line: Some(3), byte: Some(120) },
            reason: "unexpected end of gzip stream".into(),
        }));
        assert_eq!(failed.status().as_str(), "error");
        assert_eq!(failed.reason().as_deref(), Some("line 3, byte 120: unexpected end of gzip stream"));
        assert_eq!(failed.read.shape.map(shape_name), Some("CloudTrail S3 delivery"));
        let skipped = report(FileStatus::Skipped("a digest file".into()));
        assert_eq!((skipped.status().as_str(), skipped.reason().as_deref()), ("skipped", Some("a digest file")));
        // Planted control and bidi-override characters are shown escaped, as the CLI shows them.
        let planted = report(FileStatus::Failed(FileError {
            location: Location { line: Some(1), byte: Some(0) },
            reason: "unknown shape: keys `\u{1b}[2Jowned`, `a\u{202e}b`".into(),
        }));
        assert_eq!(planted.reason().as_deref(), Some(r"line 1, byte 0: unknown shape: keys `\u{1b}[2Jowned`, `a\u{202e}b`"));
        // A file the browser could not read says why, with no place in it.
        assert_eq!(unreadable("b.json", 5, "gone".into()).reason().as_deref(), Some("gone"));
    }

    #[test]
    fn messages_round_trip_as_json() {
        let message = ToWorker::Scan { id: 3, name: "logs/a.json.gz".into() };
        let text = serde_json::to_string(&message).unwrap();
        assert_eq!(text, r#"{"kind":"scan","id":3,"name":"logs/a.json.gz"}"#);
        assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), message);
        let back = FromWorker::Panic { message: "boom".into() };
        let wire = back.encode().unwrap();
        assert_eq!((wire.json.as_slice(), wire.ids.len()), (br#"{"kind":"panic","data":{"message":"boom"}}"#.as_slice(), 0));
        assert_eq!(FromWorker::decode(&wire.json, &wire.ids, &wire.rows).unwrap(), back);
        assert!(FromWorker::decode(br#"{"kind":"ready"} x"#, &[], &[]).is_err(), "trailing text is refused");
        assert!(FromWorker::decode(br#"{"kind":"ready"}"#, &[0; 8], &[]).is_err(), "ids beside a message without any");
    }

    /// A `Done` message's ids travel in binary beside the JSON, never in it.
    #[test]
    fn ids_travel_beside_the_json() {
        let ids = vec![0, 1, u64::MAX, 0x0102_0304_0506_0708];
        let mut done = FromWorker::report_only(2, unreadable("a.json", 5, "x".into()));
        if let FromWorker::Done { ids: into, .. } = &mut done {
            *into = ids;
        }
        let wire = done.encode().unwrap();
        assert_eq!(wire.ids.len(), 4 * 8);
        assert_eq!(&wire.ids[24..], &[8, 7, 6, 5, 4, 3, 2, 1]);
        assert!(!String::from_utf8_lossy(&wire.json).contains("ids"));
        assert_eq!(FromWorker::decode(&wire.json, &wire.ids, &wire.rows).unwrap(), done);
        assert!(FromWorker::decode(&wire.json, &wire.ids[..31], &wire.rows).is_err(), "a partial id is refused");
        let part = FromWorker::Ids { id: 2, ids: vec![7, u64::MAX] };
        let wire = part.encode().unwrap();
        assert_eq!((wire.json.as_slice(), wire.ids.len()), (br#"{"kind":"ids","data":{"id":2}}"#.as_slice(), 16));
        assert_eq!(FromWorker::decode(&wire.json, &wire.ids, &wire.rows).unwrap(), part);
    }

    /// A file's event rows travel in binary beside the JSON, and a row naming a string its file
    /// did not send is refused.
    #[test]
    fn event_rows_travel_beside_the_json() {
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stratus/aws.impact.bedrock-invoke-model.json")).unwrap();
        let scanned =
            trailhound_engine::Scanner::new([]).with_events(true).scan("b.json", trailhound_engine::Source::bytes(&bytes), &mut Vec::new());
        let events = scanned.events;
        assert!(events.len() > 10);
        let report = scanned.report;
        let mut done = FromWorker::report_only(1, report);
        if let FromWorker::Done { strings, rows, .. } = &mut done {
            (*strings, *rows) = (events.strings.clone(), events.rows.clone());
        }
        let wire = done.encode().unwrap();
        assert_eq!(wire.rows.len(), events.len() * ROW_BYTES);
        assert_eq!(FromWorker::decode(&wire.json, &wire.ids, &wire.rows).unwrap(), done);
        assert!(FromWorker::decode(&wire.json, &wire.ids, &wire.rows[..63]).is_err(), "a partial row is refused");
        let FromWorker::Done { report, .. } = done else { unreachable!() };
        let stripped = FromWorker::report_only(1, report);
        let json = stripped.encode().unwrap().json;
        assert!(FromWorker::decode(&json, &[], &wire.rows).is_err(), "rows naming strings that were not sent are refused");
    }

    /// A record nested as deep as the engine reads (tests/hostile/files/nested-120.json) alerts,
    /// and the message carrying that alert reaches the page: it used to exceed serde_json's default
    /// recursion limit there, and the page took the scanner for dead.
    #[test]
    fn an_alert_on_a_deeply_nested_record_reaches_the_page() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hostile/files/nested-120.json");
        let bytes = std::fs::read(path).unwrap();
        let rules = crate::state::load_rules(&[]).rules;
        let mut alerts: Vec<(trailhound_engine::Alert, Option<AlertKey>)> = Vec::new();
        let scanner = trailhound_engine::Scanner::new(rules);
        let report = scanner.scan("nested-120.json", trailhound_engine::Source::bytes(&bytes), &mut alerts).report;
        let alerts: Vec<_> = alerts.into_iter().map(|(alert, _)| alert).collect();
        assert_eq!((report.scanned, alerts.len()), (1, 1));
        let keys = vec![None; alerts.len()];
        let texts = alerts.iter().cloned().map(trailhound_engine::Alert::into_text).collect();
        let message = FromWorker::Done {
            id: 7,
            report,
            alerts: texts,
            ids: vec![1, 2],
            keys,
            candidates: vec![],
            strings: Strings::default(),
            rows: vec![],
        };
        let wire = message.encode().unwrap();
        let decoded = FromWorker::decode(&wire.json, &wire.ids, &wire.rows).unwrap();
        assert_eq!(decoded, message);
        // The page keeps the documents as text; parsed again, they are the engine's.
        let FromWorker::Done { alerts: shown, .. } = decoded else { unreachable!() };
        assert_eq!(shown[0].to_value().unwrap(), alerts[0]);
        assert!(shown[0].original.is_some());
    }
}
