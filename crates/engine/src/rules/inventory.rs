//! What a rule set holds, counted: its rules by format and type, and what was not loaded grouped
//! by kind and reason, so a folder of hundreds of rules reads in a few lines.

use super::{ProblemKind, Rule, RuleSet};
use std::collections::BTreeMap;

/// A rule set in counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inventory {
    /// (format, type, rules), by format then type.
    pub kinds: Vec<(&'static str, &'static str, usize)>,
    /// What was not loaded: one group a kind and reason, the largest first.
    pub not_loaded: Vec<ProblemGroup>,
}

/// The rules (or files) not loaded for one reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemGroup {
    /// The kind, with the reason in words ([`ProblemKind::label`], [`ProblemKind::reason`]).
    pub kind: ProblemKind,
    /// Where each came from (file, and the rule's name when it was read), in load order.
    pub sources: Vec<String>,
    /// The file of each of `sources`.
    pub files: Vec<String>,
}

/// The format a rule was written in: `sigma` or `elastic`.
pub fn format_of(rule: &Rule) -> &'static str {
    if rule.filter.reads_raw() { "sigma" } else { "elastic" }
}

impl RuleSet {
    pub fn inventory(&self) -> Inventory {
        let mut kinds: BTreeMap<(&'static str, &'static str), usize> = BTreeMap::new();
        for rule in &self.rules {
            *kinds.entry((format_of(rule), rule.rule_type().as_str())).or_default() += 1;
        }
        let mut groups: Vec<ProblemGroup> = Vec::new();
        let mut at: BTreeMap<(&'static str, &str), usize> = BTreeMap::new();
        for problem in &self.problems {
            let key = (problem.kind.label(), problem.kind.reason());
            let source = match &problem.rule {
                Some(rule) => format!("{}: {rule}", problem.source),
                None => problem.source.clone(),
            };
            let i = *at.entry(key).or_insert_with(|| {
                groups.push(ProblemGroup { kind: problem.kind.clone(), sources: Vec::new(), files: Vec::new() });
                groups.len() - 1
            });
            groups[i].sources.push(source);
            groups[i].files.push(problem.source.clone());
        }
        // Largest first; ties in the order first met.
        groups.sort_by_key(|g| std::cmp::Reverse(g.sources.len()));
        Inventory { kinds: kinds.into_iter().map(|((format, kind), n)| (format, kind, n)).collect(), not_loaded: groups }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_text;

    #[test]
    fn rules_are_counted_by_format_and_type_and_problems_by_reason() {
        let mut set = RuleSet::builtin();
        let elastic = set.rules.len();
        let sigma = "title: Trail stopped\nid: 5b9a6c1e-0000-4000-8000-000000000001\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName: StopLogging\n  condition: selection\n";
        set.add(load_text("a.yml", sigma));
        let windows =
            "title: Other logs\nlogsource:\n  product: windows\ndetection:\n  selection:\n    EventID: 1\n  condition: selection\n";
        set.add(load_text("w1.yml", windows));
        set.add(load_text("w2.yml", windows));
        set.add(load_text("bad.toml", "[rule\n"));
        let inventory = set.inventory();
        let count = |format: &str| inventory.kinds.iter().filter(|k| k.0 == format).map(|k| k.2).sum::<usize>();
        assert_eq!((count("elastic"), count("sigma")), (elastic, 1));
        assert!(inventory.kinds.contains(&("sigma", "query", 1)));
        assert!(inventory.kinds.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)), "{:?}", inventory.kinds);
        assert_eq!(inventory.not_loaded.iter().map(|g| g.sources.len()).sum::<usize>(), set.problems.len());
        let first = &inventory.not_loaded[0];
        assert!(matches!(first.kind, ProblemKind::NotApplicable(_)) && first.sources.len() == 2, "{inventory:?}");
        assert!(first.sources[0].starts_with("w1.yml") && first.sources[1].starts_with("w2.yml"));
        assert!(inventory.not_loaded.iter().any(|g| matches!(g.kind, ProblemKind::Invalid(_)) && g.sources == ["bad.toml"]));
    }

    /// A Sigma rule's techniques, known by id from its tags, take the names the built-in rules
    /// give them; an id no rule names keeps its id.
    #[test]
    fn sigma_techniques_are_named_as_the_other_rules_name_them() {
        let sigma = "title: Trail stopped\nid: 5b9a6c1e-0000-4000-8000-000000000001\ntags:\n  - attack.defense_evasion\n  - attack.t1562.008\n  - attack.t1999\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  selection:\n    eventName: StopLogging\n  condition: selection\n";
        let named = |set: &RuleSet| {
            let rule = set.rules.iter().find(|r| r.name == "Trail stopped").unwrap();
            rule.techniques()
                .map(|t| (t.name.clone(), t.subtechnique.iter().map(|s| s.name.clone()).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        };
        let mut with_builtin = RuleSet::builtin();
        with_builtin.add(load_text("a.yml", sigma));
        assert_eq!(
            named(&with_builtin),
            [("Impair Defenses".to_string(), vec!["Disable or Modify Cloud Logs".to_string()]), ("T1999".to_string(), vec![])]
        );
        // Loaded before the rules that name them: named all the same.
        let mut first = RuleSet::default();
        first.add(load_text("a.yml", sigma));
        assert_eq!(named(&first)[0].0, "T1562");
        for (name, text) in crate::rules::BUILTIN_FILES {
            first.add(load_text(name, text));
        }
        assert_eq!(named(&first), named(&with_builtin));
    }
}
