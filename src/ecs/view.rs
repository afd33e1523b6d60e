//! [`EcsView`]: a lazy ECS [`Document`] over a raw record. The fields rules filter on first are
//! answered from the raw record; anything else builds the full document once and reads it.
//!
//! Depends on [`crate::doc`] and the ECS mapping.

use crate::doc::{Document, Scalar};
use crate::ecs::{MapOptions, to_ecs};
use serde_json::Value;
use std::cell::OnceCell;

/// A lazy ECS view over a raw record.
pub struct EcsView<'a> {
    raw: &'a Value,
    opts: &'a MapOptions,
    full: OnceCell<Value>,
    simple: bool,
}

/// The fields answered without building the document.
pub const FAST_FIELDS: &[&str] = &[
    "event.dataset",
    "data_stream.dataset",
    "event.module",
    "event.provider",
    "event.action",
    "event.outcome",
    "cloud.provider",
    "cloud.region",
    "cloud.service.name",
    "event.id",
];

impl<'a> EcsView<'a> {
    pub fn new(raw: &'a Value, opts: &'a MapOptions) -> Self {
        EcsView { raw, opts, full: OnceCell::new(), simple: well_formed(raw) }
    }

    /// The full ECS document (built on first use).
    pub fn document(&self) -> &Value {
        self.full.get_or_init(|| to_ecs(self.raw, self.opts))
    }

    /// Whether the full document has been built (the fast fields never build it).
    pub fn is_built(&self) -> bool {
        self.full.get().is_some()
    }

    /// The value of a fast field, or `None` when the full document must answer.
    fn fast(&self, field: &str) -> Option<Option<Value>> {
        if matches!(field, "event.dataset" | "data_stream.dataset" | "event.module") {
            let value = match field {
                "event.module" => "aws",
                _ => "aws.cloudtrail",
            };
            return Some(self.opts.data_stream.then(|| Value::String(value.to_string())));
        }
        if !self.simple {
            return None;
        }
        let raw = self.raw.as_object()?;
        // A string the first null-removal pass keeps (not "", "-" or "none").
        let text = |k: &str| raw.get(k).and_then(Value::as_str).filter(|s| !matches!(*s, "" | "-" | "none"));
        let s = |v: &str| Some(Value::String(v.to_string()));
        Some(match field {
            "cloud.provider" => s("aws"),
            "event.provider" => text("eventSource").and_then(s),
            "event.action" => text("eventName").and_then(s),
            "event.id" => text("eventID").and_then(s),
            "cloud.region" => text("awsRegion").and_then(s),
            "cloud.service.name" => text("eventSource")
                .filter(|x| x.ends_with(".amazonaws.com"))
                .and_then(|x| x.find(".amazonaws.com").map(|i| &x[..i]))
                .filter(|x| !x.is_empty())
                .and_then(s),
            "event.outcome" => crate::ecs::category::outcome(raw).map(Value::String),
            _ => return None,
        })
    }
}

/// Whether no processor can fail on the record's shape, so the fast fields are what the document
/// would hold (a failing record falls back to the document).
fn well_formed(raw: &Value) -> bool {
    let Some(m) = raw.as_object() else {
        return false;
    };
    let str_or_absent = |v: Option<&Value>| matches!(v, None | Some(Value::Null | Value::String(_)));
    let obj_or_absent = |v: Option<&Value>| matches!(v, None | Some(Value::Null | Value::Object(_)));
    let strings = ["eventSource", "eventName", "awsRegion", "eventID", "sourceIPAddress", "userAgent", "eventTime"];
    let objects = ["requestParameters", "responseElements", "additionalEventData", "serviceEventDetails", "tlsDetails", "userIdentity"];
    if !strings.iter().all(|k| str_or_absent(m.get(*k))) || !objects.iter().all(|k| obj_or_absent(m.get(*k))) {
        return false;
    }
    if let Some(Value::Object(re)) = m.get("responseElements")
        && !str_or_absent(re.get("ConsoleLogin"))
    {
        return false;
    }
    if let Some(Value::Object(ui)) = m.get("userIdentity") {
        if !["type", "userName", "arn", "invokedBy"].iter().all(|k| str_or_absent(ui.get(*k))) {
            return false;
        }
        match ui.get("sessionContext") {
            None | Some(Value::Null) => {}
            Some(Value::Object(sc)) => match sc.get("sessionIssuer") {
                None | Some(Value::Null) => {}
                Some(Value::Object(si)) => {
                    if !["arn", "userName"].iter().all(|k| str_or_absent(si.get(*k))) {
                        return false;
                    }
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

impl Document for EcsView<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        match self.fast(field) {
            Some(Some(v)) => crate::doc::any_leaf(&v, visit),
            Some(None) => false,
            None => self.document().any_value(field, visit),
        }
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.document().for_each_field(visit);
    }
}
