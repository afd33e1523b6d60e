//! Named regression tests for bugs the hostile corpus, the property tests and the fuzzers found in
//! the engine and the CLI; each says what went wrong.

use trailhound::input::{FileOutcome, Record, RecordError, Shape, read_file};

fn read(bytes: &[u8]) -> (trailhound::input::FileRead, Vec<Result<Record, RecordError>>) {
    let mut items = Vec::new();
    let file = read_file(bytes, &mut |item| items.push(item));
    (file, items)
}

/// `{"Records":[` on its own line followed by a one-record line made the sniffer take the file
/// for JSON Lines (its second line is a whole object), so the record came with two bogus record
/// errors ("EOF while parsing a list", "expected value") for the first and last lines.
#[test]
fn a_delivery_with_its_only_record_on_a_line_of_its_own_is_not_json_lines() {
    let text = b"{\"Records\":[\n{\"eventVersion\":\"1.09\",\"eventName\":\"A\"}\n]}\n";
    let (file, items) = read(text);
    assert_eq!(file.shape, Some(Shape::S3Delivery));
    assert_eq!(file.outcome, FileOutcome::Complete);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].is_ok());
    // The same with a BOM, and an array of one record a line.
    let (file, items) = read(b"\xEF\xBB\xBF{\"Records\":[\n{\"eventVersion\":\"1.09\"}\n]}");
    assert_eq!((file.shape, items.len()), (Some(Shape::S3Delivery), 1));
    // JSON Lines whose first line is broken (not cut short) are still JSON Lines.
    let (file, items) = read(b"{\"eventVersion\": nope}\n{\"eventVersion\":\"1.09\"}\n");
    assert_eq!(file.shape, Some(Shape::JsonLines));
    assert!(items[0].is_err() && items[1].is_ok());
}
