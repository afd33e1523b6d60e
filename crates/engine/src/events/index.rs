//! A scan's event index: every settled file's rows, their strings numbered once for the scan, and
//! what can be asked of them: a KQL search on the indexed fields, the events of one principal, key
//! or address around a time, and a [`Document`] view of a row.

use super::file::FileEvents;
use super::row::{Column, NO_TIME, READ_ONLY_FIELD, Row, timestamp_text};
use super::strings::Strings;
use crate::doc::{Document, Scalar};
use crate::kql::Query;

/// The fields a row answers as the event's document does: its columns, `@timestamp`,
/// `source.ip` (the address, when it is one) and whether the event is read-only.
const EXTRA_FIELDS: &[&str] = &["@timestamp", "source.ip", READ_ONLY_FIELD];

/// Every event of a scan's settled files.
#[derive(Debug, Default, Clone)]
pub struct EventIndex {
    strings: Strings,
    rows: Vec<Row>,
    /// File names by the number the rows give, and where each file's rows are (they are added
    /// a file at a time, in record order).
    files: Vec<Box<str>>,
    spans: Vec<std::ops::Range<usize>>,
    /// How many rows are inexact ([`Row::is_exact`]).
    inexact: usize,
}

/// A time window around an event, for pivots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// This many milliseconds either side.
    Around(i64),
    All,
}

impl Span {
    /// Whether an event at `time` (in milliseconds, or [`NO_TIME`]) falls within this window
    /// around `at`; with no `at`, or over all time, every event does.
    pub fn holds(self, at: Option<i64>, time: i64) -> bool {
        match (at, self) {
            (Some(at), Span::Around(ms)) => time != NO_TIME && (time - at).abs() <= ms,
            _ => true,
        }
    }
}

impl EventIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a settled file's events (the [`crate::Settled`] file numbered `file`, named `name`).
    pub fn add(&mut self, file: usize, name: &str, events: FileEvents) {
        if self.files.len() <= file {
            self.files.resize(file + 1, "".into());
        }
        self.files[file] = name.into();
        self.spans.resize(self.files.len(), 0..0);
        self.spans[file] = self.rows.len()..self.rows.len() + events.rows.len();
        let FileEvents { strings, rows } = events;
        // The file's numbers, renumbered for the scan, once a string.
        let numbers: Vec<u32> = strings.iter().map(|s| self.strings.intern(s)).collect();
        self.rows.reserve(rows.len());
        for mut row in rows {
            for value in &mut row.values {
                if let Some(&n) = numbers.get(*value as usize) {
                    *value = n;
                }
            }
            row.file = u32::try_from(file).unwrap_or(u32::MAX);
            self.inexact += usize::from(!row.is_exact());
            self.rows.push(row);
        }
    }

    /// Gives back the room grown for rows not added (once every file is in).
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
    }

    /// How many events it holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, in the order their files were settled (each file's in record order).
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The scan's strings (what a row's values number).
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// A row's value at `column`.
    pub fn text(&self, row: &Row, column: Column) -> Option<&str> {
        row.value(column).and_then(|n| self.strings.get(n))
    }

    /// The name of a row's file.
    pub fn file_name(&self, row: &Row) -> &str {
        self.files.get(row.file as usize).map_or("", |name| name)
    }

    /// The place of file `file`'s record `record`, if the index holds it (a repeated event's is
    /// not: its first delivery's is).
    pub fn place(&self, file: usize, record: usize) -> Option<usize> {
        let span = self.spans.get(file)?.clone();
        let rows = &self.rows[span.clone()];
        rows.binary_search_by_key(&record, |row| row.record as usize).ok().map(|i| span.start + i)
    }

    /// A row as a document: its indexed fields, as the event's document holds them.
    pub fn view<'a>(&'a self, row: &'a Row) -> RowView<'a> {
        RowView { index: self, row }
    }

    /// About how many bytes the index takes: its rows, strings and file names.
    pub fn bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>() + self.strings.bytes() + self.files.iter().map(|f| f.len() + 16).sum::<usize>()
    }

    /// Whether the rows answer `query` exactly: it names only indexed fields (no wildcard field,
    /// no bare value), and every row holds its event's values whole.
    pub fn answers(&self, query: &Query) -> bool {
        self.inexact == 0 && query.fields().iter().all(|f| is_indexed(f))
    }

    /// The rows that match `query`, by their place in [`EventIndex::rows`], in time order; `None`
    /// when the rows cannot answer it ([`EventIndex::answers`]): rescan with the query as a rule.
    pub fn search(&self, query: &Query) -> Option<Vec<usize>> {
        if !self.answers(query) {
            return None;
        }
        let mut found: Vec<usize> = (0..self.rows.len()).filter(|&i| query.matches(&self.view(&self.rows[i]))).collect();
        self.sort(&mut found);
        Some(found)
    }

    /// The rows whose `column` is `value`, within `span` of `time` (when given), in time order.
    pub fn pivot(&self, column: Column, value: &str, time: Option<i64>, span: Span) -> Vec<usize> {
        let Some(n) = self.strings.find(value) else { return Vec::new() };
        let mut found: Vec<usize> =
            (0..self.rows.len()).filter(|&i| self.rows[i].value(column) == Some(n) && span.holds(time, self.rows[i].time)).collect();
        self.sort(&mut found);
        found
    }

    /// Puts rows (by place) in time order; events of the same millisecond by file name, then
    /// record, so the order never depends on the order the files came in.
    pub fn sort(&self, places: &mut [usize]) {
        places.sort_by(|&a, &b| {
            let (x, y) = (&self.rows[a], &self.rows[b]);
            x.time.cmp(&y.time).then_with(|| self.file_name(x).cmp(self.file_name(y))).then(x.record.cmp(&y.record))
        });
    }
}

/// Whether a row answers `field` as the event's document does.
pub fn is_indexed(field: &str) -> bool {
    Column::of_field(field).is_some() || EXTRA_FIELDS.contains(&field)
}

/// A row as a [`Document`]: its indexed fields, nothing else (see [`is_indexed`]).
#[derive(Clone, Copy)]
pub struct RowView<'a> {
    index: &'a EventIndex,
    row: &'a Row,
}

impl RowView<'_> {
    pub fn row(&self) -> &Row {
        self.row
    }

    /// The value at `column`.
    pub fn text(&self, column: Column) -> Option<&str> {
        self.index.text(self.row, column)
    }

    /// The `@timestamp` text.
    pub fn timestamp(&self) -> Option<String> {
        (self.row.time != NO_TIME).then(|| timestamp_text(self.row.time)).flatten()
    }

    /// `source.ip`: the source address, when it is an IP address (the pipeline's `convert`).
    fn ip(&self) -> Option<&str> {
        self.text(Column::SourceAddress).filter(|s| s.parse::<std::net::IpAddr>().is_ok())
    }
}

impl Document for RowView<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        match field {
            "@timestamp" => self.timestamp().is_some_and(|t| visit(Scalar::Str(&t))),
            "source.ip" => self.ip().is_some_and(|ip| visit(Scalar::Str(ip))),
            READ_ONLY_FIELD => self.row.read_only().is_some_and(|b| visit(Scalar::Bool(b))),
            _ => Column::of_field(field).and_then(|c| self.text(c)).is_some_and(|s| visit(Scalar::Str(s))),
        }
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        if self.row.time != NO_TIME {
            visit("@timestamp");
        }
        for &column in Column::ALL {
            if self.row.value(column).is_some() {
                visit(column.field());
            }
            if column == Column::SourceAddress && self.ip().is_some() {
                visit("source.ip");
            }
        }
        if self.row.read_only().is_some() {
            visit(READ_ONLY_FIELD);
        }
    }

    fn may_have_subfields(&self, field: &str) -> bool {
        !is_indexed(field)
    }
}
