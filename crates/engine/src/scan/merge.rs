//! Files scanned apart (on threads, in several browser workers, later on other machines) settled in
//! file order, whatever order their parts arrive in: duplicate `eventID`s across files, and alerts
//! already raised by an earlier file, are decided as if the files had been scanned one after
//! another. The CLI and the page both settle through [`Merge`].
//!
//! A file arrives in parts: alerts as they are raised ([`Merge::alerts`]), `eventID` hashes
//! ([`Merge::ids`]), then the rest with its report ([`Merge::push`]). The next file's alerts can
//! be shown before it is done; a later file's wait for their turn.

use super::{AlertKey, Candidate, Dedup, FileReport, FileScan};
use crate::events::FileEvents;
use std::collections::BTreeMap;

/// The ordered merge of files numbered `0, 1, 2, ...`; `A` is what is kept of an alert.
pub struct Merge<A> {
    dedup: Dedup,
    /// The next file to settle; later files wait.
    next: usize,
    pending: BTreeMap<usize, Pending<A>>,
}

/// What a file not yet settled has sent.
struct Pending<A> {
    /// Alerts not yet released, with their keys.
    alerts: Vec<(A, Option<AlertKey>)>,
    ids: Vec<u64>,
    candidates: Vec<Candidate>,
    /// Set once the file is done.
    report: Option<FileReport>,
    /// How many of `ids` are counted already (a big file's take several calls), and the
    /// duplicates among them.
    counted: usize,
    duplicates: usize,
    /// Alerts already released (shown before the file was done).
    released: usize,
    events: FileEvents,
    /// For each of `ids` counted, whether it was new (kept only when the file has events).
    fresh: Vec<bool>,
}

impl<A> Default for Pending<A> {
    fn default() -> Self {
        Pending {
            alerts: Vec::new(),
            ids: Vec::new(),
            candidates: Vec::new(),
            report: None,
            counted: 0,
            duplicates: 0,
            released: 0,
            events: FileEvents::default(),
            fresh: Vec::new(),
        }
    }
}

/// A file settled: its report with duplicates and alerts counted, its new alerts in order, its
/// candidates for the second stage that are not repeats of an earlier file's (in record order),
/// and its events not seen in an earlier file or earlier in this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled<A> {
    pub file: usize,
    pub report: FileReport,
    pub alerts: Vec<A>,
    pub candidates: Vec<Candidate>,
    pub events: FileEvents,
}

impl<A> Default for Merge<A> {
    fn default() -> Self {
        Merge { dedup: Dedup::default(), next: 0, pending: BTreeMap::new() }
    }
}

impl<A> Merge<A> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next file to settle: every file before it is settled.
    pub fn next(&self) -> usize {
        self.next
    }

    /// Whether no file has sent anything that is not settled yet.
    pub fn is_idle(&self) -> bool {
        self.pending.is_empty()
    }

    /// Some of `file`'s alerts, in the order raised. Those that can be shown now are given back:
    /// the new ones when `file` is the next to settle (every earlier file is, so they are judged
    /// in file order); a later file's wait.
    pub fn alerts(&mut self, file: usize, alerts: impl IntoIterator<Item = (A, Option<AlertKey>)>) -> Vec<A> {
        if file < self.next {
            return Vec::new();
        }
        let pending = self.pending.entry(file).or_default();
        pending.alerts.extend(alerts);
        if file != self.next {
            return Vec::new();
        }
        let new = self.dedup.new_alerts(pending.alerts.drain(..));
        pending.released += new.len();
        new
    }

    /// Some of `file`'s records' `eventID` hashes, in order.
    pub fn ids(&mut self, file: usize, ids: impl IntoIterator<Item = u64>) {
        if file >= self.next {
            self.pending.entry(file).or_default().ids.extend(ids);
        }
    }

    /// `file` is done: its scan, and the alerts its sink kept that were not sent before (with
    /// [`Merge::alerts`]); these are given when the file is settled.
    pub fn push(&mut self, file: usize, scan: FileScan, alerts: impl IntoIterator<Item = (A, Option<AlertKey>)>) {
        let FileScan { report, ids, candidates, events } = scan;
        if file >= self.next {
            let pending = self.pending.entry(file).or_default();
            pending.alerts.extend(alerts);
            pending.ids.extend(ids);
            pending.candidates.extend(candidates);
            pending.report = Some(report);
            pending.events = events;
        }
    }

    /// Settles the done files that are next in order, counting at most `budget` `eventID`s (a
    /// page keeps each task short this way); gives them, and whether the next file has IDs left.
    pub fn settle(&mut self, budget: usize) -> (Vec<Settled<A>>, bool) {
        self.settle_from(budget, false)
    }

    /// Settles every done file now, in order, passing over files that never will be (a worker
    /// died with them): the files after them are settled as if the lost ones had no records.
    pub fn settle_all(&mut self) -> Vec<Settled<A>> {
        self.settle_from(usize::MAX, true).0
    }

    /// Every file settled so far stays settled; those not yet are dropped, and numbering goes on
    /// from `next` (the page's files lost with a scan's workers).
    pub fn abandon(&mut self, next: usize) {
        self.pending.clear();
        self.next = self.next.max(next);
    }

    fn settle_from(&mut self, mut budget: usize, skip_gaps: bool) -> (Vec<Settled<A>>, bool) {
        let mut out = Vec::new();
        loop {
            let Some(mut entry) = self.pending.first_entry() else { return (out, false) };
            let done = entry.get().report.is_some();
            if skip_gaps && !done {
                // Sent parts but will never be done: dropped.
                entry.remove();
                continue;
            }
            if !skip_gaps && (*entry.key() != self.next || !done) {
                return (out, false);
            }
            let (file, pending) = (*entry.key(), entry.get_mut());
            if pending.counted == 0 {
                // Room for the whole file now: growing the set part by part would move it whole
                // several times.
                self.dedup.reserve(pending.ids.len());
            }
            let take = (pending.ids.len() - pending.counted).min(budget);
            let ids = &pending.ids[pending.counted..pending.counted + take];
            pending.duplicates += match pending.events.is_empty() {
                true => self.dedup.duplicates(ids),
                false => self.dedup.mark_duplicates(ids, &mut pending.fresh),
            };
            pending.counted += take;
            budget -= take;
            if pending.counted < pending.ids.len() {
                return (out, true);
            }
            let Pending { alerts, candidates, report: Some(mut report), duplicates, released, mut events, fresh, .. } = entry.remove()
            else {
                continue;
            };
            events.keep_fresh(&fresh);
            let alerts = self.dedup.new_alerts(alerts);
            let candidates = candidates
                .into_iter()
                .filter_map(|c| match self.dedup.is_new(c.key) {
                    true => Some(c),
                    // A repeated event's values stay sightings, never an alert.
                    false if c.sighting => Some(Candidate { repeat: true, alert: None, key: None, ..c }),
                    false => None,
                })
                .collect();
            (report.duplicates, report.alerts) = (duplicates, released + alerts.len());
            self.next = file + 1;
            out.push(Settled { file, report, alerts, candidates, events });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(name: &str) -> FileReport {
        FileReport::unreadable(name, String::new())
    }

    /// Parts arriving in any order settle as the files in order would.
    #[test]
    fn files_settle_in_order_whatever_order_they_arrive_in() {
        let mut merge = Merge::new();
        // File 1 first: an alert on event 7 (also raised by file 0), a fresh one, event 7 twice.
        assert!(merge.alerts(1, [("1a", Some((0, 7))), ("1b", Some((0, 8)))]).is_empty(), "file 1 waits for file 0");
        merge.ids(1, [7]);
        merge.push(1, FileScan { ids: vec![8], ..FileScan::of(report("b")) }, []);
        assert!(merge.settle(usize::MAX).0.is_empty());
        assert_eq!(merge.alerts(0, [("0a", Some((0, 7)))]), vec!["0a"], "the next file's alerts show at once");
        merge.push(0, FileScan { ids: vec![7, 7], ..FileScan::of(report("a")) }, [("0b", None)]);
        let (settled, more) = merge.settle(usize::MAX);
        assert!(!more);
        let got: Vec<_> = settled.iter().map(|s| (s.file, s.report.duplicates, s.report.alerts, s.alerts.clone())).collect();
        assert_eq!(got, vec![(0, 1, 2, vec!["0b"]), (1, 1, 1, vec!["1b"])]);
        assert!(merge.is_idle() && merge.next() == 2);
    }

    /// A budget counts a big file's IDs over several calls, with the same result.
    #[test]
    fn a_budget_splits_the_counting_not_the_result() {
        let mut merge: Merge<()> = Merge::new();
        merge.push(0, FileScan { ids: vec![1, 2, 1, 3, 2], ..FileScan::of(report("a")) }, []);
        for _ in 0..2 {
            let (settled, more) = merge.settle(2);
            assert!(settled.is_empty() && more, "two IDs a call");
        }
        let (settled, more) = merge.settle(2);
        assert!(!more);
        assert_eq!((settled.len(), settled[0].report.duplicates), (1, 2));
    }

    /// A file that will never be done (its worker died) is passed over by `settle_all`: the files
    /// after it are settled, and its parts dropped.
    #[test]
    fn settle_all_passes_over_a_lost_file() {
        let mut merge = Merge::new();
        assert_eq!(merge.alerts(0, [("0a", Some((0, 1)))]), vec!["0a"]);
        merge.push(1, FileScan { ids: vec![1], ..FileScan::of(report("b")) }, [("1a", Some((0, 2)))]);
        assert!(merge.settle(usize::MAX).0.is_empty(), "file 1 waits for file 0");
        let settled = merge.settle_all();
        assert_eq!(settled.iter().map(|s| (s.file, s.alerts.clone())).collect::<Vec<_>>(), vec![(1, vec!["1a"])]);
        assert!(merge.is_idle() && merge.next() == 2);
        // A late part of a settled file changes nothing.
        assert!(merge.alerts(0, [("late", None)]).is_empty());
        assert!(merge.is_idle());
    }
}
