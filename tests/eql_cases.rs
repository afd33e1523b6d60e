//! Runs every case in `tests/fixtures/eql/cases.toml`: an event query against a JSON document through
//! the compiled matcher and the reference evaluator (both must give `expected`), or a query whose
//! parse error must render exactly as `error`. All failures are collected and reported together.

use serde::Deserialize;
use serde_json::Value;
use trailhound_engine::eql::ast::QueryAst;
use trailhound_engine::eql::eval::matches_event;
use trailhound_engine::eql::{Options, Query};

#[derive(Deserialize)]
struct Case {
    name: String,
    query: String,
    /// A JSON document, for match cases.
    doc: Option<String>,
    expected: Option<bool>,
    /// The exact rendered parse error.
    error: Option<String>,
    /// The category field, when not `event.category`.
    category_field: Option<String>,
}

fn cases() -> Vec<Case> {
    trailhound_testkit::cases("tests/fixtures/eql/cases.toml")
}

fn check(case: &Case) -> Result<(), String> {
    let options = Options { category_field: case.category_field.clone().unwrap_or_else(|| Options::default().category_field) };
    let parsed = Query::parse_with(&case.query, &options);
    if let Some(want) = &case.error {
        return match parsed {
            Ok(_) => Err(format!("parsed, wanted error:\n{want}")),
            Err(e) if e.to_string() == *want => Ok(()),
            Err(e) => Err(format!("error was:\n{e}\nwanted:\n{want}")),
        };
    }
    let q = parsed.map_err(|e| format!("parse error:\n{e}"))?;
    let (Some(doc), Some(expected)) = (&case.doc, case.expected) else {
        return Err("a case needs `doc` and `expected`, or `error`".into());
    };
    let doc: Value = serde_json::from_str(doc).map_err(|e| format!("bad JSON: {e}"))?;
    let QueryAst::Event(event) = q.ast() else { return Err("cases are event queries".into()) };
    let results = [("compiled", q.matches(&doc)), ("reference", matches_event(event, &options.category_field, &doc))];
    let wrong: Vec<String> = results.iter().filter(|(_, got)| *got != expected).map(|(how, got)| format!("{how} gave {got}")).collect();
    if wrong.is_empty() { Ok(()) } else { Err(format!("expected {expected}: {}", wrong.join(", "))) }
}

#[test]
fn every_case_holds_for_both_engines() {
    let cases = cases();
    assert!(cases.len() >= 80, "only {} cases", cases.len());
    let mut names = std::collections::HashSet::new();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            if !names.insert(c.name.clone()) {
                return Some(format!("duplicate case name {}", c.name));
            }
            check(c).err().map(|e| format!("[{}] {}\n  {}", c.name, c.query, e.replace('\n', "\n  ")))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
