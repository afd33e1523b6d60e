//! Every rule shipped in `rules/` is valid, complete and proven by its own example events; the seed
//! rule carries Elastic's version-208 metadata exactly.

use std::collections::HashSet;
use trailhound_engine::examples;
use trailhound_engine::rules::{BUILTIN_FILES, RuleSet, Severity};

const TACTICS: &[&str] = &[
    "collection",
    "command_and_control",
    "credential_access",
    "defense_evasion",
    "discovery",
    "execution",
    "exfiltration",
    "impact",
    "initial_access",
    "lateral_movement",
    "persistence",
    "privilege_escalation",
    "reconnaissance",
    "resource_development",
];

#[test]
fn every_rule_file_is_built_in_and_loads_cleanly() {
    let mut on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
        .expect("rules/ is readable")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILTIN_FILES.iter().map(|(name, _)| name.to_string()).collect();
    built_in.sort();
    on_disk.retain(|name| name.ends_with(".toml"));
    assert_eq!(on_disk, built_in, "every rule file in rules/ is built in");

    let set = RuleSet::builtin();
    let problems: Vec<String> = set.problems.iter().map(|p| p.to_string()).collect();
    assert!(problems.is_empty(), "built-in rules failed to load:\n{}", problems.join("\n"));
    assert_eq!(set.rules.len(), BUILTIN_FILES.len());
}

#[test]
fn every_rule_meets_the_schema() {
    let set = RuleSet::builtin();
    let mut failures = Vec::new();
    let mut ids = HashSet::new();
    for rule in &set.rules {
        let file = rule.source.trim_start_matches("rules/");
        let mut fail = |why: String| failures.push(format!("{file}: {why}"));
        if !ids.insert(rule.rule_id.clone()) {
            fail(format!("duplicate rule_id {}", rule.rule_id));
        }
        let tactic_prefix = TACTICS.iter().any(|t| file.starts_with(&format!("{t}_")));
        let stem_ok = file.ends_with(".toml") && file.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
        if !tactic_prefix || !stem_ok {
            fail("file name must be <tactic>_<what>.toml in lower snake case".into());
        }
        if !rule.severity.risk_band().contains(&rule.risk_score) {
            fail(format!("risk score {} is outside the {} band {:?}", rule.risk_score, rule.severity, rule.severity.risk_band()));
        }
        if rule.description.trim().is_empty() {
            fail("empty description".into());
        }
        if rule.threat.is_empty() {
            fail("no MITRE ATT&CK mapping".into());
        }
        let first_tactic = rule.tactics().next().map(|t| t.name.to_lowercase().replace(' ', "_")).unwrap_or_default();
        if !file.starts_with(&format!("{first_tactic}_")) {
            fail(format!("file name must start with the rule's first tactic, {first_tactic}"));
        }
        if rule.references.is_empty() {
            fail("no references".into());
        }
        let note = rule.note.as_deref().unwrap_or_default();
        for section in [
            "## Triage and analysis",
            "### Investigating ",
            "### Possible investigation steps",
            "### False positive analysis",
            "### Response and remediation",
        ] {
            if !note.contains(section) {
                fail(format!("investigation guide lacks \"{section}\""));
            }
        }
        if !note.contains("aws ") {
            fail("the guide shows no aws CLI command".into());
        }
        if !rule.examples.iter().any(|e| e.expect_alert) || !rule.examples.iter().any(|e| !e.expect_alert) {
            fail("needs at least one example that alerts and one that does not".into());
        }
    }
    assert!(failures.is_empty(), "rule schema failures:\n{}", failures.join("\n"));
}

#[test]
fn every_example_gives_the_expected_outcome() {
    let set = RuleSet::builtin();
    let failures: Vec<String> =
        set.rules.iter().flat_map(examples::run).filter(|outcome| !outcome.passed()).map(|outcome| outcome.to_string()).collect();
    assert!(failures.is_empty(), "example failures:\n{}", failures.join("\n"));
}

#[test]
fn the_seed_rule_is_elastic_version_208() {
    let set = RuleSet::builtin();
    let rule = set.rules.iter().find(|r| r.rule_id == "227dc608-e558-43d9-b521-150772250bae").expect("the seed rule is built in");
    assert_eq!(rule.name, "AWS S3 Bucket Configuration Deletion");
    assert_eq!(rule.severity, Severity::Low);
    assert_eq!(rule.risk_score, 21);
    assert_eq!((rule.interval.as_str(), rule.from.as_str(), rule.max_signals), ("10m", "now-60m", 100));
    assert_eq!(rule.index, ["filebeat-*", "logs-aws.cloudtrail-*"]);
    assert_eq!(rule.version, Some(208));
    assert_eq!(rule.author, ["Elastic"]);
    assert_eq!(rule.language, "kuery");
    assert_eq!(
        rule.tags,
        [
            "Domain: Cloud",
            "Data Source: AWS",
            "Data Source: Amazon Web Services",
            "Use Case: Asset Visibility",
            "Tactic: Defense Evasion",
            "Resources: Investigation Guide"
        ]
    );
    let tactics: Vec<(&str, &str)> = rule.tactics().map(|t| (t.id.as_str(), t.name.as_str())).collect();
    assert_eq!(tactics, [("TA0005", "Defense Evasion")]);
    let techniques: Vec<(&str, &str)> = rule.techniques().map(|t| (t.id.as_str(), t.name.as_str())).collect();
    assert_eq!(techniques, [("T1070", "Indicator Removal")]);
    let actions = ["DeleteBucketPolicy", "DeleteBucketReplication", "DeleteBucketCors", "DeleteBucketEncryption", "DeleteBucketLifecycle"];
    let expected_refs: Vec<String> =
        actions.iter().map(|a| format!("https://docs.aws.amazon.com/AmazonS3/latest/API/API_{a}.html")).collect();
    assert_eq!(rule.references, expected_refs);
    let normalised: String = rule.query_text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        normalised,
        "event.dataset:aws.cloudtrail and event.provider:s3.amazonaws.com and event.action:(DeleteBucketPolicy or DeleteBucketReplication or DeleteBucketCors or DeleteBucketEncryption or DeleteBucketLifecycle) and event.outcome:success"
    );
    let note = rule.note.as_deref().unwrap_or_default();
    for command in ["aws s3api get-bucket-policy", "aws s3api get-bucket-encryption", "aws s3api put-bucket-policy", "lookup-events"] {
        assert!(note.contains(command), "the guide should show `{command}`");
    }
}
