//! The browser app: a Yew single-page app that scans CloudTrail files in a Web Worker, offline.
//!
//! Its state ([`state`]), the table's view ([`view`]), exceptions, chart numbers and worker messages
//! are yew-free and always built, so `cargo test` checks them natively. Everything that touches the
//! browser (components, hooks, the worker, the bridge to it) needs the `web` feature.

pub mod attack;
pub mod event_table;
pub mod exceptions;
pub mod geoip;
pub mod messages;
pub mod rule_filter;
pub mod state;
pub mod stats;
pub mod view;

#[cfg(feature = "web")]
mod bridge;
#[cfg(feature = "web")]
pub mod components;
#[cfg(feature = "web")]
pub mod download;
#[cfg(feature = "web")]
pub mod hooks;
#[cfg(feature = "web")]
pub mod markdown;
#[cfg(feature = "web")]
pub mod random;
#[cfg(feature = "web")]
pub mod sample;
#[cfg(feature = "web")]
pub mod worker;

/// Mounts the app into `#root` and installs the panic screen.
#[cfg(feature = "web")]
pub fn start_app() {
    components::fatal::install_panic_hook();
    if let Some(loading) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading")) {
        loading.remove();
    }
    let root = gloo_utils_root();
    match root {
        Some(root) => {
            yew::Renderer::<components::app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<components::app::App>::new().render();
        }
    }
}

#[cfg(feature = "web")]
fn gloo_utils_root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id("root")
}
