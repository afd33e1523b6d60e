//! Alerts: one per matching record per rule, carrying the rule's identity and the event's key fields.
//!
//! Built from a rule and the event's ECS document; must not depend on input shapes or output formats.

use crate::doc::{Document, Scalar};
use crate::rules::{Mitre, Rule, Severity};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an alert says about the rule that raised it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    pub rule_id: String,
    pub name: String,
    pub severity: Severity,
    pub risk_score: u8,
    pub version: Option<u32>,
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
        }
    }

    /// The actor to show: the user name, else the identity ARN.
    pub fn actor(&self) -> Option<&str> {
        self.user_name.as_deref().or(self.identity_arn.as_deref())
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    /// 0-based index of the record in its file.
    pub record: usize,
}

/// One alert: a rule matched a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub rule: RuleRef,
    pub event: EventSummary,
    pub origin: Origin,
    /// The event's ECS document, as Elastic would index it.
    pub document: Value,
    /// The original CloudTrail record, when the input was raw CloudTrail.
    pub original: Option<Value>,
}
