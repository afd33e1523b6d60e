//! The browser app's entry point: mounts the Yew root component (see `trailhound::app`).

fn main() {
    trailhound_app::start_app();
}
