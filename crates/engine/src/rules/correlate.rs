//! Finding the rules a Sigma correlation correlates, by `id` or `name`, among every file's rules:
//! each time a file is added, the correlations are set aside and found again over the whole set,
//! so the outcome does not depend on the order the files come in. A correlation whose rules are
//! found runs on their detections together ([`crate::sigma::Matcher::any`]) and, unless it says
//! `generate: true`, the rules it correlates no longer alert on their own, as Sigma says; one whose
//! rules are missing, are not Sigma detections or are correlations themselves is a problem.

use super::{Filter, Kind, ProblemKind, Replaced, Rule, RuleProblem, RuleSet};
use crate::sigma::Matcher;
use std::collections::HashMap;

/// The correlations loaded, and what finding their rules needs.
#[derive(Debug, Default)]
pub(super) struct Correlations {
    /// As loaded, in load order (a later copy of the same `rule_id` replaces an earlier one).
    rules: Vec<Rule>,
    /// Sigma rules' `name`s and their rule ids.
    pub(super) names: HashMap<String, String>,
    /// The ids and names of Sigma rules that could not be loaded, with why.
    pub(super) set_aside: HashMap<String, ProblemKind>,
    /// The rules switched off because a correlation correlates them.
    silenced: Vec<String>,
    /// The problems of correlations that could not run, as they were added to the set's.
    problems: Vec<RuleProblem>,
}

impl Correlations {
    /// Takes a correlation as loaded; a copy of one already loaded takes its place (the later file
    /// wins, as for other rules).
    pub(super) fn add(&mut self, rule: Rule, replaced: &mut Vec<Replaced>) {
        match self.rules.iter_mut().find(|r| r.rule_id == rule.rule_id) {
            Some(loaded) => {
                let unused = std::mem::replace(loaded, rule);
                replaced.push(Replaced::of(loaded, unused));
            }
            None => self.rules.push(rule),
        }
    }
}

impl RuleSet {
    /// Sets the correlations aside: out of the rules, their problems dropped, the rules they
    /// switched off switched on again.
    pub(super) fn unresolve_correlations(&mut self) {
        self.rules.retain(|r| !matches!(r.kind, Kind::Correlation(_)));
        // Others may add problems between files (the CLI adds a file it cannot read): only the
        // correlations' own are taken out.
        let mine = std::mem::take(&mut self.correlations.problems);
        let mut taken = vec![false; mine.len()];
        self.problems.retain(|p| match mine.iter().enumerate().position(|(i, m)| !taken[i] && m == p) {
            Some(i) => {
                taken[i] = true;
                false
            }
            None => true,
        });
        for id in std::mem::take(&mut self.correlations.silenced) {
            if let Some(rule) = self.rules.iter_mut().find(|r| r.rule_id == id) {
                rule.enabled = true;
            }
        }
    }

    /// Finds every correlation's rules: a correlation found whole joins the rules (after every
    /// other), one that is not is a problem.
    pub(super) fn resolve_correlations(&mut self) {
        let mut found = Vec::new();
        let mut problems = Vec::new();
        for correlation in &self.correlations.rules {
            match self.resolve(correlation) {
                Ok(rule) => found.push(rule),
                Err(kind) => problems.push(RuleProblem { source: correlation.source.clone(), rule: Some(correlation.name.clone()), kind }),
            }
        }
        for rule in &found {
            let Kind::Correlation(correlation) = &rule.kind else { continue };
            if correlation.generate || !rule.enabled {
                continue;
            }
            for id in &correlation.resolved {
                if let Some(base) = self.rules.iter_mut().find(|r| &r.rule_id == id && r.enabled) {
                    base.enabled = false;
                    self.correlations.silenced.push(id.clone());
                }
            }
        }
        self.rules.extend(found);
        self.correlations.problems.clone_from(&problems);
        self.problems.extend(problems);
    }

    /// The correlation with its rules found, or why they cannot be.
    fn resolve(&self, correlation: &Rule) -> Result<Rule, ProblemKind> {
        let Kind::Correlation(spec) = &correlation.kind else { return Ok(correlation.clone()) };
        let mut matchers: Vec<&Matcher> = Vec::new();
        let mut resolved = Vec::new();
        for reference in &spec.rules {
            let is_correlation = |id: &str| self.correlations.rules.iter().any(|c| c.rule_id == id);
            let id = match self.correlations.names.get(reference) {
                Some(id) if !self.rules.iter().any(|r| &r.rule_id == reference) => id.as_str(),
                _ => reference.as_str(),
            };
            if is_correlation(id) {
                return Err(ProblemKind::Unsupported(format!(
                    "it correlates `{reference}`, another correlation: chained correlations do not run yet"
                )));
            }
            match self.correlations.set_aside.get(reference) {
                Some(ProblemKind::NotApplicable(_)) => {
                    return Err(ProblemKind::NotApplicable(format!("it correlates `{reference}`, a rule for other logs than CloudTrail")));
                }
                Some(ProblemKind::Unsupported(why)) => {
                    return Err(ProblemKind::Unsupported(format!("it correlates `{reference}`, which does not run here ({why})")));
                }
                Some(ProblemKind::Invalid(_)) => {
                    return Err(ProblemKind::Invalid(format!("it correlates `{reference}`, a rule that is not valid")));
                }
                None => {}
            }
            let Some(base) = self.rules.iter().find(|r| r.rule_id == id) else {
                // Sigma names a correlated rule by its `id` or `name`, never by its title.
                let titled = self.rules.iter().find(|r| &r.name == reference);
                let hint = titled.map(|r| format!("; a rule has that title: name it by its id `{}`, or give it a `name`", r.rule_id));
                return Err(ProblemKind::Invalid(format!(
                    "it correlates `{reference}`, which no loaded rule is (by id or name){}",
                    hint.unwrap_or_default()
                )));
            };
            let Filter::Sigma(matcher) = &base.filter else {
                return Err(ProblemKind::Invalid(format!("it correlates `{reference}`, which is not a Sigma detection rule")));
            };
            matchers.push(matcher);
            resolved.push(base.rule_id.clone());
        }
        let mut rule = correlation.clone();
        rule.filter = Filter::Sigma(Box::new(Matcher::any(&matchers)));
        if let Kind::Correlation(spec) = &mut rule.kind {
            spec.resolved = resolved;
        }
        Ok(rule)
    }
}
