//! The `trailhound` command line: wires arguments to the engine; holds no detection logic.
//!
//! Exit status: 0 when every input was read, 1 when some input could not be (after scanning the
//! rest), 2 for usage or rule errors.

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
mod args;
#[cfg(not(target_arch = "wasm32"))]
mod files;
#[cfg(not(target_arch = "wasm32"))]
mod geoip;
#[cfg(not(target_arch = "wasm32"))]
mod hunt;
#[cfg(not(target_arch = "wasm32"))]
mod report;
#[cfg(not(target_arch = "wasm32"))]
mod rules;
#[cfg(not(target_arch = "wasm32"))]
mod scan;
#[cfg(not(target_arch = "wasm32"))]
mod summary;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    let cli = args::Cli::parse();
    let code = match cli.command {
        args::Command::Scan(scan_args) => scan::run(&scan_args).unwrap_or_else(|code| code),
        args::Command::Rules(list_args) => rules::run(&list_args),
        args::Command::Hunt(hunt_args) => hunt::run(&hunt_args).unwrap_or_else(|code| code),
        args::Command::Summary(summary_args) => summary::run(&summary_args).unwrap_or_else(|code| code),
    };
    std::process::ExitCode::from(code)
}

#[cfg(target_arch = "wasm32")]
fn main() {}
