//! Shared helpers for the input tests (included by the other `input_*` tests as `common`): read
//! bytes or a fixture and collect what reached the sink.

#![allow(dead_code)]

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use trailhound_engine::input::{Body, FileRead, Limits, Record, RecordError, read_file_with};

pub struct Read {
    pub file: FileRead,
    pub items: Vec<Result<Record<'static>, RecordError>>,
}

impl Read {
    pub fn records(&self) -> Vec<&Record<'static>> {
        self.items.iter().filter_map(|i| i.as_ref().ok()).collect()
    }
    pub fn errors(&self) -> Vec<&RecordError> {
        self.items.iter().filter_map(|i| i.as_ref().err()).collect()
    }
    /// Indexes must run 0.. in order, records and errors alike.
    pub fn assert_contiguous(&self) {
        for (i, item) in self.items.iter().enumerate() {
            let index = match item {
                Ok(r) => r.index,
                Err(e) => e.index,
            };
            assert_eq!(index, i, "indexes must be contiguous from 0");
        }
    }
}

pub fn read_with(bytes: &[u8], limits: &Limits) -> Read {
    let mut items = Vec::new();
    let file = read_file_with(bytes, limits, &mut |item| items.push(item.map(Record::into_owned)));
    let read = Read { file, items };
    read.assert_contiguous();
    read
}

pub fn read(bytes: &[u8]) -> Read {
    read_with(bytes, &Limits::default())
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/fixtures/inputs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}

pub fn str_at<'a>(r: &'a Record, pointer: &str) -> &'a str {
    let value = value_of(r);
    value.pointer(pointer).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("{pointer} missing in {value}"))
}

/// The JSON of a record kept by [`read_with`] (always parsed).
pub fn value_of<'a>(r: &'a Record) -> &'a serde_json::Value {
    match &r.body {
        Body::Value(v) => v,
        Body::Raw(_) => panic!("records kept by the tests are parsed"),
    }
}

/// A file in memory that counts the bytes read from it; it seeks as a `Cursor` does.
pub struct CountingFile<'a> {
    file: std::io::Cursor<&'a [u8]>,
    /// How many bytes were read so far.
    pub read: u64,
}

impl<'a> CountingFile<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        CountingFile { file: std::io::Cursor::new(bytes), read: 0 }
    }
}

impl std::io::Read for CountingFile<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(out)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for CountingFile<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(to)
    }
}

/// Text that does not compress, the same on every run: each call gives `words` × 16 hex digits
/// from a xorshift generator started at `seed`.
pub fn noise(seed: u64, words: usize) -> impl FnMut() -> String {
    let mut state = seed;
    move || {
        (0..words)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("{state:016x}")
            })
            .collect()
    }
}
