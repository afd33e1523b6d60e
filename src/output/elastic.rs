//! Alerts shaped as Elastic Security alert documents: the event's ECS fields plus `kibana.alert.*`,
//! as the detection engine writes them to `.alerts-security.alerts-*`.

use crate::alert::Alert;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

/// The Elastic-alert document for `alert`, created at `generated_at`.
pub fn alert_document(alert: &Alert, generated_at: &str) -> Value {
    let mut doc = match &alert.document {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in additions(alert, generated_at) {
        doc.insert(key, value);
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
        let mut added = additions(self.alert, self.generated_at);
        let mut map = serializer.serialize_map(None)?;
        // The document's keys in order, replaced where an addition has the same key (as inserting
        // into the document would), then the additions that are new, in order.
        for (key, value) in doc {
            match (added.shift_remove(key), value) {
                (Some(replaced), _) => map.serialize_entry(key, &replaced)?,
                (None, Value::Object(event)) if key == "event" => map.serialize_entry(key, &Signal(event))?,
                (None, value) => map.serialize_entry(key, value)?,
            }
        }
        for (key, value) in &added {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The source event's `event` object, marked as a signal.
struct Signal<'a>(&'a Map<String, Value>);

impl Serialize for Signal<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let signal = json!("signal");
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in self.0 {
            map.serialize_entry(key, if key == "kind" { &signal } else { value })?;
        }
        if !self.0.contains_key("kind") {
            map.serialize_entry("kind", &signal)?;
        }
        map.end()
    }
}

/// The fields an alert adds to its event's document, in order. Elastic keeps the source event's
/// `event.*` under `kibana.alert.original_event.*` and marks the alert itself as a signal.
fn additions(alert: &Alert, generated_at: &str) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(Value::Object(event)) = alert.document.get("event") {
        for (key, value) in event {
            out.insert(format!("kibana.alert.original_event.{key}"), value.clone());
        }
    }
    let rule = &alert.rule;
    out.insert("@timestamp".into(), json!(generated_at));
    let fields = [
        ("kibana.alert.original_time", json!(alert.event.timestamp)),
        ("kibana.alert.rule.rule_id", json!(rule.rule_id)),
        ("kibana.alert.rule.name", json!(rule.name)),
        ("kibana.alert.rule.severity", json!(rule.severity)),
        ("kibana.alert.rule.risk_score", json!(rule.risk_score)),
        ("kibana.alert.rule.version", json!(rule.version.map(|v| v.to_string()))),
        ("kibana.alert.rule.type", json!("query")),
        ("kibana.alert.rule.rule_type_id", json!("siem.queryRule")),
        ("kibana.alert.rule.category", json!("Custom Query Rule")),
        ("kibana.alert.rule.threat", threat(alert)),
        ("kibana.alert.severity", json!(rule.severity)),
        ("kibana.alert.risk_score", json!(rule.risk_score)),
        ("kibana.alert.status", json!("active")),
        ("kibana.alert.workflow_status", json!("open")),
        ("kibana.alert.depth", json!(1)),
        ("kibana.alert.reason", json!(reason(alert))),
        ("kibana.alert.ancestors", json!([{ "id": alert.event.event_id, "type": "event", "depth": 0 }])),
        ("trailhound.origin.file", json!(alert.origin.file)),
        ("trailhound.origin.record", json!(alert.origin.record)),
    ];
    for (key, value) in fields {
        out.insert(key.into(), value);
    }
    out
}

fn threat(alert: &Alert) -> Value {
    let techniques: Vec<Value> = alert.rule.techniques.iter().map(|t| json!(t)).collect();
    let threats: Vec<Value> =
        alert.rule.tactics.iter().map(|tactic| json!({ "framework": "MITRE ATT&CK", "tactic": tactic, "technique": techniques })).collect();
    Value::Array(threats)
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
