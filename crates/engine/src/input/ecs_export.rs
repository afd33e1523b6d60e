//! Documents already in ECS, as exported from Elasticsearch: telling an ECS document from a raw
//! CloudTrail record by content, and unwrapping search hits (`{"_index":..,"_source":{..}}`).
//!
//! Depends on nothing else in the crate.

use serde_json::{Map, Value};

/// A raw CloudTrail record names its format version or its service and API call.
pub(crate) fn is_raw_cloudtrail(obj: &Map<String, Value>) -> bool {
    obj.contains_key("eventVersion") || (obj.contains_key("eventSource") && obj.contains_key("eventName"))
}

/// An ECS document has `@timestamp` with `event`/`ecs` objects or dotted keys like `event.action`.
pub(crate) fn is_ecs(obj: &Map<String, Value>) -> bool {
    if is_raw_cloudtrail(obj) {
        return false;
    }
    let ecs_object = obj.get("ecs").is_some_and(Value::is_object);
    let markers = ecs_object
        || obj.get("event").is_some_and(Value::is_object)
        || obj.keys().any(|k| k.starts_with("event.") || k.starts_with("ecs."));
    markers && (obj.contains_key("@timestamp") || ecs_object || obj.contains_key("ecs.version"))
}

/// A search hit carries its document in `_source`: `Some(Ok(doc))`, `Some(Err(why))` when
/// `_source` is not an object, `None` when `obj` is not a hit.
pub(crate) fn hit_source(obj: &mut Map<String, Value>) -> Option<Result<Value, String>> {
    let source = obj.remove("_source")?;
    Some(if source.is_object() {
        Ok(source)
    } else {
        Err(format!("search hit `_source` is {}, not an object", super::kind::type_name(&source)))
    })
}

/// The hits of a search response `{"hits":{"hits":[...]}}`, if `obj` is one.
pub(crate) fn search_hits(obj: &mut Map<String, Value>) -> Option<Result<Vec<Value>, String>> {
    let outer = obj.get_mut("hits")?.as_object_mut()?;
    Some(match outer.remove("hits") {
        Some(Value::Array(hits)) => Ok(hits),
        Some(other) => Err(format!("search response `hits.hits` is {}, not an array", super::kind::type_name(&other))),
        None => Err("search response has no `hits.hits` array".to_string()),
    })
}
