//! Fixture loading shared by the ECS tests: every record of the elastic, stratus and traildiscover
//! fixtures, with the file it came from.

use serde_json::Value;
use std::path::PathBuf;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures");

fn files(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(format!("{FIXTURES}/{dir}"))
        .expect("fixture dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

/// (source file name, record) for every record of the three fixture folders.
pub fn all_records() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for p in files("elastic-pipeline", ".log") {
        let text = std::fs::read_to_string(&p).expect("log");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            out.push((name(&p), serde_json::from_str(line).expect("record")));
        }
    }
    for dir in ["stratus", "traildiscover"] {
        for p in files(dir, ".json").into_iter().chain(files(dir, ".json.cloudtrail")) {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).expect("file")).expect("json");
            match v {
                Value::Array(items) => out.extend(items.into_iter().map(|r| (name(&p), r))),
                other => out.push((name(&p), other)),
            }
        }
    }
    out
}

fn name(p: &std::path::Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
