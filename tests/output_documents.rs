//! The alert documents the CLI writes are streamed from each alert (`AlertDocument`) instead of
//! built as a copy (`alert_document`); both must give the same JSON, byte for byte, key order
//! included, on every alert of the mixed fixtures and on documents with colliding keys.
//!
//! Alerts are also rendered one at a time and put together by `output::Writer`: the outputs
//! must be what rendering the whole list at once gives (a pretty JSON array, a CSV file).

use serde_json::json;
use trailhound_engine::alert::Alert;
use trailhound_engine::output::elastic::{AlertDocument, alert_document};
use trailhound_engine::output::{self, Format};
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::Scanner;
use trailhound_testkit::Serial;

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a fixture folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() { files(&path, out) } else { out.push(path) }
    }
}

/// Every alert the built-in rules raise on the mixed fixtures.
fn mixed_alerts() -> Vec<Alert> {
    let rules = RuleSet::builtin();
    let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()));
    let mut alerts = Vec::new();
    let mut paths = Vec::new();
    files(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mixed")), &mut paths);
    paths.sort();
    for path in &paths {
        scanner.scan_file(&path.display().to_string(), &std::fs::read(path).expect("readable"), &mut alerts);
    }
    assert!(alerts.len() >= 9, "{} alerts", alerts.len());
    alerts
}

#[test]
fn streamed_documents_equal_built_ones() {
    let mut alerts = mixed_alerts();
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

const AT: &str = "2026-11-30T00:00:00.000Z";

fn written(format: Format, alerts: &[Alert]) -> String {
    let mut out = Vec::new();
    output::write(format, alerts, AT, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn alerts_rendered_apart_make_the_whole_output() {
    let alerts = mixed_alerts();
    for n in [0, 1, 2, alerts.len()] {
        let some = &alerts[..n];
        let documents: Vec<_> = some.iter().map(|alert| AlertDocument { alert, generated_at: AT }).collect();
        let json = serde_json::to_string_pretty(&documents).unwrap() + "\n";
        assert_eq!(written(Format::Json, some), json, "{n} alerts");
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed.len(), n);

        let ndjson: String = documents.iter().map(|d| serde_json::to_string(d).unwrap() + "\n").collect();
        assert_eq!(written(Format::Ndjson, some), ndjson, "{n} alerts");

        let mut csv = ::csv::Writer::from_writer(Vec::new());
        csv.write_record(output::csv::HEADER).unwrap();
        for alert in some {
            csv.write_record(output::csv::row(alert).iter().map(|c| output::csv::as_text(c).into_owned())).unwrap();
        }
        assert_eq!(written(Format::Csv, some), String::from_utf8(csv.into_inner().unwrap()).unwrap(), "{n} alerts");

        let table = written(Format::Table, some);
        assert_eq!(table.lines().count(), if n == 0 { 1 } else { n + 1 }, "{table}");
        let widths: Vec<usize> = table.lines().skip(1).map(|l| l.find("  low").unwrap_or(0)).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "columns line up: {table}");
    }
}

#[test]
fn a_writer_refuses_an_alert_rendered_for_another_format() {
    let alerts = mixed_alerts();
    let mut out = Vec::new();
    let mut writer = output::Writer::new(Format::Json, &mut out);
    let error = writer.push(output::render(Format::Table, &alerts[0], AT).unwrap()).unwrap_err();
    assert!(error.to_string().contains("another format"), "{error}");
}
