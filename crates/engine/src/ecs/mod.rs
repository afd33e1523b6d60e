//! CloudTrail → ECS, field for field as Elastic's `aws.cloudtrail` ingest pipeline (aws package 8.9.0).
//!
//! raw record → [`pipeline`] (the processors in order, over a [`ctx::Ctx`]) → ECS document with
//! nested objects, as Elasticsearch stores it. [`EcsView`] answers the fields rules use most straight
//! from the raw record and builds the document only when asked for anything else.
//!
//! Depends on [`crate::doc`], [`crate::calendar`] (dates) and, for the view, the input's raw
//! record ([`crate::input::RawRecord`]).

mod category;
mod clean;
mod ctx;
mod date;
mod digest;
mod entity;
mod identity;
pub mod javamap;
pub mod mapping;
mod network;
mod path;
mod payload;
mod pipeline;
mod services;
mod view;

pub use view::{EcsView, FAST_FIELDS, RawView};

use crate::enrich::GeoIp;
use serde_json::Value;
use std::sync::Arc;

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

impl Retain {
    /// The integration's setting value (`all`, `minimal`, ...), or `None` if unknown.
    pub fn parse(s: &str) -> Option<Retain> {
        Some(match s {
            "all" | "" => Retain::All,
            "minimal" => Retain::Minimal,
            "keyword" => Retain::Keyword,
            "flattened" => Retain::Flattened,
            "none" => Retain::None,
            _ => return None,
        })
    }
}

/// Options of the mapping, as the integration's settings.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// `_conf.retain`: what is kept of request/response payloads.
    pub retain: Retain,
    /// Tag `preserve_original_event`: keep `event.original` (the raw record's text).
    pub preserve_original: bool,
    /// Tag `actor_target_mapping`: run the actor/target entity mapping (`*.entity.id`, `related.entity`).
    pub actor_target_mapping: bool,
    /// The shipper's `@timestamp` (becomes `event.created`; also `@timestamp` if the record has no time).
    pub timestamp: Option<String>,
    /// Add what the indexed data stream holds beyond the pipeline's output: `data_stream.*` (set by
    /// the agent) and the `constant_keyword` fields `event.dataset: aws.cloudtrail`, `event.module: aws`.
    pub data_stream: bool,
    /// The GeoIP/ASN databases behind `source.geo.*` and `source.as.*` (none: no such fields).
    pub geoip: Option<Arc<GeoIp>>,
}

impl Default for MapOptions {
    /// `retain: all`, entity mapping on, no `event.original`, no shipper timestamp, data-stream fields on.
    fn default() -> Self {
        MapOptions {
            retain: Retain::All,
            preserve_original: false,
            actor_target_mapping: true,
            timestamp: None,
            data_stream: true,
            geoip: None,
        }
    }
}

impl MapOptions {
    /// The configuration of Elastic's pipeline tests (both tags, the simulated Filebeat timestamp).
    pub fn elastic_test(retain: Retain) -> Self {
        MapOptions {
            retain,
            preserve_original: true,
            actor_target_mapping: true,
            timestamp: Some("2021-11-11T01:02:03.123456789Z".into()),
            data_stream: false,
            geoip: None,
        }
    }
}

/// Maps one raw CloudTrail record to the ECS document the pipeline would index
/// (`event.original` is the record re-serialised; use [`to_ecs_line`] to keep the exact text).
pub fn to_ecs(raw: &Value, opts: &MapOptions) -> Value {
    pipeline::run(raw, None, opts)
}

/// Maps one line of text as the pipeline receives it in `message`: an empty line gives the
/// near-empty document Elastic indexes for it, unparsable JSON a `pipeline_error` document.
pub fn to_ecs_line(line: &str, opts: &MapOptions) -> Value {
    if line.trim().is_empty() {
        return pipeline::run(&Value::Null, Some(line.to_string()), opts);
    }
    match serde_json::from_str::<Value>(line) {
        Ok(raw) => pipeline::run(&raw, Some(line.to_string()), opts),
        Err(e) => pipeline::parse_failure(line, &e.to_string(), opts),
    }
}
