//! The app's components, one a file. The root ([`app::App`]) owns the state and the scanner; the
//! others get data and callbacks.

pub mod alerts_table;
pub mod app;
pub mod attack_view;
pub mod decided;
pub mod detail;
pub mod error_banner;
pub mod event_charts;
pub mod event_record;
pub mod events_panel;
pub mod exceptions_panel;
pub mod fatal;
pub mod files_panel;
pub mod filter_bar;
pub mod geoip_panel;
pub mod header;
pub mod intake;
pub mod overview;
pub mod principals_panel;
pub mod rules_panel;
pub mod scan_status;
pub mod tabs;

use std::rc::Rc;

/// Shared data handed to components: equal only when it is the same allocation, so a prop
/// comparison costs nothing and a change is always seen.
#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A number with thousands separators.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n thing` or `n things`, with thousands separators.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// A byte size in B / KB / MB / GB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A link out of the app: only http(s), opened in a new tab, only on click, without a referrer.
pub fn external_link(url: &str, text: yew::Html) -> yew::Html {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        yew::html! { <a href={url.to_string()} target="_blank" rel="noopener noreferrer">{text}</a> }
    } else {
        text
    }
}
