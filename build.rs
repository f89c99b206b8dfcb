//! Selects the interpreter's dispatch backend at build time (ARCHITECTURE.md,
//! "Dispatch"). `detwasm_tail` (the threaded backend, `src/exec/tail.rs`) is set only
//! where LLVM is known to turn each handler's call of the next into a jump: an
//! optimising build (opt-level 2, 3, s or z) for x86-64 or aarch64, without a
//! sanitizer (cargo-fuzz builds) and without the `loop-dispatch` feature. Every other
//! build (debug, plain `cargo test` without `--release`, fuzzing) runs only the
//! `loop { match }` backend, which cannot grow the native stack with guest activity.
use std::env;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo::rustc-check-cfg=cfg(detwasm_tail)");
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let optimising = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    let arch_ok = matches!(arch.as_str(), "x86_64" | "aarch64");
    // `-Zsanitizer=address` (cargo fuzz's default), not the coverage flags
    // (`-sanitizer-coverage-...`) that every cargo-fuzz build carries.
    let sanitized = flags.contains("sanitizer=");
    let forced_loop = env::var_os("CARGO_FEATURE_LOOP_DISPATCH").is_some();
    if optimising && arch_ok && !sanitized && !forced_loop {
        println!("cargo::rustc-cfg=detwasm_tail");
    }
}
