//! The rule model: Elastic's detection-rule fields as Kibana and detection-rules spell them.
//!
//! One serde shape serves the TOML `[rule]` table, Kibana's rule export (NDJSON) and the
//! prebuilt-rules package (`{"attributes": {...}}`): they share field names. Must not depend on the
//! scan loop or output.

use super::schedule::Schedule;
use crate::doc::Document;
use crate::{eql, kql};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A rule's severity, as Elastic names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Sigma's `informational`: worth a look, no threat by itself.
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The risk-score band Elastic's rule schema pairs with this severity.
    pub fn risk_band(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Severity::Informational | Severity::Low => 0..=21,
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
    pub timestamp_override_fallback_disabled: Option<bool>,
    #[serde(default)]
    pub threat: Vec<Threat>,
    pub enabled: Option<bool>,
    /// A threshold rule's grouping and count.
    pub threshold: Option<ThresholdSpec>,
    /// A new_terms rule's fields and history, as detection-rules' TOML writes them.
    pub new_terms: Option<NewTermsToml>,
    /// A new_terms rule's fields, as Kibana's export writes them.
    pub new_terms_fields: Option<Vec<String>>,
    /// A new_terms rule's history start (`now-7d`), as Kibana's export writes it.
    pub history_window_start: Option<String>,
    /// The field an EQL rule's event categories are read from.
    pub event_category_override: Option<String>,
}

/// A field that is one name or a list of them (Kibana's `threshold.field` is either).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) if one.is_empty() => Vec::new(),
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// `threshold` as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
pub struct ThresholdSpec {
    #[serde(default)]
    pub field: OneOrMany,
    pub value: Option<u64>,
    #[serde(default)]
    pub cardinality: Vec<FieldValue<u64>>,
}

/// `{ field, value }`, the shape detection-rules uses for threshold cardinality and new-terms
/// parameters.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldValue<T> {
    pub field: String,
    pub value: T,
}

/// `[rule.new_terms]` in detection-rules' TOML.
#[derive(Debug, Clone, Deserialize)]
pub struct NewTermsToml {
    pub field: Option<String>,
    #[serde(default)]
    pub value: Vec<String>,
    #[serde(default)]
    pub history_window_start: Vec<FieldValue<String>>,
}

/// The rule types Kibana's detection engine has and Trailhound runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleType {
    Query,
    Eql,
    Threshold,
    NewTerms,
    /// A Sigma correlation rule (no Kibana type holds it).
    Correlation,
}

impl RuleType {
    /// The name rule files and `kibana.alert.rule.type` use.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::Query => "query",
            RuleType::Eql => "eql",
            RuleType::Threshold => "threshold",
            RuleType::NewTerms => "new_terms",
            RuleType::Correlation => "correlation",
        }
    }

    /// `kibana.alert.rule.rule_type_id`.
    pub fn type_id(self) -> &'static str {
        match self {
            RuleType::Query => "siem.queryRule",
            RuleType::Eql => "siem.eqlRule",
            RuleType::Threshold => "siem.thresholdRule",
            RuleType::NewTerms => "siem.newTermsRule",
            RuleType::Correlation => "sigma.correlationRule",
        }
    }

    /// `kibana.alert.rule.category`, the type's name in Kibana.
    pub fn category(self) -> &'static str {
        match self {
            RuleType::Query => "Custom Query Rule",
            RuleType::Eql => "Event Correlation Rule",
            RuleType::Threshold => "Threshold Rule",
            RuleType::NewTerms => "New Terms Rule",
            RuleType::Correlation => "Sigma Correlation Rule",
        }
    }
}

impl fmt::Display for RuleType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule does with the events its filter matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An alert per matching event.
    Query,
    /// An alert per matching event, or per sequence when the EQL query is one.
    Eql,
    /// An alert per group of events that reaches a count within one execution.
    Threshold(Threshold),
    /// An alert per event whose value (or combination of values) is new.
    NewTerms(NewTerms),
    /// A Sigma correlation: an alert per group of other rules' matches within a timespan.
    Correlation(Box<Correlation>),
}

/// A Sigma correlation rule: what it counts over the events its rules match, per group of the
/// group-by fields' values (raw CloudTrail fields), within `timespan_ms`, and when that alerts.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub kind: CorrelationKind,
    /// The rules correlated, as written (an `id` or a `name`), in order.
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    pub timespan_ms: i64,
    pub condition: Bounds,
    /// Whether the correlated rules also alert on their own (Sigma's `generate`).
    pub generate: bool,
    /// Field name aliases: a name the group-by (or the counted field) may use, and the field it
    /// reads in the events of each correlated rule it maps.
    pub aliases: Vec<Alias>,
    /// The correlated rules' ids, in `rules` order, once they are found in the rule set.
    pub resolved: Vec<String>,
    /// Once found, per correlated rule (in `rules` order): the field each group-by field, then the
    /// counted field (`value_count`), reads in that rule's events (its alias, else itself).
    pub reads: Vec<Vec<String>>,
    /// Once found, the correlated rules (places in `rules`) that are correlations themselves:
    /// their alerts are this correlation's events, their group-by values its fields.
    pub chained: Vec<usize>,
    /// Once found: another correlation correlates this one without `generate`, so its alerts are
    /// that one's events and are not raised on their own.
    pub silent: bool,
}

/// A field name alias of a correlation (Sigma's `aliases`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub name: String,
    /// Per correlated rule, as the alias names it (its `name` or `id`), the field it reads.
    pub fields: Vec<(String, String)>,
}

impl Correlation {
    /// What it counts and when it alerts, in a few words (`event_count >= 10 within 15m by
    /// userIdentity.arn`).
    pub fn describe(&self) -> String {
        let what = match &self.kind {
            CorrelationKind::ValueCount(field) => format!("value_count of {field}"),
            other => other.as_str().to_string(),
        };
        let by = if self.group_by.is_empty() { String::new() } else { format!(" by {}", self.group_by.join(", ")) };
        let span = crate::time::format_span(self.timespan_ms);
        let quiet = if self.silent { "; raised only through the correlation that correlates it" } else { "" };
        format!("{what} {} within {span}{by}, of {}{quiet}", self.condition, self.rules.join(", "))
    }

    /// The columns each event's values fill: the group-by fields, then the counted field.
    pub fn columns(&self) -> impl Iterator<Item = &String> {
        let counted = match &self.kind {
            CorrelationKind::ValueCount(field) => Some(field),
            _ => None,
        };
        self.group_by.iter().chain(counted)
    }

    /// A candidate's values for an event that meets the correlated rules `parts` (whether found
    /// by the first stage or a correlation's window fed to this one), each field's values told by
    /// `values_of`: the parts, then for each part the values of every column as that rule reads
    /// them ([`Correlation::read`]). The second stage reads them back in this layout.
    pub fn candidate_values(&self, parts: &[usize], mut values_of: impl FnMut(&str) -> Vec<String>) -> Vec<Vec<String>> {
        let columns = self.columns().count();
        let mut out: Vec<Vec<String>> = Vec::with_capacity(1 + parts.len() * columns);
        out.push(parts.iter().map(usize::to_string).collect());
        for &part in parts {
            for column in 0..columns {
                out.push(self.read(part, column).map(&mut values_of).unwrap_or_default());
            }
        }
        out
    }

    /// The field `column` (of [`Correlation::columns`]) reads in the events of correlated rule
    /// `part`: its alias's, else the column's own name.
    pub fn read(&self, part: usize, column: usize) -> Option<&str> {
        match self.reads.get(part) {
            Some(reads) => reads.get(column).map(String::as_str),
            None => self.columns().nth(column).map(String::as_str),
        }
    }
}

/// What a correlation counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrelationKind {
    /// Events.
    EventCount,
    /// Distinct values of a field.
    ValueCount(String),
    /// Distinct correlated rules matched.
    Temporal,
    /// Correlated rules matched in their order.
    TemporalOrdered,
}

impl CorrelationKind {
    /// The name Sigma gives it.
    pub fn as_str(&self) -> &'static str {
        match self {
            CorrelationKind::EventCount => "event_count",
            CorrelationKind::ValueCount(_) => "value_count",
            CorrelationKind::Temporal => "temporal",
            CorrelationKind::TemporalOrdered => "temporal_ordered",
        }
    }
}

/// A count's bounds (Sigma's `gt`, `gte`, `lt`, `lte`, `eq`), all of which must hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds {
    pub gt: Option<u64>,
    pub gte: Option<u64>,
    pub lt: Option<u64>,
    pub lte: Option<u64>,
    pub eq: Option<u64>,
}

impl Bounds {
    /// Whether `count` is within every bound.
    pub fn holds(&self, count: u64) -> bool {
        self.gt.is_none_or(|b| count > b)
            && self.gte.is_none_or(|b| count >= b)
            && self.lt.is_none_or(|b| count < b)
            && self.lte.is_none_or(|b| count <= b)
            && self.eq.is_none_or(|b| count == b)
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [("> ", self.gt), (">= ", self.gte), ("< ", self.lt), ("<= ", self.lte), ("= ", self.eq)]
            .iter()
            .filter_map(|(op, b)| b.map(|b| format!("{op}{b}")))
            .collect();
        f.write_str(&parts.join(" and "))
    }
}

/// A threshold rule's grouping: the group-by fields (none: one group), the count that alerts, and
/// optionally how many distinct values of a field the group must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub fields: Vec<String>,
    pub value: u64,
    pub cardinality: Option<(String, u64)>,
}

/// A new_terms rule's fields (one to three) and how far back its history reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTerms {
    pub fields: Vec<String>,
    /// As written (`now-7d`).
    pub history_window_start: String,
    pub history_ms: i64,
}

/// A rule's filter: the condition an event must meet to count.
#[derive(Debug, Clone)]
pub enum Filter {
    Kql(kql::Query),
    Eql(eql::Query),
    /// A Sigma detection, matched on the raw CloudTrail record.
    Sigma(Box<crate::sigma::Matcher>),
}

impl Filter {
    /// Whether the event meets it (for an EQL sequence, never: its steps are matched one by one).
    pub fn matches(&self, doc: &dyn Document) -> bool {
        match self {
            Filter::Kql(query) => query.matches(doc),
            Filter::Eql(query) => query.matches(doc),
            Filter::Sigma(matcher) => matcher.matches(doc),
        }
    }

    /// Whether it reads the raw CloudTrail record (Sigma) rather than its ECS document.
    pub fn reads_raw(&self) -> bool {
        matches!(self, Filter::Sigma(_))
    }

    /// The KQL query, for a KQL filter.
    pub fn kql(&self) -> Option<&kql::Query> {
        match self {
            Filter::Kql(query) => Some(query),
            Filter::Eql(_) | Filter::Sigma(_) => None,
        }
    }

    /// The EQL sequence, for an EQL sequence filter.
    pub fn sequence(&self) -> Option<&eql::Sequence> {
        match self {
            Filter::Eql(query) => query.sequence(),
            Filter::Kql(_) | Filter::Sigma(_) => None,
        }
    }
}

/// Example records shipped with a rule (one, or several read in order as one file for a stateful
/// rule), and whether the rule must alert on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: String,
    pub expect_alert: bool,
    pub events: Vec<serde_json::Value>,
}

/// A loaded, compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub rule_id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
    pub risk_score: u8,
    pub kind: Kind,
    pub filter: Filter,
    /// The query as written in the rule file.
    pub query_text: String,
    pub language: String,
    pub index: Vec<String>,
    /// Elastic's defaults when absent: `5m`, `now-6m`, 100.
    pub interval: String,
    pub from: String,
    pub max_signals: u32,
    /// `interval` and `from` read as durations.
    pub schedule: Schedule,
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
    /// Whether an event without the `timestamp_override` field is placed by its `@timestamp`
    /// (Kibana's default; `timestamp_override_fallback_disabled` turns it off).
    pub timestamp_fallback: bool,
    pub threat: Vec<Threat>,
    pub enabled: bool,
    pub examples: Vec<Example>,
    /// Where the rule came from (file name, and line for NDJSON).
    pub source: String,
}

impl Rule {
    /// The rule id of [`Rule::hunt`]'s rules.
    pub const HUNT_ID: &'static str = "trailhound-hunt";

    /// A query rule that matches every event `query` matches, each once: a hunt through every
    /// event with the same parser and semantics as rules, by scanning with it alone.
    pub fn hunt(query: kql::Query) -> Rule {
        Rule {
            rule_id: Rule::HUNT_ID.into(),
            name: "Hunt".into(),
            description: String::new(),
            severity: Severity::Informational,
            risk_score: 0,
            kind: Kind::Query,
            query_text: query.to_string(),
            filter: Filter::Kql(query),
            language: "kuery".into(),
            index: Vec::new(),
            interval: "5m".into(),
            from: "now-6m".into(),
            max_signals: 100,
            schedule: Schedule::default(),
            version: None,
            author: Vec::new(),
            license: None,
            tags: Vec::new(),
            references: Vec::new(),
            false_positives: Vec::new(),
            note: None,
            setup: None,
            timestamp_override: None,
            timestamp_fallback: true,
            threat: Vec::new(),
            enabled: true,
            examples: Vec::new(),
            source: "hunt".into(),
        }
    }

    /// The rule's type.
    pub fn rule_type(&self) -> RuleType {
        match self.kind {
            Kind::Query => RuleType::Query,
            Kind::Eql => RuleType::Eql,
            Kind::Threshold(_) => RuleType::Threshold,
            Kind::NewTerms(_) => RuleType::NewTerms,
            Kind::Correlation(_) => RuleType::Correlation,
        }
    }

    /// Whether `other` finds and decides as this rule does: the same type and parameters, query,
    /// schedule and time field (its name, guide or severity may differ).
    pub fn same_definition(&self, other: &Rule) -> bool {
        self.kind == other.kind
            && self.query_text == other.query_text
            && self.language == other.language
            && self.schedule == other.schedule
            && self.max_signals == other.max_signals
            && self.timestamp_override == other.timestamp_override
            && self.timestamp_fallback == other.timestamp_fallback
    }

    /// Whether its alerts are decided in the second stage, over every file in time order (threshold,
    /// new_terms, EQL sequences), rather than one per matching event as it is scanned.
    pub fn is_stateful(&self) -> bool {
        matches!(self.kind, Kind::Threshold(_) | Kind::NewTerms(_) | Kind::Correlation(_)) || self.filter.sequence().is_some()
    }

    /// The field the rule reads an event's time from: `timestamp_override`, else `@timestamp` (see
    /// [`Rule::timestamp_fallback`]).
    pub fn time_field(&self) -> &str {
        self.timestamp_override.as_deref().unwrap_or("@timestamp")
    }

    /// Every field the rule reads, each once: its query's (EQL sequences: every step's and join
    /// key's), then the fields it counts or groups by (threshold, new_terms).
    pub fn fields_read(&self) -> Vec<String> {
        let mut out = match &self.filter {
            Filter::Kql(query) => query.fields(),
            Filter::Sigma(matcher) => matcher.fields(),
            Filter::Eql(query) => match query.ast() {
                eql::ast::QueryAst::Event(event) => event.condition.field_names(),
                eql::ast::QueryAst::Sequence(seq) => {
                    let mut names = Vec::new();
                    let steps = seq.steps.iter().chain(&seq.until);
                    for f in seq.by.iter().chain(steps.clone().flat_map(|s| s.by.iter())) {
                        names.push(f.name.clone());
                    }
                    for step in steps {
                        names.extend(step.query.condition.field_names());
                    }
                    names
                }
            },
        };
        match &self.kind {
            Kind::Threshold(t) => out.extend(t.fields.iter().chain(t.cardinality.iter().map(|(f, _)| f)).cloned()),
            Kind::NewTerms(n) => out.extend(n.fields.iter().cloned()),
            Kind::Correlation(c) => {
                out.extend(c.group_by.iter().cloned());
                if let CorrelationKind::ValueCount(field) = &c.kind {
                    out.push(field.clone());
                }
            }
            Kind::Query | Kind::Eql => {}
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|f| seen.insert(f.clone()));
        out
    }

    /// Tactics named by the rule's threat mapping.
    pub fn tactics(&self) -> impl Iterator<Item = &Mitre> {
        self.threat.iter().map(|t| &t.tactic)
    }

    /// Techniques named by the rule's threat mapping (without sub-techniques).
    pub fn techniques(&self) -> impl Iterator<Item = &Technique> {
        self.threat.iter().flat_map(|t| t.technique.iter())
    }
}
