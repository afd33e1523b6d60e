//! Sigma rule files: each YAML document of a file becomes a [`Rule`] that runs on the raw CloudTrail
//! record, or a problem. A rule whose `logsource` is not AWS CloudTrail is not applicable here
//! (listed, not an error); one that cannot be compiled is an error naming the file, the line and why.
//! Its `id` is the rule id, `title` the name, `level` the severity (`informational` kept as such),
//! `attack.*` tags its ATT&CK tactics and techniques, `description`, `falsepositives` and
//! `references` what the detail shows.

use super::Matcher;
use super::condition;
use super::detection::{self, Problem, Search};
use crate::rules::{
    Alias, Bounds, Correlation, CorrelationKind, Filter, Kind, Loaded, Mitre, ProblemKind, Rule, RuleProblem, Schedule, Severity, TACTICS,
    Technique, Threat,
};
use yaml_rust2::{Yaml, YamlEmitter, YamlLoader};

/// Whether `text` reads as Sigma YAML (a top-level `detection:` or `correlation:`), not TOML or JSON.
pub fn looks_like_sigma(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    text.lines().any(|l| l.starts_with("detection:") || l.starts_with("correlation:")) && !text.trim_start().starts_with('[')
}

/// Loads every document of a Sigma file called `source`.
pub fn load(source: &str, text: &str, loaded: &mut Loaded) {
    let text = text.trim_start_matches('\u{feff}');
    let docs = match YamlLoader::load_from_str(text) {
        Ok(docs) => docs,
        Err(e) => {
            let kind = ProblemKind::Invalid(format!("YAML error at line {}: {}", e.marker().line(), e.info()));
            return loaded.problems.push(RuleProblem { source: source.to_string(), rule: None, kind });
        }
    };
    // Where each document starts, for the lines problems name.
    let starts = document_lines(text);
    for (i, doc) in docs.iter().enumerate() {
        let first = starts.get(i).copied().unwrap_or(1);
        let name = match &doc["title"] {
            Yaml::String(t) => Some(t.clone()),
            _ => None,
        };
        let result = if doc["correlation"].is_badvalue() { rule(source, text, first, doc) } else { correlation(source, text, first, doc) };
        match result {
            Ok(rule) => {
                // A correlation names the rules it correlates by `id` or by `name`.
                if let Some(name) = string(doc, "name") {
                    loaded.names.push((name, rule.rule_id.clone()));
                }
                loaded.rules.push(rule)
            }
            Err(kind) => {
                loaded.set_aside.extend(["id", "name"].iter().filter_map(|k| string(doc, k)).map(|key| (key, kind.clone())));
                loaded.problems.push(RuleProblem { source: source.to_string(), rule: name, kind })
            }
        }
    }
}

/// The first line (1-based) of each YAML document of `text`.
fn document_lines(text: &str) -> Vec<usize> {
    let mut out = vec![1];
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("---") && i > 0 {
            out.push(i + 2);
        }
    }
    if text.starts_with("---") {
        out.remove(0);
        out.insert(0, 2);
    }
    out
}

/// The line of `key:` at the start of a line (after indentation), from line `from` on.
fn line_of(text: &str, from: usize, key: &str) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            t.strip_prefix(key).is_some_and(|rest| rest.starts_with(':'))
                || t.strip_prefix(&format!("'{key}'")).is_some()
                || t.strip_prefix(&format!("\"{key}\"")).is_some()
        })
        .map_or(from, |(i, _)| i + 1)
}

fn string(doc: &Yaml, key: &str) -> Option<String> {
    match &doc[key] {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string or a list of strings.
fn strings(doc: &Yaml, key: &str) -> Vec<String> {
    match &doc[key] {
        Yaml::String(s) => vec![s.clone()],
        Yaml::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

fn rule(source: &str, text: &str, first: usize, doc: &Yaml) -> Result<Rule, ProblemKind> {
    let at = |line: usize, why: String| ProblemKind::Invalid(format!("line {line}: {why}"));
    if !matches!(doc, Yaml::Hash(_)) {
        return Err(at(first, "a Sigma document is a map".into()));
    }
    if !doc["action"].is_badvalue() {
        return Err(ProblemKind::Unsupported("multi-document Sigma (`action: global` / `repeat`) is not supported".into()));
    }
    let title = string(doc, "title").ok_or_else(|| at(first, "no `title`".into()))?;
    let logsource = &doc["logsource"];
    let field = |k: &str| logsource[k].as_str().map(str::to_ascii_lowercase);
    let (product, service) = (field("product"), field("service"));
    if product.as_deref() != Some("aws") || service.as_deref() != Some("cloudtrail") {
        let said = [("product", &product), ("service", &service), ("category", &field("category"))]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(ProblemKind::NotApplicable(format!(
            "its logsource ({}) is not AWS CloudTrail",
            if said.is_empty() { "none".into() } else { said }
        )));
    }
    let detection = &doc["detection"];
    let Yaml::Hash(map) = detection else {
        return Err(at(line_of(text, first, "detection"), "no `detection` map".into()));
    };
    let mut names = Vec::new();
    let mut searches: Vec<Search> = Vec::new();
    let mut condition_text: Vec<String> = Vec::new();
    for (key, value) in map {
        let Some(key) = key.as_str() else {
            return Err(at(line_of(text, first, "detection"), "a search name must be a string".into()));
        };
        if key == "condition" {
            condition_text = match value {
                Yaml::String(s) => vec![s.clone()],
                Yaml::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
                _ => return Err(at(line_of(text, first, "condition"), "`condition` must be a string".into())),
            };
            continue;
        }
        if key == "timeframe" {
            return Err(ProblemKind::Unsupported(
                "`timeframe` in a detection (deprecated Sigma aggregation); use a correlation rule".into(),
            ));
        }
        let compiled = detection::search(key, value).map_err(|p| match p {
            Problem::Invalid(why) => at(line_of(text, first, key), why),
            Problem::Unsupported(why) => ProblemKind::Unsupported(why),
        })?;
        names.push(key.to_string());
        searches.push(compiled);
    }
    if condition_text.is_empty() {
        return Err(at(line_of(text, first, "detection"), "the detection has no `condition`".into()));
    }
    // Sigma 1's aggregations (`selection | count() by x > 5`) became correlation rules: a valid
    // rule of an older Sigma, not an error.
    if condition_text.iter().any(|c| c.contains('|')) {
        return Err(ProblemKind::Unsupported("aggregations after `|` (deprecated Sigma) are not supported; use a correlation rule".into()));
    }
    let mut conditions = Vec::new();
    for c in &condition_text {
        conditions.push(condition::parse(c, &names).map_err(|e| at(line_of(text, first, "condition"), e.0))?);
    }
    let condition = if conditions.len() == 1 { conditions.remove(0) } else { condition::Condition::Or(conditions) };
    let matcher = Matcher::new(searches, condition);
    let mut rule = metadata(source, doc, title, first, text)?;
    rule.filter = Filter::Sigma(Box::new(matcher));
    rule.query_text = yaml_text(detection);
    Ok(rule)
}

/// A Sigma rule's own words and settings, shared by detections and correlations: its id, level,
/// tags, ATT&CK, description, references and status; a query rule that matches nothing until its
/// filter is set.
fn metadata(source: &str, doc: &Yaml, title: String, first: usize, text: &str) -> Result<Rule, ProblemKind> {
    let at = |line: usize, why: String| ProblemKind::Invalid(format!("line {line}: {why}"));
    let level = string(doc, "level").unwrap_or_else(|| "medium".into()).to_ascii_lowercase();
    let (severity, risk_score) = match level.as_str() {
        "informational" => (Severity::Informational, 0),
        "low" => (Severity::Low, 21),
        "medium" => (Severity::Medium, 47),
        "high" => (Severity::High, 73),
        "critical" => (Severity::Critical, 99),
        other => return Err(at(line_of(text, first, "level"), format!("unknown level `{other}`"))),
    };
    let tags = strings(doc, "tags");
    let schedule = Schedule::read("5m", "now-6m").map_err(|e| at(first, e.to_string()))?;
    Ok(Rule {
        rule_id: string(doc, "id").unwrap_or_else(|| format!("sigma:{title}")),
        name: title,
        description: string(doc, "description").unwrap_or_default(),
        severity,
        risk_score,
        kind: Kind::Query,
        filter: Filter::Sigma(Box::new(Matcher::nothing())),
        query_text: String::new(),
        language: "sigma".into(),
        index: Vec::new(),
        interval: "5m".into(),
        from: "now-6m".into(),
        max_signals: 100,
        schedule,
        version: None,
        author: strings(doc, "author"),
        license: string(doc, "license"),
        threat: threats(&tags),
        tags,
        references: strings(doc, "references"),
        false_positives: strings(doc, "falsepositives"),
        note: None,
        setup: None,
        timestamp_override: None,
        timestamp_fallback: true,
        enabled: !matches!(string(doc, "status").as_deref(), Some("deprecated" | "unsupported")),
        examples: Vec::new(),
        source: source.to_string(),
    })
}

/// A correlation rule: its rules are found in the rule set once every file is loaded
/// ([`crate::rules::RuleSet`]); until then it matches nothing.
fn correlation(source: &str, text: &str, first: usize, doc: &Yaml) -> Result<Rule, ProblemKind> {
    let at = |key: &str, why: String| ProblemKind::Invalid(format!("line {}: {why}", line_of(text, first, key)));
    let title = string(doc, "title").ok_or_else(|| at("correlation", "no `title`".into()))?;
    let section = &doc["correlation"];
    if !matches!(section, Yaml::Hash(_)) {
        return Err(at("correlation", "`correlation` must be a map".into()));
    }
    let aliases = aliases(&section["aliases"]).map_err(|why| at("aliases", why))?;
    let kind = match section["type"].as_str() {
        Some("event_count") => CorrelationKind::EventCount,
        Some("value_count") => {
            let field = section["condition"]["field"]
                .as_str()
                .ok_or_else(|| at("condition", "a value_count correlation names its `field` in `condition`".into()))?;
            CorrelationKind::ValueCount(field.to_string())
        }
        Some("temporal") => CorrelationKind::Temporal,
        Some("temporal_ordered") => CorrelationKind::TemporalOrdered,
        Some(other) => return Err(at("type", format!("unknown correlation type `{other}`"))),
        None => return Err(at("correlation", "the correlation has no `type`".into())),
    };
    let rules = strings(section, "rules");
    if rules.is_empty() {
        return Err(at("correlation", "the correlation names no `rules`".into()));
    }
    let timespan = string(section, "timespan").ok_or_else(|| at("correlation", "the correlation has no `timespan`".into()))?;
    let timespan_ms =
        timespan_ms(&timespan).ok_or_else(|| at("timespan", format!("`{timespan}` is not a timespan (a number and s, m, h or d)")))?;
    let mut condition = Bounds::default();
    if let Yaml::Hash(map) = &section["condition"] {
        for (key, value) in map {
            let key = key.as_str().unwrap_or_default();
            if key == "field" {
                continue;
            }
            let bound = value.as_i64().and_then(|n| u64::try_from(n).ok());
            let bound = bound.ok_or_else(|| at("condition", format!("`{key}` takes a count (a whole number)")))?;
            let slot = match key {
                "gt" => &mut condition.gt,
                "gte" => &mut condition.gte,
                "lt" => &mut condition.lt,
                "lte" => &mut condition.lte,
                "eq" => &mut condition.eq,
                other => return Err(at("condition", format!("unknown condition `{other}` (gt, gte, lt, lte or eq)"))),
            };
            *slot = Some(bound);
        }
    }
    if condition == Bounds::default() {
        match kind {
            // Every correlated rule, unless told.
            CorrelationKind::Temporal | CorrelationKind::TemporalOrdered => condition.gte = Some(rules.len() as u64),
            _ => return Err(at("correlation", "the correlation has no `condition`".into())),
        }
    }
    // Sigma 2.0.2 says `generate` beside `correlation`; earlier drafts, inside it.
    let generate = doc["generate"].as_bool().or(section["generate"].as_bool()).unwrap_or(false);
    let group_by = strings(section, "group-by");
    let correlation = Correlation {
        kind,
        rules,
        group_by,
        timespan_ms,
        condition,
        generate,
        aliases,
        resolved: Vec::new(),
        reads: Vec::new(),
        chained: Vec::new(),
        silent: false,
    };
    let mut rule = metadata(source, doc, title, first, text)?;
    rule.kind = Kind::Correlation(Box::new(correlation));
    rule.query_text = yaml_text(section);
    Ok(rule)
}

/// A correlation's `aliases`: a map of alias names to maps of rule names to fields.
fn aliases(yaml: &Yaml) -> Result<Vec<Alias>, String> {
    let map = match yaml {
        Yaml::BadValue | Yaml::Null => return Ok(Vec::new()),
        Yaml::Hash(map) => map,
        _ => return Err("`aliases` must map each alias to its field per rule".into()),
    };
    let mut out = Vec::new();
    for (name, fields) in map {
        let name = scalar(name).ok_or("an alias's name must be a string")?;
        let Yaml::Hash(fields) = fields else {
            return Err(format!("alias `{name}` must map rule names to fields"));
        };
        let mut per_rule = Vec::new();
        for (rule, field) in fields {
            match (scalar(rule), field.as_str()) {
                (Some(rule), Some(field)) => per_rule.push((rule, field.to_string())),
                _ => return Err(format!("alias `{name}` maps a rule name to a field name, each a string")),
            }
        }
        out.push(Alias { name, fields: per_rule });
    }
    Ok(out)
}

/// A YAML key as text: a string, or a number as written (`- 1234` names a rule too).
fn scalar(yaml: &Yaml) -> Option<String> {
    match yaml {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(n) => Some(n.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        _ => None,
    }
}

/// `yaml` as YAML text, without the document marker: what a rule shows as its query.
fn yaml_text(yaml: &Yaml) -> String {
    let mut emitted = String::new();
    let _ = YamlEmitter::new(&mut emitted).dump(yaml);
    emitted.trim_start_matches("---").trim_start().to_string()
}

/// A timespan in milliseconds: a whole number and `s`, `m`, `h` or `d`.
fn timespan_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let (at, _) = text.char_indices().last()?;
    let (number, unit) = text.split_at(at);
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    let unit = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit)
}

/// ATT&CK from `attack.*` tags: tactics by name (`attack.defense_evasion`), techniques by id
/// (`attack.t1562`, `attack.t1562.008`), each technique under every tactic the rule names.
fn threats(tags: &[String]) -> Vec<Threat> {
    let mut tactics: Vec<Mitre> = Vec::new();
    let mut techniques: Vec<Technique> = Vec::new();
    for tag in tags {
        let Some(name) = tag.strip_prefix("attack.") else { continue };
        let lower = name.to_ascii_lowercase();
        if let Some(id) = lower.strip_prefix('t').filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit())) {
            let id = id.to_ascii_uppercase();
            let (base, sub) = id.split_once('.').map_or((id.as_str(), None), |(b, s)| (b, Some(s)));
            let base = format!("T{base}");
            let reference = format!("https://attack.mitre.org/techniques/{base}/");
            let entry = match techniques.iter_mut().position(|t| t.id == base) {
                Some(i) => &mut techniques[i],
                None => {
                    techniques.push(Technique { id: base.clone(), name: base.clone(), reference, subtechnique: Vec::new() });
                    techniques.last_mut().expect("just pushed")
                }
            };
            if let Some(sub) = sub {
                let sub_id = format!("{base}.{sub}");
                if !entry.subtechnique.iter().any(|s| s.id == sub_id) {
                    let reference = format!("https://attack.mitre.org/techniques/{base}/{sub}/");
                    entry.subtechnique.push(Mitre { id: sub_id.clone(), name: sub_id, reference });
                }
            }
            continue;
        }
        // SigmaHQ writes tactics with `_` or `-` (`attack.defense_evasion`, `attack.defense-evasion`).
        let wanted = lower.replace(['_', '-'], " ");
        if let Some((id, tactic)) = TACTICS.iter().find(|(_, t)| t.to_ascii_lowercase() == wanted)
            && !tactics.iter().any(|t| t.id == *id)
        {
            tactics.push(Mitre {
                id: id.to_string(),
                name: tactic.to_string(),
                reference: format!("https://attack.mitre.org/tactics/{id}/"),
            });
        }
    }
    tactics.into_iter().map(|tactic| Threat { framework: "MITRE ATT&CK".into(), tactic, technique: techniques.clone() }).collect()
}
