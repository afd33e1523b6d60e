//! The browser app's entry point: mounts the Yew root component (see `trailhound::app`).

fn main() {
    trailhound::app::start_app();
}
