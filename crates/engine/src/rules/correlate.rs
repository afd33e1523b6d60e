//! Finding the rules a Sigma correlation correlates, by `id` or `name`, among every file's rules:
//! each time a file is added, the correlations are set aside and found again over the whole set,
//! so the outcome does not depend on the order the files come in. A correlation whose rules are
//! found runs on their detections together ([`crate::sigma::Matcher::any`]) and, unless it says
//! `generate: true`, the rules it correlates no longer alert on their own, as Sigma says. A
//! correlation may correlate correlations (chaining): their alerts are its events. Aliases say which
//! field a group-by name reads in each rule's events. One whose rules are missing or are not Sigma
//! detections, or whose correlations loop, is a problem.

use super::{Correlation, Filter, Kind, ProblemKind, Replaced, Rule, RuleProblem, RuleSet};
use crate::sigma::Matcher;
use std::collections::{BTreeSet, HashMap};

/// The correlations loaded, and what finding their rules needs.
#[derive(Debug, Default)]
pub(super) struct Correlations {
    /// As loaded, in load order (a later copy of the same `rule_id` replaces an earlier one).
    rules: Vec<Rule>,
    /// Sigma rules' `name`s and the rule ids that have each (one, unless two rules share it).
    pub(super) names: HashMap<String, BTreeSet<String>>,
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
        // Whether each correlation could run, once found (a chain reaches one by many paths).
        let mut known = HashMap::new();
        for correlation in &self.correlations.rules {
            match self.resolve(correlation, &mut Vec::new(), &mut known) {
                Ok(rule) => found.push(rule),
                Err(kind) => problems.push(RuleProblem { source: correlation.source.clone(), rule: Some(correlation.name.clone()), kind }),
            }
        }
        // What a correlation correlates alerts no more on its own, unless it says `generate`.
        let mut quiet: Vec<String> = Vec::new();
        for rule in &found {
            let Kind::Correlation(correlation) = &rule.kind else { continue };
            if correlation.generate || !rule.enabled {
                continue;
            }
            for (part, id) in correlation.resolved.iter().enumerate() {
                if correlation.chained.contains(&part) {
                    quiet.push(id.clone());
                } else if let Some(base) = self.rules.iter_mut().find(|r| &r.rule_id == id && r.enabled) {
                    base.enabled = false;
                    self.correlations.silenced.push(id.clone());
                }
            }
        }
        for rule in &mut found {
            if let Kind::Correlation(correlation) = &mut rule.kind {
                correlation.silent = quiet.contains(&rule.rule_id);
            }
        }
        self.rules.extend(found);
        self.correlations.problems.clone_from(&problems);
        self.problems.extend(problems);
    }

    /// The correlation with its rules found, or why they cannot be; `within` holds the
    /// correlations that correlate it (a loop is a problem), `known` whether those already found
    /// could run.
    fn resolve(
        &self,
        correlation: &Rule,
        within: &mut Vec<String>,
        known: &mut HashMap<String, Result<(), ProblemKind>>,
    ) -> Result<Rule, ProblemKind> {
        let Kind::Correlation(spec) = &correlation.kind else { return Ok(correlation.clone()) };
        let nothing = Matcher::nothing();
        let mut matchers: Vec<&Matcher> = Vec::new();
        let mut resolved = Vec::new();
        let mut chained = Vec::new();
        within.push(correlation.rule_id.clone());
        for (part, reference) in spec.rules.iter().enumerate() {
            let id = match self.named(reference) {
                Some(id) if !self.rules.iter().any(|r| &r.rule_id == reference) => id?,
                _ => reference.as_str(),
            };
            if let Some(inner) = self.correlations.rules.iter().find(|c| c.rule_id == id) {
                if within.iter().any(|w| w == id) {
                    return Err(ProblemKind::Invalid(format!(
                        "it correlates `{reference}`, which correlates it in turn: correlations cannot loop"
                    )));
                }
                if !inner.enabled {
                    return Err(ProblemKind::Unsupported(format!(
                        "it correlates `{reference}`, a correlation that is off as loaded (its status)"
                    )));
                }
                let fine = match known.get(id) {
                    Some(fine) => fine.clone(),
                    None => {
                        let fine = self.resolve(inner, within, known).map(drop);
                        known.insert(id.to_string(), fine.clone());
                        fine
                    }
                };
                fine.map_err(|why| chained_problem(reference, why))?;
                // Its alerts are this correlation's events: no detection matches for it.
                matchers.push(&nothing);
                resolved.push(inner.rule_id.clone());
                chained.push(part);
                continue;
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
        within.pop();
        let reads = self.reads(spec, &resolved)?;
        self.check_chained(spec, &chained, &resolved, &reads)?;
        let mut rule = correlation.clone();
        rule.filter = Filter::Sigma(Box::new(Matcher::any(&matchers)));
        if let Kind::Correlation(spec) = &mut rule.kind {
            spec.resolved = resolved;
            spec.reads = reads;
            spec.chained = chained;
        }
        Ok(rule)
    }

    /// The id of the rule called `name`, if one is; a name that more than one rule has names none
    /// of them (Sigma says a name is unique), whichever file came first.
    fn named<'s>(&'s self, name: &str) -> Option<Result<&'s str, ProblemKind>> {
        let ids = self.correlations.names.get(name)?;
        let mut each = ids.iter();
        Some(match (each.next(), each.next()) {
            (Some(id), None) => Ok(id.as_str()),
            _ => Err(ProblemKind::Invalid(format!(
                "it correlates `{name}`, a name that more than one rule has (ids {}): name the rule by its id",
                ids.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
            ))),
        })
    }

    /// Per correlated rule (found as `resolved`), the field each column of `spec` reads in its
    /// events: an alias names a rule by its `name` or `id` (or as `rules` writes it), and a rule
    /// an alias does not name reads the alias's own name.
    fn reads(&self, spec: &Correlation, resolved: &[String]) -> Result<Vec<Vec<String>>, ProblemKind> {
        // Whether an alias's key names the rule at `part` (a rule listed twice is named at both).
        let names = |key: &str, part: usize| {
            let id = match self.named(key) {
                Some(Ok(id)) => id,
                _ => key,
            };
            spec.rules[part] == key || resolved[part] == id
        };
        for alias in &spec.aliases {
            if let Some((rule, _)) = alias.fields.iter().find(|(rule, _)| !(0..resolved.len()).any(|p| names(rule, p))) {
                return Err(ProblemKind::Invalid(format!(
                    "alias `{}` names `{rule}`, a rule the correlation does not correlate",
                    alias.name
                )));
            }
        }
        let reads = (0..resolved.len())
            .map(|part| {
                let field_of = |column: &String| {
                    let alias = spec.aliases.iter().find(|a| &a.name == column);
                    let own = alias.and_then(|a| a.fields.iter().find(|(rule, _)| names(rule, part)));
                    own.map_or_else(|| column.clone(), |(_, field)| field.clone())
                };
                spec.columns().map(field_of).collect()
            })
            .collect();
        Ok(reads)
    }
}

impl RuleSet {
    /// A chained correlation's events carry only its group-by values: every field the correlation
    /// reads of it must be one of them, or the correlation could never alert.
    fn check_chained(&self, spec: &Correlation, chained: &[usize], resolved: &[String], reads: &[Vec<String>]) -> Result<(), ProblemKind> {
        for &part in chained {
            let inner = self.correlations.rules.iter().find(|c| c.rule_id == resolved[part]);
            let Some(Kind::Correlation(inner)) = inner.map(|c| &c.kind) else { continue };
            if let Some(field) = reads[part].iter().find(|f| !inner.group_by.contains(f)) {
                return Err(ProblemKind::Invalid(format!(
                    "it reads `{field}` of `{}`, a correlation whose alerts hold only its group-by fields ({})",
                    spec.rules[part],
                    if inner.group_by.is_empty() { "none".to_string() } else { inner.group_by.join(", ") }
                )));
            }
        }
        Ok(())
    }
}

/// Why a correlation cannot run when a correlation it correlates cannot: that one's problem.
fn chained_problem(reference: &str, why: ProblemKind) -> ProblemKind {
    let say = |why: &str| format!("it correlates `{reference}`, a correlation that cannot run ({why})");
    match why {
        ProblemKind::NotApplicable(w) => ProblemKind::NotApplicable(say(&w)),
        ProblemKind::Unsupported(w) => ProblemKind::Unsupported(say(&w)),
        ProblemKind::Invalid(w) => ProblemKind::Invalid(say(&w)),
    }
}
