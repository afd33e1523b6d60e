//! The record limit, shape by shape: a record longer than `max_record_bytes` is one record error at
//! its start, passed over without being held, and the records after it are read; a record within
//! the limit is read whatever its size; a container longer than the limit streams its records. Each
//! case also reads the same in slices of every size (the limit is judged by a record's own length,
//! never by how much text has arrived).

use trailhound_testkit::input as common;

use common::{Read, gzip, read_with};
use trailhound_engine::input::{FileStatus, Limits, Record, Shape, read_stream};

/// The limit of these cases: short enough that a record written out by hand passes it.
const MAX: usize = 200;

/// A raw CloudTrail record of `name`, `pad` bytes of padding in its request.
fn record(name: &str, pad: usize) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"{name}","requestParameters":{{"p":"{}"}}}}"#,
        "x".repeat(pad)
    )
}

/// What a case must give: the shape, how many records were read, the record errors as (index,
/// line, byte), and whether the file was read to its end.
struct Want<'e> {
    shape: Shape,
    records: usize,
    errors: &'e [(usize, usize, usize)],
    scanned: bool,
}

fn limits() -> Limits {
    Limits { max_record_bytes: MAX, ..Limits::default() }
}

fn sliced(bytes: &[u8], slice: usize) -> Read {
    let mut items = Vec::new();
    let file = read_stream(&mut &bytes[..], &limits(), slice, &mut Vec::new(), &mut |item| items.push(item.map(Record::into_owned)));
    Read { file, items }
}

fn check(what: &str, text: &str, want: Want<'_>) {
    let read = read_with(text.as_bytes(), &limits());
    assert_eq!(read.file.shape, Some(want.shape), "{what}: shape");
    assert_eq!(read.file.status == FileStatus::Scanned, want.scanned, "{what}: {:?}", read.file.status);
    assert_eq!(read.records().len(), want.records, "{what}: records");
    let errors: Vec<(usize, usize, usize)> =
        read.errors().iter().map(|e| (e.index, e.location.line.unwrap_or(0), e.location.byte.unwrap_or(usize::MAX))).collect();
    assert_eq!(errors, want.errors, "{what}: record errors {:?}", read.errors());
    for e in read.errors() {
        assert!(e.reason.contains("longer than the limit of 200 bytes"), "{what}: {}", e.reason);
    }
    let whole = format!("{:?}\n{:?}", read.file, read.items);
    for slice in [1, 7, 64, MAX, 4096] {
        let part = sliced(text.as_bytes(), slice);
        assert_eq!(format!("{:?}\n{:?}", part.file, part.items), whole, "{what}: read in slices of {slice}");
    }
    let zipped = sliced(&gzip(text.as_bytes()), 64);
    assert_eq!(zipped.items.len(), read.items.len(), "{what}: gzip");
}

#[test]
fn a_record_at_the_limit_is_read_and_one_byte_more_is_an_error() {
    let at_limit = record("A", 0);
    let pad = MAX - at_limit.len();
    let text = format!("[{},\n{}]", record("A", pad), record("B", pad + 1));
    let second = record("A", pad).len() + 3;
    check("at and past the limit", &text, Want { shape: Shape::JsonArray, records: 1, errors: &[(1, 2, second)], scanned: true });
}

#[test]
fn a_long_record_in_a_delivery_is_skipped_and_the_next_is_read() {
    let good = record("A", 10);
    let first = 12 + good.len() + 2;
    for (what, long) in [
        ("a long string", record("B", 5000)),
        ("a long key", format!(r#"{{"eventName":"B","{}":1}}"#, "k".repeat(5000))),
        ("a long number", "9".repeat(5000)),
        ("a string of escapes", format!(r#"{{"a":"{}"}}"#, "\\\"".repeat(3000))),
    ] {
        let text = format!("{{\"Records\":[{good},\n{long},\n{good}]}}");
        check(what, &text, Want { shape: Shape::S3Delivery, records: 2, errors: &[(1, 2, first)], scanned: true });
    }
}

#[test]
fn a_long_value_beside_the_records_is_passed_over() {
    let good = record("A", 10);
    let text = format!(r#"{{"Records":[{good},{good}],"junk":"{}"}}"#, "x".repeat(5000));
    check("a long member after the records", &text, Want { shape: Shape::S3Delivery, records: 2, errors: &[], scanned: true });
}

#[test]
fn a_long_top_level_object_streams_its_records_or_is_one_error() {
    let good = record("A", 10);
    let many = vec![good.as_str(); 30].join(",");
    let text = format!(r#"{{"junk":"{}","Records":[{many}]}}"#, "x".repeat(300));
    check("a delivery whose records come second", &text, Want { shape: Shape::S3Delivery, records: 30, errors: &[], scanned: true });

    let hit = r#"{"_source":{"@timestamp":"2024-01-01T00:00:00Z","event":{"action":"GetObject"}}}"#;
    let hits = vec![hit; 30].join(",");
    let text = format!(r#"{{"took":2,"hits":{{"total":30,"hits":[{hits}]}}}}"#);
    check("a search response", &text, Want { shape: Shape::Ecs, records: 30, errors: &[], scanned: true });

    let text = format!("\n\n{}\n", record("A", 5000));
    check("a single record", &text, Want { shape: Shape::SingleRecord, records: 0, errors: &[(0, 3, 2)], scanned: true });
}

#[test]
fn a_long_lookup_events_entry_is_one_error() {
    let entry =
        |pad: usize| format!(r#"{{"EventId":"e","CloudTrailEvent":"{{\"eventVersion\":\"1.08\",\"p\":\"{}\"}}"}}"#, "x".repeat(pad));
    let text = format!("{{\"Events\":[{},{},{}]}}", entry(1), entry(5000), entry(2));
    let at = 11 + entry(1).len() + 1;
    check("lookup-events", &text, Want { shape: Shape::LookupEvents, records: 2, errors: &[(1, 1, at)], scanned: true });
}

#[test]
fn a_long_line_is_one_error_and_a_long_delivery_on_a_line_streams() {
    let good = record("A", 10);
    let lines = |middle: &str| format!("{good}\n{good}\n{middle}\n{good}\n");
    let third = 2 * (good.len() + 1);
    check(
        "a line of text",
        &lines(&"y".repeat(5000)),
        Want { shape: Shape::JsonLines, records: 3, errors: &[(2, 3, third)], scanned: true },
    );
    check(
        "a line of one long record",
        &lines(&record("B", 5000)),
        Want { shape: Shape::JsonLines, records: 3, errors: &[(2, 3, third)], scanned: true },
    );
    let delivery = format!("{{\"Records\":[{}]}}", [good.as_str(); 5].join(","));
    check("a compact delivery on a line", &lines(&delivery), Want { shape: Shape::JsonLines, records: 8, errors: &[], scanned: true });
    check("a line of blanks", &lines(&" ".repeat(5000)), Want { shape: Shape::JsonLines, records: 3, errors: &[], scanned: true });
}

#[test]
fn a_long_csv_row_is_one_error() {
    let header = "Event ID,Event time,Event name,Event source";
    let row = |id: &str, cell: &str| format!("{id},2024-08-18T13:51:12Z,\"{cell}\",s3.amazonaws.com");
    let long = "multi\nline ".repeat(600);
    let text = format!("{header}\n{}\n{}\n{}\n", row("a", "GetObject"), row("b", &long), row("c", "PutObject"));
    let at = header.len() + 1 + row("a", "GetObject").len() + 1;
    check("a console CSV", &text, Want { shape: Shape::ConsoleCsv, records: 2, errors: &[(1, 3, at)], scanned: true });
}

#[test]
fn a_long_record_cut_by_the_end_of_the_file_stops_the_file_after_its_error() {
    let good = record("A", 10);
    let text = format!("{{\"Records\":[{good},{{\"a\":\"{}", "x".repeat(5000));
    let at = 12 + good.len() + 1;
    check("cut inside a long record", &text, Want { shape: Shape::S3Delivery, records: 1, errors: &[(1, 1, at)], scanned: false });
}
