//! The `detwasm` binary: all of it lives in [`detwasm::cli`]; this file only hands over
//! the process and returns the exit code that the command line chose.

fn main() -> std::process::ExitCode {
    detwasm::cli::main()
}
