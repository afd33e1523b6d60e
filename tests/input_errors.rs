//! Broken inputs: each fails (or errs per record) with its exact reason and position, and what
//! came before the damage is still yielded.

use trailhound_testkit::input as common;

use common::{fixture, gzip, read, read_with};
use trailhound_engine::input::{FileError, FileStatus, Limits, Location, Shape};

fn failed(r: &common::Read) -> &FileError {
    match &r.file.status {
        FileStatus::Failed(e) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn loc(line: usize, byte: usize) -> Location {
    Location { line: Some(line), byte: Some(byte) }
}

#[test]
fn truncated_json_yields_what_came_before() {
    let bytes = fixture("truncated.json");
    let r = read(&bytes);
    assert_eq!(r.file.shape, Some(Shape::JsonArray));
    assert_eq!(r.records().len(), 2);
    assert!(r.errors().is_empty());
    let e = failed(&r);
    assert_eq!(e.reason, "JSON syntax error: EOF while parsing a string");
    assert_eq!(e.location, loc(79, 2949));
}

#[test]
fn truncated_gzip_trailer() {
    let plain = fixture("s3_delivery.json");
    let gz = gzip(&plain);
    let r = read(&gz[..gz.len() - 4]);
    assert!(r.file.gzip);
    assert_eq!(r.records().len(), 3, "everything was inflated before the trailer");
    let e = failed(&r);
    assert_eq!(e.reason, format!("truncated gzip stream after {} decompressed bytes", plain.len()));
    assert_eq!(e.location, loc(1, plain.len()));
}

#[test]
fn truncated_gzip_mid_stream() {
    let plain = fixture("records.ndjson");
    let gz = gzip(&plain);
    let r = read(&gz[..gz.len() * 2 / 3]);
    assert!(r.file.gzip);
    let e = failed(&r);
    let n: usize = e
        .reason
        .strip_prefix("truncated gzip stream after ")
        .and_then(|s| s.strip_suffix(" decompressed bytes"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected reason {:?}", e.reason));
    assert!(n < plain.len());
    assert_eq!(e.location.byte, Some(n));
    // Only complete lines before the cut are read; the cut line is not a record error.
    let complete_lines = plain[..n].iter().filter(|&&b| b == b'\n').count();
    assert!(r.items.len() <= complete_lines);
    assert!(r.errors().iter().all(|x| x.location.line == Some(3)));
}

#[test]
fn corrupt_gzip() {
    let r = read(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03this is not deflate data at all");
    assert!(r.file.gzip);
    let e = failed(&r);
    assert!(e.reason.starts_with("corrupt gzip stream after 0 decompressed bytes: "), "{}", e.reason);
    assert_eq!(e.location, loc(1, 0));
}

#[test]
fn gzip_bomb_stops_at_the_limit() {
    let mut text = b"{\"Records\":[".to_vec();
    text.resize(8 << 20, b' ');
    text.extend(b"]}");
    let bomb = gzip(&text);
    assert!(bomb.len() < 64 << 10, "a small file that inflates a lot");
    let limits = Limits { max_inflated_bytes: 1 << 20, ..Limits::default() };
    let r = read_with(&bomb, &limits);
    assert!(r.file.gzip);
    assert!(r.items.is_empty());
    let e = failed(&r);
    assert_eq!(e.reason, "gzip stream inflates to more than the limit of 1048576 bytes; stopped there");
    assert_eq!(e.location, loc(1, 1 << 20));
}

#[test]
fn gzip_bomb_of_lines_yields_the_lines_before_the_limit() {
    let line = b"{\"eventVersion\":\"1.09\",\"eventName\":\"ListBuckets\",\"eventSource\":\"s3.amazonaws.com\"}\n";
    let text: Vec<u8> = line.iter().copied().cycle().take(line.len() * 10_000).collect();
    let limits = Limits { max_inflated_bytes: (line.len() * 100 + 10) as u64, ..Limits::default() };
    let r = read_with(&gzip(&text), &limits);
    assert_eq!(r.records().len(), 100);
    assert!(r.errors().is_empty());
    assert_eq!(failed(&r).location.byte, Some(line.len() * 100 + 10));
}

#[test]
fn png_is_binary() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";
    let r = read(png);
    assert_eq!(r.file.shape, None);
    assert!(!r.file.gzip);
    assert!(r.items.is_empty());
    let e = failed(&r);
    assert_eq!(e.reason, "expected JSON, found binary data (PNG image)");
    assert_eq!(e.location, loc(1, 0));
    let r = read(b"\x00\x01\x02garbage");
    let e = failed(&r);
    assert_eq!(e.reason, "expected JSON, found binary data");
}

#[test]
fn empty_files() {
    let r = read(b"");
    assert_eq!(failed(&r).reason, "empty file");
    assert_eq!(failed(&r).location, loc(1, 0));
    let r = read(b" \n\t\r\n");
    assert_eq!(failed(&r).reason, "empty file (only whitespace)");
    let r = read(&gzip(b""));
    assert_eq!(failed(&r).reason, "empty file");
    assert!(r.file.gzip);
}

#[test]
fn invalid_utf8_after_a_record() {
    let bytes = b"{\"Records\":[{\"eventVersion\":\"1.09\",\"eventName\":\"A\"},\n{\"eventName\":\"caf\xe9\"}]}";
    let r = read(bytes);
    assert_eq!(r.records().len(), 1);
    let e = failed(&r);
    assert_eq!(e.reason, "invalid UTF-8 at byte 70");
    assert_eq!(e.location, loc(2, 70));
}

#[test]
fn non_object_elements_are_record_errors() {
    let r = read(&fixture("records_non_object.json"));
    assert_eq!(r.file.shape, Some(Shape::S3Delivery));
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.items.len(), 4);
    assert_eq!(r.records().len(), 2);
    let errs = r.errors();
    assert_eq!(errs[0].index, 1);
    assert_eq!(errs[0].reason, "expected a JSON object, found a number");
    assert_eq!(errs[1].index, 2);
    assert_eq!(errs[1].reason, "expected a JSON object, found a string");
    let text = fixture("records_non_object.json");
    // Elements sit on their own line, indented by 4.
    let line_of = |needle: &[u8]| {
        let needle = [b"\n    ".as_slice(), needle].concat();
        let at = 5 + text.windows(needle.len()).position(|w| w == needle).expect("needle");
        loc(text[..at].iter().filter(|&&b| b == b'\n').count() + 1, at)
    };
    assert_eq!(errs[0].location, line_of(b"42"));
    assert_eq!(errs[1].location, line_of(b"\"not a record\""));
}

#[test]
fn records_not_an_array() {
    let r = read(br#"{"Records": "oops"}"#);
    let e = failed(&r);
    assert_eq!(e.reason, "`Records` is a string, not an array");
    assert_eq!(e.location, loc(1, 12));
    assert!(r.items.is_empty());
}

#[test]
fn bad_ndjson_line_is_a_record_error_and_the_rest_goes_on() {
    let text =
        b"{\"eventVersion\":\"1.09\",\"eventName\":\"A\"}\n  {\"eventName\": nope}\n[1]\n{\"eventVersion\":\"1.09\",\"eventName\":\"B\"}\n";
    let r = read(text);
    assert_eq!(r.file.shape, Some(Shape::JsonLines));
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.items.len(), 4);
    let errs = r.errors();
    assert_eq!(errs[0].reason, "JSON syntax error: expected ident (column 18)");
    assert_eq!(errs[0].location, loc(2, 42));
    assert_eq!(errs[1].reason, "expected a JSON object, found an array");
    assert_eq!(errs[1].location, loc(3, 62));
}

#[test]
fn bad_cloudtrail_event_string() {
    let text = br#"{"Events":[{"EventId":"e1","CloudTrailEvent":"{\"eventVersion\":"},{"EventId":"e2","CloudTrailEvent":"[1,2]"},{"EventId":"e3"},{"EventId":"e4","CloudTrailEvent":"{\"eventVersion\":\"1.09\",\"eventName\":\"X\"}"}],"NextToken":"abc"}"#;
    let r = read(text);
    assert_eq!(r.file.shape, Some(Shape::LookupEvents));
    assert_eq!(r.file.status, FileStatus::Scanned);
    let reasons: Vec<&str> = r.errors().iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "lookup-events entry (EventId e1): `CloudTrailEvent` is not valid JSON: EOF while parsing a value",
            "lookup-events entry (EventId e2): `CloudTrailEvent` holds an array, not a JSON object",
            "lookup-events entry (EventId e3) has no `CloudTrailEvent`",
        ]
    );
    assert_eq!(r.records().len(), 1);
    assert_eq!(r.records()[0].index, 3);
    assert_eq!(r.errors()[0].location, loc(1, 11));
}

#[test]
fn wrong_csv_header() {
    let r = read(&fixture("wrong_header.csv"));
    assert_eq!(r.file.shape, None);
    let e = failed(&r);
    assert_eq!(
        e.reason,
        "CSV header is not the CloudTrail console's Event history export: missing \"Event time\", \
         \"Event name\", \"Event source\" (found \"timestamp\", \"action\", \"principal\")"
    );
    assert_eq!(e.location, loc(1, 0));
}

#[test]
fn unknown_shapes() {
    let e = failed(&read(b"hello world\nthis is not a log\n")).clone();
    assert_eq!(e.reason, "unknown shape: expected JSON or the CloudTrail console's CSV, found text starting with `hello world`");
    let e = failed(&read(br#"{"foo": 1, "bar": [2]}"#)).clone();
    assert_eq!(
        e.reason,
        "unknown shape: a JSON object with keys `foo`, `bar` (expected CloudTrail `Records`, a CloudTrail \
         record, lookup-events `Events`, or Elasticsearch documents)"
    );
    let e = failed(&read(b"{\"Records\":[]}  xyz")).clone();
    assert_eq!(e.reason, "expected a JSON object or array, found `xyz`");
    assert_eq!(e.location, loc(1, 16));
}

#[test]
fn deep_nesting_is_an_error_not_a_panic() {
    let mut deep = b"{\"Records\":[".to_vec();
    deep.extend(std::iter::repeat_n(b'[', 10_000));
    let r = read(&deep);
    let e = failed(&r);
    assert_eq!(e.reason, "JSON syntax error: recursion limit exceeded");
    let r = read(&std::iter::repeat_n(b'{', 100_000).collect::<Vec<u8>>());
    assert!(matches!(r.file.status, FileStatus::Failed(_)));
    let mut lines = b"{\"eventVersion\":\"1\"}\n".to_vec();
    lines.extend(std::iter::repeat_n(b'[', 5000));
    lines.push(b'\n');
    let r = read(&lines);
    assert_eq!(r.errors()[0].reason, "JSON syntax error: recursion limit exceeded (column 128)");
}

#[test]
fn truncated_gzip_csv_drops_the_cut_row() {
    let plain = fixture("console_history.csv");
    // Cut inside the last row's last cell: without care it would become a record with a
    // shortened value.
    let cut = plain.len() - 5;
    let mut gz = gzip(&plain[..cut]);
    gz.truncate(gz.len() - 8); // drop the trailer: the stream now ends without its CRC
    let r = read(&gz);
    assert_eq!(r.records().len(), 2);
    assert!(r.errors().is_empty());
    assert_eq!(failed(&r).reason, format!("truncated gzip stream after {cut} decompressed bytes"));
}

#[test]
fn utf16_is_named() {
    let utf16: Vec<u8> = "\u{feff}{\"Records\":[]}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = read(&utf16);
    assert_eq!(failed(&r).reason, "expected UTF-8 text, found UTF-16 text (byte order mark FF FE or FE FF); save the file as UTF-8");
}

#[test]
fn many_record_errors_stay_linear() {
    // 200k non-object elements over 200k lines: positions are counted forward, not from the start.
    let mut text = b"{\"Records\":[\n".to_vec();
    for _ in 0..200_000 {
        text.extend(b"1,\n");
    }
    text.extend(b"{\"eventVersion\":\"1.09\"}]}");
    let started = std::time::Instant::now();
    let r = read(&text);
    assert_eq!(r.errors().len(), 200_000);
    assert_eq!(r.errors()[199_999].location, loc(200_001, 13 + 3 * 199_999));
    assert_eq!(r.records().len(), 1);
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
}

#[test]
fn default_limit_is_4_gib_and_zero_stops_at_once() {
    assert_eq!(Limits::default().max_inflated_bytes, 4 << 30);
    let r = read_with(&gzip(b"[]"), &Limits { max_inflated_bytes: 0, ..Limits::default() });
    assert_eq!(failed(&r).reason, "gzip stream inflates to more than the limit of 0 bytes; stopped there");
}
