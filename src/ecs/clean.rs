//! The pipeline's two null-removal passes (`script_remove_nulls_before_renames` and
//! `script_remove_nulls`): drop null, empty strings, empty maps/lists, and in the first pass also
//! the placeholders `"-"` and `"none"`, bottom-up.
//!
//! Depends on nothing but serde_json.

use serde_json::{Map, Value};

/// Which pass: the first also drops `"-"` and `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    First,
    Last,
}

fn is_blank_scalar(v: &Value, pass: Pass) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => is_blank_str(s, pass),
        _ => false,
    }
}

/// Whether the pass removes the string `s`.
pub fn is_blank_str(s: &str, pass: Pass) -> bool {
    s.is_empty() || (pass == Pass::First && (s == "-" || s == "none"))
}

/// Whether `v` is still there after the pass (a container survives when a child does).
pub fn survives(v: &Value, pass: Pass) -> bool {
    match v {
        Value::Array(items) => items.iter().any(|x| survives(x, pass)),
        Value::Object(map) => map.values().any(|x| survives(x, pass)),
        other => !is_blank_scalar(other, pass),
    }
}

/// The value after the pass, or `None` when the pass removes it.
pub fn cleaned(v: &Value, pass: Pass) -> Option<Value> {
    match v {
        Value::Array(items) => {
            let out: Vec<Value> = items.iter().filter_map(|x| cleaned(x, pass)).collect();
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Value::Object(map) => {
            let out = clean_map(map, pass);
            (!out.is_empty()).then_some(Value::Object(out))
        }
        other => (!is_blank_scalar(other, pass)).then(|| other.clone()),
    }
}

/// Cleans the entries of a map (the map itself stays, even if empty).
pub fn clean_map(map: &Map<String, Value>, pass: Pass) -> Map<String, Value> {
    map.iter().filter_map(|(k, x)| cleaned(x, pass).map(|x| (k.clone(), x))).collect()
}
