//! ECS categorization (`script_add_ecs_categorization`): `event.kind`, `event.outcome`, and the
//! fixed eventName → `event.category`/`event.type` table.
//!
//! Depends on [`crate::ecs::ctx`].

use crate::ecs::ctx::{Ctx, Fail, Step};
use serde_json::{Value, json};

const TAG: &str = "script_add_ecs_categorization";

/// (eventName, category, types)
const TABLE: &[(&str, &str, &[&str])] = &[
    ("AddUserToGroup", "iam", &["group", "change"]),
    ("AssumeRole", "authentication", &["info"]),
    ("AttachGroupPolicy", "iam", &["group", "change"]),
    ("AttachUserPolicy", "iam", &["user", "change"]),
    ("ChangePassword", "iam", &["user", "change"]),
    ("ConsoleLogin", "authentication", &["info"]),
    ("CreateAccessKey", "iam", &["user", "change"]),
    ("CreateBucket", "file", &["creation"]),
    ("CreateGroup", "iam", &["group", "creation"]),
    ("CreateKeyPair", "iam", &["admin", "creation"]),
    ("CreateUser", "iam", &["user", "creation"]),
    ("CreateVirtualMFADevice", "iam", &["user", "change"]),
    ("DeactivateMFADevice", "iam", &["user", "change"]),
    ("DeleteAccessKey", "iam", &["user", "change"]),
    ("DeleteBucket", "file", &["deletion"]),
    ("DeleteGroup", "iam", &["group", "deletion"]),
    ("DeleteGroupPolicy", "iam", &["group", "change"]),
    ("DeleteSSHPublicKey", "iam", &["user", "change"]),
    ("DeleteUser", "iam", &["user", "deletion"]),
    ("DeleteUserPermissionsBoundary", "iam", &["user", "change"]),
    ("DeleteUserPolicy", "iam", &["user", "change"]),
    ("DeleteVirtualMFADevice", "iam", &["user", "change"]),
    ("DetachGroupPolicy", "iam", &["group", "change"]),
    ("DetachUserPolicy", "iam", &["user", "change"]),
    ("EnableMFADevice", "iam", &["user", "change"]),
    ("GetGroup", "iam", &["group", "info"]),
    ("GetGroupPolicy", "iam", &["group", "info"]),
    ("GetUser", "iam", &["user", "info"]),
    ("GetUserPolicy", "iam", &["user", "info"]),
    ("ListAttachedGroupPolicies", "iam", &["group", "info"]),
    ("ListAttachedUserPolicies", "iam", &["user", "info"]),
    ("ListGroupPolicies", "iam", &["group", "info"]),
    ("ListGroups", "iam", &["group", "info"]),
    ("ListGroupsForUser", "iam", &["user", "info"]),
    ("ListUserPolicies", "iam", &["user", "info"]),
    ("ListUsers", "iam", &["user", "info"]),
    ("ListUserTags", "iam", &["user", "info"]),
    ("PutGroupPolicy", "iam", &["group", "change"]),
    ("PutUserPermissionsBoundary", "iam", &["user", "change"]),
    ("PutUserPolicy", "iam", &["user", "change"]),
    ("RemoveUserFromGroup", "iam", &["group", "change"]),
    ("SetDefaultPolicyVersion", "iam", &["admin", "change"]),
    ("SetSecurityTokenServicePreferences", "iam", &["admin", "change"]),
    ("TagUser", "iam", &["user", "change"]),
    ("UntagUser", "iam", &["user", "change"]),
    ("UpdateAccessKey", "iam", &["user", "change"]),
    ("UpdateAccountPasswordPolicy", "iam", &["admin", "change"]),
    ("UpdateGroup", "iam", &["group", "change"]),
    ("UpdateLoginProfile", "iam", &["user", "change"]),
    ("UpdateRole", "iam", &["admin", "change"]),
    ("UpdateSSHPublicKey", "iam", &["user", "change"]),
    ("UpdateUser", "iam", &["user", "change"]),
    ("GetCallerIdentity", "authentication", &["info"]),
    ("DescribeInstances", "host", &["info"]),
    ("DescribeSecurityGroups", "network", &["info"]),
    ("ListBuckets", "file", &["info"]),
    ("DescribeNetworkInterfaces", "network", &["info"]),
    ("DescribeRegions", "api", &["info"]),
    ("ListRoles", "iam", &["info"]),
    ("DescribeVpcs", "network", &["info"]),
    ("DescribeNetworkAcls", "network", &["info"]),
    ("DescribeLoadBalancers", "network", &["info"]),
    ("DescribeVolumes", "host", &["info"]),
    ("DescribeTrails", "configuration", &["info"]),
    ("ListFunctions", "package", &["info"]),
    ("ListTables", "database", &["info"]),
    ("ListInstanceAssociations", "host", &["info"]),
    ("DescribeDBInstances", "database", &["info"]),
    ("AuthorizeSecurityGroupIngress", "network", &["access"]),
    ("CreateTopic", "configuration", &["creation"]),
    ("Subscribe", "configuration", &["change"]),
    ("Publish", "api", &["info"]),
    ("SendCommand", "process", &["start"]),
    ("GetPolicy", "iam", &["info"]),
    ("CreatePolicy", "iam", &["creation"]),
    ("ListAttachedRolePolicies", "iam", &["info"]),
    ("AttachRolePolicy", "iam", &["change"]),
    ("Converse", "api", &["info"]),
    ("CreateDocument", "file", &["creation"]),
    ("StartSession", "session", &["start"]),
    ("CreateControlChannel", "session", &["start"]),
    ("OpenControlChannel", "session", &["start"]),
    ("CreateDataChannel", "session", &["start"]),
    ("OpenDataChannel", "session", &["start"]),
    ("TerminateSession", "session", &["end"]),
    ("ListObjects", "file", &["info"]),
    ("HeadObject", "file", &["info"]),
    ("GetObject", "file", &["info"]),
    ("PutObject", "file", &["change"]),
    ("DeleteTrail", "configuration", &["deletion"]),
    ("DeleteObject", "file", &["deletion"]),
];

/// `event.category` and `event.type` of an event name, if the table has it.
pub fn lookup(action: &str) -> Option<(&'static str, &'static [&'static str])> {
    TABLE.iter().find(|(n, _, _)| *n == action).map(|(_, c, t)| (*c, *t))
}

/// `event.outcome` as the script decides it from the raw record (ConsoleLogin override included).
pub fn outcome(raw: &serde_json::Map<String, Value>) -> Option<String> {
    let present = |k: &str| raw.get(k).is_some_and(|v| crate::ecs::clean::survives(v, crate::ecs::clean::Pass::First));
    let mut outcome = if present("errorCode") || present("errorMessage") { "failure" } else { "success" }.to_string();
    if raw.get("eventName").and_then(Value::as_str) == Some("ConsoleLogin")
        && let Some(Value::Object(re)) = raw.get("responseElements")
        && let Some(Value::String(s)) = re.get("ConsoleLogin")
        && !crate::ecs::clean::is_blank_str(s, crate::ecs::clean::Pass::First)
    {
        outcome = s.to_lowercase();
    }
    Some(outcome)
}

pub fn run(c: &mut Ctx) -> Step {
    c.set("event.kind", json!("event"), TAG).map_err(script)?;
    c.set("event.type", json!(["info"]), TAG).map_err(script)?;
    let failed = c.get("aws.cloudtrail.error_code").is_some() || c.get("aws.cloudtrail.error_message").is_some();
    c.set("event.outcome", json!(if failed { "failure" } else { "success" }), TAG).map_err(script)?;
    let Some(action) = c.get("event.action").cloned() else {
        return Ok(());
    };
    let action = crate::ecs::javamap::to_java_string(&action);
    if action == "ConsoleLogin"
        && let Some(v) = c.nav("json.responseElements.ConsoleLogin", TAG)?
    {
        let Value::String(s) = v else {
            return Err(Fail::new("script", TAG, "class_cast_exception: Cannot cast to java.lang.String"));
        };
        let lower = s.to_lowercase();
        c.set("event.outcome", Value::String(lower), TAG).map_err(script)?;
    }
    if let Some((category, types)) = lookup(&action) {
        c.set("event.category", json!([category]), TAG).map_err(script)?;
        c.set("event.type", json!(types), TAG).map_err(script)?;
    }
    Ok(())
}

fn script(f: Fail) -> Fail {
    Fail { kind: "script", ..f }
}
