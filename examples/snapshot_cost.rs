//! Measures the cost of a snapshot (SPEC.md §Snapshot) for BENCHMARKS.md "Snapshot
//! cost": `StoreInner::snapshot`, `Snapshot::to_bytes`, `Snapshot::from_bytes`,
//! `Store::restore` and `Snapshot::state_digest`, for instances of several memory
//! sizes, each with a call suspended out of gas. Prints a Markdown table.
//!
//! `cargo run --release --example snapshot_cost`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use detwasm::session::{self, RunConfig};
use detwasm::wasi::{self, Wasi, WasiConfig};
use detwasm::{Engine, Extern, Invocation, Linker, Module, Snapshot, Store};

/// A module of `pages` pages that fills its memory with a pattern, then loops; the
/// call is suspended in the loop.
fn module(pages: u32) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
        (memory {pages})
        (func (export "run") (result i32)
            (local $i i32)
            (loop $fill
                (i32.store (local.get $i) (i32.mul (local.get $i) (i32.const 2654435761)))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br_if $fill (i32.lt_u (local.get $i) (i32.const {bytes}))))
            (loop $spin (br $spin))
            (i32.const 0)))"#,
        bytes = u64::from(pages) * 65536
    ))
    .unwrap()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// The SQLite demo (README) run to its end; its instance's snapshot is timed as the
/// others, restored through the WASI linker.
fn sqlite_row() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read(root.join(p)).unwrap();
    let wasm = read("examples/sqlite3.wasm");
    let wasi_config = WasiConfig {
        args: vec!["sqlite3.wasm".to_string(), "/data/demo.db".to_string()],
        stdin: read("examples/sql/demo.sql"),
        preopens: vec![wasi::Preopen {
            guest_path: "/data".to_string(),
            tree: wasi::fs::Dir::load_host(root.join("examples/sql")).unwrap(),
        }],
        ..WasiConfig::default()
    };
    let rc = RunConfig {
        wasi: wasi_config.clone(),
        ..RunConfig::default()
    };
    let out = session::run(&wasm, rc).unwrap();
    let (store, inst) = (out.store, out.instance.unwrap());
    let engine = store.engine().clone();
    let module = Module::new(&engine, &wasm).unwrap();
    let mut linker = Linker::new();
    wasi::add_to_linker(&mut linker, |w: &mut Wasi| w).unwrap();
    let (mut snap_t, mut enc_t, mut dec_t, mut res_t, mut dig_t) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..21 {
        let t = Instant::now();
        let snap = store.snapshot(inst).unwrap();
        snap_t.push(t.elapsed());
        let t = Instant::now();
        let bytes = snap.to_bytes().unwrap();
        enc_t.push(t.elapsed());
        size = bytes.len();
        let t = Instant::now();
        let back = Snapshot::from_bytes(&bytes).unwrap();
        dec_t.push(t.elapsed());
        let mut fresh = Store::new(&engine, Wasi::new(wasi_config.clone()).unwrap());
        let t = Instant::now();
        linker.restore(&mut fresh, &module, &back).unwrap();
        res_t.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(back.state_digest());
        dig_t.push(t.elapsed());
    }
    let pages = store
        .instance_state(inst)
        .and_then(|(m, _, _)| {
            m.first()
                .and_then(|m| store.memory_data(*m))
                .map(|d| d.len() / 65536)
        })
        .unwrap_or(0);
    println!(
        "| SQLite demo at its end ({pages} pages) | {size} | {} ms | {} ms | {} ms | {} ms | {} ms |",
        ms(median(snap_t)),
        ms(median(enc_t)),
        ms(median(dec_t)),
        ms(median(res_t)),
        ms(median(dig_t)),
    );
}

fn main() {
    let engine = Engine::default();
    println!("| memory | bytes | snapshot | to_bytes | from_bytes | restore | state_digest |");
    println!("|---|---|---|---|---|---|---|");
    for pages in [1u32, 16, 256, 1024] {
        let wasm = module(pages);
        let module = Module::new(&engine, &wasm).unwrap();
        let mut store = Store::new(&engine, ());
        let inst = store.instantiate(&module, &[]).unwrap();
        let Some(Extern::Func(run)) = store.instance_export(inst, "run") else {
            panic!("no run")
        };
        // Enough gas to fill the memory, then stop in the spin loop.
        store.set_gas_limit(u64::from(pages) * 16384 * 40 + 1000);
        let Invocation::OutOfGas(_) = store.invoke_resumable(run, &[]).unwrap() else {
            panic!("finished")
        };
        let runs = if pages >= 256 { 5 } else { 21 };
        let (mut snap_t, mut enc_t, mut dec_t, mut res_t, mut dig_t) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let snap = store.snapshot(inst).unwrap();
            snap_t.push(t.elapsed());
            let t = Instant::now();
            let bytes = snap.to_bytes().unwrap();
            enc_t.push(t.elapsed());
            size = bytes.len();
            let t = Instant::now();
            let back = Snapshot::from_bytes(&bytes).unwrap();
            dec_t.push(t.elapsed());
            let mut fresh = Store::new(&engine, ());
            let t = Instant::now();
            fresh.restore(&module, &[], &back).unwrap();
            res_t.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(back.state_digest());
            dig_t.push(t.elapsed());
            assert!(fresh.is_suspended());
        }
        println!(
            "| {} KiB ({pages} pages) | {size} | {} ms | {} ms | {} ms | {} ms | {} ms |",
            u64::from(pages) * 64,
            ms(median(snap_t)),
            ms(median(enc_t)),
            ms(median(dec_t)),
            ms(median(res_t)),
            ms(median(dig_t)),
        );
    }
    sqlite_row();
}
