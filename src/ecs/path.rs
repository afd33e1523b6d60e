//! Dotted-path access to the ingest document (`ctx`), with the two semantics the pipeline mixes:
//! processors (`IngestDocument`: a non-map on the way means "missing") and painless `?.`
//! navigation (a non-map, non-null on the way throws).
//!
//! Depends on nothing but serde_json.

use serde_json::{Map, Value};

/// Processor-style lookup: `None` if absent or if a step is not a map.
pub fn get<'a>(root: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut cur = root.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

/// Painless `ctx.a?.b?.c`: `Ok(None)` on a null/absent step, `Err` when a step is a scalar or list.
pub fn nav<'a>(root: &'a Map<String, Value>, path: &str) -> Result<Option<&'a Value>, String> {
    let mut cur: Option<&Value> = None;
    for (i, p) in path.split('.').enumerate() {
        let map = if i == 0 {
            root
        } else {
            match cur {
                None | Some(Value::Null) => return Ok(None),
                Some(Value::Object(m)) => m,
                Some(other) => {
                    return Err(format!("dynamic getter [{}, {p}] not found", java_type(other)));
                }
            }
        };
        cur = map.get(p);
    }
    Ok(cur.filter(|v| !v.is_null()))
}

/// The Java class name painless would report for a value.
pub fn java_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(_) => "java.lang.Integer",
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.HashMap",
    }
}

/// Removes and returns the value at `path` (processor-style).
pub fn remove(root: &mut Map<String, Value>, path: &str) -> Option<Value> {
    match path.rsplit_once('.') {
        None => root.shift_remove(path),
        Some((parent, leaf)) => get_mut(root, parent)?.as_object_mut()?.shift_remove(leaf),
    }
}

fn get_mut<'a>(root: &'a mut Map<String, Value>, path: &str) -> Option<&'a mut Value> {
    let mut parts = path.split('.');
    let mut cur = root.get_mut(parts.next()?)?;
    for p in parts {
        cur = cur.as_object_mut()?.get_mut(p)?;
    }
    Some(cur)
}

/// Sets `path`, creating maps on the way; fails like `IngestDocument` when a step is not a map.
pub fn set(root: &mut Map<String, Value>, path: &str, value: Value) -> Result<(), String> {
    let (parents, leaf) = match path.rsplit_once('.') {
        None => (None, path),
        Some((p, l)) => (Some(p), l),
    };
    let mut cur = root;
    if let Some(parents) = parents {
        for p in parents.split('.') {
            let next = cur.entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
            cur = match next {
                Value::Object(m) => m,
                other => {
                    return Err(format!("cannot set [{leaf}] with parent object of type [{}] as part of path [{path}]", java_type(other)));
                }
            };
        }
    }
    cur.insert(leaf.to_string(), value);
    Ok(())
}

/// `append` processor: turns the field into a list and adds `value` (unless a duplicate).
pub fn append(root: &mut Map<String, Value>, path: &str, value: Value, allow_duplicates: bool) -> Result<(), String> {
    let list = match remove(root, path) {
        None => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(other) => vec![other],
    };
    let mut list = list;
    if allow_duplicates || !list.contains(&value) {
        list.push(value);
    }
    set(root, path, Value::Array(list))
}

/// `rename` processor. `Ok(false)` when the source is missing.
pub fn rename(root: &mut Map<String, Value>, from: &str, to: &str, override_: bool) -> Result<bool, String> {
    if get(root, from).is_none() {
        return Ok(false);
    }
    if !override_ && get(root, to).is_some() {
        return Err(format!("field [{to}] already exists"));
    }
    let value = remove(root, from).unwrap_or(Value::Null);
    set(root, to, value)?;
    Ok(true)
}

/// Mustache `{{{path}}}`: the value printed as Java would, `""` when absent.
pub fn render(root: &Map<String, Value>, path: &str) -> String {
    match get(root, path) {
        None | Some(Value::Null) => String::new(),
        Some(v) => crate::ecs::javamap::to_java_string(v),
    }
}
