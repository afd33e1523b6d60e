//! `userIdentity` → `user.*`, `service.name`, `cloud.account.id` and `aws.cloudtrail.user_identity.*`:
//! AWS-service actors get no `user.*`; assumed roles are named by their role; the session name goes
//! to `related.user` (and `user.email` when it is an address).
//!
//! Depends on [`crate::ecs::ctx`] and [`crate::ecs::date`].

use crate::ecs::ctx::{Ctx, Fail, Step, eq_str};
use serde_json::Value;

/// The identity processors, from the `userIdentity.type` rename to `signInSessionArn`.
pub fn run(c: &mut Ctx) -> Step {
    c.rename("json.userIdentity.type", "aws.cloudtrail.user_identity.type", "rename_user_identity_type_122d0a3c")?;
    if c.get("json.userIdentity").is_some() {
        let step = service_actor(c);
        c.handled(step);
    }
    c.copy("service.name", "_tmp.service_name", "set_service_name_aws_service_actor_1408990a")?;
    let human = c.get("_tmp.service_name").is_none();
    if human {
        c.rename("json.userIdentity.userName", "user.name", "rename_user_identity_user_name_iam_user_c30a296d")?;
        c.rename("json.userIdentity.principalId", "user.id", "rename_user_identity_principal_id_1f790b6f")?;
    }
    c.rename("json.userIdentity.arn", "aws.cloudtrail.user_identity.arn", "rename_arn")?;
    if c.get("cloud.account.id").is_none() {
        c.rename("json.userIdentity.accountId", "cloud.account.id", "rename_account_id")?;
    }
    c.rename("json.userIdentity.accessKeyId", "aws.cloudtrail.user_identity.access_key_id", "rename_access_key_id")?;
    c.rename(
        "json.userIdentity.sessionContext.attributes.mfaAuthenticated",
        "aws.cloudtrail.user_identity.session_context.mfa_authenticated",
        "rename_mfa",
    )?;
    let created = "json.userIdentity.sessionContext.attributes.creationDate";
    date(
        c,
        created,
        "aws.cloudtrail.user_identity.session_context.creation_date",
        true,
        "date_json_userIdentity_sessionContext_attributes_creationDate_to_aws_cloudtrail_user_identity_session_context_creation_date_7cf57f10",
    );
    c.rename(
        "json.userIdentity.sessionContext.sessionIssuer.type",
        "aws.cloudtrail.user_identity.session_context.session_issuer.type",
        "rename_issuer_type",
    )?;
    let kind = c.get("aws.cloudtrail.user_identity.type").cloned();
    let role_like = eq_str(kind.as_ref(), "AssumedRole") || eq_str(kind.as_ref(), "FederatedUser");
    if role_like && human {
        c.rename_override(
            "json.userIdentity.sessionContext.sessionIssuer.userName",
            "user.name",
            "rename_user_name_assumed_role_b771e356",
        )?;
    }
    c.rename(
        "json.userIdentity.sessionContext.sessionIssuer.principalId",
        "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id",
        "rename_issuer_principal_id",
    )?;
    session_name(c, kind.as_ref())?;
    c.copy("aws.cloudtrail.user_identity.on_behalf_of.user_id", "json.userIdentity.onBehalfOf.userId", "set_on_behalf_of")?;
    c.rename(
        "json.userIdentity.onBehalfOf.identityStoreArn",
        "aws.cloudtrail.user_identity.on_behalf_of.identity_store_arn",
        "rename_isa",
    )?;
    if eq_str(kind.as_ref(), "IdentityCenterUser") && c.get("user.id").is_none() {
        c.rename("json.userIdentity.onBehalfOf.userId", "user.id", "rename_user_id_identity_center_user_a2cfa5f2")?;
    }
    for (from, to) in [
        ("json.userIdentity.sessionContext.sessionIssuer.arn", "aws.cloudtrail.user_identity.session_context.session_issuer.arn"),
        (
            "json.userIdentity.sessionContext.sessionIssuer.accountId",
            "aws.cloudtrail.user_identity.session_context.session_issuer.account_id",
        ),
    ] {
        c.rename(from, to, "rename_issuer")?;
    }
    c.rename("json.sessionCredentialFromConsole", "aws.cloudtrail.session_credential_from_console", "rename_scfc")?;
    for (from, to) in [
        ("json.userIdentity.invokedBy", "aws.cloudtrail.user_identity.invoked_by"),
        ("json.userIdentity.invokedByDelegate.accountId", "aws.cloudtrail.user_identity.invoked_by_delegate.account_id"),
        ("json.userIdentity.credentialId", "aws.cloudtrail.user_identity.credential_id"),
        ("json.userIdentity.identityProvider", "aws.cloudtrail.user_identity.identity_provider"),
        ("json.userIdentity.inScopeOf.issuerType", "aws.cloudtrail.user_identity.in_scope_of.issuer_type"),
        ("json.userIdentity.inScopeOf.credentialsIssuedTo", "aws.cloudtrail.user_identity.in_scope_of.credentials_issued_to"),
        ("json.userIdentity.inScopeOf.sourceArn", "aws.cloudtrail.user_identity.in_scope_of.source_arn"),
        ("json.userIdentity.inScopeOf.sourceAccount", "aws.cloudtrail.user_identity.in_scope_of.source_account"),
        ("json.userIdentity.sessionContext.ec2RoleDelivery", "aws.cloudtrail.user_identity.session_context.ec2_role_delivery"),
        ("json.userIdentity.sessionContext.sourceIdentity", "aws.cloudtrail.user_identity.session_context.source_identity"),
        (
            "json.userIdentity.sessionContext.webIdFederationData.federatedProvider",
            "aws.cloudtrail.user_identity.session_context.web_id_federation_data.federated_provider",
        ),
        (
            "json.userIdentity.sessionContext.webIdFederationData.attributes",
            "aws.cloudtrail.user_identity.session_context.web_id_federation_data.attributes",
        ),
        ("json.userIdentity.sessionContext.assumedRoot", "aws.cloudtrail.user_identity.session_context.assumed_root"),
        ("json.userIdentity.sessionContext.signInSessionArn", "aws.cloudtrail.user_identity.session_context.sign_in_session_arn"),
    ] {
        c.rename(from, to, "rename_user_identity")?;
    }
    Ok(())
}

/// A `date` processor with the pipeline's usual `on_failure` (drop the source, record the error).
pub fn date(c: &mut Ctx, from: &str, to: &str, basic: bool, tag: &'static str) {
    let value = match c.get(from) {
        None => return,
        Some(Value::String(s)) if s.is_empty() => return,
        Some(v) => v.clone(),
    };
    let parsed = match &value {
        Value::String(s) => crate::ecs::date::to_timestamp(s, basic),
        _ => None,
    };
    let result = match parsed {
        Some(ts) => c.set(to, Value::String(ts), tag).map_err(|f| Fail { kind: "date", ..f }),
        None => Err(Fail::new("date", tag, format!("unable to parse date [{}]", crate::ecs::javamap::to_java_string(&value)))),
    };
    if let Err(f) = result {
        c.remove(from);
        c.record(&f);
    }
}

const SERVICE_TAG: &str = "script_aws_service_actor_93211d93";

/// The service an assumed role's session acts for, when its issuer is a service-linked role
/// (`…:role/aws-service-role/<service>/…`): the call's `invokedBy`, else the service the role's
/// path names (the service-actor script's rule, shared with the fast `user.name`).
pub(crate) fn service_linked<'a>(issuer_arn: &'a str, invoked_by: Option<&'a str>) -> Option<&'a str> {
    const MARKER: &str = ":role/aws-service-role/";
    let rest = &issuer_arn[issuer_arn.find(MARKER)? + MARKER.len()..];
    invoked_by.or_else(|| rest.find('/').filter(|&i| i > 0).map(|i| &rest[..i]))
}

fn service_actor(c: &mut Ctx) -> Step {
    let cast = |v: Option<&Value>| -> Result<Option<String>, Fail> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(o) => Err(Fail::new(
                "script",
                SERVICE_TAG,
                format!("class_cast_exception: Cannot cast {} to java.lang.String", crate::ecs::path::java_type(o)),
            )),
        }
    };
    let identity = c.get("json.userIdentity").unwrap_or(&Value::Null);
    let kind = cast(c.nav("aws.cloudtrail.user_identity.type", SERVICE_TAG)?)?;
    let member = |key: &str| -> Result<Option<&Value>, Fail> {
        match identity {
            Value::Object(m) => Ok(m.get(key)),
            o => Err(Fail::new("script", SERVICE_TAG, format!("dynamic getter [{}, {key}] not found", crate::ecs::path::java_type(o)))),
        }
    };
    let invoked_by = cast(member("invokedBy")?)?;
    let mut service = None;
    if kind.as_deref() == Some("AWSService") {
        service = invoked_by;
    } else if kind.as_deref() == Some("AssumedRole") {
        let issuer = match member("sessionContext")? {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => m.get("sessionIssuer"),
            Some(o) => {
                return Err(Fail::new(
                    "script",
                    SERVICE_TAG,
                    format!("dynamic getter [{}, sessionIssuer] not found", crate::ecs::path::java_type(o)),
                ));
            }
        };
        let arn = match issuer {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => cast(m.get("arn"))?,
            Some(o) => {
                return Err(Fail::new(
                    "script",
                    SERVICE_TAG,
                    format!("dynamic getter [{}, arn] not found", crate::ecs::path::java_type(o)),
                ));
            }
        };
        if let Some(linked) = arn.as_deref().and_then(|arn| service_linked(arn, invoked_by.as_deref())) {
            service = Some(linked.to_string());
        }
    }
    if let Some(s) = service.filter(|s| !s.is_empty()) {
        c.set("_tmp.service_name", Value::String(s), SERVICE_TAG).map_err(|f| Fail { kind: "script", ..f })?;
    }
    Ok(())
}

/// Session name of an assumed-role/federated/Identity Center ARN → `related.user` (+ e-mail prefix).
fn session_name(c: &mut Ctx, kind: Option<&Value>) -> Step {
    let tag = "extract_session_name_from_arn";
    let typed = ["AssumedRole", "FederatedUser", "IdentityCenterUser"].iter().any(|t| eq_str(kind, t));
    if typed {
        match c.get("aws.cloudtrail.user_identity.arn") {
            None => {}
            Some(Value::String(arn)) if arn.contains(":sts:") && arn.contains('/') => match grok_session(arn) {
                Some(name) => c.set("_tmp.session_name", Value::String(name), tag)?,
                None => c.record(&Fail::new("grok", tag, "Provided Grok expressions do not match field value")),
            },
            Some(Value::String(_)) => {}
            Some(o) => {
                return Err(Fail::new("grok", tag, format!("dynamic method [{}, contains/1] not found", crate::ecs::path::java_type(o))));
            }
        }
    }
    if c.get("_tmp.session_name").is_some() {
        c.append_render("related.user", "_tmp.session_name", "append_related_user_session_name_ad00fb8e")?;
        if let Some(name) = c.get_str("_tmp.session_name").map(str::to_string)
            && let Some((prefix, _)) = name.split_once('@')
        {
            c.set("_tmp.session_name_prefix", Value::String(prefix.to_string()), "extract_session_name_email_prefix_453956b3")?;
        }
    }
    if c.get("_tmp.session_name_prefix").is_some() {
        c.append_render("related.user", "_tmp.session_name_prefix", "append_related_user_session_name_prefix_b21bdeb0")?;
        if c.get("user.email").is_none() {
            c.copy("user.email", "_tmp.session_name", "set_user_email_from_session_name_39bbd1e6")?;
        }
    }
    Ok(())
}

/// `^arn:[a-z0-9-]+:sts:.*/%{GREEDYDATA:session}$` (`.` never matches a line break).
fn grok_session(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(':')?;
    if partition.is_empty() || !partition.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return None;
    }
    let rest = rest.strip_prefix("sts:")?;
    if rest.contains(['\n', '\r']) {
        return None;
    }
    let slash = rest.rfind('/')?;
    Some(rest[slash + 1..].to_string())
}

/// `user.email` from an e-mail `user.name`, then the `related.user` appends.
pub fn user_fields(c: &mut Ctx) -> Step {
    let tag = "set_user_email_d6b77481";
    if c.get("user.email").is_none() {
        match c.get("user.name") {
            None => {}
            Some(Value::String(name)) if name.find('@').is_some_and(|i| i > 0) => {
                c.copy("user.email", "user.name", tag)?;
            }
            Some(Value::String(_)) => {}
            Some(o) => {
                return Err(Fail::new("set", tag, format!("dynamic method [{}, indexOf/1] not found", crate::ecs::path::java_type(o))));
            }
        }
    }
    for (path, tag) in [
        ("user.id", "append_related_user_3b2f7fde"),
        ("user.name", "append_related_user_3b423052"),
        ("user.changes.name", "append_related_user_25fd8c1b"),
        ("aws.cloudtrail.user_identity.on_behalf_of.user_id", "append_related_user_on_behalf_of_user_id"),
    ] {
        if c.get(path).is_some() {
            c.append_render("related.user", path, tag)?;
        }
    }
    Ok(())
}
