//! Unit tests of the EQL module's public API: parsing into the tree, compiled strategies, the
//! category field, and the sequence state machine.

use super::ast::{Expr, Literal};
use super::compile::{Matcher, Test};
use super::*;
use serde_json::{Value as Json, json};

fn q(text: &str) -> Query {
    Query::parse(text).unwrap_or_else(|e| panic!("{text}:\n{e}"))
}

fn seq(text: &str) -> Sequence {
    q(text).sequence().expect("a sequence").clone()
}

/// Runs the sequence over documents at the given timestamps (ms).
fn run(s: &Sequence, events: &[(i64, Json)]) -> Vec<Vec<usize>> {
    let refs: Vec<(i64, &dyn Document)> = events.iter().map(|(t, d)| (*t, d as &dyn Document)).collect();
    run_sequence(s, &refs)
}

fn ev(action: &str, user: &str) -> Json {
    json!({"event": {"action": action, "category": ["iam"]}, "user": {"name": user}})
}

#[test]
fn event_queries_expose_category_and_match() {
    let query = q("iam where event.action == \"CreateUser\"");
    assert!(!query.is_sequence() && query.sequence().is_none());
    assert_eq!(query.category(), Some(&Category::Named("iam".into())));
    assert!(query.matches(&ev("CreateUser", "a")));
    assert!(!query.matches(&json!({"event": {"action": "CreateUser", "category": "network"}})));
    let any = q("any where true");
    assert_eq!(any.category(), Some(&Category::Any));
    assert!(any.matches(&json!({})));
}

#[test]
fn the_category_field_is_configurable() {
    let options = Options { category_field: "event.type".into() };
    let query = Query::parse_with("change where true", &options).expect("parses");
    assert!(query.matches(&json!({"event": {"type": ["info", "change"]}})));
    assert!(!query.matches(&json!({"event": {"category": "change"}})));
}

#[test]
fn constants_move_right_and_fold() {
    let query = q("any where 5 < n and n != 1 + 1");
    let QueryAst::Event(e) = query.ast() else { panic!() };
    let Expr::And(items) = &e.condition else { panic!("{:?}", e.condition) };
    let Expr::Compare { op, right, .. } = &items[0] else { panic!() };
    assert_eq!(*op, ast::CmpOp::Gt);
    assert!(matches!(&**right, Expr::Const(c) if c.value == Literal::Int(5)));
    let Expr::Compare { right, .. } = &items[1] else { panic!() };
    assert!(matches!(&**right, Expr::Const(c) if c.value == Literal::Int(2)));
    assert!(query.matches(&json!({"n": 6})) && !query.matches(&json!({"n": 2})));
}

#[test]
fn field_leaves_compile_to_prepared_tests() {
    let query = q("any where a in (\"x\", \"y\") and b like \"Delete*\" and c regex \"a.*\" and startsWith(d, \"p\") and e == null");
    let Some(Matcher::And(items)) = query.matcher() else { panic!("{:?}", query.matcher()) };
    assert!(matches!(&items[0], Matcher::Field { test: Test::In(_), .. }));
    assert!(matches!(&items[1], Matcher::Field { test: Test::Globs(_), .. }));
    assert!(matches!(&items[2], Matcher::Field { test: Test::Regex(_), .. }));
    assert!(matches!(&items[3], Matcher::Field { test: Test::Prefix { .. }, .. }));
    assert!(matches!(&items[4], Matcher::Not(inner) if matches!(**inner, Matcher::Exists(_))));
    assert!(matches!(q("any where length(a) > 2").matcher(), Some(Matcher::Leaf { .. })));
    assert!(matches!(q("any where 1 == 2").matcher(), Some(Matcher::False)));
}

#[test]
fn sequences_parse_keys_maxspan_and_until() {
    let s = seq(
        "sequence by user.name with maxspan=5m [iam where event.action == \"A\"] by source.ip [any where true] by client.ip until [any where event.action == \"Stop\"] by host.ip",
    );
    assert_eq!(s.maxspan_ms(), Some(300_000));
    assert_eq!(s.steps().len(), 2);
    assert_eq!(s.steps()[0].keys(), ["user.name", "source.ip"]);
    assert_eq!(s.steps()[1].keys(), ["user.name", "client.ip"]);
    assert_eq!(s.until().map(|u| u.keys().to_vec()), Some(vec!["user.name".to_string(), "host.ip".to_string()]));
    assert_eq!(s.steps()[0].category(), &Category::Named("iam".into()));
    for (text, ms) in [("1ms", 1), ("2s", 2_000), ("3h", 10_800_000), ("1d", 86_400_000)] {
        let s = seq(&format!("sequence with maxspan={text} [any where true] [any where true]"));
        assert_eq!(s.maxspan_ms(), Some(ms));
    }
    let s = seq("sequence with maxspan=1s by a [any where true] [any where true]");
    assert_eq!((s.maxspan_ms(), s.steps()[0].keys()), (Some(1000), &["a".to_string()][..]));
    assert!(!q("sequence [any where true] [any where true]").matches(&json!({})));
}

#[test]
fn join_keys_are_first_values_as_text() {
    let s = seq("sequence by user.name, n, ?opt [any where true] [any where true]");
    let step = &s.steps()[0];
    assert_eq!(step.optional_keys(), [false, false, true]);
    assert_eq!(
        step.join_key(&json!({"user": {"name": ["a", "b"]}, "n": 5})),
        Some(vec![Some("a".to_string()), Some("5".to_string()), None])
    );
    assert_eq!(step.join_key(&json!({"user": {"name": "a"}, "opt": "x"})), None, "a required key is missing");
}

/// The worked example of Elasticsearch's EQL syntax reference ("How sequence queries handle
/// matches"): users root and elkbee, states attrib → bash → cat.
#[test]
fn the_reference_state_machine_example() {
    let s = seq(
        "sequence by user.name [process where process.name == \"attrib\"] [process where process.name == \"bash\"] [process where process.name == \"cat\"]",
    );
    let rows = [
        ("root", "attrib"),
        ("root", "attrib"),
        ("elkbee", "bash"),
        ("root", "bash"),
        ("root", "bash"),
        ("elkbee", "attrib"),
        ("root", "attrib"),
        ("elkbee", "bash"),
        ("root", "cat"),
        ("elkbee", "cat"),
        ("root", "cat"),
    ];
    let events: Vec<(i64, Json)> = rows
        .iter()
        .enumerate()
        .map(|(i, (user, name))| (i as i64, json!({"user": {"name": user}, "process": {"name": name}, "event": {"category": "process"}})))
        .collect();
    // Documents 2, 4, 9 and 6, 8, 10 (1-based), in order of completion.
    assert_eq!(run(&s, &events), [vec![1, 3, 8], vec![5, 7, 9]]);
}

#[test]
fn a_sequence_completes_in_order_per_key() {
    let s = seq("sequence by user.name [any where event.action == \"A\"] [any where event.action == \"B\"]");
    let events = [(1, ev("A", "u1")), (2, ev("B", "u2")), (3, ev("A", "u2")), (4, ev("B", "u1")), (5, ev("B", "u2")), (6, ev("B", "u2"))];
    assert_eq!(run(&s, &events), [vec![0, 3], vec![2, 4]], "each sequence once; the last B finds none pending");
}

#[test]
fn the_most_recent_pending_sequence_overwrites_the_older() {
    let s =
        seq("sequence by user.name [any where event.action == \"A\"] [any where event.action == \"B\"] [any where event.action == \"C\"]");
    let events = [(1, ev("A", "u")), (2, ev("A", "u")), (3, ev("B", "u")), (4, ev("B", "u")), (5, ev("C", "u")), (6, ev("C", "u"))];
    assert_eq!(run(&s, &events), [vec![1, 2, 4]], "A@2 overwrites A@1; B@4 finds state A empty");
    // A later A waits in state A while an earlier sequence moves on.
    let events = [(1, ev("A", "u")), (2, ev("B", "u")), (3, ev("A", "u")), (4, ev("C", "u")), (5, ev("B", "u")), (6, ev("C", "u"))];
    assert_eq!(run(&s, &events), [vec![0, 1, 3], vec![2, 4, 5]]);
    // Moving into an occupied state overwrites it.
    let events = [(1, ev("A", "u")), (2, ev("B", "u")), (3, ev("A", "u")), (4, ev("B", "u")), (5, ev("C", "u"))];
    assert_eq!(run(&s, &events), [vec![2, 3, 4]]);
}

#[test]
fn maxspan_is_measured_from_the_first_event_inclusive() {
    let s = seq("sequence by user.name with maxspan=10s [any where event.action == \"A\"] [any where event.action == \"B\"]");
    let events = [(0, ev("A", "u")), (10_000, ev("B", "u"))];
    assert_eq!(run(&s, &events), [vec![0, 1]], "exactly maxspan is inside");
    let events = [(0, ev("A", "u")), (10_001, ev("B", "u"))];
    assert!(run(&s, &events).is_empty());
    // An expired pending sequence is dropped: a later B finds nothing.
    let events = [(0, ev("A", "u")), (12_000, ev("B", "u")), (13_000, ev("B", "u"))];
    assert!(run(&s, &events).is_empty());
}

#[test]
fn optional_join_keys_let_missing_values_join() {
    let s = seq("sequence by ?session [any where event.action == \"A\"] [any where event.action == \"B\"]");
    let events = [
        (1, json!({"event": {"action": "A"}})),
        (2, json!({"event": {"action": "B"}, "session": "s"})),
        (3, json!({"event": {"action": "B"}})),
    ];
    assert_eq!(run(&s, &events), [vec![0, 2]]);
}

#[test]
fn until_drops_the_open_sequences_of_its_key() {
    let s = seq(
        "sequence by user.name [any where event.action == \"A\"] [any where event.action == \"B\"] until [any where event.action == \"Stop\"]",
    );
    let events = [
        (1, ev("A", "u")),
        (2, ev("A", "v")),
        (3, ev("Stop", "u")),
        (4, ev("B", "u")),
        (5, ev("B", "v")),
        (6, ev("A", "u")),
        (7, ev("B", "u")),
    ];
    assert_eq!(run(&s, &events), [vec![1, 4], vec![5, 6]]);
}

#[test]
fn one_event_may_close_one_sequence_and_open_the_next() {
    let s = seq("sequence [any where true] [any where true]");
    let events = [(1, json!({})), (2, json!({})), (3, json!({}))];
    assert_eq!(run(&s, &events), [vec![0, 1], vec![1, 2]]);
}

#[test]
fn events_missing_a_key_take_no_part() {
    let s = seq("sequence by user.name [any where event.action == \"A\"] [any where event.action == \"B\"]");
    let events = [(1, json!({"event": {"action": "A"}})), (2, ev("A", "u")), (3, json!({"event": {"action": "B"}})), (4, ev("B", "u"))];
    assert_eq!(run(&s, &events), [vec![1, 3]]);
}

#[test]
fn per_step_keys_join_different_fields() {
    let s = seq("sequence [any where event.action == \"A\"] by user.name [any where event.action == \"B\"] by target.name");
    let events = [
        (1, ev("A", "alice")),
        (2, json!({"event": {"action": "B"}, "target": {"name": "bob"}})),
        (3, json!({"event": {"action": "B"}, "target": {"name": "alice"}})),
    ];
    assert_eq!(run(&s, &events), [vec![0, 2]]);
}

#[test]
fn sequence_errors_point_at_the_problem() {
    let e = Query::parse("sequence [any where true]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "A sequence needs at least two queries; expected \"[\" here.\nsequence [any where true]\n-------------------------^"
    );
    let e = Query::parse("sequence by a [any where true] by b [any where true]").unwrap_err();
    assert_eq!(e.span, 36..52);
    assert_eq!(e.message, "Every query of a sequence needs the same number of join keys: the first has 2, this one 1.");
    let e = Query::parse("sequence with maxspan=5 [any where true] [any where true]").unwrap_err();
    assert_eq!(e.message, "A time span needs a unit: ms, s, m, h or d (as in 5m).");
    let e = Query::parse("sequence with maxspan=5w [any where true] [any where true]").unwrap_err();
    assert_eq!(e.message, "Unknown time unit \"w\"; use ms, s, m, h or d.");
}
