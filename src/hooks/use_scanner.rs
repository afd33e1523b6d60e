//! `use_scanner`: owns the scanning workers, one a core and one more (up to four), started when the page
//! opens. Each file added goes to the least busy worker, which scans it on its own; results are
//! settled here in file order (duplicate `eventID`s across files and workers, with one hash key for
//! the whole scan), so the outcome does not depend on which worker took which file. Cancel
//! terminates the workers; a dead worker is reported and the workers are replaced on the next scan.
//! The page keeps the `File` handles so a rules change can rescan the same files, and a query the
//! event index cannot answer can search them ([`search`]), and an event's record can be read
//! again from its file ([`reads`]).

mod reads;
mod search;

pub use reads::{Place, ReadProgress, ReadRequest};

use crate::bridge::WorkerHandle;
use crate::messages::{FromWorker, RuleConfig, ToWorker};
use crate::state::{Action, Queued};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use trailhound_engine::events::FileEvents;
use trailhound_engine::{Candidate, EventIndex, Rule, Settled, TextAlert};
use trailhound_engine::{FileScan, IdKey, Merge};
use yew::prelude::*;

/// The most workers: each holds its own copy of the engine and its alerts until they are posted.
const MAX_WORKERS: usize = 4;

/// How often, at most, progress and results reach the page: each render recomputes the views
/// over every alert, so a render per worker message would grow with the scan.
const FLUSH_MS: u32 = 100;

/// The most `eventID`s one task counts for duplicates: a 2 GB file's 1.6 million took 60–170 ms in
/// one go; the rest are counted in later tasks.
const IDS_A_TASK: usize = 100_000;

/// The scan's event index, shared with the page's views (equal when it is the same index: its
/// content changes as files settle, with the page's files).
#[derive(Clone, Default)]
pub struct Events(pub Rc<RefCell<EventIndex>>);

impl PartialEq for Events {
    fn eq(&self, other: &Events) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What the page can do with the scanner.
#[derive(Clone, PartialEq)]
pub struct ScannerHandle {
    /// Every settled file's events.
    pub events: Events,
    /// Scan these files (name with folder path, handle), adding to the current scan.
    pub add: Callback<Vec<(String, web_sys::File)>>,
    pub cancel: Callback<()>,
    /// Forget every file and alert.
    pub reset: Callback<()>,
    /// Scan the same files again (after a rules change).
    pub rescan: Callback<()>,
    /// Search every file for the events a query matches (one the event index cannot answer).
    pub search: Callback<String>,
    /// Stop following a search (its results are dropped as they come).
    pub cancel_search: Callback<()>,
    /// Read records again from their files; gives the read's number, for `cancel_read`.
    pub read: Callback<ReadRequest, Option<u64>>,
    /// Stop a read (its caller hears nothing more).
    pub cancel_read: Callback<u64>,
}

#[derive(Default)]
struct Inner {
    workers: Vec<WorkerHandle>,
    /// Bytes given to each worker and not yet done: the next file goes to the least busy.
    load: Vec<u64>,
    /// Which set of workers is current; messages from an older set are dropped.
    generation: u64,
    /// Set when a worker died or the scan was cancelled; the workers are replaced outside their
    /// own callbacks, on the next scan.
    dead: bool,
    files: Vec<(String, web_sys::File)>,
    rules: RuleConfig,
    /// The rules the current workers were configured with.
    configured: Option<RuleConfig>,
    /// The GeoIP databases' files at hand (name, file), and the names the workers were given.
    databases: Vec<(String, web_sys::File)>,
    configured_databases: Vec<String>,
    /// Files settled in file order, whichever worker scanned them.
    settle: Merge<TextAlert>,
    /// The key every worker of the scan hashes `eventID`s with.
    key: Option<IdKey>,
    /// Progress and results not yet handed to the page, and whether a hand-over is scheduled.
    outbox: Vec<Action>,
    flush_scheduled: bool,
    /// Whether settling what is left of a big file is scheduled.
    settle_scheduled: bool,
    /// The rules the current workers scan with, in their order, for the second stage.
    stage_rules: Option<Arc<[Rule]>>,
    /// Every settled file's candidates of stateful rules (with the rules that scanned it: rules can
    /// change between drops), and whether some came since the second stage last decided.
    candidates: Vec<(usize, Arc<[Rule]>, Vec<Candidate>)>,
    undecided: bool,
    /// Every settled file's events, in file order.
    events: Events,
    /// The search of the files under way, and the number of the last one started.
    search: Option<search::Search>,
    searches: u64,
    /// Reads of records under way, by number, and the number of the last one started.
    reads: std::collections::BTreeMap<u64, reads::Reading>,
    reads_started: u64,
}

impl Inner {
    /// Ends every read under way, telling each caller why (the workers that were reading are gone).
    fn abandon_reads(&mut self) -> Vec<(Callback<ReadProgress>, ReadProgress)> {
        std::mem::take(&mut self.reads).into_values().map(reads::Reading::abandoned).collect()
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// A key for hashing `eventID`s from the browser's cryptographic random source.
fn random_key() -> IdKey {
    let Some(bytes) = crate::random::bytes16() else { return IdKey::random() };
    let half = |b: &[u8]| b.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
    IdKey(half(&bytes[..8]), half(&bytes[8..]))
}

/// One worker a core and one more: a worker waits inside `FileReaderSync` for much of a file, and
/// the extra one scans meanwhile (on 2 cores, 500 MB dropped: 125 MB/s against 96 with one a core,
/// three interleaved runs each).
fn worker_count() -> usize {
    let cores = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (cores as usize + 1).clamp(2, MAX_WORKERS)
}

/// Makes sure live workers are running, configured with the current rules. Workers busy with a
/// scan keep the rules they started with (the page offers a rescan when rules change); they are
/// reconfigured once every file handed to them is settled.
fn ensure_workers(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) -> bool {
    {
        let state = inner.borrow();
        let idle = state.settle.next() >= state.files.len() && state.settle.is_idle();
        let current = state.configured.as_ref() == Some(&state.rules) && state.configured_databases == database_names(&state);
        if !state.dead && !state.workers.is_empty() && (current || !idle) {
            return true;
        }
    }
    let (generation, abandoned) = {
        let mut state = inner.borrow_mut();
        state.workers.clear(); // the old ones, if any, are terminated here
        state.generation += 1;
        state.dead = false;
        // Files handed to the old workers and never done are settled as lost, their reads ended.
        let next = state.files.len();
        state.settle.abandon(next);
        (state.generation, state.abandon_reads())
    };
    tell(abandoned);
    let key = *inner.borrow_mut().key.get_or_insert_with(random_key);
    let rules = inner.borrow().rules.clone();
    let (names, files): (Vec<String>, Vec<web_sys::File>) = {
        let state = inner.borrow();
        let wanted = database_names(&state);
        state.databases.iter().filter(|(n, _)| wanted.contains(n)).cloned().unzip()
    };
    let mut workers = Vec::new();
    for index in 0..worker_count() {
        match spawn(inner, dispatch, generation, index) {
            Ok(worker) => {
                let _ = worker.send_with(&ToWorker::Configure { rules: rules.clone(), id_key: key }, None, &files);
                workers.push(worker);
            }
            Err(reason) => {
                dispatch.emit(Action::WorkerFailed { message: reason, now_ms: now() });
                return false;
            }
        }
    }
    let mut state = inner.borrow_mut();
    state.load = vec![0; workers.len()];
    state.workers = workers;
    state.stage_rules = Some(rules.enabled_rules().into());
    state.configured = Some(rules);
    state.configured_databases = names;
    true
}

/// Files handled per task when a drop is queued: `File.size` asks the browser each time (about
/// 0.2 ms a file on disk) and each hand-over is a message, so a drop of thousands of files is
/// taken in chunks, each its own task, and the page stays responsive.
const CHUNK: usize = 32;

fn add_files(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, files: Vec<(String, web_sys::File)>) {
    if files.is_empty() || !ensure_workers(inner, dispatch) {
        return;
    }
    // The files are the scan's from now on (a rescan takes them), whatever happens while they are
    // being queued.
    let start = {
        let mut state = inner.borrow_mut();
        state.files.extend(files.iter().cloned());
        state.files.len() - files.len()
    };
    let (inner, dispatch) = (inner.clone(), dispatch.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let generation = inner.borrow().generation;
        // A reset or a rescan has taken over: these files are forgotten, or scanned by it.
        let replaced = || inner.borrow().generation != generation;
        let dead = || inner.borrow().dead;
        let mut sizes = Vec::with_capacity(files.len());
        for chunk in files.chunks(CHUNK) {
            sizes.extend(chunk.iter().map(|(_, file)| file.size() as u64));
            gloo_timers::future::TimeoutFuture::new(0).await;
            if replaced() {
                return;
            }
        }
        let queued = files.iter().zip(&sizes).enumerate();
        let queued: Vec<Queued> =
            queued.map(|(i, ((name, _), bytes))| Queued { id: start + i, name: name.clone(), bytes: *bytes }).collect();
        dispatch.emit(Action::Queue { files: queued, now_ms: now() });
        if dead() {
            // Cancelled, or a worker died, while the drop was being sized: listed, not scanned.
            dispatch.emit(Action::Cancel { now_ms: now() });
            return;
        }
        for (i, ((name, file), size)) in files.into_iter().zip(sizes).enumerate() {
            if i > 0 && i % CHUNK == 0 {
                gloo_timers::future::TimeoutFuture::new(0).await;
                if replaced() || dead() {
                    return;
                }
            }
            let sent = {
                let state = &mut *inner.borrow_mut();
                let Some(least) = (0..state.load.len()).min_by_key(|w| state.load[*w]) else { return };
                state.load[least] += size;
                state.workers[least].send(&ToWorker::Scan { id: start + i, name }, Some(&file))
            };
            if let Err(reason) = sent {
                fail(&inner, &dispatch, reason);
                return;
            }
        }
    });
}

fn spawn(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, generation: u64, index: usize) -> Result<WorkerHandle, String> {
    let on_message = {
        let (inner, dispatch) = (Rc::downgrade(inner), dispatch.clone());
        move |message: FromWorker| {
            let Some(inner) = inner.upgrade() else { return };
            if inner.borrow().generation != generation || inner.borrow().dead {
                return;
            }
            match message {
                FromWorker::Ready => {}
                FromWorker::Reading { id, bytes } => post(&inner, &dispatch, vec![Action::Reading { id, bytes, now_ms: now() }]),
                FromWorker::Alerts { id, alerts, keys } => {
                    let released = { inner.borrow_mut().settle.alerts(id, alerts.into_iter().zip(keys)) };
                    if !released.is_empty() {
                        post(&inner, &dispatch, vec![Action::Alerts { id, alerts: released, now_ms: now() }]);
                    }
                }
                FromWorker::Ids { id, ids } => inner.borrow_mut().settle.ids(id, ids),
                FromWorker::Done { id, report, alerts, ids, keys, candidates, strings, rows } => {
                    {
                        let mut state = inner.borrow_mut();
                        if let Some(load) = state.load.get_mut(index) {
                            *load = load.saturating_sub(report.bytes);
                        }
                        // Alerts already shown stay shown; these are shown when the file is settled.
                        state.settle.push(
                            id,
                            FileScan { report, ids, candidates, events: FileEvents { strings, rows } },
                            alerts.into_iter().zip(keys),
                        );
                    }
                    settle_ready(&inner, &dispatch);
                }
                FromWorker::Hunted { id, run, records, error } => search::searched(&inner, &dispatch, index, id, run, records, error),
                FromWorker::Fetched { id, run, records, error } => reads::fetched(&inner, &dispatch, index, (id, run), records, error),
                FromWorker::Memory { bytes } => post(&inner, &dispatch, vec![Action::ScannerMemory { bytes }]),
                FromWorker::Panic { message } => fail(&inner, &dispatch, message),
            }
        }
    };
    let on_failure = {
        let (inner, dispatch) = (Rc::downgrade(inner), dispatch.clone());
        move |reason: String| {
            let Some(inner) = inner.upgrade() else { return };
            // After a reported panic the error event says the same again.
            if inner.borrow().generation == generation && !inner.borrow().dead {
                fail(&inner, &dispatch, reason);
            }
        }
    };
    WorkerHandle::spawn(on_message, on_failure)
}

/// Settles the files that are next in order, a task's worth of IDs at a time: what is left goes on
/// in a later task, so that a big file's IDs never block the page at once.
fn settle_ready(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) {
    let (ready, more) = inner.borrow_mut().settle.settle(IDS_A_TASK);
    let done = settled(inner, ready);
    post(inner, dispatch, done);
    decide_when_all_settled(inner, dispatch);
    if more && !std::mem::replace(&mut inner.borrow_mut().settle_scheduled, true) {
        let (weak, dispatch) = (Rc::downgrade(inner), dispatch.clone());
        gloo_timers::callback::Timeout::new(0, move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().settle_scheduled = false;
                settle_ready(&inner, &dispatch);
            }
        })
        .forget();
    }
}

/// Queues actions for the page, handed over within [`FLUSH_MS`].
fn post(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, actions: Vec<Action>) {
    if actions.is_empty() {
        return;
    }
    let mut state = inner.borrow_mut();
    state.outbox.extend(actions);
    if std::mem::replace(&mut state.flush_scheduled, true) {
        return;
    }
    let (weak, dispatch) = (Rc::downgrade(inner), dispatch.clone());
    gloo_timers::callback::Timeout::new(FLUSH_MS, move || {
        if let Some(inner) = weak.upgrade() {
            flush(&inner, &dispatch);
        }
    })
    .forget();
}

/// Hands the queued actions to the page now, as one batch.
fn flush(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) {
    let actions = {
        let mut state = inner.borrow_mut();
        state.flush_scheduled = false;
        std::mem::take(&mut state.outbox)
    };
    if !actions.is_empty() {
        dispatch.emit(Action::Batch(actions));
    }
}

/// A worker died: the files already scanned are settled (in order, past the lost ones), and the
/// failure is reported; the workers are replaced on the next scan.
fn fail(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, message: String) {
    inner.borrow_mut().dead = true;
    // A search or a read waiting on the dead worker's files would never end.
    if inner.borrow_mut().search.take().is_some() {
        dispatch.emit(Action::FileSearch(None));
    }
    let abandoned = inner.borrow_mut().abandon_reads();
    tell(abandoned);
    settle_now(inner, dispatch);
    dispatch.emit(Action::WorkerFailed { message, now_ms: now() });
}

/// Hands the page every file scanned so far, past any lost before it, and all pending progress.
fn settle_now(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) {
    let ready = inner.borrow_mut().settle.settle_all();
    let done = settled(inner, ready);
    inner.borrow_mut().outbox.extend(done);
    decide(inner);
    flush(inner, dispatch);
}

/// The page's actions for files settled; their candidates are kept for the second stage.
fn settled(inner: &Rc<RefCell<Inner>>, ready: Vec<Settled<TextAlert>>) -> Vec<Action> {
    let mut state = inner.borrow_mut();
    let rules = state.stage_rules.clone();
    ready
        .into_iter()
        .map(|mut s| {
            let name = state.files.get(s.file).map_or("", |(name, _)| name.as_str()).to_string();
            state.events.0.borrow_mut().add(s.file, &name, std::mem::take(&mut s.events));
            if let Some(rules) = rules.clone().filter(|_| !s.candidates.is_empty()) {
                state.candidates.push((s.file, rules, s.candidates));
                state.undecided = true;
            }
            Action::FileDone { id: s.file, report: s.report, alerts: s.alerts, now_ms: now() }
        })
        .collect()
}

/// Once every file handed to the scan is settled, the second stage decides the stateful rules over
/// all of their candidates (again, from the start, when files were added since).
fn decide_when_all_settled(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) {
    let all = {
        let state = inner.borrow();
        state.settle.next() >= state.files.len() && state.settle.is_idle()
    };
    if all && decide(inner) {
        flush(inner, dispatch);
    }
}

/// Runs the second stage if candidates came since it last did, queueing its alerts for the page.
fn decide(inner: &Rc<RefCell<Inner>>) -> bool {
    let mut state = inner.borrow_mut();
    let (Some(rules), Some(config)) = (state.stage_rules.clone(), state.configured.clone()) else { return false };
    if !std::mem::replace(&mut state.undecided, false) {
        return false;
    }
    let mut second = trailhound_engine::Decider::new(rules.clone(), config.stage_options());
    for (file, scanned_with, candidates) in &state.candidates {
        // A file scanned with other rules: its candidates go to the same rule, by id, if it is
        // still running unchanged (a changed rule's candidates no longer fit it).
        let place = |c: &Candidate| {
            if Arc::ptr_eq(scanned_with, &rules) {
                return Some(c.rule);
            }
            let old = scanned_with.get(c.rule)?;
            rules.iter().position(|r| r.rule_id == old.rule_id && r.same_definition(old))
        };
        second.add(*file, candidates.iter().filter_map(|c| place(c).map(|rule| Candidate { rule, ..c.clone() })));
    }
    let (alerts, report) = second.finish();
    state.outbox.push(Action::Decided { alerts, report, now_ms: now() });
    true
}

/// The names of the kept databases whose files are at hand, in the rules' order.
fn database_names(state: &Inner) -> Vec<String> {
    state.rules.geoip.iter().map(|g| g.name.clone()).filter(|n| state.databases.iter().any(|(d, _)| d == n)).collect()
}

/// The scanner for `rules` (with the GeoIP `databases` at hand); `dispatch` receives its progress
/// as actions.
#[hook]
pub fn use_scanner(dispatch: Callback<Action>, rules: RuleConfig, databases: Vec<(String, web_sys::File)>) -> ScannerHandle {
    let inner = use_mut_ref(Inner::default);
    {
        let mut state = inner.borrow_mut();
        state.rules = rules;
        state.databases = databases;
    }
    {
        // The workers start with the page, so that a drop finds them ready.
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_effect_with((), move |_| {
            ensure_workers(&inner, &dispatch);
        });
    }

    let add = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |files: Vec<(String, web_sys::File)>, _| add_files(&inner, &dispatch, files))
    };
    let cancel = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            // Terminating is the only way to stop a scan in the middle of a file. Files already
            // scanned but waiting for an earlier one are settled first.
            let abandoned = {
                let mut state = inner.borrow_mut();
                state.dead = true;
                state.workers.clear();
                state.abandon_reads()
            };
            tell(abandoned);
            settle_now(&inner, &dispatch);
            dispatch.emit(Action::Cancel { now_ms: now() });
        })
    };
    let reset = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            let mut state = inner.borrow_mut();
            state.dead = true;
            state.files.clear();
            state.settle = Merge::new();
            state.key = None;
            state.outbox.clear();
            state.candidates.clear();
            state.undecided = false;
            *state.events.0.borrow_mut() = EventIndex::new();
            state.search = None;
            let abandoned = state.abandon_reads();
            drop(state);
            tell(abandoned);
            dispatch.emit(Action::Reset);
        })
    };
    let rescan = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            let (files, abandoned) = {
                let mut state = inner.borrow_mut();
                state.dead = true;
                state.settle = Merge::new();
                state.key = None;
                state.outbox.clear();
                state.candidates.clear();
                state.undecided = false;
                *state.events.0.borrow_mut() = EventIndex::new();
                state.search = None;
                (std::mem::take(&mut state.files), state.abandon_reads())
            };
            tell(abandoned);
            dispatch.emit(Action::Reset);
            add_files(&inner, &dispatch, files);
        })
    };
    let search = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |query: String, _| search::start(&inner, &dispatch, query))
    };
    let cancel_search = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            inner.borrow_mut().search = None;
            dispatch.emit(Action::FileSearch(None));
        })
    };
    let read = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |request: ReadRequest, _| reads::start(&inner, &dispatch, request))
    };
    let cancel_read = {
        let inner = inner.clone();
        use_callback((), move |run: u64, _| reads::cancel(&inner, run))
    };
    let events = inner.borrow().events.clone();
    ScannerHandle { events, add, cancel, reset, rescan, search, cancel_search, read, cancel_read }
}

/// Tells the callers of abandoned reads (outside any borrow of the scanner's state).
fn tell(abandoned: Vec<(Callback<ReadProgress>, ReadProgress)>) {
    for (callback, progress) in abandoned {
        callback.emit(progress);
    }
}
