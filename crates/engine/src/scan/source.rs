//! Where a file's bytes come from: all in memory, a reader read a slice at a time, or (natively) a
//! gzip stream inflated on a thread of its own. The scan reads every kind the same way and gives
//! the same records, errors and places for the same bytes.

use crate::input::{self, FileRead, Limits, RecordSink, SLICE};
use std::io::Read;

/// A file's bytes as the scan is to read them.
pub struct Source<'a> {
    from: From<'a>,
    slice: usize,
    buffer: Option<&'a mut Vec<u8>>,
}

enum From<'a> {
    Bytes(&'a [u8]),
    Reader {
        reader: &'a mut dyn Read,
        size: Option<u64>,
    },
    #[cfg(not(target_arch = "wasm32"))]
    Ahead {
        reader: &'a mut (dyn Read + Send),
        size: u64,
    },
}

impl<'a> Source<'a> {
    /// The whole file in memory: plain text is read where it lies, gzip inflated a slice at a time.
    pub fn bytes(bytes: &'a [u8]) -> Source<'a> {
        Source::new(From::Bytes(bytes))
    }

    /// A file read from `reader` a slice at a time, never whole. `size` is its size when known (the
    /// report's bytes); else the bytes read are counted.
    pub fn reader(reader: &'a mut dyn Read, size: Option<u64>) -> Source<'a> {
        Source::new(From::Reader { reader, size })
    }

    /// [`Source::reader`] for a file of `size` bytes whose gzip stream, if it is one, is inflated on
    /// a thread of its own a few pieces ahead of the scan: for a big `.json.gz` when a core is free.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn inflated_ahead(reader: &'a mut (dyn Read + Send), size: u64) -> Source<'a> {
        Source::new(From::Ahead { reader, size })
    }

    /// Reads `slice` bytes at a time (a reader's window; [`SLICE`] unless told).
    pub fn slice(mut self, slice: usize) -> Source<'a> {
        self.slice = slice;
        self
    }

    /// Reads through `buffer`, whose allocation is kept for the next file.
    pub fn buffer(mut self, buffer: &'a mut Vec<u8>) -> Source<'a> {
        self.buffer = Some(buffer);
        self
    }

    fn new(from: From<'a>) -> Source<'a> {
        Source { from, slice: SLICE, buffer: None }
    }

    /// Reads every record into `sink`; gives how the reading went and the file's size in bytes.
    pub(crate) fn read(self, limits: &Limits, sink: &mut RecordSink<'_>) -> (FileRead, u64) {
        let Source { from, slice, buffer } = self;
        let mut own = Vec::new();
        let buffer = buffer.unwrap_or(&mut own);
        match from {
            From::Bytes(bytes) => (input::read_file_with(bytes, limits, sink), bytes.len() as u64),
            // The bytes are counted only when the size is not known: a counting reader has only
            // `read`, and the standard library zeroes the room it is given to read into.
            From::Reader { reader, size: Some(size) } => (input::read_stream(reader, limits, slice, buffer, sink), size),
            From::Reader { reader, size: None } => {
                let mut counted = Counted { reader, bytes: 0 };
                let read = input::read_stream(&mut counted, limits, slice, buffer, sink);
                (read, counted.bytes)
            }
            #[cfg(not(target_arch = "wasm32"))]
            From::Ahead { reader, size } => (input::read_stream_ahead(reader, limits, slice, buffer, sink), size),
        }
    }
}

impl Source<'_> {
    /// [`Source::read`], but a reader is read no further once `stop` is set (it reads as if it had
    /// ended there): for reading again a few records near a big file's start. The records after
    /// the stop are what the window already held, then the error of a file cut short.
    pub(crate) fn read_until(self, limits: &Limits, stop: &std::cell::Cell<bool>, sink: &mut RecordSink<'_>) -> (FileRead, u64) {
        let Source { from, slice, buffer } = self;
        let mut own = Vec::new();
        let buffer = buffer.unwrap_or(&mut own);
        let mut until = |reader: &mut dyn Read, size: u64| {
            let mut reader = Until { reader, stop };
            (input::read_stream(&mut reader, limits, slice, &mut *buffer, &mut *sink), size)
        };
        match from {
            From::Bytes(bytes) => (input::read_file_with(bytes, limits, sink), bytes.len() as u64),
            From::Reader { reader, size } => until(reader, size.unwrap_or(0)),
            #[cfg(not(target_arch = "wasm32"))]
            From::Ahead { reader, size } => until(reader, size),
        }
    }
}

/// A reader that ends once `stop` is set.
struct Until<'a> {
    reader: &'a mut dyn Read,
    stop: &'a std::cell::Cell<bool>,
}

impl Read for Until<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.get() { Ok(0) } else { self.reader.read(out) }
    }
}

/// A reader that counts the bytes it gives.
struct Counted<'a> {
    reader: &'a mut dyn Read,
    bytes: u64,
}

impl Read for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.reader.read(out)?;
        self.bytes += n as u64;
        Ok(n)
    }
}
