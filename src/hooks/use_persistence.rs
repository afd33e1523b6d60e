//! `use_persistence`: restores exceptions and rule settings from `localStorage` once, and saves
//! them whenever they change. Storage errors (private mode, quota) are ignored: the app works
//! without it.

use crate::exceptions::Exception;
use crate::messages::RuleConfig;
use crate::state::Action;
use yew::prelude::*;

const EXCEPTIONS_KEY: &str = "trailhound.exceptions.v1";
const RULES_KEY: &str = "trailhound.rules.v1";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

fn save<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
}

/// Restores saved settings into the state, then keeps saving `exceptions` and `rules`.
#[hook]
pub fn use_persistence(dispatch: Callback<Action>, exceptions: Vec<Exception>, rules: RuleConfig) {
    let first_save = use_mut_ref(|| true);
    use_effect_with((), move |_| {
        if let Some(list) = load::<Vec<Exception>>(EXCEPTIONS_KEY) {
            dispatch.emit(Action::LoadExceptions(list));
        }
        if let Some(config) = load::<RuleConfig>(RULES_KEY) {
            dispatch.emit(Action::LoadRuleConfig(config));
        }
    });
    use_effect_with((exceptions, rules), move |(exceptions, rules)| {
        // The first run sees the defaults, before the restored settings are applied: not saved.
        if !std::mem::replace(&mut *first_save.borrow_mut(), false) {
            save(EXCEPTIONS_KEY, exceptions);
            save(RULES_KEY, rules);
        }
    });
}
