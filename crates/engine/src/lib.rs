//! Trailhound's detection engine: CloudTrail bytes → records → Elastic ECS → rules → alerts.
//!
//! The pipeline, one module a stage:
//! - [`input`] sniffs a file's shape by content (S3 delivery, arrays, NDJSON, lookup-events, console
//!   CSV, ECS exports, digests; plain or gzip) and yields records or positioned errors;
//! - [`ecs`] maps a raw CloudTrail record to ECS as Elastic's `aws.cloudtrail` ingest pipeline does,
//!   and offers a lazy [`doc::Document`] view over the raw record;
//! - [`enrich`] adds what the pipeline looks up: user agents parsed, GeoIP and ASN from databases;
//! - [`kql`] parses Kibana's kuery language and matches it against a [`doc::Document`];
//! - [`eql`] parses Elastic's Event Query Language: event queries matched like KQL, and sequences
//!   with a pure state machine over time-ordered events;
//! - [`rules`] loads Elastic detection rules (TOML, Kibana NDJSON export) of the types query, eql,
//!   threshold and new_terms, and [`sigma`] rules for CloudTrail (YAML);
//! - [`scan`] runs it all over a file (the first stage) and produces [`alert::Alert`]s, the
//!   candidates of stateful rules and per-file accounting;
//! - [`events`] keeps a compact row for every event, for hunting, pivots and summaries;
//! - [`stage`] decides stateful rules (threshold, new_terms, EQL sequences) over every file's
//!   candidates in time order, emulating each rule's executions;
//! - [`output`] renders alerts as table, NDJSON, JSON or CSV.
//!
//! The engine never depends on a browser API: it builds and tests natively and for wasm32.

// The public surface: what the CLI and the app build on.
pub use alert::{Alert, Detail, EventSummary, JsonText, Member, Origin, RuleRef, TextAlert, first};
pub use doc::{Document, Scalar};
pub use events::{Column, EventIndex, FileEvents, Row};
pub use input::resume::{Checkpoints, SeekRead};
pub use input::{FileError, FileRead, FileStatus, Limits, Location, Shape};
pub use kql::Query;
pub use output::{Format, Rendered, printable};
pub use rules::{ProblemKind, Rule, RuleProblem, RuleSet, RuleType, Severity, load_text};
pub use scan::{
    AlertKey, Candidate, Fetched, FileReport, FileScan, FnSink, IdKey, Merge, Scanner, Settled, Sink, Source, Summary, Watched,
};
pub use stage::{Decider, Options as StageOptions, StageReport};

// The stages. `output` is public for its renderers; the others are reached through the types
// above, and stay visible (hidden from the docs) only for the engine's own tests and benchmarks.
#[doc(hidden)]
pub mod alert;
#[doc(hidden)]
pub mod calendar;
#[doc(hidden)]
pub mod doc;
#[doc(hidden)]
pub mod ecs;
pub mod enrich;
#[doc(hidden)]
pub mod eql;
pub mod events;
pub mod examples;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod kql;
pub mod output;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod scan;
#[doc(hidden)]
pub mod sigma;
#[doc(hidden)]
pub mod stage;
pub mod time;
