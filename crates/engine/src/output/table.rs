//! Alerts as an aligned text table for a terminal.

use crate::alert::Alert;
use std::io::{self, Write};

const COLUMNS: [&str; 8] = ["TIME", "SEVERITY", "RULE", "ACTION", "ACTOR", "SOURCE", "ACCOUNT/REGION", "BUCKET"];

/// One alert's cells, in column order.
pub type Row = [String; 8];

/// The table's cells for `alert`.
pub fn cells(alert: &Alert) -> Row {
    let e = &alert.event;
    let or_dash = |v: Option<&str>| v.unwrap_or("-").to_string();
    [
        or_dash(e.timestamp.as_deref()),
        alert.rule.severity.to_string(),
        alert.rule.name.clone(),
        or_dash(e.action.as_deref()),
        or_dash(e.actor()),
        or_dash(e.source_ip.as_deref().or(e.source_address.as_deref())),
        format!("{}/{}", e.account_id.as_deref().unwrap_or("-"), e.region.as_deref().unwrap_or("-")),
        or_dash(e.bucket.as_deref()),
    ]
}

/// The table of `rows`, each column as wide as its widest cell.
pub fn write_rows(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "No alerts.");
    }
    let mut widths = COLUMNS.map(|c| c.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        // Padded by hand: a width past `u16::MAX` (a planted 64 MiB field) is beyond `format!`'s.
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                let mut cell = c.clone();
                cell.extend(std::iter::repeat_n(' ', w.saturating_sub(c.chars().count())));
                cell
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&COLUMNS.map(str::to_string)))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}
