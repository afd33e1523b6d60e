//! Alerts shaped as Elastic Security alert documents: the event's ECS fields plus `kibana.alert.*`,
//! as the detection engine writes them to `.alerts-security.alerts-*`.

use crate::alert::Alert;
use serde_json::{Map, Value, json};

/// The Elastic-alert document for `alert`, created at `generated_at`.
pub fn alert_document(alert: &Alert, generated_at: &str) -> Value {
    let mut doc = match &alert.document {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    // Elastic keeps the source event's `event.*` under `kibana.alert.original_event.*` and marks
    // the alert itself as a signal.
    if let Some(Value::Object(event)) = doc.get("event").cloned() {
        for (key, value) in event {
            doc.insert(format!("kibana.alert.original_event.{key}"), value);
        }
    }
    if let Some(Value::Object(event)) = doc.get_mut("event") {
        event.insert("kind".into(), json!("signal"));
    }
    let rule = &alert.rule;
    let original_time = alert.event.timestamp.clone();
    doc.insert("@timestamp".into(), json!(generated_at));
    let fields = [
        ("kibana.alert.original_time", json!(original_time)),
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
        doc.insert(key.into(), value);
    }
    Value::Object(doc)
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
