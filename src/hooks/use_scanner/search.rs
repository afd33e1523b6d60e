//! The search of every file for a query the event index cannot answer: each worker is handed one
//! file at a time and the next when it answers, so a cancel (or a newer search) leaves no queue of
//! files behind in the workers; the matches become the index's rows, in time order.

use super::{Inner, fail, post};
use crate::messages::ToWorker;
use crate::state::{Action, FileSearch};
use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// A search of the files under way.
pub(super) struct Search {
    run: u64,
    query: String,
    /// Files not yet handed to a worker, in file order.
    waiting: VecDeque<usize>,
    /// Files not yet answered (handed over or waiting).
    pending: BTreeSet<usize>,
    total: usize,
    /// Records matched: (file, record).
    found: Vec<(usize, usize)>,
    errors: Vec<String>,
}

/// Starts searching every file of the scan for `query`: one file to each worker, the next as
/// each answers.
pub(super) fn start(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, query: String) {
    if !super::ensure_workers(inner, dispatch) {
        return;
    }
    let (total, workers) = {
        let mut state = inner.borrow_mut();
        state.searches += 1;
        let run = state.searches;
        let total = state.files.len();
        let waiting = (0..total).collect();
        state.search = Some(Search {
            run,
            query: query.clone(),
            waiting,
            pending: (0..total).collect(),
            total,
            found: Vec::new(),
            errors: Vec::new(),
        });
        (total, state.workers.len())
    };
    dispatch.emit(Action::FileSearch(Some(FileSearch { query, total, ..FileSearch::default() })));
    if total == 0 {
        return finish(inner, dispatch);
    }
    for worker in 0..workers {
        if !hand_next(inner, dispatch, worker) {
            return;
        }
    }
}

/// Hands `worker` the search's next waiting file, if any; false when the worker could not take it
/// (the failure is reported).
fn hand_next(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, worker: usize) -> bool {
    let sent = {
        let state = &mut *inner.borrow_mut();
        let Some(search) = state.search.as_mut() else { return true };
        let Some(id) = search.waiting.pop_front() else { return true };
        let (Some((name, file)), Some(handle)) = (state.files.get(id), state.workers.get(worker)) else { return true };
        state.load[worker] += file.size() as u64;
        handle.send(&ToWorker::Hunt { id, name: name.clone(), query: search.query.clone(), run: search.run }, Some(file))
    };
    match sent {
        Ok(()) => true,
        Err(reason) => {
            fail(inner, dispatch, reason);
            false
        }
    }
}

/// `worker` searched file `id` for search `run`: its matches are kept, the worker gets the next
/// file, and once every file has answered the search is finished.
#[allow(clippy::too_many_arguments)]
pub(super) fn searched(
    inner: &Rc<RefCell<Inner>>,
    dispatch: &Callback<Action>,
    worker: usize,
    id: usize,
    run: u64,
    records: Vec<usize>,
    error: Option<String>,
) {
    let progress = {
        let mut state = inner.borrow_mut();
        let size = state.files.get(id).map_or(0, |(_, f)| f.size() as u64);
        if let Some(load) = state.load.get_mut(worker) {
            *load = load.saturating_sub(size);
        }
        let name = state.files.get(id).map(|(n, _)| n.clone()).unwrap_or_default();
        let Some(search) = state.search.as_mut().filter(|s| s.run == run && s.pending.contains(&id)) else { return };
        search.pending.remove(&id);
        search.found.extend(records.into_iter().map(|record| (id, record)));
        search.errors.extend(error.map(|why| format!("{name}: {why}")));
        (
            search.pending.is_empty(),
            FileSearch {
                query: search.query.clone(),
                done: search.total - search.pending.len(),
                total: search.total,
                places: None,
                errors: search.errors.clone(),
            },
        )
    };
    match progress {
        (true, _) => finish(inner, dispatch),
        (false, progress) => {
            post(inner, dispatch, vec![Action::FileSearch(Some(progress))]);
            hand_next(inner, dispatch, worker);
        }
    }
}

/// Every file answered: the matches, as the index's rows (a repeated event's first delivery),
/// in time order, go to the page.
fn finish(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) {
    let Some(search) = inner.borrow_mut().search.take() else { return };
    let places = {
        let state = inner.borrow();
        let index = state.events.0.borrow();
        let mut places: Vec<usize> = search.found.iter().filter_map(|&(file, record)| index.place(file, record)).collect();
        places.sort_unstable();
        places.dedup();
        index.sort(&mut places);
        places
    };
    let done =
        FileSearch { query: search.query, done: search.total, total: search.total, places: Some(Rc::new(places)), errors: search.errors };
    post(inner, dispatch, vec![Action::FileSearch(Some(done))]);
}
