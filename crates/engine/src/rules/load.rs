//! Rule loading: Elastic detection-rules TOML, Kibana's rule export (NDJSON) and the prebuilt-rules
//! package JSON, each turned into compiled [`Rule`]s or a [`RuleProblem`] that says why not.
//!
//! The format is told by content. Nothing is dropped silently: a rule Trailhound cannot run (ES|QL,
//! machine learning, a Lucene query) is a problem of kind [`ProblemKind::Unsupported`].

use super::model::{Example, Filter, Kind, NewTerms, Rule, RuleSpec, Threshold, ThresholdSpec};
use super::schedule::{Schedule, before_now_ms};
use crate::eql;
use crate::kql::Query;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// Why a rule (or a whole rule file) could not be loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleProblem {
    /// The file (and line, for NDJSON) the rule came from.
    pub source: String,
    /// The rule's name or id, when it could be read.
    pub rule: Option<String>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// A valid rule Trailhound cannot run yet (e.g. `esql`, `machine_learning`).
    Unsupported(String),
    /// A rule for other logs than CloudTrail (a Sigma rule for Windows, say): listed, never an error.
    NotApplicable(String),
    /// A rule, or a file, that is not valid.
    Invalid(String),
}

impl ProblemKind {
    /// The kind in a word or two: `error`, `not supported yet`, `not applicable`.
    pub fn label(&self) -> &'static str {
        match self {
            ProblemKind::Unsupported(_) => "not supported yet",
            ProblemKind::NotApplicable(_) => "not applicable",
            ProblemKind::Invalid(_) => "error",
        }
    }

    /// Why, in words.
    pub fn reason(&self) -> &str {
        match self {
            ProblemKind::Unsupported(why) | ProblemKind::NotApplicable(why) | ProblemKind::Invalid(why) => why,
        }
    }
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(rule) = &self.rule {
            write!(f, ": rule \"{rule}\"")?;
        }
        match &self.kind {
            ProblemKind::Unsupported(why) => write!(f, ": not supported yet: {why}"),
            ProblemKind::NotApplicable(why) => write!(f, ": not applicable: {why}"),
            ProblemKind::Invalid(why) => write!(f, ": invalid: {why}"),
        }
    }
}

/// What loading one rule file gave.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: Vec<Rule>,
    pub problems: Vec<RuleProblem>,
    /// Sigma rules' `name`s and their rule ids: what correlations may call them by.
    pub names: Vec<(String, String)>,
    /// The ids and names of Sigma rules that could not be loaded, with why (a correlation of
    /// them cannot run either, for the same kind of reason).
    pub set_aside: Vec<(String, ProblemKind)>,
}

/// Loads every rule in `text`, the content of the file called `source`.
pub fn load_text(source: &str, text: &str) -> Loaded {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let mut loaded = Loaded::default();
    if crate::sigma::rule::looks_like_sigma(text) {
        crate::sigma::rule::load(source, text, &mut loaded);
    } else if trimmed.starts_with('{') {
        load_json_lines(source, trimmed, &mut loaded);
    } else {
        match load_toml(source, text) {
            Ok(rule) => loaded.rules.push(rule),
            Err(problem) => loaded.problems.push(problem),
        }
    }
    loaded
}

/// The TOML file layout of elastic/detection-rules, plus our `[[trailhound.example]]` events.
#[derive(Deserialize)]
struct TomlFile {
    rule: Option<RuleSpec>,
    #[serde(default)]
    trailhound: TomlExtras,
}

#[derive(Deserialize, Default)]
struct TomlExtras {
    #[serde(default)]
    example: Vec<TomlExample>,
}

#[derive(Deserialize)]
struct TomlExample {
    name: String,
    expect: String,
    /// One raw CloudTrail record.
    event: Option<String>,
    /// A JSON array of raw records, read in order as one file.
    events: Option<String>,
}

fn load_toml(source: &str, text: &str) -> Result<Rule, RuleProblem> {
    let invalid = |rule: Option<String>, why: String| RuleProblem { source: source.to_string(), rule, kind: ProblemKind::Invalid(why) };
    let file: TomlFile = toml::from_str(text).map_err(|e| invalid(None, toml_error(text, &e)))?;
    let spec = file.rule.ok_or_else(|| invalid(None, "no [rule] table".to_string()))?;
    let label = spec.name.clone().or_else(|| spec.rule_id.clone());
    let mut examples = Vec::new();
    for (i, ex) in file.trailhound.example.into_iter().enumerate() {
        let expect_alert = match ex.expect.as_str() {
            "alert" => true,
            "none" => false,
            other => {
                return Err(invalid(
                    label,
                    format!("example {} (\"{}\"): expect must be \"alert\" or \"none\", not \"{other}\"", i + 1, ex.name),
                ));
            }
        };
        let what = |why: &str| invalid(label.clone(), format!("example {} (\"{}\"): {why}", i + 1, ex.name));
        let events = match (&ex.event, &ex.events) {
            (Some(event), None) => vec![serde_json::from_str(event).map_err(|e| what(&format!("event is not JSON: {e}")))?],
            (None, Some(events)) => serde_json::from_str(events).map_err(|e| what(&format!("events is not a JSON array: {e}")))?,
            _ => return Err(what("needs either event (one record) or events (a JSON array of records)")),
        };
        examples.push(Example { name: ex.name, expect_alert, events });
    }
    compile(source.to_string(), spec, examples)
}

fn toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message();
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("TOML error at line {line}: {message}")
        }
        None => format!("TOML error: {message}"),
    }
}

fn load_json_lines(source: &str, text: &str, loaded: &mut Loaded) {
    let lines: Vec<(usize, &str)> = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    // A pretty-printed single JSON object (the prebuilt-rules package) spans many lines.
    if lines.len() > 1 && serde_json::from_str::<Value>(lines[0].1).is_err() {
        load_json_value(source.to_string(), text, loaded);
        return;
    }
    for (i, line) in lines {
        load_json_value(format!("{source}:{}", i + 1), line, loaded);
    }
}

fn load_json_value(source: String, text: &str, loaded: &mut Loaded) {
    let invalid = |why: String| RuleProblem { source: source.clone(), rule: None, kind: ProblemKind::Invalid(why) };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return loaded.problems.push(invalid(format!("not JSON: {e}"))),
    };
    // Kibana's export ends with a summary line; exception lists are not rules.
    if value.get("exported_count").is_some() || value.get("exported_rules_count").is_some() {
        return;
    }
    if value.get("list_id").is_some() {
        return loaded.problems.push(RuleProblem {
            source,
            rule: value.get("name").and_then(Value::as_str).map(str::to_string),
            kind: ProblemKind::Unsupported("exception lists in rule exports are not loaded".to_string()),
        });
    }
    let body = value.get("attributes").filter(|a| a.is_object()).cloned().unwrap_or(value);
    match serde_json::from_value::<RuleSpec>(body) {
        Ok(spec) => match compile(source, spec, Vec::new()) {
            Ok(rule) => loaded.rules.push(rule),
            Err(problem) => loaded.problems.push(problem),
        },
        Err(e) => loaded.problems.push(invalid(format!("not an Elastic rule: {e}"))),
    }
}

/// Checks a rule's fields and compiles its query.
fn compile(source: String, spec: RuleSpec, examples: Vec<Example>) -> Result<Rule, RuleProblem> {
    let label = spec.name.clone().or_else(|| spec.rule_id.clone());
    let problem = |kind| RuleProblem { source: source.clone(), rule: label.clone(), kind };
    let unsupported = |why: String| problem(ProblemKind::Unsupported(why));
    let invalid = |why: String| problem(ProblemKind::Invalid(why));
    let rule_type = spec.rule_type.clone().unwrap_or_default();
    let language = spec.language.clone().unwrap_or_else(|| if rule_type == "eql" { "eql" } else { "kuery" }.to_string());
    let kql_only = |language: &str| {
        if language == "kuery" {
            Ok(())
        } else {
            Err(unsupported(format!("{rule_type} rule in query language \"{language}\" (only \"kuery\" runs)")))
        }
    };
    let kind = match rule_type.as_str() {
        "query" => kql_only(&language).map(|()| Kind::Query)?,
        "eql" if language == "eql" => Kind::Eql,
        "eql" => return Err(invalid(format!("an eql rule in language \"{language}\""))),
        "threshold" => {
            kql_only(&language)?;
            Kind::Threshold(threshold(spec.threshold.clone()).map_err(invalid)?)
        }
        "new_terms" => {
            kql_only(&language)?;
            Kind::NewTerms(new_terms(&spec).map_err(invalid)?)
        }
        "esql" => return Err(unsupported("ES|QL rule (ES|QL does not run offline yet)".to_string())),
        "machine_learning" => return Err(unsupported("machine learning rule (it needs Elastic's anomaly-detection jobs)".to_string())),
        "" => return Err(unsupported("no rule type".to_string())),
        other => return Err(unsupported(format!("rule type \"{other}\""))),
    };
    let missing = |field: &str| invalid(format!("missing `{field}`"));
    let rule_id = spec.rule_id.ok_or_else(|| missing("rule_id"))?;
    let name = spec.name.ok_or_else(|| missing("name"))?;
    let severity = spec.severity.ok_or_else(|| missing("severity"))?;
    let risk_score = spec.risk_score.ok_or_else(|| missing("risk_score"))?;
    if risk_score > 100 {
        return Err(invalid(format!("risk_score {risk_score} is over 100")));
    }
    let query_text = spec.query.ok_or_else(|| missing("query"))?;
    let filter = if matches!(kind, Kind::Eql) {
        let options = eql::Options { category_field: spec.event_category_override.unwrap_or_else(|| "event.category".to_string()) };
        Filter::Eql(eql::Query::parse_with(&query_text, &options).map_err(|e| invalid(format!("query does not parse:\n{e}")))?)
    } else {
        Filter::Kql(Query::parse(&query_text).map_err(|e| invalid(format!("query does not parse:\n{e}")))?)
    };
    let interval = spec.interval.unwrap_or_else(|| "5m".to_string());
    let from = spec.from.unwrap_or_else(|| "now-6m".to_string());
    let schedule = Schedule::read(&interval, &from).map_err(|e| invalid(format!("schedule: {e}")))?;
    if let Kind::NewTerms(n) = &kind
        && n.history_ms <= schedule.lookback_ms
    {
        // Kibana refuses such a rule: its history would end before it began.
        return Err(invalid(format!("history_window_start ({}) must be earlier than from ({from})", n.history_window_start)));
    }
    Ok(Rule {
        rule_id,
        name,
        description: spec.description,
        severity,
        risk_score,
        kind,
        filter,
        query_text,
        language,
        index: spec.index,
        interval,
        from,
        max_signals: spec.max_signals.unwrap_or(100),
        schedule,
        version: spec.version,
        author: spec.author,
        license: spec.license,
        tags: spec.tags,
        references: spec.references,
        false_positives: spec.false_positives,
        note: spec.note,
        setup: spec.setup,
        timestamp_override: spec.timestamp_override,
        timestamp_fallback: !spec.timestamp_override_fallback_disabled.unwrap_or(false),
        threat: spec.threat,
        enabled: spec.enabled.unwrap_or(true),
        examples,
        source,
    })
}

/// A threshold rule's `threshold`: a count of at least 1, and at most one cardinality field.
fn threshold(spec: Option<ThresholdSpec>) -> Result<Threshold, String> {
    let spec = spec.ok_or("a threshold rule without `threshold`")?;
    let value = spec.value.ok_or("missing `threshold.value`")?;
    if value == 0 {
        return Err("`threshold.value` must be at least 1".to_string());
    }
    let fields = spec.field.into_vec();
    if fields.len() > 5 {
        return Err(format!("`threshold.field` names {} fields; Kibana allows at most 5", fields.len()));
    }
    let mut cardinality = spec.cardinality.into_iter();
    let first = cardinality.next().map(|c| (c.field, c.value));
    if cardinality.next().is_some() {
        return Err("`threshold.cardinality` names more than one field".to_string());
    }
    Ok(Threshold { fields, value, cardinality: first })
}

/// A new_terms rule's fields (1 to 3) and history window, from the TOML or the export form.
fn new_terms(spec: &RuleSpec) -> Result<NewTerms, String> {
    let toml = spec.new_terms.as_ref();
    let fields = spec.new_terms_fields.clone().or_else(|| toml.map(|t| t.value.clone())).unwrap_or_default();
    if !(1..=3).contains(&fields.len()) {
        return Err(format!("a new_terms rule needs 1 to 3 fields, not {}", fields.len()));
    }
    let start = spec
        .history_window_start
        .clone()
        .or_else(|| toml.and_then(|t| t.history_window_start.iter().find(|h| h.field == "history_window_start")).map(|h| h.value.clone()))
        .ok_or("missing `history_window_start`")?;
    let history_ms = before_now_ms(&start).map_err(|e| format!("history_window_start: {e}"))?;
    Ok(NewTerms { fields, history_window_start: start, history_ms })
}
