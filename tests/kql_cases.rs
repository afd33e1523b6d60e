//! Runs every case in `tests/fixtures/kql/cases.toml` through the compiled matcher and the reference
//! evaluator (exact nested scopes and flat documents), checks the printed form round-trips, and checks
//! parse errors render exactly. All failures are collected and reported together.

use serde::Deserialize;
use serde_json::Value;
use trailhound_engine::kql::Query;
use trailhound_engine::kql::eval::evaluate;
use trailhound_engine::kql::scope::Flat;

#[derive(Deserialize)]
struct Case {
    name: String,
    query: String,
    /// A JSON document; absent for pure parse/print cases.
    doc: Option<String>,
    expected: Option<bool>,
    /// The result through `Query::matches` on a plain document, when nested approximation differs.
    flat: Option<bool>,
    /// The exact canonical printing.
    canonical: Option<String>,
    /// The exact rendered parse error.
    error: Option<String>,
}

fn cases() -> Vec<Case> {
    trailhound_testkit::cases("tests/fixtures/kql/cases.toml")
}

fn check(case: &Case) -> Result<(), String> {
    let parsed = Query::parse(&case.query);
    if let Some(want) = &case.error {
        return match parsed {
            Ok(q) => Err(format!("parsed to `{q}`, wanted error:\n{want}")),
            Err(e) if e.to_string() == *want => Ok(()),
            Err(e) => Err(format!("error was:\n{e}\nwanted:\n{want}")),
        };
    }
    let q = parsed.map_err(|e| format!("parse error:\n{e}"))?;
    let printed = q.to_string();
    if let Some(want) = &case.canonical
        && printed != *want
    {
        return Err(format!("printed `{printed}`, wanted `{want}`"));
    }
    let again = Query::parse(&printed).map_err(|e| format!("printed form `{printed}` fails to parse:\n{e}"))?;
    if again.ast() != q.ast() {
        return Err(format!("round trip changed the tree: `{printed}`\n{:?}\n{:?}", q.ast(), again.ast()));
    }
    if again.to_string() != printed {
        return Err(format!("printing not idempotent: `{printed}` then `{again}`"));
    }
    let (Some(doc), Some(expected)) = (&case.doc, case.expected) else {
        return Ok(());
    };
    let doc: Value = serde_json::from_str(doc).map_err(|e| format!("bad JSON: {e}"))?;
    let flat = case.flat.unwrap_or(expected);
    let results = [
        ("compiled, nested", q.matches_nested(&doc), expected),
        ("reference, nested", evaluate(q.ast(), &doc), expected),
        ("compiled, flat", q.matches(&doc), flat),
        ("reference, flat", evaluate(q.ast(), &Flat(&doc)), flat),
    ];
    let wrong: Vec<String> = results.iter().filter(|(_, got, want)| got != want).map(|(how, got, _)| format!("{how} gave {got}")).collect();
    if wrong.is_empty() { Ok(()) } else { Err(format!("expected {expected}: {}", wrong.join(", "))) }
}

#[test]
fn every_case_holds_for_every_engine() {
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
