//! Alerts as CSV: one row an alert, the columns an analyst filters on in a spreadsheet. Cells a
//! spreadsheet would run as a formula (a planted user agent `=HYPERLINK(...)`, say) are written
//! with a leading `'`, so they open as text.

use crate::alert::Alert;
use std::io::{self, Write};

/// The CSV header, in column order.
pub const HEADER: [&str; 23] = [
    "timestamp",
    "severity",
    "risk_score",
    "rule_id",
    "rule",
    "tactics",
    "techniques",
    "event_id",
    "action",
    "outcome",
    "provider",
    "user_name",
    "identity_type",
    "identity_arn",
    "access_key_id",
    "source_ip",
    "source_address",
    "user_agent",
    "account_id",
    "region",
    "bucket",
    "file",
    "record",
];

/// One alert's row, in [`HEADER`] order.
pub fn row(alert: &Alert) -> Vec<String> {
    let e = &alert.event;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let ids = |items: &[crate::rules::Mitre]| items.iter().map(|m| format!("{} {}", m.id, m.name)).collect::<Vec<_>>().join("; ");
    vec![
        text(&e.timestamp),
        alert.rule.severity.to_string(),
        alert.rule.risk_score.to_string(),
        alert.rule.rule_id.clone(),
        alert.rule.name.clone(),
        ids(&alert.rule.tactics),
        ids(&alert.rule.techniques),
        text(&e.event_id),
        text(&e.action),
        text(&e.outcome),
        text(&e.provider),
        text(&e.user_name),
        text(&e.identity_type),
        text(&e.identity_arn),
        text(&e.access_key_id),
        text(&e.source_ip),
        text(&e.source_address),
        text(&e.user_agent),
        text(&e.account_id),
        text(&e.region),
        text(&e.bucket),
        alert.origin.file.clone(),
        alert.origin.record.to_string(),
    ]
}

/// Writes the header line.
pub fn write_header(out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    writer.flush()
}

/// Writes `alert`'s row, cells made inert ([`as_text`]), with its line end.
pub fn write_row(alert: &Alert, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new().buffer_capacity(1024).from_writer(out);
    writer.write_record(row(alert).iter().map(|cell| as_text(cell).into_owned()))?;
    writer.flush()
}

/// `cell`, made inert for spreadsheets: one that starts as a formula would (`=`, `+`, `-`, `@`,
/// tab, carriage return) gets a leading `'` (OWASP's advice for CSV injection).
pub fn as_text(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::as_text;

    #[test]
    fn formulas_open_as_text() {
        for planted in ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(as_text(planted), format!("'{planted}"));
        }
        for plain in ["aws-cli/2.17", "2026-03-02T03:14:07Z", "10.0.0.1", "", "a=b"] {
            assert_eq!(as_text(plain), plain);
        }
    }
}
