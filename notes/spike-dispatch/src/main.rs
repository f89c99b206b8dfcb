//! Dispatch spike: `spike MODE KERNEL REPS [GAS]`
//!   MODE: tail | fnloop | match | auto | count
//!   KERNEL: fib (fib(25)) | sha (sha_bench(10))
//! `spike selftest` checks every mode against the expected results and against each
//! other on out-of-gas stops; `spike smallstack MODE` runs sha in a thread with a 64 KiB
//! native stack (a tail-call build that lost its sibling calls dies here).

mod pitfalls;
mod prog;
mod vm;

use std::time::Instant;
use vm::{Cx, FuncInfo, Mode, Op, St};

struct Module {
    code: Vec<u64>,
    starts: Vec<(usize, Op)>,
    funcs: Vec<(usize, usize, u64)>,
}

const FIB: usize = 0;
const SHA: usize = 1;

fn build() -> Module {
    let mut a = prog::Asm::new();
    // trampoline: [continuation cost 0][Halt]; the entry frame returns to index 1
    a.code.push(0);
    a.halt();
    prog::fib(&mut a); // func 0
    prog::sha_bench(&mut a, 2); // func 1
    prog::compress(&mut a); // func 2
    let (code, starts, funcs) = a.finish();
    Module { code, starts, funcs }
}

fn fresh_mem() -> Vec<u8> {
    let mut mem = vec![0u8; 65536];
    for (i, k) in prog::K.iter().enumerate() {
        mem[prog::KADDR as usize + 4 * i..][..4].copy_from_slice(&k.to_le_bytes());
    }
    let mut x: u32 = 12345;
    for b in &mut mem[prog::BUF as usize..(prog::BUF + prog::BUF_BYTES) as usize] {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    mem
}

struct Outcome {
    code: u32,
    result: u64,
    gas: u64,
    ip_index: isize,
    count: u64,
}

/// Runs `func(arg)` on a linked copy of the code.
fn invoke(m: &Module, code: &[u64], func: usize, arg: u64, mem: &mut [u8], mode: Mode, gas: u64) -> Outcome {
    let infos: Vec<FuncInfo> = prog::func_infos(code, &m.funcs);
    let mut stack = vec![0u64; 1 << 16];
    let base = stack.as_mut_ptr();
    let mut count = [0u64; 32];
    // SAFETY (spike): frame sizes come from the assembler, the stack end is checked by
    // every call, code pointers point into `code` which outlives the run.
    unsafe {
        let mut cx = Cx {
            funcs: infos.as_ptr(),
            stack_end: base.add(stack.len()),
            exit_ip: std::ptr::null(),
            exit_fp: std::ptr::null_mut(),
            exit_gas: 0,
            fence: 0,
        };
        let fp = base.add(2);
        *fp.sub(2) = code.as_ptr().add(1) as u64;
        *fp.sub(1) = 0;
        *fp = arg;
        let f = &infos[func];
        assert!(gas >= f.entry_gas);
        let s = St { ip: f.code, fp, gas: gas - f.entry_gas, mem: mem.as_mut_ptr(), memlen: mem.len() };
        let r = match mode {
            Mode::Tail => vm::tail::run(s, &mut cx),
            Mode::FnLoop => vm::fnloop::run(s, &mut cx),
            Mode::Match => vm::matchloop::run::<false>(s, &mut cx, &mut count),
        };
        Outcome {
            code: r,
            result: *fp,
            gas: cx.exit_gas,
            ip_index: cx.exit_ip.offset_from(code.as_ptr()),
            count: count.iter().sum(),
        }
    }
}

fn count_run(m: &Module, code: &[u64], func: usize, arg: u64, mem: &mut [u8]) -> [u64; 32] {
    let infos: Vec<FuncInfo> = prog::func_infos(code, &m.funcs);
    let mut stack = vec![0u64; 1 << 16];
    let base = stack.as_mut_ptr();
    let mut count = [0u64; 32];
    unsafe {
        let mut cx = Cx {
            funcs: infos.as_ptr(),
            stack_end: base.add(stack.len()),
            exit_ip: std::ptr::null(),
            exit_fp: std::ptr::null_mut(),
            exit_gas: 0,
            fence: 0,
        };
        let fp = base.add(2);
        *fp.sub(2) = code.as_ptr().add(1) as u64;
        *fp = arg;
        let s = St { ip: infos[func].code, fp, gas: u64::MAX / 2, mem: mem.as_mut_ptr(), memlen: mem.len() };
        vm::matchloop::run::<true>(s, &mut cx, &mut count);
    }
    count
}

fn linked(m: &Module, mode: Mode) -> Vec<u64> {
    let mut code = m.code.clone();
    vm::link(&mut code, &m.starts, mode);
    code
}

fn parse_mode(s: &str) -> Mode {
    match s {
        "tail" => Mode::Tail,
        "fnloop" => Mode::FnLoop,
        "match" => Mode::Match,
        "auto" => vm::AUTO,
        _ => panic!("mode: tail | fnloop | match | auto"),
    }
}

fn kernel(k: &str) -> (usize, u64) {
    match k {
        "fib" => (FIB, 25),
        "sha" => (SHA, 10),
        _ => panic!("kernel: fib | sha"),
    }
}

fn selftest(m: &Module) {
    let mut native_mem = fresh_mem();
    let sha_expect = prog::sha_native(&mut native_mem, 10) as u64;
    for mode in [Mode::Tail, Mode::FnLoop, Mode::Match] {
        let code = linked(m, mode);
        let o = invoke(m, &code, FIB, 25, &mut fresh_mem(), mode, u64::MAX / 2);
        assert_eq!((o.code, o.result), (vm::DONE, 75025), "{mode:?} fib");
        let mut mem = fresh_mem();
        let o = invoke(m, &code, SHA, 10, &mut mem, mode, u64::MAX / 2);
        assert_eq!((o.code, o.result as u32 as u64), (vm::DONE, sha_expect), "{mode:?} sha");
        assert!(mem[512..] == native_mem[512..], "{mode:?} sha memory differs");
    }
    // out-of-gas stops must be identical in every mode (same ip, same gas left)
    for gas in [10u64, 777, 12_345, 300_001, 1_000_003, 3_000_017] {
        for (f, arg) in [(FIB, 25u64), (SHA, 10)] {
            let mut seen = vec![];
            for mode in [Mode::Tail, Mode::FnLoop, Mode::Match] {
                let code = linked(m, mode);
                let o = invoke(m, &code, f, arg, &mut fresh_mem(), mode, gas);
                seen.push((o.code, o.gas, o.ip_index));
            }
            assert!(seen.windows(2).all(|w| w[0] == w[1]), "gas {gas}: {seen:?}");
            assert!(seen[0].0 == vm::OUT_OF_GAS || gas > 1_000_000);
        }
    }
    let full = invoke(m, &linked(m, Mode::Match), FIB, 25, &mut fresh_mem(), Mode::Match, 1 << 40);
    println!(
        "selftest ok: fib(25)=75025 sha=0x{sha_expect:08x}; fib gas used {}; auto mode = {:?}",
        (1u64 << 40) - full.gas - 0,
        vm::AUTO
    );
    let _ = full.count;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("keep") {
        pitfalls::keep();
    }
    let m = build();
    match args.get(1).map(String::as_str) {
        Some("selftest") => selftest(&m),
        Some("count") => {
            for k in ["fib", "sha"] {
                let (f, arg) = kernel(k);
                let code = linked(&m, Mode::Match);
                let h = count_run(&m, &code, f, arg, &mut fresh_mem());
                let n: u64 = h.iter().sum();
                println!("{k}: {n} bytecode instructions executed per call");
                for (op, c) in Op::ALL.iter().zip(h) {
                    if c > 0 { println!("  {op:?} {c}"); }
                }
            }
        }
        Some("smallstack") => {
            let mode = parse_mode(&args[2]);
            let code = linked(&m, mode);
            let h = std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    let m = build();
                    invoke(&m, &code, SHA, 10, &mut fresh_mem(), mode, u64::MAX / 2).code
                })
                .unwrap();
            println!("smallstack {mode:?}: exit code {}", h.join().unwrap());
        }
        Some(mode) => {
            let mode = parse_mode(mode);
            let (f, arg) = kernel(&args[2]);
            let reps: u32 = args[3].parse().unwrap();
            let code = linked(&m, mode);
            let mut mem = fresh_mem();
            let t = Instant::now();
            let mut last = 0;
            for _ in 0..reps {
                let o = invoke(&m, &code, f, arg, &mut mem, mode, u64::MAX / 2);
                assert_eq!(o.code, vm::DONE);
                last = o.result;
            }
            let dt = t.elapsed();
            println!("{mode:?} {} x{reps}: result {last}, {:?} per call", args[2], dt / reps.max(1));
        }
        None => eprintln!("usage: spike selftest | count | smallstack MODE | MODE fib|sha REPS"),
    }
}
