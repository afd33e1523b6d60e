//! The scan loop: read a file's records, match every enabled rule, raise alerts, and account for
//! every record (records = scanned + errors), with duplicate `eventID`s counted and alerted once.
//!
//! Files can be scanned on their own, in parallel ([`Scanner::scan_alone`]), and their results
//! merged in file order ([`Scanner::merge`]): duplicates and repeated alerts are settled in the
//! merge, so the outcome is the same as scanning the files one after another.
//!
//! Depends on input, ecs, kql (through rules) and alert; never on output formats or a platform API.

mod dedup;
mod index;

pub use dedup::{AlertKey, Dedup, IdKey};

use crate::alert::{Alert, EventSummary, Origin, RuleRef, first_with};
use crate::doc::Document;
use crate::ecs::{EcsView, MapOptions, RawView};
use crate::input::{self, Body, FileOutcome, FileRead, Limits, Record, RecordError, RecordKind};
use crate::rules::Rule;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

/// How many record errors a file report keeps in full (the rest are counted).
pub const KEPT_RECORD_ERRORS: usize = 20;

/// How one file went.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub name: String,
    pub bytes: u64,
    pub read: FileRead,
    /// Records seen: scanned + record errors.
    pub records: usize,
    pub scanned: usize,
    pub record_errors: usize,
    /// The first [`KEPT_RECORD_ERRORS`] record errors.
    pub errors: Vec<RecordError>,
    /// Records whose `eventID` was already seen in this scan.
    pub duplicates: usize,
    pub alerts: usize,
}

/// A file's status in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Scanned,
    Skipped,
    Error,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Scanned => "scanned",
            FileStatus::Skipped => "skipped",
            FileStatus::Error => "error",
        }
    }
}

impl FileReport {
    pub fn status(&self) -> FileStatus {
        match self.read.outcome {
            FileOutcome::Complete => FileStatus::Scanned,
            FileOutcome::Skipped(_) => FileStatus::Skipped,
            FileOutcome::Failed(_) => FileStatus::Error,
        }
    }

    /// A report for a file that could not even be opened.
    pub fn unreadable(name: &str, reason: String) -> FileReport {
        FileReport {
            name: name.to_string(),
            bytes: 0,
            read: FileRead {
                shape: None,
                gzip: false,
                lossy: None,
                outcome: FileOutcome::Failed(input::FileError { location: Default::default(), reason }),
            },
            records: 0,
            scanned: 0,
            record_errors: 0,
            errors: Vec::new(),
            duplicates: 0,
            alerts: 0,
        }
    }
}

/// Scans files against a set of rules; remembers `eventID`s across files to count duplicates.
pub struct Scanner<'r> {
    rules: Vec<&'r Rule>,
    /// The rules by the actions they require.
    index: index::RuleIndex,
    map: MapOptions,
    limits: Limits,
    /// The key `eventID`s are hashed with.
    id_key: IdKey,
    dedup: Dedup,
}

/// One file scanned on its own: its report (duplicates not yet counted), and what the merge
/// needs to settle duplicates and repeated alerts. Its alerts are kept as raised (`A` =
/// [`Alert`]), or as what the scan turned each into as it was raised ([`Scanner::scan_stream_as`]).
pub struct FileScan<A = Alert> {
    report: FileReport,
    /// The `eventID` hash of each record that has one, in order.
    ids: Vec<u64>,
    /// The alerts raised, each with its (rule, `eventID` hash) when the record has an ID.
    alerts: Vec<Keyed<A>>,
}

/// An alert raised by a file scanned on its own (or what was kept of it), with its key when the
/// record has an `eventID`.
pub type Keyed<A = Alert> = (A, Option<AlertKey>);

/// An alert raised by a file scanned on its own, with its key.
pub type KeyedAlert = Keyed<Alert>;

impl<A> FileScan<A> {
    /// The report (duplicates not yet counted), the records' `eventID` hashes in order, and the
    /// alerts with their keys: what a [`Dedup`] elsewhere needs to settle them.
    pub fn into_parts(self) -> (FileReport, Vec<u64>, Vec<Keyed<A>>) {
        (self.report, self.ids, self.alerts)
    }
}

impl<'r> Scanner<'r> {
    pub fn new(rules: impl IntoIterator<Item = &'r Rule>) -> Self {
        let rules: Vec<&Rule> = rules.into_iter().collect();
        Scanner {
            index: index::RuleIndex::new(&rules),
            rules,
            map: MapOptions::default(),
            limits: Limits::default(),
            id_key: IdKey::random(),
            dedup: Dedup::default(),
        }
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Hashes `eventID`s with `key` (every scanner of a scan split among workers shares one).
    pub fn with_id_key(mut self, key: IdKey) -> Self {
        self.id_key = key;
        self
    }

    /// Scans one file's content, pushing its alerts to `alerts`.
    pub fn scan_file(&mut self, name: &str, bytes: &[u8], alerts: &mut Vec<Alert>) -> FileReport {
        let scan = self.scan_alone(name, bytes);
        self.merge(scan, alerts)
    }

    /// Scans one file without regard to the others (so files can be scanned in parallel); hand
    /// the result to [`Scanner::merge`], in file order.
    pub fn scan_alone(&self, name: &str, bytes: &[u8]) -> FileScan {
        self.scan_alone_as(name, bytes, &mut |alert, _| alert)
    }

    /// [`Scanner::scan_alone`], each alert handed to `keep` as in [`Scanner::scan_stream_as`].
    pub fn scan_alone_as<A>(&self, name: &str, bytes: &[u8], keep: &mut dyn FnMut(Alert, Option<AlertKey>) -> A) -> FileScan<A> {
        self.scan_with(name, bytes.len() as u64, keep, |limits, sink| input::read_file_with(bytes, limits, sink))
    }

    /// [`Scanner::scan_alone`] for a file read from `reader` a slice at a time (`slice` bytes, into
    /// `buffer`, kept for the next file), never whole. `size` is the file's size when known (the
    /// report's bytes); else the bytes read are counted.
    pub fn scan_stream(&self, name: &str, reader: &mut dyn Read, size: Option<u64>, slice: usize, buffer: &mut Vec<u8>) -> FileScan {
        self.scan_stream_as(name, reader, size, slice, buffer, &mut |alert, _| alert)
    }

    /// [`Scanner::scan_stream`], each alert handed to `keep` with its key as it is raised, and what
    /// `keep` gives kept instead (its text in an output format, say, so that alert documents are
    /// not held; or nothing, the alert sent on at once).
    pub fn scan_stream_as<A>(
        &self,
        name: &str,
        reader: &mut dyn Read,
        size: Option<u64>,
        slice: usize,
        buffer: &mut Vec<u8>,
        keep: &mut dyn FnMut(Alert, Option<AlertKey>) -> A,
    ) -> FileScan<A> {
        // The bytes are counted only when the size is not known: a counting reader has only
        // `read`, and the standard library zeroes the room it is given to read into.
        if let Some(size) = size {
            return self.scan_with(name, size, keep, |limits, sink| input::read_stream(reader, limits, slice, buffer, sink));
        }
        let mut counted = Counted { reader, bytes: 0 };
        let mut scan = self.scan_with(name, 0, keep, |limits, sink| input::read_stream(&mut counted, limits, slice, buffer, sink));
        scan.report.bytes = counted.bytes;
        scan
    }

    /// [`Scanner::scan_stream_as`] for a file of `size` bytes, with a gzip file inflated on a
    /// thread of its own ([`input::read_stream_ahead`]): for a big `.json.gz` when there is a core
    /// to spare.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn scan_stream_ahead_as<A>(
        &self,
        name: &str,
        reader: &mut (dyn Read + Send),
        size: u64,
        slice: usize,
        buffer: &mut Vec<u8>,
        keep: &mut dyn FnMut(Alert, Option<AlertKey>) -> A,
    ) -> FileScan<A> {
        self.scan_with(name, size, keep, |limits, sink| input::read_stream_ahead(reader, limits, slice, buffer, sink))
    }

    /// Scans what `read` yields, a file called `name` of `bytes` bytes, keeping `keep` of each alert.
    fn scan_with<A>(
        &self,
        name: &str,
        bytes: u64,
        keep: &mut dyn FnMut(Alert, Option<AlertKey>) -> A,
        read: impl FnOnce(&Limits, &mut dyn FnMut(Result<Record<'_>, RecordError>)) -> FileRead,
    ) -> FileScan<A> {
        let mut scan = FileScan { report: FileReport::unreadable(name, String::new()), ids: Vec::new(), alerts: Vec::new() };
        scan.report.bytes = bytes;
        let read = read(&self.limits, &mut |item| {
            scan.report.records += 1;
            match item {
                Ok(record) => {
                    scan.report.scanned += 1;
                    self.scan_record(name, record, &mut scan, keep);
                }
                Err(error) => {
                    scan.report.record_errors += 1;
                    if scan.report.errors.len() < KEPT_RECORD_ERRORS {
                        scan.report.errors.push(error);
                    }
                }
            }
        });
        scan.report.read = read;
        scan
    }

    /// Takes in a file scanned on its own: counts its duplicates and drops alerts already raised
    /// (by `eventID`, across every file merged so far), pushing the rest to `alerts`.
    pub fn merge<A>(&mut self, scan: FileScan<A>, alerts: &mut Vec<A>) -> FileReport {
        let FileScan { mut report, ids, alerts: raised } = scan;
        let (duplicates, kept) = self.dedup.settle(&ids, raised);
        (report.duplicates, report.alerts) = (duplicates, kept.len());
        alerts.extend(kept);
        report
    }

    fn scan_record<A>(&self, file: &str, record: Record<'_>, scan: &mut FileScan<A>, keep: &mut dyn FnMut(Alert, Option<AlertKey>) -> A) {
        let map = &self.map;
        let seen = match (&record.body, record.kind) {
            (Body::Raw(raw), _) => Seen::Raw(RawView::new(raw, map)),
            (Body::Value(value), RecordKind::CloudTrail) => Seen::Parsed(EcsView::new(value, map)),
            (Body::Value(value), RecordKind::Ecs) => Seen::Ecs(value),
        };
        let doc = seen.document();
        let id = first_with(doc, "event.id", |id| self.id_key.hash(id));
        scan.ids.extend(id);
        let mut matched: Vec<usize> = Vec::new();
        let check = |rule_index: usize| {
            if self.rules[rule_index].query.matches(doc) {
                matched.push(rule_index);
            }
        };
        // The rules that name actions are checked only against records doing one of them, when
        // the record's action is known without building its document.
        match &seen {
            Seen::Raw(view) => match view.fast_value(index::INDEXED_FIELD) {
                Some(action) => self.index.for_each_candidate(action.as_deref(), check),
                None => (0..self.rules.len()).for_each(check),
            },
            _ => (0..self.rules.len()).for_each(check),
        }
        let Some((&last, others)) = matched.split_last() else {
            return;
        };
        // The view's document and record become the alerts' (cloned only for a second alert).
        let (document, original) = seen.into_parts();
        let event = EventSummary::from_ecs(&document, original.as_ref());
        let origin = Origin { file: file.to_string(), record: record.index };
        let mut alert = |rule_index: usize, document, original| {
            let alert =
                Alert { rule: RuleRef::of(self.rules[rule_index]), event: event.clone(), origin: origin.clone(), document, original };
            let key = id.map(|id| (self.id_key.hash(&self.rules[rule_index].rule_id), id));
            (keep(alert, key), key)
        };
        for &rule_index in others {
            scan.alerts.push(alert(rule_index, document.clone(), original.clone()));
        }
        scan.alerts.push(alert(last, document, original));
    }
}

/// A reader that counts the bytes it gives.
struct Counted<'a> {
    reader: &'a mut dyn Read,
    bytes: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(out)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// A record as the rules see it: a raw CloudTrail record (in text or parsed) through its lazy ECS
/// view, or a document already in ECS.
enum Seen<'a> {
    Raw(RawView<'a>),
    Parsed(EcsView<'a>),
    Ecs(&'a Value),
}

impl Seen<'_> {
    fn document(&self) -> &dyn Document {
        match self {
            Seen::Raw(view) => view,
            Seen::Parsed(view) => view,
            Seen::Ecs(value) => *value,
        }
    }

    /// The full ECS document, and the raw CloudTrail record if that is what was read.
    fn into_parts(self) -> (Value, Option<Value>) {
        match self {
            Seen::Raw(view) => {
                let (document, record) = view.into_parts();
                (document, Some(record))
            }
            Seen::Parsed(view) => {
                let record = view.record().clone();
                (view.into_document(), Some(record))
            }
            Seen::Ecs(value) => (value.clone(), None),
        }
    }
}

/// Totals over many files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub files_failed: usize,
    pub bytes: u64,
    pub records: usize,
    pub scanned: usize,
    pub record_errors: usize,
    pub duplicates: usize,
    pub alerts: usize,
    /// Alerts per rule name.
    pub alerts_per_rule: BTreeMap<String, usize>,
    /// Files whose shape loses information (name, what is lost).
    pub lossy: Vec<(String, &'static str)>,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        match report.status() {
            FileStatus::Scanned => self.files_scanned += 1,
            FileStatus::Skipped => self.files_skipped += 1,
            FileStatus::Error => self.files_failed += 1,
        }
        self.bytes += report.bytes;
        self.records += report.records;
        self.scanned += report.scanned;
        self.record_errors += report.record_errors;
        self.duplicates += report.duplicates;
        self.alerts += report.alerts;
        if let Some(what) = report.read.lossy {
            self.lossy.push((report.name.clone(), what));
        }
    }

    /// Counts one alert of the rule called `rule`.
    pub fn count_alert(&mut self, rule: &str) {
        match self.alerts_per_rule.get_mut(rule) {
            Some(count) => *count += 1,
            None => {
                self.alerts_per_rule.insert(rule.to_string(), 1);
            }
        }
    }
}
