//! `trailhound scan` and `trailhound rules` end to end, as a user runs them.
//!
//! `tests/fixtures/mixed/` holds every input shape (written by `tests/fixtures/make_mixed.py`):
//! S3 delivery plain and gzip, a JSON array, a single record, NDJSON plain and gzip, lookup-events
//! output, the console CSV export, an Elasticsearch ECS export, a digest, a truncated gzip and a
//! file that is not JSON.

use std::collections::BTreeSet;
use std::process::{Command, Output};

const MIXED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mixed");

fn trailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound")).args(args).output().expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `trailhound ARGS` with its standard input, output and error piped.
fn spawn_piped(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the CLI starts")
}

/// The seed rule's alerts in the mixed folder: one per alerting eventID, whatever the shape.
const EXPECTED_EVENT_IDS: [&str; 9] = [
    "a0000000-0000-4000-8000-00000000000a", // S3 delivery, gzip
    "a0000000-0000-4000-8000-00000000000b", // S3 delivery, plain
    "a0000000-0000-4000-8000-00000000000c", // JSON array
    "a0000000-0000-4000-8000-00000000000d", // single record
    "a0000000-0000-4000-8000-00000000000e", // NDJSON
    "a0000000-0000-4000-8000-00000000000f", // NDJSON, gzip
    "a0000000-0000-4000-8000-000000000010", // lookup-events
    "a0000000-0000-4000-8000-000000000011", // ECS export
    "a0000000-0000-4000-8000-000000000013", // console CSV
];

#[test]
fn a_mixed_folder_gives_exactly_the_seed_rules_alerts_and_names_the_broken_files() {
    let out = trailhound(&["scan", "--format", "ndjson", MIXED]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "some inputs are broken, so exit 1; stderr:\n{err}");

    let docs: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let ids: Vec<&str> = docs.iter().map(|d| d["event"]["id"].as_str().expect("event.id")).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "one alert per event: {ids:?}");
    assert_eq!(unique, EXPECTED_EVENT_IDS.into_iter().collect::<BTreeSet<_>>());
    for doc in &docs {
        assert_eq!(doc["kibana.alert.rule.rule_id"], "227dc608-e558-43d9-b521-150772250bae");
        assert_eq!(doc["kibana.alert.rule.name"], "AWS S3 Bucket Configuration Deletion");
        assert_eq!(doc["kibana.alert.severity"], "low");
        assert_eq!(doc["kibana.alert.risk_score"], 21);
        assert!(doc["kibana.alert.original_event"]["action"].is_null(), "original_event fields are dotted keys");
        assert!(doc["kibana.alert.original_event.action"].as_str().is_some_and(|a| a.starts_with("DeleteBucket")));
    }

    assert!(err.contains("broken/truncated.json.gz"), "names the truncated file:\n{err}");
    assert!(err.contains("broken/notes.json"), "names the non-JSON file:\n{err}");
    assert!(err.contains("skipped: ") && err.contains("CloudTrail-Digest"), "skips the digest:\n{err}");
    assert!(err.contains("record error: ") && err.contains("cGxhaW4.json"), "counts the non-record element:\n{err}");
    assert!(err.contains("alerts: 9"), "{err}");
    assert!(err.contains("2 failed"), "{err}");
    assert!(err.contains("1 skipped"), "{err}");
}

#[test]
fn records_add_up_and_duplicates_are_counted() {
    let out = trailhound(&["scan", "--format", "json", MIXED]);
    let err = stderr(&out);
    let totals = err.lines().find(|l| l.starts_with("files: ")).expect("a totals line");
    let numbers: Vec<usize> = totals.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
    // files: S scanned, K skipped, F failed; records: R (C scanned, E errors), D duplicates
    let [_, _, _, records, scanned, errors, duplicates] = numbers[..] else { panic!("unexpected totals line: {totals}") };
    assert_eq!(records, scanned + errors, "{totals}");
    assert!(errors >= 1, "the non-object element is a record error: {totals}");
    assert!(duplicates >= 1, "eventIDs repeated across files are duplicates: {totals}");
}

/// Files are scanned in parallel and merged in order: one thread or several, the same alerts in
/// the same order, the same totals (duplicates across files included).
#[test]
fn the_number_of_threads_changes_nothing() {
    let totals = |out: &Output| stderr(out).lines().find(|l| l.starts_with("files: ")).map(str::to_string);
    let one = trailhound(&["scan", "--format", "ndjson", "--threads", "1", MIXED]);
    for threads in ["2", "5"] {
        let many = trailhound(&["scan", "--format", "ndjson", "-j", threads, MIXED]);
        let ids = |out: &Output| -> Vec<String> {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("an alert document"))
                .map(|d| format!("{} {}", d["kibana.alert.rule.name"], d["event"]["id"]))
                .collect()
        };
        assert_eq!(ids(&one).len(), EXPECTED_EVENT_IDS.len());
        assert_eq!(ids(&many), ids(&one), "{threads} threads");
        assert_eq!(totals(&many), totals(&one), "{threads} threads");
        assert_eq!(many.status.code(), one.status.code());
    }
    assert!(totals(&one).is_some_and(|t| !t.contains(" 0 duplicates")), "the mixed folder repeats eventIDs: {:?}", totals(&one));
}

/// A `.json.gz` of a MiB or more is inflated on a thread of its own: the same alerts, in the same
/// order, and the same totals as the same file plain.
#[test]
fn a_big_gzip_file_gives_what_the_plain_file_gives() {
    use std::io::Write;
    let mut rng = fastrand::Rng::with_seed(7);
    let mut hex = |n: usize| (0..n).map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)])).collect::<String>();
    let records: Vec<String> = (0..20_000)
        .map(|i| {
            let action = if i % 1000 == 7 { "DeleteBucketPolicy" } else { "GetObject" };
            format!(
                r#"{{"eventVersion":"1.08","eventTime":"2025-12-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"{action}","awsRegion":"us-east-1","requestParameters":{{"bucketName":"b{}"}},"requestID":"{}","eventID":"{}"}}"#,
                hex(8),
                hex(64),
                hex(32)
            )
        })
        .collect();
    let plain = format!("{{\"Records\":[{}]}}", records.join(","));
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(plain.as_bytes()).expect("gzip in memory");
    let zipped = encoder.finish().expect("gzip in memory");
    assert!(zipped.len() >= 1 << 20, "big enough to be inflated ahead: {} bytes", zipped.len());
    let dir = std::env::temp_dir().join(format!("trailhound-big-gzip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let (plain_path, gzip_path) = (dir.join("big.json"), dir.join("big.json.gz"));
    std::fs::write(&plain_path, &plain).expect("write");
    std::fs::write(&gzip_path, &zipped).expect("write");
    let run = |path: &std::path::Path| trailhound(&["scan", "--format", "ndjson", path.to_str().expect("a UTF-8 path")]);
    let (from_plain, from_gzip) = (run(&plain_path), run(&gzip_path));
    std::fs::remove_dir_all(&dir).expect("clean up");
    let totals = |out: &Output| stderr(out).lines().find(|l| l.starts_with("files: ")).map(str::to_string);
    let ids = |out: &Output| -> Vec<String> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("an alert document")["event"]["id"].to_string())
            .collect()
    };
    assert_eq!(ids(&from_gzip).len(), 20);
    assert_eq!(ids(&from_gzip), ids(&from_plain));
    assert_eq!(totals(&from_gzip), totals(&from_plain));
    assert!(totals(&from_gzip).is_some_and(|t| t.contains("records: 20000 (20000 scanned, 0 errors)")), "{:?}", totals(&from_gzip));
}

#[test]
fn every_format_renders_the_alerts() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mixed/exports/array.json");
    let table = trailhound(&["scan", file]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.starts_with("TIME"), "{text}");
    assert!(text.contains("DeleteBucketCors") && text.contains("acme-web") && text.contains("ops-alice"), "{text}");

    let csv = trailhound(&["scan", "--format", "csv", file]);
    let text = String::from_utf8_lossy(&csv.stdout);
    let mut lines = text.lines();
    assert!(lines.next().is_some_and(|h| h.starts_with("timestamp,severity,risk_score,rule_id,rule,")));
    let row = lines.next().expect("one alert row");
    assert!(row.contains("DeleteBucketCors") && row.contains("a0000000-0000-4000-8000-00000000000c"), "{row}");
    assert_eq!(lines.next(), None);

    let json = trailhound(&["scan", "--format", "json", file]);
    let docs: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON array");
    assert_eq!(docs.as_array().map(Vec::len), Some(1));
}

#[test]
fn output_goes_to_a_file_and_stdin_is_read() {
    let dir = std::env::temp_dir().join(format!("trailhound-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("alerts.ndjson");
    let input = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mixed/exports/single-record.json")).unwrap();
    let mut child = spawn_piped(&["scan", "--format", "ndjson", "--output", target.to_str().unwrap(), "-"]);
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(written.contains("DeleteBucketLifecycle"), "{written}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Standard input is read a slice at a time like a file: 10 MB of JSON Lines (several slices), fed
/// through a pipe, is read to the last record.
#[test]
fn stdin_streams_across_slices() {
    let mut child = spawn_piped(&["scan", "--format", "ndjson", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let pad = "k".repeat(400);
        for i in 0..20_000 {
            let name = if i == 12_345 { "DeleteBucketCors" } else { "GetObject" };
            let line = format!(
                r#"{{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"{name}","eventID":"id-{i}","eventTime":"2025-01-01T00:00:00Z","requestParameters":{{"bucketName":"b","key":"{pad}"}}}}"#
            );
            writeln!(stdin, "{line}").unwrap();
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("records: 20000 (20000 scanned, 0 errors)"), "{err}");
    let alerts = String::from_utf8_lossy(&out.stdout);
    assert_eq!(alerts.lines().count(), 1, "{alerts}");
    assert!(alerts.contains("id-12345"), "{alerts}");
}

/// A user agent planted as a spreadsheet formula is written to CSV as text (`'=...`).
#[test]
fn csv_cells_never_open_as_formulas() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mixed/exports/single-record.json");
    let mut record: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    record["userAgent"] = serde_json::json!("=HYPERLINK(\"https://attacker.example/\",\"open\")");
    record["userIdentity"]["userName"] = serde_json::json!("@SUM(1+1)");
    let mut child = spawn_piped(&["scan", "--format", "csv", "-"]);
    use std::io::Write;
    child.stdin.take().unwrap().write_all(record.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().nth(1).unwrap_or_else(|| panic!("an alert row: {text} {}", stderr(&out)));
    assert!(row.contains(r#""'=HYPERLINK(""https://attacker.example/"",""open"")""#), "{row}");
    assert!(!row.contains(",=") && !row.contains(",@") && !row.contains(",\"="), "{row}");
}

#[test]
fn rule_errors_and_usage_errors_exit_2() {
    let dir = std::env::temp_dir().join(format!("trailhound-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[rule]\ntype = \"query\"\nrule_id = \"x\"\nname = \"Bad\"\nquery = \"a:(b or\"\nseverity = \"low\"\nrisk_score = 1\n",
    )
    .unwrap();
    let out = trailhound(&["scan", "--rules", bad.to_str().unwrap(), MIXED]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.toml: rule \"Bad\": invalid: query does not parse"), "{}", stderr(&out));

    let listed = trailhound(&["rules", "--rules", bad.to_str().unwrap()]);
    assert_eq!(listed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&listed.stdout).contains("AWS S3 Bucket Configuration Deletion v208"));

    let usage = trailhound(&["scan"]);
    assert_eq!(usage.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn rules_lists_the_seed_rule_and_unsupported_types() {
    let dir = std::env::temp_dir().join(format!("trailhound-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let export = dir.join("export.ndjson");
    std::fs::write(
        &export,
        "{\"rule_id\":\"e\",\"name\":\"An ES|QL rule\",\"type\":\"esql\",\"language\":\"esql\",\"query\":\"from x\",\"severity\":\"low\",\"risk_score\":1}\n\
         {\"rule_id\":\"t\",\"name\":\"A threshold rule\",\"type\":\"threshold\",\"query\":\"event.action:x\",\"threshold\":{\"field\":[\"user.name\"],\"value\":5},\"severity\":\"low\",\"risk_score\":1}\n",
    )
    .unwrap();
    let out = trailhound(&["rules", "--rules", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "an unsupported type is listed, not an error");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("227dc608-e558-43d9-b521-150772250bae  AWS S3 Bucket Configuration Deletion v208  [low / 21]"), "{text}");
    assert!(text.contains("query rule, every 10m over now-60m, at most 100 alerts a run; TA0005 Defense Evasion"), "{text}");
    assert!(text.contains("threshold rule (5 matches of one user.name in a run), every 5m over now-6m"), "{text}");
    assert!(stderr(&out).contains("rule skipped: ") && stderr(&out).contains("An ES|QL rule"), "{}", stderr(&out));
    // The counts: a line per format and type, and per reason a rule was not loaded.
    assert!(text.contains("rules loaded, 1 not loaded\n"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  elastic threshold: ")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  not supported yet: ") && l.ends_with(" (1)")), "{text}");

    // As JSON: every rule, the same counts, and what was not loaded with where from.
    let json = trailhound(&["rules", "--rules", dir.to_str().unwrap(), "--format", "json"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(doc["loaded"].as_u64(), Some(rules.len() as u64));
    let seed = rules.iter().find(|r| r["rule_id"] == "227dc608-e558-43d9-b521-150772250bae").expect("the seed rule");
    assert_eq!((seed["format"].as_str(), seed["type"].as_str(), seed["version"].as_u64()), (Some("elastic"), Some("query"), Some(208)));
    assert_eq!(seed["tactics"][0]["id"], "TA0005");
    let counted: u64 = doc["counts"].as_array().unwrap().iter().map(|c| c["rules"].as_u64().unwrap()).sum();
    assert_eq!(counted, rules.len() as u64);
    let skipped = &doc["not_loaded"][0];
    assert_eq!((skipped["kind"].as_str(), skipped["count"].as_u64()), (Some("not supported yet"), Some(1)));
    assert!(skipped["sources"][0].as_str().unwrap().contains("An ES|QL rule"), "{skipped}");
}

/// A planted field wider than `format!` can pad (over 65,535 characters) is a wide table cell, not
/// a crash: the table used to panic with "Formatting argument out of range".
#[test]
fn a_table_cell_wider_than_format_can_pad_is_written() {
    let dir = std::env::temp_dir().join(format!("trailhound-wide-cell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wide = "b".repeat(70_000);
    let record = trailhound_testkit::hostile::alerting_record(1).replace("evidence-bucket", &wide);
    std::fs::write(dir.join("wide.json"), &record).unwrap();
    let out = trailhound(&["scan", "--format", "table", dir.join("wide.json").to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one row");
    assert!(lines[1].ends_with(&wide), "the bucket column holds the whole name");
    assert_eq!(lines[0].find("BUCKET"), lines[1].find(&wide), "the columns line up");
}

/// A rule folder that holds a copy of a built-in rule (as Elastic's own folder holds the seed rule)
/// is scanned with, not refused: the copy with the same or newer version is used, and both
/// subcommands say which file that is.
#[test]
fn a_copy_of_a_builtin_rule_is_used_not_refused() {
    let dir = std::env::temp_dir().join(format!("trailhound-rule-copy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/defense_evasion_s3_bucket_configuration_deletion.toml");
    let copy = dir.join("seed-copy.toml");
    std::fs::copy(seed, &copy).unwrap();
    let plain = trailhound(&["scan", "--format", "ndjson", MIXED]);
    let out = trailhound(&["scan", "--format", "ndjson", "--rules", copy.to_str().unwrap(), MIXED]);
    let listed = trailhound(&["rules", "--rules", copy.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), plain.status.code(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), plain.stdout.len(), "the same alerts");
    let line = format!(
        "rule replaced: AWS S3 Bucket Configuration Deletion (227dc608-e558-43d9-b521-150772250bae): using {} (version 208)",
        copy.display()
    );
    assert!(stderr(&out).contains(&line), "{}", stderr(&out));
    assert_eq!(listed.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&format!("v208  [low / 21]  {}", copy.display())));
    assert!(stderr(&listed).contains(&line));
}

const STRATUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/stratus");
const STAGE_RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/stage/rules");

/// Rules of every type, written for the tests in Elastic's format, over the Stratus detonations:
/// each alerts on the technique it is aimed at, with the fields Elastic writes for its type, and
/// the outcome does not depend on the threads.
#[test]
fn rules_of_every_type_alert_on_stratus_as_elastic_writes_them() {
    let run =
        |threads: &str| trailhound(&["scan", "--no-builtin-rules", "--rules", STAGE_RULES, "--format", "ndjson", "-j", threads, STRATUS]);
    let out = run("1");
    assert_eq!(out.status.code(), Some(1), "the NOTICE file is not a log: {}", stderr(&out));
    let docs: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("an alert document")).collect();
    let got: BTreeSet<(String, String, String)> = docs
        .iter()
        .map(|d| {
            let file = d["trailhound.origin.file"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_string();
            (d["kibana.alert.rule.type"].as_str().unwrap_or_default().to_string(), d["kibana.alert.rule.rule_type_id"].to_string(), file)
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("eql", "\"siem.eqlRule\"", "aws.persistence.iam-create-user-login-profile.json"),
        ("eql", "\"siem.eqlRule\"", "aws.privilege-escalation.iam-update-user-login-profile.json"),
        ("new_terms", "\"siem.newTermsRule\"", "aws.exfiltration.ec2-share-ebs-snapshot.json"),
        ("threshold", "\"siem.thresholdRule\"", "aws.credential-access.secretsmanager-retrieve-secrets.json"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
    let threshold = docs.iter().find(|d| d["kibana.alert.rule.type"] == "threshold").unwrap();
    let result = &threshold["kibana.alert.threshold_result"];
    assert_eq!(result["count"], 20);
    assert_eq!(result["terms"], serde_json::json!([{"field": "user.name", "value": "christophe"}]));
    assert_eq!(result["cardinality"][0]["field"], "aws.cloudtrail.flattened.request_parameters.secretId");
    assert_eq!(threshold["user"]["name"], "christophe", "the group's values are the alert's fields");
    let new_terms = docs.iter().find(|d| d["kibana.alert.rule.type"] == "new_terms").unwrap();
    assert_eq!(new_terms["kibana.alert.new_terms"], serde_json::json!(["arn:aws:iam::756680937392:user/christophe"]));
    assert_eq!(new_terms["kibana.alert.rule.tags"][0], "Test");
    let sequence = docs.iter().find(|d| d["trailhound.sequence"].is_object()).expect("the sequence's alert");
    assert!(sequence["kibana.alert.group.id"].as_str().is_some_and(|g| g.len() == 16), "{sequence}");
    let actions: Vec<&str> =
        sequence["trailhound.sequence"]["events"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["CreateLoginProfile", "DeleteLoginProfile"]);
    let report = stderr(&out);
    assert!(report.contains("stateful rules: 23 candidates, 3 alerts;"), "{report}");
    // Two threads: the same documents, in the same order (but for when each scan made them).
    let without_time = |o: &Output| -> Vec<serde_json::Value> {
        let lines = String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect::<Vec<_>>();
        lines
            .into_iter()
            .map(|mut d: serde_json::Value| {
                d["@timestamp"] = serde_json::Value::Null;
                d
            })
            .collect()
    };
    assert_eq!(without_time(&run("2")), without_time(&out));
}

/// `--emulate-schedule` keeps at most `max_signals` alerts a run for every rule, and says how many
/// Elastic would have dropped.
#[test]
fn emulating_the_schedule_caps_each_run_and_counts_the_rest() {
    let dir = std::env::temp_dir().join(format!("trailhound-emulate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rule = dir.join("reads.toml");
    std::fs::write(
        &rule,
        "[rule]\nrule_id = \"reads\"\nname = \"Secret read\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\n\
         type = \"query\"\nquery = \"event.action:GetSecretValue\"\nmax_signals = 3\n",
    )
    .unwrap();
    let file = format!("{STRATUS}/aws.credential-access.secretsmanager-retrieve-secrets.json");
    let count = |args: &[&str]| {
        let out = trailhound(args);
        (String::from_utf8_lossy(&out.stdout).lines().count(), stderr(&out))
    };
    let (all, _) = count(&["scan", "--no-builtin-rules", "--rules", rule.to_str().unwrap(), "--format", "ndjson", &file]);
    let (capped, report) =
        count(&["scan", "--no-builtin-rules", "--rules", rule.to_str().unwrap(), "--format", "ndjson", "--emulate-schedule", &file]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!((all, capped), (20, 3), "{report}");
    assert!(report.contains("17 over max_signals (dropped)"), "{report}");
}

/// A folder of Sigma rules: its CloudTrail rules load and alert on the Stratus detonations they
/// aim at; a rule for other logs is listed as not applicable, and is no error (exit 0).
#[test]
fn a_sigma_folder_loads_and_alerts() {
    let sigma = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/sigma/rules");
    let listed = trailhound(&["rules", "--no-builtin-rules", "--rules", sigma]);
    let out = String::from_utf8_lossy(&listed.stdout);
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    assert!(out.contains("Trail Logging Stopped or Trail Deleted") && out.contains("sigma rule"), "{out}");
    assert!(out.contains("6 rules loaded, 1 not loaded"), "{out}");
    // The correlations have no schedule; the detections they correlate are off on their own.
    assert!(out.contains("sigma correlation (event_count >= 10 within 5m by userIdentity.arn, of ssm_instances_listed); "), "{out}");
    assert!(out.contains("SSM Command Sent  [low / 21]") && out.contains("ssm-correlations.yml  (off as loaded)"), "{out}");
    assert!(
        stderr(&listed).contains("rule not applicable:") && stderr(&listed).contains("Interactive Logon on a Windows Host"),
        "{}",
        stderr(&listed)
    );
    let stratus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/stratus/aws.defense-evasion.cloudtrail-stop.json");
    let scanned = trailhound(&["scan", "--no-builtin-rules", "--rules", sigma, "--format", "ndjson", stratus]);
    assert_eq!(scanned.status.code(), Some(0), "{}", stderr(&scanned));
    let docs: Vec<serde_json::Value> = String::from_utf8_lossy(&scanned.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0]["kibana.alert.rule.name"], "Trail Logging Stopped or Trail Deleted");
    assert_eq!(docs[0]["kibana.alert.severity"], "medium");
    assert_eq!(docs[0]["event"]["action"], "StopLogging");
}
