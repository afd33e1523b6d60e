//! Reading a file again from its middle. While a file is read again, [`Checkpoints`] are taken
//! every few MiB of its text: for gzip the inflater's whole state (miniz_oxide's, which can be
//! cloned) and where its input stood, and the first record that starts after that point. A later
//! read of a record starts from the last checkpoint before it, so a late event of a big `.json.gz`
//! costs a few MiB of inflating rather than everything before it.
//!
//! A resumed read enters the reader the file was read with, without sniffing it again: JSON Lines
//! at the checkpoint's line, or an S3 delivery (or a JSON array) as `{"Records":[` (or `[`)
//! followed by the text from the checkpoint's record, and numbers the records from that record's
//! number. Checkpoints are taken only where that is what a read from the start reads: at raw
//! CloudTrail records that are whole lines of a JSON Lines file, or elements of the array that
//! opens a document whose first record is raw; never after an ECS document. A gzip stream is
//! checked as the scan's decoder checks it (each member's header CRC, CRC-32 and size); once a
//! read meets damage, the file is read from its start by the scan's own decoder from then on, so
//! what comes before the damage is what the scan read.
//!
//! Depends on the window's [`Source`] and the shape readers; the gzip inflater is [`inflate`].

mod inflate;

use super::window::{Plain, SLICE, Source};
use super::{Body, Limits, Reader, Record, RecordKind, RecordSink, gzip};
use inflate::Inflater;
use miniz_oxide::inflate::stream::InflateState;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Seek, SeekFrom};

/// How much text lies between two checkpoints, unless told otherwise.
pub const EVERY: u64 = 4 << 20;

/// The longest opening (text before the first record) a file may have for checkpoints.
const MAX_HEAD: usize = 64 << 10;

/// A file that can be read from any byte.
pub trait SeekRead: Read + Seek {}

impl<T: Read + Seek> SeekRead for T {}

/// The places one file can be read again from, found while reading it again. Built a piece at a
/// time: a read that goes further than the last checkpoint adds the ones after it.
pub struct Checkpoints {
    every: u64,
    /// How a resumed read reads, and what it starts with, once record 0 was read raw.
    opening: Option<(Reader, &'static [u8])>,
    points: Vec<Point>,
    /// No more checkpoints: the file holds ECS documents, or no opening was found.
    closed: bool,
    /// Record 0 was an object on its own: the file reads as JSON Lines if record 1 is a line.
    lines_next: bool,
    /// The file is damaged: it is read from its start by the scan's decoder.
    pub(crate) damaged: bool,
    /// The limits the checkpoints were taken under.
    pub(crate) limits: Option<Limits>,
}

/// Where a read can start: `at` gives the text from its `output`, and record `record` starts at
/// `start`.
#[derive(Clone)]
struct Point {
    at: Snapshot,
    start: u64,
    record: usize,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints::every(EVERY)
    }
}

impl Checkpoints {
    /// Checkpoints about `every` bytes of text apart (at least one byte).
    pub fn every(every: u64) -> Checkpoints {
        Checkpoints {
            every: every.max(1),
            opening: None,
            points: Vec::new(),
            closed: false,
            lines_next: false,
            damaged: false,
            limits: None,
        }
    }

    /// How far apart the checkpoints are, in bytes of text.
    pub fn interval(&self) -> u64 {
        self.every
    }

    /// Drops the checkpoints (for a file that is read from its start from now on).
    pub(crate) fn clear(&mut self) {
        self.points.clear();
        self.closed = true;
    }

    /// How many checkpoints there are.
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// About how many bytes of memory the checkpoints hold.
    pub fn memory(&self) -> usize {
        let state = std::mem::size_of::<InflateState>();
        self.points.iter().map(|p| std::mem::size_of::<Point>() + p.at.state.as_ref().map_or(0, |_| state)).sum::<usize>()
    }

    /// The checkpoints, as kept for a read under `limits`: none once the limits changed (the
    /// records a file gives depend on them).
    pub(crate) fn for_limits(&mut self, limits: &Limits) {
        if self.limits.is_some_and(|l| l != *limits) {
            *self = Checkpoints::every(self.every);
        }
    }

    /// The last checkpoint at or before record `record`, when the file's opening is known.
    fn before(&self, record: usize) -> Option<&Point> {
        self.opening?;
        let after = self.points.partition_point(|p| p.record <= record);
        after.checked_sub(1).map(|i| &self.points[i])
    }

    /// Records that the text of record `record` starts at absolute byte `start`: the last waiting
    /// snapshot at or before it becomes a checkpoint.
    fn saw(&mut self, pending: &mut VecDeque<Snapshot>, record: usize, start: u64) {
        let mut taken = None;
        while pending.front().is_some_and(|s| s.output <= start) {
            taken = pending.pop_front();
        }
        let Some(at) = taken else { return };
        if self.closed || self.points.last().is_some_and(|p| p.record >= record) {
            return;
        }
        self.points.push(Point { at, start, record });
    }
}

/// A source's state at a point of the text, waiting for the first record after it: the file's
/// byte `input` gives the text from `output` (through the inflater's state, for gzip, with the
/// member's CRC-32 and size so far).
#[derive(Clone)]
pub(super) struct Snapshot {
    pub input: u64,
    pub output: u64,
    pub state: Option<Box<InflateState>>,
    pub crc: Option<(crc32fast::Hasher, u32)>,
}

/// Snapshots taken by a source as it reads, shared with the sink that learns where records start.
#[derive(Default)]
pub(super) struct Taken {
    pending: VecDeque<Snapshot>,
    /// The first bytes of the text, for the opening.
    first: Vec<u8>,
}

/// How a read again went.
#[derive(Default)]
pub(crate) struct Again {
    /// The stream was damaged: what it gave may not be what the scan's decoder gives.
    pub damaged: bool,
    /// The read started at a checkpoint.
    pub resumed: bool,
    /// A resumed read of a document met a value after its first: it stopped there, as what a read
    /// from the start makes of the rest depends on text before the checkpoint.
    pub left_first: bool,
}

/// Reads the records of `file` into `sink` (with their numbers in the whole file), starting from
/// the last checkpoint at or before record `from` and adding checkpoints past the last one as it
/// goes; stops reading once `stop` is set. Without a checkpoint to start from, reads from the start.
pub(crate) fn read_again(
    file: &mut dyn SeekRead,
    from: usize,
    points: &mut Checkpoints,
    limits: &Limits,
    stop: &Cell<bool>,
    sink: &mut RecordSink<'_>,
) -> Again {
    points.limits = Some(*limits);
    // A file that cannot seek to the checkpoint is read from its start.
    let resumed = points.before(from).cloned().filter(|p| file.seek(SeekFrom::Start(p.at.input)).is_ok());
    if resumed.is_none() && file.seek(SeekFrom::Start(0)).is_err() {
        return Again { damaged: true, resumed: false, left_first: false };
    }
    let taken = RefCell::new(Taken::default());
    let damaged = Cell::new(false);
    let (every, max) = (points.every, limits.max_inflated_bytes);
    let gzip = match &resumed {
        Some(point) => point.at.state.is_some(),
        None => {
            let mut magic = [0u8; 2];
            let got = read_full(&mut *file, &mut magic);
            if file.seek(SeekFrom::Start(0)).is_err() {
                return Again { damaged: true, resumed: false, left_first: false };
            }
            gzip::is_gzip(&magic[..got])
        }
    };
    let mut inner: Box<dyn Source + '_> = match (&resumed, gzip) {
        (Some(point), true) => {
            let taking = Taking::new(&taken, every, point.at.output, stop);
            Box::new(Inflater::resume(&mut *file, &point.at, max, taking, &damaged))
        }
        (Some(point), false) => Box::new(Counted::new(&mut *file, point.at.output, every, &taken, stop)),
        (None, true) => Box::new(Inflater::start(&mut *file, max, Taking::new(&taken, every, 0, stop), &damaged)),
        (None, false) => Box::new(Counted::new(&mut *file, 0, every, &taken, stop)),
    };
    let opening = points.opening;
    let (offset, first_record, head_len) = match (&resumed, opening) {
        (Some(point), Some((_, head))) => (point.start, point.record, head.len() as u64),
        _ => (0, 0, 0),
    };
    let mut prefixed;
    let source: &mut dyn Source = match (&resumed, opening) {
        (Some(point), Some((_, head))) => {
            prefixed = Prefixed { head, given: 0, skip: point.start - point.at.output, inner: &mut *inner };
            &mut prefixed
        }
        _ => &mut *inner,
    };
    let reader = resumed.as_ref().and(opening).map(|(reader, _)| reader);
    let mut buffer = Vec::new();
    let mut left_first = false;
    super::read_source_as(source, gzip, reader, limits, SLICE, &mut buffer, &mut |item| {
        if left_first || matches!((&item, reader), (Ok(record), Some(Reader::Document)) if record.group > 0) {
            left_first = true;
            stop.set(true);
            return;
        }
        let item = item.map(|mut record| {
            record.index += first_record;
            record
        });
        let item = item.map_err(|mut error| {
            error.index += first_record;
            error
        });
        if let Ok(record) = &item {
            let byte = record.location.byte.map(|b| (b as u64).saturating_sub(head_len) + offset);
            checkpoint(points, &taken, record, byte);
        }
        sink(item)
    });
    Again { damaged: damaged.get(), resumed: resumed.is_some(), left_first }
}

/// What the sink learns from one record: how the file reads at record 0, and a checkpoint at a
/// raw record a resumed read would read as this read did.
fn checkpoint(points: &mut Checkpoints, taken: &RefCell<Taken>, record: &Record<'_>, byte: Option<u64>) {
    let mut taken = taken.borrow_mut();
    if record.kind == RecordKind::Ecs {
        points.closed = true;
    }
    if points.opening.is_none() && !points.closed {
        let head = byte.and_then(|start| taken.first.get(..start as usize)).map(opening_of);
        match (record.index, &record.body, head) {
            // An S3 delivery or an array.
            (0, Body::Raw(_), Some(Some(head))) if !head.is_empty() => points.opening = Some((Reader::Document, head)),
            // A first object alone: JSON Lines if the records after it are lines.
            (0, Body::Raw(_), Some(Some(_))) => points.lines_next = true,
            (1.., _, _) if points.lines_next && record.location.line.is_some() => points.opening = Some((Reader::Lines, &b""[..])),
            _ => points.closed = true,
        }
    }
    if points.closed {
        taken.pending.clear();
        return;
    }
    let (Body::Raw(_), Some(start), Some((reader, _))) = (&record.body, byte, points.opening) else { return };
    let fits = match reader {
        // A whole line (records of a delivery on one line carry no line).
        Reader::Lines => record.location.line.is_some(),
        // An element of the array that opens the document.
        Reader::Document => record.group == 0,
    };
    if fits {
        points.saw(&mut taken.pending, record.index, start);
    }
}

/// What a resumed read of a document starts with, for the text before its first record: an S3
/// delivery whose first key is `Records`, or an array; else none (such a document is not resumed).
fn opening_of(head: &[u8]) -> Option<&'static [u8]> {
    let head = head.strip_prefix(super::text::BOM).unwrap_or(head);
    let tokens: Vec<u8> = head.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    match tokens.as_slice() {
        b"{\"Records\":[" => Some(b"{\"Records\":["),
        b"[" => Some(b"["),
        b"" => Some(b""),
        _ => None,
    }
}

/// The opening, then the text from the checkpoint's record (`skip` bytes of `inner` passed over).
struct Prefixed<'a> {
    head: &'a [u8],
    given: usize,
    skip: u64,
    inner: &'a mut dyn Source,
}

impl Source for Prefixed<'_> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        if self.given < self.head.len() {
            bytes.extend_from_slice(&self.head[self.given..]);
            let got = self.head.len() - self.given;
            self.given = self.head.len();
            return Ok(got);
        }
        while self.skip > 0 {
            let before = bytes.len();
            let got = self.inner.fill(bytes, most)?;
            if got == 0 {
                return Ok(0);
            }
            let dropped = (got as u64).min(self.skip);
            bytes.drain(before..before + dropped as usize);
            self.skip -= dropped;
            if bytes.len() > before {
                return Ok(bytes.len() - before);
            }
        }
        self.inner.fill(bytes, most)
    }
}

/// Fills `out` from `reader` through short reads; how many bytes came.
pub(super) fn read_full(reader: &mut dyn Read, out: &mut [u8]) -> usize {
    let mut got = 0;
    while got < out.len() {
        match reader.read(&mut out[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    got
}

/// Keeps the text's first bytes and a snapshot every `every` bytes: what both sources share.
pub(super) struct Taking<'a> {
    taken: &'a RefCell<Taken>,
    every: u64,
    next: u64,
    pub stop: &'a Cell<bool>,
}

impl<'a> Taking<'a> {
    pub fn new(taken: &'a RefCell<Taken>, every: u64, from: u64, stop: &'a Cell<bool>) -> Self {
        Taking { taken, every, next: (from / every + 1) * every, stop }
    }

    /// Whether a snapshot is due at text offset `output`.
    pub fn due(&self, output: u64) -> bool {
        output >= self.next
    }

    pub fn push(&mut self, snapshot: Snapshot) {
        self.next = (snapshot.output / self.every + 1) * self.every;
        self.taken.borrow_mut().pending.push_back(snapshot);
    }

    /// Keeps what of `text` (which starts at offset `at`) lies in the first [`MAX_HEAD`] bytes.
    pub fn first(&self, at: u64, text: &[u8]) {
        if at < MAX_HEAD as u64 {
            let mut taken = self.taken.borrow_mut();
            let want = (MAX_HEAD - at as usize).min(text.len());
            taken.first.extend_from_slice(&text[..want]);
        }
    }
}

/// Plain text, counted, with a snapshot (just the offset) every `every` bytes.
struct Counted<'a> {
    plain: Plain<&'a mut dyn SeekRead>,
    output: u64,
    taking: Taking<'a>,
}

impl<'a> Counted<'a> {
    fn new(file: &'a mut dyn SeekRead, output: u64, every: u64, taken: &'a RefCell<Taken>, stop: &'a Cell<bool>) -> Self {
        let taking = Taking::new(taken, every, output, stop);
        Counted { plain: Plain::new(file), output, taking }
    }
}

impl Source for Counted<'_> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        if self.taking.stop.get() {
            return Ok(0);
        }
        if self.taking.due(self.output) {
            self.taking.push(Snapshot { input: self.output, output: self.output, state: None, crc: None });
        }
        let before = bytes.len();
        // A piece at a time, so that snapshots fall every `every` bytes.
        let room = self.taking.next.saturating_sub(self.output).clamp(1, most.max(1) as u64) as usize;
        let got = self.plain.fill(bytes, room)?;
        self.taking.first(self.output, &bytes[before..]);
        self.output += got as u64;
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_becomes_the_checkpoint_of_the_first_record_after_it() {
        let mut points = Checkpoints::every(10);
        points.opening = Some((Reader::Document, b"["));
        let mut pending: VecDeque<Snapshot> =
            [5, 12, 30].into_iter().map(|output| Snapshot { input: output, output, state: None, crc: None }).collect();
        points.saw(&mut pending, 3, 20);
        assert_eq!(points.points.len(), 1);
        assert_eq!((points.points[0].at.output, points.points[0].record, points.points[0].start), (12, 3, 20));
        assert_eq!(pending.len(), 1, "the snapshot past the record waits for a later one");
        points.saw(&mut pending, 4, 25);
        assert_eq!(points.points.len(), 1);
        assert_eq!(points.before(2).map(|p| p.record), None);
        assert_eq!(points.before(9).map(|p| p.record), Some(3));
    }
}
