//! The hostile-input corpus (`tests/hostile/cases.toml`) run through the reader, the scanner and
//! the `trailhound` CLI: each damaged, enormous or planted file ends with its exact status, counts,
//! message and location; records seen = scanned + errors; nothing panics; and in one CLI run over
//! all of them every other file is still scanned and the totals are the sum of the cases.
//!
//! Failures are collected over the whole corpus and reported together.

use trailhound_testkit::Serial;
use trailhound_testkit::hostile as corpus;

use corpus::{Case, corpus};
use std::collections::BTreeMap;
use std::process::{Command, Output};
use trailhound_engine::input::{FileStatus, Limits, Location, RecordError, read_file_with};
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::Scanner;

/// What one run made of one file, in the terms of a case.
#[derive(Debug, Default)]
struct Actual {
    status: &'static str,
    records: usize,
    scanned: usize,
    errors: usize,
    alerts: Option<usize>,
    reason: Option<String>,
    at: Option<String>,
    record_errors: Vec<RecordError>,
}

fn outcome(outcome: &FileStatus) -> (&'static str, Option<String>, Option<String>) {
    match outcome {
        FileStatus::Scanned => ("scanned", None, None),
        FileStatus::Skipped(why) => ("skipped", Some(why.clone()), None),
        FileStatus::Failed(e) => ("error", Some(e.reason.clone()), Some(e.location.to_string())),
    }
}

/// Compares one case with what a run made of it; returns the differences.
fn check(case: &Case, actual: &Actual) -> Vec<String> {
    let mut wrong = Vec::new();
    let mut expect = |what: &str, want: String, got: String| {
        if want != got {
            wrong.push(format!("{}: {what}: expected {want}, got {got}", case.file));
        }
    };
    expect("status", case.status.clone(), actual.status.to_string());
    expect("records", case.records.to_string(), actual.records.to_string());
    expect("scanned", case.scanned.to_string(), actual.scanned.to_string());
    expect("record errors", case.errors.to_string(), actual.errors.to_string());
    expect("records = scanned + errors", actual.records.to_string(), (actual.scanned + actual.errors).to_string());
    if let (Some(want), Some(got)) = (case.alerts, actual.alerts) {
        expect("alerts", want.to_string(), got.to_string());
    }
    let reason = actual.reason.clone().unwrap_or_default();
    match &case.message {
        Some(m) if !reason.contains(m.as_str()) => expect("message", format!("…{m}…"), format!("{reason:?}")),
        None if actual.reason.is_some() => expect("message", "none".into(), format!("{reason:?}")),
        _ => {}
    }
    expect("location", format!("{:?}", case.at), format!("{:?}", actual.at));
    for want in &case.record_error {
        match actual.record_errors.iter().find(|e| e.index == want.index) {
            Some(e) => {
                expect(&format!("record {} location", want.index), want.at.clone(), e.location.to_string());
                if !e.reason.contains(&want.message) {
                    expect(&format!("record {} message", want.index), format!("…{}…", want.message), format!("{:?}", e.reason));
                }
            }
            None => expect(&format!("record error {}", want.index), "present".into(), "absent".into()),
        }
    }
    wrong
}

fn limits() -> Limits {
    Limits { max_inflated_bytes: corpus().max_inflated_bytes, ..Limits::default() }
}

fn report(failures: Vec<String>) {
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_case_reads_as_expected() {
    let limits = limits();
    let mut failures = Vec::new();
    for case in corpus().case {
        let bytes = case.bytes();
        let mut actual = Actual::default();
        let mut next = 0;
        let read = read_file_with(&bytes, &limits, &mut |item| {
            let index = match &item {
                Ok(r) => r.index,
                Err(e) => e.index,
            };
            assert_eq!(index, next, "{}: indexes run 0.. in order", case.file);
            next += 1;
            actual.records += 1;
            match item {
                Ok(_) => actual.scanned += 1,
                Err(e) => {
                    actual.errors += 1;
                    actual.record_errors.push(e);
                }
            }
        });
        (actual.status, actual.reason, actual.at) = outcome(&read.status);
        if std::env::var_os("HOSTILE_PRINT").is_some() {
            println!("{}: {actual:?}", case.file);
        }
        failures.extend(check(&case, &actual));
    }
    report(failures);
}

#[test]
fn every_case_scans_as_expected_with_the_builtin_rules() {
    let rules = RuleSet::builtin();
    let limits = limits();
    let mut failures = Vec::new();
    for case in corpus().case {
        let bytes = case.bytes();
        let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()).with_limits(limits));
        let mut alerts = Vec::new();
        let report = scanner.scan_file(&case.file, &bytes, &mut alerts);
        assert_eq!(report.bytes, bytes.len() as u64);
        assert_eq!(report.alerts, alerts.len(), "{}: every alert counted", case.file);
        let (status, reason, at) = outcome(&report.read.status);
        let actual = Actual {
            status,
            records: report.records,
            scanned: report.scanned,
            errors: report.record_errors,
            alerts: Some(report.alerts),
            reason,
            at,
            record_errors: report.errors.clone(),
        };
        if std::env::var_os("HOSTILE_PRINT").is_some() {
            println!("{}: {actual:?}", case.file);
        }
        failures.extend(check(&case, &actual));
        for alert in &alerts {
            if alert.origin.file != case.file || alert.origin.record >= report.records {
                failures.push(format!("{}: alert points at {:?}", case.file, alert.origin));
            }
        }
    }
    report(failures);
}

fn trailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound")).args(args).output().expect("the binary runs")
}

/// The numbers of the CLI's totals line:
/// `files: S scanned, K skipped, F failed; records: R (C scanned, E errors), D duplicates`.
fn totals(stderr: &str) -> [usize; 7] {
    let line = stderr.lines().find(|l| l.starts_with("files: ")).unwrap_or_else(|| panic!("no totals line:\n{stderr}"));
    let numbers: Vec<usize> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    numbers.try_into().unwrap_or_else(|_| panic!("unexpected totals line: {line}"))
}

#[test]
fn one_cli_run_over_the_whole_corpus_names_every_problem_and_adds_up() {
    let corpus = corpus();
    let dir = std::env::temp_dir().join(format!("trailhound-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut paths = BTreeMap::new();
    for case in &corpus.case {
        paths.insert(case.file.clone(), case.write_to(&dir).display().to_string());
    }
    let limit = corpus.max_inflated_bytes.to_string();
    let out = trailhound(&["scan", "--format", "ndjson", "--max-inflated-bytes", &limit, dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "broken inputs make exit 1 (after scanning the rest); stderr:\n{stderr}");

    let mut failures = Vec::new();
    let lines: Vec<&str> = stderr.lines().collect();
    for case in &corpus.case {
        let path = &paths[&case.file];
        match case.status.as_str() {
            "error" => {
                let prefix = format!("error: {path}: {}: ", case.at.as_deref().unwrap_or("?"));
                let message = case.message.as_deref().unwrap_or_default();
                if !lines.iter().any(|l| l.starts_with(&prefix) && l.contains(message)) {
                    failures.push(format!("{}: no line `{prefix}…{message}…`", case.file));
                }
            }
            "skipped" => {
                if !lines.iter().any(|l| l.starts_with(&format!("skipped: {path}: "))) {
                    failures.push(format!("{}: not reported as skipped", case.file));
                }
            }
            _ => {
                if lines.iter().any(|l| l.starts_with(&format!("error: {path}: "))) {
                    failures.push(format!("{}: reported as an error", case.file));
                }
            }
        }
        for want in &case.record_error {
            let prefix = format!("record error: {path}: record {}: {}: ", want.index, want.at);
            if !lines.iter().any(|l| l.starts_with(&prefix) && l.contains(&want.message)) {
                failures.push(format!("{}: no line `{prefix}…{}…`", case.file, want.message));
            }
        }
    }
    // Every line is printable: no control characters from planted input reach the terminal.
    for line in &lines {
        if line.chars().any(|c| c.is_control() && c != '\t') {
            failures.push(format!("a stderr line carries control characters: {line:?}"));
        }
    }

    let count = |status: &str| corpus.case.iter().filter(|c| c.status == status).count();
    let sum = |f: fn(&Case) -> usize| corpus.case.iter().map(f).sum::<usize>();
    let [scanned_files, skipped, failed, records, scanned, errors, _duplicates] = totals(&stderr);
    let expected = [count("scanned"), count("skipped"), count("error"), sum(|c| c.records), sum(|c| c.scanned), sum(|c| c.errors)];
    if [scanned_files, skipped, failed, records, scanned, errors] != expected {
        failures.push(format!("totals {:?}, expected {expected:?}", &totals(&stderr)[..6]));
    }
    if records != scanned + errors {
        failures.push(format!("records {records} != scanned {scanned} + errors {errors}"));
    }
    if corpus.case.iter().all(|c| c.alerts.is_some()) {
        let alerts = String::from_utf8_lossy(&out.stdout).lines().count();
        let want = sum(|c| c.alerts.unwrap_or_default());
        if alerts != want {
            failures.push(format!("{alerts} alerts on stdout, expected {want}"));
        }
        if !stderr.contains(&format!("\nalerts: {want}\n")) {
            failures.push(format!("the summary does not say `alerts: {want}`"));
        }
    }
    if !failures.is_empty() {
        failures.push(format!("stderr was:\n{}", stderr.chars().take(20_000).collect::<String>()));
    }
    report(failures);
}

/// A file that disappears between the listing of its folder and its reading (log rotation, an
/// attacker, a flaky share): it is named with why, every other file is still scanned, exit 1.
///
/// Deterministic: the CLI lists every path before it reads any, and reads `-` (standard input)
/// first; once it is blocked reading standard input, the listing is done, so the file is deleted
/// then, and standard input is fed afterwards.
#[test]
fn a_file_deleted_between_listing_and_reading_is_named_and_the_rest_is_scanned() {
    let dir = std::env::temp_dir().join(format!("trailhound-vanishing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.ndjson"), format!("{}\n{}\n", corpus::alerting_record(40), corpus::alerting_record(41))).unwrap();
    let victim = dir.join("b-vanishes.json");
    std::fs::write(&victim, corpus::alerting_record(42)).unwrap();
    std::fs::write(dir.join("c.json"), corpus::alerting_record(43)).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["scan", "--format", "ndjson", "-", dir.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_reading_stdin(child.id());
    std::fs::remove_file(&victim).unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(corpus::alerting_record(44).as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let named = format!("error: {}: start of file: cannot read: ", victim.display());
    assert!(stderr.lines().any(|l| l.starts_with(&named) && l.contains("No such file")), "names the vanished file:\n{stderr}");
    assert_eq!(totals(&stderr), [3, 0, 1, 4, 4, 0, 0], "stdin, a.ndjson and c.json scanned:\n{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4, "an alert for each record read:\n{stderr}");
}

/// Waits until process `pid` is blocked reading its standard input (Linux: `/proc/PID/syscall`
/// reads `0 0x0 …`, the read system call on descriptor 0); elsewhere, waits a little.
fn wait_until_reading_stdin(pid: u32) {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(60) {
        match std::fs::read_to_string(format!("/proc/{pid}/syscall")) {
            Ok(s) if s.starts_with("0 0x0 ") => return,
            Ok(_) => {}
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_secs(3));
                return;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the CLI never read its standard input");
}

#[test]
fn locations_print_as_the_cases_spell_them() {
    // cases.toml writes locations as the CLI prints them; keep the two in step.
    assert_eq!(Location { line: Some(3), byte: Some(40) }.to_string(), "line 3, byte 40");
    assert_eq!(Location::default().to_string(), "start of file");
}
