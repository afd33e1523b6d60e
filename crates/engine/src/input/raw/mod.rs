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
//! Which fields are captured, and where they are, is the table of [`fields`].
//!
//! Depends on nothing else in the crate.

mod fast;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod fast_tests;
mod fields;

pub use fields::{Field, Kind};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::ops::{Index, IndexMut};

/// A captured field: absent, null, a string, or only its kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Lite<'t> {
    #[default]
    Absent,
    Null,
    Str(Cow<'t, str>),
    Object,
    Bool(bool),
    /// A number or an array.
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

/// The fields captured from a record object: those of the [`Field`] table, read with
/// `top[field]`, and a few flags.
#[derive(Debug, Clone)]
pub struct Top<'t> {
    /// Whether the value was an object at all.
    pub is_object: bool,
    /// Indexed by [`Field::index`].
    fields: [Lite<'t>; Field::COUNT],
    /// Keys that make the object something other than a raw record: a search hit's `_source`, a
    /// lookup-events entry's `CloudTrailEvent`.
    pub hit_source: bool,
    pub cloudtrail_event: bool,
    /// `Records`, `Events` or `hits`: the object may be a container of records.
    pub container_key: bool,
    /// The text of `requestParameters` when it is an object the fast path read (the serde pass
    /// leaves it `None`), so that one of its members can be read without parsing the record.
    pub request_parameters: Option<&'t str>,
}

impl Default for Top<'_> {
    fn default() -> Self {
        Top {
            is_object: false,
            fields: Field::array(|_| Lite::Absent),
            hit_source: false,
            cloudtrail_event: false,
            container_key: false,
            request_parameters: None,
        }
    }
}

/// Equal when the same fields and flags were captured, whichever pass read them (only the fast
/// path keeps `request_parameters`'s text, a shortcut that says nothing the fields do not).
impl PartialEq for Top<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.is_object == other.is_object
            && self.fields == other.fields
            && self.hit_source == other.hit_source
            && self.cloudtrail_event == other.cloudtrail_event
            && self.container_key == other.container_key
    }
}

impl<'t> Index<Field> for Top<'t> {
    type Output = Lite<'t>;

    fn index(&self, field: Field) -> &Lite<'t> {
        &self.fields[field.index()]
    }
}

impl IndexMut<Field> for Top<'_> {
    fn index_mut(&mut self, field: Field) -> &mut Self::Output {
        &mut self.fields[field.index()]
    }
}

impl Top<'_> {
    /// Whether the object is certainly a raw CloudTrail record (the classifier's first verdict
    /// that applies), so that nothing but this pass is needed to yield it.
    pub fn is_plain_cloudtrail(&self) -> bool {
        self.is_object
            && !self.hit_source
            && !self.cloudtrail_event
            && !self.container_key
            && (self[Field::EventVersion].is_present() || (self[Field::EventSource].is_present() && self[Field::EventName].is_present()))
    }

    /// Clears the fields inside `field`, which is read anew (a later duplicate key replaces the
    /// whole object).
    fn reset(&mut self, field: Field) {
        field.descendants().for_each(|inner| self[inner] = Lite::Absent);
    }

    fn flag(&mut self, flag: Flag) -> &mut bool {
        match flag {
            Flag::HitSource => &mut self.hit_source,
            Flag::CloudTrailEvent => &mut self.cloudtrail_event,
            Flag::ContainerKey => &mut self.container_key,
        }
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
        // As a file's records are read: the fast path, else the serde pass.
        if let Some((Boxed(top), len)) = Boxed::read_fast(text)
            && text[len..].bytes().all(|b| matches!(b, b' ' | b'\n' | b'\t' | b'\r'))
        {
            return Ok(RawRecord { text, top });
        }
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
    let kind = de.deserialize_any(ObjectVisitor { top: Some(top), level: None })?;
    top.is_object = kind == Lite::Object;
    Ok(())
}

/// The flags of [`Top`].
#[derive(Clone, Copy)]
enum Flag {
    HitSource,
    CloudTrailEvent,
    ContainerKey,
}

/// Where a key's value goes. Keys are routed in the object of a field (`None`: the record).
enum Slot {
    Scalar(Field),
    /// An object whose own fields are captured, its kind stored in the field.
    Nested(Field),
    Flag(Flag),
    Skip,
}

#[inline(always)]
fn slot(level: Option<Field>, key: &str) -> Slot {
    match Field::find(level, key) {
        Some(field) if field.has_fields() => Slot::Nested(field),
        Some(field) => Slot::Scalar(field),
        None if level.is_some() => Slot::Skip,
        None => match key {
            "_source" => Slot::Flag(Flag::HitSource),
            "CloudTrailEvent" => Slot::Flag(Flag::CloudTrailEvent),
            "Records" | "Events" | "hits" => Slot::Flag(Flag::ContainerKey),
            _ => Slot::Skip,
        },
    }
}

/// A key, routed to its [`Slot`] as it is read (borrowed, never allocated unless escaped).
struct KeySeed {
    level: Option<Field>,
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Slot, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Slot, E> {
        Ok(slot(self.level, key))
    }
}

/// Visits any JSON value; in an object, routes each key's value to its [`Slot`]. Returns the
/// value's kind (with the string when it is one).
struct ObjectVisitor<'a, 't> {
    /// Where captured fields go; `None` for a value none of whose fields are captured.
    top: Option<&'a mut Top<'t>>,
    /// The field the value is (`None`: the record).
    level: Option<Field>,
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
        while let Some(slot) = map.next_key_seed(KeySeed { level: self.level })? {
            match slot {
                Slot::Scalar(field) => top[field] = map.next_value_seed(LiteSeed)?,
                Slot::Flag(flag) => {
                    *top.flag(flag) = true;
                    map.next_value::<Skip>()?;
                }
                Slot::Nested(field) => {
                    top.reset(field);
                    let kind = map.next_value_seed(NestedSeed { top, field })?;
                    top[field] = kind;
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

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Bool(v))
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

/// The value of a field with fields of its own: those are captured when it is an object.
struct NestedSeed<'a, 't> {
    top: &'a mut Top<'t>,
    field: Field,
}

impl<'de> DeserializeSeed<'de> for NestedSeed<'_, 'de> {
    type Value = Lite<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Lite<'de>, D::Error> {
        de.deserialize_any(ObjectVisitor { top: Some(self.top), level: Some(self.field) })
    }
}

/// A scalar slot's value: its kind, and the string when it is one.
struct LiteSeed;

impl<'de> DeserializeSeed<'de> for LiteSeed {
    type Value = Lite<'de>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Lite<'de>, D::Error> {
        // No captured fields: the level is never consulted.
        de.deserialize_any(ObjectVisitor { top: None, level: None })
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
