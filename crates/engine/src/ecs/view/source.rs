//! The fast fields, computed once for both kinds of raw record: a parsed `Value` and the captured
//! fields of a record still in text ([`Top`]). Each answer is what the full ECS document holds,
//! provided the record is well formed (no processor of the pipeline can fail on it); otherwise the
//! caller asks the document.
//!
//! Depends on the ECS null-removal rules ([`crate::ecs::clean`]) and the outcome processor.

use crate::ecs::MapOptions;
use crate::ecs::clean::{Pass, is_blank_str};
use crate::input::{Lite, Top};
use serde_json::Value;
use std::borrow::Cow;

/// The top-level string fields the fast fields read.
#[derive(Clone, Copy)]
pub(super) enum Key {
    EventSource,
    EventName,
    EventId,
    AwsRegion,
    SourceIpAddress,
    UserAgent,
    /// `userIdentity.type`.
    IdentityType,
}

/// A raw record as the fast fields see it.
pub(super) trait Source {
    /// Whether no processor can fail on the record's shape.
    fn well_formed(&self) -> bool;
    /// The string at a key of the record, when it is one.
    fn text(&self, key: Key) -> Option<&str>;
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
    // A string the first null-removal pass keeps (not "", "-" or "none").
    let text = |key: Key| src.text(key).filter(|s| !is_blank_str(s, Pass::First)).map(Cow::Borrowed);
    Fast::Value(match field {
        "event.provider" => text(Key::EventSource),
        "event.action" => text(Key::EventName),
        "event.id" => text(Key::EventId),
        "cloud.region" => text(Key::AwsRegion),
        "user_agent.original" => text(Key::UserAgent),
        "aws.cloudtrail.user_identity.type" => text(Key::IdentityType),
        // `convert type: ip` keeps an address only when it parses as one.
        "source.ip" => text(Key::SourceIpAddress).filter(|s| s.parse::<std::net::IpAddr>().is_ok()),
        "cloud.service.name" => src
            .text(Key::EventSource)
            .filter(|x| !is_blank_str(x, Pass::First) && x.ends_with(".amazonaws.com"))
            .and_then(|x| x.find(".amazonaws.com").map(|i| &x[..i]))
            .filter(|x| !x.is_empty())
            .map(Cow::Borrowed),
        "event.outcome" => Some(src.outcome()),
        _ => return Fast::Document,
    })
}

impl Source for Value {
    fn well_formed(&self) -> bool {
        well_formed(self)
    }

    fn text(&self, key: Key) -> Option<&str> {
        key_path(key).iter().try_fold(self, |value, name| value.get(name)).and_then(Value::as_str)
    }

    fn outcome(&self) -> Cow<'_, str> {
        let outcome = self.as_object().and_then(crate::ecs::category::outcome);
        Cow::Owned(outcome.unwrap_or_default())
    }
}

impl Source for Top<'_> {
    fn well_formed(&self) -> bool {
        let strings = [
            &self.event_source,
            &self.event_name,
            &self.aws_region,
            &self.event_id,
            &self.source_ip_address,
            &self.user_agent,
            &self.event_time,
            // Not the document's concern, but the outcome below is told only from strings.
            &self.error_code,
            &self.error_message,
        ];
        let objects = [
            &self.request_parameters,
            &self.response_elements,
            &self.additional_event_data,
            &self.service_event_details,
            &self.tls_details,
            &self.user_identity,
        ];
        self.is_object
            && strings.iter().all(|f| f.is_str_or_absent())
            && objects.iter().all(|f| f.is_object_or_absent())
            && (self.response_elements != Lite::Object || self.console_login.is_str_or_absent())
            && (self.user_identity != Lite::Object || self.identity_well_formed())
    }

    fn text(&self, key: Key) -> Option<&str> {
        match key {
            Key::EventSource => self.event_source.as_str(),
            Key::EventName => self.event_name.as_str(),
            Key::EventId => self.event_id.as_str(),
            Key::AwsRegion => self.aws_region.as_str(),
            Key::SourceIpAddress => self.source_ip_address.as_str(),
            Key::UserAgent => self.user_agent.as_str(),
            Key::IdentityType => self.identity_type.as_str(),
        }
    }

    fn outcome(&self) -> Cow<'_, str> {
        // As the outcome processor: a kept error code or message is a failure, and a console
        // login says its own outcome.
        let kept = |f: &Lite<'_>| f.as_str().is_some_and(|s| !is_blank_str(s, Pass::First));
        let mut outcome = Cow::Borrowed(if kept(&self.error_code) || kept(&self.error_message) { "failure" } else { "success" });
        if self.event_name.as_str() == Some("ConsoleLogin")
            && self.response_elements == Lite::Object
            && let Some(s) = self.console_login.as_str()
            && !is_blank_str(s, Pass::First)
        {
            outcome = Cow::Owned(s.to_lowercase());
        }
        outcome
    }
}

impl Top<'_> {
    fn identity_well_formed(&self) -> bool {
        let fields = [&self.identity_type, &self.identity_user_name, &self.identity_arn, &self.identity_invoked_by];
        fields.iter().all(|f| f.is_str_or_absent())
            && match self.session_context {
                Lite::Absent | Lite::Null => true,
                Lite::Object => match self.session_issuer {
                    Lite::Absent | Lite::Null => true,
                    Lite::Object => self.issuer_arn.is_str_or_absent() && self.issuer_user_name.is_str_or_absent(),
                    _ => false,
                },
                _ => false,
            }
    }
}

/// Where a key is in a parsed record.
fn key_path(key: Key) -> &'static [&'static str] {
    match key {
        Key::EventSource => &["eventSource"],
        Key::EventName => &["eventName"],
        Key::EventId => &["eventID"],
        Key::AwsRegion => &["awsRegion"],
        Key::SourceIpAddress => &["sourceIPAddress"],
        Key::UserAgent => &["userAgent"],
        Key::IdentityType => &["userIdentity", "type"],
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
