//! Every Stratus Red Team AWS technique raises the built-in rules `tests/fixtures/stratus/coverage.toml`
//! names for it: a detonation log through both stages of the scan, a technique without one through
//! its rules' own examples. The README's coverage table is made from the same file.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use trailhound_engine::RuleSet;
use trailhound_engine::scan::Scanner;
use trailhound_testkit::{ROOT, alerts_of, rule_stem};

#[derive(Deserialize)]
struct Coverage {
    technique: Vec<Technique>,
}

#[derive(Deserialize)]
struct Technique {
    id: String,
    #[serde(default = "yes")]
    detonation: bool,
    rules: Vec<String>,
}

fn yes() -> bool {
    true
}

fn coverage() -> Vec<Technique> {
    let text = std::fs::read_to_string(format!("{ROOT}/tests/fixtures/stratus/coverage.toml")).expect("coverage.toml is readable");
    toml::from_str::<Coverage>(&text).expect("coverage.toml parses").technique
}

/// The built-in rule coverage.toml lists as `stem`.
fn listed<'s>(set: &'s RuleSet, stem: &str) -> &'s trailhound_engine::Rule {
    set.rules.iter().find(|r| rule_stem(r) == stem).expect("listed rules are built in")
}

#[test]
fn every_detonation_file_is_listed_and_every_listed_rule_is_built_in() {
    let techniques = coverage();
    let listed: BTreeSet<&str> = techniques.iter().filter(|t| t.detonation).map(|t| t.id.as_str()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(format!("{ROOT}/tests/fixtures/stratus"))
        .expect("the stratus fixtures are readable")
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_string))
        .collect();
    assert_eq!(listed, on_disk.iter().map(String::as_str).collect(), "coverage.toml lists exactly the detonation files");
    let set = RuleSet::builtin();
    let built_in: BTreeSet<&str> = set.rules.iter().map(rule_stem).collect();
    for technique in &techniques {
        assert!(!technique.rules.is_empty(), "{} names no rule", technique.id);
        for rule in &technique.rules {
            assert!(built_in.contains(rule.as_str()), "{}: no built-in rule {rule}", technique.id);
        }
    }
}

#[test]
fn every_detonation_raises_its_techniques_rules() {
    let set = RuleSet::builtin();
    let mut missing = Vec::new();
    let mut raised_total = 0;
    for technique in coverage().into_iter().filter(|t| t.detonation) {
        let path = format!("{ROOT}/tests/fixtures/stratus/{}.json", technique.id);
        let bytes = std::fs::read(&path).expect("a detonation file is readable");
        let raised: BTreeSet<String> =
            alerts_of(Scanner::new(set.rules.clone()), [(path, bytes)]).into_iter().map(|a| a.rule.rule_id).collect();
        raised_total += 1;
        for wanted in &technique.rules {
            let rule = listed(&set, wanted);
            if !raised.contains(&rule.rule_id) {
                missing.push(format!("{}: {wanted} did not alert", technique.id));
            }
        }
    }
    assert!(raised_total >= 35, "only {raised_total} detonation files");
    assert!(missing.is_empty(), "techniques not detected:\n{}", missing.join("\n"));
}

#[test]
fn a_technique_without_a_detonation_is_proven_by_its_rules_examples() {
    let set = RuleSet::builtin();
    for technique in coverage().into_iter().filter(|t| !t.detonation) {
        for wanted in &technique.rules {
            let rule = listed(&set, wanted);
            assert!(rule.examples.iter().any(|e| e.expect_alert), "{}: {wanted} has no alerting example", technique.id);
        }
    }
}

/// The README's coverage table, as made from coverage.toml and the rules' names.
fn coverage_table(set: &RuleSet) -> String {
    let mut by_tactic: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for technique in coverage() {
        let tactic = technique.id.split('.').nth(1).expect("aws.<tactic>.<name>").to_string();
        let names: Vec<String> = technique
            .rules
            .iter()
            .map(|wanted| {
                let rule = listed(set, wanted);
                format!("{} ([{wanted}](rules/{wanted}.toml))", rule.name)
            })
            .collect();
        let proof = if technique.detonation { "detonation log" } else { "rule examples" };
        by_tactic.entry(tactic).or_default().push(format!("| `{}` | {} | {proof} |", technique.id, names.join("<br>")));
    }
    let mut table = String::from("| Stratus Red Team technique | Built-in rules | Proven by |\n| --- | --- | --- |\n");
    for rows in by_tactic.values() {
        for row in rows {
            table.push_str(row);
            table.push('\n');
        }
    }
    table
}

#[test]
fn the_readme_coverage_table_is_current() {
    let set = RuleSet::builtin();
    let readme = std::fs::read_to_string(format!("{ROOT}/README.md")).expect("README.md is readable");
    let table = coverage_table(&set);
    assert!(readme.contains(&table), "README.md should hold this coverage table (made from coverage.toml):\n\n{table}");
}
