//! Runs every case in `tests/fixtures/stage/cases.toml`: a rule (the `[rule]` table of an Elastic
//! TOML rule, with defaults for the fields a case does not care about), CloudTrail events with
//! their times and files, and the alerts the scan must raise, each written as a line:
//! - an event's alert: its `eventID`, then for new_terms the new terms (`e3 alice`);
//! - a threshold alert: the group's values, its count and its members' IDs (`alice 3: e1 e2 e3`);
//! - a sequence alert: its events' IDs in order (`e1 > e4`).
//!
//! Each case runs with its files as given, then with the files in reverse and with every event in
//! one file: the alerts must not change (those raised as files are scanned come in file order, so
//! they are compared as a set). Events of the same time are ordered by their `eventID`s, so ties
//! do not depend on files either.
//! All failures are collected and reported together.

use serde::Deserialize;
use serde_json::{Value, json};
use trailhound_engine::alert::{Alert, Detail};
use trailhound_engine::rules::{RuleSet, load_text};
use trailhound_engine::scan::{IdKey, Scanner};
use trailhound_engine::stage::Options;
use trailhound_testkit::Serial;

#[derive(Deserialize)]
struct Case {
    name: String,
    /// TOML lines of the `[rule]` table.
    rule: String,
    events: Vec<Event>,
    expect: Vec<String>,
    /// Alerts over `max_signals` that Elastic would have dropped.
    #[serde(default)]
    dropped: usize,
    #[serde(default)]
    emulate_schedule: bool,
    #[serde(default)]
    learn_first_window: bool,
}

#[derive(Deserialize)]
struct Event {
    at: String,
    action: String,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    ip: Option<String>,
    /// The event's `eventID` (default `e` and its place in the list, from 1).
    #[serde(default)]
    id: Option<String>,
    /// The file it is in (files are scanned in number order).
    #[serde(default)]
    file: usize,
    /// More CloudTrail fields, as a JSON object merged into the record.
    #[serde(default)]
    extra: Option<String>,
}

fn record(n: usize, event: &Event) -> Value {
    let user = event.user.clone().unwrap_or_else(|| "alice".to_string());
    let mut record = json!({
        "eventVersion": "1.08",
        "eventTime": event.at,
        "eventName": event.action,
        "eventSource": "iam.amazonaws.com",
        "awsRegion": "us-east-1",
        "sourceIPAddress": event.ip.clone().unwrap_or_else(|| "198.51.100.1".to_string()),
        "userAgent": "aws-cli/2.15.0",
        "userIdentity": {
            "type": "IAMUser",
            "userName": user,
            "arn": format!("arn:aws:iam::111122223333:user/{user}"),
            "accountId": "111122223333",
            "accessKeyId": "AKIAIOSFODNN7EXAMPLE"
        },
        "eventID": event.id.clone().unwrap_or_else(|| format!("e{}", n + 1)),
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333"
    });
    if let Some(extra) = &event.extra {
        let extra: Value = serde_json::from_str(extra).expect("`extra` is a JSON object");
        for (key, value) in extra.as_object().expect("`extra` is a JSON object") {
            record[key] = value.clone();
        }
    }
    record
}

/// The files' bytes, in scan order: each file's events in list order.
fn files(case: &Case, file_of: impl Fn(usize, &Event) -> usize) -> Vec<Vec<u8>> {
    let count = case.events.iter().enumerate().map(|(i, e)| file_of(i, e) + 1).max().unwrap_or(0);
    let mut files = vec![Vec::new(); count];
    for (i, event) in case.events.iter().enumerate() {
        files[file_of(i, event)].push(record(i, event));
    }
    files.into_iter().map(|records| serde_json::to_vec(&json!({ "Records": records })).unwrap()).collect()
}

fn line(alert: &Alert) -> String {
    let id = alert.event.event_id.clone().unwrap_or_default();
    let ids =
        |members: &[trailhound_engine::alert::Member]| members.iter().map(|m| m.event_id.clone().unwrap_or_default()).collect::<Vec<_>>();
    match &alert.detail {
        None => id,
        Some(Detail::NewTerms { terms, .. }) => format!("{id} {}", terms.join(" ")),
        Some(Detail::Threshold { terms, count, members, .. }) => {
            let values: Vec<&str> = terms.iter().map(|(_, v)| v.as_str()).collect();
            format!("{} {count}: {}", values.join(" "), ids(members).join(" ")).trim_start().to_string()
        }
        Some(Detail::Sequence { events, .. }) => ids(events).join(" > "),
    }
}

fn run(case: &Case, files: &[Vec<u8>]) -> Result<(Vec<String>, usize), String> {
    let text =
        format!("[rule]\nrule_id = \"case\"\nname = \"Case\"\nseverity = \"low\"\nrisk_score = 21\ndescription = \"\"\n{}\n", case.rule);
    let mut set = RuleSet::default();
    set.add(load_text("case.toml", &text));
    if let Some(problem) = set.problems.first() {
        return Err(format!("rule: {problem}"));
    }
    let scanner = Scanner::new(set.rules).with_id_key(IdKey(1, 2)).with_emulated_schedule(case.emulate_schedule);
    let options = Options { emulate_schedule: case.emulate_schedule, learn_first_window: case.learn_first_window };
    let mut serial = Serial::with_options(scanner, options);
    let mut alerts = Vec::new();
    for (i, bytes) in files.iter().enumerate() {
        let report = serial.scan_file(&format!("f{i}.json"), bytes, &mut alerts);
        if report.record_errors > 0 || report.scanned == 0 && !bytes.is_empty() {
            return Err(format!("file {i}: {report:?}"));
        }
    }
    let (decided, report) = serial.decide();
    alerts.extend(decided);
    Ok((alerts.iter().map(line).collect(), report.dropped))
}

fn check(case: &Case) -> Result<(), String> {
    let given = files(case, |_, e| e.file);
    let (got, dropped) = run(case, &given)?;
    if got != case.expect || dropped != case.dropped {
        return Err(format!(
            "alerts:\n    {}\n  wanted:\n    {}\n  dropped {dropped}, wanted {}",
            got.join("\n    "),
            case.expect.join("\n    "),
            case.dropped
        ));
    }
    let last = case.events.iter().map(|e| e.file).max().unwrap_or(0);
    // Alerts raised as files are scanned come in file order; the set must not change.
    let sorted = |mut lines: Vec<String>| {
        lines.sort();
        lines
    };
    for (how, files) in [("files reversed", files(case, |_, e| last - e.file)), ("one file", files(case, |_, _| 0))] {
        let again = run(case, &files)?;
        if (sorted(again.0.clone()), again.1) != (sorted(got.clone()), dropped) {
            return Err(format!("{how}: alerts:\n    {}\n  as given:\n    {}", again.0.join("\n    "), got.join("\n    ")));
        }
    }
    Ok(())
}

#[test]
fn every_stage_case_holds() {
    let cases: Vec<Case> = trailhound_testkit::cases("tests/fixtures/stage/cases.toml");
    assert!(cases.len() >= 20, "the cases file has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err().map(|e| format!("[{}]\n  {e}", c.name))).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
