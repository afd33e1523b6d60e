//! The state reducer, exceptions and Markdown rendering, run in headless Chromium
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features web --test web_state`).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use trailhound_app::exceptions::Matcher;
use trailhound_app::markdown;
use trailhound_app::messages::unscanned;
use trailhound_app::state::{Action, Phase, Queued, State};
use trailhound_engine::input::FileStatus;
use trailhound_engine::scan::FileReport;
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
    let report = FileReport { records: 2, scanned: 2, alerts: 2, ..unscanned("a.json", 10, FileStatus::Scanned) };
    let state = state.reduce(Action::FileDone { id: 0, report, alerts: vec![alert("e1", "alice"), alert("e2", "ci")], now_ms: 100.0 });
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
