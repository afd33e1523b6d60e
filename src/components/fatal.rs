//! The last resort: a panic in the page shows the `#fatal` box of index.html (a message and a
//! "Start over" link) instead of leaving a frozen page.

/// Installs the panic hook (console message plus the fatal box).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&format!("The app stopped: {info}. Your files never left this page; start over to scan again."));
    }));
}

/// Shows the fatal box with `text`.
pub fn show(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(node) = document.query_selector("#fatal .fatal-text").ok().flatten() {
        node.set_text_content(Some(text));
    }
    if let Some(node) = document.get_element_by_id("fatal") {
        let _ = node.remove_attribute("hidden");
    }
}
