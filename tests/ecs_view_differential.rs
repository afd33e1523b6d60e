//! `EcsView` and `RawView` must answer every field exactly as the full document does: the fast
//! path (fields read straight from the raw record, parsed or still in text) over every fixture
//! record, under both the default and the Elastic-test options, and on mangled records too.

use trailhound_testkit::pairs as ecs_common;

use serde_json::Value;
use trailhound_engine::doc::{Document, Scalar};
use trailhound_engine::ecs::{EcsView, FAST_FIELDS, MapOptions, RawView, Retain, to_ecs};
use trailhound_engine::events::READ_ONLY_FIELD;
use trailhound_engine::input::RawRecord;

fn values(doc: &dyn Document, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    doc.any_value(field, &mut |s: Scalar<'_>| {
        out.push(format!("{s:?}"));
        false
    });
    out
}

/// MaxMind's City and ASN test databases (they hold the Elastic fixtures' addresses).
fn test_databases() -> std::sync::Arc<trailhound_engine::enrich::GeoIp> {
    let mut geoip = trailhound_engine::enrich::GeoIp::default();
    for name in ["GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb"] {
        let bytes = std::fs::read(format!("{}/tests/fixtures/geoip/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        geoip.add(trailhound_engine::enrich::Database::from_bytes(name, bytes).unwrap());
    }
    std::sync::Arc::new(geoip)
}

/// Checks one record; returns the number of (field) comparisons made.
pub fn check(raw: &Value, opts: &MapOptions, origin: &str) -> usize {
    let full = to_ecs(raw, opts);
    let mut fields: Vec<String> = FAST_FIELDS.iter().map(|s| s.to_string()).collect();
    fields.push(READ_ONLY_FIELD.to_string());
    full.for_each_field(&mut |f| fields.push(f.to_string()));
    fields.sort();
    fields.dedup();
    let text = raw.to_string();
    let record = RawRecord::new(&text).expect("serialized JSON reads back");
    let shared = EcsView::new(raw, opts);
    let shared_raw = RawView::new(&record, opts);
    for field in &fields {
        let want = values(&full, field);
        // A fast field is asked of a fresh view, so the fast path itself answers.
        if FAST_FIELDS.contains(&field.as_str()) || field == READ_ONLY_FIELD {
            assert_eq!(values(&EcsView::new(raw, opts), field), want, "{origin}: field {field} of {raw}");
            assert_eq!(values(&RawView::new(&record, opts), field), want, "{origin}: raw field {field} of {raw}");
        } else {
            assert_eq!(values(&shared, field), want, "{origin}: field {field} of {raw}");
            assert_eq!(values(&shared_raw, field), want, "{origin}: raw field {field} of {raw}");
        }
    }
    for field in request_parameter_fields(raw) {
        let fresh = RawView::new(&record, opts);
        assert_eq!(values(&fresh, &field), values(&full, &field), "{origin}: raw field {field} of {raw}");
        assert_eq!(RawView::new(&record, opts).exists(&field), full.exists(&field), "{origin}: {field}:* of {raw}");
    }
    let view = EcsView::new(raw, opts);
    let mut names = Vec::new();
    view.for_each_field(&mut |f| names.push(f.to_string()));
    let mut want = Vec::new();
    full.for_each_field(&mut |f| want.push(f.to_string()));
    assert_eq!(names, want, "{origin}: field names");
    fields.len()
}

/// `aws.cloudtrail.flattened.request_parameters.*` for each member of the record's
/// `requestParameters`, one rules test, and one no record has.
pub fn request_parameter_fields(raw: &Value) -> Vec<String> {
    let members = raw.get("requestParameters").and_then(Value::as_object).into_iter().flat_map(|m| m.keys());
    let keys = members.map(String::as_str).chain(["bucketName", "noSuchParameter"]);
    keys.map(|k| format!("aws.cloudtrail.flattened.request_parameters.{k}")).collect()
}

#[test]
fn view_agrees_with_full_document_on_every_fixture_record() {
    let records = ecs_common::all_records();
    assert!(records.len() >= 370, "45 elastic + 310 stratus + 18 traildiscover records, got {}", records.len());
    let mut compared = 0;
    let geoip = MapOptions { geoip: Some(test_databases()), ..MapOptions::default() };
    for opts in [MapOptions::default(), MapOptions::elastic_test(Retain::All), MapOptions::elastic_test(Retain::Minimal), geoip] {
        for (origin, raw) in &records {
            compared += check(raw, &opts, origin);
        }
    }
    println!("view/document comparisons: {compared}");
}

#[test]
fn fast_fields_do_not_build_the_document() {
    let opts = MapOptions::default();
    for (origin, raw) in ecs_common::all_records() {
        let view = EcsView::new(&raw, &opts);
        for field in FAST_FIELDS {
            view.exists(field);
        }
        assert!(!view.is_built(), "{origin}: a fast field built the document");
        let text = raw.to_string();
        let record = RawRecord::new(&text).expect("serialized JSON reads back");
        let view = RawView::new(&record, &opts);
        for field in FAST_FIELDS {
            view.exists(field);
        }
        assert!(!view.is_parsed(), "{origin}: a fast field parsed the record in text");
    }
}

/// A flattened request parameter that is a string, of a plain record, is read from
/// `requestParameters` alone: the record is not parsed, its document not built.
#[test]
fn plain_request_parameters_do_not_parse_the_record() {
    let opts = MapOptions::default();
    let mut answered = 0;
    for (origin, raw) in ecs_common::all_records() {
        let Some(members) = raw.get("requestParameters").and_then(Value::as_object) else { continue };
        if members.keys().any(|k| k.contains('.')) || !members.values().all(Value::is_string) {
            continue;
        }
        let text = raw.to_string();
        let record = RawRecord::new(&text).expect("serialized JSON reads back");
        let view = RawView::new(&record, &opts);
        for field in request_parameter_fields(&raw) {
            view.exists(&field);
            answered += 1;
        }
        assert!(!view.is_parsed(), "{origin}: a request parameter parsed the record in text");
    }
    assert!(answered > 100, "the fixtures have plain request parameters: {answered}");
}
