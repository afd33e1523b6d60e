//! `use_geoip`: the GeoIP/ASN databases' files, kept in the browser's origin private file system
//! (folder `geoip`) so that they are there on the next visit, never sent anywhere. Adding reads a
//! file's metadata (a file that is no usable database is refused with why), stores it and drops
//! the database it replaces; removing deletes it. What the page lists of each is in the rule
//! settings (`GeoIpInfo`, saved by `use_persistence`); this hook keeps the files to hand to the
//! workers. Storage errors (no OPFS, quota) leave a database usable for this visit only.

use crate::geoip::{GeoIpInfo, with};
use crate::state::Action;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use yew::prelude::*;

/// What the page can do with the kept databases.
#[derive(Clone, PartialEq)]
pub struct GeoIpHandle {
    /// The files at hand (name, file), for the workers.
    pub files: Vec<(String, File)>,
    /// Add these `.mmdb` files.
    pub add: Callback<Vec<File>>,
    /// Remove the database of this name.
    pub remove: Callback<String>,
}

/// The `geoip` folder of the origin private file system.
async fn folder() -> Option<web_sys::FileSystemDirectoryHandle> {
    let root = JsFuture::from(web_sys::window()?.navigator().storage().get_directory()).await.ok()?;
    let root: web_sys::FileSystemDirectoryHandle = root.dyn_into().ok()?;
    let options = web_sys::FileSystemGetDirectoryOptions::new();
    options.set_create(true);
    JsFuture::from(root.get_directory_handle_with_options("geoip", &options)).await.ok()?.dyn_into().ok()
}

/// The stored file called `name`.
async fn stored(name: &str) -> Option<File> {
    let handle = JsFuture::from(folder().await?.get_file_handle(name)).await.ok()?;
    let handle: web_sys::FileSystemFileHandle = handle.dyn_into().ok()?;
    JsFuture::from(handle.get_file()).await.ok()?.dyn_into().ok()
}

/// Stores `file` as `name`; whether it was stored.
async fn store(name: &str, file: &File) -> bool {
    let Some(dir) = folder().await else { return false };
    let options = web_sys::FileSystemGetFileOptions::new();
    options.set_create(true);
    let Ok(handle) = JsFuture::from(dir.get_file_handle_with_options(name, &options)).await else { return false };
    let Ok(handle) = handle.dyn_into::<web_sys::FileSystemFileHandle>() else { return false };
    let Ok(stream) = JsFuture::from(handle.create_writable()).await else { return false };
    let Ok(stream) = stream.dyn_into::<web_sys::FileSystemWritableFileStream>() else { return false };
    let Ok(written) = stream.write_with_blob(file) else { return false };
    JsFuture::from(written).await.is_ok() && JsFuture::from(stream.close()).await.is_ok()
}

async fn delete(name: &str) {
    if let Some(dir) = folder().await {
        let _ = JsFuture::from(dir.remove_entry(name)).await;
    }
}

/// The kept databases' files: those listed in `kept` are fetched from storage (a listed one that
/// is gone is dropped, with a word to the user).
#[hook]
pub fn use_geoip(kept: Vec<GeoIpInfo>, dispatch: Callback<Action>) -> GeoIpHandle {
    let files = use_state(Vec::<(String, File)>::new);
    // Always the latest lists, for the async tasks below.
    let latest = use_mut_ref(|| (Vec::<GeoIpInfo>::new(), Vec::<(String, File)>::new()));
    *latest.borrow_mut() = (kept.clone(), (*files).clone());
    {
        let (files, latest, dispatch) = (files.clone(), latest.clone(), dispatch.clone());
        let names: Vec<String> = kept.iter().map(|k| k.name.clone()).collect();
        use_effect_with(names, move |names: &Vec<String>| {
            let names = names.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut found = Vec::new();
                for name in names {
                    if latest.borrow().1.iter().any(|(n, _)| *n == name) {
                        continue;
                    }
                    match stored(&name).await {
                        Some(file) => found.push((name, file)),
                        None => {
                            dispatch.emit(Action::RemoveGeoIp(name.clone()));
                            dispatch.emit(Action::Failed(format!(
                                "The GeoIP database {name} is no longer in this browser's storage; add it again in the Rules tab."
                            )));
                        }
                    }
                }
                if !found.is_empty() {
                    let mut list = latest.borrow().1.clone();
                    list.extend(found);
                    files.set(list);
                }
            });
        });
    }
    let add = {
        let (files, latest, dispatch) = (files.clone(), latest.clone(), dispatch.clone());
        Callback::from(move |picked: Vec<File>| {
            let (files, latest, dispatch) = (files.clone(), latest.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                for file in picked {
                    let name = file.name();
                    let bytes = match JsFuture::from(file.array_buffer()).await {
                        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
                        Err(_) => {
                            dispatch.emit(Action::Failed(format!("{name}: the browser could not read the file")));
                            continue;
                        }
                    };
                    let info = match GeoIpInfo::read(&name, bytes) {
                        Ok(info) => info,
                        Err(why) => {
                            dispatch.emit(Action::Failed(why));
                            continue;
                        }
                    };
                    let kept_now = latest.borrow().0.clone();
                    let (kept_after, dropped) = with(&kept_now, info.clone());
                    if !store(&name, &file).await {
                        dispatch.emit(Action::Failed(format!("{name}: the browser would not store it, so it is used for this visit only")));
                    }
                    for old in &dropped {
                        delete(old).await;
                    }
                    let mut list = latest.borrow().1.clone();
                    list.retain(|(n, _)| *n != name && !dropped.contains(n));
                    list.push((name, file));
                    latest.borrow_mut().1 = list.clone();
                    latest.borrow_mut().0 = kept_after;
                    files.set(list);
                    dispatch.emit(Action::AddGeoIp(info));
                }
            });
        })
    };
    let remove = {
        let (files, latest, dispatch) = (files.clone(), latest.clone(), dispatch.clone());
        Callback::from(move |name: String| {
            let (files, latest, dispatch) = (files.clone(), latest.clone(), dispatch.clone());
            wasm_bindgen_futures::spawn_local(async move {
                delete(&name).await;
                let mut list = latest.borrow().1.clone();
                list.retain(|(n, _)| *n != name);
                files.set(list);
                dispatch.emit(Action::RemoveGeoIp(name));
            });
        })
    };
    GeoIpHandle { files: (*files).clone(), add, remove }
}
