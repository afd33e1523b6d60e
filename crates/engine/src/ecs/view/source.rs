//! The fast fields, computed once for both kinds of raw record: a parsed `Value` and the captured
//! fields of a record still in text ([`Top`]). Each answer is what the full ECS document holds,
//! provided the record is well formed (no processor of the pipeline can fail on it); otherwise the
//! caller asks the document. Both read the fields of the input's table ([`Field`]), by their path
//! in a `Value`, captured in a [`Top`].
//!
//! Depends on the input's captured fields, the ECS null-removal rules ([`crate::ecs::clean`]), the
//! outcome processor, the identity steps' service-linked role rule and the enrichment processors.

use crate::ecs::MapOptions;
use crate::ecs::clean::{Pass, is_blank_str};
use crate::enrich::{GeoIp, user_agent};
use crate::input::{Field, Kind, Lite, Top};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::net::IpAddr;

/// A raw record as the fast fields see it.
pub(super) trait Source {
    /// Whether no processor can fail on the record's shape.
    fn well_formed(&self) -> bool;
    /// The string at a field of the record, when it is one.
    fn text(&self, field: Field) -> Option<&str>;
    /// The boolean at a field of the record: `Some(None)` when it is absent or null, `None` when
    /// it is something else.
    fn boolean(&self, field: Field) -> Option<Option<bool>>;
    /// `event.outcome` (for a well-formed record).
    fn outcome(&self) -> Cow<'_, str>;
}

/// A fast field's answer.
pub(super) enum Fast<'s> {
    /// The field's one value, or `None` when the document does not have it.
    Value(Option<Cow<'s, str>>),
    /// Only the full document can answer.
    Document,
}

/// `aws.cloudtrail.read_only` (CloudTrail's `readOnly`, kept as it is) when the raw record tells
/// it: `Some(None)` when the document has none, `None` when only the document can tell.
pub(super) fn fast_read_only(simple: bool, src: &dyn Source) -> Option<Option<bool>> {
    simple.then(|| src.boolean(Field::ReadOnly)).flatten()
}

/// What the ECS document holds at `field`, when it can be told from the raw record.
pub(super) fn fast_field<'s>(field: &str, opts: &MapOptions, simple: bool, src: &'s dyn Source) -> Fast<'s> {
    let constant = |s: &'static str| Fast::Value(Some(Cow::Borrowed(s)));
    match field {
        "event.dataset" | "data_stream.dataset" => return Fast::Value(opts.data_stream.then_some(Cow::Borrowed("aws.cloudtrail"))),
        "event.module" => return Fast::Value(opts.data_stream.then_some(Cow::Borrowed("aws"))),
        _ if !simple => return Fast::Document,
        "cloud.provider" => return constant("aws"),
        _ => {}
    }
    let text = |field: Field| kept(src, field).map(Cow::Borrowed);
    Fast::Value(match field {
        "event.provider" => text(Field::EventSource),
        "event.action" => text(Field::EventName),
        "event.id" => text(Field::EventId),
        "cloud.region" => text(Field::AwsRegion),
        // The identity's account, else the recipient's, else a digest's.
        "cloud.account.id" => {
            text(Field::IdentityAccountId).or_else(|| text(Field::RecipientAccountId)).or_else(|| text(Field::AwsAccountId))
        }
        "user_agent.original" => text(Field::UserAgent),
        "aws.cloudtrail.user_identity.type" => text(Field::IdentityType),
        "aws.cloudtrail.user_identity.access_key_id" => text(Field::IdentityAccessKeyId),
        "aws.cloudtrail.user_identity.arn" => text(Field::IdentityArn),
        "aws.cloudtrail.user_identity.invoked_by" => text(Field::IdentityInvokedBy),
        "aws.cloudtrail.error_code" => text(Field::ErrorCode),
        // Renamed as it is: a string, or nothing when absent or null; anything else the document's.
        "aws.cloudtrail.user_identity.session_context.ec2_role_delivery" => match src.boolean(Field::Ec2RoleDelivery) {
            Some(None) => None,
            _ if src.text(Field::Ec2RoleDelivery).is_some() => text(Field::Ec2RoleDelivery),
            _ => return Fast::Document,
        },
        // The date processor's; a time it cannot read leaves the shipper's, which only the
        // document knows.
        "@timestamp" => match src.text(Field::EventTime).and_then(|t| crate::ecs::date::to_timestamp(t, false)) {
            Some(ts) => Some(Cow::Owned(ts)),
            None => return Fast::Document,
        },
        // Set by Elasticsearch when it indexes a document, never by the pipeline.
        "event.ingested" => None,
        "user.name" => match user_name(src) {
            Some(name) => name,
            None => return Fast::Document,
        },
        "source.address" => text(Field::SourceIpAddress),
        // `convert type: ip` keeps an address only when it parses as one.
        "source.ip" => text(Field::SourceIpAddress).filter(|s| s.parse::<std::net::IpAddr>().is_ok()),
        "cloud.service.name" => kept(src, Field::EventSource)
            .filter(|x| x.ends_with(".amazonaws.com"))
            .and_then(|x| x.find(".amazonaws.com").map(|i| &x[..i]))
            .filter(|x| !x.is_empty())
            .map(Cow::Borrowed),
        "event.outcome" => Some(src.outcome()),
        _ => return enriched(field, opts, src),
    })
}

/// `@timestamp` in milliseconds (`Some(None)`: the document has none), when it can be told
/// without the document: what [`fast_field`] gives for it, not printed.
pub(super) fn fast_millis(simple: bool, src: &dyn Source) -> Option<Option<i64>> {
    if !simple {
        return None;
    }
    match src.text(Field::EventTime) {
        // A time the date processor cannot read leaves the shipper's: only the document knows.
        Some(text) => crate::ecs::date::to_millis(text).map(Some),
        None => None,
    }
}

/// The string leaves of `user_agent.*`, `source.geo.*` and `source.as.*`, computed from the raw
/// user agent and address as the pipeline's enrichment processors compute them.
fn enriched<'s>(field: &str, opts: &MapOptions, src: &'s dyn Source) -> Fast<'s> {
    if let Some(sub) = field.strip_prefix("user_agent.") {
        return match sub {
            "name" | "version" | "os.name" | "os.version" | "os.full" | "device.name" => {
                Fast::Value(kept(src, Field::UserAgent).and_then(|ua| user_agent::parse(ua).field(sub)).map(Cow::Owned))
            }
            _ => Fast::Document,
        };
    }
    let (lookup, sub): (Lookup, &str) = match field.split_at_checked(11) {
        Some(("source.geo.", sub)) if GEO_STRINGS.contains(&sub) => (GeoIp::geo, sub),
        _ => match field {
            "source.as.organization.name" => (GeoIp::asn, "organization"),
            _ => return Fast::Document,
        },
    };
    let Some(geoip) = &opts.geoip else {
        return Fast::Value(None);
    };
    let ip = src.text(Field::SourceIpAddress).and_then(|s| s.parse::<IpAddr>().ok());
    let found = ip.and_then(|ip| lookup(geoip, ip)).and_then(|mut m| m.remove(sub));
    Fast::Value(match found {
        Some(Value::String(s)) => Some(Cow::Owned(s)),
        Some(Value::Object(mut org)) => match org.remove("name") {
            Some(Value::String(s)) => Some(Cow::Owned(s)),
            _ => None,
        },
        _ => None,
    })
}

/// A database lookup: `source.geo` or `source.as` of an address.
type Lookup = fn(&GeoIp, IpAddr) -> Option<Map<String, Value>>;

/// The `source.geo.*` fields that hold one string.
const GEO_STRINGS: &[&str] = &["city_name", "continent_name", "country_iso_code", "country_name", "region_iso_code", "region_name"];

/// The string at `field` when the first null-removal pass keeps it (not "", "-" or "none").
fn kept(src: &dyn Source, field: Field) -> Option<&str> {
    src.text(field).filter(|s| !is_blank_str(s, Pass::First))
}

/// `user.name` as the identity steps set it, or `None` where only the document can tell: the IAM
/// user's name, or for an assumed role or federated user its session issuer's, unless the caller
/// is an AWS service (an `AWSService` identity that names its service, or a role under
/// `:role/aws-service-role/`). A `UserAuthentication` event may take it from its additional data.
fn user_name<'s>(src: &'s dyn Source) -> Option<Option<Cow<'s, str>>> {
    let text = |field: Field| kept(src, field);
    if src.text(Field::EventName) == Some("UserAuthentication") {
        return None;
    }
    let kind = text(Field::IdentityType);
    let invoked_by = text(Field::IdentityInvokedBy);
    let service = match kind {
        Some("AWSService") => invoked_by,
        Some("AssumedRole") => text(Field::IssuerArn).and_then(|arn| crate::ecs::identity::service_linked(arn, invoked_by)),
        _ => None,
    };
    if service.is_some_and(|s| !s.is_empty()) {
        return Some(None);
    }
    let role_like = matches!(kind, Some("AssumedRole" | "FederatedUser"));
    let name =
        if role_like { text(Field::IssuerUserName).or_else(|| text(Field::IdentityUserName)) } else { text(Field::IdentityUserName) };
    Some(name.map(Cow::Borrowed))
}

impl Source for Value {
    fn well_formed(&self) -> bool {
        well_formed(self)
    }

    fn text(&self, field: Field) -> Option<&str> {
        field.path().iter().try_fold(self, |value, name| value.get(name)).and_then(Value::as_str)
    }

    fn boolean(&self, field: Field) -> Option<Option<bool>> {
        match field.path().iter().try_fold(self, |value, name| value.get(name)) {
            Some(Value::Bool(b)) => Some(Some(*b)),
            None | Some(Value::Null) => Some(None),
            Some(_) => None,
        }
    }

    fn outcome(&self) -> Cow<'_, str> {
        let outcome = self.as_object().and_then(crate::ecs::category::outcome);
        Cow::Owned(outcome.unwrap_or_default())
    }
}

impl Source for Top<'_> {
    fn well_formed(&self) -> bool {
        // A field inside an object is captured only when the object is one, as `well_formed`
        // below finds it only then.
        self.is_object
            && Field::all(|field| match field.kind() {
                Kind::Any => true,
                Kind::Str => self[field].is_str_or_absent(),
                Kind::Object => self[field].is_object_or_absent(),
            })
            // Not the document's concern, but the outcome below is told only from strings.
            && self[Field::ErrorCode].is_str_or_absent()
            && self[Field::ErrorMessage].is_str_or_absent()
    }

    fn text(&self, field: Field) -> Option<&str> {
        self[field].as_str()
    }

    fn boolean(&self, field: Field) -> Option<Option<bool>> {
        match self[field] {
            Lite::Bool(b) => Some(Some(b)),
            Lite::Absent | Lite::Null => Some(None),
            _ => None,
        }
    }

    fn outcome(&self) -> Cow<'_, str> {
        // As the outcome processor: a kept error code or message is a failure, and a console
        // login says its own outcome.
        let kept = |f: Field| self[f].as_str().is_some_and(|s| !is_blank_str(s, Pass::First));
        let mut outcome = Cow::Borrowed(if kept(Field::ErrorCode) || kept(Field::ErrorMessage) { "failure" } else { "success" });
        if self[Field::EventName].as_str() == Some("ConsoleLogin")
            && self[Field::ResponseElements] == Lite::Object
            && let Some(s) = self[Field::ConsoleLogin].as_str()
            && !is_blank_str(s, Pass::First)
        {
            outcome = Cow::Owned(s.to_lowercase());
        }
        outcome
    }
}

/// Whether no processor can fail on the record's shape, so the fast fields are what the document
/// would hold (a failing record falls back to the document): each field of the table is of its
/// kind, those inside an object checked when the object is one.
fn well_formed(raw: &Value) -> bool {
    if !raw.is_object() {
        return false;
    }
    // The value of each field found so far (a parent comes before its fields).
    let mut found: [Option<&Value>; Field::COUNT] = [None; Field::COUNT];
    Field::all(|field| {
        if field.kind() == Kind::Any && !field.has_fields() {
            return true;
        }
        let object = match field.parent() {
            None => Some(raw),
            Some(parent) => found[parent.index()],
        };
        let value = object.and_then(|o| o.get(field.key()));
        found[field.index()] = value;
        match field.kind() {
            Kind::Any => true,
            Kind::Str => matches!(value, None | Some(Value::Null | Value::String(_))),
            Kind::Object => matches!(value, None | Some(Value::Null | Value::Object(_))),
        }
    })
}
