//! The page's end of the scanning worker: starts it from `worker-loader.js`, posts JSON messages
//! with `File` handles beside them (the worker reads the files itself), and reports its messages
//! (JSON bytes with ids beside them, see [`FromWorker::decode`]; a load failure is JSON text) and its
//! death (a panic or a load failure). Terminating it is how a scan is cancelled.
//!
//! Browser-only; knows the message types, never the state.

use super::messages::{FromWorker, ToWorker};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A running worker. Dropping it terminates the worker.
pub struct WorkerHandle {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerHandle {
    /// Starts a worker; `on_message` gets its messages, `on_failure` a reason when it dies.
    pub fn spawn(on_message: impl Fn(FromWorker) + 'static, on_failure: impl Fn(String) + 'static) -> Result<WorkerHandle, String> {
        let options = web_sys::WorkerOptions::new();
        options.set_name("trailhound-scanner");
        let worker = web_sys::Worker::new_with_options("./worker-loader.js", &options).map_err(describe)?;
        let on_failure = std::rc::Rc::new(on_failure);
        let failure = on_failure.clone();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| match read(&event.data()) {
            Some(Ok(message)) => on_message(message),
            Some(Err(error)) => failure(format!("unreadable message from the scanner: {error}")),
            None => failure("unexpected message from the scanner".into()),
        });
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            event.prevent_default();
            let reason = match event.dyn_ref::<web_sys::ErrorEvent>() {
                Some(error) if !error.message().is_empty() => error.message(),
                _ => "the scanner could not be started".to_string(),
            };
            on_failure(reason);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerHandle { worker, _on_message: on_message, _on_error: on_error })
    }

    /// Posts `message`, with `file` beside it for a scan.
    pub fn send(&self, message: &ToWorker, file: Option<&web_sys::File>) -> Result<(), String> {
        self.send_with(message, file, &[])
    }

    /// Posts `message` with `file` and the GeoIP `databases` beside it (for `Configure`).
    pub fn send_with(&self, message: &ToWorker, file: Option<&web_sys::File>, databases: &[web_sys::File]) -> Result<(), String> {
        let envelope = js_sys::Object::new();
        let json = serde_json::to_string(message).map_err(|e| e.to_string())?;
        js_sys::Reflect::set(&envelope, &"json".into(), &json.into()).map_err(describe)?;
        if let Some(file) = file {
            js_sys::Reflect::set(&envelope, &"file".into(), file).map_err(describe)?;
        }
        if !databases.is_empty() {
            let list: js_sys::Array = databases.iter().collect();
            js_sys::Reflect::set(&envelope, &"databases".into(), &list).map_err(describe)?;
        }
        self.worker.post_message(&envelope).map_err(describe)
    }
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// A worker's message: `{json, ids, rows}` byte arrays, or JSON text (the loader's own failure report).
fn read(data: &JsValue) -> Option<serde_json::Result<FromWorker>> {
    if let Some(text) = data.as_string() {
        return Some(FromWorker::decode(text.as_bytes(), &[], &[]));
    }
    let bytes = |name: &str| js_sys::Reflect::get(data, &name.into()).ok()?.dyn_into::<js_sys::Uint8Array>().ok().map(|a| a.to_vec());
    Some(FromWorker::decode(&bytes("json")?, &bytes("ids").unwrap_or_default(), &bytes("rows").unwrap_or_default()))
}

fn describe(value: JsValue) -> String {
    value
        .as_string()
        .or_else(|| value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{value:?}"))
}
