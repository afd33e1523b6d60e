//! The record reader's fast path in WebAssembly (built with SIMD, as the page is) reads strings as
//! it does natively: records whose strings hold a quote, a backslash escape or a control character
//! at every offset (so that each lands in every lane of the 16-byte vectors) are read to the same
//! fields as the serde pass reads them, and the broken ones are refused
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features web --test web_engine`).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use trailhound_engine::input::{Body, FileStatus, RawRecord, read_file};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn strings_are_read_alike_whatever_lane_their_special_bytes_fall_in() {
    let (mut records, mut raw, mut failed) = (0, 0, 0);
    for special in ["\\\"", "\\\\", "\\n", "\\u00e9", "\u{1}", "\t"] {
        for at in 0..40 {
            let name = format!("{}{special}{}", "a".repeat(at), "b".repeat(40 - at));
            let text = format!(
                r#"{{"Records":[{{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"{name}","userAgent":"{name}","requestParameters":{{"k":"{name}"}},"eventID":"{at}"}}]}}"#
            );
            let read = read_file(text.as_bytes(), &mut |item| match item {
                Ok(record) => {
                    records += 1;
                    if let Body::Raw(record) = record.body {
                        raw += 1;
                        let serde = RawRecord::new(record.text).expect("the serde pass reads what the fast path read");
                        assert_eq!(serde.top, record.top, "{}", record.text);
                    }
                }
                Err(error) => panic!("{error:?}"),
            });
            failed += usize::from(matches!(read.status, FileStatus::Failed(_)));
        }
    }
    // Control characters are not allowed raw in JSON strings: those files fail where they are.
    assert_eq!((records, raw, failed), (160, 160, 80));
}
