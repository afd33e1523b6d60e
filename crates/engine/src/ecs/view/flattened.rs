//! `aws.cloudtrail.flattened.request_parameters.<key>` of a record still in text, read from the
//! text of its `requestParameters` alone (kept by the input's fast path), never from the whole
//! document: rules test these (`bucketName`, `secretId`, `policyArn`) after their action, and
//! building the document for each such record was a third of the default pack's time.
//!
//! The pipeline copies `requestParameters` as it is, after its first null-removal pass, when the
//! payload is kept whole (`_conf.retain` `all` or `flattened`) and its text is under the keyword
//! limit; no step before that copy can fail on a well-formed record (the entity script only
//! records its errors). Only a plain member is answered here: a string (or its absence) under a
//! key without a dot, of a well-formed record small enough that the limit cannot be reached, whose
//! `requestParameters` has no dotted key (a path to Elasticsearch). Anything else is the
//! document's.
//!
//! Depends on the input's captured fields and the ECS null-removal rules.

use crate::ecs::clean::{Pass, is_blank_str};
use crate::ecs::{MapOptions, Retain};
use crate::input::{Field, Lite, RawRecord};
use serde_json::{Map, Value};
use std::cell::OnceCell;

/// The fields answered here: this, then a member's key.
const PREFIX: &str = "aws.cloudtrail.flattened.request_parameters.";

/// The longest record answered: the payload's Java text is then under the 32,766 characters of a
/// keyword. The text is at most twice the JSON (`-0` prints as `-0.0`, `[1,2]` as `[1, 2]`)
/// because the fast reader, which alone keeps `requestParameters`'s text, never reads a number
/// with an exponent (`1e6` prints as `1000000.0`): should it ever, this bound must change.
const MAX_RECORD: usize = 16 * 1024;

/// `requestParameters` parsed on first use: `None` when it is not answered here.
pub(super) type Members = OnceCell<Option<Map<String, Value>>>;

/// What the document holds at `field` (its one string, or `None`), when it is a flattened request
/// parameter this module can tell; `None` when only the document can.
pub(super) fn request_parameter<'m>(
    field: &str,
    opts: &MapOptions,
    simple: bool,
    raw: &RawRecord<'_>,
    members: &'m Members,
) -> Option<Option<&'m str>> {
    let key = field.strip_prefix(PREFIX)?;
    let kept_whole = matches!(opts.retain, Retain::All | Retain::Flattened);
    if !simple || !kept_whole || key.contains('.') || raw.text.len() > MAX_RECORD {
        return None;
    }
    match raw.top[Field::RequestParameters] {
        Lite::Absent | Lite::Null => return Some(None),
        Lite::Object => {}
        _ => return None,
    }
    let members = members
        .get_or_init(|| {
            let map: Map<String, Value> = serde_json::from_str(raw.top.request_parameters?).ok()?;
            (!map.keys().any(|k| k.contains('.'))).then_some(map)
        })
        .as_ref()?;
    match members.get(key) {
        None => Some(None),
        Some(Value::String(s)) => Some((!is_blank_str(s, Pass::First)).then_some(s.as_str())),
        Some(_) => None,
    }
}
