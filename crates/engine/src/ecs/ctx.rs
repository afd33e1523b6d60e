//! The ingest document while the pipeline runs, and the processor primitives (`rename`, `set`,
//! `append`, failures) the stages are written with.
//!
//! Depends on [`crate::ecs::path`] only.

use crate::ecs::path;
use serde_json::{Map, Value};

/// The pipeline's name in error messages (as Fleet installs it for aws 8.9.0).
pub const PIPELINE: &str = "logs-aws.cloudtrail-8.9.0";

/// A processor failure: its type, tag and message.
#[derive(Debug, Clone)]
pub struct Fail {
    pub kind: &'static str,
    pub tag: &'static str,
    pub message: String,
}

impl Fail {
    pub fn new(kind: &'static str, tag: &'static str, message: impl Into<String>) -> Self {
        Fail { kind, tag, message: message.into() }
    }
    /// The text the pipeline appends to `error.message`.
    pub fn text(&self) -> String {
        format!("Processor {} with tag {} in pipeline {PIPELINE} failed with message: {}", self.kind, self.tag, self.message)
    }
}

pub type Step = Result<(), Fail>;

/// The document under construction (`ctx`), with `json` holding the parsed record.
pub struct Ctx {
    pub doc: Map<String, Value>,
}

impl Ctx {
    pub fn get(&self, p: &str) -> Option<&Value> {
        path::get(&self.doc, p).filter(|v| !v.is_null())
    }
    pub fn get_str(&self, p: &str) -> Option<&str> {
        self.get(p).and_then(Value::as_str)
    }
    /// Painless `ctx.a?.b` (throws on a scalar on the way), as a failure of `tag`.
    pub fn nav(&self, p: &str, tag: &'static str) -> Result<Option<&Value>, Fail> {
        path::nav(&self.doc, p).map_err(|m| Fail::new("script", tag, m))
    }
    /// `rename` with `ignore_missing: true`.
    pub fn rename(&mut self, from: &str, to: &str, tag: &'static str) -> Step {
        path::rename(&mut self.doc, from, to, false).map(|_| ()).map_err(|m| Fail::new("rename", tag, m))
    }
    pub fn rename_override(&mut self, from: &str, to: &str, tag: &'static str) -> Step {
        path::rename(&mut self.doc, from, to, true).map(|_| ()).map_err(|m| Fail::new("rename", tag, m))
    }
    pub fn set(&mut self, p: &str, v: Value, tag: &'static str) -> Step {
        path::set(&mut self.doc, p, v).map_err(|m| Fail::new("set", tag, m))
    }
    /// `set` with `copy_from` and `ignore_empty_value: true`.
    pub fn copy(&mut self, to: &str, from: &str, tag: &'static str) -> Step {
        match self.get(from) {
            None => Ok(()),
            Some(Value::String(s)) if s.is_empty() => Ok(()),
            Some(v) => {
                let v = v.clone();
                self.set(to, v, tag)
            }
        }
    }
    /// `append` of the mustache rendering of `from`, without duplicates.
    pub fn append_render(&mut self, to: &str, from: &str, tag: &'static str) -> Step {
        let v = Value::String(path::render(&self.doc, from));
        self.append(to, v, tag)
    }
    pub fn append(&mut self, to: &str, v: Value, tag: &'static str) -> Step {
        path::append(&mut self.doc, to, v, false).map_err(|m| Fail::new("append", tag, m))
    }
    pub fn remove(&mut self, p: &str) -> Option<Value> {
        path::remove(&mut self.doc, p)
    }
    /// A processor's own `on_failure`: append the failure to `error.message`.
    pub fn record(&mut self, fail: &Fail) {
        let _ = path::append(&mut self.doc, "error.message", Value::String(fail.text()), true);
    }
    /// Runs a step whose processor has an `on_failure` that only records the failure.
    pub fn handled(&mut self, step: Step) {
        if let Err(f) = step {
            self.record(&f);
        }
    }
}

/// Whether painless `==` against a string holds for a def value.
pub fn eq_str(v: Option<&Value>, s: &str) -> bool {
    v.and_then(Value::as_str) == Some(s)
}
