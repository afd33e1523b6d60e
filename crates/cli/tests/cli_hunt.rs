//! `trailhound hunt` and `trailhound summary` end to end, on the Stratus Red Team detonations:
//! a hunt gives every event of an access key in time order, checked against the fixture read
//! independently; the output formats agree; threads change nothing; a summary counts each
//! principal's events and alerts.

use serde_json::Value;
use std::process::{Command, Output};

const STRATUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/stratus");
const MIXED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mixed");

fn trailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound")).args(args).output().expect("the binary runs")
}

/// The Stratus detonation files (the folder also holds its NOTICE and coverage table).
fn stratus_files() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir(STRATUS)
        .expect("the fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths
}

/// `trailhound ARGS` on every Stratus file.
fn on_stratus(args: &[&str]) -> Output {
    let files = stratus_files();
    trailhound(&args.iter().copied().chain(files.iter().map(String::as_str)).collect::<Vec<_>>())
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every Stratus record, read as plain JSON (each file is an array of records): (file, eventTime, record).
fn stratus_records() -> Vec<(String, usize, Value)> {
    let mut out = Vec::new();
    for path in stratus_files().into_iter().map(std::path::PathBuf::from) {
        let records: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).expect("reads")).expect("an array");
        let name = path.file_name().expect("a name").to_string_lossy().into_owned();
        out.extend(records.into_iter().enumerate().map(|(i, r)| (name.clone(), i, r)));
    }
    out
}

/// The access key with the most events in the fixtures.
fn busiest_key(records: &[(String, usize, Value)]) -> String {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for (_, _, r) in records {
        if let Some(key) = r["userIdentity"]["accessKeyId"].as_str() {
            *counts.entry(key).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|&(k, n)| (n, std::cmp::Reverse(k))).expect("some key").0.to_string()
}

#[test]
fn a_hunt_gives_every_event_of_a_key_in_time_order() {
    let records = stratus_records();
    let key = busiest_key(&records);
    let mut want: Vec<(&str, &str, usize, &str)> = records
        .iter()
        .filter(|(_, _, r)| r["userIdentity"]["accessKeyId"] == key.as_str())
        .map(|(file, i, r)| (r["eventTime"].as_str().expect("a time"), file.as_str(), *i, r["eventID"].as_str().expect("an id")))
        .collect();
    // Each event once (a detonation log may hold a delivery twice), first delivery kept.
    let mut seen = std::collections::HashSet::new();
    want.retain(|w| seen.insert(w.3));
    want.sort();
    assert!(want.len() >= 10, "a busy key: {} events", want.len());
    let query = format!("aws.cloudtrail.user_identity.access_key_id:{key}");
    let out = on_stratus(&["hunt", &query, "--format", "ndjson"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Vec<String> = stdout(&out)
        .lines()
        .map(|line| {
            let doc: Value = serde_json::from_str(line).expect("each line an ECS document");
            assert_eq!(doc["aws"]["cloudtrail"]["user_identity"]["access_key_id"], key.as_str());
            doc["event"]["id"].as_str().expect("an id").to_string()
        })
        .collect();
    let want_ids: Vec<&str> = want.iter().map(|w| w.3).collect();
    assert_eq!(got, want_ids);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{} events match", want.len())));
}

#[test]
fn formats_and_threads_agree() {
    let query = "event.action:Get* and not event.outcome:success";
    let csv = on_stratus(&["hunt", query, "--format", "csv", "-j", "1"]);
    let csv2 = on_stratus(&["hunt", query, "--format", "csv", "-j", "2"]);
    assert_eq!(stdout(&csv), stdout(&csv2), "threads change nothing");
    let rows: Vec<String> = stdout(&csv).lines().skip(1).map(str::to_string).collect();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.contains(",failure,")), "{rows:?}");
    let table = on_stratus(&["hunt", query]);
    assert_eq!(stdout(&table).lines().count(), rows.len() + 1, "a header and a line an event");
    let ndjson = on_stratus(&["hunt", query, "--format", "ndjson"]);
    assert_eq!(stdout(&ndjson).lines().count(), rows.len());
    // Every input shape is searched: S3 deliveries, exports, lookup-events, an ECS export, the
    // console's CSV.
    let mixed = trailhound(&["hunt", "event.action:Delete*", "--format", "csv", MIXED]);
    let text = stdout(&mixed);
    for shape in ["exports/records.ndjson", "lookup-events.json", "ecs-export.ndjson", "event_history.csv", ".json.gz"] {
        assert!(text.contains(shape), "{shape} in {text}");
    }
}

#[test]
fn a_bad_query_says_where_and_exits_2() {
    let out = trailhound(&["hunt", "event.action:(", STRATUS]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not parse") && err.contains('^'), "{err}");
}

#[test]
fn a_summary_profiles_each_principal() {
    let records = stratus_records();
    let out = on_stratus(&["summary", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let profiles: Vec<Value> = serde_json::from_str(&stdout(&out)).expect("JSON");
    let events: u64 = profiles.iter().map(|p| p["events"].as_u64().expect("a count")).sum();
    let mut ids: Vec<&str> = records.iter().filter_map(|(_, _, r)| r["eventID"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(events as usize, ids.len(), "every event once");
    let alerts: u64 = profiles.iter().map(|p| p["alerts"].as_u64().expect("a count")).sum();
    assert!(alerts >= 35, "the built-in rules alert on the detonations: {alerts}");
    // The most alerted first; each profile's own numbers agree with the fixture.
    assert!(profiles.windows(2).all(|w| w[0]["alerts"].as_u64() >= w[1]["alerts"].as_u64()));
    let top = &profiles[0];
    let arn = top["key"].as_str().expect("a principal");
    let own = records
        .iter()
        .filter(|(_, _, r)| r["userIdentity"]["arn"] == arn)
        .map(|(_, _, r)| r["eventID"].as_str())
        .collect::<std::collections::HashSet<_>>();
    assert_eq!(top["events"].as_u64(), Some(own.len() as u64), "{arn}");
    assert!(top["watched"].as_array().is_some_and(|w| !w.is_empty()), "the calls the rules watch");
    let by_key = on_stratus(&["summary", "--by", "access-key"]);
    assert_eq!(by_key.status.code(), Some(0));
    assert!(stdout(&by_key).contains("events,") && stdout(&by_key).contains("principals"));
    let bad = trailhound(&["summary", "--by", "colour", STRATUS]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("one of: account, region"));
}
