//! `EcsView` must answer every field exactly as the full document does: the fast path (fields read
//! straight from the raw record) over every fixture record, under both the default and the
//! Elastic-test options, and on mangled records too.

mod ecs_common;

use serde_json::Value;
use trailhound::doc::{Document, Scalar};
use trailhound::ecs::{EcsView, FAST_FIELDS, MapOptions, Retain, to_ecs};

fn values(doc: &dyn Document, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    doc.any_value(field, &mut |s: Scalar<'_>| {
        out.push(format!("{s:?}"));
        false
    });
    out
}

/// Checks one record; returns the number of (field) comparisons made.
pub fn check(raw: &Value, opts: &MapOptions, origin: &str) -> usize {
    let full = to_ecs(raw, opts);
    let mut fields: Vec<String> = FAST_FIELDS.iter().map(|s| s.to_string()).collect();
    full.for_each_field(&mut |f| fields.push(f.to_string()));
    fields.sort();
    fields.dedup();
    let shared = EcsView::new(raw, opts);
    for field in &fields {
        // A fast field is asked of a fresh view, so the fast path itself answers.
        let fresh;
        let view = if FAST_FIELDS.contains(&field.as_str()) {
            fresh = EcsView::new(raw, opts);
            &fresh
        } else {
            &shared
        };
        assert_eq!(values(view, field), values(&full, field), "{origin}: field {field} of {raw}");
    }
    let view = EcsView::new(raw, opts);
    let mut names = Vec::new();
    view.for_each_field(&mut |f| names.push(f.to_string()));
    let mut want = Vec::new();
    full.for_each_field(&mut |f| want.push(f.to_string()));
    assert_eq!(names, want, "{origin}: field names");
    fields.len()
}

#[test]
fn view_agrees_with_full_document_on_every_fixture_record() {
    let records = ecs_common::all_records();
    assert!(records.len() >= 370, "45 elastic + 310 stratus + 18 traildiscover records, got {}", records.len());
    let mut compared = 0;
    for opts in [MapOptions::default(), MapOptions::elastic_test(Retain::All), MapOptions::elastic_test(Retain::Minimal)] {
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
    }
}
