//! Named regression tests for bugs the hostile corpus, the property tests and the fuzzers found in
//! the engine and the CLI; each says what went wrong.

use trailhound_engine::input::{FileStatus, Record, RecordError, Shape, read_file};

fn read(bytes: &[u8]) -> (trailhound_engine::input::FileRead, Vec<Result<Record<'static>, RecordError>>) {
    let mut items = Vec::new();
    let file = read_file(bytes, &mut |item| items.push(item.map(Record::into_owned)));
    (file, items)
}

/// `{"Records":[` on its own line followed by a one-record line made the sniffer take the file
/// for JSON Lines (its second line is a whole object), so the record came with two bogus record
/// errors ("EOF while parsing a list", "expected value") for the first and last lines.
#[test]
fn a_delivery_with_its_only_record_on_a_line_of_its_own_is_not_json_lines() {
    let text = b"{\"Records\":[\n{\"eventVersion\":\"1.09\",\"eventName\":\"A\"}\n]}\n";
    let (file, items) = read(text);
    assert_eq!(file.shape, Some(Shape::S3Delivery));
    assert_eq!(file.status, FileStatus::Scanned);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_ok());
    // The same with a BOM, and an array of one record a line.
    let (file, items) = read(b"\xEF\xBB\xBF{\"Records\":[\n{\"eventVersion\":\"1.09\"}\n]}");
    assert_eq!((file.shape, items.len()), (Some(Shape::S3Delivery), 1));
    // JSON Lines whose first line is broken (not cut short) are still JSON Lines.
    let (file, items) = read(b"{\"eventVersion\": nope}\n{\"eventVersion\":\"1.09\"}\n");
    assert_eq!(file.shape, Some(Shape::JsonLines));
    assert!(items[0].is_err() && items[1].is_ok());
}

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const DIGEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/inputs/digest.json");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("trailhound-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Waits for `child` at most `secs`; a child still running then is killed and the test fails.
fn finish_within(mut child: Child, secs: u64, what: &str) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(secs) {
            child.kill().ok();
            child.wait().ok();
            panic!("{what}: still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn names(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

/// Two symbolic links to their own folder (as an extracted archive or a planted folder may hold)
/// made the folder walk follow x/y/x/y/... to the kernel's 40-link limit: 2^40 paths, a hang.
/// A link back to a folder being walked is now named as a loop and not followed.
#[cfg(unix)]
#[test]
fn symbolic_links_back_to_their_folder_are_named_as_loops_not_walked_forever() {
    let dir = temp_dir("symlink-loop");
    std::fs::copy(DIGEST, dir.join("digest.json")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("x")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("y")).unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink("../sub", dir.join("sub/z")).unwrap();
    let out = finish_within(spawn(&["scan", dir.to_str().unwrap()]), 30, "a folder with link loops");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for link in ["x", "y", "sub/z"] {
        let line = format!("error: {}: start of file: file system loop: ", names(&dir, link));
        assert!(stderr.lines().any(|l| l.starts_with(&line)), "names {link}:\n{stderr}");
    }
    assert!(stderr.contains("files: 0 scanned, 1 skipped, 3 failed"), "the digest once, the three loops:\n{stderr}");
}

/// A named pipe in a folder (planted, or a leftover of a capture tool) made the scan block for
/// ever on opening it, so no file after it was scanned. In a folder, only regular files are read;
/// a pipe or device named on the command line is still read (`trailhound scan <(zcat a.gz)`).
#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_named_and_does_not_hang_the_scan() {
    let dir = temp_dir("fifo");
    std::fs::copy(DIGEST, dir.join("b-digest.json")).unwrap();
    let fifo = dir.join("a-pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let out = finish_within(spawn(&["scan", dir.to_str().unwrap()]), 30, "a folder with a named pipe");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = format!("error: {}: start of file: not a regular file (a named pipe)", fifo.display());
    assert!(stderr.lines().any(|l| l.starts_with(&line)), "names the pipe:\n{stderr}");
    assert!(stderr.contains("files: 0 scanned, 1 skipped, 1 failed"), "{stderr}");

    // Named on the command line, the pipe is read.
    let child = spawn(&["scan", fifo.to_str().unwrap()]);
    let digest = std::fs::read(DIGEST).unwrap();
    std::fs::write(&fifo, digest).expect("write into the pipe");
    let out = finish_within(child, 60, "a named pipe on the command line");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("files: 0 scanned, 1 skipped, 0 failed"), "{stderr}");
}

/// Planted text reached the analyst's terminal raw: an object key, a lookup-events `EventId` or
/// a file name carrying `\u001b[2J` (clear screen) or an OSC title sequence was printed as is in
/// the scan summary. The summary now shows control characters escaped (`\u{1b}`).
#[test]
fn terminal_escape_sequences_from_the_input_are_shown_escaped_in_the_summary() {
    let dir = temp_dir("escapes");
    std::fs::write(dir.join("key.json"), b"{\"\\u001b[2Jowned\": 1}").unwrap();
    std::fs::write(dir.join("name-\u{1b}]0;title\u{7}.json"), b"").unwrap();
    std::fs::write(dir.join("rtl-\u{202e}nosj.exe"), b"").unwrap();
    std::fs::write(dir.join("events.json"), br#"{"Events":[{"EventId":"\u001b[31mred","CloudTrailEvent":"x"}]}"#).unwrap();
    let out = finish_within(spawn(&["scan", dir.to_str().unwrap()]), 30, "a folder of escape sequences");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for line in stderr.lines() {
        assert!(!line.chars().any(|c| c.is_control() || c == '\u{202e}'), "a raw control character in {line:?}");
    }
    assert!(stderr.contains(r"keys `\u{1b}[2Jowned`"), "{stderr}");
    assert!(stderr.contains(r"name-\u{1b}]0;title\u{7}.json"), "{stderr}");
    assert!(stderr.contains(r"rtl-\u{202e}nosj.exe"), "{stderr}");
    assert!(stderr.contains(r"(EventId \u{1b}[31mred)"), "{stderr}");
}

/// The alert table (for a terminal) printed planted fields raw: a bucket name or user name
/// carrying an escape sequence in an alerting record drove the analyst's terminal. Control
/// characters in the table are now shown escaped; NDJSON keeps the exact values (JSON-escaped).
#[test]
fn terminal_escape_sequences_in_alerting_records_are_shown_escaped_in_the_table() {
    let dir = temp_dir("table-escapes");
    let record = r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/x","accountId":"111111111111","userName":"\u001b]0;pwned\u0007mallory"},"eventTime":"2024-08-18T13:51:12Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","requestParameters":{"bucketName":"\u001b[2J\u001b[Hevidence"},"eventID":"e5c4a9e0-0000-4000-8000-000000000001","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111111111111"}"#;
    let file = dir.join("planted.json");
    std::fs::write(&file, record).unwrap();
    let table = finish_within(spawn(&["scan", file.to_str().unwrap()]), 30, "the table");
    let ndjson = finish_within(spawn(&["scan", "--format", "ndjson", file.to_str().unwrap()]), 30, "NDJSON");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(table.status.code(), Some(0), "{}", String::from_utf8_lossy(&table.stderr));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.lines().count() == 2, "a header and one alert:\n{text}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "raw control characters in the table:\n{text:?}");
    assert!(text.contains(r"\u{1b}[2J\u{1b}[Hevidence"), "{text}");
    assert!(text.contains(r"\u{1b}]0;pwned\u{7}mallory"), "{text}");
    let doc: serde_json::Value = serde_json::from_slice(&ndjson.stdout).expect("one NDJSON alert");
    assert_eq!(doc["user"]["name"], "\u{1b}]0;pwned\u{7}mallory", "NDJSON keeps the value");
}

/// Found by the `kql_parse` fuzzer: a query ending in a lone backslash fails with a span one byte
/// past the end of the text (`a:\` gives 2..4 for 3 bytes). The caret renderer copes, but a
/// caller that slices the query by the span (an editor highlighting the error) would panic.
#[test]
fn kql_error_spans_stay_inside_a_query_ending_in_a_backslash() {
    for query in ["\\", "a:\\", "a:b\\", "@ti-0\0\0\0\0\0\0\0\u{3} or imestam=w opn <\\"] {
        let error = trailhound_engine::kql::Query::parse(query).expect_err("a lone trailing backslash is an error");
        assert!(error.span.start <= error.span.end && error.span.end <= query.len(), "{query:?}: span {:?}", error.span);
        assert!(query.get(error.span.clone()).is_some(), "{query:?}: the span slices the query");
    }
}

/// Found by the `kql_parse` fuzzer: an escape before a non-ASCII character (`a:\é`) fails with a
/// span that ends inside that character, and rendering the error (`Display`, as the rule loader
/// does for "query does not parse") panics: "end byte index .. is not a char boundary". So a rule
/// file whose query holds such an escape crashes `trailhound rules` and `trailhound scan` (101).
#[test]
fn a_rule_whose_query_escapes_a_non_ascii_character_is_a_rule_error_not_a_crash() {
    for query in [
        "a:\\é",
        "event.action:\\😀",
        "r@ca!oa>\\u \u{1f600}\u{12}:ial\\:\\:",
        "r\0caf\u{e9} \u{1f600}a:i l\u{12}\\\u{1f600}\u{12}:ial\\:\\:",
    ] {
        if let Err(error) = trailhound_engine::kql::Query::parse(query) {
            assert!(query.get(error.span.clone()).is_some(), "{query:?}: span {:?} is not on char boundaries", error.span);
            let shown = std::panic::catch_unwind(|| error.to_string());
            assert!(shown.is_ok(), "{query:?}: rendering the error panicked");
        }
    }
    let dir = temp_dir("rule-escape");
    let rule = dir.join("bad.toml");
    std::fs::write(
        &rule,
        "[rule]\ntype = \"query\"\nrule_id = \"x\"\nname = \"Bad\"\nquery = 'event.action:\\é'\nseverity = \"low\"\nrisk_score = 1\n",
    )
    .unwrap();
    let out = finish_within(spawn(&["rules", "--rules", rule.to_str().unwrap()]), 30, "trailhound rules");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2), "a rule error, not a panic:\n{}", String::from_utf8_lossy(&out.stderr));
}
