//! Exceptions: alerts an analyst has judged benign, as "this field has this value" for one rule or
//! as a KQL query; kept in the browser's storage as JSON.
//!
//! Yew-free; depends on the engine's KQL and document lookup only.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use trailhound_engine::Query;
use trailhound_engine::TextAlert;
use trailhound_engine::{Document, Scalar};

/// What an exception matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Matcher {
    /// The ECS field has this value (e.g. `aws.cloudtrail.user_identity.arn`).
    Field { field: String, value: String },
    /// A KQL query over the alert's ECS document.
    Query { kql: String },
}

/// One exception, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exception {
    pub id: u64,
    /// The rule it applies to; `None` for every rule.
    pub rule_id: Option<String>,
    /// The rule's name when the exception was made (for the list).
    pub rule_name: Option<String>,
    pub matcher: Matcher,
    /// A note: why this is benign.
    #[serde(default)]
    pub comment: String,
}

impl Exception {
    /// What the exception says, in one line.
    pub fn describe(&self) -> String {
        match &self.matcher {
            Matcher::Field { field, value } => format!("{field} is \"{value}\""),
            Matcher::Query { kql } => kql.clone(),
        }
    }
}

/// An exception ready to test alerts: its KQL compiled, or the reason it does not parse.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub exception: Exception,
    query: Option<Query>,
    pub error: Option<String>,
}

impl Compiled {
    pub fn new(exception: Exception) -> Compiled {
        let (query, error) = match &exception.matcher {
            Matcher::Field { .. } => (None, None),
            Matcher::Query { kql } => match Query::parse(kql) {
                Ok(query) => (Some(query), None),
                Err(e) => (None, Some(parse_error_text(kql, &e.message, e.span.start))),
            },
        };
        Compiled { exception, query, error }
    }

    /// Whether this exception can suppress alerts of `rule_id`: it is for that rule (or every
    /// rule), and its query, if any, parses.
    fn applies_to(&self, rule_id: &str) -> bool {
        let parses = matches!(self.exception.matcher, Matcher::Field { .. }) || self.query.is_some();
        parses && self.exception.rule_id.as_deref().is_none_or(|own| own == rule_id)
    }

    /// Whether this exception matches an alert's ECS `document` (its rule is not checked). An
    /// exception that does not parse matches nothing.
    fn matches(&self, document: &Value) -> bool {
        match &self.exception.matcher {
            Matcher::Field { field, value } => has_value(document, field, value),
            Matcher::Query { .. } => self.query.as_ref().is_some_and(|q| q.matches(document)),
        }
    }
}

/// The index of the first of `exceptions` that suppresses `alert`. The alert's document is parsed
/// only if an exception can suppress alerts of its rule, and then once.
pub fn first_suppressing(exceptions: &[Compiled], alert: &TextAlert) -> Option<usize> {
    let mut document = None;
    exceptions.iter().position(|exception| {
        exception.applies_to(&alert.rule.rule_id)
            && document.get_or_insert_with(|| alert.document.parse().ok()).as_ref().is_some_and(|d| exception.matches(d))
    })
}

/// Checks a KQL exception before it is added: `Err` says where the query is wrong.
pub fn check_query(kql: &str) -> Result<(), String> {
    if kql.trim().is_empty() {
        return Err("write a KQL query, e.g. user.name:\"terraform\"".into());
    }
    Query::parse(kql).map(|_| ()).map_err(|e| parse_error_text(kql, &e.message, e.span.start))
}

fn parse_error_text(kql: &str, message: &str, at: usize) -> String {
    let column = kql.get(..at).map_or(at, |s| s.chars().count()) + 1;
    format!("{message} (at column {column})")
}

/// Whether `field` of `doc` has `value` (compared as text).
pub fn has_value(doc: &dyn Document, field: &str, value: &str) -> bool {
    doc.any_value(field, &mut |scalar| match scalar {
        Scalar::Str(s) => s == value,
        Scalar::Num(n) => n.to_string() == value,
        Scalar::Bool(b) => b.to_string() == value,
    })
}

/// The fields an alert offers to except on, with their labels, in the order the detail panel lists them.
pub const EXCEPTABLE_FIELDS: [(&str, &str); 6] = [
    ("aws.cloudtrail.user_identity.arn", "this actor ARN"),
    ("user.name", "this user"),
    ("aws.cloudtrail.user_identity.access_key_id", "this access key"),
    ("source.ip", "this source IP"),
    ("cloud.account.id", "this account"),
    ("user_agent.original", "this user agent"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_exception_matches_its_value_for_its_rule_only() {
        let doc = json!({"user": {"name": "terraform"}, "cloud": {"account": {"id": "111122223333"}}});
        assert!(has_value(&doc, "user.name", "terraform"));
        assert!(!has_value(&doc, "user.name", "alice"));
        assert!(!has_value(&doc, "source.ip", "terraform"));
    }

    #[test]
    fn exceptions_are_stored_as_tagged_json() {
        let exception = Exception {
            id: 7,
            rule_id: Some("r".into()),
            rule_name: None,
            matcher: Matcher::Field { field: "user.name".into(), value: "ci".into() },
            comment: String::new(),
        };
        let text = serde_json::to_string(&exception).unwrap();
        assert!(text.contains(r#""matcher":{"kind":"field","field":"user.name","value":"ci"}"#), "{text}");
        assert_eq!(serde_json::from_str::<Exception>(&text).unwrap(), exception);
        assert_eq!(exception.describe(), "user.name is \"ci\"");
    }

    #[test]
    fn an_empty_query_is_refused() {
        assert!(check_query("  ").is_err());
    }
}
