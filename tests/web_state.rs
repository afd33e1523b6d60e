//! The state reducer, exceptions and Markdown rendering, run in headless Chromium
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features web --test web_state`).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use trailhound::app::exceptions::Matcher;
use trailhound::app::markdown;
use trailhound::app::messages::{FileResult, Outcome};
use trailhound::app::state::{Action, Phase, Queued, State};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "web_support/mod.rs"]
mod support;
use support::alert;

#[wasm_bindgen_test]
fn a_scan_runs_from_idle_to_done_in_the_browser() {
    let state = State::new();
    assert_eq!(state.phase, Phase::Idle);
    assert!(!state.rules.is_empty(), "the built-in rules load in wasm");
    let state = state.reduce(Action::Queue { files: vec![Queued { id: 0, name: "a.json".into(), bytes: 10 }], now_ms: 0.0 });
    assert_eq!(state.phase, Phase::Scanning);
    let result = FileResult { outcome: Outcome::Scanned, records: 2, scanned: 2, alerts: 2, ..FileResult::unreadable(10, String::new()) };
    let state = state.reduce(Action::FileDone { id: 0, result, alerts: vec![alert("e1", "alice"), alert("e2", "ci")], now_ms: 100.0 });
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.rows.len(), 2);
    let state = state.reduce(Action::AddException {
        rule_id: None,
        rule_name: None,
        matcher: Matcher::Field { field: "user.name".into(), value: "ci".into() },
        comment: String::new(),
    });
    assert_eq!(state.suppression_counts(), [1]);
    assert_eq!(state.visible_alerts().len(), 1);
}

#[wasm_bindgen_test]
fn the_guide_renders_without_raw_html() {
    let html = markdown::to_html("### Steps\n\n<img src=x onerror=alert(1)>\n\n1. **Who** did it");
    assert!(html.contains("<h3>Steps</h3>"));
    assert!(!html.contains("<img"));
    assert!(html.contains("<strong>Who</strong>"));
}

/// Files scanned apart settle in file order; a big file's IDs are counted a task's worth at a time,
/// and the outcome is what settling it at once gives.
#[wasm_bindgen_test]
fn a_big_file_settles_a_task_at_a_time_with_the_same_outcome() {
    use trailhound::app::settle::{IDS_A_TASK, Scanned, Settle};
    use trailhound::scan::Dedup;
    let result = || FileResult { outcome: Outcome::Scanned, ..FileResult::unreadable(10, String::new()) };
    // File 0: IDs 0..1000. File 1 (big): IDs 500..(500 + 2.5 tasks), so 500 repeat file 0's, with
    // two alerts: one on a repeated (rule, ID) key, one new. File 2: IDs 0..10, all repeats.
    let big = IDS_A_TASK * 5 / 2;
    let ids = [(0..1000).collect::<Vec<u64>>(), (500..500 + big as u64).collect(), (0..10).collect()];
    let keys = [vec![Some((1, 600))], vec![Some((1, 600)), Some((1, 700))], vec![]];
    let alerts = |n: usize| (0..n).map(|i| alert(&format!("e{i}"), "a")).collect::<Vec<_>>();
    let mut settle = Settle::default();
    // The later files arrive first: nothing settles until file 0 is in.
    for id in [2, 1, 0] {
        settle.waiting.insert(id, Scanned::new(result(), alerts(keys[id].len()), ids[id].clone(), keys[id].clone()));
    }
    let mut settled = Vec::new();
    let mut calls = 0;
    loop {
        let (ready, more) = settle.ready(false);
        calls += 1;
        settled.extend(ready);
        if !more {
            break;
        }
    }
    assert_eq!(calls, 3, "2.5 tasks' worth of IDs (and a thousand before them) take three");
    assert_eq!(settled.iter().map(|(id, _, _)| *id).collect::<Vec<_>>(), vec![0, 1, 2]);
    let mut whole = Dedup::default();
    for (id, result, kept) in &settled {
        let (duplicates, expected) = whole.settle(&ids[*id], alerts(keys[*id].len()).into_iter().zip(keys[*id].clone()));
        assert_eq!((result.duplicates, result.alerts, kept.len()), (duplicates, expected.len(), expected.len()), "file {id}");
    }
    assert_eq!(settled.iter().map(|(_, r, _)| r.duplicates).collect::<Vec<_>>(), vec![0, 500, 10]);
    assert_eq!(settled.iter().map(|(_, r, _)| r.alerts).collect::<Vec<_>>(), vec![1, 1, 0]);
    assert_eq!(settle.next, 3);
}
