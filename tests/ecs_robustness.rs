//! `to_ecs` never panics: on every stratus/traildiscover record, and on records mangled with a wrong
//! type in every field (top level and one level down), with eventTime/eventName/eventSource missing,
//! and on roots that are not objects. A mangled record gives either a normal document or the
//! pipeline's failure document (`event.kind: pipeline_error` + `error.message`), and the lazy view
//! still agrees with the full document on the fast fields.

use trailhound_testkit::pairs as ecs_common;

use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use trailhound_engine::doc::Document;
use trailhound_engine::ecs::{EcsView, FAST_FIELDS, MapOptions, RawView, Retain, to_ecs, to_ecs_line};
use trailhound_engine::input::RawRecord;

fn junk() -> Vec<Value> {
    vec![
        Value::Null,
        json!(1),
        json!(-2.5e30),
        json!(true),
        json!(""),
        json!("-"),
        json!("none"),
        json!("x.y"),
        json!([]),
        json!([1, "a", null, {"ARN": 5}]),
        json!({}),
        json!({"a": {"b": [1, {"c": null}]}, "ARN": ["x"], "items": "no"}),
    ]
}

fn check(raw: &Value, opts: &MapOptions, origin: &str) {
    let doc = catch_unwind(AssertUnwindSafe(|| to_ecs(raw, opts))).unwrap_or_else(|_| panic!("{origin}: to_ecs panicked on {raw}"));
    let kind = doc.pointer("/event/kind").and_then(Value::as_str);
    match kind {
        Some("event") => {}
        Some("pipeline_error") => assert!(doc.pointer("/error/message").is_some(), "{origin}: pipeline_error without error.message: {doc}"),
        other => panic!("{origin}: event.kind {other:?} for {raw} -> {doc}"),
    }
    for field in FAST_FIELDS {
        let view = EcsView::new(raw, opts);
        let mut got = Vec::new();
        view.any_value(field, &mut |s| {
            got.push(format!("{s:?}"));
            false
        });
        let mut want = Vec::new();
        doc.any_value(field, &mut |s| {
            want.push(format!("{s:?}"));
            false
        });
        assert_eq!(got, want, "{origin}: fast field {field} of {raw}");
        let text = raw.to_string();
        let record = RawRecord::new(&text).expect("serialized JSON reads back");
        let mut got = Vec::new();
        RawView::new(&record, opts).any_value(field, &mut |s| {
            got.push(format!("{s:?}"));
            false
        });
        assert_eq!(got, want, "{origin}: fast field {field} of the text {text}");
    }
    // Flattened request parameters, each member's (junk included) and two others.
    let text = raw.to_string();
    let record = RawRecord::new(&text).expect("serialized JSON reads back");
    let members = raw.get("requestParameters").and_then(Value::as_object).into_iter().flat_map(|m| m.keys());
    for key in members.map(String::as_str).chain(["bucketName", "noSuchParameter"]) {
        let field = format!("aws.cloudtrail.flattened.request_parameters.{key}");
        let mut got = Vec::new();
        RawView::new(&record, opts).any_value(&field, &mut |s| {
            got.push(format!("{s:?}"));
            false
        });
        let mut want = Vec::new();
        doc.any_value(&field, &mut |s| {
            want.push(format!("{s:?}"));
            false
        });
        assert_eq!(got, want, "{origin}: {field} of the text {text}");
        assert_eq!(RawView::new(&record, opts).exists(&field), doc.exists(&field), "{origin}: {field}:* of {text}");
    }
}

fn mangled(raw: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(map) = raw.as_object() else {
        return out;
    };
    for key in ["eventTime", "eventName", "eventSource"] {
        let mut m = map.clone();
        m.shift_remove(key);
        out.push((format!("without {key}"), Value::Object(m)));
    }
    for (key, value) in map {
        for j in junk() {
            let mut m = map.clone();
            m.insert(key.clone(), j.clone());
            out.push((format!("{key} = {j}"), Value::Object(m)));
        }
        if let Value::Object(inner) = value {
            for (k2, v2) in inner {
                for j in junk() {
                    let mut m = map.clone();
                    let mut i = inner.clone();
                    i.insert(k2.clone(), j.clone());
                    out.push((
                        format!("{key}.{k2} = {j}"),
                        Value::Object({
                            m.insert(key.clone(), Value::Object(i));
                            m
                        }),
                    ));
                    // One more level inside userIdentity (sessionContext.sessionIssuer, attributes).
                    if let (true, Value::Object(deep)) = (key == "userIdentity", v2) {
                        for k3 in deep.keys() {
                            let mut m = map.clone();
                            let mut i = inner.clone();
                            let mut d = deep.clone();
                            d.insert(k3.clone(), j.clone());
                            i.insert(k2.clone(), Value::Object(d));
                            m.insert(key.clone(), Value::Object(i));
                            out.push((format!("{key}.{k2}.{k3} = {j}"), Value::Object(m)));
                        }
                    }
                }
            }
        }
    }
    out
}

#[test]
fn never_panics_on_fixture_records() {
    let opts = MapOptions::elastic_test(Retain::All);
    for (origin, raw) in ecs_common::all_records() {
        check(&raw, &opts, &origin);
        let doc = to_ecs(&raw, &opts);
        assert_eq!(doc.pointer("/event/kind").and_then(Value::as_str), Some("event"), "{origin}: {doc}");
    }
}

#[test]
fn never_panics_on_mangled_records() {
    let records = ecs_common::all_records();
    // One record per (service, identity type) keeps this fast while covering every record shape.
    let mut seen = std::collections::BTreeSet::new();
    let mut count = 0;
    for (i, (origin, raw)) in records.into_iter().enumerate() {
        let shape = (raw.get("eventSource").cloned(), raw.pointer("/userIdentity/type").cloned(), raw.get("errorCode").is_some());
        if !seen.insert(format!("{shape:?}")) {
            continue;
        }
        let opts = if i % 2 == 0 { MapOptions::default() } else { MapOptions::elastic_test(Retain::Minimal) };
        {
            for (what, m) in mangled(&raw) {
                check(&m, &opts, &format!("{origin} with {what}"));
                count += 1;
            }
        }
    }
    println!("mangled records mapped: {count}");
}

#[test]
fn never_panics_on_odd_roots_and_lines() {
    let opts = MapOptions::elastic_test(Retain::All);
    for root in junk().into_iter().chain([json!("a string"), json!([{"eventName": "x"}])]) {
        check(&root, &opts, "root");
    }
    for line in ["", "   ", "{", "not json", "[1,2]", "null", "{\"eventTime\": \"yesterday\"}"] {
        let doc = to_ecs_line(line, &opts);
        assert!(doc.is_object(), "{line:?}");
    }
    let bad_time = to_ecs_line("{\"eventTime\": \"yesterday\", \"eventName\": \"X\"}", &opts);
    assert_eq!(bad_time.pointer("/event/kind"), Some(&json!("pipeline_error")));
    assert_eq!(bad_time.pointer("/event/action"), Some(&json!("X")));
}
