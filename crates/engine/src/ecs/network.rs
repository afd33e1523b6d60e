//! Where the call came from: `source.address`/`source.ip` (an IP only if it parses as one), its
//! `source.geo`/`source.as` (with GeoIP databases), `user_agent.*`, `tls.*`, and the
//! `related.ip`/`related.hosts` they feed.
//!
//! Depends on [`crate::ecs::ctx`] and [`crate::enrich`].

use crate::ecs::MapOptions;
use crate::ecs::ctx::{Ctx, Fail, Step};
use crate::enrich::user_agent;
use serde_json::Value;
use std::net::IpAddr;

/// `convert type: ip`: the value's text if it is an IPv4/IPv6 literal.
pub fn as_ip(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    text.parse::<IpAddr>().ok().map(|_| text)
}

/// `sourceIPAddress` → `source.address`, `source.ip`, then `source.geo` and `source.as` from the
/// databases; `userAgent` → `user_agent.*`.
pub fn source(c: &mut Ctx, opts: &MapOptions) -> Step {
    if c.get("source.address").is_none() {
        c.rename("json.sourceIPAddress", "source.address", "rename_json_sourceIPAddress_to_source_address_03dee86f")?;
    }
    if let Some(ip) = c.get("source.address").and_then(as_ip) {
        c.set("source.ip", Value::String(ip), "convert_source_address_to_source_ip")?;
    }
    if let Some(geoip) = &opts.geoip
        && let Some(ip) = c.get_str("source.ip").and_then(|s| s.parse::<IpAddr>().ok())
    {
        if let Some(geo) = geoip.geo(ip) {
            c.set("source.geo", Value::Object(geo), "geoip_source_ip_to_source_geo_253d8f4f")?;
        }
        if let Some(asn) = geoip.asn(ip) {
            c.set("source.as", Value::Object(asn), "geoip_source_ip_to_source_as_28d69883")?;
        }
    }
    let tag = "user_agent_json_userAgent_to_user_agent_12c778f0";
    match c.get("json.userAgent").cloned() {
        None => {}
        Some(Value::String(ua)) => {
            let parsed = user_agent::parse(&ua).to_value(&ua);
            c.set("user_agent", parsed, tag).map_err(|f| Fail { kind: "user_agent", ..f })?
        }
        Some(other) => {
            return Err(Fail::new(
                "user_agent",
                tag,
                format!("field [json.userAgent] of type [{}] cannot be cast to [java.lang.String]", crate::ecs::path::java_type(&other)),
            ));
        }
    }
    Ok(())
}

/// `tlsDetails` → `tls.*` (`TLSv1.3` → protocol `tls`, version `1.3`; placeholder dropped).
pub fn tls(c: &mut Ctx) -> Step {
    if c.nav("json.tlsDetails.tlsVersion", "remove_json_tlsDetails_d5e86911")?.and_then(Value::as_str) == Some("tlsVersion") {
        c.remove("json.tlsDetails");
    }
    let tag = "dissect_json_tlsDetails_tlsVersion_7a65d5ad";
    if let Some(version) = c.get("json.tlsDetails.tlsVersion").cloned() {
        match version.as_str().and_then(|s| s.split_once('v')) {
            Some((protocol, number)) => {
                c.set("tls.version_protocol", Value::String(protocol.to_string()), tag)?;
                c.set("tls.version", Value::String(number.to_string()), tag)?;
            }
            None => c.rename("json.tlsDetails.tlsVersion", "tls.version", "rename_json_tlsDetails_tlsVersion_to_tls_version_f271a1f0")?,
        }
    }
    if let Some(Value::String(p)) = c.get("tls.version_protocol").cloned() {
        c.set("tls.version_protocol", Value::String(p.to_lowercase()), "lowercase_tls_version_protocol_b840a1f9")?;
    }
    c.rename("json.tlsDetails.cipherSuite", "tls.cipher", "rename_json_tlsDetails_cipherSuite_to_tls_cipher_01d89d76")?;
    c.rename("json.tlsDetails.clientProvidedHostHeader", "tls.client.server_name", "rename_tls_server_name")?;
    c.rename("json.tlsDetails.keyExchange", "aws.cloudtrail.tls_details.key_exchange", "rename_tls_key_exchange")?;
    Ok(())
}

fn str_cond<'a>(v: Option<&'a Value>, tag: &'static str) -> Result<Option<&'a str>, Fail> {
    match v {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(o) => Err(Fail::new("append", tag, format!("dynamic method [{}, endsWith/1] not found", crate::ecs::path::java_type(o)))),
    }
}

/// `related.ip` and `related.hosts`.
pub fn related(c: &mut Ctx) -> Step {
    if c.get("source.ip").is_some() {
        c.append_render("related.ip", "source.ip", "append_related_ip_source_ip")?;
    }
    if let Some(v) =
        c.nav("json.serviceEventDetails.sourceIpAddress", "convert_json_serviceEventDetails_sourceIpAddress_to_tmp_service_event_ip")?
        && let Some(ip) = as_ip(v)
    {
        c.set("_tmp.service_event_ip", Value::String(ip), "convert_service_event_ip")?;
        c.append_render("related.ip", "_tmp.service_event_ip", "append_related_ip_service_event_source_ip")?;
    }
    let tag = "append_related_hosts_tls_client_server_name";
    if let Some(name) = str_cond(c.get("tls.client.server_name"), tag)?
        && !name.ends_with(".amazonaws.com")
    {
        c.append_render("related.hosts", "tls.client.server_name", tag)?;
    }
    let tag = "append_related_hosts_source_address";
    if c.get("source.ip").is_none()
        && let Some(addr) = str_cond(c.get("source.address"), tag)?
        && addr.contains('.')
        && !addr.contains(' ')
        && !addr.ends_with(".amazonaws.com")
    {
        c.append_render("related.hosts", "source.address", tag)?;
    }
    let tag = "append_related_hosts_computer_name";
    if c.nav("json.requestParameters.computerName", tag)?.is_some() {
        c.append_render("related.hosts", "json.requestParameters.computerName", tag)?;
    }
    instance_hosts(c);
    Ok(())
}

/// `script_append_related_hosts_instance_ids`: `i-...` ids from resources and payloads.
fn instance_hosts(c: &mut Ctx) {
    let found = instance_ids(c);
    if found.is_empty() {
        return;
    }
    let mut hosts = match c.remove("related.hosts") {
        Some(Value::Array(h)) => h,
        _ => Vec::new(),
    };
    for h in found {
        let h = Value::String(h);
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    let _ = c.set("related.hosts", Value::Array(hosts), "script_append_related_hosts_instance_ids");
}

/// The `i-...` ids of `instance_hosts`, in the script's order, without repeats.
fn instance_ids(c: &Ctx) -> Vec<String> {
    let req = c.get("json.requestParameters");
    let resp = c.get("json.responseElements");
    let res = c.get("aws.cloudtrail.resources");
    let mut found: Vec<String> = Vec::new();
    let add = |out: &mut Vec<String>, v: Option<&Value>| {
        if let Some(Value::String(s)) = v
            && s.encode_utf16().count() >= 10
            && s.starts_with("i-")
            && !out.contains(s)
        {
            out.push(s.clone());
        }
    };
    if let Some(Value::Array(items)) = res {
        for r in items {
            if let Some(Value::String(arn)) = r.get("arn")
                && arn.contains(":instance/")
            {
                let id = arn.rsplit('/').next().unwrap_or("");
                add(&mut found, Some(&Value::String(id.to_string())));
            }
        }
    }
    for container in [req, resp] {
        let Some(Value::Object(m)) = container else {
            continue;
        };
        for key in ["instanceId", "target", "resourceId"] {
            add(&mut found, m.get(key));
        }
        if let Some(Value::Array(ids)) = m.get("instanceIds") {
            for id in ids {
                add(&mut found, Some(id));
            }
        }
        if let Some(Value::Object(set)) = m.get("instancesSet")
            && let Some(Value::Array(items)) = set.get("items")
        {
            for item in items {
                if let Value::Object(item) = item {
                    add(&mut found, item.get("instanceId"));
                }
            }
        }
    }
    found
}
