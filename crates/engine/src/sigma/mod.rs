//! Sigma rules (SigmaHQ's open format) for AWS CloudTrail: [`rule`] reads a YAML file into rules,
//! [`detection`] compiles their searches and values, [`condition`] their conditions. A rule runs on
//! the raw CloudTrail record (`eventName`, `requestParameters.bucketName`, `userIdentity.arn`),
//! never on its ECS document, which is built only for an alert.

pub mod condition;
pub mod detection;
pub mod rule;

use crate::doc::Document;
use condition::Condition;
use detection::Search;

/// A compiled Sigma detection: its searches, in the rule's order, and its condition over them.
#[derive(Debug, Clone)]
pub struct Matcher {
    searches: Vec<Search>,
    condition: Condition,
    /// For a correlation's matcher ([`Matcher::any`]): each correlated rule's condition, over
    /// `searches`; the condition is their `or`.
    parts: Vec<Condition>,
}

/// The raw field the rule index reads Sigma rules by.
pub const ACTION_FIELD: &str = "eventName";

impl Matcher {
    pub fn new(searches: Vec<Search>, condition: Condition) -> Matcher {
        Matcher { searches, condition, parts: Vec::new() }
    }

    /// A matcher that matches nothing (a correlation's, until its rules are found).
    pub fn nothing() -> Matcher {
        Matcher::new(Vec::new(), Condition::Or(Vec::new()))
    }

    /// The matcher of a correlation over `matchers`: an event matches when one of them does, and
    /// [`Matcher::which`] says which.
    pub fn any(matchers: &[&Matcher]) -> Matcher {
        let mut searches = Vec::new();
        let mut parts = Vec::new();
        for matcher in matchers {
            let offset = searches.len();
            searches.extend(matcher.searches.iter().cloned());
            parts.push(matcher.condition.shifted(offset));
        }
        Matcher { searches, condition: Condition::Or(parts.clone()), parts }
    }

    /// For a correlation's matcher, the places (in [`Matcher::any`]'s order) of the matchers `doc`
    /// meets; empty for any other.
    pub fn which(&self, doc: &dyn Document) -> Vec<usize> {
        let mut known: Vec<Option<bool>> = vec![None; self.searches.len()];
        (0..self.parts.len())
            .filter(|&p| self.parts[p].eval(&mut |i| *known[i].get_or_insert_with(|| self.searches[i].matches(doc))))
            .collect()
    }

    /// Whether the raw record `doc` meets the detection (each search evaluated at most once).
    pub fn matches(&self, doc: &dyn Document) -> bool {
        let mut known: Vec<Option<bool>> = vec![None; self.searches.len()];
        self.condition.eval(&mut |i| *known[i].get_or_insert_with(|| self.searches[i].matches(doc)))
    }

    /// The `eventName`s (lowercase; Sigma compares without case) one of which every match
    /// requires, when the condition pins them; `None` when a match may have any action.
    pub fn required_actions(&self) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for alternative in self.condition.alternatives() {
            let mut required = Vec::new();
            alternative.required(&mut required);
            let pinned = required.iter().find_map(|&i| self.searches[i].required(ACTION_FIELD))?;
            out.extend(pinned);
        }
        out.sort();
        out.dedup();
        Some(out)
    }

    /// The raw fields the detection reads, each once.
    pub fn fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for s in &self.searches {
            if let Search::Maps(maps) = s {
                for item in maps.iter().flatten() {
                    if !out.contains(&item.field) {
                        out.push(item.field.clone());
                    }
                }
            }
        }
        out
    }
}
