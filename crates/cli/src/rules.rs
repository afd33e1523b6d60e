//! `trailhound rules`, and loading the rule set both subcommands use.

use crate::args::{ListArgs, RuleArgs, SummaryFormat};
use crate::files::{Input, expand};
use serde_json::json;
use std::io::{self, BufWriter, Write};
use trailhound_engine::examples;
use trailhound_engine::rules::{Kind, format_of};
use trailhound_engine::{ProblemKind, Rule, RuleProblem, RuleSet, load_text};

/// Loads the built-in rules (unless disabled) and every rule file named by `--rules`.
/// In a folder, only `.toml`, `.ndjson`, `.json`, `.yml` and `.yaml` files are rule files.
pub fn load(args: &RuleArgs) -> RuleSet {
    let mut set = if args.no_builtin_rules { RuleSet::default() } else { RuleSet::builtin() };
    for input in expand(&args.rules) {
        let name = input.name();
        if let Input::File(path) = &input {
            let is_rule_file = matches!(path.extension().and_then(|e| e.to_str()), Some("toml" | "ndjson" | "json" | "yml" | "yaml"));
            let named_directly = args.rules.iter().any(|p| p == path);
            if !is_rule_file && !named_directly {
                continue;
            }
        }
        match input.read().and_then(|bytes| String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))) {
            Ok(text) => set.add(load_text(&name, &text)),
            Err(why) => set.problems.push(RuleProblem { source: name, rule: None, kind: ProblemKind::Invalid(why) }),
        }
    }
    set
}

/// Whether any problem is an error (not merely an unsupported rule type).
/// [`load`] with its problems printed; the exit status to stop with when a rule has errors.
pub fn load_or_exit(args: &RuleArgs) -> Result<RuleSet, u8> {
    let rules = load(args);
    print_problems(&rules);
    if has_errors(&rules) {
        eprintln!("trailhound: not scanning: fix the rule errors above");
        return Err(2);
    }
    Ok(rules)
}

pub fn has_errors(set: &RuleSet) -> bool {
    set.problems.iter().any(|p| matches!(p.kind, ProblemKind::Invalid(_)))
}

/// Every rule not loaded, with why, and which file is used for a rule that several files hold.
pub fn print_problems(set: &RuleSet) {
    for replaced in &set.replaced {
        eprintln!("rule replaced: {replaced}");
    }
    for problem in &set.problems {
        let label = match problem.kind {
            ProblemKind::Invalid(_) => "rule error",
            ProblemKind::Unsupported(_) => "rule skipped",
            ProblemKind::NotApplicable(_) => "rule not applicable",
        };
        eprintln!("{label}: {problem}");
    }
}

/// The rule's type and what it counts, in a few words.
fn kind(rule: &Rule) -> String {
    match &rule.kind {
        Kind::Query if rule.filter.reads_raw() => "sigma rule".to_string(),
        Kind::Query => "query rule".to_string(),
        Kind::Eql if rule.filter.sequence().is_some() => "eql sequence rule".to_string(),
        Kind::Eql => "eql rule".to_string(),
        Kind::Threshold(t) => {
            let of = if t.fields.is_empty() { String::new() } else { format!(" of one {}", t.fields.join(" and ")) };
            let distinct = t.cardinality.as_ref().map(|(field, n)| format!(" with {n} distinct {field}")).unwrap_or_default();
            format!("threshold rule ({} matches{of}{distinct} in a run)", t.value)
        }
        Kind::NewTerms(n) => format!("new_terms rule (a {} not seen since {})", n.fields.join(" and "), n.history_window_start),
        Kind::Correlation(c) => format!("sigma correlation ({})", c.describe()),
    }
}

pub fn run(args: &ListArgs) -> u8 {
    let set = load(&args.rules);
    if args.test {
        return test(&set);
    }
    let geoip = match crate::geoip::load(&args.geoip.geoip) {
        Ok(geoip) => geoip,
        Err(errors) => {
            errors.iter().for_each(|e| eprintln!("trailhound: {e}"));
            return 2;
        }
    };
    let written = match args.format {
        SummaryFormat::Table => write_table(&set),
        SummaryFormat::Json => write_json(&set),
    };
    if let Err(e) = written {
        eprintln!("trailhound: cannot write the list: {e}");
        return 2;
    }
    crate::geoip::print_unmet(&set, geoip.as_deref());
    if has_errors(&set) { 2 } else { 0 }
}

/// A rule a line (and what it runs as), then the counts: rules by format and type, what was not
/// loaded a line a kind and reason; the problems one by one go to standard error.
fn write_table(set: &RuleSet) -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    for rule in &set.rules {
        let version = rule.version.map(|v| format!(" v{v}")).unwrap_or_default();
        let tactics: Vec<String> = rule.tactics().map(|t| format!("{} {}", t.id, t.name)).collect();
        let off = if rule.enabled { "" } else { "  (off as loaded)" };
        writeln!(out, "{}  {}{}  [{} / {}]  {}{off}", rule.rule_id, rule.name, version, rule.severity, rule.risk_score, rule.source)?;
        // A correlation has no schedule: it looks at every match in time order.
        let runs = if matches!(rule.kind, Kind::Correlation(_)) {
            String::new()
        } else {
            format!(", every {} over {}, at most {} alerts a run", rule.interval, rule.from, rule.max_signals)
        };
        writeln!(out, "    {}{runs}; {}", kind(rule), tactics.join(", "))?;
    }
    let inventory = set.inventory();
    writeln!(out, "{} rules loaded, {} not loaded", set.rules.len(), set.problems.len())?;
    for (format, kind, n) in &inventory.kinds {
        writeln!(out, "  {format} {kind}: {n}")?;
    }
    for group in &inventory.not_loaded {
        writeln!(out, "  {}: {} ({})", group.kind.label(), group.kind.reason(), group.sources.len())?;
    }
    out.flush()?;
    print_problems(set);
    Ok(())
}

/// Everything [`write_table`] says, as one JSON document: `rules`, `counts`, `not_loaded` (by
/// reason, with every source) and `replaced`.
fn write_json(set: &RuleSet) -> io::Result<()> {
    let rules: Vec<serde_json::Value> = set
        .rules
        .iter()
        .map(|rule| {
            json!({
                "rule_id": rule.rule_id,
                "name": rule.name,
                "version": rule.version,
                "format": format_of(rule),
                "type": rule.rule_type().as_str(),
                "runs_as": kind(rule),
                "severity": rule.severity.to_string(),
                "risk_score": rule.risk_score,
                "enabled": rule.enabled,
                "interval": rule.interval,
                "from": rule.from,
                "max_signals": rule.max_signals,
                "tactics": rule.tactics().map(|t| json!({ "id": t.id, "name": t.name })).collect::<Vec<_>>(),
                "techniques": rule.techniques().map(|t| json!({ "id": t.id, "name": t.name })).collect::<Vec<_>>(),
                "source": rule.source,
            })
        })
        .collect();
    let inventory = set.inventory();
    let counts: Vec<serde_json::Value> =
        inventory.kinds.iter().map(|(format, kind, n)| json!({ "format": format, "type": kind, "rules": n })).collect();
    let not_loaded: Vec<serde_json::Value> = inventory
        .not_loaded
        .iter()
        .map(|g| json!({ "kind": g.kind.label(), "reason": g.kind.reason(), "count": g.sources.len(), "sources": g.sources }))
        .collect();
    let replaced: Vec<String> = set.replaced.iter().map(ToString::to_string).collect();
    let document = json!({
        "loaded": set.rules.len(),
        "not_loaded_count": set.problems.len(),
        "counts": counts,
        "not_loaded": not_loaded,
        "replaced": replaced,
        "rules": rules,
    });
    let mut out = BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &document)?;
    writeln!(out)?;
    out.flush()
}

/// Runs every loaded rule's examples; prints each failure, then a count; 1 if any failed (2 if a
/// rule file had errors).
fn test(set: &RuleSet) -> u8 {
    let (mut passed, mut failed, mut without) = (0, 0, 0);
    for rule in &set.rules {
        if rule.examples.is_empty() {
            without += 1;
        }
        for outcome in examples::run(rule) {
            if outcome.passed() {
                passed += 1;
            } else {
                failed += 1;
                println!("{outcome}  ({})", rule.source);
            }
        }
    }
    println!("examples: {passed} passed, {failed} failed; {} rules, {without} without examples", set.rules.len());
    print_problems(set);
    if has_errors(set) { 2 } else { u8::from(failed > 0) }
}
