//! CloudTrail → ECS, field for field as Elastic's `aws.cloudtrail` ingest pipeline (aws package 8.9.0).
//!
//! Depends on [`crate::doc`] only.

use crate::doc::{Document, Scalar};
use serde_json::Value;
use std::cell::OnceCell;

/// What the pipeline keeps of request/response payloads (`_conf.retain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retain {
    #[default]
    All,
    Minimal,
    Keyword,
    Flattened,
    None,
}

/// Options of the mapping, as the integration's settings.
#[derive(Debug, Clone, Default)]
pub struct MapOptions {
    pub retain: Retain,
}

/// Maps one raw CloudTrail record to the ECS document the pipeline would index.
pub fn to_ecs(_raw: &Value, _opts: &MapOptions) -> Value {
    todo!("ECS mapping")
}

/// A lazy ECS view over a raw record: cheap fields are answered from the raw record, anything else
/// builds the full document once.
pub struct EcsView<'a> {
    raw: &'a Value,
    opts: &'a MapOptions,
    full: OnceCell<Value>,
}

impl<'a> EcsView<'a> {
    pub fn new(raw: &'a Value, opts: &'a MapOptions) -> Self {
        EcsView { raw, opts, full: OnceCell::new() }
    }

    /// The full ECS document (built on first use).
    pub fn document(&self) -> &Value {
        self.full.get_or_init(|| to_ecs(self.raw, self.opts))
    }
}

impl Document for EcsView<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        self.document().any_value(field, visit)
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.document().for_each_field(visit)
    }
}
