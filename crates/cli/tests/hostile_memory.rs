//! A gzip bomb stops at the inflate limit without using the memory first: measured in the engine
//! with a counting allocator, and in the CLI under an address-space limit it could not stay within
//! if it inflated first and checked later. Files are read a slice at a time, so the memory does
//! not grow with the limit either.
//!
//! A file that raises many alerts: scanned with each alert turned into what the caller keeps as it
//! is raised (the CLI keeps its text), the alerts' documents are never all held at once.
//!
//! Its own test binary: the allocator counts every allocation in the process, so the tests here
//! take turns.

use trailhound_testkit::Serial;
use trailhound_testkit::hostile as corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use trailhound_engine::input::{FileStatus, Limits, SLICE};
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::{FnSink, Scanner, Source};

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static MEASURING: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Taken by each test for its whole run, so that no other test's allocations land in its
/// measurement.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    MEASURING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The most bytes allocated at once while `f` runs, above what was live before (hold [`alone`]).
fn peak_during(f: impl FnOnce()) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    f();
    PEAK.load(Ordering::Relaxed) - before
}

const MIB: usize = 1 << 20;

#[test]
fn the_scanner_stops_a_gzip_bomb_at_the_limit_in_a_window_of_a_slice() {
    let _alone = alone();
    let bomb = corpus::corpus().case.into_iter().find(|c| c.generate.as_deref() == Some("gzip_bomb")).expect("the bomb case");
    let bytes = bomb.bytes();
    assert!(bytes.len() < 10 * MIB, "{} bytes on disk", bytes.len());
    let rules = RuleSet::builtin();
    for limit in [MIB, 32 * MIB, 128 * MIB] {
        let mut report = None;
        // The compiled rules are the scanner's, not the window's: made before the measurement.
        let mut scanner = Serial::new(
            Scanner::new(rules.enabled().cloned()).with_limits(Limits { max_inflated_bytes: limit as u64, ..Limits::default() }),
        );
        let peak = peak_during(|| {
            report = Some(scanner.scan_file("bomb.json.gz", &bytes, &mut Vec::new()));
        });
        let report = report.expect("scanned");
        match &report.read.status {
            FileStatus::Failed(e) => {
                assert_eq!(e.reason, format!("gzip stream inflates to more than the limit of {limit} bytes; stopped there"))
            }
            other => panic!("expected the limit to stop the bomb, got {other:?}"),
        }
        // The text is read a slice at a time and the blanks are dropped as they are passed: the
        // window holds at most a slice or so, whatever the limit.
        assert!(peak <= 2 * SLICE + MIB, "limit {limit}: peak {peak} bytes ({} MiB)", peak / MIB);
        assert_eq!((report.records, report.scanned, report.record_errors), (0, 0, 0));
    }
}

/// `trailhound scan EXTRA PATH` inside a 512 MiB address space (`ulimit -v`).
#[cfg(target_os = "linux")]
fn scan_in_small_address_space(extra: &str, path: &std::path::Path) -> std::process::Output {
    let script = format!("ulimit -v {}; exec \"$0\" scan {extra} \"$1\"", 512 * 1024);
    std::process::Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_trailhound"), path.to_str().unwrap()])
        .output()
        .expect("sh runs")
}

/// The CLI scans the 8 GiB bomb with `--max-inflated-bytes 32 MiB` inside a 512 MiB address space
/// (`ulimit -v`), next to a good file that is still scanned. With the default 4 GiB limit, the
/// same run streams 4 GiB through that address space and stops at the default limit.
#[cfg(target_os = "linux")]
#[test]
fn the_cli_stops_a_gzip_bomb_inside_a_small_address_space() {
    // Not measured, but its own allocations must not land in the other tests' measurements.
    let _alone = alone();
    let dir = std::env::temp_dir().join(format!("trailhound-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bomb = corpus::corpus().case.into_iter().find(|c| c.generate.as_deref() == Some("gzip_bomb")).expect("the bomb case");
    let path = bomb.write_to(&dir);
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/inputs/digest.json"), dir.join("digest.json")).unwrap();
    let run = |extra: &str| scan_in_small_address_space(extra, &dir);
    let bounded = run(&format!("--max-inflated-bytes {}", 32 * MIB));
    let stderr = String::from_utf8_lossy(&bounded.stderr);
    assert_eq!(bounded.status.code(), Some(1), "{stderr}");
    let line = format!(
        "error: {}: line 1, byte {}: gzip stream inflates to more than the limit of {} bytes; stopped there",
        path.display(),
        32 * MIB,
        32 * MIB
    );
    assert!(stderr.lines().any(|l| l == line), "expected `{line}` in:\n{stderr}");
    assert!(stderr.contains("files: 0 scanned, 1 skipped, 1 failed"), "the other file is still read:\n{stderr}");

    let default = run("");
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&default.stderr);
    assert_eq!(default.status.code(), Some(1), "{stderr}");
    let limit = 4u64 << 30;
    let line = format!(
        "error: {}: line 1, byte {limit}: gzip stream inflates to more than the limit of {limit} bytes; stopped there",
        path.display()
    );
    assert!(stderr.lines().any(|l| l == line), "expected `{line}` in:\n{stderr}");
}

/// Every case that plants a value longer than a record may be, and the array of a million tiny
/// records: scanned (both stages) through a window that the record limit bounds, never the value.
#[test]
fn a_record_longer_than_the_limit_is_passed_over_without_being_held() {
    let _alone = alone();
    let rules = RuleSet::builtin();
    let limits = Limits { max_inflated_bytes: 32 << 20, ..Limits::default() };
    let huge = ["huge_string_gz", "huge_key", "huge_number", "tiny_records", "huge_line", "huge_csv_row", "long_line_record"];
    for case in corpus::corpus().case.into_iter().filter(|c| c.generate.as_deref().is_some_and(|g| huge.contains(&g))) {
        let bytes = case.bytes();
        let mut serial = Serial::new(Scanner::new(rules.enabled().cloned()).with_limits(limits));
        let mut report = None;
        let peak = peak_during(|| {
            let mut alerts = Vec::new();
            report = Some(serial.scan_file(&case.file, &bytes, &mut alerts));
            alerts.extend(serial.decide().0);
        });
        let report = report.expect("scanned");
        assert_eq!((report.records, report.record_errors), (case.records, case.errors), "{}", case.file);
        // Read from a stream, as the CLI reads a file, a slice at a time.
        let scanner = Scanner::new(rules.enabled().cloned()).with_limits(limits);
        let mut buffer = Vec::new();
        let streamed = peak_during(|| {
            let scan = scanner.scan(&case.file, Source::reader(&mut bytes.as_slice(), None).buffer(&mut buffer), &mut Vec::new());
            assert_eq!(scan.report.records, case.records, "{}", case.file);
        });
        eprintln!("{}: {} bytes, peak {} KiB from memory, {} KiB streamed", case.file, bytes.len(), peak >> 10, streamed >> 10);
        // The window grows to a little past the limit while the record is tried, then slides.
        for peak in [peak, streamed] {
            assert!(peak <= 3 * limits.max_record_bytes + 2 * SLICE, "{}: peak {} MiB", case.file, peak / MIB);
        }
    }
}

/// The planted record as an attacker would leave it, at a scale no window could hold: a 1 MB
/// `.json.gz` whose one S3 delivery has a record with a 1 GiB string between two good records. The
/// CLI scans it inside a 512 MiB address space: the record is a record error at its start, and
/// both good records raise their alerts.
#[cfg(target_os = "linux")]
#[test]
fn the_cli_passes_over_a_gigabyte_record_inside_a_small_address_space() {
    let _alone = alone();
    let dir = std::env::temp_dir().join(format!("trailhound-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes =
        corpus::gzip(format!("{{\"Records\":[{},\n{{\"eventVersion\":\"1.08\",\"x\":\"", corpus::alerting_record(1)).as_bytes());
    let member = corpus::gzip(&vec![b'A'; MIB]);
    for _ in 0..1024 {
        bytes.extend_from_slice(&member);
    }
    bytes.extend(corpus::gzip(format!("\"}},\n{}]}}\n", corpus::alerting_record(2)).as_bytes()));
    assert!(bytes.len() < 2 * MIB, "{} bytes on disk", bytes.len());
    let path = dir.join("planted.json.gz");
    std::fs::write(&path, &bytes).unwrap();
    let out = scan_in_small_address_space(&format!("--format ndjson --max-inflated-bytes {}", 2u64 << 30), &path);
    std::fs::remove_dir_all(&dir).ok();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = format!(
        "record error: {}: record 1: line 2, byte 609: record is longer than the limit of 2097152 bytes a record may take; skipped without reading it",
        path.display()
    );
    assert!(stderr.lines().any(|l| l == line), "expected `{line}` in:\n{stderr}");
    assert!(stderr.contains("records: 3 (2 scanned, 1 errors)"), "{stderr}");
    let alerts = String::from_utf8_lossy(&out.stdout);
    for id in ["h0000000-0000-4000-8000-000000000901", "h0000000-0000-4000-8000-000000000902"] {
        assert!(alerts.contains(id), "the good record {id} alerts:\n{stderr}");
    }
}

/// One S3 delivery of `n` records, every one a successful `DeleteBucketPolicy` (an alert each).
fn alerting_delivery(n: usize) -> Vec<u8> {
    let records: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDA{i:016}","arn":"arn:aws:iam::123456789012:user/u{i}","accountId":"123456789012","accessKeyId":"AKIA{i:016}","userName":"u{i}"}},"eventTime":"2026-11-30T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.{}","userAgent":"aws-cli/2.17","requestParameters":{{"bucketName":"bucket-{i}","Host":"bucket-{i}.s3.eu-west-1.amazonaws.com","policy":""}},"responseElements":null,"requestID":"R{i:016}","eventID":"00000000-0000-0000-0000-{i:012}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}}"#,
                i % 250
            )
        })
        .collect();
    format!(r#"{{"Records":[{}]}}"#, records.join(",")).into_bytes()
}

#[test]
fn alerts_turned_into_what_is_kept_as_they_are_raised_do_not_pile_up() {
    const ALERTS: usize = 4_000;
    let _alone = alone();
    let file = alerting_delivery(ALERTS);
    let rules = RuleSet::builtin();
    let scanner = Scanner::new(rules.enabled().cloned());
    let mut scan = None;
    let mut buffer = Vec::new();
    let keeping_ids = peak_during(|| {
        let mut kept = Vec::new();
        let mut sink = FnSink(|alert: trailhound_engine::alert::Alert, key| kept.push((alert.event.event_id.map(|id| id.len()), key)));
        let report = scanner.scan("many.json", Source::reader(&mut file.as_slice(), None).buffer(&mut buffer), &mut sink).report;
        scan = Some((report, kept));
    });
    let (report, kept) = scan.expect("scanned");
    assert_eq!((report.scanned, kept.len()), (ALERTS, ALERTS));
    assert!(kept.iter().all(|(id, key)| *id == Some(36) && key.is_some()));
    // The file's window and what was kept; no alert documents (tens of KB each).
    assert!(keeping_ids <= 2 * SLICE + 2 * MIB, "peak {} MiB", keeping_ids / MIB);

    let mut buffer = Vec::new();
    let keeping_alerts = peak_during(|| {
        let mut alerts = Vec::new();
        scanner.scan("many.json", Source::reader(&mut file.as_slice(), None).buffer(&mut buffer), &mut alerts);
        assert_eq!(alerts.len(), ALERTS);
    });
    assert!(keeping_alerts > 10 * keeping_ids, "alerts kept whole: {keeping_alerts} bytes; ids: {keeping_ids}");
}
