//! Dotted-path access to the ingest document (`ctx`), with the two semantics the pipeline mixes:
//! processors (`IngestDocument`: a non-map on the way means "missing") and painless `?.`
//! navigation (a non-map, non-null on the way throws).
//!
//! Depends on nothing but serde_json.

use serde_json::{Map, Value};

/// The segments of a dotted path (`str::split('.')`, without the char searcher's per-call setup:
/// paths are short and split on every access).
fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b'.') {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `(parent, leaf)` of a dotted path (`str::rsplit_once('.')`).
fn split_leaf(path: &str) -> Option<(&str, &str)> {
    let i = path.bytes().rposition(|b| b == b'.')?;
    Some((&path[..i], &path[i + 1..]))
}

/// Maps up to this size are searched by comparing keys: cheaper than hashing the key (SipHash)
/// for the short keys and small objects of a record, with the same answer.
const SCAN: usize = 24;

/// `map.get(key)`.
fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SCAN { map.iter().find_map(|(k, v)| (k == key).then_some(v)) } else { map.get(key) }
}

/// `map.get_mut(key)`.
fn lookup_mut<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if map.len() <= SCAN { map.iter_mut().find_map(|(k, v)| (k == key).then_some(v)) } else { map.get_mut(key) }
}

/// Processor-style lookup: `None` if absent or if a step is not a map.
pub fn get<'a>(root: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = segments(path);
    let mut cur = lookup(root, parts.next()?)?;
    for p in parts {
        cur = lookup(cur.as_object()?, p)?;
    }
    Some(cur)
}

/// Painless `ctx.a?.b?.c`: `Ok(None)` on a null/absent step, `Err` when a step is a scalar or list.
pub fn nav<'a>(root: &'a Map<String, Value>, path: &str) -> Result<Option<&'a Value>, String> {
    let mut cur: Option<&Value> = None;
    for (i, p) in segments(path).enumerate() {
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
        cur = lookup(map, p);
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
    match split_leaf(path) {
        None => root.shift_remove(path),
        Some((parent, leaf)) => get_mut(root, parent)?.as_object_mut()?.shift_remove(leaf),
    }
}

fn get_mut<'a>(root: &'a mut Map<String, Value>, path: &str) -> Option<&'a mut Value> {
    let mut parts = segments(path);
    let mut cur = lookup_mut(root, parts.next()?)?;
    for p in parts {
        cur = lookup_mut(cur.as_object_mut()?, p)?;
    }
    Some(cur)
}

/// Sets `path`, creating maps on the way; fails like `IngestDocument` when a step is not a map.
pub fn set(root: &mut Map<String, Value>, path: &str, value: Value) -> Result<(), String> {
    match split_leaf(path) {
        None => {
            root.insert(path.to_string(), value);
            Ok(())
        }
        Some((parents, leaf)) => set_under(root, segments(parents), leaf, value)
            .map_err(|kind| format!("cannot set [{leaf}] with parent object of type [{kind}] as part of path [{path}]")),
    }
}

/// `set` below `map` through the `parents` left; `Err` names the type of a parent that is not a map.
/// One lookup a level: a missing parent's subtree is built first, then inserted.
fn set_under<'p>(
    map: &mut Map<String, Value>,
    mut parents: impl Iterator<Item = &'p str>,
    leaf: &str,
    value: Value,
) -> Result<(), &'static str> {
    let Some(p) = parents.next() else {
        map.insert(leaf.to_string(), value);
        return Ok(());
    };
    match lookup_mut(map, p) {
        Some(Value::Object(next)) => set_under(next, parents, leaf, value),
        Some(other) => Err(java_type(other)),
        None => {
            // Room for the few fields an ECS object gets, so that it does not grow entry by entry.
            let mut next = Map::with_capacity(8);
            set_under(&mut next, parents, leaf, value)?;
            map.insert(p.to_string(), Value::Object(next));
            Ok(())
        }
    }
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
