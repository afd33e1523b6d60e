//! Where a query's field names are looked up: a whole document, or one element of a nested array
//! (`path:{ ... }`). Must not depend on the parser, printer or matchers.
//!
//! [`Document`] answers leaf values only, so it cannot say which values sit on the same array element.
//! [`NestedDocument`] adds that: it lends each element of the array at a path as a document of its
//! own. JSON values implement it exactly. Any other document is matched through [`Flat`], whose
//! "elements" are one view of the whole document under the path prefix: then `path:{ a:1 and b:2 }`
//! holds when some element has `a:1` and some (maybe another) has `b:2` — a documented approximation.

use crate::doc::{Document, Scalar};
use serde_json::Value;

/// Whether `field` exists as Elasticsearch's `exists` query sees it: it has a value, or it is an object
/// with some field under it that has one.
pub fn field_exists(doc: &dyn Document, field: &str) -> bool {
    if doc.exists(field) {
        return true;
    }
    if !doc.may_have_subfields(field) {
        return false;
    }
    let mut found = false;
    doc.for_each_field(&mut |name| {
        found = found || name.strip_prefix(field).is_some_and(|rest| rest.starts_with('.'));
    });
    found
}

/// A document that can lend the elements of a nested array as documents.
pub trait NestedDocument: Document {
    /// Calls `visit` with each object at `path` (each element when it is an array) until it returns
    /// `true`; returns whether it did.
    fn any_element(&self, path: &str, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool;
}

impl NestedDocument for Value {
    fn any_element(&self, path: &str, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool {
        objects_at(self, path, visit)
    }
}

/// Visits the objects at the dotted `path`, trying every split of the path into keys as
/// [`crate::doc`] does for leaves.
fn objects_at(value: &Value, path: &str, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool {
    match value {
        Value::Object(map) => {
            if let Some(found) = map.get(path)
                && each_object(found, visit)
            {
                return true;
            }
            path.match_indices('.').any(|(i, _)| map.get(&path[..i]).is_some_and(|child| objects_at(child, &path[i + 1..], visit)))
        }
        Value::Array(items) => items.iter().any(|item| objects_at(item, path, visit)),
        _ => false,
    }
}

fn each_object(value: &Value, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool {
    match value {
        Value::Object(_) => visit(value),
        Value::Array(items) => items.iter().any(|item| each_object(item, visit)),
        _ => false,
    }
}

/// Any [`Document`] seen as a [`NestedDocument`] whose nested scopes are path-prefixed views.
pub struct Flat<'a>(pub &'a dyn Document);

impl Document for Flat<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        self.0.any_value(field, visit)
    }
    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.0.for_each_field(visit)
    }
    fn exists(&self, field: &str) -> bool {
        self.0.exists(field)
    }
    fn may_have_subfields(&self, field: &str) -> bool {
        self.0.may_have_subfields(field)
    }
}

impl NestedDocument for Flat<'_> {
    fn any_element(&self, path: &str, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool {
        visit(&Prefixed { doc: self.0, prefix: format!("{path}.") })
    }
}

/// The fields of `doc` under `prefix`, named without it.
struct Prefixed<'a> {
    doc: &'a dyn Document,
    /// Ends with a dot.
    prefix: String,
}

impl Document for Prefixed<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        self.doc.any_value(&format!("{}{field}", self.prefix), visit)
    }
    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.doc.for_each_field(&mut |name| {
            if let Some(rest) = name.strip_prefix(self.prefix.as_str()) {
                visit(rest)
            }
        })
    }
    fn exists(&self, field: &str) -> bool {
        self.doc.exists(&format!("{}{field}", self.prefix))
    }
    fn may_have_subfields(&self, field: &str) -> bool {
        self.doc.may_have_subfields(&format!("{}{field}", self.prefix))
    }
}

impl NestedDocument for Prefixed<'_> {
    fn any_element(&self, path: &str, visit: &mut dyn FnMut(&dyn NestedDocument) -> bool) -> bool {
        visit(&Prefixed { doc: self.doc, prefix: format!("{}{path}.", self.prefix) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_lends_each_array_element() {
        let doc = json!({"users": [{"name": "a", "age": 1}, {"name": "b", "age": 2}], "x": {"y.z": {"k": 1}}});
        let mut names = Vec::new();
        doc.any_element("users", &mut |el| {
            el.any_value("name", &mut |v| {
                names.push(format!("{v:?}"));
                false
            });
            false
        });
        assert_eq!(names, ["Str(\"a\")", "Str(\"b\")"]);
        assert!(doc.any_element("x.y.z", &mut |el| el.exists("k")));
    }

    #[test]
    fn flat_documents_lend_a_prefixed_view() {
        let doc = json!({"users": [{"name": "a"}, {"name": "b"}]});
        let flat = Flat(&doc);
        assert!(flat.any_element("users", &mut |el| el.exists("name")));
        let mut fields = Vec::new();
        flat.any_element("users", &mut |el| {
            el.for_each_field(&mut |f| fields.push(f.to_string()));
            false
        });
        assert_eq!(fields, ["name", "name"]);
    }
}
