//! The browser app's entry point: mounts the Yew root component (see `trailhound_app::start_app`).

fn main() {
    trailhound_app::start_app();
}
