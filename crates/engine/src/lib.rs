//! Trailhound's detection engine: CloudTrail bytes → records → Elastic ECS → KQL rules → alerts.
//!
//! The pipeline, one module a stage:
//! - [`input`] sniffs a file's shape by content (S3 delivery, arrays, NDJSON, lookup-events, console
//!   CSV, ECS exports, digests; plain or gzip) and yields records or positioned errors;
//! - [`ecs`] maps a raw CloudTrail record to ECS as Elastic's `aws.cloudtrail` ingest pipeline does,
//!   and offers a lazy [`doc::Document`] view over the raw record;
//! - [`kql`] parses Kibana's kuery language and matches it against a [`doc::Document`];
//! - [`rules`] loads Elastic detection rules (TOML, Kibana NDJSON export);
//! - [`scan`] runs it all over a file and produces [`alert::Alert`]s and per-file accounting;
//! - [`output`] renders alerts as table, NDJSON, JSON or CSV.
//!
//! The engine never depends on a browser API: it builds and tests natively and for wasm32.

pub mod alert;
pub mod calendar;
pub mod doc;
pub mod ecs;
pub mod input;
pub mod kql;
pub mod output;
pub mod rules;
pub mod scan;
