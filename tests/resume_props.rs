//! Reading records again from checkpoints gives what reading them from the start gives: for files
//! of any shape, plain or gzip (one member or several), with broken and overlong elements among
//! the records, checkpoints at any interval, and reads asked in any order against the same
//! checkpoints; and a late record of a big `.json.gz` read again from a checkpoint reads little of
//! the file.

use proptest::prelude::*;
use serde_json::{Value, json};
use std::io::{Cursor, Seek, SeekFrom};
use trailhound_engine::scan::{Scanner, Source};
use trailhound_engine::{Checkpoints, Limits};
use trailhound_testkit::input::CountingFile;

/// A CloudTrail record, numbered, padded with `pad` bytes of text.
fn record(n: usize, pad: usize) -> String {
    let action = ["GetObject", "DeleteBucketPolicy", "ListBuckets"][n % 3];
    json!({
        "eventVersion": "1.08",
        "eventTime": format!("2024-03-01T10:{:02}:{:02}Z", (n / 60) % 60, n % 60),
        "eventSource": "s3.amazonaws.com",
        "eventName": action,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111111111111:user/u{}", n % 7)},
        "requestParameters": {"bucketName": "b".repeat(pad)},
        "eventID": format!("{n:08}-0000-4000-8000-000000000000"),
    })
    .to_string()
}

/// One element of a generated file.
#[derive(Debug, Clone)]
enum Element {
    Record(usize),
    /// Not JSON (a line) or not an object (an array element).
    Broken,
    /// A record longer than the record limit.
    Long,
    /// A record of the Elastic pipeline fixtures.
    Fixture(usize),
}

fn element() -> impl Strategy<Value = Element> {
    prop_oneof![
        8 => (0usize..400).prop_map(Element::Record),
        1 => Just(Element::Broken),
        1 => Just(Element::Long),
        2 => (0usize..1000).prop_map(Element::Fixture),
    ]
}

/// The file's shape.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Delivery,
    Lines,
    Array,
}

fn text_of(elements: &[Element], shape: Shape, fixtures: &[Value]) -> String {
    let items: Vec<String> = elements
        .iter()
        .enumerate()
        .map(|(i, e)| match e {
            Element::Record(pad) => record(i, *pad),
            Element::Broken if matches!(shape, Shape::Lines) => "{not json".to_string(),
            Element::Broken => "17".to_string(),
            Element::Long => record(i, LIMIT),
            Element::Fixture(k) => fixtures[k % fixtures.len()].to_string(),
        })
        .collect();
    match shape {
        Shape::Delivery => format!("{{\"Records\":[\n{}\n]}}", items.join(",\n")),
        Shape::Lines => items.join("\n"),
        Shape::Array => format!("[{}]", items.join(", ")),
    }
}

/// The record limit of these scans: small, so overlong records are cheap to make.
const LIMIT: usize = 4096;

fn gzip_members(text: &[u8], cuts: &[usize]) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut at = 0;
    let mut ends: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
    ends.sort_unstable();
    ends.push(text.len());
    for end in ends {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&text[at..end.max(at)]).expect("in memory");
        out.extend(encoder.finish().expect("in memory"));
        at = end.max(at);
    }
    out
}

fn scanner() -> Scanner {
    Scanner::new([]).with_limits(Limits { max_record_bytes: LIMIT, ..Limits::default() })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn records_read_from_checkpoints_are_those_read_from_the_start(
        elements in prop::collection::vec(element(), 1..60),
        shape in prop_oneof![Just(Shape::Delivery), Just(Shape::Lines), Just(Shape::Array)],
        gzipped: bool,
        cuts in prop::collection::vec(any::<usize>(), 0..3),
        every in 16u64..1500,
        reads in prop::collection::vec(prop::collection::btree_set(0usize..70, 1..5), 1..5),
    ) {
        let fixtures: Vec<Value> = trailhound_testkit::pairs::all_records().into_iter().map(|(_, v)| v).collect();
        let text = text_of(&elements, shape, &fixtures);
        let bytes = if gzipped { gzip_members(text.as_bytes(), &cuts) } else { text.into_bytes() };
        let scanner = scanner();
        let mut points = Checkpoints::every(every);
        let mut file = Cursor::new(&bytes[..]);
        for wanted in reads {
            let wanted: Vec<usize> = wanted.into_iter().collect();
            let expected = scanner.fetch(Source::bytes(&bytes), &wanted);
            file.seek(SeekFrom::Start(0)).expect("in memory");
            let again = scanner.fetch_again(&mut file, &wanted, &mut points);
            prop_assert_eq!(&again, &expected);
        }
    }
}

/// A 24 MB delivery, gzipped: the first read of its last records inflates it all and leaves
/// checkpoints; reading another late record then reads a few MiB's worth, and the records are the
/// ones read from the start.
#[test]
fn a_late_record_of_a_big_gzip_file_is_read_from_a_checkpoint() {
    let mut noise = trailhound_testkit::input::noise(0x9e37_79b9_7f4a_7c15, 8);
    let records: Vec<String> = (0..40_000)
        .map(|n| {
            let mut r: Value = serde_json::from_str(&record(n, 300)).expect("JSON");
            r["requestID"] = json!(noise());
            r.to_string()
        })
        .collect();
    let text = format!("{{\"Records\":[{}]}}", records.join(","));
    let bytes = gzip_members(text.as_bytes(), &[]);
    let scanner = scanner();
    let mut points = Checkpoints::default();

    let mut cold = CountingFile::new(&bytes);
    let last = scanner.fetch_again(&mut cold, &[39_990, 39_999], &mut points);
    assert_eq!(last, scanner.fetch(Source::bytes(&bytes), &[39_990, 39_999]));
    assert!(cold.read >= bytes.len() as u64, "the first read inflates the file to its end");
    let expected_points = text.len() as u64 / trailhound_engine::input::resume::EVERY;
    assert!(points.len() as u64 >= expected_points, "{} checkpoints in {} bytes of text", points.len(), text.len());
    assert!(points.memory() < 64 * 1024 * (points.len() + 1), "{} bytes for {} checkpoints", points.memory(), points.len());

    let mut warm = CountingFile::new(&bytes);
    let late = scanner.fetch_again(&mut warm, &[38_000], &mut points);
    assert_eq!(late, scanner.fetch(Source::bytes(&bytes), &[38_000]));
    assert!(warm.read < bytes.len() as u64 / 3, "read {} of {} bytes", warm.read, bytes.len());
}

/// A file cut short gives its records before the cut, as a read from the start does; once the
/// damage is met, its checkpoints are dropped.
#[test]
fn a_cut_gzip_file_gives_its_records_before_the_cut() {
    let text = format!("{{\"Records\":[{}]}}", (0..400).map(|n| record(n, 200)).collect::<Vec<_>>().join(","));
    let bytes = gzip_members(text.as_bytes(), &[]);
    let cut = &bytes[..bytes.len() * 3 / 4];
    let scanner = scanner();
    let expected = scanner.fetch(Source::bytes(cut), &[10, 200]);
    assert_eq!(expected.len(), 2);
    let mut points = Checkpoints::every(4096);
    for wanted in [&[10usize, 200][..], &[200], &[10, 200]] {
        let again = scanner.fetch_again(&mut Cursor::new(cut), wanted, &mut points);
        let expected: Vec<_> = expected.iter().filter(|f| wanted.contains(&f.record)).cloned().collect();
        assert_eq!(again, expected);
    }
    assert!(points.is_empty(), "a damaged file is read by the scan's decoder, from its start");
}
