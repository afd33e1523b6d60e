//! The built-in rules stay quiet on benign traffic. Alerts per rule are measured on the benchmark
//! corpus's synthetic mix and on the fixtures' real records outside the Stratus detonations, and
//! must be exactly what `tests/fixtures/precision.toml` records, each count with why: a rule that
//! grows noisier fails here, and one that grows quieter asks for its line to be updated.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use trailhound_engine::RuleSet;
use trailhound_engine::scan::Scanner;
use trailhound_testkit::{ROOT, alerts_of, corpus, rule_stem};

/// Files of 1,000 records the corpus measurement scans (seed 1).
const CORPUS_FILES: usize = 10;

/// The fixture folders of real CloudTrail records outside the detonations.
const FIXTURES: &[&str] = &["tests/fixtures/elastic-pipeline", "tests/fixtures/traildiscover", "tests/fixtures/mixed"];

#[derive(Deserialize)]
struct Budgets {
    corpus: BTreeMap<String, Budget>,
    fixtures: BTreeMap<String, Budget>,
}

#[derive(Deserialize)]
struct Budget {
    alerts: usize,
    why: String,
}

/// Every file under `dir`, in name order.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("a fixture folder").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() { files(&path, out) } else { out.push(path) }
    }
}

/// Alerts per rule file stem over `inputs` (name, bytes), scanned in order through both stages.
fn alerts_per_rule(set: &RuleSet, inputs: impl IntoIterator<Item = (String, Vec<u8>)>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for alert in alerts_of(Scanner::new(set.rules.clone()), inputs) {
        let rule = set.rules.iter().find(|r| r.rule_id == alert.rule.rule_id).expect("an alert's rule is loaded");
        *counts.entry(rule_stem(rule).to_string()).or_default() += 1;
    }
    counts
}

/// The measured counts against the budgets, as lines naming each difference.
fn differences(label: &str, measured: &BTreeMap<String, usize>, budgets: &BTreeMap<String, Budget>) -> Vec<String> {
    let mut out = Vec::new();
    for (rule, &n) in measured {
        match budgets.get(rule) {
            Some(budget) if budget.alerts == n => {}
            Some(budget) => out.push(format!("{label}: {rule} raised {n} alerts, the budget says {} ({})", budget.alerts, budget.why)),
            None => out.push(format!("{label}: {rule} raised {n} alerts, the budget says none")),
        }
    }
    for (rule, budget) in budgets {
        if budget.why.trim().is_empty() {
            out.push(format!("{label}: {rule}'s budget gives no reason"));
        }
        if !measured.contains_key(rule) {
            out.push(format!("{label}: {rule} raised no alert, the budget says {}", budget.alerts));
        }
    }
    out
}

#[test]
fn every_built_in_rule_raises_only_its_budgeted_alerts_on_benign_traffic() {
    let text = std::fs::read_to_string(format!("{ROOT}/tests/fixtures/precision.toml")).expect("precision.toml is readable");
    let budgets: Budgets = toml::from_str(&text).expect("precision.toml parses");
    let set = RuleSet::builtin();

    let mut generator = corpus::Generator::new(1);
    let corpus = alerts_per_rule(&set, (0..CORPUS_FILES).map(|i| (format!("corpus-{i}.json"), generator.file(1000).json)));
    let mut paths = Vec::new();
    for dir in FIXTURES {
        files(&Path::new(ROOT).join(dir), &mut paths);
    }
    let fixtures = alerts_per_rule(&set, paths.iter().map(|p| (p.display().to_string(), std::fs::read(p).expect("a fixture file"))));

    let mut failures = differences("corpus", &corpus, &budgets.corpus);
    failures.extend(differences("fixtures", &fixtures, &budgets.fixtures));
    let table = |m: &BTreeMap<String, usize>| m.iter().map(|(r, n)| format!("{r} = {n}")).collect::<Vec<_>>().join("\n");
    assert!(
        failures.is_empty(),
        "{}\n\nmeasured on the corpus:\n{}\n\nmeasured on the fixtures:\n{}",
        failures.join("\n"),
        table(&corpus),
        table(&fixtures)
    );
}
