//! Properties: no bytes make the reader panic, and the accounting always holds (indexes 0.. in
//! order, a failure only after what came before it).

use trailhound_testkit::input as common;

use common::{fixture, gzip, read, read_with};
use proptest::prelude::*;
use trailhound_engine::input::{FileStatus, Limits};

const FIXTURES: &[&str] = &[
    "s3_delivery.json",
    "array.json",
    "records.ndjson",
    "lookup_events.json",
    "console_history.csv",
    "ecs_search_response.json",
    "ecs_hits.ndjson",
    "digest.json",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read(&bytes); // read() asserts the indexes
        read(&gzip(&bytes));
    }

    #[test]
    fn json_ish_bytes_never_panic(text in "[\\[\\]{}\":,a-z0-9 \n\\\\]{0,200}") {
        read(text.as_bytes());
        let mut delivery = b"{\"Records\":[".to_vec();
        delivery.extend(text.as_bytes());
        read(&delivery);
    }

    #[test]
    fn damaged_fixtures_never_panic(which in 0..FIXTURES.len(), cut in any::<prop::sample::Index>(),
                                    flip in any::<prop::sample::Index>(), byte in any::<u8>(), gz in any::<bool>()) {
        let mut bytes = fixture(FIXTURES[which]);
        let at = flip.index(bytes.len());
        bytes[at] = byte;
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep);
        let bytes = if gz { gzip(&bytes) } else { bytes };
        read_with(&bytes, &Limits { max_inflated_bytes: 2048, ..Limits::default() });
    }

    /// A truncated file yields a prefix of what the whole file yields (never something else).
    #[test]
    fn truncation_yields_a_prefix(which in 0..FIXTURES.len(), cut in any::<prop::sample::Index>()) {
        let bytes = fixture(FIXTURES[which]);
        let whole = read(&bytes);
        prop_assert_eq!(&whole.file.status, &if FIXTURES[which] == "digest.json" {
            whole.file.status.clone()
        } else {
            FileStatus::Scanned
        });
        let gz = gzip(&bytes);
        let part = read(&gz[..cut.index(gz.len())]);
        prop_assert!(matches!(part.file.status, FileStatus::Failed(_)));
        prop_assert!(part.items.len() <= whole.items.len());
        for (a, b) in part.records().iter().zip(whole.records()) {
            prop_assert_eq!(common::value_of(a), common::value_of(b));
        }
    }
}
