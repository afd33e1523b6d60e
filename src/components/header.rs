//! The page header: the tool's name and its offline promise.

use yew::prelude::*;

#[component]
pub fn Header() -> Html {
    html! {
        <header class="app-header">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect width="32" height="32" rx="6" class="logo-bg" />
                    <path d="M7 22l6-12 5 8 3-4 4 8z" class="logo-fg" />
                </svg>
                <div>
                    <h1>{ "Trailhound" }</h1>
                    <p class="tagline">{ "AWS CloudTrail threat detection with Elastic rules" }</p>
                </div>
            </div>
            <p class="offline-badge" title="Files are read and scanned in this browser tab. No request leaves this page.">
                <span class="dot" aria-hidden="true"></span>
                { "Offline — your logs never leave this page" }
            </p>
        </header>
    }
}
