//! Property tests: the compiled matcher agrees with the reference evaluator on random queries and
//! documents; printing round-trips for random trees and for whatever random text parses; the parser
//! never panics; deep nesting is refused, not overflowed.

use proptest::prelude::*;
use serde_json::{Value, json};
use trailhound_engine::kql::Query;
use trailhound_engine::kql::ast::{Node, Piece, RangeOp, Term};
use trailhound_engine::kql::eval::evaluate;
use trailhound_engine::kql::parse::MAX_DEPTH;
use trailhound_engine::kql::scope::Flat;

const WORDS: &[&str] = &["a", "b", "ab", "A", "é", "aé", "bé", "1", "2.0", "10", "2024-01-01", "2024-01-01T10:00:00Z", "x y", "or", "not"];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_string)
}

/// Text an unquoted literal can hold after trimming (no edge whitespace, not a keyword literal).
fn unquoted_text() -> impl Strategy<Value = String> {
    prop_oneof![word(), "[a-c:*()\\\\\"{}<> ]{0,6}", "\\PC{0,4}"].prop_filter("parseable unquoted", |s| {
        !matches!(s.as_str(), "null" | "true" | "false")
            && !s.starts_with(trailhound_engine::kql::lex::is_js_trim_space)
            && !s.ends_with(trailhound_engine::kql::lex::is_js_trim_space)
    })
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(prop_oneof![Just(None), "[abé*]{1,2}".prop_map(Some), word().prop_map(Some)], 1..4)
        .prop_map(|parts| {
            let mut pieces: Vec<Piece> = Vec::new();
            for part in parts {
                match (part, pieces.last_mut()) {
                    (None, _) => pieces.push(Piece::Star),
                    (Some(t), Some(Piece::Text(prev))) => prev.push_str(&t),
                    (Some(t), _) => pieces.push(Piece::Text(t)),
                }
            }
            if !pieces.contains(&Piece::Star) {
                pieces.push(Piece::Star);
            }
            pieces
        })
        .prop_filter("no edge whitespace", |p| {
            let edge = |t: Option<&Piece>, first: bool| match t {
                Some(Piece::Text(t)) if first => t.starts_with(' '),
                Some(Piece::Text(t)) => t.ends_with(' '),
                _ => false,
            };
            !edge(p.first(), true) && !edge(p.last(), false)
        })
}

fn value_term() -> impl Strategy<Value = Term> {
    prop_oneof![
        4 => word().prop_map(|w| Term::Literal { value: w, quoted: false }),
        1 => unquoted_text().prop_map(|w| Term::Literal { value: w, quoted: false }),
        2 => "\\PC{0,5}".prop_map(|w| Term::Literal { value: w, quoted: true }),
        1 => Just(Term::Null),
        1 => any::<bool>().prop_map(Term::Bool),
        3 => pieces().prop_map(Term::Wildcard),
    ]
}

fn field_term() -> impl Strategy<Value = Term> {
    prop_oneof![
        6 => prop::sample::select(&["a", "b", "c", "a.b", "n.k"][..]).prop_map(Term::text),
        1 => Just(Term::Wildcard(vec![Piece::Star])),
        1 => Just(Term::Wildcard(vec![Piece::Text("a".into()), Piece::Star])),
        1 => Just(Term::Literal { value: "a.b".into(), quoted: true }),
    ]
}

fn op() -> impl Strategy<Value = RangeOp> {
    prop::sample::select(&[RangeOp::Lt, RangeOp::Lte, RangeOp::Gt, RangeOp::Gte][..])
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        4 => (prop::option::weighted(0.9, field_term()), value_term()).prop_map(|(field, value)| Node::Is { field, value }),
        2 => (field_term(), op(), value_term()).prop_map(|(field, op, value)| Node::Range { field, op, value }),
        // A long or-list of exact values on one field, which compiles to a set.
        1 => (field_term(), prop::collection::vec(word(), 4..7)).prop_map(|(f, ws)| Node::Or(
            ws.into_iter().map(|w| Node::Is { field: Some(f.clone()), value: Term::text(w) }).collect()
        )),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Node::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Node::Or),
            inner.clone().prop_map(|n| Node::Not(Box::new(n))),
            inner.prop_map(|n| Node::Nested { path: Term::text("n"), query: Box::new(n) }),
        ]
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => word().prop_map(Value::from),
        1 => prop::sample::select(&[1.0, 2.0, 2.5, 10.0, 1_704_067_200_000.0][..]).prop_map(|n| json!(n)),
        1 => any::<bool>().prop_map(Value::from),
        1 => Just(Value::Null),
    ]
}

fn leaf_value() -> impl Strategy<Value = Value> {
    prop_oneof![3 => scalar(), 1 => prop::collection::vec(scalar(), 0..3).prop_map(Value::from)]
}

fn object() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(&["a", "b", "c", "k", "a.b"][..]);
    prop::collection::btree_map(keys, leaf_value(), 0..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

fn document() -> impl Strategy<Value = Value> {
    (object(), prop::collection::vec(object(), 0..3)).prop_map(|(mut top, items)| {
        if let Value::Object(map) = &mut top {
            map.insert("n".to_string(), Value::from(items));
        }
        top
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn compiled_matcher_agrees_with_reference(ast in node(), docs in prop::collection::vec(document(), 1..4)) {
        let q = Query::from_ast(ast.clone());
        for doc in &docs {
            prop_assert_eq!(q.matches_nested(doc), evaluate(&ast, doc), "nested scopes, doc {}", doc);
            prop_assert_eq!(q.matches(doc), evaluate(&ast, &Flat(doc)), "flat, doc {}", doc);
        }
    }

    #[test]
    fn random_trees_print_and_parse_back(ast in node()) {
        let printed = ast.to_string();
        let parsed = Query::parse(&printed).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(parsed.ast(), &ast, "printed as {}", printed);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    #[test]
    fn parser_never_panics_and_parsed_text_round_trips(text in "[a-c :()\\\\\"*{}<>=\t\n]{0,24}|(or|and|not|[ab:()*\"\\\\ ]){0,16}|\\PC{0,16}") {
        if let Ok(q) = Query::parse(&text) {
            let printed = q.to_string();
            let again = Query::parse(&printed).map_err(|e| TestCaseError::fail(format!("`{printed}`: {e}")))?;
            prop_assert_eq!(again.ast(), q.ast(), "printed as {}", printed);
            let _ = q.matches(&json!({"a": "b"}));
        } else if let Err(e) = Query::parse(&text) {
            let _ = e.to_string();
        }
    }
}

/// A naive wildcard matcher over characters, for the pattern strategies to agree with.
fn naive_glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|i| naive_glob(rest, &text[i..])),
        Some((c, rest)) => text.first() == Some(c) && naive_glob(rest, &text[1..]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn wildcard_strategies_agree_with_a_naive_glob(pattern in "[aé*]{0,7}", text in "[aéb]{0,7}") {
        let mut pieces = Vec::new();
        for (i, part) in pattern.split('*').enumerate() {
            if i > 0 {
                pieces.push(Piece::Star);
            }
            if !part.is_empty() {
                pieces.push(Piece::Text(part.to_string()));
            }
        }
        let compiled = trailhound_engine::kql::pattern::Pattern::new(&pieces);
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        prop_assert_eq!(compiled.matches(&text), naive_glob(&p, &t), "{:?}", compiled);
    }
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let depth = MAX_DEPTH;
    let text = format!("{}a:1{}", "(".repeat(depth), ")".repeat(depth));
    let q = Query::parse(&text).expect("parses at the limit");
    assert!(q.matches(&json!({"a": 1})));
    let list = format!("a:{}1{}", "(".repeat(depth), ")".repeat(depth));
    assert!(Query::parse(&list).is_ok());
}

#[test]
fn nesting_past_the_limit_is_an_error_not_a_crash() {
    for text in [
        format!("{}a:1{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1)),
        "(".repeat(200_000),
        "a:{".repeat(100_000),
        format!("a:{}", "(".repeat(100_000)),
        "(not ".repeat(50_000),
    ] {
        let e = Query::parse(&text).expect_err("too deep");
        assert_eq!(e.message, format!("Query nests parentheses or braces more than {MAX_DEPTH} levels deep."));
    }
}

#[test]
fn deep_not_nesting_renders_caret_at_the_first_level_too_deep() {
    let text = format!("{}a", "(".repeat(MAX_DEPTH + 1));
    let e = Query::parse(&text).expect_err("too deep");
    assert_eq!(e.span, MAX_DEPTH..MAX_DEPTH + 1);
}

#[test]
fn worst_case_nesting_fits_in_a_one_mib_stack() {
    let run = || {
        let depth = MAX_DEPTH;
        let text = format!("{}a:1{}", "not (a:1 and ".repeat(depth), ")".repeat(depth));
        let q = Query::parse(&text).expect("parses at the limit");
        let doc = json!({"a": 1});
        assert_eq!(q.matches(&doc), evaluate(q.ast(), &doc));
        assert_eq!(Query::parse(&q.to_string()).expect("reparses").ast(), q.ast());
        let list = format!("a:{}1{}", "(not (1 and ".repeat(depth / 2), "))".repeat(depth / 2));
        assert!(Query::parse(&list).expect("list parses").matches(&json!({"a": 2})));
        drop(q);
    };
    let thread = std::thread::Builder::new().stack_size(1 << 20).spawn(run).expect("spawn");
    assert!(thread.join().is_ok());
}

#[test]
fn long_flat_queries_are_fast() {
    let text = (0..20_000).map(|i| format!("f{i}:v{i}")).collect::<Vec<_>>().join(" or ");
    let started = std::time::Instant::now();
    let q = Query::parse(&text).expect("parses");
    assert!(q.matches(&json!({"f19999": "v19999"})));
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn pathological_text_parses_in_linear_time() {
    let inputs = [
        "(a:".repeat(90),
        "a:(b or ".repeat(90),
        format!("{}x", "not (".repeat(90)),
        "x or ".repeat(20_000),
        format!("a:{}", "b and ".repeat(20_000)),
        "\\".repeat(50_000),
        "\"".repeat(50_001),
        "a:{ ".repeat(90),
        "a ".repeat(50_000),
    ];
    for text in inputs {
        let started = std::time::Instant::now();
        let _ = Query::parse(&text).map(|q| q.to_string()).map_err(|e| e.to_string());
        assert!(started.elapsed().as_secs() < 5, "slow on {}", &text[..40.min(text.len())]);
    }
}
