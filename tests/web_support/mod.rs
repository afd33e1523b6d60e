//! Alerts for the browser tests (`tests/web_*.rs`).
#![allow(dead_code)]

use trailhound_engine::alert::{Alert, EventSummary, Origin, RuleRef, TextAlert};
use trailhound_engine::rules::{RuleType, Severity};

/// An alert of rule `r1` for event `id` by `actor`, as the page keeps it.
pub fn alert(id: &str, actor: &str) -> TextAlert {
    Alert {
        rule: RuleRef {
            rule_id: "r1".into(),
            name: "Rule one".into(),
            severity: Severity::Low,
            risk_score: 21,
            version: Some(1),
            rule_type: RuleType::Query,
            tags: vec![],
            tactics: vec![],
            techniques: vec![],
        },
        event: EventSummary {
            event_id: Some(id.into()),
            user_name: Some(actor.into()),
            timestamp: Some("2026-03-02T03:00:00Z".into()),
            ..EventSummary::default()
        },
        origin: Origin { file: "a.json".into(), record: 0 },
        document: serde_json::json!({"user": {"name": actor}, "event": {"id": id}}),
        original: None,
        detail: None,
    }
    .into_text()
}
