//! Which rules can match a record, told from its `event.action` before any rule is evaluated.
//!
//! Most CloudTrail rules name the API calls they watch (KQL `event.action:(A or B)`, EQL
//! `event.action == "A"`, `in (...)` or `: "a"` under an `and`): such a rule can only match a
//! record whose action is one of them. The index maps each named action to the rules that require
//! it, so a record is checked against its candidates only; rules that name no action are always
//! checked. Only plain string literals are indexed (no wildcard, no date-like text, which KQL would
//! match other than by equality); EQL's case-insensitive forms are indexed by their lowercase, so
//! the index never drops a rule that could match. An EQL sequence is indexed when each of its
//! steps (and `until`) names actions: a record doing none of them is nothing to it. A Sigma rule is
//! indexed by the `eventName`s its condition pins (compared without case, as Sigma compares).
//!
//! Depends on the KQL and EQL syntax trees and KQL's value semantics.

use crate::eql::ast::{CmpOp, Expr, Literal, QueryAst};
use crate::kql::ast::{Node, Term};
use crate::kql::value::Expect;
use crate::rules::{Filter, Rule};
use std::collections::{BTreeSet, HashMap};

/// The field the index is built on.
pub const INDEXED_FIELD: &str = "event.action";

/// Rules by the actions they require.
#[derive(Debug, Default)]
pub struct RuleIndex {
    by_action: HashMap<String, Vec<usize>>,
    /// Rules that require an action compared without case, by its lowercase.
    by_lowercase: HashMap<String, Vec<usize>>,
    /// Rules that require no particular action, in order.
    always: Vec<usize>,
}

/// The calls a set of rules watch for: each action some rule requires, exactly or compared
/// without case, as [`RuleIndex::names`] tells them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Watched {
    exact: std::collections::HashSet<String>,
    lowercase: std::collections::HashSet<String>,
}

impl Watched {
    pub fn watches(&self, action: &str) -> bool {
        self.exact.contains(action) || (!self.lowercase.is_empty() && self.lowercase.contains(&action.to_lowercase()))
    }
}

/// The actions a condition requires (one of): exactly, or compared without case (lowercase).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Actions {
    exact: BTreeSet<String>,
    lowercase: BTreeSet<String>,
}

impl Actions {
    fn len(&self) -> usize {
        self.exact.len() + self.lowercase.len()
    }
}

/// The union of every part, as an `or` (or a sequence's steps) requires one of them.
impl FromIterator<Actions> for Actions {
    fn from_iter<I: IntoIterator<Item = Actions>>(parts: I) -> Actions {
        let mut all = Actions::default();
        for part in parts {
            all.exact.extend(part.exact);
            all.lowercase.extend(part.lowercase);
        }
        all
    }
}

impl RuleIndex {
    pub fn new(rules: &[Rule]) -> RuleIndex {
        let mut index = RuleIndex::default();
        for (i, rule) in rules.iter().enumerate() {
            let actions = match &rule.filter {
                Filter::Kql(query) => required(query.ast()).map(|exact| Actions { exact, ..Actions::default() }),
                Filter::Eql(query) => required_eql(query.ast()),
                // Sigma compares without case: by the lowercase `eventName`s it pins.
                Filter::Sigma(matcher) => {
                    matcher.required_actions().map(|lowercase| Actions { lowercase: lowercase.into_iter().collect(), ..Actions::default() })
                }
            };
            match actions {
                Some(actions) => {
                    actions.exact.into_iter().for_each(|a| index.by_action.entry(a).or_default().push(i));
                    actions.lowercase.into_iter().for_each(|a| index.by_lowercase.entry(a).or_default().push(i));
                }
                None => index.always.push(i),
            }
        }
        index
    }

    /// The actions the rules require, kept apart from the rules (see [`Watched`]).
    pub fn watched(&self) -> Watched {
        Watched { exact: self.by_action.keys().cloned().collect(), lowercase: self.by_lowercase.keys().cloned().collect() }
    }

    /// Whether some rule requires `action` (exactly, or compared without case): a call the
    /// loaded rules watch for.
    pub fn names(&self, action: &str) -> bool {
        self.by_action.contains_key(action) || (!self.by_lowercase.is_empty() && self.by_lowercase.contains_key(&action.to_lowercase()))
    }

    /// Calls `f` with each rule that may match a record whose action is `action` (`None`: the
    /// record has none), in rule order.
    pub fn for_each_candidate(&self, action: Option<&str>, mut f: impl FnMut(usize)) {
        let folded = action.filter(|_| !self.by_lowercase.is_empty()).and_then(|a| self.by_lowercase.get(&a.to_lowercase()));
        if let Some(folded) = folded {
            // Rare: an EQL rule compares this action without case. Merge all three lists.
            let mut all: Vec<usize> = self.always.iter().chain(folded).copied().collect();
            all.extend(action.and_then(|a| self.by_action.get(a)).into_iter().flatten());
            all.sort_unstable();
            all.dedup();
            return all.into_iter().for_each(f);
        }
        let named = action.and_then(|a| self.by_action.get(a)).map_or(&[][..], Vec::as_slice);
        let (mut a, mut b) = (self.always.iter().peekable(), named.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(&&x), Some(&&y)) if x <= y => a.next(),
                (_, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => return,
            };
            if let Some(&i) = next {
                f(i);
            }
        }
    }
}

/// The actions an EQL query requires (one of), when it says so; for a sequence, those of all its
/// steps and `until` together, when each of them says so.
fn required_eql(ast: &QueryAst) -> Option<Actions> {
    match ast {
        QueryAst::Event(query) => required_expr(&query.condition),
        QueryAst::Sequence(sequence) => {
            sequence.steps.iter().chain(&sequence.until).map(|step| required_expr(&step.query.condition)).collect()
        }
    }
}

/// The actions an EQL condition requires (one of), when it says so.
fn required_expr(expr: &Expr) -> Option<Actions> {
    let is_action = |e: &Expr| matches!(e, Expr::Field(f) if f.name == INDEXED_FIELD);
    let text = |c: &crate::eql::ast::Constant| match &c.value {
        Literal::Str(s) => Some(s.clone()),
        _ => None,
    };
    match expr {
        Expr::And(children) => children.iter().filter_map(required_expr).min_by_key(Actions::len),
        Expr::Or(children) => children.iter().map(required_expr).collect(),
        Expr::Compare { op: CmpOp::Eq, left, right } if is_action(left) => match right.as_ref() {
            Expr::Const(c) => text(c).map(|a| Actions { exact: BTreeSet::from([a]), ..Actions::default() }),
            _ => None,
        },
        Expr::In { left, values, insensitive } if is_action(left) => {
            let values: Option<BTreeSet<String>> = values.iter().map(text).collect();
            let values = values?;
            Some(if *insensitive {
                if !values.iter().all(|v| v.is_ascii()) {
                    return None;
                }
                Actions { lowercase: values.iter().map(|v| v.to_ascii_lowercase()).collect(), ..Actions::default() }
            } else {
                Actions { exact: values, ..Actions::default() }
            })
        }
        // `:` compares without case; a pattern with a wildcard is not a plain value, nor one with an
        // escape or a letter beyond ASCII (whose folding the matcher does its own way).
        Expr::Seq { left, patterns } if is_action(left) => {
            let plain = |t: &String| t.is_ascii() && !t.contains(['*', '?', '\\']);
            let values: Option<BTreeSet<String>> = patterns.iter().map(|p| text(p).filter(plain).map(|t| t.to_ascii_lowercase())).collect();
            Some(Actions { lowercase: values?, ..Actions::default() })
        }
        _ => None,
    }
}

/// The actions a query requires (one of), when it says so.
fn required(node: &Node) -> Option<BTreeSet<String>> {
    match node {
        // Any conjunct that requires actions is enough.
        Node::And(children) => children.iter().filter_map(required).min_by_key(BTreeSet::len),
        // Every branch must require some; the query requires any of them.
        Node::Or(children) => children.iter().map(required).try_fold(BTreeSet::new(), |mut all, one| {
            all.extend(one?);
            Some(all)
        }),
        Node::Is { field: Some(Term::Literal { value: field, .. }), value: value @ Term::Literal { value: text, .. } }
            if field == INDEXED_FIELD =>
        {
            // A date-like literal also matches dates in its span, not only its own text.
            (Expect::new(value).date.is_none()).then(|| BTreeSet::from([text.clone()]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::Query;

    fn actions(query: &str) -> Option<Vec<String>> {
        required(Query::parse(query).expect("a valid query").ast()).map(|s| s.into_iter().collect())
    }

    #[test]
    fn what_a_query_requires() {
        let seed = "event.dataset:aws.cloudtrail and event.provider:s3.amazonaws.com and \
                    event.action:(DeleteBucketPolicy or DeleteBucketCors) and event.outcome:success";
        assert_eq!(actions(seed), Some(vec!["DeleteBucketCors".into(), "DeleteBucketPolicy".into()]));
        assert_eq!(actions("event.action:A or (event.action:B and user.name:x)"), Some(vec!["A".into(), "B".into()]));
        assert_eq!(actions("event.action:\"Quoted\""), Some(vec!["Quoted".into()]));
        // Not indexed: a branch without an action, negation, wildcards, other fields, dates.
        for query in [
            "event.action:A or user.name:x",
            "not event.action:A",
            "event.action:Delete*",
            "event.provider:s3.amazonaws.com",
            "event.action:2024-01-01",
            "*:A",
            "event.action:*",
        ] {
            assert_eq!(actions(query), None, "{query}");
        }
    }

    /// The calls a set of rules watch for, kept apart from them, are told as the index tells them:
    /// exactly, and without case where an EQL rule compares so.
    #[test]
    fn watched_calls_are_those_the_index_names() {
        let kql = Rule::hunt(Query::parse("event.action:(DeleteBucketPolicy or PutBucketAcl)").unwrap());
        let eql = crate::eql::Query::parse(r#"any where event.action : "StopLogging""#).unwrap();
        let eql = Rule { filter: Filter::Eql(eql), ..Rule::hunt(Query::parse("x").unwrap()) };
        let index = RuleIndex::new(&[kql, eql]);
        let watched = index.watched();
        for action in ["DeleteBucketPolicy", "PutBucketAcl", "StopLogging", "stoplogging", "deletebucketpolicy", "GetObject", ""] {
            assert_eq!(watched.watches(action), index.names(action), "{action}");
        }
        assert!(watched.watches("STOPLOGGING") && !watched.watches("deletebucketpolicy"));
    }

    fn eql_actions(query: &str) -> Option<(Vec<String>, Vec<String>)> {
        let query = crate::eql::Query::parse(query).expect("a valid EQL query");
        required_eql(query.ast()).map(|a| (a.exact.into_iter().collect(), a.lowercase.into_iter().collect()))
    }

    #[test]
    fn what_an_eql_query_requires() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(eql_actions(r#"any where event.dataset == "aws.cloudtrail" and event.action == "A""#), Some((v(&["A"]), v(&[]))));
        assert_eq!(eql_actions(r#"any where event.action in ("A", "B")"#), Some((v(&["A", "B"]), v(&[]))));
        assert_eq!(eql_actions(r#"any where event.action in~ ("Aa", "B")"#), Some((v(&[]), v(&["aa", "b"]))));
        assert_eq!(eql_actions(r#"any where event.action : ("InvokeModel", "Converse")"#), Some((v(&[]), v(&["converse", "invokemodel"]))));
        assert_eq!(eql_actions(r#"any where event.action == "A" or event.action : "b""#), Some((v(&["A"]), v(&["b"]))));
        assert_eq!(
            eql_actions(r#"sequence by user.name [any where event.action == "A"] [any where event.action == "B"]"#),
            Some((v(&["A", "B"]), v(&[])))
        );
        for query in [
            r#"any where event.action : "Delete*""#,
            r#"any where event.action != "A""#,
            r#"any where not event.action == "A""#,
            r#"any where event.action like "A""#,
            r#"any where event.action == "A" or user.name == "x""#,
            r#"any where startsWith(event.action, "A")"#,
            r#"any where event.action : "Get\\Object""#,
            r#"any where event.action : "ΑΣ""#,
            r#"any where event.action in~ ("É")"#,
            r#"sequence [any where event.action == "A"] [any where true]"#,
            r#"sequence [any where event.action == "A"] [any where event.action == "B"] until [any where true]"#,
        ] {
            assert_eq!(eql_actions(query), None, "{query}");
        }
    }

    /// The rules `index` gives a record doing `action`, in the order given.
    fn candidates(index: &RuleIndex, action: Option<&str>) -> Vec<usize> {
        let mut out = Vec::new();
        index.for_each_candidate(action, |i| out.push(i));
        out
    }

    #[test]
    fn a_rule_that_compares_without_case_is_a_candidate_for_any_case() {
        let index = RuleIndex {
            by_action: HashMap::from([("A".to_string(), vec![1])]),
            by_lowercase: HashMap::from([("a".to_string(), vec![2, 4])]),
            always: vec![0, 3],
        };
        let run = |action| candidates(&index, action);
        assert_eq!(run(Some("A")), vec![0, 1, 2, 3, 4]);
        assert_eq!(run(Some("a")), vec![0, 2, 3, 4]);
        assert_eq!(run(Some("B")), vec![0, 3]);
    }

    #[test]
    fn candidates_come_in_rule_order() {
        let index = RuleIndex {
            by_action: HashMap::from([("A".to_string(), vec![1, 4]), ("B".to_string(), vec![2])]),
            by_lowercase: HashMap::new(),
            always: vec![0, 3, 5],
        };
        let run = |action| candidates(&index, action);
        assert_eq!(run(Some("A")), vec![0, 1, 3, 4, 5]);
        assert_eq!(run(Some("B")), vec![0, 2, 3, 5]);
        assert_eq!(run(Some("C")), vec![0, 3, 5]);
        assert_eq!(run(None), vec![0, 3, 5]);
    }
}
