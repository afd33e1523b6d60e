//! Alerts: one per matching record per rule, carrying the rule's identity and the event's key fields.
//!
//! Built from a rule and the event's ECS document; must not depend on input shapes or output formats.

use crate::doc::{Document, Scalar};
use crate::rules::{Mitre, Rule, RuleType, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

/// What an alert says about the rule that raised it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    pub rule_id: String,
    pub name: String,
    pub severity: Severity,
    pub risk_score: u8,
    pub version: Option<u32>,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    pub tags: Vec<String>,
    pub tactics: Vec<Mitre>,
    pub techniques: Vec<Mitre>,
}

impl RuleRef {
    pub fn of(rule: &Rule) -> RuleRef {
        RuleRef {
            rule_id: rule.rule_id.clone(),
            name: rule.name.clone(),
            severity: rule.severity,
            risk_score: rule.risk_score,
            version: rule.version,
            rule_type: rule.rule_type(),
            tags: rule.tags.clone(),
            tactics: rule.tactics().cloned().collect(),
            techniques: rule
                .techniques()
                .map(|t| Mitre { id: t.id.clone(), name: t.name.clone(), reference: t.reference.clone() })
                .collect(),
        }
    }
}

/// The event fields an analyst reads first, taken from the ECS document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSummary {
    pub timestamp: Option<String>,
    pub event_id: Option<String>,
    pub action: Option<String>,
    pub outcome: Option<String>,
    pub provider: Option<String>,
    pub user_name: Option<String>,
    pub identity_type: Option<String>,
    pub identity_arn: Option<String>,
    pub access_key_id: Option<String>,
    pub source_ip: Option<String>,
    pub source_address: Option<String>,
    pub user_agent: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub bucket: Option<String>,
    /// Where the address is (`source.geo.*`, with a GeoIP database): country and city names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The network announcing it (`source.as.*`, with an ASN database): number and organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_organization: Option<String>,
    /// The client as `user_agent.*` parses it: "aws-cli 2.17.60 on Linux 4.9".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
}

impl EventSummary {
    /// Reads the summary from an ECS document; `raw` is the original CloudTrail record, if any.
    pub fn from_ecs(doc: &dyn Document, raw: Option<&Value>) -> EventSummary {
        let bucket = raw
            .and_then(|r| r.pointer("/requestParameters/bucketName"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| first(doc, "aws.cloudtrail.flattened.request_parameters.bucketName"));
        EventSummary {
            timestamp: first(doc, "@timestamp"),
            event_id: first(doc, "event.id"),
            action: first(doc, "event.action"),
            outcome: first(doc, "event.outcome"),
            provider: first(doc, "event.provider"),
            user_name: first(doc, "user.name"),
            identity_type: first(doc, "aws.cloudtrail.user_identity.type"),
            identity_arn: first(doc, "aws.cloudtrail.user_identity.arn"),
            access_key_id: first(doc, "aws.cloudtrail.user_identity.access_key_id"),
            source_ip: first(doc, "source.ip"),
            source_address: first(doc, "source.address"),
            user_agent: first(doc, "user_agent.original"),
            account_id: first(doc, "cloud.account.id"),
            region: first(doc, "cloud.region"),
            bucket,
            country: first(doc, "source.geo.country_name"),
            city: first(doc, "source.geo.city_name"),
            as_number: first(doc, "source.as.number"),
            as_organization: first(doc, "source.as.organization.name"),
            client: client(doc),
        }
    }

    /// The place, "Linköping, Sweden" (or only the country), with a GeoIP database.
    pub fn place(&self) -> Option<String> {
        match (&self.city, &self.country) {
            (Some(city), Some(country)) => Some(format!("{city}, {country}")),
            (None, Some(country)) => Some(country.clone()),
            (Some(city), None) => Some(city.clone()),
            (None, None) => None,
        }
    }

    /// The network, "AS29518 Bredband2 AB", with an ASN database.
    pub fn network(&self) -> Option<String> {
        match (&self.as_number, &self.as_organization) {
            (Some(n), Some(org)) => Some(format!("AS{n} {org}")),
            (Some(n), None) => Some(format!("AS{n}")),
            (None, Some(org)) => Some(org.clone()),
            (None, None) => None,
        }
    }

    /// The actor to show: the user name, else the identity ARN.
    pub fn actor(&self) -> Option<&str> {
        self.user_name.as_deref().or(self.identity_arn.as_deref())
    }
}

/// The client in words from `user_agent.*`: its name and version, and the system it runs on;
/// `None` for an agent no pattern names ("Other") with no system.
fn client(doc: &dyn Document) -> Option<String> {
    let name = first(doc, "user_agent.name").filter(|n| n != "Other");
    let os = first(doc, "user_agent.os.full").or_else(|| first(doc, "user_agent.os.name"));
    let agent = name.map(|n| match first(doc, "user_agent.version") {
        Some(v) => format!("{n} {v}"),
        None => n,
    });
    match (agent, os) {
        (Some(a), Some(os)) => Some(format!("{a} on {os}")),
        (Some(a), None) => Some(a),
        (None, Some(os)) => Some(format!("a client on {os}")),
        (None, None) => None,
    }
}

/// The first value of `field`, as text.
pub fn first(doc: &dyn Document, field: &str) -> Option<String> {
    first_with(doc, field, str::to_string)
}

/// `f` of the first value of `field` as text, without copying it when it is a string.
pub fn first_with<R>(doc: &dyn Document, field: &str, mut f: impl FnMut(&str) -> R) -> Option<R> {
    let mut out = None;
    doc.any_value(field, &mut |value| {
        out = Some(match value {
            Scalar::Str(s) => f(s),
            Scalar::Num(n) => f(&n.to_string()),
            Scalar::Bool(b) => f(&b.to_string()),
        });
        true
    });
    out
}

/// Where a record came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    /// 0-based index of the record in its file.
    pub record: usize,
}

/// One alert: a rule matched a record. The engine gives its documents as JSON trees (`D` =
/// [`Value`]); the page keeps them as text ([`TextAlert`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert<D = Value> {
    pub rule: RuleRef,
    pub event: EventSummary,
    pub origin: Origin,
    /// The event's ECS document, as Elastic would index it.
    pub document: D,
    /// The original CloudTrail record, when the input was raw CloudTrail.
    pub original: Option<D>,
    /// What a stateful rule decided: the threshold group, the new terms, the sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// What a stateful rule's alert says beyond its event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// A threshold group that reached its count in one execution (`kibana.alert.threshold_result`).
    Threshold {
        /// The group-by fields and the group's values.
        terms: Vec<(String, String)>,
        count: u64,
        /// The cardinality field and how many distinct values the group held.
        cardinality: Option<(String, u64)>,
        /// The group's earliest match (RFC 3339), as Kibana writes it.
        from: String,
        /// The group's first events (at most [`MEMBERS_KEPT`]).
        members: Vec<Member>,
    },
    /// Values not seen in the rule's history (`kibana.alert.new_terms`), one per field.
    NewTerms { fields: Vec<String>, terms: Vec<String> },
    /// An EQL sequence: its group ID (`kibana.alert.group.id`, the same for the same rule and
    /// events in any scan), its join key and its events, in order; the alert is the last event's.
    Sequence { group: String, join: Vec<Option<String>>, events: Vec<Member> },
}

/// How many of a threshold group's events its alert lists.
pub const MEMBERS_KEPT: usize = 20;

/// An event in brief, as an alert of many events lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub timestamp: Option<String>,
    pub event_id: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub origin: Origin,
}

impl Member {
    pub fn of(doc: &dyn Document, origin: Origin) -> Member {
        Member {
            timestamp: first(doc, "@timestamp"),
            event_id: first(doc, "event.id"),
            action: first(doc, "event.action"),
            actor: first(doc, "user.name").or_else(|| first(doc, "aws.cloudtrail.user_identity.arn")),
            source: first(doc, "source.ip").or_else(|| first(doc, "source.address")),
            origin,
        }
    }
}

/// An alert whose documents are kept as JSON text: what the page holds. It is read in one pass
/// from the worker's message and takes a few KB, where a tree takes tens of KB and many
/// allocations; a document is parsed only to be shown, exported or matched by an exception.
pub type TextAlert = Alert<JsonText>;

impl Alert {
    /// The alert with its documents as text.
    pub fn into_text(self) -> TextAlert {
        Alert {
            rule: self.rule,
            event: self.event,
            origin: self.origin,
            document: JsonText::of(&self.document),
            original: self.original.as_ref().map(JsonText::of),
            detail: self.detail,
        }
    }
}

impl TextAlert {
    /// The alert with its documents parsed again.
    pub fn to_value(&self) -> serde_json::Result<Alert> {
        Ok(Alert {
            rule: self.rule.clone(),
            event: self.event.clone(),
            origin: self.origin.clone(),
            document: self.document.parse()?,
            original: self.original.as_ref().map(JsonText::parse).transpose()?,
            detail: self.detail.clone(),
        })
    }
}

/// A JSON value as its (compact) text, known to be valid JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JsonText(Box<RawValue>);

impl JsonText {
    /// The text of `value`.
    pub fn of(value: &Value) -> JsonText {
        // Printing a `Value` cannot fail: its keys are strings and its numbers finite.
        JsonText(serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }

    /// The text.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// The value as a tree. Without serde_json's recursion limit: the text was JSON that the engine
    /// read (with that limit) and mapped a few levels deeper.
    pub fn parse(&self) -> serde_json::Result<Value> {
        let mut reader = serde_json::Deserializer::from_str(self.text());
        reader.disable_recursion_limit();
        Value::deserialize(&mut reader)
    }
}

impl PartialEq for JsonText {
    fn eq(&self, other: &Self) -> bool {
        self.text() == other.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document kept as text is the same value when parsed again, however deep: the ECS mapping
    /// can nest a record's fields a few levels below the depth the engine read it at.
    #[test]
    fn json_text_parses_back_to_its_value_at_any_depth() {
        let mut deep = json!({"user": {"name": "a\u{202e}b"}, "n": 1.5, "list": [true, null]});
        for _ in 0..200 {
            deep = json!({ "a": [deep] });
        }
        let text = JsonText::of(&deep);
        assert!(serde_json::from_str::<Value>(text.text()).is_err(), "deeper than serde_json's default limit");
        assert_eq!(text.parse().unwrap(), deep);
        assert_eq!(serde_json::to_string(&text).unwrap(), text.text(), "serialized as the JSON it holds");
        let read: JsonText = serde_json::from_str(&format!(" {} ", text.text())).unwrap();
        assert_eq!(read, text);
    }
}
