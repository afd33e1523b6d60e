//! What one JSON object is: a raw CloudTrail record, an ECS document, a search hit, a
//! lookup-events entry, a digest, or unknown.
//!
//! Depends only on the other input readers' detectors.

use super::{RecordKind, digest, ecs_export, lookup};
use serde_json::Value;

/// The verdict on one object.
pub(crate) enum Item {
    Record(RecordKind, Value),
    /// A record that cannot be read (bad `_source`, bad `CloudTrailEvent`, not an object).
    Bad(String),
    Digest(String),
    /// An object that is none of the above.
    Unknown(Value),
}

/// Classifies `value`, one element, line or top-level value of a file.
pub(crate) fn classify(value: Value) -> Item {
    let Value::Object(mut obj) = value else {
        return Item::Bad(format!("expected a JSON object, found {}", type_name(&value)));
    };
    if let Some(source) = ecs_export::hit_source(&mut obj) {
        return match source {
            Ok(doc) => Item::Record(RecordKind::Ecs, doc),
            Err(why) => Item::Bad(why),
        };
    }
    if lookup::is_entry(&obj) {
        return match lookup::record_of(&obj) {
            Ok(record) => Item::Record(RecordKind::CloudTrail, record),
            Err(why) => Item::Bad(why),
        };
    }
    if ecs_export::is_raw_cloudtrail(&obj) {
        return Item::Record(RecordKind::CloudTrail, Value::Object(obj));
    }
    if ecs_export::is_ecs(&obj) {
        return Item::Record(RecordKind::Ecs, Value::Object(obj));
    }
    if digest::is_digest(&obj) {
        return Item::Digest(digest::skip_reason(&obj));
    }
    Item::Unknown(Value::Object(obj))
}

/// "a string", "an array", ... for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The first few keys of an object, for "unknown shape" messages.
pub(crate) fn key_list(v: &Value) -> String {
    match v.as_object() {
        Some(obj) if obj.is_empty() => "no keys".to_string(),
        Some(obj) => {
            let keys: Vec<String> = obj.keys().take(6).map(|k| format!("`{k}`")).collect();
            let more = if obj.len() > 6 { ", ..." } else { "" };
            format!("keys {}{more}", keys.join(", "))
        }
        None => type_name(v).to_string(),
    }
}
