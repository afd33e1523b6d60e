//! Properties of the scan loop on hostile input: no bytes make the scanner panic and every record
//! is accounted for (records = scanned + errors, alerts counted, alerts point at records read);
//! real records mangled field by field (values of any JSON type, fields removed, wrapped, renamed)
//! still scan, each as one record.
//!
//! The reader alone is covered by `input_props.rs`; this adds the ECS view, the rules and alerts.

use proptest::prelude::*;
use serde_json::{Map, Value};
use trailhound_engine::input::{FileStatus, Limits, RecordKind, read_file};
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::{FileReport, Scanner, Summary};
use trailhound_testkit::Serial;

const INPUTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/inputs");
const STRATUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stratus");

/// Raw CloudTrail records of the fixtures (and of the Stratus captures, once present).
fn real_records() -> Vec<Value> {
    let mut files: Vec<std::path::PathBuf> = ["s3_delivery.json", "array.json", "records.ndjson", "lookup_events.json"]
        .iter()
        .map(|f| std::path::Path::new(INPUTS).join(f))
        .collect();
    if let Ok(entries) = std::fs::read_dir(STRATUS) {
        let mut more: Vec<_> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
        more.sort();
        files.extend(more.into_iter().take(200));
    }
    let mut records = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        read_file(&bytes, &mut |item| {
            if let Ok(record) = item
                && record.kind == RecordKind::CloudTrail
            {
                records.push(record.into_value());
            }
        });
    }
    assert!(records.len() >= 10, "the fixtures hold records");
    records
}

/// Scans `bytes` with the built-in rules and checks the accounting.
fn scan(name: &str, bytes: &[u8], limits: Limits) -> FileReport {
    let rules = RuleSet::builtin();
    let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()).with_limits(limits));
    let mut alerts = Vec::new();
    let report = scanner.scan_file(name, bytes, &mut alerts);
    assert_eq!(report.records, report.scanned + report.record_errors, "records = scanned + errors");
    assert_eq!(report.alerts, alerts.len(), "every alert counted");
    assert!(report.errors.len() <= report.record_errors);
    for alert in &alerts {
        assert!(alert.origin.record < report.records, "alert {:?} points past the records read", alert.origin);
    }
    let mut summary = Summary::default();
    summary.add(&report);
    assert_eq!(summary.records, summary.scanned + summary.record_errors);
    report
}

/// Any JSON value, a few levels deep, with strings that may hold control characters and
/// numbers at the edges.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![Just(1e308), Just(-1e308), Just(5e-324), Just(-0.0), any::<f64>()]
            .prop_filter_map("finite", |f| serde_json::Number::from_f64(f).map(Value::Number)),
        "\\PC{0,12}".prop_map(Value::String),
        "[\\x00-\\x1f\\u{202e}a-z*?\\\\\"]{0,12}".prop_map(Value::String),
        Just(Value::String(String::new())),
    ];
    leaf.prop_recursive(4, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z.@_]{0,10}", inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// One mangling of a record.
#[derive(Debug, Clone)]
enum Mangle {
    /// Replace the node at the chosen path with any value.
    Replace(Value),
    /// Remove it from its object or array.
    Remove,
    /// Wrap it in an array.
    WrapInArray,
    /// Wrap it in an object under a dotted key.
    WrapInObject(String),
    /// Rename it (a key of an object) to another key, maybe a dotted one.
    Rename(String),
}

fn any_mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        3 => any_json().prop_map(Mangle::Replace),
        2 => Just(Mangle::Remove),
        1 => Just(Mangle::WrapInArray),
        1 => "[a-z.]{0,8}".prop_map(Mangle::WrapInObject),
        // Not to a key that makes a JSON line a container of records (`Records`, `Events`, `hits`).
        1 => "[a-zA-Z.]{0,12}".prop_filter("not a container key", |k| !["Records", "Events", "hits"].contains(&k.as_str()))
            .prop_map(Mangle::Rename),
    ]
}

/// JSON pointers to every node below the root.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

fn apply(record: &mut Value, which: prop::sample::Index, mangle: &Mangle) {
    let mut all = Vec::new();
    pointers(record, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let pointer = &all[which.index(all.len())];
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer below the root");
    let key = last.replace("~1", "/").replace("~0", "~");
    let Some(parent) = record.pointer_mut(parent) else { return };
    match (parent, mangle) {
        (Value::Object(map), Mangle::Remove) => {
            map.remove(&key);
        }
        (Value::Array(items), Mangle::Remove) => {
            if let Ok(i) = key.parse::<usize>() {
                items.remove(i);
            }
        }
        (Value::Object(map), Mangle::Rename(to)) => {
            if let Some(v) = map.remove(&key) {
                map.insert(to.clone(), v);
            }
        }
        (parent, mangle) => {
            let slot = match parent {
                Value::Object(map) => map.get_mut(&key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
                _ => None,
            };
            let Some(slot) = slot else { return };
            *slot = match mangle {
                Mangle::Replace(v) => v.clone(),
                Mangle::WrapInArray => Value::Array(vec![slot.take()]),
                Mangle::WrapInObject(k) => Value::Object([(k.clone(), slot.take())].into_iter().collect()),
                Mangle::Remove | Mangle::Rename(_) => return,
            };
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn the_scanner_never_panics_on_arbitrary_bytes_and_accounts_for_every_record(
        bytes in prop::collection::vec(any::<u8>(), 0..1024), gz in any::<bool>()
    ) {
        let bytes = if gz { gzip(&bytes) } else { bytes };
        scan("arbitrary", &bytes, Limits { max_inflated_bytes: 1 << 16, ..Limits::default() });
    }

    #[test]
    fn the_scanner_never_panics_on_json_shaped_noise(text in "[\\[\\]{}\":,a-zA-Z0-9 .\n\\\\]{0,300}") {
        scan("noise.json", text.as_bytes(), Limits::default());
        scan("noise.json", format!("{{\"Records\":[{text}").as_bytes(), Limits::default());
        scan("noise.ndjson", format!("{{\"eventVersion\":\"1.09\"}}\n{text}\n").as_bytes(), Limits::default());
    }

    /// Real records, each mangled up to four times, in an S3 delivery and as JSON Lines: every
    /// one is still read and scanned as one record (a record is a record, whatever its fields).
    #[test]
    fn mangled_real_records_scan_as_records(
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..6),
        mangles in prop::collection::vec((any::<prop::sample::Index>(), any_mangle()), 0..12),
    ) {
        let all = real_records();
        let mut records: Vec<Value> = picks.iter().map(|i| all[i.index(all.len())].clone()).collect();
        for (n, (which, mangle)) in mangles.iter().enumerate() {
            let at = n % records.len();
            apply(&mut records[at], *which, mangle);
        }
        let delivery = serde_json::to_vec(&serde_json::json!({ "Records": records })).unwrap();
        let report = scan("mangled.json", &delivery, Limits::default());
        prop_assert_eq!(&report.read.status, &FileStatus::Scanned);
        prop_assert_eq!(report.records, records.len());
        prop_assert_eq!(report.scanned + report.record_errors, records.len());

        let lines: Vec<u8> = records.iter().flat_map(|r| {
            let mut line = serde_json::to_vec(r).unwrap();
            line.push(b'\n');
            line
        }).collect();
        let report = scan("mangled.ndjson", &lines, Limits::default());
        // One line is one JSON document: mangled past recognition (no `eventVersion`, no
        // `eventSource`/`eventName`), it is an unknown shape, not a record.
        let unknown = matches!(&report.read.status, FileStatus::Failed(e) if e.reason.starts_with("unknown shape"));
        if !(records.len() == 1 && unknown) {
            prop_assert_eq!(report.records, records.len());
        }
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}
