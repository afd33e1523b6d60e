//! Reading again from checkpoints, case by case: the inputs where a resumed read could differ
//! from a read from the start (damaged gzip members, documents that go on after their first value,
//! lines holding deliveries, changed limits, a file not at its start) give what `fetch` gives, and
//! a read past a record error or with a control byte near a checkpoint still starts from one.

use serde_json::json;
use std::io::{Cursor, Seek, SeekFrom, Write};
use trailhound_engine::scan::{Fetched, Scanner, Source};
use trailhound_engine::{Checkpoints, Limits};
use trailhound_testkit::input::CountingFile;

fn record(n: usize, pad: usize) -> String {
    json!({
        "eventVersion": "1.08",
        "eventTime": format!("2024-03-01T10:00:{:02}Z", n % 60),
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111111111111:user/u{n}")},
        "requestParameters": {"bucketName": "b".repeat(pad)},
        "eventID": format!("{n:08}-0000-4000-8000-000000000000"),
    })
    .to_string()
}

fn gz(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

const LIMIT: usize = 4096;

fn scanner() -> Scanner {
    Scanner::new([]).with_limits(Limits { max_record_bytes: LIMIT, ..Limits::default() })
}

fn ids(f: &[Fetched]) -> Vec<(usize, String)> {
    f.iter()
        .map(|f| {
            let id = f.original.as_ref().and_then(|o| o["eventID"].as_str()).unwrap_or("-").to_string();
            (f.record, id)
        })
        .collect()
}

/// Runs `reads` in order against one Checkpoints; returns the first disagreement.
fn check(bytes: &[u8], every: u64, reads: &[&[usize]]) -> Result<(), String> {
    let s = scanner();
    let mut points = Checkpoints::every(every);
    for wanted in reads {
        let expected = s.fetch(Source::bytes(bytes), wanted);
        let mut file = Cursor::new(bytes);
        let again = s.fetch_again(&mut file, wanted, &mut points);
        if again != expected {
            return Err(format!("wanted {wanted:?} (points {}): fetch {:?}, fetch_again {:?}", points.len(), ids(&expected), ids(&again)));
        }
    }
    Ok(())
}

// ---------- gzip ----------

/// Member 1's CRC32 is wrong: flate2 (the scan, `fetch`) stops at the end of member 1; the
/// resume Inflater does not check CRCs and goes on into member 2.
#[test]
fn bad_crc_in_first_member() {
    let one = format!("{{\"Records\":[\n{},\n{}\n]}}", record(0, 10), record(1, 10));
    let two = format!("{{\"Records\":[\n{}\n]}}", record(2, 10));
    let mut m1 = gz(one.as_bytes());
    let n = m1.len();
    m1[n - 8] ^= 0xff; // CRC32
    let mut bytes = m1;
    bytes.extend(gz(two.as_bytes()));
    check(&bytes, 1 << 20, &[&[2]]).unwrap();
}

/// The same with a wrong ISIZE.
#[test]
fn bad_isize_in_first_member() {
    let one = format!("[{}]", record(0, 10));
    let two = format!("[{}]", record(1, 10));
    let mut m1 = gz(one.as_bytes());
    let n = m1.len();
    m1[n - 1] ^= 0x01;
    let mut bytes = m1;
    bytes.extend(gz(two.as_bytes()));
    check(&bytes, 1 << 20, &[&[1]]).unwrap();
}

/// FHCRC set with a wrong header CRC: flate2 rejects the header, the Inflater passes over it.
#[test]
fn wrong_header_crc() {
    let text = format!("[{}]", record(0, 10));
    let plain = gz(text.as_bytes());
    let mut bytes = plain[..10].to_vec();
    bytes[3] |= 2;
    bytes.extend_from_slice(&[0x12, 0x34]);
    bytes.extend_from_slice(&plain[10..]);
    check(&bytes, 1 << 20, &[&[0]]).unwrap();
}

/// Trailing bytes after the last member (garbage, zeros).
#[test]
fn trailing_bytes() {
    let text = format!("[{}]", (0..3).map(|n| record(n, 10)).collect::<Vec<_>>().join(","));
    for tail in [&b"x"[..], &[0u8; 1], &[0u8; 16], &[0x1f, 0x8b], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]] {
        let mut bytes = gz(text.as_bytes());
        bytes.extend_from_slice(tail);
        check(&bytes, 64, &[&[2], &[0, 2]]).unwrap_or_else(|e| panic!("tail {tail:?}: {e}"));
    }
}

/// Corrupt deflate data in a big member: every single-byte flip position tried over a range.
#[test]
fn corrupt_deflate_data() {
    let mut noise = trailhound_testkit::input::noise(0x1234_5678_9abc_def0, 1);
    let recs: Vec<String> = (0..3000)
        .map(|n| {
            let mut r: serde_json::Value = serde_json::from_str(&record(n, 20)).unwrap();
            r["requestID"] = json!(noise());
            r.to_string()
        })
        .collect();
    let text = format!("{{\"Records\":[{}]}}", recs.join(","));
    let good = gz(text.as_bytes());
    let s = scanner();
    let mut failures = Vec::new();
    for k in 1..40 {
        let at = good.len() * k / 41;
        let mut bytes = good.clone();
        bytes[at] ^= 0x55;
        let all: Vec<usize> = (0..3000).collect();
        let expected = s.fetch(Source::bytes(&bytes), &all);
        let mut points = Checkpoints::every(1 << 20);
        let again = s.fetch_again(&mut Cursor::new(&bytes[..]), &all, &mut points);
        if again.len() != expected.len() || again != expected {
            failures.push(format!("flip at {at}/{}: fetch gives {} records, fetch_again {}", bytes.len(), expected.len(), again.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------- shapes ----------

/// A first object spanning lines whose opening has no newline (`{"Records":[r0,\nr1]}`), then
/// more top-level values on their own lines. From the start it is a document throughout; resumed,
/// the first object (`{"Records":[` + `r1]}`) is one line, so the rest is read as JSON Lines.
#[test]
fn multi_line_first_object_becomes_lines_when_resumed() {
    let text =
        format!("{{\"Records\":[{},\n{}]}}\n[{},{}]\n{}\n", record(0, 10), record(1, 10), record(2, 10), record(3, 10), record(4, 10));
    check(text.as_bytes(), 16, &[&[4], &[1, 3]]).unwrap();
}

/// The same with a broken value after the first object: the document stops there; JSON Lines
/// counts it as one record error and reads on, so the resumed read has a record the other lacks.
#[test]
fn multi_line_first_object_then_broken_line() {
    let text = format!("{{\"Records\":[{},\n{},{}]}}\n{{not json}}\n{}\n", record(0, 10), record(1, 10), record(2, 10), record(3, 10));
    check(text.as_bytes(), 16, &[&[2], &[2, 4]]).unwrap();
}

/// A top-level object over the record limit whose first key is not Records is streamed (raw
/// records, checkpoints); resumed from a late record, head + tail fits the limit and is parsed
/// whole, where a duplicate `Records` key keeps only the last.
#[test]
fn too_large_object_with_duplicate_records_key() {
    let first: Vec<String> = (0..6).map(|n| record(n, 300)).collect();
    let text = format!("{{\"x\":0,\"Records\":[{}],\"Records\":[{}]}}", first.join(","), record(100, 10));
    assert!(text.len() > LIMIT);
    check(text.as_bytes(), 16, &[&[6], &[5]]).unwrap();
}

// ---------- cost ----------

fn big_lines(first: &str, n: usize) -> Vec<u8> {
    let mut text = String::from(first);
    for i in 1..n {
        text.push_str(&record(i, 300));
        text.push('\n');
    }
    gz(text.as_bytes())
}

/// Asking for a record that is a record error beside one that is not still reads from a
/// checkpoint, and keeps the checkpoints.
#[test]
fn a_missing_record_rereads_from_the_start() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&if i == 19_000 { "{not json".to_string() } else { record(i, 300) });
        text.push('\n');
    }
    let bytes = gz(text.as_bytes());
    let s = scanner();
    let mut points = Checkpoints::every(64 << 10);
    s.fetch_again(&mut CountingFile::new(&bytes), &[19_990], &mut points);
    let before = points.len();
    let mut warm = CountingFile::new(&bytes);
    let got = s.fetch_again(&mut warm, &[18_999, 19_000], &mut points);
    assert_eq!(got.len(), 1);
    assert!(warm.read < bytes.len() as u64 / 3, "read {} of {} (points {before} -> {})", warm.read, bytes.len(), points.len());
}

/// A control byte within 1 KiB after a checkpoint's record (a broken line, a record error read
/// from the start) is no "binary data" to a resumed read, which is not checked again: it still
/// starts from a checkpoint.
#[test]
fn control_byte_after_a_checkpoint() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&record(i, 300));
        text.push('\n');
        if i >= 10 {
            text.push_str("\u{1}\n");
        }
    }
    let bytes = gz(text.as_bytes());
    let s = scanner();
    let mut points = Checkpoints::every(64 << 10);
    s.fetch_again(&mut CountingFile::new(&bytes), &[20_000], &mut points);
    let mut warm = CountingFile::new(&bytes);
    let got = s.fetch_again(&mut warm, &[19_000], &mut points);
    assert_eq!(got, s.fetch(Source::bytes(&bytes), &[19_000]));
    assert!(warm.read < bytes.len() as u64 / 2, "read {} of {} ({} points)", warm.read, bytes.len(), points.len());
}

/// Checkpoints kept under one scanner's limits read with a scanner with a smaller inflate limit.
#[test]
fn smaller_inflate_limit_after_checkpoints() {
    let bytes = big_lines(&format!("{}\n", record(0, 300)), 4000);
    let mut points = Checkpoints::every(64 << 10);
    scanner().fetch_again(&mut Cursor::new(&bytes[..]), &[3999], &mut points);
    let small = Scanner::new([]).with_limits(Limits { max_record_bytes: LIMIT, max_inflated_bytes: 100_000 });
    let expected = small.fetch(Source::bytes(&bytes), &[3990]);
    let got = small.fetch_again(&mut Cursor::new(&bytes[..]), &[3990], &mut points);
    assert_eq!(got, expected);
}

/// A JSON Lines file whose record 0 is a raw line (opening ``) and a later line is a compact
/// delivery longer than the record limit: its records are streamed raw, so checkpoints fall inside
/// it; resumed there, `` + `a5,a6,...]}` is read as lines, not as the delivery's elements.
#[test]
fn checkpoint_inside_a_long_delivery_line() {
    let long: Vec<String> = (0..10).map(|n| record(100 + n, 600)).collect();
    let text = format!("{}\n{{\"Records\":[{}]}}\n{}\n{}\n", record(0, 10), long.join(","), record(200, 10), record(201, 10));
    assert!(text.lines().nth(1).unwrap().len() > LIMIT);
    let mut bad = Vec::new();
    for every in (16..text.len() as u64).step_by(37) {
        for wanted in 0..14usize {
            if let Err(e) = check(text.as_bytes(), every, &[&[13], &[wanted]]) {
                bad.push(format!("every {every}: {e}"));
            }
        }
    }
    assert!(bad.is_empty(), "{} failures, e.g.\n{}", bad.len(), bad[..bad.len().min(3)].join("\n"));
}

use proptest::prelude::*;
proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Several members, then cut short or extended by a few bytes.
    #[test]
    fn members_cut_or_extended(
        n in 1usize..40,
        cuts in prop::collection::vec(any::<usize>(), 0..4),
        cut in prop::option::of(any::<prop::sample::Index>()),
        extra in prop::collection::vec(any::<u8>(), 0..12),
        every in 16u64..800,
        reads in prop::collection::vec(prop::collection::btree_set(0usize..45, 1..4), 1..4),
    ) {
        let text = format!("{{\"Records\":[\n{}\n]}}", (0..n).map(|i| record(i, i * 7 % 90)).collect::<Vec<_>>().join(",\n"));
        let text = text.as_bytes();
        let mut ends: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
        ends.sort_unstable();
        ends.push(text.len());
        let mut bytes = Vec::new();
        let mut at = 0;
        for end in ends { bytes.extend(gz(&text[at..end])); at = end; }
        if let Some(cut) = cut { bytes.truncate(cut.index(bytes.len() + 1)); }
        bytes.extend_from_slice(&extra);
        let reads: Vec<Vec<usize>> = reads.into_iter().map(|r| r.into_iter().collect()).collect();
        let reads: Vec<&[usize]> = reads.iter().map(|r| &r[..]).collect();
        prop_assert_eq!(check(&bytes, every, &reads), Ok(()));
    }
}

/// A file handed over not at its start (no checkpoint yet): the magic is read where it stands.
#[test]
fn file_not_at_its_start() {
    let text = format!("[{}]", record(0, 10));
    let bytes = gz(text.as_bytes());
    let s = scanner();
    let mut file = Cursor::new(&bytes[..]);
    file.seek(SeekFrom::Start(5)).unwrap();
    let got = s.fetch_again(&mut file, &[0], &mut Checkpoints::every(16));
    assert_eq!(got, s.fetch(Source::bytes(&bytes), &[0]));
}

#[test]
fn shrunk_members_case() {
    let n = 31;
    let text = format!("{{\"Records\":[\n{}\n]}}", (0..n).map(|i| record(i, i * 7 % 90)).collect::<Vec<_>>().join(",\n"));
    let text = text.as_bytes();
    let c = 11426834456123859286usize % (text.len() + 1);
    let (m1, m2) = (gz(&text[..c]), gz(&text[c..]));
    let whole = [m1.clone(), m2.clone()].concat();
    eprintln!("text {} split {c}; member1 {} member2 {}", text.len(), m1.len(), m2.len());
    for cut in 0..=whole.len() {
        let mut bytes = whole[..cut].to_vec();
        bytes.extend_from_slice(&[0u8; 64]);
        if let Err(e) = check(&bytes, 16, &[&[20]]) {
            eprintln!("cut {cut}: {}", &e[..e.len().min(200)]);
        }
    }
}
