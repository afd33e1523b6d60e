//! The engine's stages on the deterministic corpus, as throughput of plain JSON bytes so the
//! figures compare: the serde_json validation floor, reading records, scanning with the seed rule
//! and with fifty rules (alerts kept whole), scanning with each alert
//! rendered as NDJSON as it is raised (as the CLI does), inflating gzip, and scanning gzip.
//!
//! `cargo bench --bench engine` (criterion; reports under target/criterion).

use trailhound_testkit::Serial;
use trailhound_testkit::corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use std::hint::black_box;
use std::io::Read;
use trailhound_engine::input::read_file;
use trailhound_engine::output::{self, Format};
use trailhound_engine::rules::{RuleSet, load_text};
use trailhound_engine::scan::{FnSink, Merge, Scanner, Source};

/// Files of 1,000 records, as CloudTrail delivers them (about 12 MB in all).
const FILES: usize = 10;

fn stages(c: &mut Criterion) {
    let mut generator = corpus::Generator::new(1);
    let files: Vec<Vec<u8>> = (0..FILES).map(|_| generator.file(1000).json).collect();
    let gzipped: Vec<Vec<u8>> = files.iter().map(|f| corpus::gzip(f)).collect();
    let plain_bytes: usize = files.iter().map(Vec::len).sum();

    let seed = trailhound_testkit::seed_rule();
    let pack = RuleSet::builtin();
    let mut fifty = trailhound_testkit::seed_rule();
    for (name, text) in corpus::synthetic_rules(49) {
        fifty.add(load_text(&name, &text));
    }
    assert_eq!(fifty.enabled().count(), 50, "the synthetic rules load");

    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(plain_bytes as u64));
    group.sample_size(20);
    group.bench_function("validate_serde_json", |b| {
        b.iter(|| files.iter().for_each(|f| drop(black_box(serde_json::from_slice::<IgnoredAny>(f)))))
    });
    group.bench_function("read_records", |b| {
        b.iter(|| {
            let mut n = 0;
            files.iter().for_each(|f| drop(read_file(f, &mut |_| n += 1)));
            black_box(n)
        })
    });
    for (name, rules) in [("scan_seed_rule", &seed), ("scan_50_rules", &fifty), ("scan_builtin_pack", &pack)] {
        group.bench_function(name, |b| b.iter(|| scan(rules, &files)));
    }
    group.bench_function("scan_seed_rule_rendered", |b| b.iter(|| scan_rendered(&seed, &files)));
    group.bench_function("inflate_gzip", |b| {
        b.iter(|| black_box(gzipped.iter().map(|f| trailhound_engine::input::inflate(f, u64::MAX).expect("inflates").len()).sum::<usize>()))
    });
    group.bench_function("inflate_gzip_streamed", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            for f in &gzipped {
                out.clear();
                flate2::read::MultiGzDecoder::new(&f[..]).read_to_end(&mut out).expect("inflates");
            }
            black_box(out.len())
        })
    });
    group.bench_function("scan_gzip_seed_rule", |b| b.iter(|| scan(&seed, &gzipped)));
    group.finish();
}

/// Scans the files one after another; returns the number of alerts.
fn scan(rules: &RuleSet, files: &[Vec<u8>]) -> usize {
    let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()));
    let mut alerts = Vec::new();
    for (i, f) in files.iter().enumerate() {
        scanner.scan_file(&format!("file-{i}.json"), f, &mut alerts);
    }
    black_box(alerts.len())
}

/// Scans the files as the CLI does: read a slice at a time, each alert rendered as an NDJSON line
/// as it is raised and only its text kept; returns the bytes of alert text.
fn scan_rendered(rules: &RuleSet, files: &[Vec<u8>]) -> usize {
    let scanner = Scanner::new(rules.enabled().cloned());
    let (mut merge, mut buffer) = (Merge::new(), Vec::new());
    for (i, f) in files.iter().enumerate() {
        let name = format!("file-{i}.json");
        let mut raised = Vec::new();
        let mut sink =
            FnSink(|alert, key| raised.push((output::render(Format::Ndjson, &alert, "2026-11-30T00:00:00.000Z").expect("renders"), key)));
        let scan = scanner.scan(&name, Source::reader(&mut f.as_slice(), Some(f.len() as u64)).buffer(&mut buffer), &mut sink);
        merge.push(i, scan, raised);
    }
    let kept = merge.settle(usize::MAX).0.into_iter().flat_map(|s| s.alerts);
    black_box(kept.map(|r| if let output::Rendered::Text(t) = r { t.len() } else { 0 }).sum())
}

criterion_group!(benches, stages);
criterion_main!(benches);
