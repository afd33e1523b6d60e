//! How a file went, and the totals over many files: the one report the CLI prints and the page
//! shows (it crosses from the worker to the page as it is).

use crate::input::{FileError, FileRead, FileStatus, Location, RecordError};
use crate::output::printable;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How many record errors a file report keeps in full (the rest are counted).
pub const KEPT_RECORD_ERRORS: usize = 20;

/// How one file went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Records whose `eventID` was already seen in this scan (counted when the file is settled).
    pub duplicates: usize,
    /// Alerts raised and not raised before (counted when the file is settled).
    pub alerts: usize,
}

impl FileReport {
    /// How the file went.
    pub fn status(&self) -> &FileStatus {
        &self.read.status
    }

    /// A report for a file that could not even be opened (or read at all).
    pub fn unreadable(name: &str, reason: String) -> FileReport {
        FileReport::ended(name, FileStatus::Failed(FileError { location: Default::default(), reason }))
    }

    /// A report for a file left out before it was read, saying why (`status` skipped or failed).
    pub fn ended(name: &str, status: FileStatus) -> FileReport {
        FileReport {
            name: name.to_string(),
            bytes: 0,
            read: FileRead { shape: None, gzip: false, lossy: None, status },
            records: 0,
            scanned: 0,
            record_errors: 0,
            errors: Vec::new(),
            duplicates: 0,
            alerts: 0,
        }
    }

    /// Why the file was skipped, or where (when known) and why it failed, fit for a terminal or a
    /// page: planted control and bidirectional-override characters are shown escaped.
    pub fn reason(&self) -> Option<String> {
        match &self.read.status {
            FileStatus::Scanned => None,
            FileStatus::Skipped(why) => Some(printable(why)),
            FileStatus::Failed(error) if error.location == Location::default() => Some(printable(&error.reason)),
            FileStatus::Failed(error) => Some(format!("{}: {}", error.location, printable(&error.reason))),
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
    pub lossy: Vec<(String, Cow<'static, str>)>,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        match report.status() {
            FileStatus::Scanned => self.files_scanned += 1,
            FileStatus::Skipped(_) => self.files_skipped += 1,
            FileStatus::Failed(_) => self.files_failed += 1,
        }
        self.bytes += report.bytes;
        self.records += report.records;
        self.scanned += report.scanned;
        self.record_errors += report.record_errors;
        self.duplicates += report.duplicates;
        self.alerts += report.alerts;
        if let Some(what) = &report.read.lossy {
            self.lossy.push((report.name.clone(), what.clone()));
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
