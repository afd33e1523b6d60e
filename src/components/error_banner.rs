//! The error banner: a recoverable failure (the scanner died, a file could not be read) and the
//! ways on from it.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub message: AttrValue,
    pub on_dismiss: Callback<()>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn ErrorBanner(props: &Props) -> Html {
    html! {
        <div class="banner banner-error" role="alert" data-testid="error">
            <span>{ props.message.clone() }</span>
            <span class="banner-actions">
                <button class="button" onclick={props.on_reset.reform(|_| ())}>{ "Start over" }</button>
                <button class="button ghost" onclick={props.on_dismiss.reform(|_| ())}>{ "Dismiss" }</button>
            </span>
        </div>
    }
}
