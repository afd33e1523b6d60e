//! Named cases for pipeline behaviour the Elastic pairs do not cover (no 8.9.0 ground truth exists
//! for them): each states what `default.yml` does and checks we do the same.

use serde_json::{Value, json};
use trailhound_engine::ecs::{MapOptions, Retain, to_ecs};

fn map(raw: Value) -> Value {
    to_ecs(&raw, &MapOptions::elastic_test(Retain::All))
}

fn at<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    doc.pointer(&format!("/{}", path.replace('.', "/")))
}

#[test]
fn federated_user_is_named_by_its_issuer_and_session_goes_to_related_user() {
    let doc = map(json!({
        "eventVersion": "1.08", "eventTime": "2024-01-01T00:00:00Z", "eventSource": "sts.amazonaws.com",
        "eventName": "GetCallerIdentity", "awsRegion": "us-east-1", "sourceIPAddress": "1.2.3.4",
        "userIdentity": {"type": "FederatedUser", "principalId": "123:bob", "arn": "arn:aws:sts::123:federated-user/bob",
            "accountId": "123", "sessionContext": {"sessionIssuer": {"type": "IAMUser", "userName": "alice", "arn": "arn:aws:iam::123:user/alice"}}},
        "recipientAccountId": "123"
    }));
    assert_eq!(at(&doc, "user.name"), Some(&json!("alice")));
    assert_eq!(at(&doc, "related.user"), Some(&json!(["bob", "123:bob", "alice"])));
    assert_eq!(at(&doc, "actor.entity.id"), Some(&json!(["arn:aws:sts::123:federated-user/bob"])));
    // FederatedUser is not in userIdentityTypes: classified by the ARN's resource type.
    assert_eq!(at(&doc, "user.entity.id"), Some(&json!(["arn:aws:sts::123:federated-user/bob"])));
    assert_eq!(at(&doc, "entity.target.id"), Some(&json!(["123"])));
    assert_eq!(at(&doc, "event.category"), Some(&json!(["authentication"])));
}

#[test]
fn add_values_stops_after_the_first_value_it_does_not_add() {
    // `addedAll = addedAll && addValue(...)`: once a value is null/empty/already present, the
    // following values of the same call are skipped.
    let doc = map(json!({
        "eventTime": "2024-01-01T00:00:00Z", "eventSource": "ec2.amazonaws.com", "eventName": "RunInstances",
        "responseElements": {"instancesSet": {"items": [{"vpcId": "vpc-1", "instanceId": "i-0123456789"}]}}
    }));
    // subnetId is absent, so vpcId and instanceId are not added to related.entity...
    assert_eq!(at(&doc, "related.entity"), None);
    // ...while related.hosts (a different script) still sees the instance.
    assert_eq!(at(&doc, "related.hosts"), Some(&json!(["i-0123456789"])));
}

#[test]
fn scalar_conversions() {
    let doc = map(json!({
        "eventTime": "2024-01-01T00:00:00.123456+02:00", "eventName": "X", "managementEvent": true, "readOnly": false,
        "tlsDetails": {"tlsVersion": "1.3"}, "sourceIPAddress": "AWS Internal", "errorMessage": "-",
        "requestParameters": {"a": 1.0, "b": 1e21, "c": [null, "", "x"], "d": {"e": "none"}}
    }));
    assert_eq!(at(&doc, "@timestamp"), Some(&json!("2023-12-31T22:00:00.123Z")));
    assert_eq!(at(&doc, "aws.cloudtrail.management_event"), Some(&json!("true")));
    assert_eq!(at(&doc, "aws.cloudtrail.read_only"), Some(&json!(false)));
    assert_eq!(at(&doc, "tls.version"), Some(&json!("1.3")));
    assert_eq!(at(&doc, "tls.version_protocol"), None);
    assert_eq!(at(&doc, "source.ip"), None);
    assert_eq!(at(&doc, "related.hosts"), None, "`AWS Internal` has a space");
    // "-" is removed before the outcome is decided.
    assert_eq!(at(&doc, "event.outcome"), Some(&json!("success")));
    assert_eq!(at(&doc, "aws.cloudtrail.request_parameters"), Some(&json!("{a=1.0, b=1.0E21, c=[x]}")));
}

#[test]
fn aws_service_actor_gets_service_fields_not_user_fields() {
    let doc = map(json!({
        "eventTime": "2024-01-01T00:00:00Z", "eventSource": "kms.amazonaws.com", "eventName": "Decrypt",
        "userIdentity": {"type": "AssumedRole", "principalId": "AROA:x", "arn": "arn:aws:sts::1:assumed-role/AWSServiceRoleForConfig/x",
            "sessionContext": {"sessionIssuer": {"userName": "AWSServiceRoleForConfig",
                "arn": "arn:aws:iam::1:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"}}}
    }));
    assert_eq!(at(&doc, "service.name"), Some(&json!("config.amazonaws.com")));
    assert_eq!(at(&doc, "user"), None);
    assert_eq!(at(&doc, "service.entity.id"), Some(&json!(["arn:aws:sts::1:assumed-role/AWSServiceRoleForConfig/x"])));
}

#[test]
fn a_script_type_error_becomes_a_pipeline_error_document() {
    let doc = map(json!({"eventTime": "2024-01-01T00:00:00Z", "eventName": "X", "userIdentity": {"arn": 5}}));
    assert_eq!(at(&doc, "event.kind"), Some(&json!("pipeline_error")));
    assert!(at(&doc, "error.message").is_some());
    assert_eq!(at(&doc, "event.action"), Some(&json!("X")));
}
