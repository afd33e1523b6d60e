//! Alert output formats, one small module each: a readable table, Elastic-alert NDJSON and JSON,
//! and CSV. Formats only render; they never filter or change alerts.
//!
//! Each alert is rendered on its own ([`render`]), so that a scan can render alerts where they are
//! raised and keep only their text; a [`Writer`] puts rendered alerts together in a format.

pub mod csv;
pub mod elastic;
pub mod events;
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

/// One alert rendered in a format, apart from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// The alert's text: an NDJSON line or a CSV row, each with its line end, or an element of the
    /// JSON array (pretty, not yet indented to its place; the array writes its line ends).
    Text(Vec<u8>),
    /// The table's cells: the columns' widths are known only once every alert is in.
    Cells(table::Row),
}

/// `alert` rendered in `format`; `generated_at` is the alerts' creation time (RFC 3339).
pub fn render(format: Format, alert: &Alert, generated_at: &str) -> io::Result<Rendered> {
    let document = || elastic::AlertDocument { alert, generated_at };
    match format {
        Format::Table => Ok(Rendered::Cells(table::cells(alert))),
        Format::Csv => text(|out| csv::write_row(alert, out)),
        Format::Ndjson => text(|out| {
            serde_json::to_writer(&mut *out, &document())?;
            out.push(b'\n');
            Ok(())
        }),
        Format::Json => text(|out| Ok(serde_json::to_writer_pretty(out, &document())?)),
    }
}

/// The text `write` renders, in room for a typical alert made at once rather than grown (and
/// copied) step by step.
fn text(write: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> io::Result<Rendered> {
    let mut text = Vec::with_capacity(RENDERED);
    write(&mut text)?;
    text.shrink_to_fit();
    Ok(Rendered::Text(text))
}

/// About the size of an alert's NDJSON line.
const RENDERED: usize = 4096;

/// Writes `alerts` in `format`; `generated_at` is the alerts' creation time (RFC 3339).
pub fn write(format: Format, alerts: &[Alert], generated_at: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = Writer::new(format, out);
    for alert in alerts {
        writer.push(render(format, alert, generated_at)?)?;
    }
    writer.finish()
}

/// Writes rendered alerts, in the order pushed, as one output of a format: the CSV header first,
/// the JSON array around the elements, the table once all rows are in.
pub struct Writer<'a> {
    format: Format,
    out: &'a mut dyn Write,
    pushed: usize,
    rows: Vec<table::Row>,
}

impl<'a> Writer<'a> {
    pub fn new(format: Format, out: &'a mut dyn Write) -> Writer<'a> {
        Writer { format, out, pushed: 0, rows: Vec::new() }
    }

    /// Adds an alert rendered in this writer's format.
    pub fn push(&mut self, rendered: Rendered) -> io::Result<()> {
        if self.pushed == 0 {
            self.start()?;
        }
        self.pushed += 1;
        match (self.format, rendered) {
            (Format::Table, Rendered::Cells(row)) => self.rows.push(row),
            (Format::Json, Rendered::Text(text)) => {
                if self.pushed > 1 {
                    self.out.write_all(b",\n")?;
                }
                // A pretty element one level into the array: every line indented by two spaces
                // (JSON strings hold no raw line breaks).
                for (i, line) in text.split(|&b| b == b'\n').enumerate() {
                    self.out.write_all(if i == 0 { b"  " } else { b"\n  " })?;
                    self.out.write_all(line)?;
                }
            }
            (Format::Ndjson | Format::Csv, Rendered::Text(text)) => self.out.write_all(&text)?,
            (format, _) => return Err(io::Error::other(format!("an alert rendered for another format than {format:?}"))),
        }
        Ok(())
    }

    fn start(&mut self) -> io::Result<()> {
        match self.format {
            Format::Csv => csv::write_header(&mut *self.out),
            Format::Json => self.out.write_all(b"[\n"),
            Format::Table | Format::Ndjson => Ok(()),
        }
    }

    /// Ends the output.
    pub fn finish(self) -> io::Result<()> {
        match self.format {
            Format::Table => table::write_rows(&self.rows, &mut *self.out),
            Format::Json if self.pushed == 0 => self.out.write_all(b"[]\n"),
            Format::Json => self.out.write_all(b"\n]\n"),
            Format::Csv if self.pushed == 0 => csv::write_header(&mut *self.out),
            Format::Csv | Format::Ndjson => Ok(()),
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
