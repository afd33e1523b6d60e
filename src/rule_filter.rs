//! Which rules the rules panel lists: a text search (name, id, source, tactics) and filters by
//! format, type, severity, ATT&CK tactic, on or off, loaded or not, and where the rule came from;
//! the rules that were not loaded are searched by the same words and source. Yew-free, so it is
//! tested natively.

use crate::state::RuleEntry;
use trailhound_engine::Rule;
use trailhound_engine::rules::{ProblemGroup, format_of};

/// A filter of the rules panel; the default lists every rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleFilter {
    /// Words that must all appear (without case) in the name, id, source or tactics.
    pub text: String,
    /// [`kind_of`], or empty for any.
    pub kind: String,
    /// A severity (`low`, ...), or empty for any.
    pub severity: String,
    /// `Some(true)`: only rules that are on; `Some(false)`: only those that are off.
    pub enabled: Option<bool>,
    /// `built in`, a source file's name, or empty for any.
    pub source: String,
    /// An ATT&CK tactic's name (`Defense Evasion`), or empty for any.
    pub tactic: String,
    /// [`format_of`] (`elastic`, `sigma`), or empty for any.
    pub format: String,
    /// `Some(true)`: only the rules that run here; `Some(false)`: only those not loaded (not
    /// supported yet, for other logs, or not valid).
    pub loaded: Option<bool>,
}

/// The rule's type as the panel names it: `sigma` (a Sigma detection), `correlation` (a Sigma
/// correlation), or Elastic's `query`, `eql`, `threshold`, `new_terms`.
pub fn kind_of(rule: &Rule) -> &'static str {
    match rule.rule_type() {
        trailhound_engine::rules::RuleType::Correlation => "correlation",
        _ if rule.filter.reads_raw() => "sigma",
        other => other.as_str(),
    }
}

/// Where the rule came from, as the filter names it: `built in` or its file (without a line).
pub fn source_of(entry: &RuleEntry) -> String {
    if entry.builtin {
        return "built in".to_string();
    }
    // An NDJSON export's rules are `file:line`.
    file_of(&entry.rule.source).to_string()
}

/// A column the rules panel sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleColumn {
    Name,
    Type,
    Severity,
    Risk,
    Source,
}

impl RuleColumn {
    /// Its short name, for test ids.
    pub fn key(self) -> &'static str {
        match self {
            RuleColumn::Name => "name",
            RuleColumn::Type => "type",
            RuleColumn::Severity => "severity",
            RuleColumn::Risk => "risk",
            RuleColumn::Source => "source",
        }
    }
}

/// The rules panel's order: by a column, ascending or not; `None`: the order the rules loaded in.
pub type RuleSort = Option<(RuleColumn, bool)>;

/// The order after a click on `column`'s header: ascending, descending, then the load order.
pub fn next_sort(sort: RuleSort, column: RuleColumn) -> RuleSort {
    match sort {
        Some((c, false)) if c == column => Some((column, true)),
        Some((c, true)) if c == column => None,
        _ => Some((column, false)),
    }
}

/// Puts `entries` in `sort`'s order; rules that tie keep their load order (the name breaks ties
/// of the other columns).
pub fn sort(entries: &mut [&RuleEntry], sort: RuleSort) {
    let Some((column, descending)) = sort else { return };
    entries.sort_by(|a, b| {
        let (x, y) = (&a.rule, &b.rule);
        let order = match column {
            RuleColumn::Name => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
            RuleColumn::Type => kind_of(x).cmp(kind_of(y)),
            RuleColumn::Severity => x.severity.cmp(&y.severity),
            RuleColumn::Risk => x.risk_score.cmp(&y.risk_score),
            RuleColumn::Source => source_of(a).cmp(&source_of(b)),
        };
        let order = if descending { order.reverse() } else { order };
        order.then_with(|| x.name.to_lowercase().cmp(&y.name.to_lowercase()))
    });
}

impl RuleFilter {
    pub fn matches(&self, entry: &RuleEntry) -> bool {
        let rule = &entry.rule;
        self.loaded != Some(false)
            && (self.format.is_empty() || format_of(rule) == self.format)
            && (self.kind.is_empty() || kind_of(rule) == self.kind)
            && (self.severity.is_empty() || rule.severity.to_string() == self.severity)
            && self.enabled.is_none_or(|on| entry.enabled == on)
            && (self.source.is_empty() || source_of(entry) == self.source)
            && (self.tactic.is_empty() || rule.tactics().any(|t| t.name == self.tactic))
            && self.matches_text(rule)
    }

    fn matches_text(&self, rule: &Rule) -> bool {
        let words: Vec<String> = self.text.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return true;
        }
        let tactics: Vec<&str> = rule.tactics().map(|t| t.name.as_str()).collect();
        let haystack = format!("{} {} {} {}", rule.name, rule.rule_id, rule.source, tactics.join(" ")).to_lowercase();
        words.iter().all(|w| haystack.contains(w.as_str()))
    }

    /// Whether it lists every rule.
    pub fn is_empty(&self) -> bool {
        *self == RuleFilter::default()
    }

    /// Of the rules not loaded, those the filter lists: none when it asks for loaded rules or for
    /// what only a loaded rule has (a type, severity, tactic, or on or off); else those whose file
    /// is the source asked for, whose format is the one asked for (told by the file's extension),
    /// and whose file, name or reason holds every word of the search.
    pub fn problems(&self, groups: &[ProblemGroup]) -> Vec<ProblemGroup> {
        let only_loaded = self.loaded == Some(true)
            || !self.kind.is_empty()
            || !self.severity.is_empty()
            || !self.tactic.is_empty()
            || self.enabled.is_some()
            || self.source == "built in";
        if only_loaded {
            return Vec::new();
        }
        let words: Vec<String> = self.text.split_whitespace().map(str::to_lowercase).collect();
        let mut out = Vec::new();
        for group in groups {
            let reason = format!("{} {}", group.kind.label(), group.kind.reason()).to_lowercase();
            let mut kept = ProblemGroup { kind: group.kind.clone(), sources: Vec::new(), files: Vec::new() };
            for (source, file) in group.sources.iter().zip(&group.files) {
                let haystack = format!("{} {reason}", source.to_lowercase());
                let listed = (self.source.is_empty() || file_of(file) == self.source)
                    && (self.format.is_empty() || format_of_file(file) == self.format)
                    && words.iter().all(|w| haystack.contains(w.as_str()));
                if listed {
                    kept.sources.push(source.clone());
                    kept.files.push(file.clone());
                }
            }
            if !kept.sources.is_empty() {
                out.push(kept);
            }
        }
        out
    }
}

/// A rule file's name without an export's line (`export.ndjson:12`).
pub fn file_of(source: &str) -> &str {
    match source.rsplit_once(':') {
        Some((file, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => file,
        _ => source,
    }
}

/// The format a rule file holds, told by its extension: `sigma` for YAML, else `elastic`.
fn format_of_file(file: &str) -> &'static str {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".yml") || lower.ends_with(".yaml") { "sigma" } else { "elastic" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<RuleEntry> {
        let mut set = trailhound_engine::RuleSet::builtin();
        let sigma = "title: Trail stopped\nid: 5b9a6c1e-0000-4000-8000-000000000001\nlevel: high\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName: StopLogging\n  condition: selection\n";
        set.add(trailhound_engine::load_text("mine/trail.yml", sigma));
        let builtin = trailhound_engine::RuleSet::builtin().rules.len();
        set.rules.into_iter().enumerate().map(|(i, rule)| RuleEntry { rule, enabled: i % 2 == 0, builtin: i < builtin }).collect()
    }

    fn listed(filter: &RuleFilter, entries: &[RuleEntry]) -> Vec<String> {
        entries.iter().filter(|e| filter.matches(e)).map(|e| e.rule.name.clone()).collect()
    }

    #[test]
    fn every_filter_narrows_and_the_default_lists_all() {
        let entries = entries();
        assert_eq!(listed(&RuleFilter::default(), &entries).len(), entries.len());
        let sigma = RuleFilter { kind: "sigma".into(), ..RuleFilter::default() };
        assert_eq!(listed(&sigma, &entries), ["Trail stopped"]);
        let mine = RuleFilter { source: "mine/trail.yml".into(), ..RuleFilter::default() };
        assert_eq!(listed(&mine, &entries), ["Trail stopped"]);
        let builtin = RuleFilter { source: "built in".into(), ..RuleFilter::default() };
        assert_eq!(listed(&builtin, &entries).len(), entries.len() - 1);
        // Words anywhere, in any case, all of them.
        let text = RuleFilter { text: "  s3 BUCKET configuration ".into(), ..RuleFilter::default() };
        assert_eq!(listed(&text, &entries), ["AWS S3 Bucket Configuration Deletion"]);
        let tactic = RuleFilter { text: "defense evasion".into(), ..RuleFilter::default() };
        let evasive = listed(&tactic, &entries);
        assert!(evasive.len() > 3 && evasive.contains(&"AWS S3 Bucket Configuration Deletion".to_string()));
        let on = RuleFilter { enabled: Some(true), ..RuleFilter::default() };
        let off = RuleFilter { enabled: Some(false), ..RuleFilter::default() };
        assert_eq!(listed(&on, &entries).len() + listed(&off, &entries).len(), entries.len());
        let impact = RuleFilter { tactic: "Impact".into(), ..RuleFilter::default() };
        let impacts = listed(&impact, &entries);
        assert!(!impacts.is_empty() && impacts.len() < entries.len());
        assert!(entries.iter().filter(|e| impact.matches(e)).all(|e| e.rule.tactics().any(|t| t.name == "Impact")));
        let high = RuleFilter { severity: "high".into(), kind: "sigma".into(), ..RuleFilter::default() };
        assert_eq!(listed(&high, &entries), ["Trail stopped"]);
        let none = RuleFilter { severity: "low".into(), kind: "sigma".into(), ..RuleFilter::default() };
        assert!(listed(&none, &entries).is_empty());
        assert!(RuleFilter::default().is_empty() && !none.is_empty());
    }

    #[test]
    fn format_and_loaded_filter_the_rules_and_the_search_reaches_what_was_not_loaded() {
        let entries = entries();
        let sigma = RuleFilter { format: "sigma".into(), ..RuleFilter::default() };
        assert_eq!(listed(&sigma, &entries), ["Trail stopped"]);
        let elastic = RuleFilter { format: "elastic".into(), ..RuleFilter::default() };
        assert_eq!(listed(&elastic, &entries).len(), entries.len() - 1);
        let not_loaded = RuleFilter { loaded: Some(false), ..RuleFilter::default() };
        assert!(listed(&not_loaded, &entries).is_empty(), "a rule in the table runs");
        let mut set = trailhound_engine::RuleSet::default();
        let windows = "title: Logon failed\nlogsource: { product: windows }\ndetection:\n  sel: { EventID: 4625 }\n  condition: sel\n";
        set.add(trailhound_engine::load_text("win/logon.yml", windows));
        set.add(trailhound_engine::load_text("esql.toml", "[rule]\nrule_id = \"e\"\nname = \"Piped\"\ntype = \"esql\"\nquery = \"from x\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\nlanguage = \"esql\"\n"));
        set.add(trailhound_engine::load_text("bad.toml", "[rule\n"));
        let groups = set.inventory().not_loaded;
        let count = |filter: &RuleFilter| filter.problems(&groups).iter().map(|g| g.sources.len()).sum::<usize>();
        assert_eq!(count(&RuleFilter::default()), 3, "{groups:?}");
        assert_eq!(count(&not_loaded), 3);
        assert_eq!(count(&RuleFilter { loaded: Some(true), ..RuleFilter::default() }), 0);
        assert_eq!(count(&sigma), 1, "by the file's extension");
        assert_eq!(count(&elastic), 2);
        let by_name = RuleFilter { text: "LOGON".into(), ..RuleFilter::default() };
        assert_eq!(by_name.problems(&groups)[0].sources, ["win/logon.yml: Logon failed"]);
        assert_eq!(count(&RuleFilter { text: "product windows".into(), ..RuleFilter::default() }), 1, "the reason is searched");
        assert_eq!(count(&RuleFilter { source: "bad.toml".into(), ..RuleFilter::default() }), 1);
        assert_eq!(count(&RuleFilter { severity: "low".into(), ..RuleFilter::default() }), 0, "only a loaded rule has a severity");
    }

    #[test]
    fn a_header_sorts_up_then_down_then_back_to_the_load_order() {
        let entries = entries();
        let names = |sorted: RuleSort| {
            let mut listed: Vec<&RuleEntry> = entries.iter().collect();
            sort(&mut listed, sorted);
            listed.iter().map(|e| (e.rule.severity, e.rule.name.to_lowercase())).collect::<Vec<_>>()
        };
        let up = next_sort(None, RuleColumn::Severity);
        let by_severity = names(up);
        assert!(by_severity.windows(2).all(|w| w[0] <= w[1]), "severity, then name");
        let down = next_sort(up, RuleColumn::Severity);
        assert_eq!(down, Some((RuleColumn::Severity, true)));
        assert!(names(down).windows(2).all(|w| w[0].0 >= w[1].0));
        assert_eq!(next_sort(down, RuleColumn::Severity), None);
        let loaded: Vec<_> = entries.iter().map(|e| (e.rule.severity, e.rule.name.to_lowercase())).collect();
        assert_eq!(names(None), loaded);
        let by_name = names(Some((RuleColumn::Name, false)));
        assert!(by_name.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn an_export_rule_is_from_its_file() {
        let entry = |source: &str| {
            let mut rule = trailhound_engine::RuleSet::builtin().rules.remove(0);
            rule.source = source.into();
            RuleEntry { rule, enabled: true, builtin: false }
        };
        assert_eq!(source_of(&entry("export.ndjson:12")), "export.ndjson");
        assert_eq!(source_of(&entry("C:rules.toml")), "C:rules.toml");
        assert_eq!(source_of(&entry("plain.toml")), "plain.toml");
    }
}
