//! Memory of `Module::new` against wasmi 2.0's eager translation (issue 10 item 6;
//! BENCHMARKS.md "Module size and memory"): for the largest module at hand
//! (`examples/sqlite3.wasm`) and the nine benchmark programs, the peak of heap bytes
//! held while the module is validated and translated, and the bytes the finished
//! module keeps, both counted by a global allocator that sees every allocation
//! (`tests/support/counting_alloc.rs`), with the module's own bytes already loaded
//! (not counted). Allocation is deterministic, so the figures repeat exactly.
//!
//! `cargo bench --bench module_memory`.

// Benchmark helpers fail loudly; the counting allocator needs `unsafe`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, unsafe_code)]

#[allow(dead_code)]
mod common;

#[path = "../tests/support/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{held_heap, peak_heap, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes held while `build` runs and bytes its result keeps.
fn measure<T>(build: impl FnOnce() -> T) -> (u64, u64) {
    let before = held_heap();
    let (module, peak) = peak_heap(build);
    let kept = held_heap().saturating_sub(before);
    drop(module);
    (peak, kept)
}

fn mib(n: u64) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

fn main() {
    let mut modules: Vec<(String, Vec<u8>)> = vec![(
        "sqlite3".to_string(),
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/sqlite3.wasm"
        ))
        .unwrap(),
    )];
    for p in common::PROGRAMS {
        modules.push((p.name.to_string(), common::wasm_bytes(p)));
    }
    let detwasm_engine = detwasm::Engine::default();
    let wasmi_engines = [common::wasmi_engine(false), common::wasmi_engine(true)];
    println!("peak and kept heap bytes of Module::new (MiB for sqlite3, KiB otherwise)");
    println!(
        "{:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12}",
        "module",
        "bytes",
        "detwasm pk",
        "kept",
        "wasmi pk",
        "kept",
        "fuel pk",
        "peak/wasmi",
        "peak/fuel"
    );
    for (name, bytes) in &modules {
        let d = measure(|| detwasm::Module::new(&detwasm_engine, bytes).unwrap());
        let w = measure(|| wasmi::Module::new(&wasmi_engines[0], bytes).unwrap());
        let f = measure(|| wasmi::Module::new(&wasmi_engines[1], bytes).unwrap());
        let unit = |n: u64| {
            if name == "sqlite3" {
                format!("{:.2}", mib(n))
            } else {
                format!("{:.1}", n as f64 / 1024.0)
            }
        };
        println!(
            "{name:<8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12.2} {:>12.2}",
            bytes.len(),
            unit(d.0),
            unit(d.1),
            unit(w.0),
            unit(w.1),
            unit(f.0),
            d.0 as f64 / w.0 as f64,
            d.0 as f64 / f.0 as f64
        );
    }
}
