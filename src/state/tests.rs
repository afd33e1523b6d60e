//! The reducer's behaviour, natively: a scan's phases and progress, files joining and cancelled,
//! a dead worker, exceptions, filters and rules.

use super::*;
use crate::exceptions::Matcher;
use crate::messages::{unreadable, unscanned};
use trailhound_engine::{EventSummary, JsonText, Origin, RuleRef};
use trailhound_engine::{RuleType, Severity, StageReport};

fn alert(id: &str, actor: &str) -> TextAlert {
    TextAlert {
        rule: RuleRef {
            rule_id: "r1".into(),
            name: "Rule one".into(),
            severity: Severity::Low,
            risk_score: 21,
            version: Some(1),
            rule_type: RuleType::Query,
            tags: vec![],
            tactics: vec![],
            techniques: vec![],
        },
        event: EventSummary {
            event_id: Some(id.into()),
            user_name: Some(actor.into()),
            timestamp: Some(format!("2026-03-02T03:00:0{id}Z")),
            ..EventSummary::default()
        },
        origin: Origin { file: "a.json".into(), record: 0 },
        document: JsonText::of(&serde_json::json!({"user": {"name": actor}, "event": {"id": id}})),
        original: None,
        detail: None,
    }
}

fn scanned(records: usize, alerts: usize) -> FileReport {
    FileReport { records, scanned: records, alerts, ..unscanned("a.json", 100, FileStatus::Scanned) }
}

fn queue(state: State, names: &[&str]) -> State {
    let start = state.files.len();
    let files = names.iter().enumerate().map(|(i, n)| Queued { id: start + i, name: n.to_string(), bytes: 100 }).collect();
    state.reduce(Action::Queue { files, now_ms: 0.0 })
}

#[test]
fn a_scan_goes_idle_scanning_done_and_counts_progress() {
    let state = State::default();
    assert_eq!(state.phase, Phase::Idle);
    let state = queue(state, &["a.json", "b.json"]);
    assert_eq!(state.phase, Phase::Scanning);
    assert_eq!((state.progress.files_total, state.progress.bytes_total), (2, 200));
    let state = state.reduce(Action::Reading { id: 0, bytes: 40, now_ms: 10.0 });
    assert_eq!(state.progress.bytes_done, 40);
    assert_eq!(state.files[0].status(), "reading");
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(10, 1), alerts: vec![alert("1", "alice")], now_ms: 500.0 });
    assert_eq!((state.progress.bytes_done, state.progress.files_done), (100, 1));
    assert_eq!(state.progress.records_per_second(), Some(20.0));
    let state = state.reduce(Action::FileDone {
        id: 1,
        report: unreadable("b.json", 100, "line 1: not JSON".into()),
        alerts: vec![],
        now_ms: 600.0,
    });
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.files[1].status(), "error");
    assert_eq!(state.rows.len(), 1);
}

#[test]
fn more_files_join_a_running_scan_and_cancel_leaves_them_out() {
    let state = queue(State::default(), &["a.json"]);
    let state = queue(state, &["b.json", "c.json"]);
    assert_eq!(state.progress.files_total, 3);
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(1, 0), alerts: vec![], now_ms: 1.0 });
    let state = state.reduce(Action::Cancel { now_ms: 2.0 });
    assert_eq!(state.phase, Phase::Done);
    assert_eq!(state.files.iter().map(FileEntry::status).collect::<Vec<_>>(), ["scanned", "skipped", "skipped"]);
    assert_eq!(state.progress.files_done, 3);
}

#[test]
fn a_dead_worker_blames_the_file_it_was_reading() {
    let state = queue(State::default(), &["a.json", "b.json"]);
    let state = state.reduce(Action::Reading { id: 0, bytes: 1, now_ms: 1.0 });
    let state = state.reduce(Action::WorkerFailed { message: "panicked at x".into(), now_ms: 2.0 });
    assert_eq!(state.files[0].status(), "error");
    assert_eq!(state.files[1].status(), "skipped");
    assert!(state.error.as_deref().is_some_and(|e| e.contains("panicked at x")));
    assert_eq!(state.phase, Phase::Done);
}

#[test]
fn exceptions_suppress_and_count_and_can_be_removed() {
    let state = queue(State::default(), &["a.json"]);
    let alerts = vec![alert("1", "alice"), alert("2", "terraform"), alert("3", "terraform")];
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(3, 3), alerts, now_ms: 1.0 });
    let state = state.reduce(Action::AddException {
        rule_id: Some("r1".into()),
        rule_name: None,
        matcher: Matcher::Field { field: "user.name".into(), value: "terraform".into() },
        comment: String::new(),
    });
    assert_eq!(state.suppression_counts(), [2]);
    assert_eq!(state.active_alerts(), 1);
    assert_eq!(state.rows.len(), 1);
    let state = state.reduce(Action::ToggleShowSuppressed);
    assert_eq!(state.rows.len(), 3);
    let other_rule = state.clone().reduce(Action::AddException {
        rule_id: Some("other".into()),
        rule_name: None,
        matcher: Matcher::Field { field: "user.name".into(), value: "alice".into() },
        comment: String::new(),
    });
    assert_eq!(other_rule.suppression_counts(), [2, 0]);
    let id = state.exceptions[0].exception.id;
    let state = state.reduce(Action::RemoveException(id));
    assert_eq!(state.active_alerts(), 3);
}

/// Exceptions added and removed one at a time (only the alerts that can change are checked again)
/// suppress what checking every alert against the whole list does, with the first match counted.
#[test]
fn exceptions_changed_one_at_a_time_suppress_as_the_whole_list_does() {
    let state = queue(State::default(), &["a.json"]);
    let alerts = vec![alert("1", "alice"), alert("2", "bob"), alert("3", "terraform"), alert("4", "alice")];
    let mut state = state.reduce(Action::FileDone { id: 0, report: scanned(4, 4), alerts, now_ms: 1.0 });
    let field = |value: &str| Matcher::Field { field: "user.name".into(), value: value.into() };
    let query = |kql: &str| Matcher::Query { kql: kql.into() };
    let matchers = [field("alice"), query("user.name:*"), field("bob"), query("user.name:("), query("event.id:3")];
    let whole = |state: &State| {
        let list = state.exceptions.iter().map(|c| c.exception.clone()).collect();
        state.clone().reduce(Action::LoadExceptions(list)).suppressed
    };
    for matcher in matchers {
        state = state.reduce(Action::AddException { rule_id: Some("r1".into()), rule_name: None, matcher, comment: String::new() });
        assert_eq!(state.suppressed, whole(&state));
    }
    assert_eq!(state.suppressed, [Some(0), Some(1), Some(1), Some(0)]);
    for _ in 0..3 {
        let id = state.exceptions[0].exception.id;
        state = state.reduce(Action::RemoveException(id));
        assert_eq!(state.suppressed, whole(&state));
    }
    assert_eq!(state.suppressed, [None, None, Some(1), None], "only event 3's query is left to match");
    let unknown = state.clone().reduce(Action::RemoveException(999));
    assert_eq!(unknown.suppressed, state.suppressed);
}

#[test]
fn filters_sort_and_select() {
    let state = queue(State::default(), &["a.json"]);
    let alerts = vec![alert("1", "alice"), alert("2", "bob")];
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(2, 2), alerts, now_ms: 1.0 });
    let state = state.reduce(Action::SortBy(Column::Time));
    assert!(state.sort.descending, "the same column again reverses");
    assert_eq!(state.rows[0], Row::Alert(1));
    let state = state.reduce(Action::SetFilterText("alice".into()));
    assert_eq!(state.visible_alerts().len(), 1);
    let state = state.reduce(Action::Select(Some(7)));
    assert_eq!(state.selected, None, "no such alert");
    let state = state.reduce(Action::Select(Some(1))).reduce(Action::Reset);
    assert_eq!((state.selected, state.phase, state.rows.len()), (None, Phase::Idle, 0));
    assert_eq!(state.filter.text, "alice", "filters survive a reset");
}

#[test]
fn rules_switch_off_and_rule_files_report_problems() {
    let state = State::new();
    assert!(!state.rules.is_empty());
    let id = state.rules[0].rule.rule_id.clone();
    let state = state.reduce(Action::ToggleRule(id.clone()));
    assert_eq!(state.rule_config().disabled, std::slice::from_ref(&id));
    let state = state.reduce(Action::AddRuleFile { name: "bad.toml".into(), text: "[rule]\nname = 3\n".into() });
    assert_eq!(state.rule_problems.len(), 1, "{:?}", state.rule_problems);
    assert!(matches!(state.rule_problems[0].kind, trailhound_engine::ProblemKind::Invalid(_)), "{:?}", state.rule_problems);
    assert_eq!(state.rule_problems[0].sources, ["bad.toml"]);
    assert_eq!(state.rule_config().disabled, [id], "switches survive a reload");
    let state = state.reduce(Action::RemoveRuleFile("bad.toml".into()));
    assert!(state.rule_problems.is_empty());
}

/// A rule file holding a copy of a built-in rule replaces it (the same version: the file wins) and
/// the panel is told which copy is used; removing the file brings the built-in copy back.
#[test]
fn a_copy_of_a_builtin_rule_replaces_it_and_says_so() {
    let state = State::new();
    let seed = trailhound_engine::rules::BUILTIN_FILES.iter().find(|(name, _)| name.starts_with("defense_evasion_s3_bucket_configuration"));
    let (count, text) = (state.rules.len(), seed.expect("the seed rule is built in").1.to_string());
    let state = state.reduce(Action::AddRuleFile { name: "copy.toml".into(), text });
    assert_eq!((state.rules.len(), state.rule_problems.len()), (count, 0));
    assert_eq!(state.rule_replacements.len(), 1);
    assert!(state.rule_replacements[0].contains("using copy.toml (version 208)"), "{:?}", state.rule_replacements);
    assert!(state.rules.iter().any(|r| r.rule.source == "copy.toml" && !r.builtin), "the copy in use is the user's, not built in");
    let state = state.reduce(Action::RemoveRuleFile("copy.toml".into()));
    assert!(state.rule_replacements.is_empty());
    assert!(state.rules.iter().all(|r| r.rule.source != "copy.toml" && r.builtin));
}

/// A batch rebuilds the table's rows once, at its end, and ends where the same actions one by one
/// end (a batch inside a batch included).
#[test]
fn a_batch_ends_where_its_actions_one_by_one_end() {
    let done = |id: usize, alerts: Vec<TextAlert>| Action::FileDone { id, report: scanned(10, alerts.len()), alerts, now_ms: 1.0 };
    let actions = || {
        vec![
            done(1, vec![alert("3", "carol"), alert("1", "alice")]),
            Action::SortBy(view::Column::Actor),
            Action::Batch(vec![done(0, vec![alert("2", "bob")]), Action::SetFilterText("o".into())]),
        ]
    };
    let start = queue(State::default(), &["a.json", "b.json"]);
    let one_by_one = actions().into_iter().fold(start.clone(), State::reduce);
    let batched = start.reduce(Action::Batch(actions()));
    assert_eq!(batched.rows, one_by_one.rows);
    assert_eq!(view::alert_indices(&batched.rows), [1, 2, 0], "alice, bob, carol: by actor");
    assert!(!batched.rows_stale && !batched.batching);
}

#[test]
fn a_files_alerts_show_before_it_is_done() {
    let state = queue(State::default(), &["big.json"]);
    let state = state.reduce(Action::Alerts { id: 0, alerts: vec![alert("1", "alice"), alert("2", "bob")], now_ms: 10.0 });
    assert_eq!((state.phase, state.rows.len(), state.files[0].status()), (Phase::Scanning, 2, "queued"));
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(10, 3), alerts: vec![alert("3", "carol")], now_ms: 20.0 });
    assert_eq!((state.phase, state.rows.len(), state.files[0].status()), (Phase::Done, 3, "scanned"));
}

/// The second stage decides again when files are added: its new alerts replace those it decided
/// before, the first stage's stay, and a selection on a kept alert follows it.
#[test]
fn a_second_decision_replaces_the_first_and_keeps_the_scans_alerts() {
    let state = queue(State::default(), &["a.json"]);
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(3, 1), alerts: vec![alert("1", "alice")], now_ms: 1.0 });
    let report = StageReport { candidates: 4, alerts: 2, ..StageReport::default() };
    let state = state.reduce(Action::Decided { alerts: vec![alert("2", "bob"), alert("3", "carol")], report, now_ms: 2.0 });
    assert_eq!(state.alerts.len(), 3);
    assert_eq!(state.stage.as_ref().map(|s| s.alerts), Some(2));
    // More files: the first stage adds an alert, then the stage decides again over everything.
    let state = queue(state, &["b.json"]);
    let state = state.reduce(Action::FileDone { id: 1, report: scanned(1, 1), alerts: vec![alert("4", "dave")], now_ms: 3.0 });
    let state = state.reduce(Action::Select(Some(3)));
    let state = state.reduce(Action::Decided { alerts: vec![alert("5", "erin")], report: StageReport::default(), now_ms: 4.0 });
    let ids: Vec<String> = state.alerts.iter().map(|a| a.event.event_id.clone().unwrap_or_default()).collect();
    assert_eq!(ids, ["1", "4", "5"]);
    assert_eq!(state.suppressed.len(), 3);
    assert_eq!(state.selected, Some(1), "the selected alert (event 4) moved up");
    assert_eq!(state.rows.len(), 3);
    let state = state.reduce(Action::Reset);
    assert!(state.decided.is_empty() && state.stage.is_none());
}

/// The schedule switches go with the rules the workers get, and offer a rescan.
#[test]
fn schedule_switches_reach_the_rule_config() {
    let state = queue(State::default(), &["a.json"]);
    let state = state.reduce(Action::ToggleEmulateSchedule).reduce(Action::ToggleLearnFirstHistory);
    let config = state.rule_config();
    assert!(config.emulate_schedule && config.learn_first_history && state.rules_changed);
    let back = State::default().reduce(Action::LoadRuleConfig(config));
    assert!(back.emulate_schedule && back.learn_first_history);
}

/// The record limit goes with the rules the workers get (as the engine's limit), offers a rescan
/// when it changes, and a configuration saved before it existed reads as the engine's default.
#[test]
fn the_record_limit_reaches_the_workers() {
    let state = queue(State::default(), &["a.json"]);
    assert_eq!(state.rule_config().limits().max_record_bytes, trailhound_engine::input::MAX_RECORD_BYTES);
    let same = state.clone().reduce(Action::SetMaxRecordMib(2));
    assert!(!same.rules_changed, "the default chosen again changes nothing");
    let state = state.reduce(Action::SetMaxRecordMib(16));
    let config = state.rule_config();
    assert_eq!((config.max_record_mib, config.limits().max_record_bytes, state.rules_changed), (16, 16 << 20, true));
    let back = State::default().reduce(Action::LoadRuleConfig(config));
    assert_eq!(back.record_mib(), 16);
    let old: crate::messages::RuleConfig = serde_json::from_str(r#"{"files":[],"disabled":[]}"#).expect("an old configuration");
    assert_eq!(old.max_record_mib, 2);
    assert_eq!(State::default().reduce(Action::SetMaxRecordMib(1000)).record_mib(), 64, "at most 64 MiB");
}

/// Kept GeoIP databases go with the rules the workers get, one of a kind, and a change offers a
/// rescan; a configuration saved before they existed reads as none.
#[test]
fn geoip_databases_reach_the_workers_one_of_a_kind() {
    use crate::geoip::GeoIpInfo;
    let db = |name: &str, kind: &str| GeoIpInfo {
        name: name.into(),
        database_type: format!("GeoLite2-{kind}"),
        kinds: vec![kind.into()],
        build_epoch: 0,
        bytes: 1,
    };
    let state = queue(State::default(), &["a.json"]);
    let state = state.reduce(Action::AddGeoIp(db("city-2025.mmdb", "City"))).reduce(Action::AddGeoIp(db("asn.mmdb", "ASN")));
    assert!(state.rules_changed);
    let state = state.reduce(Action::AddGeoIp(db("city-2026.mmdb", "City")));
    let names: Vec<String> = state.rule_config().geoip.iter().map(|g| g.name.clone()).collect();
    assert_eq!(names, ["asn.mmdb", "city-2026.mmdb"], "the newer City database replaced the older");
    let back = State::default().reduce(Action::LoadRuleConfig(state.rule_config()));
    assert_eq!(back.geoip, state.geoip);
    let fresh = queue(State::default(), &["a.json"]).reduce(Action::RemoveGeoIp("nothing.mmdb".into()));
    assert!(!fresh.rules_changed, "removing what is not kept changes nothing");
    let state = state.reduce(Action::RemoveGeoIp("asn.mmdb".into()));
    assert_eq!(state.rule_config().geoip.len(), 1);
    let old: crate::messages::RuleConfig = serde_json::from_str(r#"{"files":[],"disabled":[]}"#).expect("an old configuration");
    assert!(old.geoip.is_empty());
}

#[test]
fn an_attack_technique_shows_its_alerts_on_the_alerts_tab() {
    let state = queue(State::default(), &["a.json"]);
    let mut evasion = alert("1", "alice");
    evasion.rule.techniques =
        vec![trailhound_engine::rules::Mitre { id: "T1562".into(), name: "Impair Defenses".into(), reference: String::new() }];
    let alerts = vec![evasion, alert("2", "bob")];
    let state = state.reduce(Action::FileDone { id: 0, report: scanned(2, 2), alerts, now_ms: 1.0 }).reduce(Action::SetTab(Tab::Attack));
    let state = state.reduce(Action::ShowTechnique(Some("T1562".into())));
    assert_eq!(state.tab, Tab::Alerts);
    let shown: Vec<_> = state.visible_alerts().iter().map(|a| a.event.user_name.clone()).collect();
    assert_eq!(shown, [Some("alice".to_string())]);
    let state = state.reduce(Action::ShowTechnique(Some("T1098".into())));
    assert!(state.visible_alerts().is_empty(), "no alert names that technique");
    let state = state.reduce(Action::ClearFilters);
    assert_eq!((state.filter.technique.clone(), state.visible_alerts().len()), (None, 2));
}

#[test]
fn the_attack_matrix_counts_each_rules_alerts_and_leaves_suppressed_ones_out() {
    let text = r#"
[rule]
rule_id = "r1"
name = "Rule one"
description = "d"
risk_score = 21
severity = "low"
type = "query"
query = "event.action:StopLogging"
[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1562"
name = "Impair Defenses"
[rule.threat.tactic]
id = "TA0005"
name = "Defense Evasion"
"#;
    let loaded = trailhound_engine::load_text("r1.toml", text);
    let rule = loaded.rules.first().expect("the rule loads");
    let alerts: Vec<Rc<TextAlert>> = vec![Rc::new(alert("1", "alice")), Rc::new(alert("2", "bob"))];
    let columns = crate::attack::matrix([(rule, true)], &alerts, &[None, Some(0)]);
    let evasion = columns.iter().find(|c| c.id == "TA0005").expect("defense evasion");
    let cell = &evasion.cells[0];
    assert_eq!((cell.id.as_str(), cell.alerts, cell.rules[0].alerts), ("T1562", 1, 1), "the suppressed alert is left out");
    assert!(columns.iter().filter(|c| c.id != "TA0005").all(|c| c.cells.is_empty()));
}

#[test]
fn the_scanner_memory_shown_is_the_most_any_worker_reported() {
    let state = State::new();
    assert_eq!(state.progress.scanner_memory, 0);
    let state = [40 << 20, 90 << 20, 60 << 20].into_iter().fold(state, |s, bytes| s.reduce(Action::ScannerMemory { bytes }));
    assert_eq!(state.progress.scanner_memory, 90 << 20);
    assert_eq!(state.reduce(Action::Reset).progress.scanner_memory, 0, "a fresh start forgets it");
}

#[test]
fn a_pivot_opens_the_events_tab_with_its_query_and_a_reset_forgets_the_mark() {
    let hunt = Hunt { query: "source.address:\"10.0.0.1\"".into(), at: Some(5), span: Some(3_600_000), mark: Some(("a.json".into(), 3)) };
    let state = State::new().reduce(Action::Hunt(hunt.clone()));
    assert_eq!((state.tab, &state.hunt), (Tab::Events, &hunt));
    let state = state.reduce(Action::SetTab(Tab::Alerts)).reduce(Action::Reset);
    assert_eq!(state.hunt.mark, None, "the marked event was the last scan's");
    assert_eq!(state.hunt.query, hunt.query, "the query stays for the next scan");
}

/// The rules panel's bulk switches turn on or off exactly the rules its filter lists, and the
/// switches are kept as any other.
#[test]
fn bulk_switches_take_the_listed_rules_only() {
    let state = State::new();
    let total = state.rules.len();
    let filter = crate::rule_filter::RuleFilter { kind: "threshold".into(), ..Default::default() };
    let listed: Vec<String> = state.rules.iter().filter(|e| filter.matches(e)).map(|e| e.rule.rule_id.clone()).collect();
    assert!(listed.len() > 1 && listed.len() < total);
    let state = state.reduce(Action::FilterRules(filter)).reduce(Action::SetListedRules(false));
    let mut off = state.rule_config().disabled;
    off.sort();
    let mut want = listed.clone();
    want.sort();
    assert_eq!(off, want);
    let state = state.reduce(Action::SetListedRules(true));
    assert!(state.rule_config().disabled.is_empty());
    assert_eq!(state.rules.len(), total);
}

/// A rule a correlation switches off reads as off; switched on by hand it runs (its switch is
/// kept), and without the correlation's file it is on again as loaded.
#[test]
fn a_rule_off_as_loaded_runs_when_switched_on() {
    let rules = "title: listed\nid: id-listed\nname: listed\nlogsource: { product: aws, service: cloudtrail }\n\
                 detection:\n  selection: { eventName: ListUsers }\n  condition: selection\n";
    let correlation =
        "title: burst\nid: id-burst\ncorrelation:\n  type: event_count\n  rules: [listed]\n  timespan: 5m\n  condition: { gte: 3 }\n";
    let on = |state: &State, id: &str| state.rules.iter().find(|e| e.rule.rule_id == id).map(|e| e.enabled);
    let runs = |state: &State, id: &str| state.rule_config().enabled_rules().iter().any(|r| r.rule_id == id);
    let state = State::new()
        .reduce(Action::AddRuleFile { name: "listed.yml".into(), text: rules.into() })
        .reduce(Action::AddRuleFile { name: "burst.yml".into(), text: correlation.into() });
    assert_eq!((on(&state, "id-listed"), on(&state, "id-burst")), (Some(false), Some(true)));
    assert!(!runs(&state, "id-listed") && runs(&state, "id-burst"));
    let state = state.reduce(Action::ToggleRule("id-listed".into()));
    assert_eq!(state.rule_config().enabled, ["id-listed"]);
    assert!(runs(&state, "id-listed"), "switched on, it runs");
    let state = state.reduce(Action::ToggleRule("id-listed".into())).reduce(Action::RemoveRuleFile("burst.yml".into()));
    assert_eq!(on(&state, "id-listed"), Some(true), "without the correlation it is on as loaded");
    assert!(state.rule_config().disabled.is_empty() && state.rule_config().enabled.is_empty());
}
