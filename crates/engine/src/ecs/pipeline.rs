//! The processors of the `aws.cloudtrail` ingest pipeline (8.9.0) in their order, over a [`Ctx`],
//! with the pipeline-level `on_failure` (`event.kind: pipeline_error`).
//!
//! The stages live in their own modules; this file only sequences them and holds the one-line
//! renames of record-level fields.

use crate::ecs::clean::{Pass, clean_map};
use crate::ecs::ctx::{Ctx, Fail, Step};
use crate::ecs::identity::date;
use crate::ecs::{MapOptions, category, digest, entity, identity, network, payload};
use serde_json::{Map, Value, json};

/// Builds the document for one record; `original` is the `message` text (`event.original`).
pub fn run(raw: &Value, original: Option<String>, opts: &MapOptions) -> Value {
    let mut c = shipped(opts);
    // Without a `message`, the record is serialised only if the document keeps `event.original`
    // (most documents drop it): until then the field holds a placeholder that no step reads and
    // the null-removal passes keep, so the field keeps its place.
    let serialise = original.is_none();
    let original = original.map_or(Value::Bool(true), Value::String);
    let _ = c.set("event.original", original, "rename_message_to_event_original_b273fe21");
    if let Some(ts) = c.get("@timestamp").cloned() {
        let _ = c.set("event.created", ts, "set_event_created_3b69f632");
    }
    match steps(&mut c, raw, opts) {
        Ok(()) => {
            for p in ["json", "_conf", "_tmp"] {
                c.doc.shift_remove(p);
            }
            clean_map(&mut c.doc, Pass::Last);
            if c.get("error.message").is_some() {
                let _ = c.set("event.kind", json!("pipeline_error"), "set_pipeline_error_into_event_kind");
                let _ = c.append("tags", json!("preserve_original_event"), "append_preserve_original_event_into_tags");
            }
        }
        Err(fail) => {
            c.record(&fail);
            let _ = c.set("event.kind", json!("pipeline_error"), "set_pipeline_error_to_event_kind");
            let _ = c.append("tags", json!("preserve_original_event"), "append_preserve_original_event_to_tags");
            for p in ["json", "_conf", "_tmp"] {
                c.doc.shift_remove(p);
            }
        }
    }
    if !opts.preserve_original && c.get("error.message").is_none() {
        c.remove("event.original");
        if let Some(Value::Object(event)) = c.doc.get("event")
            && event.is_empty()
        {
            c.doc.shift_remove("event");
        }
    } else if serialise
        && let Some(Value::Object(event)) = c.doc.get_mut("event")
        && let Some(slot) = event.get_mut("original")
    {
        *slot = Value::String(serde_json::to_string(raw).unwrap_or_default());
    }
    if opts.data_stream {
        data_stream(&mut c);
    }
    Value::Object(c.doc)
}

/// The fields Elasticsearch holds for every document of the `logs-aws.cloudtrail-*` data stream.
fn data_stream(c: &mut Ctx) {
    for (p, v) in [
        ("data_stream.type", "logs"),
        ("data_stream.dataset", "aws.cloudtrail"),
        ("data_stream.namespace", "default"),
        ("event.dataset", "aws.cloudtrail"),
        ("event.module", "aws"),
    ] {
        let _ = c.set(p, json!(v), "data_stream");
    }
}

fn steps(c: &mut Ctx, raw: &Value, opts: &MapOptions) -> Step {
    c.set("json", raw.clone(), "json_event_original_to_json_5e54dc16")?;
    c.set("ecs.version", json!("8.11.0"), "set_ecs_version_0f7334bb")?;
    let tag = "date_json_eventTime_to_timestamp_e9417ba3";
    if !(raw.is_object() || raw.is_null()) {
        return Err(Fail::new("date", tag, format!("dynamic getter [{}, eventTime] not found", crate::ecs::path::java_type(raw))));
    }
    date(c, "json.eventTime", "@timestamp", false, tag);
    // First null-removal pass (not over `_conf`, which is not in our ctx).
    clean_map(&mut c.doc, Pass::First);
    let empty = Map::new();
    let raw_map = raw.as_object().unwrap_or(&empty);

    if opts.actor_target_mapping && c.get("json.eventName").is_some() {
        let mapped = entity::map(c.get("json").and_then(Value::as_object).unwrap_or(&empty));
        match mapped {
            Ok(fields) => {
                for (field, values) in fields {
                    let list = Value::Array(values);
                    c.set(field, list, "script_append_related_entity_31dc3369").map_err(|f| Fail { kind: "script", ..f })?;
                }
            }
            Err(message) => {
                let _ = c.append("tags", json!("preserve_original_event"), "append_tags_84976466");
                c.record(&Fail::new("script", "script_append_related_entity_31dc3369", message));
            }
        }
    }
    c.rename("json.eventVersion", "aws.cloudtrail.event_version", "rename_json_eventVersion_to_aws_cloudtrail_event_version_6f418145")?;
    identity::run(c)?;

    let tag = "dissect_json_eventSource_to_cloud_service_name_5d2b7c94";
    if c.get("cloud.service.name").is_none() {
        match c.get("json.eventSource") {
            None => {}
            Some(Value::String(s)) => {
                if let Some(i) = s.ends_with(".amazonaws.com").then(|| s.find(".amazonaws.com")).flatten() {
                    let name = s[..i].to_string();
                    c.set("cloud.service.name", Value::String(name), tag)?;
                }
            }
            Some(o) => {
                return Err(Fail::new(
                    "dissect",
                    tag,
                    format!("dynamic method [{}, endsWith/1] not found", crate::ecs::path::java_type(o)),
                ));
            }
        }
    }
    if c.get("event.provider").is_none() {
        c.rename("json.eventSource", "event.provider", "rename_json_eventSource_to_event_provider_4648c27c")?;
    }
    let action = crate::ecs::path::render(&c.doc, "json.eventName");
    if !action.is_empty() {
        c.set("event.action", Value::String(action), "set_event_action_c4f8aee8")?;
    }
    c.rename("json.eventCategory", "aws.cloudtrail.event_category", "rename_json_eventCategory_to_aws_cloudtrail_event_category_14bbb655")?;
    if c.get_str("event.action") == Some("UserAuthentication")
        && c.get("user.name").is_none()
        && c.nav("json.additionalEventData.UserName", "rename_additionalEventData_UserName_to_username_552c89e0")?.is_some()
    {
        c.rename("json.additionalEventData.UserName", "user.name", "rename_additionalEventData_UserName_to_username_552c89e0")?;
    }
    c.set("cloud.provider", json!("aws"), "set_cloud_provider_aws_8f31c0e6")?;
    c.copy("cloud.region", "json.awsRegion", "set_cloud_region_5d7559a1")?;
    network::source(c, opts)?;
    c.rename("json.errorCode", "aws.cloudtrail.error_code", "rename_json_errorCode_to_aws_cloudtrail_error_code_f6ce7f43")?;
    c.rename("json.errorMessage", "aws.cloudtrail.error_message", "rename_json_errorMessage_to_aws_cloudtrail_error_message_4764ab25")?;
    let step = payload::strings(c, raw_map, opts.retain);
    c.handled(step);
    c.rename("json.requestID", "aws.cloudtrail.request_id", "rename_json_requestID_to_aws_cloudtrail_request_id_cc292e2f")?;
    if c.get("event.id").is_none() {
        c.rename("json.eventID", "event.id", "rename_json_eventID_to_event_id_f952b9c8")?;
    }
    c.rename("json.eventType", "aws.cloudtrail.event_type", "rename_json_eventType_to_aws_cloudtrail_event_type_8540078d")?;
    c.rename("json.apiVersion", "aws.cloudtrail.api_version", "rename_json_apiVersion_to_aws_cloudtrail_api_version_07d67e45")?;
    if let Some(v) = c.get("json.managementEvent").cloned() {
        let text = match v {
            Value::Array(items) => Value::Array(items.iter().map(|x| Value::String(crate::ecs::javamap::to_java_string(x))).collect()),
            other => Value::String(crate::ecs::javamap::to_java_string(&other)),
        };
        c.set("aws.cloudtrail.management_event", text, "convert_json_managementEvent_to_aws_cloudtrail_management_event")?;
    }
    c.rename("json.readOnly", "aws.cloudtrail.read_only", "rename_json_readOnly_to_aws_cloudtrail_read_only_910e0493")?;
    let step = payload::resources(c);
    c.handled(step);
    c.rename("json.recipientAccountId", "aws.cloudtrail.recipient_account_id", "rename_json_recipientAccountId")?;
    if c.get("cloud.account.id").is_none() {
        c.copy("cloud.account.id", "aws.cloudtrail.recipient_account_id", "set_cloud_account_id_0ab85f1e")?;
    }
    c.rename("json.sharedEventID", "aws.cloudtrail.shared_event_id", "rename_json_sharedEventID")?;
    if c.get("aws.cloudtrail.shared_event_id").is_none() {
        c.rename("json.sharedEventId", "aws.cloudtrail.shared_event_id", "rename_json_sharedEventId")?;
    }
    for (from, to) in [
        ("json.vpcEndpointId", "aws.cloudtrail.vpc_endpoint_id"),
        ("json.vpcEndpointAccountId", "aws.cloudtrail.vpc_endpoint_account_id"),
        ("json.addendum.reason", "aws.cloudtrail.addendum.reason"),
        ("json.addendum.updatedFields", "aws.cloudtrail.addendum.updated_fields"),
        ("json.addendum.originalRequestID", "aws.cloudtrail.addendum.original_request_id"),
        ("json.addendum.originalEventID", "aws.cloudtrail.addendum.original_event_id"),
    ] {
        c.rename(from, to, "rename_json_record_field")?;
    }
    for (path, tag) in [
        ("json.requestParameters.userName", "append_related_user_0121b806"),
        ("json.requestParameters.newUserName", "append_related_user_5ff399b8"),
        ("json.responseElements.user.userId", "append_related_user_e323b1c9"),
    ] {
        if c.nav(path, tag)?.is_some() {
            c.append_render("related.user", path, tag)?;
        }
    }
    if c.get("json.eventName").and_then(Value::as_str) == Some("ConsoleLogin") {
        let step = payload::console_login(c);
        c.handled(step);
    }
    let step = category::run(c);
    c.handled(step);
    digest::run(c)?;
    for (to, from, tag) in [
        ("group.id", "json.responseElements.group.groupId", "set_group_id_984fd6e8"),
        ("user.target.id", "json.responseElements.user.userId", "set_user_target_id_a3857f4f"),
        ("user.changes.name", "json.requestParameters.newUserName", "set_user_changes_name_6fb02109"),
        ("group.name", "json.requestParameters.groupName", "set_group_name_1861a4b8"),
        ("user.target.name", "json.requestParameters.userName", "set_user_target_name_75aa7975"),
    ] {
        c.copy(to, from, tag)?;
    }
    c.rename(
        "aws.cloudtrail.digest",
        "aws.cloudtrail.flattened.digest",
        "rename_aws_cloudtrail_digest_to_aws_cloudtrail_flattened_digest_6c535acf",
    )?;
    c.rename("json.insightDetails", "aws.cloudtrail.flattened.insight_details", "rename_json_insightDetails")?;
    network::tls(c)?;
    identity::user_fields(c)?;
    network::related(c)?;
    payload::retain(c, opts.retain)?;
    Ok(())
}

/// What the shipper sends with every message: its `@timestamp` and the integration's tags.
fn shipped(opts: &MapOptions) -> Ctx {
    // Room for every top-level field a document gets (`json`, `event`, `aws`, `cloud`, ...).
    let mut c = Ctx { doc: Map::with_capacity(32) };
    if let Some(ts) = &opts.timestamp {
        c.doc.insert("@timestamp".into(), Value::String(ts.clone()));
    }
    let tags: Vec<Value> = [(opts.preserve_original, "preserve_original_event"), (opts.actor_target_mapping, "actor_target_mapping")]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, t)| json!(t))
        .collect();
    if !tags.is_empty() {
        c.doc.insert("tags".into(), Value::Array(tags));
    }
    c
}

/// The document of a `message` the `json` processor cannot parse (pipeline-level `on_failure`).
pub fn parse_failure(line: &str, error: &str, opts: &MapOptions) -> Value {
    let mut c = shipped(opts);
    if let Some(ts) = &opts.timestamp {
        let _ = c.set("event.created", Value::String(ts.clone()), "set_event_created_3b69f632");
    }
    let _ = c.set("event.original", Value::String(line.to_string()), "rename_message_to_event_original_b273fe21");
    c.record(&Fail::new("json", "json_event_original_to_json_5e54dc16", error.to_string()));
    let _ = c.set("event.kind", json!("pipeline_error"), "set_pipeline_error_to_event_kind");
    let _ = c.append("tags", json!("preserve_original_event"), "append_preserve_original_event_to_tags");
    if opts.data_stream {
        data_stream(&mut c);
    }
    Value::Object(c.doc)
}
