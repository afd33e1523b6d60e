//! Sigma matching, case by case (`tests/fixtures/sigma/cases.yaml`: a detection, records, and
//! whether each matches), through the rule loader and the scanner as a user's rule file runs; and
//! the loader's answers for rules that are not for CloudTrail, broken, or not runnable here.

use serde_json::Value;
use trailhound_engine::rules::{ProblemKind, load_text};
use trailhound_engine::{Scanner, Source};
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

const CASES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sigma/cases.yaml");

fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Hash(m) => Value::Object(m.iter().map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v))).collect()),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Integer(n) => Value::from(*n),
        Yaml::Real(r) => Value::from(r.parse::<f64>().unwrap_or_default()),
        Yaml::Boolean(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

fn rule_text(detection: &Yaml) -> String {
    let mut out = String::new();
    YamlEmitter::new(&mut out).dump(detection).unwrap();
    let body: String = out.trim_start_matches("---").lines().map(|l| format!("  {l}\n")).collect();
    format!("title: Case\nid: case-1\nlogsource:\n  product: aws\n  service: cloudtrail\nlevel: informational\ndetection:\n{body}")
}

#[test]
fn every_case_matches_as_the_specification_says() {
    let docs = YamlLoader::load_from_str(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    let cases = docs[0]["cases"].as_vec().unwrap();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let text = rule_text(&case["detection"]);
        let loaded = load_text("case.yml", &text);
        assert!(loaded.problems.is_empty(), "{name}: {:?}\n{text}", loaded.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>());
        let scanner = Scanner::new(loaded.rules);
        for (i, pair) in case["records"].as_vec().unwrap().iter().enumerate() {
            let want = pair[0].as_bool().unwrap();
            let record = to_json(&pair[1]);
            // An S3 delivery of the one record, as CloudTrail writes them.
            let bytes = serde_json::to_vec(&serde_json::json!({ "Records": [record.clone()] })).unwrap();
            let mut alerts: Vec<(trailhound_engine::Alert, Option<trailhound_engine::AlertKey>)> = Vec::new();
            scanner.scan("r.json", Source::bytes(&bytes), &mut alerts);
            if alerts.is_empty() == want {
                failures.push(format!("{name}, record {}: want {want}: {record}", i + 1));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn problems(text: &str) -> Vec<(String, String)> {
    load_text("rules.yml", text)
        .problems
        .iter()
        .map(|p| {
            let kind = match &p.kind {
                ProblemKind::Invalid(_) => "invalid",
                ProblemKind::Unsupported(_) => "unsupported",
                ProblemKind::NotApplicable(_) => "not applicable",
            };
            (kind.to_string(), p.to_string())
        })
        .collect()
}

#[test]
fn rules_for_other_logs_are_not_applicable_and_broken_ones_say_where() {
    let windows = "title: W\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    Image|endswith: '\\cmd.exe'\n  condition: sel\n";
    assert_eq!(problems(windows)[0].0, "not applicable");
    let broken = "title: B\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: A\n  other:\n    eventName|re: '(unclosed'\n  condition: sel\n";
    let (kind, text) = &problems(broken)[0];
    assert_eq!(kind, "invalid");
    assert!(text.contains("rules.yml: rule \"B\": invalid: line 8: eventName|re: the regular expression does not compile"), "{text}");
    let unknown =
        "title: U\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: A\n  condition: sel and missing\n";
    assert!(problems(unknown)[0].1.contains("line 8: the condition names `missing`"), "{:?}", problems(unknown));
    let placeholder = "title: P\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    sourceIPAddress|expand: '%office%'\n  condition: sel\n";
    assert_eq!(problems(placeholder)[0].0, "unsupported");
    let yaml = "title: Y\nlogsource: [\ndetection:\n";
    assert!(problems(yaml)[0].1.contains("YAML error at line"), "{:?}", problems(yaml));
    let correlation = "title: C\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5m\n";
    let (kind, text) = &problems(correlation)[0];
    assert!(kind == "invalid" && text.contains("line 2: the correlation has no `condition`"), "{text}");
    // Sigma 1's aggregation is a rule of an older Sigma: not supported, never an error.
    let aggregation = "title: A\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: A\n  condition: sel | count() by userIdentity.arn > 10\n";
    let (kind, text) = &problems(aggregation)[0];
    assert!(kind == "unsupported" && text.contains("use a correlation rule"), "{text}");
}

#[test]
fn a_sigma_rule_keeps_its_metadata() {
    let text = "title: Trail Logging Stopped\nid: 6d1c2f3a-4b5e-4c7d-9e8f-0a1b2c3d4e5f\ndescription: Blinds the audit record.\nreferences:\n  - https://example.com/a\nfalsepositives:\n  - A trail retired on purpose.\nlevel: informational\ntags:\n  - attack.defense_evasion\n  - attack.t1562.008\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: StopLogging\n  condition: sel\n";
    let rule = load_text("r.yml", text).rules.remove(0);
    assert_eq!((rule.rule_id.as_str(), rule.name.as_str()), ("6d1c2f3a-4b5e-4c7d-9e8f-0a1b2c3d4e5f", "Trail Logging Stopped"));
    assert_eq!(rule.severity.as_str(), "informational");
    assert_eq!((rule.language.as_str(), rule.references.len(), rule.false_positives.len()), ("sigma", 1, 1));
    let threat = &rule.threat[0];
    assert_eq!((threat.tactic.id.as_str(), threat.technique[0].id.as_str()), ("TA0005", "T1562"));
    // Tactics are written with `-` as often as with `_`.
    let hyphens = text.replace("attack.defense_evasion", "attack.defense-evasion\n  - attack.privilege-escalation");
    let rule = load_text("r.yml", &hyphens).rules.remove(0);
    let tactics: Vec<&str> = rule.tactics().map(|t| t.id.as_str()).collect();
    assert_eq!(tactics, ["TA0005", "TA0004"]);
    assert!(rule.threat.iter().all(|t| t.technique[0].id == "T1562" && t.technique[0].subtechnique[0].id == "T1562.008"));
    assert_eq!(threat.technique[0].subtechnique[0].id, "T1562.008");
}
