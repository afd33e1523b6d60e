//! Rule loading: Elastic detection-rules TOML, Kibana's rule export (NDJSON) and the prebuilt-rules
//! package JSON, each turned into compiled [`Rule`]s or a [`RuleProblem`] that says why not.
//!
//! The format is told by content. Nothing is dropped silently: a rule of a type other than `query`
//! (or a language other than `kuery`) is a problem of kind [`ProblemKind::Unsupported`].

use super::model::{Example, Rule, RuleSpec};
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
    /// A valid rule Trailhound cannot run yet (e.g. `eql`, `threshold`).
    Unsupported(String),
    /// A rule, or a file, that is not valid.
    Invalid(String),
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(rule) = &self.rule {
            write!(f, ": rule \"{rule}\"")?;
        }
        match &self.kind {
            ProblemKind::Unsupported(why) => write!(f, ": not supported yet: {why}"),
            ProblemKind::Invalid(why) => write!(f, ": invalid: {why}"),
        }
    }
}

/// What loading one rule file gave.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rules: Vec<Rule>,
    pub problems: Vec<RuleProblem>,
}

/// Loads every rule in `text`, the content of the file called `source`.
pub fn load_text(source: &str, text: &str) -> Loaded {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let mut loaded = Loaded::default();
    if trimmed.starts_with('{') {
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
    event: String,
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
        let event = serde_json::from_str(&ex.event)
            .map_err(|e| invalid(label.clone(), format!("example {} (\"{}\"): event is not JSON: {e}", i + 1, ex.name)))?;
        examples.push(Example { name: ex.name, expect_alert, event });
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
    let rule_type = spec.rule_type.clone().unwrap_or_default();
    if rule_type != "query" {
        let what = if rule_type.is_empty() { "no rule type".to_string() } else { format!("rule type \"{rule_type}\"") };
        return Err(problem(ProblemKind::Unsupported(format!("{what} (only \"query\" rules run)"))));
    }
    let language = spec.language.clone().unwrap_or_else(|| "kuery".to_string());
    if language != "kuery" {
        return Err(problem(ProblemKind::Unsupported(format!("query language \"{language}\" (only \"kuery\" runs)"))));
    }
    let missing = |field: &str| problem(ProblemKind::Invalid(format!("missing `{field}`")));
    let rule_id = spec.rule_id.ok_or_else(|| missing("rule_id"))?;
    let name = spec.name.ok_or_else(|| missing("name"))?;
    let severity = spec.severity.ok_or_else(|| missing("severity"))?;
    let risk_score = spec.risk_score.ok_or_else(|| missing("risk_score"))?;
    if risk_score > 100 {
        return Err(problem(ProblemKind::Invalid(format!("risk_score {risk_score} is over 100"))));
    }
    let query_text = spec.query.ok_or_else(|| missing("query"))?;
    let query = Query::parse(&query_text).map_err(|e| problem(ProblemKind::Invalid(format!("query does not parse:\n{e}"))))?;
    Ok(Rule {
        rule_id,
        name,
        description: spec.description,
        severity,
        risk_score,
        query,
        query_text,
        language,
        index: spec.index,
        interval: spec.interval.unwrap_or_else(|| "5m".to_string()),
        from: spec.from.unwrap_or_else(|| "now-6m".to_string()),
        max_signals: spec.max_signals.unwrap_or(100),
        version: spec.version,
        author: spec.author,
        license: spec.license,
        tags: spec.tags,
        references: spec.references,
        false_positives: spec.false_positives,
        note: spec.note,
        setup: spec.setup,
        timestamp_override: spec.timestamp_override,
        threat: spec.threat,
        enabled: spec.enabled.unwrap_or(true),
        examples,
        source,
    })
}
