//! A hunt saved as a rule: an Elastic query rule (TOML, as Elastic's detection-rules repository
//! keeps rules) that alerts on what a KQL query found, to run in this tool or load in Kibana.

use toml::{Table, Value};

/// The rule file of a KQL `query`, named `name`, with the rule id `id`, made on `date`
/// (`YYYY/MM/DD`): a low-severity query rule over the AWS integration's CloudTrail index.
pub fn hunt_rule_file(query: &str, name: &str, id: &str, date: &str) -> String {
    let text = |s: &str| Value::String(s.to_string());
    let mut metadata = Table::new();
    metadata.insert("creation_date".into(), text(date));
    metadata.insert("maturity".into(), text("development"));
    metadata.insert("updated_date".into(), text(date));
    let mut rule = Table::new();
    rule.insert("author".into(), Value::Array(vec![text("Trailhound hunt")]));
    rule.insert("description".into(), text(&format!("Events found by a hunt in Trailhound, saved as a rule: {query}")));
    rule.insert("from".into(), text("now-6m"));
    rule.insert("index".into(), Value::Array(vec![text("logs-aws.cloudtrail-*")]));
    rule.insert("language".into(), text("kuery"));
    rule.insert("name".into(), text(name));
    rule.insert("risk_score".into(), Value::Integer(21));
    rule.insert("rule_id".into(), text(id));
    rule.insert("severity".into(), text("low"));
    rule.insert("tags".into(), Value::Array(vec![text("Domain: Cloud"), text("Data Source: AWS CloudTrail"), text("Hunt")]));
    rule.insert("type".into(), text("query"));
    rule.insert("query".into(), text(query));
    let mut file = Table::new();
    file.insert("metadata".into(), Value::Table(metadata));
    file.insert("rule".into(), Value::Table(rule));
    file.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_hunt_loads_as_the_query_rule_it_was() {
        // Quotes, backslashes and a line break survive as TOML escapes.
        let query = "aws.cloudtrail.user_identity.arn:\"arn:aws:iam::1:user/a\\\"b\" and\nevent.action:Get*";
        let text = hunt_rule_file(query, "Hunt: a's calls", "5d0c2f6e-0000-4000-8000-000000000001", "2026/12/03");
        let loaded = crate::rules::load_text("hunt.toml", &text);
        assert!(loaded.problems.is_empty(), "{:?}\n{text}", loaded.problems);
        let rule = &loaded.rules[0];
        assert_eq!(
            (rule.rule_id.as_str(), rule.name.as_str(), rule.query_text.as_str()),
            ("5d0c2f6e-0000-4000-8000-000000000001", "Hunt: a's calls", query)
        );
        assert_eq!(rule.rule_type(), crate::rules::RuleType::Query);
        let hunted = crate::rules::Rule::hunt(crate::kql::Query::parse(query).expect("parses"));
        assert!(matches!(&rule.filter, crate::rules::Filter::Kql(q) if Some(q) == hunted.filter.kql()), "the same query");
    }
}
