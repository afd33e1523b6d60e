//! `aws cloudtrail lookup-events` output: each entry of `Events` carries the record as a JSON
//! string in `CloudTrailEvent`, parsed here.
//!
//! Depends on nothing else in the crate.

use serde_json::{Map, Value};

/// Whether `obj` is a lookup-events entry (`EventId` and/or `CloudTrailEvent`).
pub(crate) fn is_entry(obj: &Map<String, Value>) -> bool {
    obj.contains_key("CloudTrailEvent")
}

/// The record inside a lookup-events entry, or why it cannot be read.
pub(crate) fn record_of(obj: &Map<String, Value>) -> Result<Value, String> {
    let id = obj.get("EventId").and_then(Value::as_str).map(|id| format!(" (EventId {id})"));
    let id = id.unwrap_or_default();
    let text = match obj.get("CloudTrailEvent") {
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(format!("lookup-events entry{id}: `CloudTrailEvent` is {}, not a string", super::kind::type_name(other)));
        }
        None => return Err(format!("lookup-events entry{id} has no `CloudTrailEvent`")),
    };
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => Err(format!("lookup-events entry{id}: `CloudTrailEvent` holds {}, not a JSON object", super::kind::type_name(&other))),
        Err(e) => Err(format!("lookup-events entry{id}: `CloudTrailEvent` is not valid JSON: {}", super::json::message(&e))),
    }
}
