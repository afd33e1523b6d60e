//! One file's events, as the scan indexes them: a row for every record scanned, in record order,
//! with the file's own numbered strings. Settling the file drops the rows of repeated events and
//! hands the rest to the scan's [`super::EventIndex`].

use super::row::{Column, HAS_ID, INEXACT, NO_TIME, NONE, READ_ONLY, READ_ONLY_FIELD, READ_ONLY_KNOWN, Row, timestamp_millis};
use super::strings::Strings;
use crate::doc::{Document, Scalar};
use serde::{Deserialize, Serialize};

/// A file's rows and strings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileEvents {
    pub strings: Strings,
    pub rows: Vec<Row>,
}

impl FileEvents {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Indexes the record numbered `record`, whose document (as a search sees it) is `doc`;
    /// `has_id`: it has an `eventID`; `millis`: its `@timestamp` in milliseconds when the caller
    /// knows it without printing it (`Some(None)`: none).
    pub(crate) fn push(&mut self, doc: &dyn Document, record: usize, has_id: bool, millis: Option<Option<i64>>) {
        let mut flags = if has_id { HAS_ID } else { 0 };
        let mut values = [NONE; Column::COUNT];
        // Records in a file mostly repeat the record before's principal, region, agent: a value
        // equal to the row before's is numbered without hashing.
        let before = self.rows.last().map_or([NONE; Column::COUNT], |row| row.values);
        for ((slot, column), before) in values.iter_mut().zip(Column::ALL).zip(before) {
            let mut seen = 0;
            doc.any_value(column.field(), &mut |value| {
                match (seen, value) {
                    (0, Scalar::Str(text)) if self.strings.get(before) == Some(text) => *slot = before,
                    (0, Scalar::Str(text)) => *slot = self.strings.intern(text),
                    _ => flags |= INEXACT,
                }
                seen += 1;
                false
            });
        }
        let mut seen = 0;
        doc.any_value(READ_ONLY_FIELD, &mut |value| {
            match (seen, value) {
                (0, Scalar::Bool(true)) => flags |= READ_ONLY_KNOWN | READ_ONLY,
                (0, Scalar::Bool(false)) => flags |= READ_ONLY_KNOWN,
                _ => flags |= INEXACT,
            }
            seen += 1;
            false
        });
        let time = match millis {
            Some(millis) => millis.unwrap_or(NO_TIME),
            None => FileEvents::time(doc, &mut flags),
        };
        self.rows.push(Row { time, values, file: 0, record: u32::try_from(record).unwrap_or(u32::MAX), flags });
    }

    /// The event's `@timestamp` in milliseconds; a value the row cannot give back as it is (not
    /// the date processor's form, several values, a number) makes the row inexact.
    fn time(doc: &dyn Document, flags: &mut u8) -> i64 {
        let mut time = NO_TIME;
        let mut seen = 0;
        doc.any_value("@timestamp", &mut |value| {
            match (seen, value) {
                (0, Scalar::Str(text)) => match timestamp_millis(text) {
                    Some(millis) => time = millis,
                    None => *flags |= INEXACT,
                },
                _ => *flags |= INEXACT,
            }
            seen += 1;
            false
        });
        time
    }

    /// Keeps the rows of events seen for the first time: `fresh` says, for each row with an
    /// `eventID` in order, whether its ID was new to the scan.
    pub(crate) fn keep_fresh(&mut self, fresh: &[bool]) {
        let mut fresh = fresh.iter();
        self.rows.retain(|row| row.flags & HAS_ID == 0 || fresh.next().copied().unwrap_or(true));
    }
}
