//! Events (not alerts) as a hunt prints and exports them: a row of the indexed fields for CSV and
//! the terminal, or the ECS document for NDJSON. A row is read from any [`Document`]: an event's
//! document, or an index row's view, which answers the same at these fields.

use crate::doc::Document;
use crate::events::{Column, READ_ONLY_FIELD};
use std::io::{self, Write};

/// The CSV header: `@timestamp`, every indexed column's field, read-only, and where the record is.
pub fn header() -> Vec<&'static str> {
    let mut header = vec!["@timestamp"];
    header.extend(Column::ALL.iter().map(|c| c.field()));
    header.extend([READ_ONLY_FIELD, "file", "record"]);
    header
}

/// An event's cells, in [`header`] order (an absent value is empty).
pub fn cells(doc: &dyn Document, file: &str, record: usize) -> Vec<String> {
    let value = |field: &str| crate::alert::first(doc, field).unwrap_or_default();
    let mut cells = vec![value("@timestamp")];
    cells.extend(Column::ALL.iter().map(|c| value(c.field())));
    cells.extend([value(READ_ONLY_FIELD), file.to_string(), record.to_string()]);
    cells
}

/// Writes the CSV header line.
pub fn write_csv_header(out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(header())?;
    writer.flush()
}

/// Writes one event's CSV row, its cells made inert for spreadsheets ([`super::csv::as_text`]).
pub fn write_csv_row(cells: &[String], out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new().buffer_capacity(1024).from_writer(out);
    writer.write_record(cells.iter().map(|cell| super::csv::as_text(cell).into_owned()))?;
    writer.flush()
}

/// The terminal table's columns, by their place in [`header`].
const TABLE: [(&str, usize); 8] =
    [("TIME", 0), ("ACCOUNT", 1), ("REGION", 2), ("PRINCIPAL", 3), ("ACTION", 9), ("SOURCE", 6), ("OUTCOME", 10), ("ERROR", 11)];

/// Events' cells ([`cells`]) as an aligned table, with each event's file and record last.
pub fn write_table(rows: &[Vec<String>], out: &mut dyn Write) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "No events.");
    }
    let pick = |row: &Vec<String>| -> Vec<String> {
        let mut picked: Vec<String> =
            TABLE.iter().map(|&(_, i)| row.get(i).filter(|c| !c.is_empty()).map_or("-", |c| c).to_string()).collect();
        let n = row.len();
        picked.push(format!("{}:{}", row.get(n.wrapping_sub(2)).map_or("", |c| c), row.get(n.wrapping_sub(1)).map_or("", |c| c)));
        picked
    };
    let mut titles: Vec<String> = TABLE.iter().map(|(t, _)| t.to_string()).collect();
    titles.push("FILE:RECORD".into());
    let picked: Vec<Vec<String>> = rows.iter().map(pick).collect();
    let mut widths: Vec<usize> = titles.iter().map(|t| t.chars().count()).collect();
    for row in &picked {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                let mut cell = c.clone();
                cell.extend(std::iter::repeat_n(' ', w.saturating_sub(c.chars().count())));
                cell
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&titles))?;
    for row in &picked {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_follow_the_header_and_the_table_picks_its_columns() {
        let doc = json!({"@timestamp": "2024-01-01T00:00:00.000Z", "event": {"action": "=cmd", "outcome": "success"}, "source": {"address": "10.0.0.1"}});
        let row = cells(&doc, "a.json", 3);
        assert_eq!(row.len(), header().len());
        assert_eq!((row[0].as_str(), row[9].as_str(), row[6].as_str()), ("2024-01-01T00:00:00.000Z", "=cmd", "10.0.0.1"));
        let mut csv = Vec::new();
        write_csv_row(&row, &mut csv).unwrap();
        assert!(String::from_utf8(csv).unwrap().contains(",'=cmd,"), "a formula opens as text");
        let mut table = Vec::new();
        write_table(&[row], &mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(table.starts_with("TIME") && table.contains("=cmd") && table.contains("a.json:3"), "{table}");
    }
}
