//! Request/response payloads: the Java `Map.toString()` strings `aws.cloudtrail.request_parameters`
//! etc., their `aws.cloudtrail.flattened.*` copies, `_conf.retain`, the de-duplicated `resources`
//! and the ConsoleLogin `additionalEventData` booleans.
//!
//! Depends on [`crate::ecs::ctx`] and [`crate::ecs::javamap`].

use crate::ecs::Retain;
use crate::ecs::ctx::{Ctx, Fail, Step};
use crate::ecs::javamap::{hashmap_order, to_java_string, to_java_string_cleaned};
use serde_json::{Map, Value};

/// A payload: its key in the record, its path in `ctx`, its string field and its flattened copy.
struct Payload {
    key: &'static str,
    json: &'static str,
    string: &'static str,
    flattened: &'static str,
}

const PAYLOADS: &[Payload] = &[
    Payload {
        key: "requestParameters",
        json: "json.requestParameters",
        string: "aws.cloudtrail.request_parameters",
        flattened: "aws.cloudtrail.flattened.request_parameters",
    },
    Payload {
        key: "responseElements",
        json: "json.responseElements",
        string: "aws.cloudtrail.response_elements",
        flattened: "aws.cloudtrail.flattened.response_elements",
    },
    Payload {
        key: "additionalEventData",
        json: "json.additionalEventData",
        string: "aws.cloudtrail.additional_eventdata",
        flattened: "aws.cloudtrail.flattened.additional_eventdata",
    },
    Payload {
        key: "serviceEventDetails",
        json: "json.serviceEventDetails",
        string: "aws.cloudtrail.service_event_details",
        flattened: "aws.cloudtrail.flattened.service_event_details",
    },
];

/// Whether a string is too long for a keyword (`>= 32766` UTF-16 units); a UTF-16 string is never
/// longer than its UTF-8 bytes, so short texts are not counted.
fn too_long(text: &str) -> bool {
    text.len() >= 32766 && text.encode_utf16().count() >= 32766
}

/// `script_duplicate_rules_fields`. `raw` is the record as parsed (the strings keep its map sizes).
pub fn strings(c: &mut Ctx, raw: &Map<String, Value>, retain: Retain) -> Step {
    let tag = "script_duplicate_rules_fields";
    let keep = matches!(retain, Retain::All | Retain::Flattened | Retain::Minimal);
    if c.get("aws.cloudtrail").is_some_and(|v| !v.is_object()) {
        return Err(Fail::new("script", tag, "cannot write into aws.cloudtrail"));
    }
    if keep && c.get("aws.cloudtrail.flattened").is_none() {
        c.set("aws.cloudtrail.flattened", Value::Object(Map::new()), tag)?;
    }
    for p in PAYLOADS {
        let Some(value) = c.get(p.json) else {
            continue;
        };
        let text = raw.get(p.key).and_then(to_java_string_cleaned).unwrap_or_else(|| to_java_string(value));
        // Copied only when kept; the copy ends the borrow of `json` before the document is written.
        let copy = (keep && !too_long(&text)).then(|| value.clone());
        c.set(p.string, Value::String(text), tag)?;
        if let Some(value) = copy {
            c.set(p.flattened, value, tag)?;
        }
    }
    Ok(())
}

/// `script_deduplicate_json_resources`: rename ARN/accountId, drop repeats, HashMap order.
pub fn resources(c: &mut Ctx) -> Step {
    let tag = "script_deduplicate_json_resources";
    let Some(resources) = c.remove("json.resources") else {
        return Ok(());
    };
    let Value::Array(items) = resources else {
        return c.set("aws.cloudtrail.resources", resources, tag);
    };
    let mut unique: Vec<(String, Value)> = Vec::new();
    for item in items {
        let Value::Object(mut resource) = item else {
            continue;
        };
        if let Some(arn) = resource.shift_remove("ARN") {
            resource.insert("arn".into(), arn);
        }
        if let Some(acct) = resource.shift_remove("accountId") {
            resource.insert("account_id".into(), acct);
        }
        let part = |k: &str| resource.get(k).map(to_java_string).unwrap_or_default();
        let key = format!("{}_{}_{}", part("arn"), part("account_id"), part("type"));
        match unique.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = Value::Object(resource),
            None => unique.push((key, Value::Object(resource))),
        }
    }
    let n = unique.len();
    let ordered: Vec<Value> = hashmap_order(unique, n).into_iter().map(|(_, v)| v).collect();
    c.set("aws.cloudtrail.resources", Value::Array(ordered), tag)
}

/// `script_console_login_additional_eventdata`.
pub fn console_login(c: &mut Ctx) -> Step {
    let tag = "script_console_login_additional_eventdata";
    let mut aed = Map::new();
    let not_no = |v: &Value| v.as_str() != Some("No");
    if let Some(v) = c.nav("json.additionalEventData.MobileVersion", tag)? {
        aed.insert("mobile_version".into(), Value::Bool(not_no(v)));
    }
    if let Some(v) = c.nav("json.additionalEventData.LoginTo", tag)? {
        aed.insert("login_to".into(), v.clone());
    }
    if let Some(v) = c.nav("json.additionalEventData.MFAUsed", tag)? {
        aed.insert("mfa_used".into(), Value::Bool(not_no(v)));
    }
    if !aed.is_empty() {
        c.set("aws.cloudtrail.console_login.additional_eventdata", Value::Object(aed), tag).map_err(|f| Fail { kind: "script", ..f })?;
    }
    Ok(())
}

const REQUIRED_FLATTENED: &[&str] = &[
    "additional_eventdata.SSEApplied",
    "request_parameters.cidrIp",
    "request_parameters.dryRun",
    "request_parameters.fromPort",
    "request_parameters.includeDeprecated",
    "request_parameters.policyArn",
    "request_parameters.serialNumber",
    "request_parameters.withDecryption",
    "request_parameters.x-amz-server-side-encryption-customer-algorithm",
];

/// `_conf.retain`: `minimal` keeps only the flattened fields rules use; `flattened`/`none` drop
/// the strings.
pub fn retain(c: &mut Ctx, retain: Retain) -> Step {
    let tag = "script_retain_minimal_flattened_3d24add8";
    if retain == Retain::Minimal
        && let Some(Value::Object(flat)) = c.get("aws.cloudtrail.flattened").cloned()
    {
        let mut kept = Map::new();
        for f in REQUIRED_FLATTENED {
            if let Some(v) = crate::ecs::path::get(&flat, f).filter(|v| !v.is_null()) {
                crate::ecs::path::set(&mut kept, f, v.clone()).map_err(|m| Fail::new("script", tag, m))?;
            }
        }
        for f in ["digest", "insight_details"] {
            if let Some(v) = flat.get(f).filter(|v| !v.is_null()) {
                kept.insert(f.into(), v.clone());
            }
        }
        c.set("aws.cloudtrail.flattened", Value::Object(kept), tag)?;
    }
    if matches!(retain, Retain::Flattened | Retain::None) {
        for p in PAYLOADS {
            c.remove(p.string);
        }
    }
    Ok(())
}
