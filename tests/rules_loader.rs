//! The rule loader takes Elastic's TOML, Kibana's NDJSON export and the package JSON, and reports
//! every rule it cannot load, with why.

use trailhound_engine::rules::{ProblemKind, RuleSet, load_text};

const KIBANA_EXPORT: &str = r#"{"rule_id":"r-1","name":"Console login","type":"query","language":"kuery","query":"event.action:ConsoleLogin","severity":"medium","risk_score":47,"description":"d","threat":[],"version":3}
{"rule_id":"r-2","name":"EQL sequence","type":"eql","language":"eql","query":"any where true","severity":"high","risk_score":73,"description":"d"}
{"rule_id":"r-3","name":"Lucene","type":"query","language":"lucene","query":"event.action:x","severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-4","name":"Broken","type":"query","language":"kuery","query":"event.action:(a or","severity":"low","risk_score":21,"description":"d"}
{"list_id":"endpoint_list","name":"Endpoint exceptions","type":"endpoint"}
{"exported_count":5,"exported_rules_count":4,"missing_rules":[],"missing_rules_count":0}
"#;

#[test]
fn a_kibana_export_loads_query_rules_and_lists_the_rest() {
    let loaded = load_text("export.ndjson", KIBANA_EXPORT);
    let names: Vec<&str> = loaded.rules.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["Console login"]);
    assert_eq!(loaded.rules[0].source, "export.ndjson:1");
    assert_eq!(loaded.rules[0].version, Some(3));
    let problems: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert_eq!(problems[0], "export.ndjson:2: rule \"EQL sequence\": not supported yet: rule type \"eql\" (only \"query\" rules run)");
    assert_eq!(problems[1], "export.ndjson:3: rule \"Lucene\": not supported yet: query language \"lucene\" (only \"kuery\" runs)");
    assert!(problems[2].starts_with("export.ndjson:4: rule \"Broken\": invalid: query does not parse:"), "{}", problems[2]);
    assert!(matches!(loaded.problems[3].kind, ProblemKind::Unsupported(_)));
}

#[test]
fn the_prebuilt_package_json_form_loads() {
    let text = r#"{
    "attributes": {
        "rule_id": "abc", "name": "Package rule", "type": "query", "language": "kuery",
        "query": "event.provider:s3.amazonaws.com", "severity": "critical", "risk_score": 99,
        "description": "d", "version": 7, "interval": "10m", "from": "now-60m"
    },
    "id": "abc_7",
    "type": "security-rule"
}"#;
    let loaded = load_text("abc_7.json", text);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let rule = &loaded.rules[0];
    assert_eq!((rule.name.as_str(), rule.version, rule.interval.as_str()), ("Package rule", Some(7), "10m"));
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let loaded = load_text("bad.toml", "[rule]\nname = \"x\"\nrisk_score = = 3\n");
    assert!(loaded.rules.is_empty());
    let message = loaded.problems[0].to_string();
    assert!(message.starts_with("bad.toml: invalid: TOML error at line 3:"), "{message}");
}

#[test]
fn missing_fields_and_defaults() {
    let loaded = load_text("r.toml", "[rule]\ntype = \"query\"\nname = \"No id\"\nquery = \"a:b\"\nseverity = \"low\"\nrisk_score = 1\n");
    assert_eq!(loaded.problems[0].to_string(), "r.toml: rule \"No id\": invalid: missing `rule_id`");
    let loaded = load_text(
        "r.toml",
        "[rule]\ntype = \"query\"\nrule_id = \"x\"\nname = \"Defaults\"\nquery = \"a:b\"\nseverity = \"low\"\nrisk_score = 1\n",
    );
    let rule = &loaded.rules[0];
    assert_eq!((rule.interval.as_str(), rule.from.as_str(), rule.max_signals, rule.language.as_str()), ("5m", "now-6m", 100, "kuery"));
}

/// A second copy of a loaded `rule_id` is never a refusal: the same or a newer version takes the
/// loaded copy's place (a later file wins a tie), an older one is set aside, and the set says which
/// file is used.
#[test]
fn a_second_copy_of_a_rule_id_replaces_it_by_version() {
    let builtin = "rules/defense_evasion_s3_bucket_configuration_deletion.toml";
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/defense_evasion_s3_bucket_configuration_deletion.toml"))
        .unwrap();
    let versioned = |v: u32| text.replace("version = 208", &format!("version = {v}"));
    assert!(versioned(1) != text, "the seed rule states its version");
    let cases = [(208, "copy.toml"), (209, "copy.toml"), (207, builtin)];
    for (version, used) in cases {
        let mut set = RuleSet::builtin();
        let before = set.rules.len();
        set.add(load_text("copy.toml", &versioned(version)));
        assert_eq!((set.rules.len(), set.problems.len()), (before, 0), "version {version}");
        let seed = set.rules.iter().find(|r| r.rule_id == "227dc608-e558-43d9-b521-150772250bae").unwrap();
        assert_eq!(seed.source, used, "version {version}");
        assert_eq!(set.replaced.len(), 1);
        assert_eq!(set.replaced[0].used.0, used);
        let unused = if used == builtin { "copy.toml" } else { builtin };
        assert_eq!(set.replaced[0].unused.0, unused);
    }
    let mut set = RuleSet::builtin();
    set.add(load_text("copy.toml", &versioned(209)));
    assert_eq!(
        set.replaced[0].to_string(),
        format!(
            "AWS S3 Bucket Configuration Deletion (227dc608-e558-43d9-b521-150772250bae): using copy.toml (version 209) rather than {builtin} (version 208)"
        )
    );
}

#[test]
fn a_bad_example_is_reported() {
    let text = "[rule]\ntype = \"query\"\nrule_id = \"x\"\nname = \"Ex\"\nquery = \"a:b\"\nseverity = \"low\"\nrisk_score = 1\n\n[[trailhound.example]]\nname = \"e\"\nexpect = \"maybe\"\nevent = \"{}\"\n";
    let loaded = load_text("r.toml", text);
    assert_eq!(
        loaded.problems[0].to_string(),
        "r.toml: rule \"Ex\": invalid: example 1 (\"e\"): expect must be \"alert\" or \"none\", not \"maybe\""
    );
}
