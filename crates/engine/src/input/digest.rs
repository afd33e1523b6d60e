//! CloudTrail digest files (log-file integrity validation): recognised and skipped, never scanned.
//!
//! Depends on nothing else in the crate.

use serde_json::{Map, Value};

/// Digest files carry `digestS3Object`, `logFiles` or `digestStartTime`.
pub(crate) fn is_digest(obj: &Map<String, Value>) -> bool {
    ["digestS3Object", "logFiles", "digestStartTime", "digestEndTime"].iter().any(|k| obj.contains_key(*k))
}

/// Why a digest file is skipped.
pub(crate) fn skip_reason(obj: &Map<String, Value>) -> String {
    let files = obj.get("logFiles").and_then(Value::as_array).map_or(0, Vec::len);
    let start = obj.get("digestStartTime").and_then(Value::as_str).unwrap_or("?");
    let end = obj.get("digestEndTime").and_then(Value::as_str).unwrap_or("?");
    format!(
        "CloudTrail digest file (log integrity validation, {files} log files, {start} to {end}): \
         it holds no events"
    )
}
