//! The `herald` command: runs the service, and drives every use case from a terminal.
#![forbid(unsafe_code)]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
