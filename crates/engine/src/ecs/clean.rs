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

/// Applies the pass to `v` in place; `false` when the pass removes `v` itself. Containers are
/// cleaned bottom-up and lose only the entries the pass drops, in their order (nothing is rebuilt).
pub fn clean(v: &mut Value, pass: Pass) -> bool {
    match v {
        Value::Array(items) => {
            items.retain_mut(|x| clean(x, pass));
            !items.is_empty()
        }
        Value::Object(map) => {
            clean_map(map, pass);
            !map.is_empty()
        }
        other => !is_blank_scalar(other, pass),
    }
}

/// Cleans the entries of a map in place (the map itself stays, even if empty).
pub fn clean_map(map: &mut Map<String, Value>, pass: Pass) {
    map.retain(|_, x| clean(x, pass));
}
