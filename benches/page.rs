//! The page's side of the worker's alert messages: reading a part of 100 alerts with their
//! documents kept as text (what the page holds: the whole message, as `FromWorker::decode` reads
//! it) against reading the same alerts as JSON trees (what it held before: the list alone, so the
//! comparison favours trees). The page does this on its UI thread for every alert of a scan.
//!
//! `cargo bench --bench page` (criterion; reports under target/criterion).

// The corpus generator; this benchmark needs no synthetic rules.
#[allow(unused_imports)]
use trailhound_testkit::Serial;
use trailhound_testkit::corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use trailhound_app::messages::FromWorker;
use trailhound_engine::alert::{Alert, TextAlert};
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::Scanner;

/// Alerts a worker message carries.
const PART: usize = 100;

fn alert_parts(c: &mut Criterion) {
    let mut generator = corpus::Generator::new(1);
    let rules = RuleSet::builtin();
    let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()));
    let mut alerts = Vec::new();
    while alerts.len() < PART {
        scanner.scan_file("file.json", &generator.file(1000).json, &mut alerts);
    }
    alerts.truncate(PART);
    let texts: Vec<TextAlert> = alerts.iter().cloned().map(Alert::into_text).collect();
    let wire = FromWorker::Alerts { id: 0, alerts: texts, keys: vec![None; PART] }.encode().expect("encodes");
    let trees = serde_json::to_vec(&alerts).expect("prints");

    let mut group = c.benchmark_group("page");
    group.throughput(Throughput::Bytes(wire.json.len() as u64));
    group.bench_function("alert_part_as_text", |b| {
        b.iter(|| black_box(FromWorker::decode(&wire.json, &wire.ids, &wire.rows).expect("reads")))
    });
    group.bench_function("alert_part_as_trees", |b| b.iter(|| black_box(serde_json::from_slice::<Vec<Alert>>(&trees).expect("reads"))));
    group.finish();
}

criterion_group!(benches, alert_parts);
criterion_main!(benches);
