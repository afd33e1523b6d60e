//! Benchmark of the CloudTrail → ECS mapping (`trailhound_engine::ecs::to_ecs`, default options) over every
//! record of the ECS test fixtures (Elastic's pipeline pairs, stratus, traildiscover): records/s.

use trailhound_testkit::pairs as ecs_common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use trailhound_engine::ecs::{MapOptions, to_ecs};

fn ecs_map(c: &mut Criterion) {
    let records: Vec<Value> = ecs_common::all_records().into_iter().map(|(_, r)| r).collect();
    let opts = MapOptions::default();
    let mut group = c.benchmark_group("ecs_map");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("to_ecs_fixtures", |b| {
        b.iter(|| {
            for r in &records {
                black_box(to_ecs(black_box(r), &opts));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, ecs_map);
criterion_main!(benches);
