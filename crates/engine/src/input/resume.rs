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
//! Depends on the window's [`Source`] and the shape readers.

use super::window::{Plain, SLICE, Source, given};
use super::{Body, Limits, Reader, Record, RecordKind, RecordSink, gzip};
use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Seek, SeekFrom};

/// How much text lies between two checkpoints, unless told otherwise.
pub const EVERY: u64 = 4 << 20;

/// The longest opening (text before the first record) a file may have for checkpoints.
const MAX_HEAD: usize = 64 << 10;

/// How much compressed input is read at a time.
const INPUT: usize = 64 << 10;

/// How much is inflated in one call.
const CHUNK: usize = 64 << 10;

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

/// Where a read can start: the input at `input` (with the inflater's state, for gzip) gives the
/// text from `output`, and record `record` starts at `start`.
struct Point {
    input: u64,
    output: u64,
    state: Option<Box<InflateState>>,
    /// The member's CRC-32 and size so far.
    crc: Option<(crc32fast::Hasher, u32)>,
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
        self.points.iter().map(|p| std::mem::size_of::<Point>() + p.state.as_ref().map_or(0, |_| state)).sum::<usize>()
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
        let Some(Snapshot { input, output, state, crc }) = taken else { return };
        if self.closed || self.points.last().is_some_and(|p| p.record >= record) {
            return;
        }
        self.points.push(Point { input, output, state, crc, start, record });
    }
}

/// The inflater's state at a point of the text, waiting for the first record after it.
struct Snapshot {
    input: u64,
    output: u64,
    state: Option<Box<InflateState>>,
    crc: Option<(crc32fast::Hasher, u32)>,
}

/// Snapshots taken by a source as it reads, shared with the sink that learns where records start.
#[derive(Default)]
struct Taken {
    pending: VecDeque<Snapshot>,
    /// The first bytes of the text, for the opening.
    first: Vec<u8>,
}

/// How a read again went.
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
    let start = points.before(from).map(|p| (p.input, p.output, p.state.clone(), p.crc.clone(), p.start, p.record));
    let resumed = match start {
        Some((input, output, state, crc, start, record)) => {
            let at = Resume { input, output, state, crc, start, record };
            match file.seek(SeekFrom::Start(at.input)) {
                Ok(_) => Some(at),
                // A file that cannot seek is read from its start.
                Err(_) => None,
            }
        }
        None => None,
    };
    if resumed.is_none() && file.seek(SeekFrom::Start(0)).is_err() {
        return Again { damaged: true, resumed: false, left_first: false };
    }
    let taken = RefCell::new(Taken::default());
    let damaged = Cell::new(false);
    let (every, max) = (points.every, limits.max_inflated_bytes);
    let gzip = match &resumed {
        Some(at) => at.state.is_some(),
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
        (Some(at), true) => Box::new(Inflater::resume(&mut *file, at, every, max, &taken, stop, &damaged)),
        (Some(at), false) => Box::new(Counted::new(&mut *file, at.output, every, &taken, stop)),
        (None, true) => Box::new(Inflater::start(&mut *file, every, max, &taken, stop, &damaged)),
        (None, false) => Box::new(Counted::new(&mut *file, 0, every, &taken, stop)),
    };
    let opening = points.opening;
    let (offset, first_record, head_len) = match (&resumed, opening) {
        (Some(at), Some((_, head))) => (at.start, at.record, head.len() as u64),
        _ => (0, 0, 0),
    };
    let mut prefixed;
    let source: &mut dyn Source = match (&resumed, opening) {
        (Some(at), Some((_, head))) => {
            prefixed = Prefixed { head, given: 0, skip: at.start - at.output, inner: &mut *inner };
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

/// Where a resumed read starts.
struct Resume {
    input: u64,
    output: u64,
    state: Option<Box<InflateState>>,
    crc: Option<(crc32fast::Hasher, u32)>,
    start: u64,
    record: usize,
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
fn read_full(reader: &mut dyn Read, out: &mut [u8]) -> usize {
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
struct Taking<'a> {
    taken: &'a RefCell<Taken>,
    every: u64,
    next: u64,
    stop: &'a Cell<bool>,
}

impl<'a> Taking<'a> {
    fn new(taken: &'a RefCell<Taken>, every: u64, from: u64, stop: &'a Cell<bool>) -> Self {
        Taking { taken, every, next: (from / every + 1) * every, stop }
    }

    /// Whether a snapshot is due at text offset `output`.
    fn due(&self, output: u64) -> bool {
        output >= self.next
    }

    fn push(&mut self, snapshot: Snapshot) {
        self.next = (snapshot.output / self.every + 1) * self.every;
        self.taken.borrow_mut().pending.push_back(snapshot);
    }

    /// Keeps what of `text` (which starts at offset `at`) lies in the first [`MAX_HEAD`] bytes.
    fn first(&self, at: u64, text: &[u8]) {
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

/// Where a gzip member is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Body,
    /// The member's CRC and size, then another member or the end.
    Trailer,
    Ended,
}

/// Every member of a gzip stream inflated by miniz_oxide, whose state can be kept; a snapshot of
/// it every `every` bytes of text. Checked as the scan's decoder checks: a member's header CRC, its
/// CRC-32 and its size; any failure marks the stream `damaged`.
struct Inflater<'a> {
    file: &'a mut dyn SeekRead,
    input: Vec<u8>,
    pos: usize,
    /// The file offset of `input[0]`.
    base: u64,
    state: Box<InflateState>,
    phase: Phase,
    produced: u64,
    max: u64,
    stopped: Option<String>,
    taking: Taking<'a>,
    /// The member's CRC-32 and size (mod 2^32) so far.
    crc: crc32fast::Hasher,
    size: u32,
    damaged: &'a Cell<bool>,
}

impl<'a> Inflater<'a> {
    fn start(
        file: &'a mut dyn SeekRead,
        every: u64,
        max: u64,
        taken: &'a RefCell<Taken>,
        stop: &'a Cell<bool>,
        damaged: &'a Cell<bool>,
    ) -> Self {
        let state = InflateState::new_boxed(DataFormat::Raw);
        let taking = Taking::new(taken, every, 0, stop);
        Inflater::new(file, 0, state, Phase::Header, 0, max, taking, damaged)
    }

    fn resume(
        file: &'a mut dyn SeekRead,
        at: &Resume,
        every: u64,
        max: u64,
        taken: &'a RefCell<Taken>,
        stop: &'a Cell<bool>,
        damaged: &'a Cell<bool>,
    ) -> Self {
        let state = at.state.clone().unwrap_or_else(|| InflateState::new_boxed(DataFormat::Raw));
        let taking = Taking::new(taken, every, at.output, stop);
        let mut inflater = Inflater::new(file, at.input, state, Phase::Body, at.output, max, taking, damaged);
        if let Some((crc, size)) = &at.crc {
            (inflater.crc, inflater.size) = (crc.clone(), *size);
        }
        inflater
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        file: &'a mut dyn SeekRead,
        base: u64,
        state: Box<InflateState>,
        phase: Phase,
        produced: u64,
        max: u64,
        taking: Taking<'a>,
        damaged: &'a Cell<bool>,
    ) -> Self {
        let input = Vec::with_capacity(INPUT);
        let crc = crc32fast::Hasher::new();
        Inflater { file, input, pos: 0, base, state, phase, produced, max, stopped: None, taking, crc, size: 0, damaged }
    }

    /// Reads more input when all of it was used; false at the end of the file.
    fn more(&mut self) -> Result<bool, String> {
        if self.pos < self.input.len() {
            return Ok(true);
        }
        self.base += self.input.len() as u64;
        self.input.resize(INPUT, 0);
        let got = read_full(self.file, &mut self.input);
        self.input.truncate(got);
        self.pos = 0;
        Ok(got > 0)
    }

    /// The next input byte.
    fn byte(&mut self) -> Result<Option<u8>, String> {
        if !self.more()? {
            return Ok(None);
        }
        self.pos += 1;
        Ok(Some(self.input[self.pos - 1]))
    }

    /// Reads a member's header (RFC 1952): magic, method, flags, then the optional fields.
    fn header(&mut self) -> Result<(), String> {
        let mut crc = crc32fast::Hasher::new();
        let mut next = |me: &mut Self| -> Result<u8, String> {
            let b = me.byte()?.ok_or("truncated gzip header")?;
            crc.update(&[b]);
            Ok(b)
        };
        let mut fixed = [0u8; 10];
        for b in &mut fixed {
            *b = next(self)?;
        }
        if fixed[..3] != [0x1f, 0x8b, 8] || fixed[3] & 0xe0 != 0 {
            return Err("not a gzip member".into());
        }
        let flags = fixed[3];
        if flags & 4 != 0 {
            let lo = next(self)?;
            let hi = next(self)?;
            for _ in 0..u16::from_le_bytes([lo, hi]) {
                next(self)?;
            }
        }
        for flag in [8, 16] {
            if flags & flag != 0 {
                while next(self)? != 0 {}
            }
        }
        if flags & 2 != 0 {
            let want = u32::from(crc.clone().finalize() as u16);
            let lo = self.byte()?.ok_or("truncated gzip header")?;
            let hi = self.byte()?.ok_or("truncated gzip header")?;
            if u32::from(u16::from_le_bytes([lo, hi])) != want {
                return Err("corrupt gzip header (CRC)".into());
            }
        }
        self.state.reset(DataFormat::Raw);
        (self.crc, self.size) = (crc32fast::Hasher::new(), 0);
        self.phase = Phase::Body;
        Ok(())
    }

    /// Passes over a member's trailer; what follows is another member or the end.
    fn trailer(&mut self) -> Result<(), String> {
        let mut trailer = [0u8; 8];
        for b in &mut trailer {
            *b = self.byte()?.ok_or("truncated gzip trailer")?;
        }
        let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if crc != self.crc.clone().finalize() || size != self.size {
            return Err("corrupt gzip stream (CRC or size)".into());
        }
        self.phase = if self.more()? { Phase::Header } else { Phase::Ended };
        Ok(())
    }

    /// Inflates up to a [`CHUNK`] into `bytes`; how many came.
    fn body(&mut self, bytes: &mut Vec<u8>) -> Result<usize, String> {
        if self.taking.due(self.produced) {
            let crc = Some((self.crc.clone(), self.size));
            let snapshot = Snapshot { input: self.base + self.pos as u64, output: self.produced, state: Some(self.state.clone()), crc };
            self.taking.push(snapshot);
        }
        let has_input = self.more()?;
        let before = bytes.len();
        bytes.resize(before + CHUNK, 0);
        let result = inflate(&mut self.state, &self.input[self.pos..], &mut bytes[before..], MZFlush::None);
        self.pos += result.bytes_consumed;
        bytes.truncate(before + result.bytes_written);
        self.crc.update(&bytes[before..]);
        self.size = self.size.wrapping_add(result.bytes_written as u32);
        let n = self.produced;
        match result.status {
            Ok(MZStatus::StreamEnd) => self.phase = Phase::Trailer,
            Ok(_) | Err(MZError::Buf) if result.bytes_consumed + result.bytes_written > 0 => {}
            Ok(_) | Err(MZError::Buf) if !has_input => return Err(format!("truncated gzip stream after {n} decompressed bytes")),
            _ => return Err(format!("corrupt gzip stream after {n} decompressed bytes")),
        }
        Ok(result.bytes_written)
    }
}

impl Source for Inflater<'_> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        let mut got = 0;
        while got < most && self.stopped.is_none() && self.phase != Phase::Ended && !self.taking.stop.get() {
            let before = bytes.len();
            let step = match self.phase {
                Phase::Header => self.header().map(|_| 0),
                Phase::Body => self.body(bytes),
                Phase::Trailer => self.trailer().map(|_| 0),
                Phase::Ended => Ok(0),
            };
            match step {
                Ok(n) => {
                    let room = usize::try_from(self.max.saturating_sub(self.produced)).unwrap_or(usize::MAX);
                    let kept = n.min(room);
                    bytes.truncate(before + kept);
                    self.taking.first(self.produced, &bytes[before..]);
                    got += kept;
                    self.produced += kept as u64;
                    if n > room {
                        self.stopped = Some(format!("gzip stream inflates to more than the limit of {} bytes; stopped there", self.max));
                    }
                }
                Err(why) => {
                    self.damaged.set(true);
                    self.stopped = Some(why);
                }
            }
        }
        given(got, &mut self.stopped)
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
        assert_eq!((points.points[0].output, points.points[0].record, points.points[0].start), (12, 3, 20));
        assert_eq!(pending.len(), 1, "the snapshot past the record waits for a later one");
        points.saw(&mut pending, 4, 25);
        assert_eq!(points.points.len(), 1);
        assert_eq!(points.before(2).map(|p| p.record), None);
        assert_eq!(points.before(9).map(|p| p.record), Some(3));
    }
}
