//! KQL as data: every case in `tests/fixtures/kql/cases.toml` through the compiled matcher and the
//! reference evaluator, the exact rendering of parse errors, and the parse → print → parse round trip.

use serde::Deserialize;
use serde_json::Value;
use trailhound::kql::{Query, eval};

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    query: String,
    doc: Option<String>,
    expected: Option<bool>,
    error: Option<String>,
}

fn cases() -> Vec<Case> {
    let text = include_str!("fixtures/kql/cases.toml");
    toml::from_str::<Cases>(text).expect("cases.toml is valid").case
}

#[test]
fn every_case_gives_its_expected_answer_in_both_evaluators() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 80, "the case file should cover the language ({} cases)", all.len());
    for case in &all {
        match (&case.expected, &case.error) {
            (Some(expected), None) => {
                let doc: Value = serde_json::from_str(case.doc.as_deref().unwrap_or("{}")).expect("case doc is JSON");
                match Query::parse(&case.query) {
                    Err(e) => failures.push(format!("{}: does not parse:\n{e}", case.name)),
                    Ok(q) => {
                        let compiled = q.matches(&doc);
                        let reference = eval::matches(q.ast(), &doc);
                        if compiled != *expected || reference != *expected {
                            failures.push(format!("{}: expected {expected}, compiled {compiled}, reference {reference}", case.name));
                        }
                    }
                }
            }
            (None, Some(error)) => match Query::parse(&case.query) {
                Ok(q) => failures.push(format!("{}: should not parse, parsed as {:?}", case.name, q.ast())),
                Err(e) if e.to_string() != *error => failures.push(format!("{}: error text\n{e}\n-- expected --\n{error}", case.name)),
                Err(_) => {}
            },
            _ => failures.push(format!("{}: needs exactly one of `expected` and `error`", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn every_parsable_case_round_trips_through_the_printer() {
    for case in cases().iter().filter(|c| c.error.is_none()) {
        let q = Query::parse(&case.query).expect("parses");
        let printed = q.to_string();
        let again = Query::parse(&printed).unwrap_or_else(|e| panic!("{}: printed form does not parse: {printed:?}\n{e}", case.name));
        assert_eq!(q.ast(), again.ast(), "{}: printed as {printed:?}", case.name);
        assert_eq!(again.to_string(), printed, "{}: printing is idempotent", case.name);
    }
}

#[test]
fn canonical_form_of_the_seed_query() {
    let q = Query::parse(
        "event.dataset:aws.cloudtrail and\n  event.action:(DeleteBucketPolicy or\n DeleteBucketCors)\n and event.outcome:success\n",
    )
    .unwrap();
    assert_eq!(
        q.to_string(),
        "event.dataset:aws.cloudtrail and event.action:(DeleteBucketPolicy or DeleteBucketCors) and event.outcome:success"
    );
    assert_eq!(q.fields(), ["event.dataset", "event.action", "event.outcome"]);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}a:1{}", "(".repeat(100_000), ")".repeat(100_000));
    let e = Query::parse(&deep).expect_err("too deep");
    assert!(e.message.contains("nests deeper than"), "{e}");
    let nots = format!("{}a:1", "not ".repeat(100_000));
    assert!(Query::parse(&nots).is_err());
}
