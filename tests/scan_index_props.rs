//! The rule index never drops a match: a rule the index files under the actions it requires alerts
//! on exactly the records that the same rule, written so that nothing can be indexed (an `or`
//! with a branch that never holds), alerts on. Over every Stratus detonation record, for KQL and
//! EQL rules naming actions in each way the index reads (`==`, `in`, `in~`, `:`, value lists),
//! with actions in their own case and in others.

use proptest::prelude::*;
use std::collections::BTreeSet;
use trailhound_engine::rules::{RuleSet, load_text};
use trailhound_engine::scan::{IdKey, Scanner, Source};

const STRATUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stratus");
const ACTIONS: &[&str] =
    &["GetSecretValue", "ModifySnapshotAttribute", "CreateLoginProfile", "StopLogging", "AttachUserPolicy", "ListBuckets"];

fn rule(id: &str, body: &str) -> String {
    format!("[rule]\nrule_id = \"{id}\"\nname = \"{id}\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\n{body}\n")
}

/// The `(rule, eventID)` of every alert over the Stratus records.
fn alerts(text: &str) -> BTreeSet<(String, String)> {
    let mut set = RuleSet::default();
    set.add(load_text("r.toml", text));
    assert!(set.problems.is_empty(), "{:?}\n{text}", set.problems);
    let scanner = Scanner::new(set.rules).with_id_key(IdKey(1, 2));
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(STRATUS).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let mut raised = Vec::new();
            scanner.scan("f", Source::bytes(&std::fs::read(&path).unwrap()), &mut raised);
            out.extend(raised.into_iter().map(|(a, _)| ("r".to_string(), a.event.event_id.unwrap_or_default())));
        }
    }
    out
}

/// An action as written in a rule: its own case, all lowercase, or all uppercase.
fn spelled(action: &str, case: u8) -> String {
    match case % 3 {
        0 => action.to_string(),
        1 => action.to_lowercase(),
        _ => action.to_uppercase(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn an_indexed_rule_alerts_as_its_unindexable_twin(
        picks in prop::collection::vec((0..ACTIONS.len(), any::<u8>()), 1..4),
        form in 0u8..5,
    ) {
        let names: Vec<String> = picks.iter().map(|&(a, case)| spelled(ACTIONS[a], case)).collect();
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let (condition, never, eql) = match form {
            0 => (format!("event.action == {}", quoted[0]), "user.name == \"no such user, ever\"", true),
            1 => (format!("event.action in ({})", quoted.join(", ")), "user.name == \"no such user, ever\"", true),
            2 => (format!("event.action in~ ({})", quoted.join(", ")), "user.name == \"no such user, ever\"", true),
            3 => (format!("event.action : ({})", quoted.join(", ")), "user.name == \"no such user, ever\"", true),
            _ => (format!("event.action:({})", names.join(" or ")), "user.name:\"no such user, ever\"", false),
        };
        let body = |condition: &str| if eql {
            format!("type = \"eql\"\nlanguage = \"eql\"\nquery = '''any where {condition}'''")
        } else {
            format!("type = \"query\"\nquery = '''{condition}'''")
        };
        let dataset = if eql { "event.dataset == \"aws.cloudtrail\"" } else { "event.dataset:aws.cloudtrail" };
        let indexed = alerts(&rule("r", &body(&format!("{dataset} and {condition}"))));
        let twin = alerts(&rule("r", &body(&format!("({condition}) or {never}"))));
        prop_assert_eq!(&indexed, &twin);
    }
}

/// The forms above do find alerts (the property would prove nothing otherwise).
#[test]
fn the_forms_find_alerts() {
    let eql = "type = \"eql\"\nlanguage = \"eql\"\nquery = '''any where event.action : \"getsecretvalue\"'''";
    assert_eq!(alerts(&rule("r", eql)).len(), 20);
    let kql = "type = \"query\"\nquery = '''event.action:(GetSecretValue or StopLogging)'''";
    assert!(alerts(&rule("r", kql)).len() > 20);
}
