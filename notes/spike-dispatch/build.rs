//! Selects the dispatch backend at build time (the wasmi `auto-dispatch` idea):
//! `spike_tail` is set only when the target is known to lower sibling calls AND the
//! build optimises (opt-level 2, 3, s, z). Every other build (debug, test, opt-level
//! 1, unknown targets) gets the loop backend, which cannot grow the native stack.
//! A feature `force-loop` overrides it (e.g. for sanitizer/fuzz builds).
use std::env;
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    println!("cargo::rustc-check-cfg=cfg(spike_tail)");
    let opt = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let optimising = matches!(opt.as_str(), "2" | "3" | "s" | "z");
    let arch_ok = matches!(arch.as_str(), "x86_64" | "aarch64" | "riscv64");
    let forced_loop = env::var_os("CARGO_FEATURE_FORCE_LOOP").is_some();
    if optimising && arch_ok && !forced_loop {
        println!("cargo::rustc-cfg=spike_tail");
    }
}
