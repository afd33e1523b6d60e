//! Detection rules kept as data in Elastic's formats: the model, the loader, and the built-in set.
//!
//! Depends on [`crate::kql`] and [`crate::eql`] to compile queries; never on the scan loop or output.

mod correlate;
mod hunt;
mod inventory;
mod load;
mod model;
pub mod schedule;

pub use hunt::hunt_rule_file;
pub use inventory::{Inventory, ProblemGroup, format_of};
pub use load::{Loaded, ProblemKind, RuleProblem, load_text};
pub use model::{
    Alias, Bounds, Correlation, CorrelationKind, Example, Filter, Kind, Mitre, NewTerms, Rule, RuleSpec, RuleType, Severity, Technique,
    Threat, Threshold,
};
pub use schedule::Schedule;
use std::collections::{HashMap, HashSet};

/// Every technique and sub-technique the rules name: (id, name).
fn techniques(rules: &[Rule]) -> impl Iterator<Item = (&str, &str)> {
    rules.iter().flat_map(|r| &r.threat).flat_map(|t| &t.technique).flat_map(|t| {
        std::iter::once((t.id.as_str(), t.name.as_str())).chain(t.subtechnique.iter().map(|s| (s.id.as_str(), s.name.as_str())))
    })
}

/// ATT&CK's enterprise tactics in kill-chain order (id, name).
pub const TACTICS: &[(&str, &str)] = &[
    ("TA0043", "Reconnaissance"),
    ("TA0042", "Resource Development"),
    ("TA0001", "Initial Access"),
    ("TA0002", "Execution"),
    ("TA0003", "Persistence"),
    ("TA0004", "Privilege Escalation"),
    ("TA0005", "Defense Evasion"),
    ("TA0006", "Credential Access"),
    ("TA0007", "Discovery"),
    ("TA0008", "Lateral Movement"),
    ("TA0009", "Collection"),
    ("TA0011", "Command and Control"),
    ("TA0010", "Exfiltration"),
    ("TA0040", "Impact"),
];

/// The rule files shipped in `rules/`, compiled into the binary (name, content), in name order.
pub const BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A set of loaded rules, every rule that could not be loaded, and which copy of a rule was used
/// where several files hold the same `rule_id`.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub problems: Vec<RuleProblem>,
    pub replaced: Vec<Replaced>,
    /// Sigma correlations as loaded, and what finding their rules needs (see `correlate`).
    correlations: correlate::Correlations,
}

/// Two rule files held the same `rule_id`: which copy is used, and which was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub rule_id: String,
    /// The name of the copy used.
    pub name: String,
    /// The file of the copy used, and its version.
    pub used: (String, Option<u32>),
    /// The file of the copy set aside, and its version.
    pub unused: (String, Option<u32>),
}

impl Replaced {
    /// `used` is the copy kept, `unused` the one set aside.
    fn of(used: &Rule, unused: Rule) -> Replaced {
        Replaced {
            rule_id: used.rule_id.clone(),
            name: used.name.clone(),
            used: (used.source.clone(), used.version),
            unused: (unused.source, unused.version),
        }
    }
}

impl std::fmt::Display for Replaced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let version = |v: Option<u32>| v.map_or_else(|| "no version".to_string(), |v| format!("version {v}"));
        write!(
            f,
            "{} ({}): using {} ({}) rather than {} ({})",
            self.name,
            self.rule_id,
            self.used.0,
            version(self.used.1),
            self.unused.0,
            version(self.unused.1)
        )
    }
}

impl RuleSet {
    /// The rules shipped with Trailhound.
    pub fn builtin() -> RuleSet {
        let mut set = RuleSet::default();
        for (name, text) in BUILTIN_FILES {
            set.add(load_text(&format!("rules/{name}"), text));
        }
        set
    }

    /// Adds what one file gave. A rule whose `rule_id` is already loaded takes the loaded copy's
    /// place when its `version` is the same or newer (the file added later wins a tie, so a user's
    /// file wins over the built-in copy; no version counts as older than any); else it is set
    /// aside. Either way [`RuleSet::replaced`] says which copy is used.
    pub fn add(&mut self, loaded: Loaded) {
        self.unresolve_correlations();
        self.problems.extend(loaded.problems);
        for (name, id) in loaded.names {
            self.correlations.names.entry(name).or_default().insert(id);
        }
        self.correlations.set_aside.extend(loaded.set_aside);
        for rule in loaded.rules {
            if matches!(rule.kind, Kind::Correlation(_)) {
                self.correlations.add(rule, &mut self.replaced);
                continue;
            }
            let Some(loaded) = self.rules.iter_mut().find(|r| r.rule_id == rule.rule_id) else {
                self.rules.push(rule);
                continue;
            };
            let (used, unused) = if rule.version >= loaded.version {
                let unused = std::mem::replace(loaded, rule);
                (&*loaded, unused)
            } else {
                (&*loaded, rule)
            };
            self.replaced.push(Replaced::of(used, unused));
        }
        self.resolve_correlations();
        self.name_techniques();
    }

    /// Names the techniques a rule knows by id only (a Sigma tag says `attack.t1562`) as the
    /// set's other rules name them (Elastic's rules carry ATT&CK's names); where rules name an id
    /// differently, the least name (as text) is taken, so the outcome does not depend on load
    /// order. Only the ids some rule lacks a name for are looked up and copied, so a set without
    /// id-only techniques costs one pass and nothing more.
    fn name_techniques(&mut self) {
        let unnamed = |id: &str, name: &str| id == name || name.is_empty();
        let wanted: HashSet<String> =
            techniques(&self.rules).filter(|(id, name)| unnamed(id, name)).map(|(id, _)| id.to_string()).collect();
        if wanted.is_empty() {
            return;
        }
        let mut names: HashMap<&str, &str> = HashMap::new();
        for (id, name) in techniques(&self.rules).filter(|(id, name)| !unnamed(id, name) && wanted.contains(*id)) {
            let known = names.entry(id).or_insert(name);
            if name < *known {
                *known = name;
            }
        }
        let names: HashMap<String, String> = names.into_iter().map(|(id, name)| (id.to_string(), name.to_string())).collect();
        let fill = |id: &str, name: &mut String| {
            if unnamed(id, name)
                && let Some(known) = names.get(id)
            {
                name.clone_from(known);
            }
        };
        for technique in self.rules.iter_mut().flat_map(|r| &mut r.threat).flat_map(|t| &mut t.technique) {
            fill(&technique.id, &mut technique.name);
            technique.subtechnique.iter_mut().for_each(|s| fill(&s.id, &mut s.name));
        }
    }

    /// The enabled rules.
    pub fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }
}
