//! The rule model: Elastic's detection-rule fields as Kibana and detection-rules spell them.
//!
//! One serde shape serves the TOML `[rule]` table, Kibana's rule export (NDJSON) and the
//! prebuilt-rules package (`{"attributes": {...}}`): they share field names. Must not depend on the
//! scan loop or output.

use crate::kql::Query;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A rule's severity, as Elastic names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The risk-score band Elastic's rule schema pairs with this severity.
    pub fn risk_band(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Severity::Low => 0..=21,
            Severity::Medium => 22..=47,
            Severity::High => 48..=73,
            Severity::Critical => 74..=100,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A MITRE ATT&CK reference (tactic, technique or sub-technique).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mitre {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub reference: String,
}

/// A technique with its sub-techniques.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Technique {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub reference: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtechnique: Vec<Mitre>,
}

/// One `threat` entry: a tactic and the techniques under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threat {
    pub framework: String,
    pub tactic: Mitre,
    #[serde(default)]
    pub technique: Vec<Technique>,
}

/// The fields of an Elastic rule that Trailhound reads, as written in the rule file.
#[derive(Debug, Clone, Deserialize)]
pub struct RuleSpec {
    pub rule_id: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub rule_type: Option<String>,
    pub language: Option<String>,
    pub query: Option<String>,
    pub severity: Option<Severity>,
    pub risk_score: Option<u8>,
    #[serde(default)]
    pub index: Vec<String>,
    pub interval: Option<String>,
    pub from: Option<String>,
    pub max_signals: Option<u32>,
    pub version: Option<u32>,
    #[serde(default)]
    pub author: Vec<String>,
    pub license: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub false_positives: Vec<String>,
    pub note: Option<String>,
    pub setup: Option<String>,
    pub timestamp_override: Option<String>,
    #[serde(default)]
    pub threat: Vec<Threat>,
    pub enabled: Option<bool>,
}

/// An example event shipped with a rule, and whether the rule must alert on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: String,
    pub expect_alert: bool,
    pub event: serde_json::Value,
}

/// A loaded, compiled `query` rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub rule_id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
    pub risk_score: u8,
    pub query: Query,
    /// The query as written in the rule file.
    pub query_text: String,
    pub language: String,
    pub index: Vec<String>,
    /// Elastic's defaults when absent: `5m`, `now-6m`, 100.
    pub interval: String,
    pub from: String,
    pub max_signals: u32,
    pub version: Option<u32>,
    pub author: Vec<String>,
    pub license: Option<String>,
    pub tags: Vec<String>,
    pub references: Vec<String>,
    pub false_positives: Vec<String>,
    /// The investigation guide (Markdown).
    pub note: Option<String>,
    pub setup: Option<String>,
    pub timestamp_override: Option<String>,
    pub threat: Vec<Threat>,
    pub enabled: bool,
    pub examples: Vec<Example>,
    /// Where the rule came from (file name, and line for NDJSON).
    pub source: String,
}

impl Rule {
    /// Tactics named by the rule's threat mapping.
    pub fn tactics(&self) -> impl Iterator<Item = &Mitre> {
        self.threat.iter().map(|t| &t.tactic)
    }

    /// Techniques named by the rule's threat mapping (without sub-techniques).
    pub fn techniques(&self) -> impl Iterator<Item = &Technique> {
        self.threat.iter().flat_map(|t| t.technique.iter())
    }
}
