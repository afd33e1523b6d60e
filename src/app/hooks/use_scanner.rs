//! `use_scanner`: owns the scanning worker. Files added go straight to the worker (which queues
//! them); Cancel terminates it; a dead worker is reported and replaced on the next scan. The page
//! keeps the `File` handles so a rules change can rescan the same files.

use crate::app::bridge::WorkerHandle;
use crate::app::messages::{FromWorker, RuleConfig, ToWorker};
use crate::app::state::{Action, Queued};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What the page can do with the scanner.
#[derive(Clone, PartialEq)]
pub struct ScannerHandle {
    /// Scan these files (name with folder path, handle), adding to the current scan.
    pub add: Callback<Vec<(String, web_sys::File)>>,
    pub cancel: Callback<()>,
    /// Forget every file and alert.
    pub reset: Callback<()>,
    /// Scan the same files again (after a rules change).
    pub rescan: Callback<()>,
}

#[derive(Default)]
struct Inner {
    worker: Option<WorkerHandle>,
    /// Set by the worker's callbacks when it died; it is replaced outside its own callback.
    dead: bool,
    files: Vec<(String, web_sys::File)>,
    rules: RuleConfig,
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn add_files(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>, files: Vec<(String, web_sys::File)>) {
    if files.is_empty() {
        return;
    }
    if inner.borrow().dead || inner.borrow().worker.is_none() {
        let worker = spawn(inner, dispatch);
        let mut state = inner.borrow_mut();
        state.dead = false;
        state.worker = None; // the old one, if any, is terminated here
        match worker {
            Ok(worker) => {
                let _ = worker.send(&ToWorker::Configure { rules: state.rules.clone() }, None);
                state.worker = Some(worker);
            }
            Err(reason) => {
                drop(state);
                dispatch.emit(Action::WorkerFailed { message: reason, now_ms: now() });
                return;
            }
        }
    }
    let start = inner.borrow().files.len();
    let queued: Vec<Queued> =
        files.iter().enumerate().map(|(i, (name, file))| Queued { id: start + i, name: name.clone(), bytes: file.size() as u64 }).collect();
    dispatch.emit(Action::Queue { files: queued, now_ms: now() });
    let mut state = inner.borrow_mut();
    for (i, (name, file)) in files.into_iter().enumerate() {
        if let Some(worker) = &state.worker
            && let Err(reason) = worker.send(&ToWorker::Scan { id: start + i, name: name.clone() }, Some(&file))
        {
            dispatch.emit(Action::WorkerFailed { message: reason, now_ms: now() });
        }
        state.files.push((name, file));
    }
}

fn spawn(inner: &Rc<RefCell<Inner>>, dispatch: &Callback<Action>) -> Result<WorkerHandle, String> {
    let on_message = {
        let (inner, dispatch) = (Rc::downgrade(inner), dispatch.clone());
        move |message: FromWorker| match message {
            FromWorker::Ready => {}
            FromWorker::Reading { id, bytes } => dispatch.emit(Action::Reading { id, bytes, now_ms: now() }),
            FromWorker::Done { id, result, alerts } => dispatch.emit(Action::FileDone { id, result, alerts, now_ms: now() }),
            FromWorker::Panic { message } => {
                if let Some(inner) = inner.upgrade() {
                    inner.borrow_mut().dead = true;
                }
                dispatch.emit(Action::WorkerFailed { message, now_ms: now() });
            }
        }
    };
    let on_failure = {
        let (inner, dispatch) = (Rc::downgrade(inner), dispatch.clone());
        move |reason: String| {
            let Some(inner) = inner.upgrade() else { return };
            // After a reported panic the error event says the same again.
            if std::mem::replace(&mut inner.borrow_mut().dead, true) {
                return;
            }
            dispatch.emit(Action::WorkerFailed { message: reason, now_ms: now() });
        }
    };
    WorkerHandle::spawn(on_message, on_failure)
}

/// The scanner for `rules`; `dispatch` receives its progress as actions.
#[hook]
pub fn use_scanner(dispatch: Callback<Action>, rules: RuleConfig) -> ScannerHandle {
    let inner = use_mut_ref(Inner::default);
    inner.borrow_mut().rules = rules;

    let add = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |files: Vec<(String, web_sys::File)>, _| add_files(&inner, &dispatch, files))
    };
    let cancel = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            // Terminating is the only way to stop a scan in the middle of a file.
            inner.borrow_mut().dead = true;
            dispatch.emit(Action::Cancel { now_ms: now() });
        })
    };
    let reset = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            let mut state = inner.borrow_mut();
            state.dead = true;
            state.files.clear();
            drop(state);
            dispatch.emit(Action::Reset);
        })
    };
    let rescan = {
        let (inner, dispatch) = (inner.clone(), dispatch.clone());
        use_callback((), move |_: (), _| {
            let files = {
                let mut state = inner.borrow_mut();
                state.dead = true;
                std::mem::take(&mut state.files)
            };
            dispatch.emit(Action::Reset);
            add_files(&inner, &dispatch, files);
        })
    };
    ScannerHandle { add, cancel, reset, rescan }
}
