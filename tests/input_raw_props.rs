//! The borrowed pass over a record (`input::Top`) must agree with parsing it to `serde_json::Value`:
//! it fails exactly when `Value` fails, with the same message and position, and every field it
//! captures is what the parsed record holds (later duplicate keys winning, escaped keys decoded,
//! nested objects replaced whole). Checked on generated JSON objects built from the keys it
//! captures, with duplicates, escapes, lone surrogates, huge numbers and nesting.

use proptest::prelude::*;
use serde_json::Value;
use trailhound_engine::input::{Field, Lite, Top};

/// Keys the pass captures (some written escaped), and a few it skips.
const KEYS: &[&str] = &[
    "eventVersion",
    "eventSource",
    "event\\u0053ource",
    "eventName",
    "eventID",
    "errorCode",
    "userAgent",
    "readOnly",
    "userIdentity",
    "type",
    "arn",
    "sessionContext",
    "sessionIssuer",
    "userName",
    "responseElements",
    "ConsoleLogin",
    "Records",
    "_source",
    "CloudTrailEvent",
    "other",
];

const SCALARS: &[&str] =
    &["\"s3.amazonaws.com\"", "\"\"", "\"-\"", "\"caf\\u00e9\"", "\"\\ud800\"", "1", "-2.5", "1e999", "true", "false", "null", "\"Root\""];

fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(SCALARS).prop_map(str::to_string);
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![prop::collection::vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(","))), object(inner),]
    })
}

fn object(value: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), value), 0..8)
        .prop_map(|members| format!("{{{}}}", members.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(",")))
}

fn lite(value: Option<&Value>) -> Lite<'static> {
    match value {
        None => Lite::Absent,
        Some(Value::Null) => Lite::Null,
        Some(Value::String(s)) => Lite::Str(s.clone().into()),
        Some(Value::Object(_)) => Lite::Object,
        Some(Value::Bool(b)) => Lite::Bool(*b),
        Some(_) => Lite::Other,
    }
}

/// The member `key` of `value` when `value` is an object.
fn at<'v>(value: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    value.and_then(Value::as_object).and_then(|m| m.get(key))
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let parsed = serde_json::from_str::<Value>(text);
    let top = serde_json::from_str::<Top<'_>>(text);
    let (value, top) = match (parsed, top) {
        (Ok(value), Ok(top)) => (value, top),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a.to_string(), b.to_string(), "{}", text);
            return Ok(());
        }
        (a, b) => return Err(TestCaseError::fail(format!("Value {:?} but Top {:?} for {text}", a.err(), b.err()))),
    };
    let root = Some(&value);
    let identity = at(root, "userIdentity");
    let context = at(identity, "sessionContext");
    let issuer = at(context, "sessionIssuer");
    let expected = [
        ("eventVersion", &top[Field::EventVersion], lite(at(root, "eventVersion"))),
        ("eventSource", &top[Field::EventSource], lite(at(root, "eventSource"))),
        ("eventName", &top[Field::EventName], lite(at(root, "eventName"))),
        ("eventID", &top[Field::EventId], lite(at(root, "eventID"))),
        ("errorCode", &top[Field::ErrorCode], lite(at(root, "errorCode"))),
        ("userAgent", &top[Field::UserAgent], lite(at(root, "userAgent"))),
        ("responseElements", &top[Field::ResponseElements], lite(at(root, "responseElements"))),
        ("ConsoleLogin", &top[Field::ConsoleLogin], lite(at(at(root, "responseElements"), "ConsoleLogin"))),
        ("userIdentity", &top[Field::UserIdentity], lite(identity)),
        ("userIdentity.type", &top[Field::IdentityType], lite(at(identity, "type"))),
        ("userIdentity.arn", &top[Field::IdentityArn], lite(at(identity, "arn"))),
        ("userIdentity.userName", &top[Field::IdentityUserName], lite(at(identity, "userName"))),
        ("sessionContext", &top[Field::SessionContext], lite(context)),
        ("sessionIssuer", &top[Field::SessionIssuer], lite(issuer)),
        ("sessionIssuer.arn", &top[Field::IssuerArn], lite(at(issuer, "arn"))),
        ("sessionIssuer.userName", &top[Field::IssuerUserName], lite(at(issuer, "userName"))),
    ];
    for (name, got, want) in expected {
        prop_assert_eq!(got, &want, "{} in {}", name, text);
    }
    let has = |k: &str| at(root, k).is_some();
    prop_assert_eq!(top.is_object, value.is_object());
    let plain = value.is_object()
        && !has("_source")
        && !has("CloudTrailEvent")
        && !has("Records")
        && (has("eventVersion") || (has("eventSource") && has("eventName")));
    prop_assert_eq!(top.is_plain_cloudtrail(), plain, "{}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn the_borrowed_pass_agrees_with_value(text in object(json_value())) {
        check(&text)?;
    }

    #[test]
    fn any_json_value_agrees_too(text in json_value()) {
        check(&text)?;
    }
}
