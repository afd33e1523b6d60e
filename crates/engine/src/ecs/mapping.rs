//! What Elasticsearch indexes of a field, as the AWS integration's index template maps it: a keyword
//! value longer than the field's `ignore_above` is kept in the document but not indexed, so no query
//! finds it and no aggregation counts it. The template gives `aws.cloudtrail.request_parameters`
//! and `response_elements` 8191; Fleet gives every other keyword field 1024 (ECS fields too);
//! flattened fields (`aws.cloudtrail.flattened.*`) and text fields have no limit.
//!
//! [`Indexed`] is a document as a search sees it: the same values, less those not indexed.

use crate::doc::{Document, Scalar};

/// Fleet's `ignore_above` for a keyword field that does not set one.
pub const DEFAULT_IGNORE_ABOVE: usize = 1024;

/// The longest value of `field` that is indexed, in UTF-16 units as Elasticsearch counts them;
/// `None` when every value is.
pub fn ignore_above(field: &str) -> Option<usize> {
    match field {
        "aws.cloudtrail.request_parameters" | "aws.cloudtrail.response_elements" => Some(8191),
        // Text fields: analysed, never cut.
        "message" | "error.message" => None,
        _ if field.starts_with("aws.cloudtrail.flattened.") || field.ends_with(".text") => None,
        _ => Some(DEFAULT_IGNORE_ABOVE),
    }
}

/// Whether `value` is longer than `limit` UTF-16 units (without counting them when its bytes fit).
fn too_long(value: &str, limit: usize) -> bool {
    value.len() > limit && value.encode_utf16().count() > limit
}

/// A document as the index holds it: a string value longer than its field's `ignore_above` is
/// not there.
pub struct Indexed<'a>(pub &'a dyn Document);

impl Document for Indexed<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        // No limit is under the default: a value within it is indexed whatever its field.
        self.0.any_value(field, &mut |value| match value {
            Scalar::Str(s) if s.len() > DEFAULT_IGNORE_ABOVE && ignore_above(field).is_some_and(|limit| too_long(s, limit)) => false,
            value => visit(value),
        })
    }

    /// Every field of the document, as it is: testing each for an indexed value would look every
    /// field up again. Only a field whose every value is over its limit is listed where
    /// Elasticsearch would not list it (for `field:*` on its parent, a wildcard field name).
    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.0.for_each_field(visit)
    }

    fn may_have_subfields(&self, field: &str) -> bool {
        self.0.may_have_subfields(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_over_ignore_above_are_not_indexed() {
        let long = "x".repeat(1025);
        let params = "p".repeat(8192);
        let doc = json!({
            "user": {"name": [long.clone(), "alice"]},
            "event": {"action": long.clone()},
            "aws": {"cloudtrail": {"request_parameters": params.clone(), "response_elements": "r".repeat(8191),
                    "flattened": {"request_parameters": {"policy": long.clone()}}}},
            "message": long.clone(),
        });
        let indexed = Indexed(&doc);
        let values = |field: &str| {
            let mut out = Vec::new();
            indexed.any_value(field, &mut |v| {
                out.push(matches!(v, Scalar::Str(s) if s.len() > 20));
                false
            });
            out
        };
        assert_eq!(values("user.name"), [false], "the long name is not indexed, the short one is");
        assert!(!indexed.exists("event.action") && !indexed.exists("aws.cloudtrail.request_parameters"));
        assert_eq!(values("aws.cloudtrail.response_elements"), [true], "8191 is within the limit");
        assert_eq!(values("aws.cloudtrail.flattened.request_parameters.policy"), [true], "flattened: no limit");
        assert_eq!(values("message"), [true], "text: no limit");
        // UTF-16 units, not bytes: 1024 two-byte characters are 1024 units.
        assert!(!too_long(&"é".repeat(1024), 1024) && too_long(&"é".repeat(1025), 1024));
        assert!(too_long(&"😀".repeat(513), 1024), "a character outside the BMP is two units");
    }
}
