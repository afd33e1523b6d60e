//! EQL property tests: the compiled matcher agrees with the reference evaluator on random queries
//! (every operator and function, nested `and`/`or`/`not`) over random documents (missing, null,
//! scalar and multi-valued fields); the parser never panics, on random text or on random token soup;
//! deep nesting is refused; completed sequences respect order, join keys and maxspan.

use proptest::prelude::*;
use serde_json::{Value, json};
use trailhound_engine::Document;
use trailhound_engine::eql::ast::QueryAst;
use trailhound_engine::eql::eval::matches_event;
use trailhound_engine::eql::{Query, run_sequence};

const FIELDS: &[&str] = &["a", "b", "c.d", "tags", "?opt"];

fn field() -> impl Strategy<Value = String> {
    prop::sample::select(FIELDS).prop_map(str::to_string)
}

/// A string constant, written as EQL text (wildcards, case and escapes included).
fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&["x", "X", "xy", "1", "10", "", "10.1.2.3", "é", "É"][..]).prop_map(str::to_string),
        "[xXy1*?]{0,3}",
        Just("x\\\\*".to_string()),
    ]
    .prop_map(|s| format!("\"{s}\""))
}

fn number() -> impl Strategy<Value = String> {
    prop::sample::select(&["0", "1", "5", "10", "-1", "2.5", "1e1"][..]).prop_map(str::to_string)
}

fn constant() -> impl Strategy<Value = String> {
    prop_oneof![4 => string(), 3 => number(), 1 => prop::sample::select(&["true", "false", "null"][..]).prop_map(str::to_string)]
}

fn regex() -> impl Strategy<Value = String> {
    prop::sample::select(&["x.*", "[a-z]+", "x|1", "1[0-9]?", ".", "X?y*", "\\\"x*\\\"", "@", "\\\\d+"][..])
        .prop_map(|r| format!("\"{r}\""))
}

fn list(item: BoxedStrategy<String>) -> impl Strategy<Value = String> {
    prop::collection::vec(item, 1..4).prop_map(|items| format!("({})", items.join(", ")))
}

/// A leaf condition.
fn leaf() -> BoxedStrategy<String> {
    let op = || prop::sample::select(&["==", "!=", "<", "<=", ">", ">="][..]);
    prop_oneof![
        (field(), op(), constant()).prop_map(|(f, o, c)| format!("{f} {o} {c}")),
        (constant(), op(), field()).prop_map(|(c, o, f)| format!("{c} {o} {f}")),
        (field(), prop_oneof![string(), list(string().boxed())]).prop_map(|(f, p)| format!("{f} : {p}")),
        (field(), prop::sample::select(&["like", "like~"][..]), prop_oneof![string(), list(string().boxed())])
            .prop_map(|(f, o, p)| format!("{f} {o} {p}")),
        (field(), prop::sample::select(&["regex", "regex~"][..]), prop_oneof![regex(), list(regex().boxed())])
            .prop_map(|(f, o, p)| format!("{f} {o} {p}")),
        (field(), prop::sample::select(&["in", "in~", "not in", "not in~"][..]), list(string().boxed()))
            .prop_map(|(f, o, l)| format!("{f} {o} {l}")),
        (field(), prop::sample::select(&["in", "not in"][..]), list(constant().boxed())).prop_map(|(f, o, l)| format!("{f} {o} {l}")),
        (
            prop::sample::select(&["startsWith", "startsWith~", "endsWith", "endsWith~", "stringContains", "stringContains~"][..]),
            field(),
            string()
        )
            .prop_map(|(func, f, s)| format!("{func}({f}, {s})")),
        (field(), prop::collection::vec(string(), 1..3)).prop_map(|(f, p)| format!("wildcard({f}, {})", p.join(", "))),
        field().prop_map(|f| format!("cidrMatch({f}, \"10.0.0.0/8\", \"::1\")")),
        (field(), op(), number()).prop_map(|(f, o, n)| format!("length({f}) {o} {n}")),
        (field(), field(), string()).prop_map(|(f, g, s)| format!("concat({f}, {g}) == {s}")),
        (field(), number(), string()).prop_map(|(f, n, s)| format!("substring({f}, {n}) == {s}")),
        (field(), string(), number()).prop_map(|(f, s, n)| format!("indexOf~({f}, {s}) == {n}")),
        (prop::sample::select(&["add", "subtract", "multiply", "divide", "modulo"][..]), field(), number(), op(), number())
            .prop_map(|(func, f, a, o, b)| format!("{func}({f}, {a}) {o} {b}")),
        (field(), string(), string(), string()).prop_map(|(f, l, r, s)| format!("between({f}, {l}, {r}) == {s}")),
        (field(), string()).prop_map(|(f, s)| format!("stringContains(concat({f}, \"\"), {s})")),
        (field(), field()).prop_map(|(f, g)| format!("number({f}) == null or string({g}) != null")),
        field(),
    ]
    .boxed()
}

fn condition() -> impl Strategy<Value = String> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| items.join(" and ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| format!("({})", items.join(" or "))),
            inner.prop_map(|c| format!("not ({c})")),
        ]
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(&["x", "X", "xy", "1", "10", "", "10.1.2.3", "é", "x*", "yx1", "5"][..]).prop_map(|s| json!(s)),
        (-2i64..12).prop_map(|n| json!(n)),
        Just(json!(2.5)),
        any::<bool>().prop_map(|b| json!(b)),
    ]
}

fn field_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(Value::Null)),
        4 => scalar().prop_map(Some),
        2 => prop::collection::vec(prop_oneof![4 => scalar(), 1 => Just(Value::Null)], 0..3).prop_map(|v| Some(Value::Array(v))),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    (
        field_value(),
        field_value(),
        field_value(),
        field_value(),
        field_value(),
        prop::option::of(prop::sample::select(&["iam", "network"][..])),
    )
        .prop_map(|(a, b, d, tags, opt, category)| {
            let mut doc = serde_json::Map::new();
            for (name, v) in [("a", a), ("b", b), ("tags", tags), ("opt", opt)] {
                if let Some(v) = v {
                    doc.insert(name.to_string(), v);
                }
            }
            if let Some(d) = d {
                doc.insert("c".into(), json!({ "d": d }));
            }
            if let Some(c) = category {
                doc.insert("event".into(), json!({ "category": [c] }));
            }
            Value::Object(doc)
        })
}

const SOUP: &[&str] = &[
    "any",
    "iam",
    "where",
    "sequence",
    "by",
    "with",
    "maxspan",
    "=",
    "5m",
    "until",
    "[",
    "]",
    "(",
    ")",
    ",",
    "a",
    "b.c",
    "?a",
    "==",
    "!=",
    "<",
    ">=",
    ":",
    "in",
    "in~",
    "not",
    "and",
    "or",
    "like",
    "regex~",
    "\"x*\"",
    "\"\"\"r\"\"\"",
    "1",
    "-2.5",
    "true",
    "null",
    "length",
    "startsWith~",
    "cidrMatch",
    "\"10.0.0.0/8\"",
    "|",
    "!",
    "~",
    "`q`",
    "\"[\"",
    "\"a&b\"",
    "'",
    "/*",
    "\\",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn compiled_matcher_agrees_with_the_reference(category in prop::sample::select(&["any", "iam"][..]), cond in condition(), doc in document()) {
        let text = format!("{category} where {cond}");
        let q = Query::parse(&text).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        let QueryAst::Event(event) = q.ast() else { return Err(TestCaseError::fail("not an event query")) };
        prop_assert_eq!(q.matches(&doc), matches_event(event, "event.category", &doc), "{} on {}", text, doc);
    }

    #[test]
    fn the_parser_never_panics_on_text(text in "\\PC{0,60}") {
        let _ = Query::parse(&text);
    }

    #[test]
    fn the_parser_never_panics_on_token_soup(tokens in prop::collection::vec(prop::sample::select(SOUP), 0..25)) {
        let text = tokens.join(" ");
        if let Err(e) = Query::parse(&text) {
            prop_assert!(e.span.end <= text.len() && e.span.start <= e.span.end, "span {:?} of {}", e.span, text);
            let _ = e.to_string();
        }
    }

    #[test]
    fn completed_sequences_respect_order_keys_and_maxspan(
        events in prop::collection::vec((0i64..5_000, prop::sample::select(&["A", "B", "C", "S"][..]), prop::sample::select(&["u", "v"][..])), 0..40)
    ) {
        let mut events = events;
        events.sort_by_key(|e| e.0);
        let docs: Vec<(i64, Value)> = events.iter().map(|(t, a, u)| (*t, json!({"event": {"action": a}, "user": u}))).collect();
        let refs: Vec<(i64, &dyn Document)> = docs.iter().map(|(t, d)| (*t, d as &dyn Document)).collect();
        let q = Query::parse("sequence by user with maxspan=1s [any where event.action == \"A\"] [any where event.action : \"b\"] [any where event.action in (\"C\")] until [any where event.action == \"S\"]").expect("parses");
        let seq = q.sequence().expect("sequence");
        let found = run_sequence(seq, &refs);
        let mut used = std::collections::HashSet::new();
        for s in &found {
            prop_assert_eq!(s.len(), 3);
            prop_assert!(s.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(docs[s[2]].0 - docs[s[0]].0 <= 1000);
            for (step, &i) in s.iter().enumerate() {
                prop_assert!(seq.steps()[step].matches(&docs[i].1));
                prop_assert_eq!(seq.steps()[step].join_key(&docs[i].1), seq.steps()[0].join_key(&docs[s[0]].1));
                prop_assert!(used.insert((step, i)), "event {} fills step {} twice", i, step);
            }
            // No `until` event of the key between the first and last event.
            let key = &events[s[0]].2;
            prop_assert!(!(s[0]..s[2]).any(|i| events[i].1 == "S" && events[i].2 == *key));
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("any where {}a == 1{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = Query::parse(&deep).expect_err("too deep");
    assert_eq!(e.message, "The query nests too deeply.");
    let nots = format!("any where {}a", "not ".repeat(10_000));
    assert!(Query::parse(&nots).is_err());
    let minus = format!("any where a == {}1", "-".repeat(10_000));
    assert!(Query::parse(&minus).is_err());
}
