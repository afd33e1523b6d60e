//! The alert documents the CLI writes are streamed from each alert (`AlertDocument`) instead of
//! built as a copy (`alert_document`); both must give the same JSON, byte for byte, key order
//! included, on every alert of the mixed fixtures and on documents with colliding keys.

use serde_json::json;
use trailhound::output::elastic::{AlertDocument, alert_document};
use trailhound::rules::RuleSet;
use trailhound::scan::Scanner;

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a fixture folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() { files(&path, out) } else { out.push(path) }
    }
}

#[test]
fn streamed_documents_equal_built_ones() {
    let rules = RuleSet::builtin();
    let mut scanner = Scanner::new(rules.enabled());
    let mut alerts = Vec::new();
    let mut paths = Vec::new();
    files(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mixed")), &mut paths);
    paths.sort();
    for path in &paths {
        scanner.scan_file(&path.display().to_string(), &std::fs::read(path).expect("readable"), &mut alerts);
    }
    assert!(alerts.len() >= 9, "{} alerts", alerts.len());
    // Keys the additions also write, an `event` without `kind`, and a document that is no object.
    let mut odd = alerts[0].clone();
    odd.document = json!({"kibana.alert.rule.name": "planted", "@timestamp": "x", "event": {"action": "A"}, "z": 1});
    alerts.push(odd.clone());
    odd.document = json!("not an object");
    alerts.push(odd);
    for alert in &alerts {
        let built = serde_json::to_string(&alert_document(alert, "2026-11-30T00:00:00.000Z")).unwrap();
        let streamed = serde_json::to_string(&AlertDocument { alert, generated_at: "2026-11-30T00:00:00.000Z" }).unwrap();
        assert_eq!(streamed, built);
    }
}
