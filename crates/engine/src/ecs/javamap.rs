//! Java's `Object.toString()` of parsed JSON, as painless prints it: `java.util.HashMap` iteration
//! order (String.hashCode buckets), `{k=v, ...}`, `[a, b]`, `Double.toString` numbers.
//!
//! Depends on nothing but serde_json.

use serde_json::Value;

/// Java `String.hashCode` (31·h + UTF-16 unit, wrapping int32).
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// The table size a default `HashMap` has after `inserted` distinct insertions.
pub fn capacity_for(inserted: usize) -> usize {
    let mut cap = 16usize;
    while inserted > cap / 4 * 3 {
        cap *= 2;
    }
    cap
}

/// Bucket of `key` in a table of `cap` slots (`(h ^ (h >>> 16)) & (cap - 1)`).
pub fn bucket(key: &str, cap: usize) -> usize {
    let h = string_hash(key) as u32;
    ((h ^ (h >> 16)) as usize) & (cap - 1)
}

/// Reorders `entries` (in insertion order) into the iteration order of a `HashMap` that saw
/// `inserted` distinct insertions (removals never shrink the table).
pub fn hashmap_order<K: AsRef<str>, T>(entries: Vec<(K, T)>, inserted: usize) -> Vec<(K, T)> {
    let cap = capacity_for(inserted);
    let mut keyed: Vec<(usize, (K, T))> = entries.into_iter().map(|e| (bucket(e.0.as_ref(), cap), e)).collect();
    keyed.sort_by_key(|(b, _)| *b); // stable: a bucket keeps insertion order
    keyed.into_iter().map(|(_, e)| e).collect()
}

/// Java `Double.toString`.
pub fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let abs = f.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{f}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') { mant.to_string() } else { format!("{mant}.0") };
        format!("{mant}E{exp}")
    }
}

/// Java `toString` of a JSON number as Jackson parses it (int/long/BigInteger or double).
pub fn java_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        java_double(n.as_f64().unwrap_or(0.0))
    }
}

/// Java `toString` of a value whose maps are `HashMap`s built from the JSON (in input order).
pub fn to_java_string(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out, None);
    out
}

/// Java `toString` of `raw` as it is after the pipeline's first null-removal pass, which drops
/// entries after the maps were filled (so a map's table keeps the size of the raw object).
/// `None` when the pass removes the value itself.
pub fn to_java_string_cleaned(raw: &Value) -> Option<String> {
    crate::ecs::clean::survives(raw, crate::ecs::clean::Pass::First).then(|| {
        let mut out = String::new();
        write(raw, &mut out, Some(crate::ecs::clean::Pass::First));
        out
    })
}

fn write(v: &Value, out: &mut String, filter: Option<crate::ecs::clean::Pass>) {
    let keep = |x: &Value| filter.is_none_or(|p| crate::ecs::clean::survives(x, p));
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&java_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            let mut first = true;
            for item in items.iter().filter(|x| keep(x)) {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                write(item, out, filter);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let entries: Vec<(&str, &Value)> = map.iter().filter(|(_, x)| keep(x)).map(|(k, x)| (k.as_str(), x)).collect();
            out.push('{');
            for (i, (k, x)) in hashmap_order(entries, map.len()).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write(x, out, filter);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hash_matches_java() {
        assert_eq!(string_hash("userName"), -266666762);
        assert_eq!(string_hash(""), 0);
    }

    #[test]
    fn doubles_print_as_java() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(12.5), "12.5");
    }

    #[test]
    fn maps_iterate_in_bucket_order() {
        let v = json!({"sSHPublicKeyBody": "k", "userName": "Alice"});
        assert_eq!(to_java_string(&v), "{sSHPublicKeyBody=k, userName=Alice}");
        assert_eq!(to_java_string(&json!([1, 2.5, true])), "[1, 2.5, true]");
    }
}
