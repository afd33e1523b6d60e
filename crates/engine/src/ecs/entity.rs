//! Actor/target entity mapping (`script_append_related_entity_31dc3369`, tag `actor_target_mapping`):
//! per-service rules pick request/response values into target and related sets, then classify the
//! targets and the actor into `user.*`, `host.*`, `service.*` and generic entity fields.
//!
//! Reads only the cleaned `json` object; the caller writes the returned fields into the document.

use crate::ecs::javamap::to_java_string;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// A string ordered as Java's `String.compareTo` (UTF-16 code units), for `TreeSet` order.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JStr(String);

impl Ord for JStr {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.encode_utf16().cmp(other.0.encode_utf16())
    }
}
impl PartialOrd for JStr {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

type Set = BTreeSet<JStr>;
type R<T> = Result<T, String>;

/// The painless script's view of `json`, with its failure modes.
struct Script<'a> {
    json: &'a Map<String, Value>,
    related: Set,
    target: Set,
    actor: Option<&'a Value>,
}

fn cast_str(v: Option<&Value>) -> R<Option<&str>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("class_cast_exception: Cannot cast {} to java.lang.String", crate::ecs::path::java_type(other))),
    }
}

/// Painless `x.key` on a def: a map entry, an error on anything else.
fn member<'v>(item: &'v Value, key: &str) -> R<Option<&'v Value>> {
    match item {
        Value::Object(m) => Ok(m.get(key).filter(|v| !v.is_null())),
        Value::Null => Err("null_pointer_exception".into()),
        other => Err(format!("dynamic getter [{}, {key}] not found", crate::ecs::path::java_type(other))),
    }
}

/// Painless `x?.key`.
fn member_opt<'v>(item: Option<&'v Value>, key: &str) -> R<Option<&'v Value>> {
    match item {
        None | Some(Value::Null) => Ok(None),
        Some(v) => member(v, key),
    }
}

fn add(set: &mut Set, value: Option<&str>) -> bool {
    match value {
        None | Some("") => false,
        Some(v) => set.insert(JStr(v.to_string())),
    }
}

/// `addValues`: note the short circuit — after the first value not added, the rest are skipped.
fn add_all(set: &mut Set, values: &[Option<&Value>]) -> R<()> {
    let mut added_all = true;
    for v in values {
        let s = cast_str(*v)?;
        added_all = added_all && add(set, s);
    }
    Ok(())
}

impl<'a> Script<'a> {
    fn get(&self, path: &str) -> Option<&'a Value> {
        let path = path.strip_prefix("json.")?;
        crate::ecs::path::get(self.json, path).filter(|v| !v.is_null())
    }
    fn str(&self, path: &str) -> R<Option<&'a str>> {
        cast_str(self.get(path))
    }
    fn list(&self, path: &str) -> R<&'a [Value]> {
        match self.get(path) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(other) => Err(format!("dynamic method [{}, stream/0] not found", crate::ecs::path::java_type(other))),
        }
    }
    fn related(&mut self, paths: &[&str]) -> R<()> {
        for p in paths {
            let v = self.str(p)?;
            add(&mut self.related, v);
        }
        Ok(())
    }
    fn target(&mut self, path: &str) -> R<()> {
        let v = self.str(path)?;
        add(&mut self.target, v);
        Ok(())
    }
    fn related_each(&mut self, list: &str, key: &str) -> R<()> {
        for i in self.list(list)? {
            let v = cast_str(member(i, key)?)?;
            add(&mut self.related, v);
        }
        Ok(())
    }
    fn target_resources(&mut self) -> R<()> {
        for f in self.list("json.resources")? {
            let v = cast_str(member(f, "ARN")?)?;
            add(&mut self.target, v);
        }
        Ok(())
    }
    fn target_strings(&mut self, list: &str) -> R<()> {
        for f in self.list(list)? {
            let v = cast_str(Some(f))?;
            add(&mut self.target, v);
        }
        Ok(())
    }
}

/// The fields the script sets, as (dotted path, list value), in the order it sets them.
pub type Fields = Vec<(&'static str, Vec<Value>)>;

/// Runs the script; `Err` carries the painless failure message.
pub fn map(json: &Map<String, Value>) -> R<Fields> {
    let mut s = Script { json, related: Set::new(), target: Set::new(), actor: None };
    s.actor = s.get("json.userIdentity.arn").or_else(|| s.get("json.userIdentity.onBehalfOf.userId"));
    s.related(&[
        "json.userIdentity.accessKeyId",
        "json.userIdentity.arn",
        "json.userIdentity.userName",
        "json.userIdentity.sessionContext.sessionIssuer.arn",
        "json.userIdentity.sessionContext.sessionIssuer.userName",
    ])?;
    let user_type = s.get("json.userIdentity.type");
    if user_type.and_then(Value::as_str) == Some("IdentityCenterUser") {
        s.related(&["json.userIdentity.onBehalfOf.identityStoreArn"])?;
    }
    s.related_each("json.resources", "ARN")?;
    let source = s.str("json.eventSource")?;
    let name = s.str("json.eventName")?;
    crate::ecs::services::enrich(&mut ServiceCtx(&mut s), source.unwrap_or(""), name)?;
    Ok(classify(&mut s, user_type))
}

/// What the per-service rules may do to the script state.
pub struct ServiceCtx<'s, 'a>(&'s mut Script<'a>);

impl<'a> ServiceCtx<'_, 'a> {
    pub fn get(&self, path: &str) -> Option<&'a Value> {
        self.0.get(path)
    }
    pub fn related(&mut self, paths: &[&str]) -> R<()> {
        self.0.related(paths)
    }
    pub fn target(&mut self, path: &str) -> R<()> {
        self.0.target(path)
    }
    pub fn related_each(&mut self, list: &str, key: &str) -> R<()> {
        self.0.related_each(list, key)
    }
    pub fn target_resources(&mut self) -> R<()> {
        self.0.target_resources()
    }
    pub fn target_strings(&mut self, list: &str) -> R<()> {
        self.0.target_strings(list)
    }
    pub fn list(&self, path: &str) -> R<&'a [Value]> {
        self.0.list(path)
    }
    pub fn related_values(&mut self, values: &[Option<&Value>]) -> R<()> {
        add_all(&mut self.0.related, values)
    }
    pub fn target_values(&mut self, values: &[Option<&Value>]) -> R<()> {
        add_all(&mut self.0.target, values)
    }
    pub fn target_value(&mut self, value: &str) {
        add(&mut self.0.target, Some(value));
    }
    pub fn set_actor(&mut self, path: &str) {
        self.0.actor = self.0.get(path);
    }
    pub fn member<'v>(item: &'v Value, key: &str) -> R<Option<&'v Value>> {
        member(item, key)
    }
    pub fn member_opt<'v>(item: Option<&'v Value>, key: &str) -> R<Option<&'v Value>> {
        member_opt(item, key)
    }
}

const USER_TYPES: &[&str] = &["user", "role", "assumed-role", "federated-user", "instance-profile", "mfa", "serialNumber"];
const SERVICE_TYPES: &[&str] = &[
    "stack",
    "stack-set",
    "trail",
    "configuration-recorder",
    "file-system",
    "mount-target",
    "rule",
    "detector",
    "key",
    "function",
    "log-group",
    "log-stream",
    "alarm",
    "db",
    "cluster",
    "global-cluster",
    "trust-anchor",
    "resolver-query-log-config",
    "secret",
    "parameter",
    "document",
    "session",
    "webacl",
    "rulegroup",
    "ipset",
    "topic",
    "model",
    "loadbalancer",
    "table",
    "group",
    "policy",
    "security-group",
    "network-interface",
    "vpc",
    "subnet",
    "network-acl",
    "dhcp-options",
];
const SERVICE_PREFIXES: &[&str] = &["sg-", "sgr-", "eni-", "vpc-", "subnet-", "acl-", "rtb-", "igw-", "nat-", "vpce-", "tgw-", "pcx-"];

/// `resource-type` of `arn:partition:service:region:account:resource-type/id` (needs 6 parts).
fn arn_resource_type(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.split(':').collect();
    let resource = *parts.get(5)?;
    let kind = match resource.find('/') {
        Some(i) if i > 0 => &resource[..i],
        _ => resource,
    };
    Some((parts[2], kind))
}

fn list(set: &Set) -> Vec<Value> {
    set.iter().map(|s| Value::String(s.0.clone())).collect()
}

fn classify(s: &mut Script<'_>, user_type: Option<&Value>) -> Fields {
    let mut out: Fields = Vec::new();
    let mut related = std::mem::take(&mut s.related);
    if !s.target.is_empty() {
        out.push(("target.entity.id", list(&s.target)));
        let (mut users, mut hosts, mut services, mut generic) = (Set::new(), Set::new(), Set::new(), Set::new());
        for t in &s.target {
            let target = t.0.as_str();
            let bucket = if target.starts_with("arn:") {
                match arn_resource_type(target) {
                    None => Some(&mut generic),
                    Some(_) if target.contains("/AWSServiceRoleFor") || target.contains("/aws-service-role/") => Some(&mut services),
                    Some((_, kind)) if USER_TYPES.contains(&kind) => Some(&mut users),
                    Some((_, "instance")) => Some(&mut hosts),
                    Some((_, kind)) if SERVICE_TYPES.contains(&kind) => Some(&mut services),
                    Some(("s3", _)) => Some(&mut services),
                    Some(_) => Some(&mut generic),
                }
            } else if target.encode_utf16().count() == 20 && target.starts_with("AKIA") {
                Some(&mut users)
            } else if target.starts_with("i-") {
                Some(&mut hosts)
            } else if SERVICE_PREFIXES.iter().any(|p| target.starts_with(p)) {
                Some(&mut services)
            } else {
                Some(&mut generic)
            };
            if let Some(b) = bucket {
                b.insert(t.clone());
            }
        }
        if !users.is_empty() {
            out.push(("user.target.entity.id", list(&users)));
        }
        if !hosts.is_empty() {
            out.push(("host.target.entity.id", list(&hosts)));
            let ids: Set = hosts
                .iter()
                .filter_map(|h| {
                    let h = h.0.as_str();
                    let id = if h.starts_with("arn:") {
                        let parts: Vec<&str> = h.split(':').collect();
                        if parts.len() < 6 || parts[2] != "ec2" {
                            return None;
                        }
                        parts[5].strip_prefix("instance/")?
                    } else {
                        h
                    };
                    id.starts_with("i-").then(|| JStr(id.to_string()))
                })
                .collect();
            if !ids.is_empty() {
                out.push(("host.target.id", list(&ids)));
            }
        }
        if !services.is_empty() {
            out.push(("service.target.entity.id", list(&services)));
        }
        if !generic.is_empty() {
            out.push(("entity.target.id", list(&generic)));
        }
        related.extend(s.target.iter().cloned());
    }
    if let Some(actor) = s.actor {
        // The actor keeps its JSON type in the fields; only the classification reads it as text.
        let actor_str = to_java_string(actor);
        out.push(("actor.entity.id", vec![actor.clone()]));
        let user_type = user_type.and_then(Value::as_str);
        let mut user_entity = actor.clone();
        if user_type == Some("AssumedRole")
            && let Some(role) = s.get("json.userIdentity.sessionContext.sessionIssuer.arn")
            && role.as_str() != Some("")
        {
            user_entity = role.clone();
        }
        let field =
            if user_type == Some("AWSService") || actor_str.contains("/AWSServiceRoleFor") || actor_str.contains("/aws-service-role/") {
                "service.entity.id"
            } else if matches!(user_type, Some("IAMUser" | "Root" | "AssumedRole")) {
                "user.entity.id"
            } else {
                match arn_resource_type(&actor_str).filter(|_| actor_str.starts_with("arn:")) {
                    Some((_, "user" | "role" | "assumed-role" | "federated-user")) => "user.entity.id",
                    Some((_, "instance")) => "host.entity.id",
                    _ if actor_str.starts_with("i-") => "host.entity.id",
                    _ => "entity.id",
                }
            };
        let value = if field == "user.entity.id" { user_entity } else { actor.clone() };
        out.push((field, vec![value]));
    }
    out.push(("related.entity", list(&related)));
    out
}
