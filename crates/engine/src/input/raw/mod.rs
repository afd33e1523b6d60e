//! A record read in one borrowed pass: its JSON text, and the handful of top-level fields (and a
//! few nested ones) that say what the record is and answer the rules' most common ECS fields,
//! without building a `serde_json::Value`.
//!
//! The pass validates exactly what parsing to `Value` validates (every value goes through
//! `deserialize_any`: numbers in range, string escapes, the recursion limit), so a file fails at
//! the same byte with the same message either way. Later duplicate keys win, as in `Value`.
//!
//! Plain records take a fast path ([`fast`]) that reads them byte by byte to the same result;
//! the serde pass reads whatever it gives up on, and decides.
//!
//! Depends on nothing else in the crate.

mod fast;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fast_tests;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A captured field: absent, null, a string, or only its kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Lite<'t> {
    #[default]
    Absent,
    Null,
    Str(Cow<'t, str>),
    Object,
    /// A number, a boolean or an array.
    Other,
}

impl Lite<'_> {
    /// The string, if the field is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lite::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_present(&self) -> bool {
        !matches!(self, Lite::Absent)
    }

    /// Absent, null or a string.
    pub fn is_str_or_absent(&self) -> bool {
        matches!(self, Lite::Absent | Lite::Null | Lite::Str(_))
    }

    /// Absent, null or an object.
    pub fn is_object_or_absent(&self) -> bool {
        matches!(self, Lite::Absent | Lite::Null | Lite::Object)
    }
}

/// The fields captured from a record object (top level unless named after their parent).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Top<'t> {
    /// Whether the value was an object at all.
    pub is_object: bool,
    pub event_version: Lite<'t>,
    pub event_source: Lite<'t>,
    pub event_name: Lite<'t>,
    pub event_id: Lite<'t>,
    pub event_time: Lite<'t>,
    pub aws_region: Lite<'t>,
    pub error_code: Lite<'t>,
    pub error_message: Lite<'t>,
    pub source_ip_address: Lite<'t>,
    pub user_agent: Lite<'t>,
    pub request_parameters: Lite<'t>,
    pub additional_event_data: Lite<'t>,
    pub service_event_details: Lite<'t>,
    pub tls_details: Lite<'t>,
    pub response_elements: Lite<'t>,
    /// `responseElements.ConsoleLogin`.
    pub console_login: Lite<'t>,
    pub user_identity: Lite<'t>,
    /// `userIdentity.type`, `.userName`, `.arn`, `.invokedBy`.
    pub identity_type: Lite<'t>,
    pub identity_user_name: Lite<'t>,
    pub identity_arn: Lite<'t>,
    pub identity_invoked_by: Lite<'t>,
    /// `userIdentity.sessionContext` and its `sessionIssuer` (`.arn`, `.userName`).
    pub session_context: Lite<'t>,
    pub session_issuer: Lite<'t>,
    pub issuer_arn: Lite<'t>,
    pub issuer_user_name: Lite<'t>,
    /// Keys that make the object something other than a raw record: a search hit's `_source`, a
    /// lookup-events entry's `CloudTrailEvent`.
    pub hit_source: bool,
    pub cloudtrail_event: bool,
    /// `Records`, `Events` or `hits`: the object may be a container of records.
    pub container_key: bool,
}

impl Top<'_> {
    /// Whether the object is certainly a raw CloudTrail record (the classifier's first verdict
    /// that applies), so that nothing but this pass is needed to yield it.
    pub fn is_plain_cloudtrail(&self) -> bool {
        self.is_object
            && !self.hit_source
            && !self.cloudtrail_event
            && !self.container_key
            && (self.event_version.is_present() || (self.event_source.is_present() && self.event_name.is_present()))
    }
}

/// A raw CloudTrail record: its JSON text and the fields captured from it (on the heap: a [`Top`]
/// is some 600 bytes, and a record is handed on several times on its way to the rules).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord<'t> {
    pub text: &'t str,
    pub top: Box<Top<'t>>,
}

impl<'t> RawRecord<'t> {
    /// Reads one JSON value from `text` in the borrowed pass (for views and tests; files are read
    /// through [`super::read_file`]).
    pub fn new(text: &'t str) -> Result<RawRecord<'t>, serde_json::Error> {
        Ok(RawRecord { text, top: serde_json::from_str::<Boxed<'t>>(text)?.0 })
    }

    /// The record parsed to JSON. The text was validated as `Value` parsing validates it, so this
    /// cannot fail; `null` stands in should it ever.
    pub fn parse(&self) -> serde_json::Value {
        serde_json::from_str(self.text).unwrap_or(serde_json::Value::Null)
    }
}

/// Any JSON value; [`Top`] captures its fields when it is an object.
impl<'de> de::Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Top<'de>, D::Error> {
        let mut top = Top::default();
        fill(de, &mut top)?;
        Ok(top)
    }
}

/// A [`Top`] read straight into its place on the heap, never moved whole.
pub struct Boxed<'t>(pub Box<Top<'t>>);

impl<'de> de::Deserialize<'de> for Boxed<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Boxed<'de>, D::Error> {
        let mut top = Box::default();
        fill(de, &mut top)?;
        Ok(Boxed(top))
    }
}

impl<'t> Boxed<'t> {
    /// Reads the record object at the start of `text` on the fast path, with the bytes it took
    /// (the value alone: what follows is not looked at); `None` when the serde pass must read it
    /// and decide. What it gives is what the serde pass would give.
    pub(crate) fn read_fast(text: &'t str) -> Option<(Boxed<'t>, usize)> {
        let mut top = Box::default();
        let len = fast::read(text, &mut top)?;
        Some((Boxed(top), len))
    }
}

/// Captures the fields of the value `de` reads into `top` (which starts empty).
fn fill<'de, D: Deserializer<'de>>(de: D, top: &mut Top<'de>) -> Result<(), D::Error> {
    let kind = de.deserialize_any(ObjectVisitor { top: Some(top), level: Level::Top })?;
    top.is_object = kind == Lite::Object;
    Ok(())
}

/// Which object the visitor is in.
#[derive(Clone, Copy)]
enum Level {
    Top,
    UserIdentity,
    SessionContext,
    SessionIssuer,
    ResponseElements,
}

/// Where a key's value goes.
enum Slot<'a, 't> {
    Scalar(&'a mut Lite<'t>),
    /// An object whose own fields are captured at `Level`, its kind stored in the slot.
    Nested(Level),
    Flag(&'a mut bool),
    Skip,
}

fn slot<'a, 't>(top: &'a mut Top<'t>, level: Level, key: &str) -> Slot<'a, 't> {
    use Slot::{Flag, Nested, Scalar, Skip};
    match (level, key) {
        (Level::Top, "eventVersion") => Scalar(&mut top.event_version),
        (Level::Top, "eventSource") => Scalar(&mut top.event_source),
        (Level::Top, "eventName") => Scalar(&mut top.event_name),
        (Level::Top, "eventID") => Scalar(&mut top.event_id),
        (Level::Top, "eventTime") => Scalar(&mut top.event_time),
        (Level::Top, "awsRegion") => Scalar(&mut top.aws_region),
        (Level::Top, "errorCode") => Scalar(&mut top.error_code),
        (Level::Top, "errorMessage") => Scalar(&mut top.error_message),
        (Level::Top, "sourceIPAddress") => Scalar(&mut top.source_ip_address),
        (Level::Top, "userAgent") => Scalar(&mut top.user_agent),
        (Level::Top, "requestParameters") => Scalar(&mut top.request_parameters),
        (Level::Top, "additionalEventData") => Scalar(&mut top.additional_event_data),
        (Level::Top, "serviceEventDetails") => Scalar(&mut top.service_event_details),
        (Level::Top, "tlsDetails") => Scalar(&mut top.tls_details),
        (Level::Top, "responseElements") => Nested(Level::ResponseElements),
        (Level::Top, "userIdentity") => Nested(Level::UserIdentity),
        (Level::Top, "_source") => Flag(&mut top.hit_source),
        (Level::Top, "CloudTrailEvent") => Flag(&mut top.cloudtrail_event),
        (Level::Top, "Records" | "Events" | "hits") => Flag(&mut top.container_key),
        (Level::ResponseElements, "ConsoleLogin") => Scalar(&mut top.console_login),
        (Level::UserIdentity, "type") => Scalar(&mut top.identity_type),
        (Level::UserIdentity, "userName") => Scalar(&mut top.identity_user_name),
        (Level::UserIdentity, "arn") => Scalar(&mut top.identity_arn),
        (Level::UserIdentity, "invokedBy") => Scalar(&mut top.identity_invoked_by),
        (Level::UserIdentity, "sessionContext") => Nested(Level::SessionContext),
        (Level::SessionContext, "sessionIssuer") => Nested(Level::SessionIssuer),
        (Level::SessionIssuer, "arn") => Scalar(&mut top.issuer_arn),
        (Level::SessionIssuer, "userName") => Scalar(&mut top.issuer_user_name),
        _ => Skip,
    }
}

/// A key, routed to its [`Slot`] as it is read (borrowed, never allocated unless escaped).
struct KeySeed<'a, 't> {
    top: &'a mut Top<'t>,
    level: Level,
}

impl<'de, 'a> DeserializeSeed<'de> for KeySeed<'a, 'de> {
    type Value = Slot<'a, 'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Slot<'a, 'de>, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de, 'a> Visitor<'de> for KeySeed<'a, 'de> {
    type Value = Slot<'a, 'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Slot<'a, 'de>, E> {
        Ok(slot(self.top, self.level, key))
    }
}

/// Clears the fields under a nested object (a later duplicate key replaces the whole object).
fn reset(top: &mut Top<'_>, level: Level) {
    let clear = |fields: &mut [&mut Lite<'_>]| fields.iter_mut().for_each(|f| **f = Lite::Absent);
    match level {
        Level::ResponseElements => clear(&mut [&mut top.console_login]),
        Level::UserIdentity => clear(&mut [
            &mut top.identity_type,
            &mut top.identity_user_name,
            &mut top.identity_arn,
            &mut top.identity_invoked_by,
            &mut top.session_context,
            &mut top.session_issuer,
            &mut top.issuer_arn,
            &mut top.issuer_user_name,
        ]),
        Level::SessionContext => clear(&mut [&mut top.session_issuer, &mut top.issuer_arn, &mut top.issuer_user_name]),
        Level::SessionIssuer => clear(&mut [&mut top.issuer_arn, &mut top.issuer_user_name]),
        Level::Top => {}
    }
}

/// Visits any JSON value; in an object, routes each key's value to its [`Slot`]. Returns the
/// value's kind (with the string when it is one).
struct ObjectVisitor<'a, 't> {
    /// Where captured fields go; `None` for a value none of whose fields are captured.
    top: Option<&'a mut Top<'t>>,
    level: Level,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, 'de> {
    type Value = Lite<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lite<'de>, A::Error> {
        let Some(top) = self.top else {
            SkipVisitor.visit_map(map)?;
            return Ok(Lite::Object);
        };
        while let Some(slot) = map.next_key_seed(KeySeed { top: &mut *top, level: self.level })? {
            match slot {
                Slot::Scalar(field) => *field = map.next_value_seed(LiteSeed)?,
                Slot::Flag(flag) => {
                    *flag = true;
                    map.next_value::<Skip>()?;
                }
                Slot::Nested(level) => {
                    reset(top, level);
                    let kind = map.next_value_seed(NestedSeed { top, level })?;
                    if let Some(slot) = nested_kind(top, level) {
                        *slot = kind;
                    }
                }
                Slot::Skip => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(Lite::Object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lite<'de>, A::Error> {
        Skip::seq(seq)?;
        Ok(Lite::Other)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Lite<'de>, E> {
        Ok(Lite::Str(Cow::Owned(v.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Lite<'de>, E> {
        Ok(Lite::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Lite<'de>, E> {
        Ok(Lite::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lite<'de>, E> {
        Ok(Lite::Other)
    }
}

/// The slot of a nested object's own kind.
fn nested_kind<'a, 't>(top: &'a mut Top<'t>, level: Level) -> Option<&'a mut Lite<'t>> {
    match level {
        Level::ResponseElements => Some(&mut top.response_elements),
        Level::UserIdentity => Some(&mut top.user_identity),
        Level::SessionContext => Some(&mut top.session_context),
        Level::SessionIssuer => Some(&mut top.session_issuer),
        Level::Top => None,
    }
}

struct NestedSeed<'a, 't> {
    top: &'a mut Top<'t>,
    level: Level,
}

impl<'de> DeserializeSeed<'de> for NestedSeed<'_, 'de> {
    type Value = Lite<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Lite<'de>, D::Error> {
        de.deserialize_any(ObjectVisitor { top: Some(self.top), level: self.level })
    }
}

/// A scalar slot's value: its kind, and the string when it is one.
struct LiteSeed;

impl<'de> DeserializeSeed<'de> for LiteSeed {
    type Value = Lite<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Lite<'de>, D::Error> {
        // No captured fields: the level is never consulted.
        de.deserialize_any(ObjectVisitor { top: None, level: Level::Top })
    }
}

/// Consumes any JSON value, validating it exactly as parsing it to `Value` would.
pub(crate) struct Skip;

impl Skip {
    fn seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(())
    }
}

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Skip, D::Error> {
        de.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<IgnoredKey>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Skip, A::Error> {
        Skip::seq(seq)?;
        Ok(Skip)
    }

    fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
}

/// A map key, parsed (escapes checked) as `Value` parses keys, then dropped.
struct IgnoredKey;

impl<'de> de::Deserialize<'de> for IgnoredKey {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<IgnoredKey, D::Error> {
        de.deserialize_str(SkipVisitor).map(|_| IgnoredKey)
    }
}
