//! The events table's layout: the columns chosen, in their order, and the sort; and what a row
//! shows in each column. Yew-free, so that sorting is tested natively.

use trailhound_engine::events::{Column, EventIndex, NO_TIME, Row, timestamp_text};

/// A column the events table can show: the time, an indexed field, or whether the event is
/// read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Time,
    Indexed(Column),
    ReadOnly,
}

impl Field {
    /// Every column the table offers, in the order the table shows them: those shown at first,
    /// then the others. The error code is shown with the outcome.
    pub fn all() -> Vec<Field> {
        let mut all = vec![Field::Time];
        all.extend(SHOWN_FIRST.map(Field::Indexed));
        all.extend([Column::PrincipalType, Column::AccessKey, Column::UserAgent, Column::Provider].map(Field::Indexed));
        all.push(Field::ReadOnly);
        all
    }

    /// Its header.
    pub fn label(self) -> &'static str {
        match self {
            Field::Time => "Time",
            Field::ReadOnly => "Read-only",
            Field::Indexed(column) => match column {
                Column::Account => "Account",
                Column::Region => "Region",
                Column::Principal => "Principal",
                Column::PrincipalType => "Principal type",
                Column::AccessKey => "Access key",
                Column::SourceAddress => "Source",
                Column::UserAgent => "User agent",
                Column::Provider => "Service",
                Column::Action => "Action",
                Column::Outcome => "Outcome",
                Column::ErrorCode => "Error code",
            },
        }
    }

    /// Its short name, for test ids (`time`, `access-key`, `read-only`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Time => "time",
            Field::ReadOnly => "read-only",
            Field::Indexed(column) => column.name(),
        }
    }

    /// Whether its text is an identifier, shown in a fixed-width font.
    pub fn is_code(self) -> bool {
        matches!(
            self,
            Field::Time
                | Field::Indexed(Column::Account | Column::Principal | Column::AccessKey | Column::SourceAddress | Column::UserAgent)
        )
    }

    /// What `row` shows here (`-` for nothing); the outcome carries the error code.
    pub fn cell(self, index: &EventIndex, row: &Row) -> String {
        match self {
            Field::Time => timestamp_text(row.time).filter(|_| row.time != NO_TIME).unwrap_or_else(|| "-".into()),
            Field::ReadOnly => row.read_only().map_or("-".into(), |b| b.to_string()),
            Field::Indexed(Column::Outcome) => {
                let outcome = index.text(row, Column::Outcome).unwrap_or("-");
                match index.text(row, Column::ErrorCode) {
                    Some(code) => format!("{outcome} ({code})"),
                    None => outcome.to_string(),
                }
            }
            Field::Indexed(column) => index.text(row, column).unwrap_or("-").to_string(),
        }
    }
}

/// The indexed columns the table shows at first, after the time.
const SHOWN_FIRST: [Column; 6] =
    [Column::Principal, Column::Action, Column::SourceAddress, Column::Outcome, Column::Region, Column::Account];

/// The table's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The columns shown, in order.
    pub columns: Vec<Field>,
    /// The column the rows are sorted by and whether descending; `None`: time order.
    pub sort: Option<(Field, bool)>,
}

impl Default for Layout {
    fn default() -> Self {
        let mut columns = vec![Field::Time];
        columns.extend(SHOWN_FIRST.map(Field::Indexed));
        Layout { columns, sort: None }
    }
}

impl Layout {
    /// Shows `field` (in the offered order) or hides it; the last column stays.
    pub fn toggle(&self, field: Field) -> Layout {
        let mut layout = self.clone();
        if layout.columns.contains(&field) {
            if layout.columns.len() > 1 {
                layout.columns.retain(|&f| f != field);
                // No header is left to sort by it, or back.
                if layout.sort.is_some_and(|(f, _)| f == field) {
                    layout.sort = None;
                }
            }
        } else {
            layout.columns.push(field);
            let order = Field::all();
            layout.columns.sort_by_key(|f| order.iter().position(|o| o == f));
        }
        layout
    }

    /// The layout after a click on `field`'s header: sorted by it ascending, then descending,
    /// then back to time order.
    pub fn sorted_by(&self, field: Field) -> Layout {
        let sort = match self.sort {
            Some((f, false)) if f == field => Some((field, true)),
            Some((f, true)) if f == field => None,
            _ => Some((field, false)),
        };
        Layout { sort, ..self.clone() }
    }

    /// Sorts rows that are in time order by the layout's column: by its text (an empty cell
    /// last, either way), events of the same text staying in time order.
    pub fn sort(&self, index: &EventIndex, rows: &mut [usize]) {
        let Some((field, descending)) = self.sort else { return };
        if field == Field::Time {
            if descending {
                rows.reverse();
            }
            return;
        }
        let key = |place: usize| -> Option<String> {
            let row = &index.rows()[place];
            match field {
                Field::Time | Field::Indexed(Column::Outcome) | Field::ReadOnly => Some(field.cell(index, row)).filter(|c| c != "-"),
                Field::Indexed(column) => index.text(row, column).map(str::to_string),
            }
        };
        let mut keyed: Vec<(Option<String>, usize)> = rows.iter().map(|&p| (key(p), p)).collect();
        keyed.sort_by(|(a, _), (b, _)| match (a, b) {
            (Some(a), Some(b)) if descending => b.cmp(a),
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        for (slot, (_, place)) in rows.iter_mut().zip(keyed) {
            *slot = place;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::{Scanner, Source};

    fn index() -> EventIndex {
        let record = |minute: u32, action: &str, region: Option<&str>, read_only: Option<bool>| {
            let mut record = serde_json::json!({
                "eventVersion": "1.09", "eventTime": format!("2024-05-01T10:{minute:02}:00Z"),
                "eventSource": "s3.amazonaws.com", "eventName": action, "eventID": format!("e{minute}"),
                "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/u"},
            });
            if let Some(region) = region {
                record["awsRegion"] = region.into();
            }
            if let Some(read_only) = read_only {
                record["readOnly"] = read_only.into();
            }
            record.to_string()
        };
        let text = [
            record(4, "GetObject", Some("eu-west-1"), Some(true)),
            record(1, "PutObject", None, Some(false)),
            record(2, "DeleteBucket", Some("us-east-1"), None),
            record(3, "GetObject", Some("ap-south-1"), Some(true)),
        ]
        .join("\n");
        let scan = Scanner::new([]).with_events(true).scan("a.ndjson", Source::bytes(text.as_bytes()), &mut Vec::new());
        let mut index = EventIndex::new();
        index.add(0, "a.ndjson", scan.events);
        index
    }

    fn listed(index: &EventIndex, layout: &Layout, field: Field) -> Vec<String> {
        let mut rows: Vec<usize> = (0..index.len()).collect();
        index.sort(&mut rows);
        layout.sort(index, &mut rows);
        rows.iter().map(|&p| field.cell(index, &index.rows()[p])).collect()
    }

    #[test]
    fn a_header_sorts_up_then_down_then_back_to_time_order_with_empty_cells_last() {
        let index = index();
        let region = Field::Indexed(Column::Region);
        let up = Layout::default().sorted_by(region);
        assert_eq!(listed(&index, &up, region), ["ap-south-1", "eu-west-1", "us-east-1", "-"]);
        let down = up.sorted_by(region);
        assert_eq!(listed(&index, &down, region), ["us-east-1", "eu-west-1", "ap-south-1", "-"]);
        let back = down.sorted_by(region);
        assert_eq!(back.sort, None);
        assert_eq!(listed(&index, &back, Field::Time)[0], "2024-05-01T10:01:00.000Z");
        // Equal values stay in time order.
        let action = Field::Indexed(Column::Action);
        let by_action = Layout::default().sorted_by(action);
        assert_eq!(listed(&index, &by_action, Field::Time)[1..3], ["2024-05-01T10:03:00.000Z", "2024-05-01T10:04:00.000Z"]);
        let read_only = Layout::default().sorted_by(Field::ReadOnly);
        assert_eq!(listed(&index, &read_only, Field::ReadOnly), ["false", "true", "true", "-"]);
        let newest = Layout::default().sorted_by(Field::Time).sorted_by(Field::Time);
        assert_eq!(listed(&index, &newest, Field::Time)[0], "2024-05-01T10:04:00.000Z");
    }

    #[test]
    fn columns_are_shown_in_the_offered_order_and_the_last_one_stays() {
        let layout = Layout::default().toggle(Field::ReadOnly).toggle(Field::Indexed(Column::AccessKey));
        let keys: Vec<&str> = layout.columns.iter().map(|f| f.key()).collect();
        assert_eq!(keys, ["time", "principal", "action", "source", "outcome", "region", "account", "access-key", "read-only"]);
        let sorted = Layout::default().sorted_by(Field::Indexed(Column::Region));
        assert_eq!(sorted.toggle(Field::Indexed(Column::Region)).sort, None, "a hidden column sorts no more");
        assert!(sorted.toggle(Field::ReadOnly).sort.is_some());
        let mut only = Layout { columns: vec![Field::Time], sort: None };
        only = only.toggle(Field::Time);
        assert_eq!(only.columns, [Field::Time]);
        assert_eq!(Field::all().len(), Column::COUNT + 1, "every column but the error code, with time and read-only");
    }
}
