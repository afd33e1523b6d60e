//! Synthetic rules in Elastic's TOML format, shaped like Elastic's prebuilt CloudTrail rules
//! (dataset, provider, a list of actions, an outcome, and now and then an identity, a user-agent
//! wildcard or a negation), so that a benchmark can load fifty rules as a real deployment would;
//! and the same shapes as Sigma rules on the raw record, by the hundred, as Sigma rule sets come.

/// Query shapes, filled in with a provider and actions.
const SHAPES: &[&str] = &[
    "event.dataset:aws.cloudtrail and event.provider:{p} and event.action:({a}) and event.outcome:success",
    "event.dataset:aws.cloudtrail and event.provider:{p} and event.action:({a})",
    "event.dataset:aws.cloudtrail and event.provider:{p} and event.action:({a}) and aws.cloudtrail.user_identity.type:Root",
    "event.dataset:aws.cloudtrail and event.provider:{p} and event.action:({a}) and not user_agent.original:*terraform*",
    "event.dataset:aws.cloudtrail and event.provider:{p} and event.action:({a}) and event.outcome:failure and source.ip:*",
];

/// Providers and actions the rules watch: sensitive calls that an ordinary day does not make (the
/// corpus has none of them), so that, as with a real rule set, the rules are loaded and checked on
/// every record but alert rarely; the seed rule's ~1% stays the alert load.
const WATCHED: &[(&str, &[&str])] = &[
    ("iam.amazonaws.com", &["CreateLoginProfile", "CreateUser", "AttachUserPolicy", "PutUserPolicy", "DeleteRolePolicy"]),
    ("cloudtrail.amazonaws.com", &["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]),
    (
        "ec2.amazonaws.com",
        &["DisableEbsEncryptionByDefault", "ModifyInstanceAttribute", "CreateKeyPair", "ImportKeyPair", "DeleteFlowLogs"],
    ),
    ("kms.amazonaws.com", &["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy"]),
    ("sts.amazonaws.com", &["GetSessionToken", "GetFederationToken", "AssumeRoleWithSAML"]),
    ("s3.amazonaws.com", &["PutBucketAcl", "PutBucketLogging", "DeleteBucket", "PutBucketVersioning"]),
    ("guardduty.amazonaws.com", &["DeleteDetector", "UpdateDetector", "DeleteMembers"]),
    ("signin.amazonaws.com", &["PasswordRecoveryRequested", "SwitchRole"]),
    ("lambda.amazonaws.com", &["UpdateFunctionCode20150331v2", "AddPermission20150331v2", "CreateFunction20150331"]),
    ("secretsmanager.amazonaws.com", &["DeleteSecret", "PutResourcePolicy", "RotateSecret"]),
    ("logs.amazonaws.com", &["DeleteLogGroup", "DeleteLogStream", "PutRetentionPolicy"]),
];

/// `n` rules as TOML files `(file name, text)`; the same `n` gives the same rules.
pub fn synthetic_rules(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let (provider, actions) = WATCHED[i % WATCHED.len()];
            let shape = SHAPES[(i / WATCHED.len()) % SHAPES.len()];
            // Each rule watches a rotating window of its provider's actions.
            let take = 1 + i % actions.len();
            let chosen: Vec<&str> = actions.iter().cycle().skip(i % actions.len()).take(take).copied().collect();
            let query = shape.replace("{p}", provider).replace("{a}", &chosen.join(" or "));
            let id = format!("00000000-0000-4000-8000-{i:012}");
            (format!("synthetic_{i:02}.toml", i = i), rule_toml(i, &id, &query))
        })
        .collect()
}

/// Sigma detections of the same shapes: `{p}` the provider, `{a}` the actions as a YAML list.
const SIGMA_SHAPES: &[&str] = &[
    "  selection:\n    eventSource: {p}\n    eventName: [{a}]\n  failed:\n    errorCode|exists: true\n  condition: selection and not failed\n",
    "  selection:\n    eventSource: {p}\n    eventName: [{a}]\n  condition: selection\n",
    "  selection:\n    eventSource: {p}\n    eventName: [{a}]\n    userIdentity.type: Root\n  condition: selection\n",
    "  selection:\n    eventSource: {p}\n    eventName: [{a}]\n  terraform:\n    userAgent|contains: terraform\n  condition: selection and not terraform\n",
    "  selection:\n    eventSource: {p}\n    eventName: [{a}]\n    errorCode|exists: true\n    sourceIPAddress|exists: true\n  condition: selection\n",
];

/// `n` Sigma rules for CloudTrail as YAML files `(file name, text)`; the same `n` gives the same rules.
pub fn synthetic_sigma_rules(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let (provider, actions) = WATCHED[i % WATCHED.len()];
            let shape = SIGMA_SHAPES[(i / WATCHED.len()) % SIGMA_SHAPES.len()];
            let take = 1 + i % actions.len();
            let chosen: Vec<&str> = actions.iter().cycle().skip(i % actions.len()).take(take).copied().collect();
            let detection = shape.replace("{p}", provider).replace("{a}", &chosen.join(", "));
            let text = format!(
                "title: Synthetic Sigma rule {i:03}\nid: 00000000-0000-4000-9000-{i:012}\nstatus: test\ndescription: Synthetic benchmark rule {i}.\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n{detection}level: medium\ntags:\n  - attack.defense_evasion\n"
            );
            (format!("synthetic_{i:03}.yml"), text)
        })
        .collect()
}

fn rule_toml(i: usize, id: &str, query: &str) -> String {
    format!(
        r#"[metadata]
creation_date = "2026/11/30"
maturity = "production"
updated_date = "2026/11/30"

[rule]
author = ["Trailhound benchmarks"]
description = "Synthetic benchmark rule {i}."
from = "now-60m"
index = ["logs-aws.cloudtrail-*"]
interval = "10m"
language = "kuery"
license = "Apache-2.0"
max_signals = 100
name = "Synthetic rule {i:02}"
risk_score = 47
rule_id = "{id}"
severity = "medium"
type = "query"
version = 1
query = '''
{query}
'''
"#
    )
}
