//! Reading a file a slice at a time gives exactly what reading it whole gives: the same records,
//! errors, places and outcome, for every fixture and hostile file, plain and gzip, at slice sizes
//! that cut records, characters and escapes anywhere; and a big file is never held whole.

use trailhound_testkit::input as common;

use common::{Read, gzip, read_with};
use proptest::prelude::*;
use std::io;
use std::path::{Path, PathBuf};
use trailhound_engine::input::{FileStatus, Limits, Record, read_stream, read_stream_ahead};

/// A reader that gives at most `step` bytes a call, then fails at `fail_at` if set.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
    fail_at: Option<usize>,
    at: usize,
    /// How many calls gave bytes.
    calls: usize,
}

impl io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let end = self.fail_at.unwrap_or(usize::MAX);
        if self.at >= end {
            return Err(io::Error::other("the disk went away"));
        }
        let n = out.len().min(self.step).min(self.bytes.len() - self.at).min(end - self.at);
        out[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        self.calls += usize::from(n > 0);
        Ok(n)
    }
}

/// Reads `bytes` in slices; also gives the window's largest size and how many reads it took.
fn stream(bytes: &[u8], limits: &Limits, slice: usize, step: usize, fail_at: Option<usize>) -> (Read, usize, usize) {
    let mut items = Vec::new();
    let mut buffer = Vec::new();
    let mut reader = Trickle { bytes, step, fail_at, at: 0, calls: 0 };
    let file = read_stream(&mut reader, limits, slice, &mut buffer, &mut |item| items.push(item.map(Record::into_owned)));
    let read = Read { file, items };
    read.assert_contiguous();
    (read, buffer.capacity(), reader.calls)
}

/// Reads `bytes` in slices with a gzip stream inflated on a thread of its own.
fn stream_ahead(bytes: &[u8], limits: &Limits, slice: usize, step: usize) -> Read {
    let mut items = Vec::new();
    let mut buffer = Vec::new();
    let mut reader = Trickle { bytes, step, fail_at: None, at: 0, calls: 0 };
    let file = read_stream_ahead(&mut reader, limits, slice, &mut buffer, &mut |item| items.push(item.map(Record::into_owned)));
    let read = Read { file, items };
    read.assert_contiguous();
    read
}

/// What a read gave, comparable.
fn seen(read: &Read) -> String {
    format!("{:#?}\n{:#?}", read.file, read.items)
}

fn assert_same(name: &str, bytes: &[u8], limits: &Limits, slice: usize, step: usize) {
    let whole = read_with(bytes, limits);
    let (sliced, ..) = stream(bytes, limits, slice, step, None);
    let whole = seen(&whole);
    assert_same_text(name, &whole, &seen(&sliced), slice, step);
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let ahead = stream_ahead(bytes, limits, slice, step);
        assert_same_text(&format!("{name} (inflated ahead)"), &whole, &seen(&ahead), slice, step);
    }
}

fn assert_same_text(name: &str, whole: &str, sliced: &str, slice: usize, step: usize) {
    if whole != sliced {
        let at = whole.bytes().zip(sliced.bytes()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(300);
        panic!(
            "{name}: slice {slice}, step {step}: differs from reading whole at char {at}\nwhole:  …{}\nsliced: …{}",
            &whole[from..(at + 300).min(whole.len())],
            &sliced[from..(at + 300).min(sliced.len())]
        );
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() { files_under(&path, out) } else { out.push(path) }
    }
}

#[test]
fn every_fixture_and_hostile_file_reads_the_same_in_slices() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join("tests/fixtures"), &mut files);
    files_under(&root.join("tests/hostile/files"), &mut files);
    files.sort();
    assert!(files.len() > 100, "the fixtures are there");
    let limits = Limits { max_inflated_bytes: 3000, ..Limits::default() };
    // Records longer than this are skipped: most fixtures have some.
    let short = Limits { max_record_bytes: 700, ..Limits::default() };
    for path in files {
        let bytes = std::fs::read(&path).expect("a fixture");
        let name = path.display().to_string();
        for (slice, step) in [(1, 1), (2, 1), (3, 2), (7, 3), (16, 16), (61, 5), (512, 100), (4096, 4096), (1 << 20, 1 << 16)] {
            assert_same(&name, &bytes, &Limits::default(), slice, step);
        }
        for (slice, step) in [(1, 1), (5, 3), (64, 7), (700, 700), (1 << 16, 1 << 12)] {
            assert_same(&format!("{name} (records of at most 700 bytes)"), &bytes, &short, slice, step);
        }
        let zipped = gzip(&bytes);
        for (slice, step) in [(1, 1), (5, 3), (64, 64), (1 << 16, 1 << 12)] {
            assert_same(&format!("{name} (gzip)"), &zipped, &Limits::default(), slice, step);
            // Past the inflate limit (most fixtures are larger than 3,000 bytes).
            assert_same(&format!("{name} (gzip, limited)"), &zipped, &limits, slice, step);
        }
    }
}

/// Pieces that files are made of: records, damage, characters of every width, escapes, blank lines.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","eventID":"e1"}"#.to_string()),
        Just(r#"{"eventSource":"iam.amazonaws.com","eventName":"GetUser","userAgent":"é€😀\u00e9\ud83d\ude00"}"#.to_string()),
        Just(r#"{"Records":["#.to_string()),
        Just(r#"{"Events":[{"CloudTrailEvent":"{\"eventVersion\":\"1.08\"}"}]}"#.to_string()),
        Just(r#"{"_source":{"event":{"action":"x"}}}"#.to_string()),
        Just("]}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("   \t".to_string()),
        Just("1e999".to_string()),
        Just("123456789012345678901234567890".to_string()),
        Just(r#""\ud800""#.to_string()),
        Just("tru".to_string()),
        Just("null".to_string()),
        Just("{\"a\":".to_string()),
        Just("é€😀".to_string()),
        Just("eventTime,eventName\n".to_string()),
        "[a-z{}\\[\\]\":, \n]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, .. ProptestConfig::default() })]

    /// Any file made of these pieces, cut anywhere, plain or gzip, reads the same whole and in
    /// slices of any size.
    #[test]
    fn slices_of_any_size_read_as_the_whole(pieces in proptest::collection::vec(piece(), 0..40),
                                            slice in 1usize..80, step in 1usize..80,
                                            cut in any::<prop::sample::Index>(), bad in any::<Option<u8>>(),
                                            gz in any::<bool>(), limit in 50u64..5000,
                                            record in proptest::option::of(1usize..300)) {
        let mut bytes = pieces.concat().into_bytes();
        if let Some(b) = bad {
            let at = cut.index(bytes.len() + 1);
            bytes.insert(at, b | 0x80);
        }
        let bytes = if gz {
            let mut zipped = gzip(&bytes);
            zipped.truncate(zipped.len() - cut.index(zipped.len() / 4 + 1));
            zipped
        } else {
            bytes
        };
        let max_record_bytes = record.unwrap_or(Limits::default().max_record_bytes);
        let limits = Limits { max_inflated_bytes: if gz { limit } else { u64::MAX }, max_record_bytes };
        let whole = read_with(&bytes, &limits);
        let (sliced, ..) = stream(&bytes, &limits, slice, step, None);
        prop_assert_eq!(seen(&whole), seen(&sliced));
    }
}

#[test]
fn a_read_error_mid_file_keeps_the_records_before_it_and_says_where() {
    let record = r#"{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject"}"#;
    let bytes = format!("{record}\n{record}\n{record}\n").into_bytes();
    let fail_at = record.len() * 2 + 5;
    let (read, ..) = stream(&bytes, &Limits::default(), 16, 16, Some(fail_at));
    assert_eq!(read.records().len(), 2, "the two whole lines before the failure are read");
    let FileStatus::Failed(error) = &read.file.status else { panic!("the file fails: {:?}", read.file.status) };
    assert_eq!(error.reason, "cannot read: the disk went away");
    assert_eq!((error.location.line, error.location.byte), (Some(3), Some(fail_at)));
}

#[test]
fn a_big_file_is_read_through_a_small_window() {
    let record = r#"{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"}}"#;
    let count = 200_000;
    let delivery = format!("{{\"Records\":[{}]}}", vec![record; count].join(","));
    let lines = format!("{}\n", vec![record; count].join("\n"));
    for (what, text) in [("an S3 delivery on one line", delivery), ("JSON Lines", lines)] {
        let bytes = text.into_bytes();
        for (how, bytes) in [("plain", bytes.clone()), ("gzip", gzip(&bytes))] {
            let slice = 64 << 10;
            let (read, window, _) = stream(&bytes, &Limits::default(), slice, slice, None);
            assert_eq!(read.file.status, FileStatus::Scanned, "{what}, {how}");
            assert_eq!(read.records().len(), count, "{what}, {how}");
            // The sniffing looks at up to 1 MiB; after it, the window holds a slice and a record.
            assert!(window <= 4 << 20, "{what}, {how}: a {} MB file went through a window of {window} bytes", bytes.len() >> 20);
        }
    }
}

/// A value bigger than a slice (here one record with a 1.5 MiB string) is read in growing steps:
/// a few dozen reads for 200 slices' worth, not one read a slice with the value parsed again after
/// each.
#[test]
fn a_value_bigger_than_a_slice_is_read_in_growing_steps() {
    let policy = "A".repeat(3 << 19);
    let record = format!(
        r#"{{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","requestParameters":{{"policy":"{policy}"}}}}"#
    );
    let slice = 8 << 10;
    let (read, _, calls) = stream(record.as_bytes(), &Limits::default(), slice, usize::MAX, None);
    assert_eq!(read.file.status, FileStatus::Scanned);
    assert_eq!(read.records().len(), 1);
    assert!(record.len() / slice > 150, "the value spans {} slices", record.len() / slice);
    assert!(calls < 100, "{calls} reads for a {} byte value in {slice} byte slices", record.len());
}

/// A search response longer than the record limit is not held: its hits stream one by one, and
/// the window stays within what the limit allows, whatever the response's size.
#[test]
fn a_search_response_longer_than_a_record_streams_its_hits() {
    let hit = r#"{"_source":{"event":{"action":"GetObject","dataset":"aws.cloudtrail"}}}"#;
    let response = format!("{{\"took\":3,\"hits\":{{\"total\":200000,\"hits\":[{}]}}}}", vec![hit; 200_000].join(","));
    let limits = Limits { max_record_bytes: 1 << 20, ..Limits::default() };
    let slice = 64 << 10;
    let (read, window, _) = stream(response.as_bytes(), &limits, slice, usize::MAX, None);
    assert_eq!(read.file.status, FileStatus::Scanned);
    assert_eq!(read.file.shape, Some(trailhound_engine::input::Shape::Ecs));
    assert_eq!((read.records().len(), read.errors().len()), (200_000, 0));
    assert!(response.len() > 10 << 20, "{} bytes", response.len());
    // Trying the response whole grows the window past the limit (doubling), then it slides.
    assert!(window <= 4 * (1 << 20), "a {} byte response went through a window of {window} bytes", response.len());
    let whole = read_with(response.as_bytes(), &limits);
    assert_eq!(seen(&whole), seen(&read));
}

/// A gzip stream damaged inside its deflate data (not just cut short) keeps the same records before
/// the damage and fails at the same place however it is read: the decoder gets its input and
/// gives its output in fixed pieces.
#[test]
fn corrupt_gzip_reads_the_same_in_slices() {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let record = r#"{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"KEY"}}"#;
    let text: String = (0..3000).map(|i| format!("{}\n", record.replace("KEY", &format!("k{i}")))).collect();
    for level in [Compression::none(), Compression::default()] {
        let mut encoder = GzEncoder::new(Vec::new(), level);
        encoder.write_all(text.as_bytes()).expect("gzip in memory");
        let zipped = encoder.finish().expect("gzip in memory");
        // Bytes across the deflate data; for stored blocks (a 5-byte header, LEN and NLEN, then
        // LEN bytes of text), also the NLEN check of the second to fifth block.
        let mut headers = Vec::new();
        let mut block = 10;
        while level.level() == 0 && headers.len() < 5 && block + 5 < zipped.len() {
            headers.push(block + 3);
            block += 5 + usize::from(u16::from_le_bytes([zipped[block + 1], zipped[block + 2]]));
        }
        for at in (1..10).map(|k| 20 + k * (zipped.len() - 40) / 10).chain(headers.into_iter().skip(1)) {
            let mut damaged = zipped.clone();
            damaged[at] ^= 0x5a;
            let name = format!("level {}, byte {at} flipped", level.level());
            for (slice, step) in [(100, 7), (4096, 1), (4096, 4096), (1 << 20, 1 << 12), (4 << 20, 4096), (4 << 20, 1 << 20)] {
                assert_same(&name, &damaged, &Limits::default(), slice, step);
            }
        }
    }
}

/// Inflating on a thread of its own stops as soon as the reading does: a big gzip stream whose text
/// fails at once (unknown shape, a syntax error, a binary head) ends with the same outcome as read
/// on one thread, and nothing is left waiting.
#[test]
fn inflating_ahead_stops_when_the_reading_stops_early() {
    let filler = "x".repeat(20 << 20);
    for text in [format!("hello {filler}"), format!("{{\"Records\":[{{\"a\":1}},]{filler}"), format!("\u{0}\u{1}{filler}")] {
        let zipped = gzip(text.as_bytes());
        let one = seen(&stream(&zipped, &Limits::default(), 1 << 16, 1 << 16, None).0);
        let ahead = seen(&stream_ahead(&zipped, &Limits::default(), 1 << 16, 1 << 16));
        assert_eq!(one, ahead);
        assert!(one.contains("Failed"), "{one}");
    }
}

/// JSON Lines whose first line is longer than the sniffing looks (a compact delivery of 20,000
/// records) is still read line by line after it: a broken second line is a record error, and the
/// third line's records are read, whole or in slices.
#[test]
fn json_lines_with_a_long_first_line_lose_nothing_after_a_broken_line() {
    let record = r#"{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","eventID":"ID"}"#;
    let delivery = |n: usize, from: usize| {
        format!("{{\"Records\":[{}]}}", (from..from + n).map(|i| record.replace("ID", &i.to_string())).collect::<Vec<_>>().join(","))
    };
    let text = format!("{}\n{{\"Records\":[{record},]}}\n{}\n", delivery(20_000, 0), delivery(3, 20_000));
    assert!(text.find('\n').unwrap_or(0) > 1 << 20, "the first line is longer than the sniffing looks");
    let whole = read_with(text.as_bytes(), &Limits::default());
    assert_eq!(whole.file.status, FileStatus::Scanned, "{:?}", whole.file);
    assert_eq!((whole.records().len(), whole.errors().len()), (20_003, 1));
    assert_eq!(whole.errors()[0].location.line, Some(2));
    for (slice, step) in [(4096, 4096), (1 << 20, 1 << 16), (4 << 20, 1 << 20)] {
        assert_same("a long first line", text.as_bytes(), &Limits::default(), slice, step);
    }
}
