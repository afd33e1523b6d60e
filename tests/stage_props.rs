//! The second stage's alerts never depend on how the work is split: the same records cut into files
//! at any places and settled in any order of arrival, or dealt out among files in any order, give
//! the alerts of one file holding every record, for threshold, new_terms, EQL sequence and event
//! rules and Sigma correlations, with and without the schedule emulated, events of the same second
//! included.

use proptest::prelude::*;
use serde_json::json;
use trailhound_engine::alert::{Alert, Detail};
use trailhound_engine::rules::{RuleSet, load_text};
use trailhound_engine::scan::{IdKey, Merge, Scanner, Source};
use trailhound_engine::stage::Options;

const RULES: &[(&str, &str)] = &[
    ("threshold", "type = \"threshold\"\nquery = \"event.action:GetSecretValue\"\nthreshold = { field = [\"user.name\"], value = 2 }"),
    (
        "new_terms",
        "type = \"new_terms\"\nquery = \"event.action:(GetSecretValue or CreateAccessKey)\"\n\
         new_terms = { field = \"new_terms_fields\", value = [\"user.name\", \"event.action\"], \
         history_window_start = [{ field = \"history_window_start\", value = \"now-30m\" }] }",
    ),
    (
        "sequence",
        "type = \"eql\"\nlanguage = \"eql\"\nquery = 'sequence by user.name with maxspan=20m \
         [any where event.action == \"CreateAccessKey\"] [any where event.action == \"AttachUserPolicy\"]'",
    ),
    ("event", "type = \"eql\"\nlanguage = \"eql\"\nmax_signals = 2\nquery = 'any where event.action == \"AttachUserPolicy\"'"),
];

/// Sigma correlations over raw fields: two secrets read by one user within twenty minutes (the
/// base rule silenced, as Sigma's default says), and an access key created then a policy attached
/// by one user within twenty minutes (its rules alert on their own too), and a burst and a key by
/// one user within half an hour (a chained correlation, grouped through an alias).
const SIGMA: &str = r#"
title: Secret read
id: sigma-secret
name: secret_read
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: GetSecretValue }
  condition: selection
---
title: Secrets read in a burst
id: sigma-burst
name: burst
correlation:
  type: event_count
  rules: [secret_read]
  group-by: [userIdentity.userName]
  timespan: 20m
  condition: { gte: 2 }
---
title: Key created
id: sigma-key
name: key_created
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: CreateAccessKey }
  condition: selection
---
title: Policy attached
id: sigma-policy
logsource: { product: aws, service: cloudtrail }
detection:
  selection: { eventName: AttachUserPolicy }
  condition: selection
---
title: Key then policy
id: sigma-key-then-policy
generate: true
correlation:
  type: temporal_ordered
  rules: [key_created, sigma-policy]
  group-by: [userIdentity.userName]
  timespan: 20m
---
title: A burst and a key
id: sigma-burst-and-key
generate: true
correlation:
  type: temporal
  rules: [burst, key_created]
  group-by: [who]
  timespan: 30m
  aliases:
    who: { burst: userIdentity.userName, key_created: userIdentity.userName }
"#;

/// The rule ids that raise alerts in [`such_events_raise_alerts_of_every_rule`].
const SIGMA_ALERTING: &[&str] = &["sigma-burst", "sigma-key", "sigma-policy", "sigma-key-then-policy", "sigma-burst-and-key"];

fn rules() -> RuleSet {
    let mut set = RuleSet::default();
    set.add(load_text("correlations.yml", SIGMA));
    for (id, body) in RULES {
        set.add(load_text(
            &format!("{id}.toml"),
            &format!("[rule]\nrule_id = \"{id}\"\nname = \"{id}\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\n{body}\n"),
        ));
    }
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    set
}

/// The record of event `id`: who, what and when are fixed by `spec` (so a record delivered twice
/// is the same record).
fn record(id: usize, (user, action, second): (usize, usize, u32)) -> String {
    let users = ["alice", "bob", "carol"];
    let actions = ["GetSecretValue", "CreateAccessKey", "AttachUserPolicy"];
    let at = format!("2024-05-01T{:02}:{:02}:{:02}Z", 10 + second / 3600, second / 60 % 60, second % 60);
    json!({
        "eventVersion": "1.08", "eventTime": at, "eventName": actions[action], "eventSource": "iam.amazonaws.com",
        "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.1", "eventID": format!("e{id}"),
        "userIdentity": {"type": "IAMUser", "userName": users[user], "accountId": "111122223333"}
    })
    .to_string()
}

/// An alert as a line that names its rule, its event and what the stage decided.
fn line(alert: &Alert) -> String {
    let detail = match &alert.detail {
        None => String::new(),
        Some(Detail::Threshold { terms, count, members, .. }) => {
            let ids: Vec<_> = members.iter().map(|m| m.event_id.clone().unwrap_or_default()).collect();
            format!("{terms:?} {count} {ids:?}")
        }
        Some(Detail::NewTerms { terms, .. }) => format!("{terms:?}"),
        Some(Detail::Sequence { events, .. }) => format!("{:?}", events.iter().map(|m| m.event_id.clone()).collect::<Vec<_>>()),
    };
    format!("{} {} {}", alert.rule.rule_id, alert.event.event_id.clone().unwrap_or_default(), detail)
}

/// Scans `files` (NDJSON each) on their own, settles them in `arrival` order, runs the second
/// stage: the alerts as lines, sorted (those raised while scanning come in file order), and how
/// many were dropped.
fn scan(files: &[String], arrival: &[usize], emulate: bool) -> (Vec<String>, usize) {
    let scanner = Scanner::new(rules().enabled().cloned()).with_id_key(IdKey(1, 2)).with_emulated_schedule(emulate);
    let mut merge: Merge<Alert> = Merge::new();
    for &file in arrival {
        let mut raised = Vec::new();
        let scan = scanner.scan(&format!("f{file}.ndjson"), Source::bytes(files[file].as_bytes()), &mut raised);
        merge.push(file, scan, raised);
    }
    let mut second = scanner.second_stage(Options { emulate_schedule: emulate, learn_first_window: false });
    let mut lines = Vec::new();
    for settled in merge.settle(usize::MAX).0 {
        lines.extend(settled.alerts.iter().map(line));
        second.add(settled.file, settled.candidates);
    }
    let (decided, report) = second.finish();
    lines.extend(decided.iter().map(|a| line(&a.to_value().unwrap())));
    lines.sort();
    (lines, report.dropped)
}

fn specs() -> impl Strategy<Value = Vec<(usize, usize, u32)>> {
    // Within fifteen minutes, so that events often share a second (ties are ordered by eventID).
    prop::collection::vec((0usize..3, 0usize..3, 0u32..900), 16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_split_any_arrival_and_any_file_order_decide_alike(
        specs in specs(),
        ids in prop::collection::vec(0usize..16, 1..40),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order in any::<prop::sample::Index>(),
        emulate in any::<bool>(),
    ) {
        let lines: Vec<String> = ids.iter().map(|&id| record(id, specs[id])).collect();
        let whole = scan(&[lines.join("\n")], &[0], emulate);

        // Cut into files at the chosen places, and settle them in a rotated (maybe reversed) order.
        let (files, arrival) = trailhound_testkit::split(&lines, cuts.iter().map(|c| c.index(lines.len())), order.index(lines.len()));
        prop_assert_eq!(&scan(&files, &arrival, emulate), &whole);

        // The same files numbered in their arrival order: the records' times, not the files, decide.
        let renumbered: Vec<String> = arrival.iter().map(|&i| files[i].clone()).collect();
        let in_order: Vec<usize> = (0..files.len()).collect();
        prop_assert_eq!(&scan(&renumbered, &in_order, emulate), &whole);
    }
}

/// The property's events do raise every rule's alerts (else it would prove nothing).
#[test]
fn such_events_raise_alerts_of_every_rule() {
    let specs: Vec<(usize, usize, u32)> = (0..16).map(|i| (i % 2, i % 3, 30 * i as u32)).collect();
    let lines: Vec<String> = (0..16).map(|id| record(id, specs[id])).collect();
    for emulate in [false, true] {
        let (alerts, dropped) = scan(&[lines.join("\n")], &[0], emulate);
        for rule in RULES.iter().map(|(rule, _)| *rule).chain(SIGMA_ALERTING.iter().copied()) {
            assert!(alerts.iter().any(|a| a.starts_with(&format!("{rule} "))), "{rule} raised nothing: {alerts:#?}");
        }
        assert!(!alerts.iter().any(|a| a.starts_with("sigma-secret ")), "the correlated rule alone is silent");
        assert_eq!(dropped > 0, emulate, "five AttachUserPolicy in a run are over max_signals only when emulated");
    }
}

/// A file's new_terms candidates keep an alert document only where a value may be new: one user
/// seen a hundred times in a file keeps one (memory follows new values, not matches).
#[test]
fn repeated_values_in_a_file_keep_one_alert_document() {
    let scanner = Scanner::new(rules().enabled().cloned()).with_id_key(IdKey(1, 2));
    let lines: Vec<String> = (0..100).map(|i| record(i, (0, 0, 10 * i as u32))).collect();
    let scan = scanner.scan("a.ndjson", Source::bytes(lines.join("\n").as_bytes()), &mut Vec::new());
    let new_terms = scanner.rules().iter().position(|r| r.rule_id == "new_terms").unwrap();
    let own: Vec<_> = scan.candidates.iter().filter(|c| c.rule == new_terms).collect();
    assert_eq!(own.len(), 100, "every match stays a candidate, for the history");
    assert_eq!(own.iter().filter(|c| c.alert.is_some()).count(), 1);
}
