//! `use_keydown`: a key handler on the whole document while the component is shown (Escape
//! closes a detail, `/` focuses a search).

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Calls `on_key` with every key pressed in the document, from the component's first render until
/// it goes away.
#[hook]
pub fn use_keydown(on_key: impl Fn(web_sys::KeyboardEvent) + 'static) {
    use_effect_with((), move |_| {
        let listener = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(on_key);
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = &document {
            let _ = document.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = document {
                let _ = document.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
        }
    });
}
