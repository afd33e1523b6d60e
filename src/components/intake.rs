//! Where files come in: the drop zone (files and whole folders, walked with `webkitGetAsEntry`),
//! a file picker, a folder picker and the built-in sample.

use crate::sample;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Files to scan: (name with folder path, handle).
    pub on_files: Callback<Vec<(String, File)>>,
    pub scanning: bool,
}

/// Something dropped: a file system entry to walk, or a plain file.
enum Dropped {
    Entry(FileSystemEntry),
    File(File),
}

#[component]
pub fn Intake(props: &Props) -> Html {
    let dragging = use_state(|| false);
    let problem = use_state(|| None::<String>);

    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, on_files, problem) = (dragging.clone(), props.on_files.clone(), problem.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let Some(dt) = e.data_transfer() else { return };
            // Entries must be taken now: the DataTransfer is emptied when this handler returns.
            let dropped = dropped(&dt);
            let (on_files, problem) = (on_files.clone(), problem.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (files, errors) = collect(dropped).await;
                problem.set((!errors.is_empty()).then(|| errors.join("; ")));
                on_files.emit(files);
            });
        })
    };
    let onpick = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut files = Vec::new();
            if let Some(list) = input.files() {
                for i in 0..list.length() {
                    if let Some(file) = list.get(i) {
                        // `webkitRelativePath` (folder picker) is not in web-sys's File.
                        let path =
                            js_sys::Reflect::get(&file, &"webkitRelativePath".into()).ok().and_then(|p| p.as_string()).unwrap_or_default();
                        files.push((if path.is_empty() { file.name() } else { path }, file));
                    }
                }
            }
            files.sort_by(|a, b| a.0.cmp(&b.0));
            input.set_value("");
            on_files.emit(files);
        })
    };
    let onsample = {
        let (on_files, problem) = (props.on_files.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| match sample::files() {
            Ok(files) => on_files.emit(files),
            Err(reason) => problem.set(Some(reason)),
        })
    };

    html! {
        <section class={classes!("dropzone", dragging.then_some("dragging"))} data-testid="dropzone"
            ondragenter={ondragover.clone()} {ondragover} {ondragleave} {ondrop}
            aria-label="Drop CloudTrail files or folders here">
            <svg class="drop-icon" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 3v12m0 0l-4-4m4 4l4-4M4 17v2a2 2 0 002 2h12a2 2 0 002-2v-2" />
            </svg>
            <div class="drop-text">
                <strong>{ if props.scanning { "Drop more files to add them to the scan" } else { "Drop CloudTrail logs or whole folders here" } }</strong>
                <span class="muted">{ "S3 deliveries (.json, .json.gz), NDJSON, lookup-events output, console CSV exports, ECS documents. Digests are skipped; GeoIP databases (.mmdb) are kept for enrichment." }</span>
            </div>
            <div class="drop-actions">
                <label class="button">
                    { "Choose files" }
                    <input type="file" class="visually-hidden" multiple=true onchange={onpick.clone()} data-testid="file-input" />
                </label>
                <label class="button">
                    { "Choose folder" }
                    <input type="file" class="visually-hidden" multiple=true webkitdirectory=true onchange={onpick} data-testid="folder-input" />
                </label>
                <button class="button primary" onclick={onsample} data-testid="sample">{ "Try sample logs" }</button>
            </div>
            if let Some(text) = &*problem {
                <p class="drop-problem" role="status">{ text.clone() }</p>
            }
        </section>
    }
}

fn dropped(dt: &web_sys::DataTransfer) -> Vec<Dropped> {
    let items = dt.items();
    let mut out = Vec::new();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => out.push(Dropped::Entry(entry)),
            _ => {
                if let Ok(Some(file)) = item.get_as_file() {
                    out.push(Dropped::File(file));
                }
            }
        }
    }
    if out.is_empty()
        && let Some(list) = dt.files()
    {
        {
            for i in 0..list.length() {
                if let Some(file) = list.get(i) {
                    out.push(Dropped::File(file));
                }
            }
        }
    }
    out
}

/// Walks dropped folders; gives every file with its path, and what could not be read.
async fn collect(dropped: Vec<Dropped>) -> (Vec<(String, File)>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = Vec::new();
    for item in dropped {
        match item {
            Dropped::File(file) => files.push((file.name(), file)),
            Dropped::Entry(entry) => stack.push(entry),
        }
    }
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_string();
        if entry.is_directory() {
            let reader = entry.unchecked_ref::<FileSystemDirectoryEntry>().create_reader();
            // readEntries gives a batch at a time; an empty batch ends the folder.
            loop {
                let promise = js_sys::Promise::new(&mut |resolve, reject| {
                    if let Err(error) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                        let _ = reject.call1(&wasm_bindgen::JsValue::NULL, &error);
                    }
                });
                match JsFuture::from(promise).await {
                    Ok(batch) => {
                        let batch: js_sys::Array = batch.unchecked_into();
                        if batch.length() == 0 {
                            break;
                        }
                        stack.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
                    }
                    Err(_) => {
                        errors.push(format!("could not list the folder {path}"));
                        break;
                    }
                }
            }
        } else {
            let file_entry = entry.unchecked_ref::<FileSystemFileEntry>();
            let promise = js_sys::Promise::new(&mut |resolve, reject| {
                file_entry.file_with_callback_and_callback(&resolve, &reject);
            });
            match JsFuture::from(promise).await {
                Ok(file) => files.push((path, file.unchecked_into::<File>())),
                Err(_) => errors.push(format!("could not open {path}")),
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (files, errors)
}
