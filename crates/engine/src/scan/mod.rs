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

mod candidate;
mod dedup;
mod index;
mod merge;
mod report;
mod sink;
mod source;

pub use candidate::Candidate;
pub use dedup::{AlertKey, Dedup, IdKey};
pub use index::Watched;
pub use merge::{Merge, Settled};
pub use report::{FileReport, KEPT_RECORD_ERRORS, Summary};
pub use sink::{FnSink, Sink};
pub use source::Source;

use crate::alert::{Alert, EventSummary, Member, Origin, RuleRef, first_with};
use crate::doc::Document;
use crate::ecs::mapping::Indexed;
use crate::ecs::{EcsView, MapOptions, RawView};
use crate::events::FileEvents;
use crate::input::resume::{Checkpoints, SeekRead};
use crate::input::{Body, FileStatus, Limits, Record, RecordKind};
use crate::rules::{Filter, Kind, Rule};
use crate::stage::new_terms::{self, Sightings};
use serde::{Deserialize, Serialize};
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
    /// Whether every rule's matches go to the second stage, which then applies `max_signals` to
    /// each emulated execution (else query and EQL event rules alert on every match at once).
    emulate_schedule: bool,
    /// Whether every event is indexed ([`FileScan::events`]).
    index_events: bool,
}

/// One file scanned on its own, the first stage's output: its report (duplicates and alerts not
/// yet counted), the `eventID` hash of each record that has one, in order, and the candidates of
/// stateful rules, in record order. Its alerts went to the sink. A [`Merge`] settles it among the
/// other files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileScan {
    pub report: FileReport,
    pub ids: Vec<u64>,
    pub candidates: Vec<Candidate>,
    /// A row for every record scanned, when the scanner indexes events.
    #[serde(default)]
    pub events: FileEvents,
}

impl FileScan {
    /// The scan of a file that gave nothing but its report.
    pub fn of(report: FileReport) -> FileScan {
        FileScan { report, ids: Vec::new(), candidates: Vec::new(), events: FileEvents::default() }
    }
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
            emulate_schedule: false,
            index_events: false,
        }
    }

    /// Indexes every event it scans (see [`crate::events`]), for hunting and summaries.
    pub fn with_events(mut self, index: bool) -> Self {
        self.index_events = index;
        self
    }

    /// Whether some rule watches for `action` (names it as the call it matches).
    pub fn watches(&self, action: &str) -> bool {
        self.index.names(action)
    }

    /// The actions `rules` watch for, as [`Scanner::watches`] tells them, without a scanner.
    pub fn watched_actions(rules: &[Rule]) -> index::Watched {
        index::RuleIndex::new(rules).watched()
    }

    /// Sends every rule's matches to the second stage, to emulate Elastic's executions of each
    /// rule and their `max_signals` (see [`crate::stage`]).
    pub fn with_emulated_schedule(mut self, emulate: bool) -> Self {
        self.emulate_schedule = emulate;
        self
    }

    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Looks addresses up in `geoip` (`source.geo.*`, `source.as.*`); `None`: no such fields.
    pub fn with_geoip(mut self, geoip: Option<Arc<crate::enrich::GeoIp>>) -> Self {
        self.map.geoip = geoip;
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

    /// The second stage for this scan's candidates (they name rules by place in this scanner's).
    pub fn second_stage(&self, options: crate::stage::Options) -> crate::stage::Decider {
        crate::stage::Decider::new(Arc::clone(&self.rules), options)
    }

    /// Scans the file called `name` from `source`, handing each alert to `sink` as it is raised.
    pub fn scan(&self, name: &str, source: Source<'_>, sink: &mut dyn Sink) -> FileScan {
        let mut scan = FileScan::of(FileReport::ended(name, FileStatus::Scanned));
        let mut recent = Recent::default();
        let (read, bytes) = source.read(&self.limits, &mut |item| {
            scan.report.records += 1;
            match item {
                Ok(record) => {
                    scan.report.scanned += 1;
                    self.scan_record(name, record, &mut scan, &mut recent, sink);
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
        self.shed_alerts(&mut scan.candidates);
        scan
    }

    /// Reads again the records numbered `records` (in increasing order) of the file from `source`:
    /// their ECS documents as the scan maps them, with the raw records, in record order. For
    /// showing the events an index row points at ([`crate::events`]). A reader is read no further
    /// than the last record asked for.
    pub fn fetch(&self, source: Source<'_>, records: &[usize]) -> Vec<Fetched> {
        let mut wanted = Wanted::new(records);
        source.read_until(&self.limits, &wanted.stop.clone(), &mut |item| wanted.take(self, item));
        wanted.out
    }

    /// [`Scanner::fetch`] from a file that can be read from any byte, starting near the first
    /// record asked for: from the last of `points` before it, which this read extends (see
    /// [`crate::input::resume`]). Gives what [`Scanner::fetch`] gives: a damaged file is read by the
    /// scan's own decoder from its start (then and on every later read), and a read from a
    /// checkpoint that ends before the last record asked for is done again from the start, with
    /// the checkpoints taken afresh.
    pub fn fetch_again(&self, file: &mut dyn SeekRead, records: &[usize], points: &mut Checkpoints) -> Vec<Fetched> {
        let Some(&first) = records.first() else { return Vec::new() };
        points.for_limits(&self.limits);
        let (fetched, again, reached) = self.fetch_from(file, first, records, points);
        if !again.resumed || (!again.left_first && reached >= records.last().copied()) {
            return fetched;
        }
        *points = Checkpoints::every(points.interval());
        self.fetch_from(file, 0, records, points).0
    }

    /// [`Scanner::fetch`] of `file` from its start, as a stream.
    fn fetch_streamed(&self, file: &mut dyn SeekRead, records: &[usize]) -> Vec<Fetched> {
        match file.seek(std::io::SeekFrom::Start(0)) {
            Ok(_) => self.fetch(Source::reader(file, None), records),
            Err(_) => Vec::new(),
        }
    }

    /// Reads `records` from the checkpoint before record `from`; with how the read went and the
    /// last record number it reached. A damaged file (met now or before) is read by the scan's
    /// decoder from its start, and its checkpoints dropped.
    fn fetch_from(
        &self,
        file: &mut dyn SeekRead,
        from: usize,
        records: &[usize],
        points: &mut Checkpoints,
    ) -> (Vec<Fetched>, crate::input::resume::Again, Option<usize>) {
        if !points.damaged {
            let mut wanted = Wanted::new(records);
            let stop = wanted.stop.clone();
            let again = crate::input::resume::read_again(file, from, points, &self.limits, &stop, &mut |item| wanted.take(self, item));
            if !again.damaged {
                return (wanted.out, again, wanted.reached);
            }
            points.damaged = true;
            points.clear();
        }
        (self.fetch_streamed(file, records), Default::default(), None)
    }

    /// Drops the alert documents of new_terms candidates that cannot be new (see
    /// [`crate::stage::new_terms::shed_alerts`]), rule by rule.
    fn shed_alerts(&self, candidates: &mut [Candidate]) {
        let mut by_rule: std::collections::BTreeMap<usize, Vec<&mut Candidate>> = Default::default();
        for candidate in candidates.iter_mut().filter(|c| c.sighting) {
            by_rule.entry(candidate.rule).or_default().push(candidate);
        }
        for (index, mut own) in by_rule {
            if let Kind::NewTerms(new_terms) = &self.rules[index].kind {
                new_terms::shed_alerts(&self.rules[index], new_terms, &mut own);
            }
        }
    }

    fn scan_record(&self, file: &str, record: Record<'_>, scan: &mut FileScan, recent: &mut Recent, sink: &mut dyn Sink) {
        let seen = Seen::of(&record, &self.map);
        let source = seen.document();
        let id = first_with(source, "event.id", |id| self.id_key.hash(id));
        // Rules search the document as Elasticsearch indexes it; alerts show it whole.
        let indexed = Indexed(source);
        let doc: &dyn Document = &indexed;
        scan.ids.extend(id);
        if self.index_events {
            let millis = match &seen {
                Seen::Raw(view) => view.fast_millis(),
                _ => None,
            };
            scan.events.push(doc, record.index, id.is_some(), millis);
        }
        let origin = Origin { file: file.to_string(), record: record.index };
        // Rules that alert on this event now, and candidates for the second stage.
        let mut matched: Vec<usize> = Vec::new();
        let first_candidate = scan.candidates.len();
        // Per candidate of this record: whether it needs its alert document.
        let mut wants_alert: Vec<bool> = Vec::new();
        // The record's tie-breaking hash, read once however many candidates it gives.
        let tie = std::cell::OnceCell::new();
        let check = |rule_index: usize| {
            let rule = &self.rules[rule_index];
            let sequence = rule.filter.sequence();
            // A Sigma rule reads the raw record (an ECS export has none for it).
            let target: &dyn Document = if rule.filter.reads_raw() {
                match seen.raw_record() {
                    Some(raw) => raw,
                    None => return,
                }
            } else {
                doc
            };
            let hits = match sequence {
                Some(sequence) => match sequence.hits(doc) {
                    Some(hits) => Some(hits),
                    None => return,
                },
                None if rule.filter.matches(target) => None,
                None => return,
            };
            if !rule.is_stateful() && !self.emulate_schedule {
                matched.push(rule_index);
                return;
            }
            let values = match &rule.kind {
                Kind::Threshold(t) => {
                    t.fields.iter().chain(t.cardinality.as_ref().map(|(f, _)| f)).map(|f| candidate::values(doc, f)).collect()
                }
                Kind::NewTerms(n) => n.fields.iter().map(|f| candidate::values(doc, f)).collect(),
                // Read from the raw record, as its rules are; then which of them matched.
                Kind::Correlation(c) => match &rule.filter {
                    Filter::Sigma(matcher) => c.candidate_values(&matcher.which(target), |field| candidate::values(target, field)),
                    _ => Vec::new(),
                },
                Kind::Query | Kind::Eql => Vec::new(),
            };
            let time = candidate::event_time(doc, rule.time_field(), rule.timestamp_fallback);
            // Listed in a threshold group's or a sequence's alert; other candidates need only their
            // place (reading the rest could map the whole record).
            let listed = matches!(rule.kind, Kind::Threshold(_) | Kind::Correlation(_)) || hits.is_some();
            wants_alert.push(match (&rule.kind, sequence.zip(hits.as_ref())) {
                (Kind::Threshold(_) | Kind::Correlation(_), _) => false,
                (Kind::NewTerms(new_terms), _) => !recent.repeats(rule_index, rule, new_terms, time, &values),
                // A sequence's alert is its last event's: only a match of the last step needs one.
                (_, Some((sequence, hits))) => hits.steps.iter().any(|(step, _)| step + 1 == sequence.steps().len()),
                (Kind::Query | Kind::Eql, None) => true,
            });
            scan.candidates.push(Candidate {
                rule: rule_index,
                time,
                key: id.map(|id| (self.id_key.hash(&rule.rule_id), id)),
                tie: *tie.get_or_init(|| first_with(source, "event.id", candidate::tie).unwrap_or(0)),
                sighting: matches!(rule.kind, Kind::NewTerms(_)),
                repeat: false,
                values,
                hits,
                member: if listed { Member::of(source, origin.clone()) } else { Member { origin: origin.clone(), ..Member::default() } },
                // Filled in below, once the document is built.
                alert: None,
            });
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
        if matched.is_empty() && !wants_alert.contains(&true) {
            return;
        }
        // The view's document and record become the alerts' (cloned only for a second alert).
        let (document, original) = seen.into_parts();
        let event = EventSummary::from_ecs(&document, original.as_ref());
        let alert_of = |rule_index: usize, document, original| Alert {
            rule: RuleRef::of(&self.rules[rule_index]),
            event: event.clone(),
            origin: origin.clone(),
            document,
            original,
            detail: None,
        };
        for (candidate, wanted) in scan.candidates[first_candidate..].iter_mut().zip(wants_alert) {
            if wanted {
                candidate.alert = Some(alert_of(candidate.rule, document.clone(), original.clone()).into_text());
            }
        }
        let Some((&last, others)) = matched.split_last() else {
            return;
        };
        let key = |rule_index: usize| id.map(|id| (self.id_key.hash(&self.rules[rule_index].rule_id), id));
        for &rule_index in others {
            sink.alert(alert_of(rule_index, document.clone(), original.clone()), key(rule_index));
        }
        sink.alert(alert_of(last, document, original), key(last));
    }
}

/// A record read again ([`Scanner::fetch`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// Its place among the file's records.
    pub record: usize,
    /// Its ECS document, as an alert holds it.
    pub document: Value,
    /// The raw CloudTrail record, if that is what was read.
    pub original: Option<Value>,
}

/// Within one file, in scan order, each new_terms rule's sightings: a match whose every
/// combination of values was seen strictly before it, within `history - lookback`, can never be
/// new, so its alert document is not built (the end of the file sheds the rest, in time order).
#[derive(Default)]
struct Recent(std::collections::HashMap<usize, Sightings>);

impl Recent {
    fn repeats(
        &mut self,
        rule_index: usize,
        rule: &Rule,
        new_terms: &crate::rules::NewTerms,
        time: Option<i64>,
        values: &[Vec<String>],
    ) -> bool {
        // At the same time the stage orders events by their IDs, which scan order does not follow.
        time.is_some_and(|time| self.0.entry(rule_index).or_default().repeats(new_terms::reach(rule, new_terms), time, values, false))
    }
}

/// A record as the rules see it: a raw CloudTrail record (in text or parsed) through its lazy ECS
/// view, or a document already in ECS.
enum Seen<'a> {
    Raw(RawView<'a>),
    Parsed(EcsView<'a>),
    Ecs(&'a Value),
}

impl<'a> Seen<'a> {
    fn of(record: &'a Record<'a>, map: &'a MapOptions) -> Seen<'a> {
        match (&record.body, record.kind) {
            (Body::Raw(raw), _) => Seen::Raw(RawView::new(raw, map)),
            (Body::Value(value), RecordKind::CloudTrail) => Seen::Parsed(EcsView::new(value, map)),
            (Body::Value(value), RecordKind::Ecs) => Seen::Ecs(value),
        }
    }

    fn document(&self) -> &dyn Document {
        match self {
            Seen::Raw(view) => view,
            Seen::Parsed(view) => view,
            Seen::Ecs(value) => *value,
        }
    }

    /// The raw CloudTrail record (parsed now if it was still text), if that is what was read.
    fn raw_record(&self) -> Option<&Value> {
        match self {
            Seen::Raw(view) => Some(view.record()),
            Seen::Parsed(view) => Some(view.record()),
            Seen::Ecs(_) => None,
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

/// A read again's sink: the records asked for (in increasing order), mapped as the scan maps them;
/// it sets `stop` once the last of them was read.
struct Wanted<'r> {
    records: &'r [usize],
    out: Vec<Fetched>,
    /// The last record number read (records and errors alike).
    reached: Option<usize>,
    stop: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<'r> Wanted<'r> {
    fn new(records: &'r [usize]) -> Self {
        let stop = std::rc::Rc::new(std::cell::Cell::new(records.is_empty()));
        Wanted { records, out: Vec::new(), reached: None, stop }
    }

    fn take(&mut self, scanner: &Scanner, item: Result<Record<'_>, crate::input::RecordError>) {
        if let Ok(record) = &item
            && !self.stop.get()
            && self.records.binary_search(&record.index).is_ok()
        {
            let (document, original) = Seen::of(record, &scanner.map).into_parts();
            self.out.push(Fetched { record: record.index, document, original });
        }
        let index = match &item {
            Ok(record) => record.index,
            Err(error) => error.index,
        };
        self.reached = self.reached.max(Some(index));
        if Some(index) >= self.records.last().copied() {
            self.stop.set(true);
        }
    }
}
