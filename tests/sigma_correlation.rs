//! Sigma correlation rules, case by case: what each type counts, its group-by and timespan, its
//! condition's bounds, `generate`, references by id or name across files (in any order), and the
//! problems a correlation that cannot run is listed with.

use serde_json::json;
use trailhound_engine::alert::{Alert, Detail};
use trailhound_engine::rules::{ProblemKind, RuleSet, load_text};
use trailhound_engine::scan::Scanner;

/// A CloudTrail record: `second` seconds after 10:00, by `user`, doing `action`, from `ip`.
fn record(n: usize, second: u32, user: &str, action: &str, ip: &str) -> String {
    let at = format!("2024-05-01T{:02}:{:02}:{:02}Z", 10 + second / 3600, second / 60 % 60, second % 60);
    json!({
        "eventVersion": "1.08", "eventTime": at, "eventName": action, "eventSource": "iam.amazonaws.com",
        "awsRegion": "us-east-1", "sourceIPAddress": ip, "eventID": format!("e{n}"),
        "userIdentity": {"type": "IAMUser", "userName": user, "arn": format!("arn:aws:iam::1:user/{user}"), "accountId": "111122223333"}
    })
    .to_string()
}

/// A base detection of `action`, called `name`.
fn base(name: &str, action: &str) -> String {
    format!(
        "title: {name}\nid: id-{name}\nname: {name}\nlogsource: {{ product: aws, service: cloudtrail }}\n\
         detection:\n  selection: {{ eventName: {action} }}\n  condition: selection\n"
    )
}

fn set(files: &[(&str, String)]) -> RuleSet {
    let mut set = RuleSet::default();
    for (name, text) in files {
        set.add(load_text(name, text));
    }
    set
}

/// The alerts of `records` (one file) under the enabled rules of `set`.
fn alerts(set: &RuleSet, records: &[String]) -> Vec<Alert> {
    let scanner = Scanner::new(set.enabled().cloned().collect::<Vec<_>>());
    trailhound_testkit::alerts_of(scanner, [("a.ndjson".to_string(), records.join("\n").into_bytes())])
}

/// Each alert of rule `id`: its group's values, how many events and the distinct count (sorted).
fn groups(alerts: &[Alert], id: &str) -> Vec<(Vec<String>, u64, Option<u64>)> {
    let mut groups: Vec<_> = alerts
        .iter()
        .filter(|a| a.rule.rule_id == id)
        .map(|a| match &a.detail {
            Some(Detail::Threshold { terms, count, cardinality, .. }) => {
                (terms.iter().map(|(_, v)| v.clone()).collect(), *count, cardinality.as_ref().map(|(_, n)| *n))
            }
            other => panic!("a group's alert, not {other:?}"),
        })
        .collect();
    groups.sort();
    groups
}

#[test]
fn event_count_alerts_once_a_burst_per_group_and_silences_its_rule() {
    let correlation = "title: Burst\nid: burst\ncorrelation:\n  type: event_count\n  rules: [denied]\n  \
                       group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: { gte: 3 }\n";
    let set = set(&[("base.yml", base("denied", "GetSecretValue")), ("burst.yml", correlation.to_string())]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let records = [
        // alice: three within ten minutes, then two more (not three) an hour later.
        record(1, 0, "alice", "GetSecretValue", "198.51.100.1"),
        record(2, 200, "alice", "GetSecretValue", "198.51.100.1"),
        record(3, 590, "alice", "GetSecretValue", "198.51.100.1"),
        record(4, 3600, "alice", "GetSecretValue", "198.51.100.1"),
        record(5, 3700, "alice", "GetSecretValue", "198.51.100.1"),
        // bob: three, but spread over more than ten minutes.
        record(6, 0, "bob", "GetSecretValue", "198.51.100.2"),
        record(7, 400, "bob", "GetSecretValue", "198.51.100.2"),
        record(8, 1100, "bob", "GetSecretValue", "198.51.100.2"),
        // Not the correlated rule's.
        record(9, 10, "bob", "ListUsers", "198.51.100.2"),
    ];
    let alerts = alerts(&set, &records);
    assert_eq!(groups(&alerts, "burst"), [(vec!["alice".to_string()], 3, None)]);
    assert!(!alerts.iter().any(|a| a.rule.rule_id == "id-denied"), "the correlated rule does not alert alone");
    let alert = alerts.iter().find(|a| a.rule.rule_id == "burst").expect("the burst");
    assert_eq!(alert.document["@timestamp"], "2024-05-01T10:09:50.000Z", "at the burst's latest event");
    assert_eq!(alert.document["userIdentity"]["userName"], "alice");
    assert_eq!(alert.event.identity_arn, None, "userName has no ECS field of the summary's");
    assert_eq!(alert.rule.rule_type.as_str(), "correlation");
}

#[test]
fn a_range_counts_the_whole_window_and_generate_keeps_the_rules_alerts() {
    let correlation = "title: Few\nid: few\ngenerate: true\ncorrelation:\n  type: event_count\n  rules: [id-denied]\n  \
                       group-by: [userIdentity.userName]\n  timespan: 10m\n  condition: { gt: 1, lte: 2 }\n";
    let set = set(&[("few.yml", correlation.to_string()), ("base.yml", base("denied", "GetSecretValue"))]);
    let records = [
        record(1, 0, "alice", "GetSecretValue", "198.51.100.1"),
        record(2, 60, "alice", "GetSecretValue", "198.51.100.1"),
        record(3, 120, "alice", "GetSecretValue", "198.51.100.1"),
        record(4, 0, "bob", "GetSecretValue", "198.51.100.2"),
        record(5, 60, "bob", "GetSecretValue", "198.51.100.2"),
    ];
    let alerts = alerts(&set, &records);
    // alice's window holds three (over the bound); from her second event on, two.
    assert_eq!(groups(&alerts, "few"), [(vec!["alice".to_string()], 2, None), (vec!["bob".to_string()], 2, None)]);
    assert_eq!(alerts.iter().filter(|a| a.rule.rule_id == "id-denied").count(), 5, "generate: the rule alerts alone too");
}

#[test]
fn value_count_counts_distinct_values_of_its_field() {
    let correlation = "title: Many actions\nid: many\ncorrelation:\n  type: value_count\n  rules: [any_iam]\n  \
                       group-by: [sourceIPAddress]\n  timespan: 1h\n  condition: { field: eventName, gte: 3 }\n";
    let any = "title: any_iam\nid: id-any\nname: any_iam\nlogsource: { product: aws, service: cloudtrail }\n\
               detection:\n  selection: { eventSource: iam.amazonaws.com }\n  condition: selection\n";
    let set = set(&[("any.yml", any.to_string()), ("many.yml", correlation.to_string())]);
    let records = [
        record(1, 0, "alice", "ListUsers", "203.0.113.9"),
        record(2, 10, "alice", "ListUsers", "203.0.113.9"),
        record(3, 20, "alice", "ListRoles", "203.0.113.9"),
        record(4, 30, "carol", "GetUser", "203.0.113.9"),
        record(5, 0, "bob", "ListUsers", "198.51.100.2"),
        record(6, 10, "bob", "ListRoles", "198.51.100.2"),
        record(7, 20, "bob", "ListRoles", "198.51.100.2"),
    ];
    let alerts = alerts(&set, &records);
    assert_eq!(groups(&alerts, "many"), [(vec!["203.0.113.9".to_string()], 4, Some(3))]);
}

#[test]
fn temporal_needs_every_rule_and_temporal_ordered_their_order() {
    let rules = [("key.yml", base("key", "CreateAccessKey")), ("policy.yml", base("policy", "AttachUserPolicy"))];
    let temporal = |kind: &str| {
        format!(
            "title: {kind}\nid: {kind}\ncorrelation:\n  type: {kind}\n  rules: [key, policy]\n  \
             group-by: [userIdentity.arn]\n  timespan: 5m\n"
        )
    };
    let records = [
        // alice: key, then policy, within five minutes.
        record(1, 0, "alice", "CreateAccessKey", "198.51.100.1"),
        record(2, 120, "alice", "AttachUserPolicy", "198.51.100.1"),
        // bob: policy, then key.
        record(3, 0, "bob", "AttachUserPolicy", "198.51.100.2"),
        record(4, 60, "bob", "CreateAccessKey", "198.51.100.2"),
        // carol: key, then policy ten minutes later.
        record(5, 0, "carol", "CreateAccessKey", "198.51.100.3"),
        record(6, 600, "carol", "AttachUserPolicy", "198.51.100.3"),
    ];
    let arn = |user: &str| vec![format!("arn:aws:iam::1:user/{user}")];
    let mut files = rules.to_vec();
    files.push(("t.yml", temporal("temporal")));
    let unordered = alerts(&set(&files), &records);
    assert_eq!(groups(&unordered, "temporal"), [(arn("alice"), 2, Some(2)), (arn("bob"), 2, Some(2))]);
    let mut files = rules.to_vec();
    files.push(("t.yml", temporal("temporal_ordered")));
    let ordered = alerts(&set(&files), &records);
    assert_eq!(groups(&ordered, "temporal_ordered"), [(arn("alice"), 2, Some(2))]);
    // The alerts table's actor is the group's principal.
    let alert = ordered.iter().find(|a| a.rule.rule_id == "temporal_ordered").expect("alice's");
    assert_eq!(alert.event.actor(), Some("arn:aws:iam::1:user/alice"));
}

#[test]
fn references_are_found_whatever_order_the_files_come_in() {
    let correlation = (
        "c.yml",
        "title: C\nid: c\ncorrelation:\n  type: event_count\n  rules: [denied]\n  timespan: 1m\n  condition: { gte: 2 }\n".to_string(),
    );
    let rule = ("b.yml", base("denied", "GetSecretValue"));
    let records = [record(1, 0, "alice", "GetSecretValue", "198.51.100.1"), record(2, 30, "bob", "GetSecretValue", "198.51.100.2")];
    for files in [[correlation.clone(), rule.clone()], [rule.clone(), correlation.clone()]] {
        let set = set(&files);
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        // No group-by: one group of every match.
        assert_eq!(groups(&alerts(&set, &records), "c"), [(vec![], 2, None)]);
    }
}

#[test]
fn a_correlation_that_cannot_run_says_why() {
    let windows = "title: logon\nid: id-logon\nname: logon\nlogsource: { product: windows, service: security }\n\
                   detection:\n  selection: { EventID: 4625 }\n  condition: selection\n";
    let correlation = |rules: &str, extra: &str| {
        format!(
            "title: X {rules}\nid: x-{rules}\ncorrelation:\n  type: event_count\n  rules: [{rules}]\n  timespan: 5m\n  condition: {{ gte: 2 }}\n{extra}"
        )
    };
    let set = set(&[
        ("windows.yml", windows.to_string()),
        ("base.yml", base("denied", "GetSecretValue")),
        ("missing.yml", correlation("nowhere", "")),
        ("elsewhere.yml", correlation("logon", "")),
        (
            "loop.yml",
            "title: Loop\nid: loop\ncorrelation:\n  type: event_count\n  rules: [loop]\n  timespan: 5m\n  condition: { gte: 2 }\n".into(),
        ),
        ("ok.yml", correlation("denied", "")),
        ("aliases.yml", correlation("denied", "  aliases: { ip: { other: sourceIPAddress } }\n").replace("id: x-denied", "id: x-aliased")),
        (
            "bad.yml",
            "title: Bad\ncorrelation:\n  type: event_count\n  rules: [denied]\n  timespan: 5 minutes\n  condition: { gte: 2 }\n".into(),
        ),
    ]);
    let kind = |source: &str| set.problems.iter().find(|p| p.source == source).map(|p| p.kind.clone());
    assert!(matches!(kind("missing.yml"), Some(ProblemKind::Invalid(why)) if why.contains("`nowhere`")), "{:?}", set.problems);
    // Named by its title, a rule is not found, and the problem says how to name it.
    let by_title = self::set(&[("base.yml", base("denied", "GetSecretValue")), ("t.yml", correlation("Secrets read", ""))]);
    let titled = self::set(&[
        ("base.yml", base("denied", "GetSecretValue").replace("title: denied", "title: Secrets read")),
        ("t.yml", correlation("Secrets read", "")),
    ]);
    assert!(!by_title.problems[0].to_string().contains("has that title"));
    assert!(titled.problems[0].to_string().contains("a rule has that title: name it by its id `id-denied`"), "{:?}", titled.problems);
    assert!(matches!(kind("elsewhere.yml"), Some(ProblemKind::NotApplicable(_))), "{:?}", set.problems);
    assert!(matches!(kind("loop.yml"), Some(ProblemKind::Invalid(why)) if why.contains("cannot loop")), "{:?}", set.problems);
    assert!(
        matches!(kind("aliases.yml"), Some(ProblemKind::Invalid(why)) if why.contains("alias `ip` names `other`")),
        "{:?}",
        set.problems
    );
    assert!(
        matches!(kind("bad.yml"), Some(ProblemKind::Invalid(why)) if why.contains("line 5") && why.contains("5 minutes")),
        "{:?}",
        set.problems
    );
    assert!(set.rules.iter().any(|r| r.rule_id == "x-denied"), "the correlation whose rule is found runs");
    assert_eq!(set.problems.len(), 6, "the Windows rule, then one a correlation: {:?}", set.problems);
    // A rule that does not run here (a deprecated aggregation) makes its correlation not run either.
    let unsupported = "title: agg\nid: id-agg\nname: agg\nlogsource: { product: aws, service: cloudtrail }\n\
                       detection:\n  selection: { eventName: A }\n  timeframe: 5m\n  condition: selection\n";
    let of_unsupported = self::set(&[("agg.yml", unsupported.to_string()), ("c.yml", correlation("agg", ""))]);
    assert!(
        of_unsupported
            .problems
            .iter()
            .any(|p| p.source == "c.yml" && matches!(&p.kind, ProblemKind::Unsupported(why) if why.contains("`agg`"))),
        "{:?}",
        of_unsupported.problems
    );
    // A timespan in any characters is read, not a panic.
    let odd = self::set(&[(
        "odd.yml",
        "title: O\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 5µ\n  condition: { gte: 2 }\n".into(),
    )]);
    assert!(matches!(&odd.problems[0].kind, ProblemKind::Invalid(why) if why.contains("5µ")), "{:?}", odd.problems);
    // Adding the missing rule later finds it, and the problem goes; a problem added by someone
    // else between files (the CLI's unreadable file) stays.
    let mut set = set;
    set.problems.push(trailhound_engine::rules::RuleProblem {
        source: "unreadable.yml".into(),
        rule: None,
        kind: ProblemKind::Invalid("not UTF-8".into()),
    });
    set.add(load_text("nowhere.yml", &base("nowhere", "ListUsers")));
    assert!(set.rules.iter().any(|r| r.rule_id == "x-nowhere"));
    assert!(!set.problems.iter().any(|p| p.source == "missing.yml"), "{:?}", set.problems);
    assert!(set.problems.iter().any(|p| p.source == "unreadable.yml"), "{:?}", set.problems);
    assert_eq!(set.problems.len(), 6, "{:?}", set.problems);
}

#[test]
fn a_chained_correlation_reads_the_windows_of_the_one_it_correlates() {
    // As the specification's example: many denied calls by one principal, then an access key made
    // by the same principal.
    let then_key = |generate: bool| {
        format!(
            "title: Denied then key\nid: then-key\ngenerate: {generate}\ncorrelation:\n  type: temporal_ordered\n  \
             rules: [many_denied, key]\n  group-by: [userIdentity.arn]\n  timespan: 30m\n"
        )
    };
    let files = |generate| {
        vec![
            ("outer.yml", then_key(generate)),
            ("many.yml", MANY_DENIED.to_string()),
            ("denied.yml", base("denied", "GetSecretValue")),
            ("key.yml", base("key", "CreateAccessKey")),
        ]
    };
    let records = [
        // alice: three denied within ten minutes, then a key.
        record(1, 0, "alice", "GetSecretValue", "198.51.100.1"),
        record(2, 60, "alice", "GetSecretValue", "198.51.100.1"),
        record(3, 120, "alice", "GetSecretValue", "198.51.100.1"),
        record(4, 900, "alice", "CreateAccessKey", "198.51.100.1"),
        // bob: a key, then three denied (the wrong order).
        record(5, 0, "bob", "CreateAccessKey", "198.51.100.2"),
        record(6, 60, "bob", "GetSecretValue", "198.51.100.2"),
        record(7, 70, "bob", "GetSecretValue", "198.51.100.2"),
        record(8, 80, "bob", "GetSecretValue", "198.51.100.2"),
        // carol: three denied, no key.
        record(9, 0, "carol", "GetSecretValue", "198.51.100.3"),
        record(10, 10, "carol", "GetSecretValue", "198.51.100.3"),
        record(11, 20, "carol", "GetSecretValue", "198.51.100.3"),
    ];
    let arn = |user: &str| vec![format!("arn:aws:iam::1:user/{user}")];
    let set = set(&files(false));
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let alerts = alerts(&set, &records);
    assert_eq!(groups(&alerts, "then-key"), [(arn("alice"), 2, Some(2))]);
    let ids: Vec<&str> = alerts.iter().map(|a| a.rule.rule_id.as_str()).collect();
    assert_eq!(ids, ["then-key"], "the inner correlation and the rules alert only through the outer one");
    let alert = &alerts[0];
    assert_eq!(alert.document["@timestamp"], "2024-05-01T10:15:00.000Z", "at the key, the ordered window's end");
    assert_eq!(alert.origin.record, 2, "it points at its first event: the denied call that met the inner window");
    // With `generate`, the inner correlation raises its windows too: alice's, bob's and carol's.
    let generated = self::alerts(&self::set(&files(true)), &records);
    assert_eq!(groups(&generated, "id-many"), [(arn("alice"), 3, None), (arn("bob"), 3, None), (arn("carol"), 3, None)]);
    assert_eq!(groups(&generated, "then-key"), [(arn("alice"), 2, Some(2))]);
    assert!(!generated.iter().any(|a| a.rule.rule_id == "id-denied"), "the inner one's rule stays quiet: it says no `generate`");
}

#[test]
fn aliases_group_the_events_of_each_rule_by_its_own_field() {
    // A user created, then acting within the hour: the creator's event names the new user in
    // `requestParameters.userName`, the new user's own events in `userIdentity.userName`.
    let created = "title: created\nid: id-created\nname: created\nlogsource: { product: aws, service: cloudtrail }\n\
                   detection:\n  selection: { eventName: CreateUser }\n  condition: selection\n";
    let acting = "title: acting\nid: id-acting\nname: acting\nlogsource: { product: aws, service: cloudtrail }\n\
                  detection:\n  selection: { eventName: CreateAccessKey }\n  condition: selection\n";
    let correlation = "title: New user acts\nid: new-acts\ncorrelation:\n  type: temporal_ordered\n  rules: [created, acting]\n  \
                       group-by: [user]\n  timespan: 1h\n  aliases:\n    user:\n      created: requestParameters.userName\n      \
                       acting: userIdentity.userName\n";
    let set = set(&[("c.yml", created.to_string()), ("a.yml", acting.to_string()), ("n.yml", correlation.to_string())]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let create = |n: usize, second: u32, name: &str| {
        let mut r: serde_json::Value = serde_json::from_str(&record(n, second, "admin", "CreateUser", "198.51.100.1")).unwrap();
        r["requestParameters"] = json!({ "userName": name });
        r.to_string()
    };
    let records = [
        create(1, 0, "mallory"),
        record(2, 600, "mallory", "CreateAccessKey", "203.0.113.7"),
        create(3, 0, "trent"),
        // trent acts, but two hours later; admin's own key is no new user's.
        record(4, 7200, "trent", "CreateAccessKey", "198.51.100.4"),
        record(5, 60, "admin", "CreateAccessKey", "198.51.100.1"),
    ];
    let alerts = alerts(&set, &records);
    assert_eq!(groups(&alerts, "new-acts"), [(vec!["mallory".to_string()], 2, Some(2))]);
    let alert = alerts.iter().find(|a| a.rule.rule_id == "new-acts").expect("mallory's");
    assert_eq!(alert.document["user"], "mallory", "the alert names the group by its alias");
}

#[test]
fn a_name_two_rules_share_names_neither_in_any_file_order() {
    let correlation = "title: C\nid: c\ncorrelation:\n  type: event_count\n  rules: [denied]\n  timespan: 1m\n  condition: { gte: 2 }\n";
    let first = ("a.yml", base("denied", "GetSecretValue"));
    let second = ("b.yml", base("denied", "ListUsers").replace("id: id-denied", "id: id-other"));
    for files in [[first.clone(), second.clone()], [second.clone(), first.clone()]] {
        let mut files = files.to_vec();
        files.push(("c.yml", correlation.to_string()));
        let set = set(&files);
        let problem = set.problems.iter().find(|p| p.source == "c.yml").expect("the correlation cannot run");
        assert!(
            matches!(&problem.kind, ProblemKind::Invalid(why) if why.contains("more than one rule has (ids id-denied, id-other)")),
            "{problem:?}"
        );
        assert!(set.rules.iter().filter(|r| r.rule_id.starts_with("id-")).all(|r| r.enabled), "neither rule is silenced");
    }
}

/// The inner correlation and its rule of [`a_chained_correlation_reads_the_windows_of_the_one_it_correlates`]:
/// three denied calls by one principal within ten minutes.
const MANY_DENIED: &str = "title: Many denied\nid: id-many\nname: many_denied\ncorrelation:\n  type: event_count\n  rules: [denied]\n  \
                           group-by: [userIdentity.arn]\n  timespan: 10m\n  condition: { gte: 3 }\n";

fn three_denied(user: &str, first: usize) -> Vec<String> {
    (0..3).map(|i| record(first + i, 60 * i as u32, user, "GetSecretValue", "198.51.100.1")).collect()
}

#[test]
fn an_inner_correlation_alerts_alone_when_what_correlates_it_is_not_scanned_and_one_off_as_loaded_is_a_problem() {
    let outer = "title: Twice\nid: twice\ncorrelation:\n  type: event_count\n  rules: [many_denied]\n  \
                 group-by: [userIdentity.arn]\n  timespan: 1h\n  condition: { gte: 2 }\n";
    let set = set(&[("o.yml", outer.to_string()), ("m.yml", MANY_DENIED.to_string()), ("d.yml", base("denied", "GetSecretValue"))]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    // The page's switches: the outer one off, so the scan has the inner one alone.
    let without_outer: Vec<_> = set.enabled().filter(|r| r.rule_id != "twice").cloned().collect();
    let raised = trailhound_testkit::alerts_of(
        Scanner::new(without_outer),
        [("a.ndjson".to_string(), three_denied("alice", 1).join("\n").into_bytes())],
    );
    assert_eq!(groups(&raised, "id-many"), [(vec!["arn:aws:iam::1:user/alice".to_string()], 3, None)]);
    // Off as loaded (deprecated), it cannot feed the outer one: a problem, not a silent nothing.
    let off = self::set(&[
        ("o.yml", outer.to_string()),
        ("m.yml", MANY_DENIED.replace("title: Many denied", "title: Many denied\nstatus: deprecated")),
        ("d.yml", base("denied", "GetSecretValue")),
    ]);
    assert!(
        off.problems
            .iter()
            .any(|p| p.source == "o.yml" && matches!(&p.kind, ProblemKind::Unsupported(why) if why.contains("off as loaded"))),
        "{:?}",
        off.problems
    );
}

#[test]
fn a_correlation_listed_twice_is_one_event_a_window() {
    let outer = "title: Twice\nid: twice\ncorrelation:\n  type: event_count\n  rules: [many_denied, id-many]\n  \
                 group-by: [userIdentity.arn]\n  timespan: 1h\n  condition: { gte: 2 }\n";
    let set = set(&[("o.yml", outer.to_string()), ("m.yml", MANY_DENIED.to_string()), ("d.yml", base("denied", "GetSecretValue"))]);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let one_window = alerts(&set, &three_denied("alice", 1));
    assert!(groups(&one_window, "twice").is_empty(), "one window is one event, though listed twice: {one_window:?}");
    let mut two = three_denied("alice", 1);
    two.extend((0..3).map(|i| record(10 + i, 1200 + 60 * i as u32, "alice", "GetSecretValue", "198.51.100.1")));
    assert_eq!(groups(&alerts(&set, &two), "twice"), [(vec!["arn:aws:iam::1:user/alice".to_string()], 2, None)]);
}

#[test]
fn a_chained_correlation_reading_a_field_its_inner_one_does_not_group_by_is_a_problem() {
    let outer = "title: By address\nid: by-ip\ncorrelation:\n  type: event_count\n  rules: [many_denied]\n  \
                 group-by: [sourceIPAddress]\n  timespan: 1h\n  condition: { gte: 1 }\n";
    let set = set(&[("o.yml", outer.to_string()), ("m.yml", MANY_DENIED.to_string()), ("d.yml", base("denied", "GetSecretValue"))]);
    let problem = set.problems.iter().find(|p| p.source == "o.yml").expect("a problem");
    assert!(
        matches!(&problem.kind, ProblemKind::Invalid(why) if why.contains("`sourceIPAddress`") && why.contains("(userIdentity.arn)")),
        "{problem:?}"
    );
}

#[test]
fn one_event_of_two_aliased_rules_is_grouped_by_each_rule_s_own_field() {
    // `acting` is any IAM call: admin's CreateUser for mallory meets both rules, but as `created`
    // it is mallory's and as `acting` admin's; mallory never acts, so no alert.
    let created = "title: created\nid: id-created\nname: created\nlogsource: { product: aws, service: cloudtrail }\n\
                   detection:\n  selection: { eventName: CreateUser }\n  condition: selection\n";
    let acting = "title: acting\nid: id-acting\nname: acting\nlogsource: { product: aws, service: cloudtrail }\n\
                  detection:\n  selection: { eventSource: iam.amazonaws.com }\n  condition: selection\n";
    let correlation = "title: New user acts\nid: new-acts\ncorrelation:\n  type: temporal\n  rules: [created, acting]\n  \
                       group-by: [user]\n  timespan: 1h\n  aliases:\n    user:\n      created: requestParameters.userName\n      \
                       acting: userIdentity.userName\n";
    let set = set(&[("c.yml", created.to_string()), ("a.yml", acting.to_string()), ("n.yml", correlation.to_string())]);
    let mut create: serde_json::Value = serde_json::from_str(&record(1, 0, "admin", "CreateUser", "198.51.100.1")).unwrap();
    create["requestParameters"] = json!({ "userName": "mallory" });
    let alone = alerts(&set, &[create.to_string()]);
    assert!(groups(&alone, "new-acts").is_empty(), "{:?}", groups(&alone, "new-acts"));
    let acts = alerts(&set, &[create.to_string(), record(2, 60, "mallory", "ListUsers", "203.0.113.7")]);
    assert_eq!(groups(&acts, "new-acts"), [(vec!["mallory".to_string()], 2, Some(2))]);
}

#[test]
fn a_deep_branching_chain_loads() {
    // Each correlation lists the one before twice: a walk of every path would take 2^40 steps.
    let mut files = vec![("d.yml".to_string(), base("denied", "GetSecretValue"))];
    let mut before = "denied".to_string();
    for level in 0..40 {
        let rules = if level == 0 { before.clone() } else { format!("{before}, {before}") };
        files.push((
            format!("c{level}.yml"),
            format!(
                "title: C{level}\nid: c{level}\ncorrelation:\n  type: event_count\n  rules: [{rules}]\n  \
                 group-by: [userIdentity.arn]\n  timespan: 1h\n  condition: {{ gte: 1 }}\n"
            ),
        ));
        before = format!("c{level}");
    }
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let set = set(&files);
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let raised = alerts(&set, &three_denied("alice", 1));
    assert_eq!(raised.iter().map(|a| a.rule.rule_id.as_str()).collect::<Vec<_>>(), ["c39"], "only the outermost alerts");
}
