//! Rules search a record as Elasticsearch indexes it: a keyword value over its field's
//! `ignore_above` (8191 for `aws.cloudtrail.request_parameters`, 1024 for other keyword fields) is
//! not found by a query, though the alert's document still shows it whole.

use serde_json::json;
use trailhound_engine::alert::Alert;
use trailhound_engine::rules::{RuleSet, load_text};
use trailhound_engine::scan::{IdKey, Scanner};
use trailhound_testkit::Serial;

fn alerts(query: &str, record: serde_json::Value) -> Vec<Alert> {
    let text = format!(
        "[rule]\nrule_id = \"r\"\nname = \"R\"\nseverity = \"low\"\nrisk_score = 1\ndescription = \"\"\ntype = \"query\"\nquery = '{query}'\n"
    );
    let mut set = RuleSet::default();
    set.add(load_text("r.toml", &text));
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let mut serial = Serial::new(Scanner::new(set.rules).with_id_key(IdKey(1, 2)));
    let mut out = Vec::new();
    serial.scan_file("a.json", json!({ "Records": [record] }).to_string().as_bytes(), &mut out);
    out
}

fn record(name: &str, policy: &str) -> serde_json::Value {
    json!({
        "eventVersion": "1.08", "eventTime": "2024-05-01T10:00:00Z", "eventName": "PutUserPolicy",
        "eventSource": "iam.amazonaws.com", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.1", "eventID": "e1",
        "userIdentity": {"type": "IAMUser", "userName": name, "accountId": "111122223333"},
        "requestParameters": {"userName": name, "policyDocument": policy}
    })
}

#[test]
fn values_over_ignore_above_are_not_searchable() {
    let short = record("alice", "{}");
    let long_policy = record("alice", &"x".repeat(9000));
    let long_name = record(&"n".repeat(1025), "{}");
    assert_eq!(alerts("aws.cloudtrail.request_parameters:*", short.clone()).len(), 1);
    assert!(alerts("aws.cloudtrail.request_parameters:*", long_policy.clone()).is_empty(), "over 8191: not indexed");
    assert_eq!(alerts("aws.cloudtrail.flattened.request_parameters.policyDocument:*", long_policy).len(), 1, "flattened: no limit");
    assert!(alerts("user.name:*", long_name.clone()).is_empty(), "over 1024: not indexed");
    let found = alerts("event.action:PutUserPolicy", long_name);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].document["user"]["name"].as_str().map(str::len), Some(1025), "the alert shows the value whole");
}
