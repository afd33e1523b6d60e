//! The scan, the first stage: read a file's records, match every enabled rule, raise alerts into a
//! [`Sink`], and account for every record (records = scanned + errors).
//!
//! One entry, [`Scanner::scan`], takes a [`Source`] (bytes, a reader, a stream inflated ahead) and
//! a [`Sink`]. A file is scanned on its own, so files can be scanned on any thread or worker; what
//! it gives ([`FileScan`]: the report and the records' `eventID` hashes) is settled in file order
//! by a [`Merge`], which counts duplicates and drops alerts already raised, so the outcome is that
//! of scanning the files one after another.
//!
//! Depends on input, ecs, kql (through rules) and alert, and on `output::printable` for reasons fit
//! to show; never on output formats or a platform API.

mod dedup;
mod index;
mod merge;
mod report;
mod sink;
mod source;

pub use dedup::{AlertKey, Dedup, IdKey};
pub use merge::{Merge, Settled};
pub use report::{FileReport, KEPT_RECORD_ERRORS, Summary};
pub use sink::{FnSink, Sink};
pub use source::Source;

use crate::alert::{Alert, EventSummary, Origin, RuleRef, first_with};
use crate::doc::Document;
use crate::ecs::{EcsView, MapOptions, RawView};
use crate::input::{Body, FileStatus, Limits, Record, RecordKind};
use crate::rules::Rule;
use serde_json::Value;
use std::sync::Arc;

/// Scans files against a set of rules it owns; shared by every thread or worker of a scan (it
/// holds no state between files: that is the [`Merge`]'s).
pub struct Scanner {
    rules: Arc<[Rule]>,
    /// The rules by the actions they require.
    index: index::RuleIndex,
    map: MapOptions,
    limits: Limits,
    /// The key `eventID`s are hashed with.
    id_key: IdKey,
}

/// One file scanned on its own, the first stage's output: its report (duplicates and alerts not
/// yet counted) and the `eventID` hash of each record that has one, in order. Its alerts went to
/// the sink. A [`Merge`] settles it among the other files.
#[derive(Debug, Clone, PartialEq)]
pub struct FileScan {
    pub report: FileReport,
    pub ids: Vec<u64>,
}

impl Scanner {
    pub fn new(rules: impl IntoIterator<Item = Rule>) -> Self {
        let rules: Arc<[Rule]> = rules.into_iter().collect();
        Scanner {
            index: index::RuleIndex::new(&rules),
            rules,
            map: MapOptions::default(),
            limits: Limits::default(),
            id_key: IdKey::random(),
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

    /// The rules it scans with.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Scans the file called `name` from `source`, handing each alert to `sink` as it is raised.
    pub fn scan(&self, name: &str, source: Source<'_>, sink: &mut dyn Sink) -> FileScan {
        let mut scan = FileScan { report: FileReport::ended(name, FileStatus::Scanned), ids: Vec::new() };
        let (read, bytes) = source.read(&self.limits, &mut |item| {
            scan.report.records += 1;
            match item {
                Ok(record) => {
                    scan.report.scanned += 1;
                    self.scan_record(name, record, &mut scan.ids, sink);
                }
                Err(error) => {
                    scan.report.record_errors += 1;
                    if scan.report.errors.len() < KEPT_RECORD_ERRORS {
                        scan.report.errors.push(error);
                    }
                }
            }
        });
        (scan.report.read, scan.report.bytes) = (read, bytes);
        scan
    }

    fn scan_record(&self, file: &str, record: Record<'_>, ids: &mut Vec<u64>, sink: &mut dyn Sink) {
        let map = &self.map;
        let seen = match (&record.body, record.kind) {
            (Body::Raw(raw), _) => Seen::Raw(RawView::new(raw, map)),
            (Body::Value(value), RecordKind::CloudTrail) => Seen::Parsed(EcsView::new(value, map)),
            (Body::Value(value), RecordKind::Ecs) => Seen::Ecs(value),
        };
        let doc = seen.document();
        let id = first_with(doc, "event.id", |id| self.id_key.hash(id));
        ids.extend(id);
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
                Alert { rule: RuleRef::of(&self.rules[rule_index]), event: event.clone(), origin: origin.clone(), document, original };
            let key = id.map(|id| (self.id_key.hash(&self.rules[rule_index].rule_id), id));
            sink.alert(alert, key);
        };
        for &rule_index in others {
            alert(rule_index, document.clone(), original.clone());
        }
        alert(last, document, original);
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
