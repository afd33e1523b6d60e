//! Which rules can match a record, told from its `event.action` before any rule is evaluated.
//!
//! Most CloudTrail rules name the API calls they watch (`event.action:(A or B)` under an `and`):
//! such a rule can only match a record whose action is one of them. The index maps each named
//! action to the rules that require it, so a record is checked against its candidates only; rules
//! that name no action are always checked. Only plain string literals are indexed (no wildcard,
//! no date-like text, which KQL would match other than by equality), so the index never drops a
//! rule that could match.
//!
//! Depends on the KQL syntax tree and value semantics.

use crate::kql::ast::{Node, Term};
use crate::kql::value::Expect;
use crate::rules::Rule;
use std::collections::{BTreeSet, HashMap};

/// The field the index is built on.
pub const INDEXED_FIELD: &str = "event.action";

/// Rules by the actions they require.
#[derive(Debug, Default)]
pub struct RuleIndex {
    by_action: HashMap<String, Vec<usize>>,
    /// Rules that require no particular action, in order.
    always: Vec<usize>,
}

impl RuleIndex {
    pub fn new(rules: &[Rule]) -> RuleIndex {
        let mut index = RuleIndex::default();
        for (i, rule) in rules.iter().enumerate() {
            match rule.filter.kql().and_then(|query| required(query.ast())) {
                Some(actions) => actions.into_iter().for_each(|a| index.by_action.entry(a).or_default().push(i)),
                None => index.always.push(i),
            }
        }
        index
    }

    /// Calls `f` with each rule that may match a record whose action is `action` (`None`: the
    /// record has none), in rule order.
    pub fn for_each_candidate(&self, action: Option<&str>, mut f: impl FnMut(usize)) {
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

    #[test]
    fn candidates_come_in_rule_order() {
        let index =
            RuleIndex { by_action: HashMap::from([("A".to_string(), vec![1, 4]), ("B".to_string(), vec![2])]), always: vec![0, 3, 5] };
        let run = |action| {
            let mut out = Vec::new();
            index.for_each_candidate(action, |i| out.push(i));
            out
        };
        assert_eq!(run(Some("A")), vec![0, 1, 3, 4, 5]);
        assert_eq!(run(Some("B")), vec![0, 2, 3, 5]);
        assert_eq!(run(Some("C")), vec![0, 3, 5]);
        assert_eq!(run(None), vec![0, 3, 5]);
    }
}
