//! The field-lookup interface that KQL matches against, and its implementation for JSON documents.
//!
//! Field names are ECS dotted paths (`event.action`). A document may store a path as nested objects
//! (`{"event":{"action":..}}`), as a literal dotted key (`{"event.action":..}`), or a mix; lookups
//! accept all of them, as Elasticsearch does. Arrays give several values: a multi-valued field
//! matches when any value does. This module must not depend on the KQL or ECS modules.

use serde_json::Value;

/// One leaf value of a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    Str(&'a str),
    Num(f64),
    Bool(bool),
}

/// Anything KQL can match against.
pub trait Document {
    /// Calls `visit` with each non-null leaf value of `field` until it returns `true`; returns
    /// whether it did. An absent field, `null` and an empty array have no values.
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool;

    /// Calls `visit` with the dotted name of every field that has at least one leaf value.
    fn for_each_field(&self, visit: &mut dyn FnMut(&str));

    /// Whether `field` has at least one value (KQL `field:*`).
    fn exists(&self, field: &str) -> bool {
        self.any_value(field, &mut |_| true)
    }

    /// Whether `field` may have fields under it (`field.x`); `false` only when the document knows
    /// it is a leaf, which spares listing every field to find none (KQL's `field:*` asks).
    fn may_have_subfields(&self, _field: &str) -> bool {
        true
    }
}

impl Document for Value {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        lookup_any(self, field, visit)
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        let mut path = String::new();
        walk_fields(self, &mut path, visit);
    }
}

/// Visits the leaves of `value` (descending into arrays) until `visit` returns `true`.
pub fn any_leaf(value: &Value, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => visit(Scalar::Bool(*b)),
        Value::Number(n) => n.as_f64().is_some_and(|f| visit(Scalar::Num(f))),
        Value::String(s) => visit(Scalar::Str(s)),
        Value::Array(items) => items.iter().any(|item| any_leaf(item, visit)),
        // An object is not a leaf: `field:value` on an object field matches nothing.
        Value::Object(_) => false,
    }
}

fn lookup_any(value: &Value, path: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
    match value {
        Value::Object(map) => {
            if let Some(leaf) = map.get(path)
                && any_leaf(leaf, visit)
            {
                return true;
            }
            // Try every split point: "a.b.c" may be {"a":{"b.c":..}} or {"a.b":{"c":..}}.
            path.match_indices('.').any(|(i, _)| map.get(&path[..i]).is_some_and(|child| lookup_any(child, &path[i + 1..], visit)))
        }
        Value::Array(items) => items.iter().any(|item| lookup_any(item, path, visit)),
        _ => false,
    }
}

fn walk_fields(value: &Value, path: &mut String, visit: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk_fields(child, path, visit);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            if items.iter().any(|item| item.is_object()) {
                for item in items {
                    walk_fields(item, path, visit);
                }
            } else if items.iter().any(|item| !item.is_null()) {
                visit(path);
            }
        }
        Value::Null => {}
        _ => visit(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(doc: &Value, field: &str) -> Vec<String> {
        let mut out = Vec::new();
        doc.any_value(field, &mut |s| {
            out.push(format!("{s:?}"));
            false
        });
        out
    }

    #[test]
    fn nested_dotted_and_mixed_paths_resolve() {
        let doc = json!({"event": {"action": "A"}, "event.provider": "p", "aws": {"cloudtrail.flattened": {"x": 1}}});
        assert_eq!(values(&doc, "event.action"), ["Str(\"A\")"]);
        assert_eq!(values(&doc, "event.provider"), ["Str(\"p\")"]);
        assert_eq!(values(&doc, "aws.cloudtrail.flattened.x"), ["Num(1.0)"]);
        assert!(values(&doc, "event").is_empty(), "an object is not a leaf");
    }

    #[test]
    fn arrays_give_every_value_and_nulls_none() {
        let doc = json!({"event": {"type": ["change", null, "deletion"]}, "user": [{"name": "a"}, {"name": "b"}], "n": null});
        assert_eq!(values(&doc, "event.type"), ["Str(\"change\")", "Str(\"deletion\")"]);
        assert_eq!(values(&doc, "user.name"), ["Str(\"a\")", "Str(\"b\")"]);
        assert!(!doc.exists("n"));
        assert!(doc.exists("user.name"));
    }

    #[test]
    fn field_names_are_dotted_leaves() {
        let doc = json!({"event": {"action": "A", "type": ["x"]}, "related": {"user": []}, "user": [{"name": "a"}]});
        let mut names = Vec::new();
        doc.for_each_field(&mut |n| names.push(n.to_string()));
        assert_eq!(names, ["event.action", "event.type", "user.name"]);
    }
}
