//! Properties of the KQL engine: the parser never panics, printing is a fixpoint that parses back
//! to the same tree, and the compiled matcher agrees with the reference evaluator.

use proptest::prelude::*;
use serde_json::{Value, json};
use trailhound::kql::ast::{Expr, Part, RangeOp, Value as Lit, ValueExpr};
use trailhound::kql::{Query, eval};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("a".to_string()),
        Just("DeleteBucketPolicy".to_string()),
        Just("x y".to_string()),
        Just("or".to_string()),
        Just("not".to_string()),
        Just("and so".to_string()),
        Just("(:)".to_string()),
        Just("\\*\"".to_string()),
        Just(" lead".to_string()),
        Just("\not".to_string()),
        Just("21".to_string()),
        Just("true".to_string()),
        Just("2026-03-02".to_string()),
        "[a-c ]{1,4}",
    ]
}

fn literal() -> impl Strategy<Value = Lit> {
    prop_oneof![
        text().prop_map(Lit::Quoted),
        prop::collection::vec(prop_oneof![text().prop_map(Part::Text), Just(Part::Wildcard)], 1..4).prop_map(|parts| {
            // Adjacent texts or wildcards merge when parsed: keep them alternating.
            let mut out: Vec<Part> = Vec::new();
            for p in parts {
                match (out.last(), &p) {
                    (Some(Part::Wildcard), Part::Wildcard) | (Some(Part::Text(_)), Part::Text(_)) => {}
                    _ => out.push(p),
                }
            }
            Lit::Unquoted(out)
        }),
    ]
}

fn field() -> impl Strategy<Value = Lit> {
    prop_oneof![
        Just(Lit::Unquoted(vec![Part::Text("a".into())])),
        Just(Lit::Unquoted(vec![Part::Text("b".into())])),
        Just(Lit::Unquoted(vec![Part::Text("user.name".into())])),
        Just(Lit::Unquoted(vec![Part::Text("n".into())])),
        Just(Lit::Unquoted(vec![Part::Text("user.".into()), Part::Wildcard])),
    ]
}

fn values() -> impl Strategy<Value = ValueExpr> {
    literal().prop_map(ValueExpr::One).prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(ValueExpr::Or),
            prop::collection::vec(inner.clone(), 2..4).prop_map(ValueExpr::And),
            inner.prop_map(|v| ValueExpr::Not(Box::new(v))),
        ]
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    let op = prop_oneof![Just(RangeOp::Lt), Just(RangeOp::Lte), Just(RangeOp::Gt), Just(RangeOp::Gte)];
    let leaf = prop_oneof![
        (field(), values()).prop_map(|(field, values)| Expr::Field { field, values }),
        (field(), op, literal()).prop_map(|(field, op, value)| Expr::Range { field, op, value }),
        literal().prop_map(Expr::Bare),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::Or),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            inner.prop_map(|e| Expr::Nested { field: Lit::Unquoted(vec![Part::Text("user".into())]), query: Box::new(e) }),
        ]
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("a")),
        Just(json!("DeleteBucketPolicy")),
        Just(json!("x y")),
        Just(json!("or")),
        Just(json!(21)),
        Just(json!(true)),
        Just(json!("2026-03-02T00:00:00Z")),
        Just(Value::Null),
        "[a-c ]{0,4}".prop_map(Value::String),
    ]
}

fn doc() -> impl Strategy<Value = Value> {
    let v = prop_oneof![scalar(), prop::collection::vec(scalar(), 0..3).prop_map(Value::Array)];
    (prop::option::of(v.clone()), prop::option::of(v.clone()), prop::option::of(v.clone()), prop::option::of(v)).prop_map(
        |(a, b, name, n)| {
            let mut doc = serde_json::Map::new();
            for (key, value) in [("a", a), ("b", b), ("n", n)] {
                if let Some(value) = value {
                    doc.insert(key.into(), value);
                }
            }
            if let Some(name) = name {
                doc.insert("user".into(), json!({ "name": name }));
            }
            Value::Object(doc)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn printing_parses_back_to_a_fixpoint(e in expr()) {
        let printed = e.to_string();
        let q = Query::parse(&printed).map_err(|err| TestCaseError::fail(format!("{printed:?} does not parse:\n{err}")))?;
        prop_assert_eq!(q.to_string(), printed.clone(), "{:?}", q.ast());
        prop_assert_eq!(Query::parse(&q.to_string()).map(|again| again.ast().clone()).ok(), Some(q.ast().clone()));
    }

    #[test]
    fn the_compiled_matcher_agrees_with_the_reference(e in expr(), d in doc()) {
        let q = Query::parse(&e.to_string()).map_err(|err| TestCaseError::fail(err.to_string()))?;
        prop_assert_eq!(q.matches(&d), eval::matches(q.ast(), &d), "query {} on {}", q, d);
    }

    #[test]
    fn the_parser_never_panics(s in "\\PC{0,64}") {
        let _ = Query::parse(&s);
    }

    #[test]
    fn the_parser_never_panics_on_kql_shaped_noise(s in "[a-z:()\"\\\\*<>={} .]{0,48}") {
        if let Ok(q) = Query::parse(&s) {
            let _ = q.matches(&json!({"a": "b"}));
            let _ = Query::parse(&q.to_string());
        }
    }
}
