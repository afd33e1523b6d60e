//! Reading records again from the dropped files, for what the event index does not keep: an
//! event's whole ECS document and CloudTrail record when it is opened, and the documents of a
//! search's events for an NDJSON export. As with a search of the files, each worker is handed one
//! file at a time and the next when it answers, so a cancel leaves no queue behind; the records
//! come back to the caller's callback, in the order asked for, once every file has answered.

use super::{Inner, fail};
use crate::messages::{FetchedRecord, ToWorker};
use crate::state::Action;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// Where a record is: its file's number in the scan, and its place among the file's records.
pub type Place = (usize, usize);

/// How a read is going, as its caller hears it: after every file, and once at the end with the
/// records (those that could be read, in the order asked for) and why any could not.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadProgress {
    pub done: usize,
    pub total: usize,
    pub records: Option<Rc<Vec<(Place, FetchedRecord)>>>,
    pub errors: Vec<String>,
    /// The read was stopped before every file answered (its records are not all there).
    pub abandoned: bool,
}

/// What to read, and whom to tell.
#[derive(Clone, PartialEq)]
pub struct ReadRequest {
    pub places: Vec<Place>,
    pub on_progress: Callback<ReadProgress>,
}

/// A read under way.
pub(super) struct Reading {
    /// The places asked for, in the caller's order.
    asked: Vec<Place>,
    /// Files not yet handed to a worker, each with its records in increasing order.
    waiting: VecDeque<(usize, Vec<usize>)>,
    /// Files handed over and not answered.
    pending: std::collections::BTreeSet<usize>,
    total: usize,
    got: BTreeMap<Place, FetchedRecord>,
    errors: Vec<String>,
    on_progress: Callback<ReadProgress>,
}

impl Reading {
    /// The read ended before its files answered: its caller's callback and last word.
    pub(super) fn abandoned(self) -> (Callback<ReadProgress>, ReadProgress) {
        let mut errors = self.errors;
        errors.push("the read was stopped: the scanner was stopped or restarted".into());
        (
            self.on_progress,
            ReadProgress { done: self.total, total: self.total, records: Some(Rc::new(Vec::new())), errors, abandoned: true },
        )
    }
}

/// Starts a read; returns its number (for [`cancel`]), or `None` when no worker could be started.
pub(super) fn start(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, request: ReadRequest) -> Option<u64> {
    if !super::ensure_workers(inner, dispatch) {
        return None;
    }
    let mut by_file: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &(file, record) in &request.places {
        by_file.entry(file).or_default().push(record);
    }
    for records in by_file.values_mut() {
        records.sort_unstable();
        records.dedup();
    }
    let (run, workers) = {
        let mut state = inner.borrow_mut();
        state.reads_started += 1;
        let run = state.reads_started;
        let total = by_file.len();
        state.reads.insert(
            run,
            Reading {
                asked: request.places,
                waiting: by_file.into_iter().collect(),
                pending: Default::default(),
                total,
                got: BTreeMap::new(),
                errors: Vec::new(),
                on_progress: request.on_progress,
            },
        );
        (run, state.workers.len())
    };
    for worker in 0..workers {
        if !hand_next(inner, dispatch, worker, run) {
            cancel(inner, run);
            return None;
        }
    }
    finish_if_done(inner, run);
    Some(run)
}

/// Drops read `run`: what its files still answer is ignored.
pub(super) fn cancel(inner: &Rc<RefCell<Inner>>, run: u64) {
    inner.borrow_mut().reads.remove(&run);
}

/// Hands `worker` read `run`'s next waiting file, if any; false when the worker could not take it
/// (the failure is reported).
fn hand_next(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, worker: usize, run: u64) -> bool {
    let sent = {
        let state = &mut *inner.borrow_mut();
        let Some(reading) = state.reads.get_mut(&run) else { return true };
        let Some(handle) = state.workers.get(worker) else { return true };
        // The next file still at hand (one that is not is an error of the read).
        let next = loop {
            let Some((id, records)) = reading.waiting.pop_front() else { return true };
            match state.files.get(id) {
                Some((name, file)) => break (id, records, name, file),
                None => reading.errors.push(format!("file {} is no longer at hand", id + 1)),
            }
        };
        let (id, records, name, file) = next;
        reading.pending.insert(id);
        state.load[worker] += file.size() as u64;
        handle.send(&ToWorker::Fetch { id, name: name.clone(), records, run }, Some(file))
    };
    match sent {
        Ok(()) => true,
        Err(reason) => {
            fail(inner, dispatch, reason);
            false
        }
    }
}

/// `worker` read file `id`'s records for read `run`: they are kept, the caller hears how far the
/// read is, the worker gets the read's next file, and once every file has answered the caller
/// gets the records.
pub(super) fn fetched(
    inner: &Rc<RefCell<Inner>>,
    dispatch: &Callback<Action>,
    worker: usize,
    (id, run): (usize, u64),
    records: Vec<FetchedRecord>,
    error: Option<String>,
) {
    let progress = {
        let state = &mut *inner.borrow_mut();
        let name = state.files.get(id).map(|(n, _)| n.clone()).unwrap_or_default();
        // The worker is done with the file whether or not the read is still wanted.
        let size = state.files.get(id).map_or(0, |(_, f)| f.size() as u64);
        if let Some(load) = state.load.get_mut(worker) {
            *load = load.saturating_sub(size);
        }
        let Some(reading) = state.reads.get_mut(&run) else { return };
        if !reading.pending.remove(&id) {
            return;
        }
        reading.got.extend(records.into_iter().map(|r| ((id, r.record), r)));
        reading.errors.extend(error.map(|why| format!("{name}: {why}")));
        let done = reading.total - reading.waiting.len() - reading.pending.len();
        (done < reading.total).then(|| {
            let progress = ReadProgress { done, total: reading.total, records: None, errors: reading.errors.clone(), abandoned: false };
            (reading.on_progress.clone(), progress)
        })
    };
    if let Some((on_progress, progress)) = progress {
        on_progress.emit(progress);
    }
    hand_next(inner, dispatch, worker, run);
    finish_if_done(inner, run);
}

/// Once every file of read `run` has answered: the records, in the order asked for, go to its
/// caller.
fn finish_if_done(inner: &Rc<RefCell<Inner>>, run: u64) {
    let done = {
        let mut state = inner.borrow_mut();
        let finished = state.reads.get(&run).is_some_and(|r| r.waiting.is_empty() && r.pending.is_empty());
        if !finished {
            return;
        }
        state.reads.remove(&run)
    };
    let Some(mut reading) = done else { return };
    let records: Vec<(Place, FetchedRecord)> =
        reading.asked.iter().filter_map(|place| reading.got.remove(place).map(|record| (*place, record))).collect();
    let progress = ReadProgress {
        done: reading.total,
        total: reading.total,
        records: Some(Rc::new(records)),
        errors: reading.errors,
        abandoned: false,
    };
    reading.on_progress.emit(progress);
}
