//! Lazy ECS [`Document`]s over a raw record: [`EcsView`] over a parsed record, [`RawView`] over a
//! record still in text ([`RawRecord`]). The fields rules filter on first are answered from the
//! raw record's top-level fields (and `aws.cloudtrail.read_only`, CloudTrail's `readOnly` kept as
//! it is, for the event index), and a record in text answers its flattened request parameters
//! from `requestParameters` alone ([`flattened`]); anything else builds the full document once and
//! reads it.
//!
//! Depends on [`crate::doc`], the input's [`RawRecord`] and the ECS mapping.

mod flattened;
mod source;

use crate::doc::{Document, Scalar};
use crate::ecs::{MapOptions, to_ecs};
use crate::events::READ_ONLY_FIELD;
use crate::input::RawRecord;
use serde_json::Value;
use source::{Fast, Source, fast_field, fast_millis, fast_read_only};
use std::borrow::Cow;
use std::cell::OnceCell;

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
    "cloud.account.id",
    "cloud.service.name",
    "event.id",
    "source.ip",
    "source.address",
    "user_agent.original",
    "aws.cloudtrail.user_identity.type",
    "aws.cloudtrail.user_identity.arn",
    "aws.cloudtrail.user_identity.invoked_by",
    "aws.cloudtrail.user_identity.access_key_id",
    "aws.cloudtrail.error_code",
    "aws.cloudtrail.user_identity.session_context.ec2_role_delivery",
    "@timestamp",
    "event.ingested",
    "user.name",
    // The enrichment processors' string leaves, from the raw user agent and address.
    "user_agent.name",
    "user_agent.version",
    "user_agent.os.name",
    "user_agent.os.version",
    "user_agent.os.full",
    "user_agent.device.name",
    "source.geo.city_name",
    "source.geo.continent_name",
    "source.geo.country_iso_code",
    "source.geo.country_name",
    "source.geo.region_iso_code",
    "source.geo.region_name",
    "source.as.organization.name",
];

/// A lazy ECS view over a parsed raw record.
pub struct EcsView<'a> {
    raw: &'a Value,
    opts: &'a MapOptions,
    full: OnceCell<Value>,
    simple: bool,
}

impl<'a> EcsView<'a> {
    pub fn new(raw: &'a Value, opts: &'a MapOptions) -> Self {
        EcsView { raw, opts, full: OnceCell::new(), simple: raw.well_formed() }
    }

    /// The raw record.
    pub fn record(&self) -> &Value {
        self.raw
    }

    /// The full ECS document (built on first use).
    pub fn document(&self) -> &Value {
        self.full.get_or_init(|| to_ecs(self.raw, self.opts))
    }

    /// Whether the full document has been built (the fast fields never build it).
    pub fn is_built(&self) -> bool {
        self.full.get().is_some()
    }

    /// The full ECS document, owned (built now if it was not).
    pub fn into_document(self) -> Value {
        self.full.into_inner().unwrap_or_else(|| to_ecs(self.raw, self.opts))
    }
}

impl Document for EcsView<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        if field == READ_ONLY_FIELD
            && let Some(read_only) = fast_read_only(self.simple, self.raw)
        {
            return read_only.is_some_and(|b| visit(Scalar::Bool(b)));
        }
        match fast_field(field, self.opts, self.simple, self.raw) {
            Fast::Value(value) => value.is_some_and(|s| visit(Scalar::Str(&s))),
            Fast::Document => self.document().any_value(field, visit),
        }
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.document().for_each_field(visit);
    }

    fn may_have_subfields(&self, field: &str) -> bool {
        !(self.simple && FAST_FIELDS.contains(&field) && matches!(fast_field(field, self.opts, self.simple, self.raw), Fast::Value(_)))
    }
}

/// A lazy ECS view over a record still in text: the record is parsed, and its document built, only
/// when a field the captured ones cannot answer is asked for.
pub struct RawView<'a> {
    raw: &'a RawRecord<'a>,
    opts: &'a MapOptions,
    parsed: OnceCell<Value>,
    full: OnceCell<Value>,
    /// `requestParameters` alone, for the flattened request parameters rules test.
    members: flattened::Members,
    simple: bool,
}

impl<'a> RawView<'a> {
    pub fn new(raw: &'a RawRecord<'a>, opts: &'a MapOptions) -> Self {
        let simple = raw.top.well_formed();
        RawView { raw, opts, parsed: OnceCell::new(), full: OnceCell::new(), members: OnceCell::new(), simple }
    }

    /// The raw record, parsed (on first use).
    pub fn record(&self) -> &Value {
        self.parsed.get_or_init(|| self.raw.parse())
    }

    /// The full ECS document (built on first use).
    pub fn document(&self) -> &Value {
        self.full.get_or_init(|| to_ecs(self.record(), self.opts))
    }

    /// Whether the record has been parsed (the fast fields never parse it).
    pub fn is_parsed(&self) -> bool {
        self.parsed.get().is_some()
    }

    /// The full ECS document and the parsed record, owned (made now if they were not).
    pub fn into_parts(self) -> (Value, Value) {
        let record = self.parsed.into_inner().unwrap_or_else(|| self.raw.parse());
        let document = self.full.into_inner().unwrap_or_else(|| to_ecs(&record, self.opts));
        (document, record)
    }

    /// `@timestamp` in milliseconds, when it can be told without the document (as
    /// [`RawView::fast_value`] tells its text).
    pub fn fast_millis(&self) -> Option<Option<i64>> {
        fast_millis(self.simple, &*self.raw.top)
    }

    /// A flattened request parameter's string (`None` inside: the document has none), when it can
    /// be told from `requestParameters` alone.
    fn request_parameter(&self, field: &str) -> Option<Option<&str>> {
        flattened::request_parameter(field, self.opts, self.simple, self.raw, &self.members)
    }

    /// The one value of a fast field (`None` inside: the document has none), when it can be told
    /// without the document.
    pub fn fast_value(&self, field: &str) -> Option<Option<Cow<'_, str>>> {
        match fast_field(field, self.opts, self.simple, &*self.raw.top) {
            Fast::Value(value) => Some(value),
            Fast::Document => None,
        }
    }
}

impl Document for RawView<'_> {
    fn any_value(&self, field: &str, visit: &mut dyn FnMut(Scalar<'_>) -> bool) -> bool {
        if field == READ_ONLY_FIELD
            && let Some(read_only) = fast_read_only(self.simple, &*self.raw.top)
        {
            return read_only.is_some_and(|b| visit(Scalar::Bool(b)));
        }
        if let Some(member) = self.request_parameter(field) {
            return member.is_some_and(|s| visit(Scalar::Str(s)));
        }
        match fast_field(field, self.opts, self.simple, &*self.raw.top) {
            Fast::Value(value) => value.is_some_and(|s| visit(Scalar::Str(&s))),
            Fast::Document => self.document().any_value(field, visit),
        }
    }

    fn for_each_field(&self, visit: &mut dyn FnMut(&str)) {
        self.document().for_each_field(visit);
    }

    /// A fast field of a well-formed record is a leaf of its document (a string the pipeline
    /// copies or derives), as is a flattened request parameter told without it, so `field:*`
    /// needs no walk over the whole document.
    fn may_have_subfields(&self, field: &str) -> bool {
        let fast = || matches!(fast_field(field, self.opts, self.simple, &*self.raw.top), Fast::Value(_));
        !(self.simple && FAST_FIELDS.contains(&field) && fast()) && self.request_parameter(field).is_none()
    }
}
