//! Results of files scanned apart (by several workers), settled in file order: duplicate
//! `eventID`s across files and alerts raised before, so the outcome does not depend on which worker
//! took which file. A big file's IDs are counted a task's worth at a time.

use crate::messages::FileResult;
use std::collections::BTreeMap;
use trailhound_engine::alert::TextAlert;
use trailhound_engine::scan::{AlertKey, Dedup, IdKey};

/// The most `eventID`s one task counts for duplicates: a 2 GB file's 1.6 million took 60–170 ms in
/// one go; the rest are counted in later tasks.
pub const IDS_A_TASK: usize = 100_000;

/// Results settled in file order.
#[derive(Default)]
pub struct Settle {
    pub key: Option<IdKey>,
    pub dedup: Dedup,
    /// The next file to settle; later files' results wait.
    pub next: usize,
    pub waiting: BTreeMap<usize, Scanned>,
    /// What files still being sent in parts have sent so far, by file.
    pub parts: BTreeMap<usize, Parts>,
}

/// A file's alerts (with their keys) and `eventID` hashes sent ahead of its result
/// ([`FromWorker::Alerts`], [`FromWorker::Ids`]), in order.
///
/// [`FromWorker::Alerts`]: crate::messages::FromWorker::Alerts
/// [`FromWorker::Ids`]: crate::messages::FromWorker::Ids
#[derive(Default)]
pub struct Parts {
    pub alerts: Vec<TextAlert>,
    pub keys: Vec<Option<AlertKey>>,
    pub ids: Vec<u64>,
    /// Alerts of the file already handed to the page (see [`Settle::release`]).
    pub released: usize,
}

/// A file scanned by a worker, not yet settled.
pub struct Scanned {
    result: FileResult,
    alerts: Vec<TextAlert>,
    ids: Vec<u64>,
    keys: Vec<Option<AlertKey>>,
    /// How many of `ids` are counted already (a big file's take several tasks), and the
    /// duplicates among them.
    counted: usize,
    duplicates: usize,
    /// Alerts of the file handed to the page before its result.
    released: usize,
}

impl Scanned {
    /// A file's result and everything it sent: alerts with their keys (those not yet released),
    /// and its records' `eventID` hashes in order.
    pub fn new(result: FileResult, parts: Parts) -> Scanned {
        let Parts { alerts, keys, ids, released } = parts;
        Scanned { result, alerts, ids, keys, counted: 0, duplicates: 0, released }
    }
}

/// Files settled, and whether the next one has IDs left to count.
pub type Ready = (Vec<(usize, FileResult, Vec<TextAlert>)>, bool);

impl Settle {
    /// The alerts of file `id` sent so far that are new, when it is the next file to settle (every
    /// earlier one is, so its alerts are judged in file order): the page can show them before the
    /// file is done. A later file's parts wait for their turn.
    pub fn release(&mut self, id: usize) -> Vec<TextAlert> {
        if id != self.next {
            return Vec::new();
        }
        let Some(parts) = self.parts.get_mut(&id) else { return Vec::new() };
        let (alerts, keys) = (std::mem::take(&mut parts.alerts), std::mem::take(&mut parts.keys));
        let new = self.dedup.new_alerts(alerts.into_iter().zip(keys));
        parts.released += new.len();
        new
    }

    /// Settles the waiting files that are next in order (all of them when `flush`), counting at
    /// most [`IDS_A_TASK`] IDs unless flushing.
    pub fn ready(&mut self, flush: bool) -> Ready {
        let mut budget = if flush { usize::MAX } else { IDS_A_TASK };
        let mut out = Vec::new();
        loop {
            let mut scanned = match self.waiting.first_entry() {
                Some(entry) if *entry.key() == self.next || flush => entry,
                _ => return (out, false),
            };
            let (id, file) = (*scanned.key(), scanned.get_mut());
            if file.counted == 0 {
                // Room for the whole file now: growing the set part by part would move it whole
                // several times, each in one task.
                self.dedup.reserve(file.ids.len());
            }
            let take = (file.ids.len() - file.counted).min(budget);
            file.duplicates += self.dedup.duplicates(&file.ids[file.counted..file.counted + take]);
            file.counted += take;
            budget -= take;
            if file.counted < file.ids.len() {
                return (out, true);
            }
            let Scanned { mut result, alerts, keys, duplicates, released, .. } = scanned.remove();
            let alerts = self.dedup.new_alerts(alerts.into_iter().zip(keys));
            (result.duplicates, result.alerts) = (duplicates, released + alerts.len());
            self.next = id + 1;
            out.push((id, result, alerts));
        }
    }
}
