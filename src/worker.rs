//! The scanning worker: scans each posted `File` with the engine's [`Scanner`] and posts the
//! file's result and alerts back. Jobs run one at a time in arrival order; a panic is reported to
//! the page before the worker dies.
//!
//! A file of up to a chunk is read whole, asynchronously, while the file before it is scanned (the
//! browser's reading and the scan overlap); a bigger one is streamed in chunks read with
//! `FileReaderSync` (reporting bytes read), never held whole.
//!
//! Runs in a dedicated worker (no DOM). Depends on the engine and the message types only.

use super::messages::{FetchedRecord, FromWorker, ToWorker, unreadable};
use super::state::load_rules;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use trailhound_engine::enrich::{Database, GeoIp};
use trailhound_engine::{Alert, TextAlert};
use trailhound_engine::{AlertKey, Checkpoints, IdKey, Scanner, Sink, Source};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The most alerts one message carries: a file's alerts go to the page in parts of this many as
/// they are raised, the rest with its result, so that the page never reads one huge message in one
/// task and shows a big file's alerts as it is scanned.
const ALERTS_A_MESSAGE: usize = 100;

/// The most `eventID` hashes one message carries (800 KB): a file with more sends them in parts
/// ahead of its result, as with alerts.
const IDS_A_MESSAGE: usize = 100_000;

/// How much of a file one `FileReaderSync` call reads (and how often progress is posted).
const CHUNK: u64 = 8 << 20;

struct Job {
    id: usize,
    name: String,
    file: web_sys::File,
    task: Task,
    /// The whole file's bytes on their way, for a file of up to a [`CHUNK`].
    early: Option<wasm_bindgen_futures::JsFuture>,
}

/// What a job does with its file.
enum Task {
    Scan,
    /// Search it with this query (`run`: the page's number for the search).
    Hunt {
        query: String,
        run: u64,
    },
    /// Read these records again (`run`: the page's number for the read).
    Fetch {
        records: Vec<usize>,
        run: u64,
    },
}

impl Task {
    /// The answer when the file cannot be read: `why`.
    fn unreadable(&self, id: usize, name: &str, size: u64, why: String) -> FromWorker {
        match self {
            Task::Scan => FromWorker::report_only(id, unreadable(name, size, why)),
            Task::Hunt { run, .. } => FromWorker::Hunted { id, run: *run, records: vec![], error: Some(why) },
            Task::Fetch { run, .. } => FromWorker::Fetched { id, run: *run, records: vec![], error: Some(why) },
        }
    }
}

impl Job {
    /// Starts reading a small file whole, unless it is being read already.
    fn read_early(&mut self) {
        if self.early.is_none() && self.file.size() as u64 <= CHUNK {
            self.early = Some(wasm_bindgen_futures::JsFuture::from(self.file.array_buffer()));
        }
    }
}

#[derive(Default)]
struct Worker {
    scanner: Option<Scanner>,
    /// How files are read and enriched, as configured: what a search's scanner reads with too.
    limits: trailhound_engine::Limits,
    geoip: Option<Arc<GeoIp>>,
    queue: VecDeque<Job>,
    running: bool,
    /// The engine's read window, kept from file to file.
    buffer: Vec<u8>,
    /// Where the files read again can be read from next time.
    checkpoints: Kept,
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker::default());
}

fn scope() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts `message` to the page as JSON bytes with its ids beside them ([`FromWorker::encode`]), both
/// in buffers handed over to the page rather than copied.
fn post(message: &FromWorker) {
    let Ok(wire) = message.encode() else { return };
    let envelope = js_sys::Object::new();
    let transfer = js_sys::Array::new();
    for (name, bytes) in [("json", &wire.json), ("ids", &wire.ids), ("rows", &wire.rows)] {
        let buffer = js_sys::Uint8Array::from(bytes.as_slice());
        let _ = js_sys::Reflect::set(&envelope, &name.into(), &buffer);
        transfer.push(&buffer.buffer());
    }
    let _ = scope().post_message_with_transfer(&envelope, &transfer);
}

/// Starts serving the page's messages.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        post(&FromWorker::Panic { message: info.to_string() });
        web_sys::console::error_1(&info.to_string().into());
    }));
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|event: web_sys::MessageEvent| receive(event.data()));
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromWorker::Ready);
}

fn receive(data: JsValue) {
    let json = js_sys::Reflect::get(&data, &"json".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let message = match serde_json::from_str::<ToWorker>(&json) {
        Ok(message) => message,
        Err(error) => {
            post(&FromWorker::Panic { message: format!("the scanner got a message it cannot read: {error}") });
            return;
        }
    };
    match message {
        ToWorker::Configure { rules, id_key } => {
            let geoip = open_databases(&data);
            let scanner = Scanner::new(rules.enabled_rules())
                .with_id_key(id_key)
                .with_emulated_schedule(rules.emulate_schedule)
                .with_limits(rules.limits())
                .with_geoip(geoip.clone())
                // Every event is indexed for the page's hunting and pivots.
                .with_events(true);
            WORKER.with(|w| {
                let mut w = w.borrow_mut();
                (w.scanner, w.limits, w.geoip) = (Some(scanner), rules.limits(), geoip);
            });
        }
        ToWorker::Scan { id, name } => queue(&data, id, name, Task::Scan),
        ToWorker::Hunt { id, name, query, run } => queue(&data, id, name, Task::Hunt { query, run }),
        ToWorker::Fetch { id, name, records, run } => queue(&data, id, name, Task::Fetch { records, run }),
    }
}

/// Queues a scan, search or read of the file attached to `data`.
fn queue(data: &JsValue, id: usize, name: String, task: Task) {
    let file = js_sys::Reflect::get(data, &"file".into()).ok().and_then(|f| f.dyn_into::<web_sys::File>().ok());
    let Some(file) = file else {
        post(&task.unreadable(id, &name, 0, "the browser gave no file".into()));
        return;
    };
    let start = WORKER.with(|w| {
        let mut w = w.borrow_mut();
        w.queue.push_back(Job { id, name, file, task, early: None });
        !std::mem::replace(&mut w.running, true)
    });
    if start {
        wasm_bindgen_futures::spawn_local(run());
    }
}

/// The GeoIP databases attached to a `Configure` message (`databases`: `File`s), read whole and
/// opened; one that cannot be read or opened is left out (the page opened each when it was added).
fn open_databases(data: &JsValue) -> Option<Arc<GeoIp>> {
    let files = js_sys::Reflect::get(data, &"databases".into()).ok()?.dyn_into::<js_sys::Array>().ok()?;
    let reader = web_sys::FileReaderSync::new().ok()?;
    let mut geoip = GeoIp::default();
    for file in files.iter().filter_map(|f| f.dyn_into::<web_sys::File>().ok()) {
        let Ok(buffer) = reader.read_as_array_buffer(&file) else { continue };
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        if let Ok(db) = Database::from_bytes(&file.name(), bytes) {
            geoip.add(db);
        }
    }
    (!geoip.databases().is_empty()).then(|| Arc::new(geoip))
}

async fn run() {
    while let Some(mut job) = WORKER.with(|w| w.borrow_mut().queue.pop_front()) {
        job.read_early();
        // The next file is read while this one is scanned.
        WORKER.with(|w| w.borrow_mut().queue.front_mut().map(Job::read_early));
        let whole = match job.early.take() {
            Some(early) => Some(early.await.map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())),
            None => None,
        };
        post(&match &job.task {
            Task::Scan => scan(&job, whole),
            Task::Hunt { query, run } => hunt(&job, whole, query, *run),
            Task::Fetch { records, run } => fetch(&job, whole, records, *run),
        });
        post(&FromWorker::Memory { bytes: memory() });
    }
    WORKER.with(|w| w.borrow_mut().running = false);
}

/// The worker's Wasm memory in bytes (64 KiB pages).
fn memory() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size::<0>() as u64) << 16;
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// Runs `work` on the job's file as the engine reads it (its bytes when they were read whole, else
/// streamed through the worker's read window), with the worker's state; or answers that the file
/// could not be read.
fn with_file(job: &Job, whole: Option<Result<Vec<u8>, JsValue>>, work: impl FnOnce(&mut Worker, Source<'_>) -> FromWorker) -> FromWorker {
    let size = job.file.size() as u64;
    let mut read = match Read::of(job, whole) {
        Ok(read) => read,
        Err(why) => return job.task.unreadable(job.id, &job.name, size, why),
    };
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        // The window is lent to the source and kept for the next file.
        let mut buffer = std::mem::take(&mut w.buffer);
        let source = match &mut read {
            Read::Whole(bytes) => Source::bytes(bytes),
            Read::Streamed(reader) => Source::reader(reader, Some(size)).buffer(&mut buffer),
        };
        let answer = work(&mut w, source);
        w.buffer = buffer;
        answer
    })
}

impl Worker {
    /// The scan's scanner, as configured (the built-in rules until a `Configure` arrives).
    fn scanner(&mut self) -> &Scanner {
        self.scanner.get_or_insert_with(|| Scanner::new(load_rules(&[]).rules).with_id_key(IdKey::random()).with_events(true))
    }
}

/// Scans one file on its own; the page settles duplicates across files (and workers).
fn scan(job: &Job, whole: Option<Result<Vec<u8>, JsValue>>) -> FromWorker {
    with_file(job, whole, |w, source| {
        let mut sink = Parts { id: job.id, alerts: Vec::new(), keys: Vec::new() };
        let scanned = w.scanner().scan(&job.name, source, &mut sink);
        let (report, mut ids, candidates, events, Parts { alerts, keys, .. }) =
            (scanned.report, scanned.ids, scanned.candidates, scanned.events, sink);
        if ids.len() > IDS_A_MESSAGE {
            let last = ids.split_off((ids.len() - 1) / IDS_A_MESSAGE * IDS_A_MESSAGE);
            for part in ids.chunks(IDS_A_MESSAGE) {
                post(&FromWorker::Ids { id: job.id, ids: part.to_vec() });
            }
            ids = last;
        }
        FromWorker::Done { id: job.id, report, alerts, ids, keys, candidates, strings: events.strings, rows: events.rows }
    })
}

/// Searches one file for the events `query` matches: scanned with the query as its only rule, read
/// as a scan reads it.
fn hunt(job: &Job, whole: Option<Result<Vec<u8>, JsValue>>, query: &str, run: u64) -> FromWorker {
    let query = match trailhound_engine::Query::parse(query) {
        Ok(query) => query,
        Err(error) => return job.task.unreadable(job.id, &job.name, 0, error.render()),
    };
    with_file(job, whole, |w, source| {
        let scanner = Scanner::new([trailhound_engine::Rule::hunt(query)]).with_limits(w.limits).with_geoip(w.geoip.clone());
        let mut found = Found(Vec::new());
        scanner.scan(&job.name, source, &mut found);
        FromWorker::Hunted { id: job.id, run, records: found.0, error: None }
    })
}

/// Reads again the records numbered `records` of one file, with the scan's scanner (so its
/// documents are mapped and enriched as the scan's alerts are), from the file's checkpoints when
/// this worker read it before.
fn fetch(job: &Job, whole: Option<Result<Vec<u8>, JsValue>>, records: &[usize], run: u64) -> FromWorker {
    let size = job.file.size() as u64;
    let mut read = match Read::of(job, whole) {
        Ok(read) => read,
        Err(why) => return job.task.unreadable(job.id, &job.name, size, why),
    };
    let key = (job.name.clone(), size, job.file.last_modified().to_bits());
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        let mut points = w.checkpoints.take(&key);
        let fetched = match &mut read {
            Read::Whole(bytes) => w.scanner().fetch_again(&mut io::Cursor::new(bytes.as_slice()), records, &mut points),
            Read::Streamed(reader) => w.scanner().fetch_again(reader, records, &mut points),
        };
        w.checkpoints.keep(key, points);
        let missing = records.len() - fetched.len();
        let error = (missing > 0)
            .then(|| format!("{missing} of its records could not be read again (the file changed, or its records are unreadable)"));
        FromWorker::Fetched { id: job.id, run, records: fetched.iter().map(FetchedRecord::of).collect(), error }
    })
}

/// A file as a worker knows it again: its name, size and time of change.
type FileKey = (String, u64, u64);

/// The checkpoints of the files this worker read again, the most recent first, within
/// [`Kept::BUDGET`] bytes.
#[derive(Default)]
struct Kept(Vec<(FileKey, Checkpoints)>);

impl Kept {
    /// What the checkpoints of all files may take: a 4 GiB `.json.gz` has about 44 MB of them.
    const BUDGET: usize = 64 << 20;

    /// The file's checkpoints (none yet for a file not read again before).
    fn take(&mut self, key: &FileKey) -> Checkpoints {
        match self.0.iter().position(|(k, _)| k == key) {
            Some(at) => self.0.remove(at).1,
            None => Checkpoints::default(),
        }
    }

    /// Keeps the file's checkpoints first, dropping the least recently read files past the budget.
    fn keep(&mut self, key: FileKey, points: Checkpoints) {
        self.0.insert(0, (key, points));
        let mut total = 0;
        self.0.retain(|(_, p)| {
            total += p.memory();
            total <= Self::BUDGET
        });
    }
}

/// A search's sink: the places of the records matched.
struct Found(Vec<usize>);

impl Sink for Found {
    fn alert(&mut self, alert: Alert, _: Option<AlertKey>) {
        self.0.push(alert.origin.record);
    }
}

/// The worker's sink: a file's alerts go to the page in parts as they are raised, so that it shows
/// them (and reads them) as the scan goes rather than all at the end of a big file; the last part
/// goes with the file's result.
struct Parts {
    id: usize,
    alerts: Vec<TextAlert>,
    keys: Vec<Option<AlertKey>>,
}

impl Sink for Parts {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        // The page keeps the documents as text: printed here, read there in one pass.
        self.alerts.push(alert.into_text());
        self.keys.push(key);
        if self.alerts.len() == ALERTS_A_MESSAGE {
            post(&FromWorker::Alerts { id: self.id, alerts: std::mem::take(&mut self.alerts), keys: std::mem::take(&mut self.keys) });
        }
    }
}

/// How a file's bytes come to the scanner.
enum Read<'a> {
    /// Read whole ahead of its scan.
    Whole(Vec<u8>),
    /// Read a chunk at a time as the scan goes.
    Streamed(FileReader<'a>),
}

impl<'a> Read<'a> {
    /// The job's file from its bytes when they were read whole, else streamed; or why it cannot
    /// be read.
    fn of(job: &'a Job, whole: Option<Result<Vec<u8>, JsValue>>) -> Result<Read<'a>, String> {
        let failed = |e: JsValue| format!("could not read the file: {}", describe(e));
        match whole {
            Some(Ok(bytes)) => Ok(Read::Whole(bytes)),
            Some(Err(e)) => Err(failed(e)),
            None => match web_sys::FileReaderSync::new() {
                Ok(reader) => Ok(Read::Streamed(FileReader { job, reader, offset: 0, chunk: None })),
                Err(e) => Err(failed(e)),
            },
        }
    }
}

/// A `File` as a reader: `FileReaderSync` (workers only) reads a chunk in one call, and the engine
/// takes it a slice at a time; progress is posted after each chunk.
struct FileReader<'a> {
    job: &'a Job,
    reader: web_sys::FileReaderSync,
    /// Where the next chunk starts.
    offset: u64,
    /// The chunk being handed out, and how much of it has been.
    chunk: Option<(js_sys::Uint8Array, u32)>,
}

impl io::Read for FileReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.chunk.as_ref().is_none_or(|(chunk, given)| *given >= chunk.length()) {
            let size = self.job.file.size() as u64;
            if self.offset >= size || out.is_empty() {
                return Ok(0);
            }
            let end = (self.offset + CHUNK).min(size);
            let blob = self.job.file.slice_with_f64_and_f64(self.offset as f64, end as f64).map_err(failure)?;
            let buffer = self.reader.read_as_array_buffer(&blob).map_err(failure)?;
            self.offset = end;
            // Progress only for a file read in several chunks: a small file's result follows at once.
            if size > CHUNK {
                post(&FromWorker::Reading { id: self.job.id, bytes: end });
            }
            self.chunk = Some((js_sys::Uint8Array::new(&buffer), 0));
        }
        let Some((chunk, given)) = &mut self.chunk else { return Ok(0) };
        let n = (chunk.length() - *given).min(u32::try_from(out.len()).unwrap_or(u32::MAX));
        chunk.subarray(*given, *given + n).copy_to(&mut out[..n as usize]);
        *given += n;
        Ok(n as usize)
    }
}

impl io::Seek for FileReader<'_> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let left = self.chunk.as_ref().map_or(0, |(chunk, given)| u64::from(chunk.length() - given));
        let (base, delta) = match to {
            io::SeekFrom::Start(at) => (at, 0),
            io::SeekFrom::End(delta) => (self.job.file.size() as u64, delta),
            io::SeekFrom::Current(delta) => (self.offset - left, delta),
        };
        let at = base.checked_add_signed(delta).ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "before the file's start"))?;
        (self.offset, self.chunk) = (at, None);
        Ok(at)
    }
}

fn failure(value: JsValue) -> io::Error {
    io::Error::other(describe(value))
}

fn describe(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the browser refused to read it".into())
}
