//! The scanning worker's entry point: serves scan jobs posted by the page (see `trailhound_app::worker`).

fn main() {
    trailhound_app::worker::start();
}
