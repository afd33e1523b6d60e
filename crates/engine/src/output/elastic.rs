//! Alerts shaped as Elastic Security alert documents: the event's ECS fields plus `kibana.alert.*`,
//! as the detection engine writes them to `.alerts-security.alerts-*`.

use crate::alert::{Alert, Detail, RuleRef};
use crate::rules::{Mitre, Severity};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// The Elastic-alert document for `alert`, created at `generated_at`.
pub fn alert_document(alert: &Alert, generated_at: &str) -> Value {
    let mut doc = match &alert.document {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in additions(alert, generated_at) {
        doc.insert(key.into_owned(), serde_json::to_value(value).unwrap_or(Value::Null));
    }
    if let Some(Value::Object(event)) = doc.get_mut("event") {
        event.insert("kind".into(), json!("signal"));
    }
    Value::Object(doc)
}

/// [`alert_document`] as it serializes, written straight from the alert's document (no copy of it).
pub struct AlertDocument<'a> {
    pub alert: &'a Alert,
    pub generated_at: &'a str,
}

impl Serialize for AlertDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let empty = Map::new();
        let doc = self.alert.document.as_object().unwrap_or(&empty);
        let added = additions(self.alert, self.generated_at);
        let mut replaced = vec![false; added.len()];
        let mut map = serializer.serialize_map(None)?;
        // The document's keys in order, replaced where an addition has the same key (as inserting
        // into the document would), then the additions that are new, in order.
        for (key, value) in doc {
            match (added.iter().position(|(k, _)| k == key), value) {
                (Some(i), _) => {
                    replaced[i] = true;
                    map.serialize_entry(key, &added[i].1)?;
                }
                (None, Value::Object(event)) if key == "event" => map.serialize_entry(key, &Signal(event))?,
                (None, value) => map.serialize_entry(key, value)?,
            }
        }
        for ((key, value), replaced) in added.iter().zip(replaced) {
            if !replaced {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// The source event's `event` object, marked as a signal.
struct Signal<'a>(&'a Map<String, Value>);

impl Serialize for Signal<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.0 {
            if key == "kind" {
                map.serialize_entry(key, "signal")?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        if !self.0.contains_key("kind") {
            map.serialize_entry("kind", "signal")?;
        }
        map.end()
    }
}

/// A value an alert adds, borrowed from the alert where it can be (serializing it copies nothing).
enum Added<'a> {
    Value(&'a Value),
    /// A string, or `null`.
    Text(Option<&'a str>),
    Owned(String),
    Number(u64),
    Severity(Severity),
    /// `kibana.alert.rule.threat`: one entry a tactic, each with all the rule's techniques.
    Threat(&'a RuleRef),
    /// `kibana.alert.ancestors`: the source event (by its ID).
    Ancestor(Option<&'a str>),
    /// A list of strings.
    Tags(&'a [String]),
    /// `kibana.alert.threshold_result`, or a sequence's key and events.
    Detail(Option<&'a Detail>),
}

impl Serialize for Added<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Added::Value(value) => value.serialize(serializer),
            Added::Text(text) => text.serialize(serializer),
            Added::Owned(text) => serializer.serialize_str(text),
            Added::Number(n) => serializer.serialize_u64(*n),
            Added::Severity(severity) => severity.serialize(serializer),
            Added::Threat(rule) => {
                let mut list = serializer.serialize_seq(Some(rule.tactics.len()))?;
                for tactic in &rule.tactics {
                    list.serialize_element(&Threat { tactic, techniques: &rule.techniques })?;
                }
                list.end()
            }
            Added::Ancestor(id) => {
                let mut list = serializer.serialize_seq(Some(1))?;
                list.serialize_element(&Ancestor(*id))?;
                list.end()
            }
            Added::Tags(tags) => tags.serialize(serializer),
            Added::Detail(Some(Detail::Threshold { terms, count, cardinality, from, members })) => {
                let mut map = serializer.serialize_map(Some(5))?;
                let terms: Vec<Value> = terms.iter().map(|(field, value)| json!({"field": field, "value": value})).collect();
                map.serialize_entry("terms", &terms)?;
                let cardinality: Vec<Value> = cardinality.iter().map(|(field, value)| json!({"field": field, "value": value})).collect();
                map.serialize_entry("cardinality", &cardinality)?;
                map.serialize_entry("count", count)?;
                map.serialize_entry("from", from)?;
                map.serialize_entry("trailhound_members", members)?;
                map.end()
            }
            Added::Detail(Some(Detail::Sequence { join, events, .. })) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("join", join)?;
                map.serialize_entry("events", events)?;
                map.end()
            }
            Added::Detail(_) => serializer.serialize_none(),
        }
    }
}

struct Threat<'a> {
    tactic: &'a Mitre,
    techniques: &'a [Mitre],
}

impl Serialize for Threat<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("framework", "MITRE ATT&CK")?;
        map.serialize_entry("tactic", self.tactic)?;
        map.serialize_entry("technique", self.techniques)?;
        map.end()
    }
}

struct Ancestor<'a>(Option<&'a str>);

impl Serialize for Ancestor<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("id", &self.0)?;
        map.serialize_entry("type", "event")?;
        map.serialize_entry("depth", &0)?;
        map.end()
    }
}

/// The fields an alert adds to its event's document, in order. Elastic keeps the source event's
/// `event.*` under `kibana.alert.original_event.*` and marks the alert itself as a signal.
fn additions<'a>(alert: &'a Alert, generated_at: &'a str) -> Vec<(Cow<'a, str>, Added<'a>)> {
    let mut out = Vec::with_capacity(32);
    if let Some(Value::Object(event)) = alert.document.get("event") {
        for (key, value) in event {
            out.push((Cow::Owned(format!("kibana.alert.original_event.{key}")), Added::Value(value)));
        }
    }
    let rule = &alert.rule;
    let text = |s: &'a Option<String>| Added::Text(s.as_deref());
    let fields = [
        ("@timestamp", Added::Text(Some(generated_at))),
        ("kibana.alert.original_time", text(&alert.event.timestamp)),
        ("kibana.alert.rule.rule_id", Added::Text(Some(&rule.rule_id))),
        ("kibana.alert.rule.name", Added::Text(Some(&rule.name))),
        ("kibana.alert.rule.severity", Added::Severity(rule.severity)),
        ("kibana.alert.rule.risk_score", Added::Number(rule.risk_score.into())),
        ("kibana.alert.rule.version", rule.version.map_or(Added::Text(None), |v| Added::Owned(v.to_string()))),
        ("kibana.alert.rule.type", Added::Text(Some(rule.rule_type.as_str()))),
        ("kibana.alert.rule.rule_type_id", Added::Text(Some(rule.rule_type.type_id()))),
        ("kibana.alert.rule.category", Added::Text(Some(rule.rule_type.category()))),
        ("kibana.alert.rule.tags", Added::Tags(&rule.tags)),
        ("kibana.alert.rule.threat", Added::Threat(rule)),
        ("kibana.alert.severity", Added::Severity(rule.severity)),
        ("kibana.alert.risk_score", Added::Number(rule.risk_score.into())),
        ("kibana.alert.status", Added::Text(Some("active"))),
        ("kibana.alert.workflow_status", Added::Text(Some("open"))),
        ("kibana.alert.depth", Added::Number(1)),
        ("kibana.alert.reason", Added::Owned(reason(alert))),
        ("kibana.alert.ancestors", Added::Ancestor(alert.event.event_id.as_deref())),
        ("trailhound.origin.file", Added::Text(Some(&alert.origin.file))),
        ("trailhound.origin.record", Added::Number(alert.origin.record as u64)),
    ];
    for (key, value) in fields {
        out.push((Cow::Borrowed(key), value));
    }
    match &alert.detail {
        Some(Detail::Threshold { .. }) => out.push((Cow::Borrowed("kibana.alert.threshold_result"), Added::Detail(alert.detail.as_ref()))),
        Some(Detail::NewTerms { terms, .. }) => out.push((Cow::Borrowed("kibana.alert.new_terms"), Added::Tags(terms))),
        Some(Detail::Sequence { group, .. }) => {
            out.push((Cow::Borrowed("kibana.alert.group.id"), Added::Text(Some(group))));
            out.push((Cow::Borrowed("trailhound.sequence"), Added::Detail(alert.detail.as_ref())));
        }
        None => {}
    }
    out
}

/// A one-sentence reason, as Kibana writes for query rules.
pub fn reason(alert: &Alert) -> String {
    let mut text = String::from("event");
    if let Some(source) = alert.event.source_ip.as_ref().or(alert.event.source_address.as_ref()) {
        text.push_str(&format!(" with source {source}"));
    }
    if let Some(actor) = alert.event.actor() {
        text.push_str(&format!(" by {actor}"));
    }
    text.push_str(&format!(" created {} alert {}.", alert.rule.severity, alert.rule.name));
    text
}
