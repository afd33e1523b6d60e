//! Benchmark of the CloudTrail → ECS mapping (`trailhound_engine::ecs::to_ecs`, default options) over every
//! record of the ECS test fixtures (Elastic's pipeline pairs, stratus, traildiscover): records/s,
//! without and with GeoIP databases; and what the user-agent database costs: reading it and
//! parsing a first string (which compiles every pattern it tries), then a string not seen before,
//! then a cached one.

use trailhound_testkit::pairs as ecs_common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;
use std::sync::Arc;
use trailhound_engine::ecs::{MapOptions, to_ecs};
use trailhound_engine::enrich::GeoIp;
use trailhound_engine::enrich::user_agent::{self, Database, REGEXES};

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
    let geoip = MapOptions { geoip: Some(test_databases()), ..MapOptions::default() };
    group.bench_function("to_ecs_fixtures_geoip", |b| {
        b.iter(|| {
            for r in &records {
                black_box(to_ecs(black_box(r), &geoip));
            }
        })
    });
    group.finish();
    let mut group = c.benchmark_group("user_agent");
    group.sample_size(10);
    let ua = "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#x86_64 lang/python#3.12.6";
    group.bench_function("database_then_first_parse", |b| {
        b.iter(|| {
            let db = Database::vendored();
            black_box(db.parse(black_box(ua)))
        })
    });
    group.bench_function("yaml_database_then_first_parse", |b| {
        b.iter(|| {
            let db = Database::from_yaml(black_box(REGEXES)).expect("the vendored database");
            black_box(db.parse(ua))
        })
    });
    let mut n = 0u64;
    group.bench_function("distinct_parse", |b| {
        b.iter(|| {
            n += 1;
            black_box(user_agent::database().parse(&format!("{ua} md/command#s3.ls-{n}")))
        })
    });
    group.bench_function("cached_parse", |b| b.iter(|| black_box(user_agent::parse(black_box(ua)))));
    group.finish();
}

/// MaxMind's City and ASN test databases.
fn test_databases() -> Arc<GeoIp> {
    let mut geoip = GeoIp::default();
    for name in ["GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb"] {
        let bytes = std::fs::read(format!("{}/tests/fixtures/geoip/{name}", env!("CARGO_MANIFEST_DIR"))).expect("test database");
        geoip.add(trailhound_engine::enrich::Database::from_bytes(name, bytes).expect("a MaxMind DB"));
    }
    Arc::new(geoip)
}

criterion_group!(benches, ecs_map);
criterion_main!(benches);
