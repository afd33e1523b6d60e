//! Input: any bytes (plain or gzip, with a small inflate limit) give records and record errors
//! numbered 0, 1, 2, ... in order, and an outcome; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailhound_engine::input::{FileStatus, Limits, read_file_with};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_inflated_bytes: 1 << 16, ..Limits::default() };
    let mut next = 0usize;
    let read = read_file_with(data, &limits, &mut |item| {
        let index = match &item {
            Ok(record) => record.index,
            Err(error) => error.index,
        };
        assert_eq!(index, next, "indexes must be contiguous from 0");
        next += 1;
    });
    if let FileStatus::Failed(error) = &read.status {
        assert!(!error.reason.is_empty(), "a failure says why");
    }
});
