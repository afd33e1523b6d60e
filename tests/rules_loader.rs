//! The rule loader takes Elastic's TOML, Kibana's NDJSON export and the package JSON, and reports
//! every rule it cannot load, with why.

use trailhound_engine::rules::{Kind, ProblemKind, RuleSet, RuleType, Threshold, load_text};

const KIBANA_EXPORT: &str = r#"{"rule_id":"r-1","name":"Console login","type":"query","language":"kuery","query":"event.action:ConsoleLogin","severity":"medium","risk_score":47,"description":"d","threat":[],"version":3}
{"rule_id":"r-2","name":"EQL sequence","type":"eql","language":"eql","query":"sequence by user.name [any where true] [any where true]","severity":"high","risk_score":73,"description":"d"}
{"rule_id":"r-5","name":"Threshold","type":"threshold","language":"kuery","query":"event.action:GetSecretValue","threshold":{"field":"user.name","value":20,"cardinality":[{"field":"source.ip","value":2}]},"severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-6","name":"New terms","type":"new_terms","language":"kuery","query":"event.action:ConsoleLogin","new_terms_fields":["user.name","source.ip"],"history_window_start":"now-10d","severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-7","name":"ES|QL","type":"esql","language":"esql","query":"from logs-* | limit 1","severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-8","name":"ML","type":"machine_learning","anomaly_threshold":50,"machine_learning_job_id":"j","severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-3","name":"Lucene","type":"query","language":"lucene","query":"event.action:x","severity":"low","risk_score":21,"description":"d"}
{"rule_id":"r-4","name":"Broken","type":"query","language":"kuery","query":"event.action:(a or","severity":"low","risk_score":21,"description":"d"}
{"list_id":"endpoint_list","name":"Endpoint exceptions","type":"endpoint"}
{"exported_count":9,"exported_rules_count":8,"missing_rules":[],"missing_rules_count":0}
"#;

#[test]
fn a_kibana_export_loads_every_runnable_type_and_lists_the_rest() {
    let loaded = load_text("export.ndjson", KIBANA_EXPORT);
    let names: Vec<(&str, RuleType)> = loaded.rules.iter().map(|r| (r.name.as_str(), r.rule_type())).collect();
    assert_eq!(
        names,
        [
            ("Console login", RuleType::Query),
            ("EQL sequence", RuleType::Eql),
            ("Threshold", RuleType::Threshold),
            ("New terms", RuleType::NewTerms)
        ]
    );
    assert_eq!(loaded.rules[0].source, "export.ndjson:1");
    assert_eq!(loaded.rules[0].version, Some(3));
    assert!(loaded.rules[1].filter.sequence().is_some() && loaded.rules[1].is_stateful());
    assert!(!loaded.rules[0].is_stateful());
    let Kind::Threshold(threshold) = &loaded.rules[2].kind else { panic!("a threshold rule") };
    assert_eq!(threshold, &Threshold { fields: vec!["user.name".into()], value: 20, cardinality: Some(("source.ip".into(), 2)) });
    let Kind::NewTerms(new_terms) = &loaded.rules[3].kind else { panic!("a new_terms rule") };
    assert_eq!(
        (new_terms.fields.as_slice(), new_terms.history_ms),
        (&["user.name".to_string(), "source.ip".to_string()][..], 10 * 86_400_000)
    );
    let problems: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert_eq!(problems[0], "export.ndjson:5: rule \"ES|QL\": not supported yet: ES|QL rule (ES|QL does not run offline yet)");
    assert_eq!(
        problems[1],
        "export.ndjson:6: rule \"ML\": not supported yet: machine learning rule (it needs Elastic's anomaly-detection jobs)"
    );
    assert_eq!(
        problems[2],
        "export.ndjson:7: rule \"Lucene\": not supported yet: query rule in query language \"lucene\" (only \"kuery\" runs)"
    );
    assert!(problems[3].starts_with("export.ndjson:8: rule \"Broken\": invalid: query does not parse:"), "{}", problems[3]);
    assert!(matches!(loaded.problems[4].kind, ProblemKind::Unsupported(_)));
}

/// detection-rules' TOML writes threshold and new_terms parameters in its own shape; both load,
/// and a rule whose parameters do not hold is an error that says which.
#[test]
fn stateful_rule_parameters_load_from_toml_and_are_checked() {
    let head =
        "[rule]\nrule_id = \"t\"\nname = \"T\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\nquery = \"event.action:x\"\n";
    let new_terms = format!(
        "{head}type = \"new_terms\"\n[rule.new_terms]\nfield = \"new_terms_fields\"\nvalue = [\"user.name\"]\n\
         [[rule.new_terms.history_window_start]]\nfield = \"history_window_start\"\nvalue = \"now-14d\"\n"
    );
    let loaded = load_text("n.toml", &new_terms);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let Kind::NewTerms(n) = &loaded.rules[0].kind else { panic!("new_terms") };
    assert_eq!((n.fields.clone(), n.history_window_start.as_str()), (vec!["user.name".to_string()], "now-14d"));
    let threshold = format!("{head}type = \"threshold\"\n[rule.threshold]\nfield = [\"user.name\", \"source.ip\"]\nvalue = 5\n");
    let loaded = load_text("t.toml", &threshold);
    let Kind::Threshold(t) = &loaded.rules[0].kind else { panic!("threshold") };
    assert_eq!((t.fields.len(), t.value, t.cardinality.clone()), (2, 5, None));
    for (body, why) in [
        ("type = \"threshold\"\n", "a threshold rule without `threshold`"),
        ("type = \"threshold\"\nthreshold = { field = [], value = 0 }\n", "`threshold.value` must be at least 1"),
        ("type = \"new_terms\"\nnew_terms_fields = []\nhistory_window_start = \"now-7d\"\n", "a new_terms rule needs 1 to 3 fields, not 0"),
        ("type = \"new_terms\"\nnew_terms_fields = [\"a\"]\n", "missing `history_window_start`"),
        ("type = \"new_terms\"\nnew_terms_fields = [\"a\"]\nhistory_window_start = \"7d\"\n", "history_window_start: \"7d\" is not"),
        ("type = \"query\"\ninterval = \"often\"\n", "schedule: \"often\" is not a duration"),
        ("type = \"eql\"\nlanguage = \"kuery\"\n", "an eql rule in language \"kuery\""),
        (
            "type = \"new_terms\"\nfrom = \"now-2h\"\nnew_terms_fields = [\"a\"]\nhistory_window_start = \"now-1h\"\n",
            "history_window_start (now-1h) must be earlier than from (now-2h)",
        ),
    ] {
        let loaded = load_text("bad.toml", &format!("{head}{body}"));
        let problem = loaded.problems.first().map(|p| p.to_string()).unwrap_or_default();
        assert!(loaded.rules.is_empty() && problem.contains(why), "{body}: {problem}");
        assert!(matches!(loaded.problems[0].kind, ProblemKind::Invalid(_)), "{body}");
    }
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
