//! Elastic's own pipeline test pairs (aws 8.9.0, `tests/fixtures/elastic-pipeline/`): every line of
//! `X.log`, mapped with the test's configuration, must give `X.log-expected.json` field for field,
//! the enrichments included (`user_agent.*` from the vendored regexes, `source.geo.*` and
//! `source.as.*` from MaxMind's test databases in `tests/fixtures/geoip/`, the ones Elastic's
//! tests ran with), except the shipper- and harness-set fields listed in [`skipped`].

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use trailhound_engine::ecs::{MapOptions, Retain, to_ecs_line};
use trailhound_engine::enrich::{Database, GeoIp};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/elastic-pipeline");
const GEOIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geoip");

/// Fields the shipper or the test harness sets, not the pipeline: ingest/shipper times, the ECS
/// version stamp and the test configuration's tags.
fn skipped(field: &str, blank_line: bool) -> bool {
    field == "event.created"
        || field == "event.ingested"
        || field == "ecs.version"
        || field == "tags"
        || (blank_line && field == "@timestamp")
}

/// The City and ASN test databases, as Elastic's pipeline tests have them.
fn test_databases() -> Arc<GeoIp> {
    let mut geoip = GeoIp::default();
    for name in ["GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb"] {
        let bytes = std::fs::read(format!("{GEOIP}/{name}")).expect("test database");
        geoip.add(Database::from_bytes(name, bytes).expect("a MaxMind DB"));
    }
    Arc::new(geoip)
}

/// Fields that differ for a documented reason: (file, field, why). Empty: everything agrees.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Dotted leaves of a document; arrays are leaves compared whole.
fn flatten(v: &Value) -> BTreeMap<String, Value> {
    fn walk(v: &Value, prefix: &str, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(x, &p, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(v, "", &mut out);
    out
}

fn retain_of(log: &Path) -> Retain {
    let config = PathBuf::from(format!("{}-config.yml", log.display()));
    let Ok(text) = std::fs::read_to_string(config) else {
        return Retain::All;
    };
    text.lines().filter_map(|l| l.trim().strip_prefix("retain:")).find_map(|v| Retain::parse(v.trim())).unwrap_or(Retain::All)
}

/// The documents elastic-package sends for a `.log`: one a line, a final empty line included.
fn lines(text: &str) -> Vec<&str> {
    text.strip_suffix('\n').unwrap_or(text).split('\n').collect()
}

#[test]
fn elastic_pipeline_pairs_agree_field_for_field() {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(DIR)
        .expect("fixtures dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    logs.sort();
    assert_eq!(logs.len(), 40, "the 40 pipeline tests of aws 8.9.0");
    let (mut fields_eq, mut fields_all, mut docs_eq, mut docs_all) = (0usize, 0usize, 0usize, 0usize);
    // How many expected documents hold each enrichment beyond `user_agent.original` (all compared).
    let mut enriched: BTreeMap<&str, usize> = ["user_agent.", "source.geo.", "source.as."].into_iter().map(|p| (p, 0)).collect();
    let mut failures: Vec<String> = Vec::new();
    for log in &logs {
        let name = log.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let text = std::fs::read_to_string(log).expect("log");
        let expected_text = std::fs::read_to_string(format!("{}-expected.json", log.display())).expect("expected");
        let expected: Value = serde_json::from_str(&expected_text).expect("expected json");
        let expected = expected["expected"].as_array().cloned().unwrap_or_default();
        let inputs = lines(&text);
        assert_eq!(inputs.len(), expected.len(), "{name}: one expected document a line");
        let opts = MapOptions { geoip: Some(test_databases()), ..MapOptions::elastic_test(retain_of(log)) };
        let (mut f_eq, mut f_all, mut d_eq) = (0, 0, 0);
        for (i, (line, want)) in inputs.iter().zip(&expected).enumerate() {
            let blank = line.trim().is_empty();
            let got = flatten(&to_ecs_line(line, &opts));
            let want = flatten(want);
            for (prefix, n) in enriched.iter_mut() {
                *n += usize::from(want.keys().any(|k| k.starts_with(prefix) && k != "user_agent.original"));
            }
            let mut keys: Vec<&String> = got.keys().chain(want.keys()).collect();
            keys.sort();
            keys.dedup();
            let mut doc_ok = true;
            for k in keys {
                if skipped(k, blank) {
                    continue;
                }
                f_all += 1;
                let (g, w) = (got.get(k), want.get(k));
                let excepted = EXCEPTIONS.iter().any(|(f, field, _)| *f == name && field == k);
                if g == w || excepted {
                    f_eq += 1;
                } else {
                    doc_ok = false;
                    failures.push(format!("{name}[{i}] {k}: got {} want {}", show(g), show(w)));
                }
            }
            if doc_ok {
                d_eq += 1;
            }
        }
        println!("{name}: fields {f_eq}/{f_all}, documents {d_eq}/{}", expected.len());
        fields_eq += f_eq;
        fields_all += f_all;
        docs_eq += d_eq;
        docs_all += expected.len();
    }
    println!("TOTAL: fields {fields_eq}/{fields_all}, documents {docs_eq}/{docs_all}");
    for (prefix, at_least) in [("user_agent.", 45), ("source.geo.", 32), ("source.as.", 30)] {
        println!("{prefix}*: on {} of the expected documents", enriched[prefix]);
        assert!(enriched[prefix] >= at_least, "{prefix}* is expected on {at_least} documents, compared on {}", enriched[prefix]);
    }
    for f in &failures {
        println!("DIFF {f}");
    }
    assert!(failures.is_empty(), "{} fields differ (see DIFF lines)", failures.len());
    assert_eq!(docs_eq, docs_all);
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "<absent>".to_string(), |v| v.to_string())
}
