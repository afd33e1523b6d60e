//! Saves text the app produced (CSV, NDJSON) as a file download, through a `blob:` URL of this page.
//!
//! Browser-only; never touches the state.

use wasm_bindgen::JsCast;

/// Offers `text` for download as `name` with `mime` type.
pub fn save(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(|e| format!("{e:?}"))?.dyn_into().map_err(|_| "not an anchor")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_rel("noopener");
    if let Some(body) = document.body() {
        let _ = body.append_child(&anchor);
        anchor.click();
        let _ = body.remove_child(&anchor);
    }
    // Revoke later: the download reads the URL after this returns.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// Now, as RFC 3339 (the alerts' creation time in the NDJSON export).
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}
