//! Record accounting: hands records and record errors to the caller's sink with contiguous
//! indexes, so that every record a file holds is counted exactly once.
//!
//! Depends only on the input types.

use super::{Body, Location, RawRecord, Record, RecordError, RecordKind, RecordSink};
use serde_json::Value;

/// Numbers what it passes to the sink: 0, 1, 2, ... in order, records and errors alike.
pub(crate) struct Emitter<'s> {
    sink: &'s mut RecordSink<'s>,
    next: usize,
    /// Which top-level value of a document the records come from (0 for the first).
    pub(crate) group: u32,
}

impl<'s> Emitter<'s> {
    pub(crate) fn new(sink: &'s mut RecordSink<'s>) -> Self {
        Emitter { sink, next: 0, group: 0 }
    }

    pub(crate) fn record(&mut self, kind: RecordKind, value: Value, location: Location) {
        let index = self.take();
        (self.sink)(Ok(Record { index, kind, body: Body::Value(value), location, group: self.group }));
    }

    /// A raw CloudTrail record still in text.
    pub(crate) fn raw(&mut self, raw: RawRecord<'_>, location: Location) {
        let index = self.take();
        (self.sink)(Ok(Record { index, kind: RecordKind::CloudTrail, body: Body::Raw(raw), location, group: self.group }));
    }

    pub(crate) fn error(&mut self, location: Location, reason: impl Into<String>) {
        let index = self.take();
        (self.sink)(Err(RecordError { index, location, reason: reason.into() }));
    }

    fn take(&mut self) -> usize {
        let index = self.next;
        self.next += 1;
        index
    }
}
