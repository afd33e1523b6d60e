//! The compiled Sigma matcher agrees with a plain reference evaluator of the specification's
//! string semantics: random detections (fields, placement modifiers, `cased`, `all`, values with
//! `*`, `?` and `\` escapes; two searches under a random condition) on random records. The
//! reference matches wildcards by backtracking over characters, never by a regex.

use proptest::prelude::*;
use serde_json::{Value, json};
use trailhound_engine::rules::load_text;
use trailhound_engine::{Scanner, Source};

#[derive(Debug, Clone)]
struct Item {
    field: &'static str,
    place: &'static str,
    cased: bool,
    all: bool,
    values: Vec<String>,
}

const FIELDS: [&str; 3] = ["f1", "f2", "n.f3"];
const PLACES: [&str; 4] = ["", "contains", "startswith", "endswith"];
const CONDITIONS: [&str; 6] = ["s1", "not s1", "s1 and s2", "s1 or s2", "s1 and not s2", "1 of s*"];

fn item() -> impl Strategy<Value = Item> {
    (0..3usize, 0..4usize, any::<bool>(), any::<bool>(), prop::collection::vec("[aAb\\-*?\\\\]{0,4}", 1..3))
        .prop_map(|(f, p, cased, all, values)| Item { field: FIELDS[f], place: PLACES[p], cased, all, values })
}

fn record() -> impl Strategy<Value = Value> {
    let text = prop::option::of("[aAb\\-*?\\\\]{0,5}");
    (text.clone(), text.clone(), text).prop_map(|(a, b, c)| {
        let mut r = json!({ "eventName": "E" });
        if let Some(a) = a {
            r["f1"] = json!(a);
        }
        if let Some(b) = b {
            r["f2"] = json!(b);
        }
        if let Some(c) = c {
            r["n"] = json!({ "f3": c });
        }
        r
    })
}

fn yaml_item(i: &Item) -> String {
    let mut key = i.field.to_string();
    for m in [i.place].into_iter().filter(|p| !p.is_empty()).chain(i.cased.then_some("cased")).chain(i.all.then_some("all")) {
        key.push('|');
        key.push_str(m);
    }
    let values: Vec<String> = i.values.iter().map(|v| format!("'{}'", v.replace('\'', "''"))).collect();
    format!("    {key}: [{}]\n", values.join(", "))
}

fn rule(s1: &[Item], s2: &[Item], condition: &str) -> String {
    let search = |items: &[Item]| items.iter().map(yaml_item).collect::<String>();
    format!(
        "title: P\nid: p\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  s1:\n{}  s2:\n{}  condition: {condition}\n",
        search(s1),
        search(s2)
    )
}

/// A value's pattern: literal characters and wildcards.
#[derive(Clone, Copy, PartialEq)]
enum Tok {
    Char(char),
    Any,
    One,
}

fn tokens(value: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\')) => out.push(Tok::Char(chars.next().unwrap())),
            '*' => out.push(Tok::Any),
            '?' => out.push(Tok::One),
            c => out.push(Tok::Char(c)),
        }
    }
    out
}

fn glob(p: &[Tok], s: &[char], cased: bool) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((Tok::Any, rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..], cased)),
        Some((Tok::One, rest)) => !s.is_empty() && glob(rest, &s[1..], cased),
        Some((Tok::Char(c), rest)) => match s.split_first() {
            Some((x, tail)) => {
                let same = if cased { x == c } else { x.to_lowercase().eq(c.to_lowercase()) };
                same && glob(rest, tail, cased)
            }
            None => false,
        },
    }
}

fn reference_value(item: &Item, value: &str, field: &str) -> bool {
    let mut p = tokens(value);
    if matches!(item.place, "contains" | "endswith") {
        p.insert(0, Tok::Any);
    }
    if matches!(item.place, "contains" | "startswith") {
        p.push(Tok::Any);
    }
    let s: Vec<char> = field.chars().collect();
    glob(&p, &s, item.cased)
}

fn reference_item(item: &Item, record: &Value) -> bool {
    let field = item.field.split('.').try_fold(record, |v, k| v.get(k)).and_then(Value::as_str);
    let Some(field) = field else { return false };
    let one = |v: &String| reference_value(item, v, field);
    if item.all { item.values.iter().all(one) } else { item.values.iter().any(one) }
}

fn reference(s1: &[Item], s2: &[Item], condition: &str, record: &Value) -> bool {
    let a = s1.iter().all(|i| reference_item(i, record));
    let b = s2.iter().all(|i| reference_item(i, record));
    match condition {
        "s1" => a,
        "not s1" => !a,
        "s1 and s2" => a && b,
        "s1 or s2" | "1 of s*" => a || b,
        "s1 and not s2" => a && !b,
        other => unreachable!("{other}"),
    }
}

fn distinct_fields(items: &[Item]) -> bool {
    let mut seen: Vec<&str> = items.iter().map(|i| i.field).collect();
    seen.sort();
    seen.windows(2).all(|w| w[0] != w[1])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_matcher_agrees_with_the_reference(
        s1 in prop::collection::vec(item(), 1..3).prop_filter("a map holds a field once", |v| distinct_fields(v)),
        s2 in prop::collection::vec(item(), 1..3).prop_filter("a map holds a field once", |v| distinct_fields(v)),
        condition in 0..CONDITIONS.len(),
        records in prop::collection::vec(record(), 1..5),
    ) {
        let condition = CONDITIONS[condition];
        let text = rule(&s1, &s2, condition);
        let loaded = load_text("p.yml", &text);
        prop_assert!(loaded.problems.is_empty(), "{:?}\n{text}", loaded.problems.iter().map(|p| p.to_string()).collect::<Vec<_>>());
        let scanner = Scanner::new(loaded.rules);
        for record in records {
            let bytes = serde_json::to_vec(&json!({ "Records": [record.clone()] })).unwrap();
            let mut alerts: Vec<(trailhound_engine::Alert, Option<trailhound_engine::AlertKey>)> = Vec::new();
            scanner.scan("r.json", Source::bytes(&bytes), &mut alerts);
            prop_assert_eq!(!alerts.is_empty(), reference(&s1, &s2, condition, &record), "{}\n{}", text, record);
        }
    }
}
