//! The fast path against the serde pass: whenever it answers, the serde pass reads the same
//! value to the same fields and the same length; and it does answer for real records. Checked on
//! Elastic's pipeline test records (compact and pretty), on those records damaged at random, and
//! on generated objects full of what it must leave to serde (escaped keys, surrogates, huge
//! numbers, exponents, duplicates, nesting).

use super::{Boxed, Field, Lite, Top};
use proptest::prelude::*;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::path::Path;

/// The serde pass as the cursor runs it: one value from the start of `text`, and where it ended.
fn serde_read(text: &str) -> Result<(Box<Top<'_>>, usize), String> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Boxed<'_>>();
    match stream.next() {
        Some(Ok(Boxed(top))) => Ok((top, stream.byte_offset())),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("no value".into()),
    }
}

/// Whether the fast path answered for `text`; fails the test if it answered differently from
/// the serde pass.
fn agrees(text: &str) -> Result<bool, TestCaseError> {
    let Some((Boxed(fast), len)) = Boxed::read_fast(text) else {
        return Ok(false);
    };
    match serde_read(text) {
        Ok((top, end)) => {
            prop_assert_eq!(&fast, &top, "fields of {}", text);
            prop_assert_eq!(borrowed(&fast), borrowed(&top), "strings borrowed or decoded in {}", text);
            prop_assert_eq!(len, end, "length of {}", text);
            Ok(true)
        }
        Err(e) => Err(TestCaseError::fail(format!("fast path read {text:?}, serde failed: {e}"))),
    }
}

/// Which captured strings borrow the text (`==` on `Cow` compares content only).
fn borrowed(top: &Top<'_>) -> Vec<bool> {
    Field::ALL.iter().map(|&field| matches!(top[field], Lite::Str(Cow::Borrowed(_)))).collect()
}

/// Every record of Elastic's pipeline tests (a line each), of the Stratus Red Team detonations
/// and of the TrailDiscover samples, as written.
fn records() -> Vec<String> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut records = Vec::new();
    for (dir, lines) in [("elastic-pipeline", true), ("stratus", false), ("traildiscover", false)] {
        let mut files: Vec<_> = std::fs::read_dir(fixtures.join(dir)).expect("fixtures").map(|e| e.expect("entry").path()).collect();
        files.sort();
        for text in files.iter().filter(|p| p.is_file()).filter_map(|p| std::fs::read_to_string(p).ok()) {
            if lines {
                records.extend(text.lines().filter(|l| l.starts_with('{')).map(str::to_string));
            } else if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(&text) {
                records.extend(items.iter().map(|r| r.get().to_string()));
            } else if text.trim_start().starts_with('{') && serde_json::from_str::<&RawValue>(&text).is_ok() {
                records.push(text.trim().to_string());
            }
        }
    }
    records
}

#[test]
fn real_records_are_read_on_the_fast_path_as_serde_reads_them() {
    let records = records();
    assert!(records.len() > 200, "only {} records", records.len());
    let (mut answered, mut texts) = (0, 0);
    for line in &records {
        // A few of Elastic's test lines are broken JSON on purpose: the fast path must leave them.
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
            assert!(!agrees(line).map_err(|e| e.to_string()).expect("agrees"), "{line}");
            continue;
        };
        let pretty = serde_json::to_string_pretty(&value).expect("print");
        for text in [line.clone(), format!("{line},{{}}]"), pretty, format!("{line}\n\t ]")] {
            answered += usize::from(agrees(&text).map_err(|e| e.to_string()).expect("agrees"));
            texts += 1;
        }
    }
    // Only records with a lone surrogate, an exponent or the like are left to serde.
    assert!(answered * 10 >= texts * 9, "the fast path answered {answered} of {texts}");
}

#[test]
fn what_the_fast_path_leaves_to_serde() {
    for text in [
        "[1]",
        "\"s\"",
        "{\"eventName\":\"a\\u0041\"}",
        "{\"event\\u004eame\":\"x\"}",
        "{\"a\":1e5}",
        "{\"a\":01}",
        "{\"a\":1.}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\u{1}\"}",
        "{\"a\":tru}",
        "{\"a\":1,}",
        "{\"a\":[1,]}",
        "{\"a\":1",
        "{\"a\":12",
        "{\"a\":\"\\ud800\\n\"}",
        "{\"a\":1,\u{c}\"b\":2}",
        &format!("{{\"a\":{}}}", "1".repeat(301)),
        &format!("{{\"a\":{}1{}}}", "[".repeat(64), "]".repeat(64)),
    ] {
        assert!(Boxed::read_fast(text).is_none(), "{text}");
    }
    // Just inside the limits, and what JSON allows that records seldom have: the fast path answers.
    for text in [
        &format!("{{\"a\":{}}}", "1".repeat(300)),
        &format!("{{\"a\":-{}.5}}", "9".repeat(297)),
        &format!("{{\"a\":{}1{}}}", "[".repeat(63), "]".repeat(63)),
        "{\t\"a\"\r:\n-0 ,\"b\":0.0,\"c\":18446744073709551616,\"d\":-9223372036854775809}",
        "{\"a\":\"\\u0000\u{7f}\u{80}é\",\"é\":1,\"eventName\":\"Ω\"}",
        "{\"a\":{},\"b\":[],\"c\":[{}],\"userIdentity\":{}}",
    ] {
        assert!(agrees(text).map_err(|e| e.to_string()).expect("agrees"), "{text}");
    }
    let text = "{\"eventName\":\"x\",\"p\":\"a\\\"b\\u00e9\\ud83d\\ude00\"} tail";
    let (Boxed(top), len) = Boxed::read_fast(text).expect("read");
    assert_eq!((top[Field::EventName].as_str(), len), (Some("x"), text.find('}').expect("end") + 1));
}

#[test]
fn later_duplicate_keys_win_and_replace_nested_objects_whole() {
    for text in [
        r#"{"userIdentity":{"type":"Root","arn":"a"},"userIdentity":{"arn":"b"}}"#,
        r#"{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"x"}}},"userIdentity":{"sessionContext":"s"}}"#,
        r#"{"userIdentity":{"sessionContext":{"sessionIssuer":{"userName":"u"},"sessionIssuer":null}}}"#,
        r#"{"responseElements":{"ConsoleLogin":"Success"},"responseElements":[1]}"#,
        r#"{"eventName":"A","eventName":null,"eventSource":{"x":1},"eventSource":"s3.amazonaws.com"}"#,
    ] {
        assert!(agrees(text).map_err(|e| e.to_string()).expect("agrees"), "{text}");
    }
}

/// Bytes that make or break JSON.
const DAMAGE: &[&str] =
    &["\"", "\\", "{", "}", "[", "]", ",", ":", " ", "0", "1", "-", ".", "e", "E", "+", "t", "n", "u", "\\u", "\u{1}", "é", "\\ud800", ""];

/// Keys the pass captures (some escaped), and one it skips.
const KEYS: &[&str] = &[
    "eventVersion",
    "eventSource",
    "event\\u0053ource",
    "eventName",
    "eventID",
    "errorCode",
    "userIdentity",
    "type",
    "arn",
    "sessionContext",
    "sessionIssuer",
    "userName",
    "responseElements",
    "ConsoleLogin",
    "Records",
    "_source",
    "CloudTrailEvent",
    "other",
];

const SCALARS: &[&str] = &[
    "\"s3.amazonaws.com\"",
    "\"\"",
    "\"caf\\u00e9\"",
    "\"\\ud800\"",
    "\"\\udc00x\"",
    "\"\\ud83d\\ude00\"",
    "\"a\\\"b\"",
    "1",
    "-2.5",
    "1e999",
    "0.5E-3",
    "true",
    "null",
    "[]",
    "{}",
];

fn value() -> impl Strategy<Value = String> {
    prop::sample::select(SCALARS).prop_map(str::to_string).prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|members| {
                format!("{{{}}}", members.iter().map(|(k, v)| format!("\"{k}\" : {v}")).collect::<Vec<_>>().join(","))
            }),
        ]
    })
}

proptest! {
    #[test]
    fn damaged_records_are_read_as_serde_reads_them_or_left_to_it(
        pick in any::<prop::sample::Index>(),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, prop::sample::select(DAMAGE)), 1..4),
    ) {
        let records = records();
        let mut text = pick.get(&records).clone();
        for (at, how, with) in cuts {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            match how {
                0 => text.insert_str(at, with),
                1 => text.replace_range(at..end, with),
                _ => text.replace_range(at..end, ""),
            }
        }
        agrees(&text)?;
        agrees(&format!("{text}]"))?;
    }

    #[test]
    fn generated_objects_are_read_as_serde_reads_them_or_left_to_it(
        members in prop::collection::vec((prop::sample::select(KEYS), value()), 0..10),
    ) {
        let text = format!("{{{}}}", members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(","));
        agrees(&text)?;
        agrees(&format!("{text},"))?;
    }
}
