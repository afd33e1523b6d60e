//! Detection rules kept as data in Elastic's formats: the model, the loader, and the built-in set.
//!
//! Depends on [`crate::kql`] to compile queries; never on the scan loop or output.

mod load;
mod model;

pub use load::{Loaded, ProblemKind, RuleProblem, load_text};
pub use model::{Example, Mitre, Rule, RuleSpec, Severity, Technique, Threat};

/// The rule files shipped in `rules/`, compiled into the binary (name, content).
pub const BUILTIN_FILES: &[(&str, &str)] = &[(
    "defense_evasion_s3_bucket_configuration_deletion.toml",
    include_str!("../../../../rules/defense_evasion_s3_bucket_configuration_deletion.toml"),
)];

/// A set of loaded rules and every rule that could not be loaded.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub problems: Vec<RuleProblem>,
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

    /// Adds what one file gave. A rule whose id is already loaded is a problem, not a second copy.
    pub fn add(&mut self, loaded: Loaded) {
        self.problems.extend(loaded.problems);
        for rule in loaded.rules {
            if let Some(first) = self.rules.iter().find(|r| r.rule_id == rule.rule_id) {
                self.problems.push(RuleProblem {
                    source: rule.source.clone(),
                    rule: Some(rule.name.clone()),
                    kind: ProblemKind::Invalid(format!("rule_id {} is already loaded from {}", rule.rule_id, first.source)),
                });
            } else {
                self.rules.push(rule);
            }
        }
    }

    /// The enabled rules.
    pub fn enabled(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(|r| r.enabled)
    }
}
