//! Alert output formats, one small module each: a readable table, Elastic-alert NDJSON and JSON,
//! and CSV. Formats only render; they never filter or change alerts.

pub mod csv;
pub mod elastic;
pub mod table;

use crate::alert::Alert;
use std::io::{self, Write};

/// The formats `trailhound scan --format` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Ndjson,
    Json,
    Csv,
}

/// Writes `alerts` in `format`; `generated_at` is the alerts' creation time (RFC 3339).
pub fn write(format: Format, alerts: &[Alert], generated_at: &str, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::write(alerts, out),
        Format::Csv => csv::write(alerts, out),
        Format::Ndjson => {
            for alert in alerts {
                serde_json::to_writer(&mut *out, &elastic::AlertDocument { alert, generated_at })?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        Format::Json => {
            let docs: Vec<_> = alerts.iter().map(|alert| elastic::AlertDocument { alert, generated_at }).collect();
            serde_json::to_writer_pretty(&mut *out, &docs)?;
            out.write_all(b"\n")
        }
    }
}

/// `text` with control characters and bidirectional overrides escaped (`\u{1b}`), so that a
/// planted escape sequence cannot drive the terminal or reorder what the analyst reads (the CLI's
/// summary and the app's files panel).
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
