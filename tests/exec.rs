//! Interpreter tests on minimal wat modules: gas figures computed by hand from the
//! SPEC.md §Gas schedule, exact out-of-gas points, the SPEC.md §Stack model, NaN
//! canonicalization and typed traps. One `run` helper drives them all.

// Test helpers fail loudly on broken fixtures.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use detwasm::{Config, Engine, Error, Extern, Module, Store, TrapCode, Value};

struct Outcome {
    result: Result<Vec<Value>, TrapCode>,
    gas_used: u64,
}

fn run_with(config: Config, wat: &str, func: &str, args: &[Value]) -> Outcome {
    let engine = Engine::new(config);
    let bytes = wat::parse_str(wat).expect("wat");
    let module = Module::new(&engine, &bytes).expect("module");
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, func) else {
        panic!("no export {func}");
    };
    let result = match store.invoke(f, args) {
        Ok(v) => Ok(v),
        Err(Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("unexpected error {e}"),
    };
    Outcome {
        result,
        gas_used: store.gas_used(),
    }
}

fn run(wat: &str, func: &str, args: &[Value]) -> Outcome {
    run_with(Config::default(), wat, func, args)
}

fn with_gas(limit: u64) -> Config {
    Config {
        gas_limit: limit,
        ..Config::default()
    }
}

const STRAIGHT: &str = r#"(module (func (export "f") (result i32)
    i32.const 7 i32.const 2 i32.div_u i32.const 1 i32.add))"#;

#[test]
fn straight_line_gas_is_the_sum_of_base_costs() {
    // const 1 + const 1 + div_u 4 + const 1 + add 1 + end 0 = 8
    let o = run(STRAIGHT, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(4)]));
    assert_eq!(o.gas_used, 8);
}

#[test]
fn out_of_gas_point_is_exact_inside_a_segment() {
    // Prefix sums of the segment: 1, 2, 6, 7, 8. With limit L < 8 the run stops
    // before the first instruction whose cost does not fit, having charged exactly
    // the instructions before it.
    let prefix = [0u64, 1, 2, 6, 7, 8];
    for limit in 0..8u64 {
        let o = run_with(with_gas(limit), STRAIGHT, "f", &[]);
        assert_eq!(o.result, Err(TrapCode::OutOfGas), "limit {limit}");
        let expect = prefix
            .iter()
            .copied()
            .filter(|p| *p <= limit)
            .max()
            .unwrap_or(0);
        assert_eq!(o.gas_used, expect, "limit {limit}");
    }
    let o = run_with(with_gas(8), STRAIGHT, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(4)]));
    assert_eq!(o.gas_used, 8);
}

const LOOP: &str = r#"(module (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block (loop
        local.get $i local.get $n i32.ge_s br_if 1
        local.get $i i32.const 1 i32.add local.set $i
        br 0))
    local.get $i))"#;

#[test]
fn loop_gas_counts_every_iteration() {
    // 9 per full iteration, 4 for the exiting test, 1 for the final local.get.
    let o = run(LOOP, "count", &[Value::I32(10)]);
    assert_eq!(o.result, Ok(vec![Value::I32(10)]));
    assert_eq!(o.gas_used, 10 * 9 + 4 + 1);
    for limit in [0u64, 1, 50, 94] {
        let o = run_with(with_gas(limit), LOOP, "count", &[Value::I32(10)]);
        assert_eq!(o.result, Err(TrapCode::OutOfGas));
        // Every instruction here costs 1, so the run uses all of the limit.
        assert_eq!(o.gas_used, limit);
    }
}

#[test]
fn trap_refunds_the_unexecuted_rest_of_every_segment() {
    // The callee traps; the caller's segment after the call is not charged.
    let wat = r#"(module
        (func $boom (result i32) unreachable)
        (func (export "f") (result i32)
            i32.const 1 drop
            call $boom
            i32.const 1 i32.add i32.const 1 i32.add))"#;
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Err(TrapCode::Unreachable));
    // const 1 + drop 1 + call 5 + unreachable 1 = 8
    assert_eq!(o.gas_used, 8);
}

#[test]
fn calls_and_memory_grow_gas() {
    let wat = r#"(module (memory 1 10)
        (func $id (param i32) (result i32) local.get 0)
        (func (export "f") (result i32)
            i32.const 2 memory.grow drop
            i32.const 5 call $id))"#;
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(5)]));
    // const 1 + grow 10 + 2*1024 + drop 1 + const 1 + call 5 + local.get 1 = 2067
    assert_eq!(o.gas_used, 1 + 10 + 2 * 1024 + 1 + 1 + 5 + 1);
}

#[test]
fn memory_fill_with_huge_length_runs_out_of_gas_before_acting() {
    let wat = r#"(module (memory 1)
        (func (export "f") (i32.store (i32.const 0) (i32.const 9))
            (memory.fill (i32.const 0) (i32.const 1) (i32.const 65536)))
        (func (export "peek") (result i32) (i32.load (i32.const 0))))"#;
    // store: 2 consts + 2 = 4; fill: 3 consts + 10 = 13 base, then ceil(65536 / 8)
    // = 8192 dynamic, charged all or nothing before the fill acts.
    let o = run_with(with_gas(4 + 13 + 100), wat, "f", &[]);
    assert_eq!(o.result, Err(TrapCode::OutOfGas));
    assert_eq!(o.gas_used, 17);
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Ok(vec![]));
    assert_eq!(o.gas_used, 17 + 8192);
}

#[test]
fn burning_gas_forever_stops_at_the_limit() {
    let wat = r#"(module (func (export "spin") (loop br 0)))"#;
    let o = run_with(with_gas(1_000_000), wat, "spin", &[]);
    assert_eq!(o.result, Err(TrapCode::OutOfGas));
    assert_eq!(o.gas_used, 1_000_000);
}

#[test]
fn gas_is_identical_across_runs() {
    let a = run(LOOP, "count", &[Value::I32(1000)]);
    let b = run(LOOP, "count", &[Value::I32(1000)]);
    assert_eq!(a.gas_used, b.gas_used);
    assert_eq!(a.result, b.result);
}

const RECURSE: &str = r#"(module (func $r (export "r") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $r (i32.sub (local.get 0) (i32.const 1))))))))"#;

#[test]
fn call_depth_limit_is_deterministic() {
    let config = Config {
        max_call_depth: 100,
        ..Config::default()
    };
    let o = run_with(config.clone(), RECURSE, "r", &[Value::I32(99)]);
    assert_eq!(o.result, Ok(vec![Value::I32(99)]));
    let o = run_with(config, RECURSE, "r", &[Value::I32(100)]);
    assert_eq!(o.result, Err(TrapCode::CallStackExhausted));
}

#[test]
fn stack_height_limit_counts_static_frame_heights() {
    // $r: 1 frame + 1 local + max operand height 3 + labels (func, if) 2 = 7 units.
    let units = 7u64;
    let config = Config {
        max_stack_height: units * 50,
        ..Config::default()
    };
    let o = run_with(config.clone(), RECURSE, "r", &[Value::I32(49)]);
    assert_eq!(o.result, Ok(vec![Value::I32(49)]));
    let o = run_with(config, RECURSE, "r", &[Value::I32(50)]);
    assert_eq!(o.result, Err(TrapCode::CallStackExhausted));
}

#[test]
fn infinite_recursion_exhausts_the_call_stack_without_host_overflow() {
    let wat = r#"(module (func $f (export "f") call $f))"#;
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Err(TrapCode::CallStackExhausted));
}

#[test]
fn arithmetic_nans_are_canonical_and_bit_ops_keep_payloads() {
    let wat = r#"(module
        (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
        (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
        (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
        (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0))))"#;
    let o = run(
        wat,
        "add",
        &[Value::F32(0xffa0_0001), Value::F32(0x3f80_0000)],
    );
    assert_eq!(o.result, Ok(vec![Value::F32(0x7fc0_0000)]));
    let o = run(wat, "sqrt", &[Value::F64((-1.0f64).to_bits())]);
    assert_eq!(o.result, Ok(vec![Value::F64(0x7ff8_0000_0000_0000)]));
    let o = run(wat, "neg", &[Value::F32(0x7fa0_0001)]);
    assert_eq!(o.result, Ok(vec![Value::F32(0xffa0_0001)]));
    let o = run(wat, "demote", &[Value::F64(0xfff0_0000_0000_0001)]);
    assert_eq!(o.result, Ok(vec![Value::F32(0x7fc0_0000)]));
}

#[test]
fn exceptions_unwind_across_frames_and_refund_gas() {
    let wat = r#"(module (tag $e (param i32))
        (func $thrower (param i32) (throw $e (local.get 0)))
        (func (export "f") (result i32)
            (block $h (result i32)
                (try_table (catch $e $h)
                    (call $thrower (i32.const 42))
                    i32.const 1 drop)
                i32.const 0)))"#;
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(42)]));
    // const 1 + call 5 + local.get 1 + throw 20 = 27; the rest of the caller's
    // segment (const, drop, const) is refunded; the handler's `end` costs 0.
    assert_eq!(o.gas_used, 27);
}

#[test]
fn uncaught_exception_reaches_the_embedder() {
    let wat = r#"(module (tag $e) (func (export "f") (throw $e)))"#;
    let o = run(wat, "f", &[]);
    assert_eq!(o.result, Err(TrapCode::UncaughtException));
}

#[test]
fn tail_calls_run_in_constant_stack() {
    let wat = r#"(module (func $loop (export "loop") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
            (then (i64.const 7))
            (else (return_call $loop (i64.sub (local.get 0) (i64.const 1)))))))"#;
    let config = Config {
        max_call_depth: 10,
        ..Config::default()
    };
    let o = run_with(config, wat, "loop", &[Value::I64(100_000)]);
    assert_eq!(o.result, Ok(vec![Value::I64(7)]));
}

#[test]
fn typed_traps() {
    let wat = r#"(module (memory 1) (table 2 funcref)
        (func (export "div0") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
        (func (export "ovf") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
        (func (export "conv") (result i32) (i32.trunc_f32_s (f32.const nan)))
        (func (export "oob") (result i32) (i32.load (i32.const 65534)))
        (func (export "undef") (call_indirect (i32.const 5)))
        (func (export "uninit") (call_indirect (i32.const 1))))"#;
    let cases = [
        ("div0", TrapCode::IntegerDivideByZero),
        ("ovf", TrapCode::IntegerOverflow),
        ("conv", TrapCode::InvalidConversionToInteger),
        ("oob", TrapCode::MemoryOutOfBounds),
        ("undef", TrapCode::UndefinedElement),
        ("uninit", TrapCode::UninitializedElement),
    ];
    for (f, code) in cases {
        assert_eq!(run(wat, f, &[]).result, Err(code), "{f}");
    }
}

#[test]
fn memory_grow_past_the_configured_maximum_returns_minus_one() {
    let wat = r#"(module (memory 1)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let mut config = Config::default();
    config.limits.max_memory_pages = 4;
    let o = run_with(config.clone(), wat, "grow", &[Value::I32(3)]);
    assert_eq!(o.result, Ok(vec![Value::I32(1)]));
    let o = run_with(config, wat, "grow", &[Value::I32(4)]);
    assert_eq!(o.result, Ok(vec![Value::I32(-1)]));
}

#[test]
fn op_and_trap_sizes_stay_small() {
    assert!(std::mem::size_of::<detwasm::Trap>() <= 16);
    // A funcref carries its store's identity (a u64) beside its u32 address, so a
    // store can refuse another store's references (issue 11 item 2): 24 bytes. Values
    // are only the embedder's form; the interpreter's slots stay 8 bytes.
    assert!(std::mem::size_of::<Value>() <= 24);
}

/// Runs `func` with the gas profile on and checks the profile is exact: the sum of
/// its lines equals gas used. Returns the folded profile.
fn profiled(config: Config, wat: &str, func: &str, args: &[Value]) -> (Outcome, String) {
    let (o, folded, _, _) = profiled_full(config, wat, func, args);
    (o, folded)
}

/// As [`profiled`], also returning the profile's node count and self gas per function
/// name.
fn profiled_full(
    config: Config,
    wat: &str,
    func: &str,
    args: &[Value],
) -> (Outcome, String, usize, Vec<(String, u64)>) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("module");
    let mut store = Store::new(&engine, ());
    store.set_gas_profiling(true);
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, func) else {
        panic!("no export {func}");
    };
    let result = match store.invoke(f, args) {
        Ok(v) => Ok(v),
        Err(Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("unexpected error {e}"),
    };
    let total: u64 = store.gas_profile().iter().map(|(_, g)| g).sum();
    assert_eq!(total, store.gas_used(), "profile sum equals gas used");
    let folded = store.gas_profile_folded();
    let folded_total: u64 = folded
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(folded_total, store.gas_used());
    let by_function: Vec<(String, u64)> = store
        .gas_profile_by_function()
        .into_iter()
        .map(|(f, g)| (store.func_name(f), g))
        .collect();
    let self_total: u64 = by_function.iter().map(|(_, g)| g).sum();
    assert_eq!(self_total, store.gas_used(), "self gas sums to gas used");
    (
        Outcome {
            result,
            gas_used: store.gas_used(),
        },
        folded,
        store.gas_profile_node_count(),
        by_function,
    )
}

/// A non-recursive call tree where the same functions are reached along several
/// paths: every path keeps its own line, exactly as before recursion folding (the
/// expected text is the output of the unfolded profile of commit 22cbdd8).
#[test]
fn gas_profile_of_a_call_tree_is_unfolded() {
    let wat = r#"(module
        (func $w (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func $z (param i32) (result i32) (call $w (i32.mul (local.get 0) (i32.const 2))))
        (func $x (param i32) (result i32) (i32.add (call $z (local.get 0)) (call $w (local.get 0))))
        (func $y (param i32) (result i32) (call $z (call $z (local.get 0))))
        (func (export "root") (param i32) (result i32)
            (i32.add (call $x (local.get 0)) (call $y (local.get 0)))))"#;
    let (o, folded, nodes, _) = profiled_full(Config::default(), wat, "root", &[Value::I32(3)]);
    assert_eq!(o.result, Ok(vec![Value::I32(26)]));
    assert_eq!(
        folded,
        "root 13\nroot;x 13\nroot;x;w 3\nroot;x;z 8\nroot;x;z;w 3\n\
         root;y 11\nroot;y;z 16\nroot;y;z;w 6\n"
    );
    assert_eq!(nodes, 8, "one node per distinct path");
}

const RECURSION: &str = r#"(module
    (func $f (param i32) (result i32)
        (if (result i32) (local.get 0)
            (then (i32.add (call $f (i32.sub (local.get 0) (i32.const 1))) (i32.const 2)))
            (else (i32.const 0))))
    (func (export "ret") (param i32) (result i32) (call $f (local.get 0)))
    (func $t (param i32)
        (if (local.get 0) (then (call $t (i32.sub (local.get 0) (i32.const 1)))))
        unreachable)
    (func (export "trap") (param i32) (call $t (local.get 0)))
    (func $a (param i32) (result i32)
        (if (result i32) (local.get 0)
            (then (call $b (i32.sub (local.get 0) (i32.const 1))))
            (else (i32.const 7))))
    (func $b (param i32) (result i32) (i32.add (call $a (local.get 0)) (i32.const 1)))
    (func (export "mutual") (param i32) (result i32) (call $a (local.get 0))))"#;

/// Config for a 10 000-deep recursion.
fn deep() -> Config {
    Config {
        max_call_depth: 30_000,
        max_stack_height: 1 << 24,
        ..Config::default()
    }
}

/// Self recursion is folded into one path per function, whatever the depth, and self
/// gas stays exact at every level (it is linear in the depth).
#[test]
fn gas_profile_folds_self_recursion() {
    let (o, folded, nodes, _) = profiled_full(deep(), RECURSION, "ret", &[Value::I32(3)]);
    assert_eq!(o.result, Ok(vec![Value::I32(6)]));
    // Unfolded, this was ret 6, ret;f 12, ret;f;f 12, ret;f;f;f 12, ret;f;f;f;f 3.
    assert_eq!(folded, "ret 6\nret;f 39\n");
    assert_eq!(nodes, 2);
    let self_f = |n: i32| {
        let (o, _, nodes, by) = profiled_full(deep(), RECURSION, "ret", &[Value::I32(n)]);
        assert_eq!(o.result, Ok(vec![Value::I32(2 * n)]));
        assert_eq!(nodes, 2, "depth {n}");
        by.iter().find(|(name, _)| name == "f").unwrap().1
    };
    let (f0, f1) = (self_f(0), self_f(1));
    assert_eq!(self_f(10_000), f0 + 10_000 * (f1 - f0));
}

/// A 10 000-deep recursion that traps, with profiling on: the profile holds one node
/// per distinct function on the path, the folded lines still sum to the gas used.
#[test]
fn gas_profile_of_a_deep_trapping_recursion_stays_small() {
    let (o, folded, nodes, by) = profiled_full(deep(), RECURSION, "trap", &[Value::I32(10_000)]);
    assert_eq!(o.result, Err(TrapCode::Unreachable));
    assert_eq!(nodes, 2, "trap and t");
    assert_eq!(folded.lines().count(), 2, "{folded}");
    assert!(
        folded.starts_with("trap ") && folded.contains("\ntrap;t "),
        "{folded}"
    );
    assert_eq!(by.len(), 2);
    // Running out of call stack at the configured depth folds the same way.
    let shallow = Config {
        max_call_depth: 10_000,
        ..deep()
    };
    let (o, _, nodes, _) = profiled_full(shallow, RECURSION, "trap", &[Value::I32(20_000)]);
    assert_eq!(o.result, Err(TrapCode::CallStackExhausted));
    assert_eq!(nodes, 2);
}

/// Mutual recursion: `mutual;a;b;a` is counted as `mutual;a`, so a 10 000-deep
/// alternation needs three nodes.
#[test]
fn gas_profile_folds_mutual_recursion() {
    let (o, folded, nodes, _) = profiled_full(deep(), RECURSION, "mutual", &[Value::I32(10_000)]);
    assert_eq!(o.result, Ok(vec![Value::I32(10_007)]));
    assert_eq!(nodes, 3);
    let paths: Vec<&str> = folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().0)
        .collect();
    assert_eq!(paths, ["mutual", "mutual;a", "mutual;a;b"]);
}

#[test]
fn gas_profile_is_exact_for_calls_traps_exceptions_and_tail_calls() {
    let wat = r#"(module (tag $e)
        (func $leaf (export "leaf") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
        (func $mid (param i32) (result i32) (call $leaf (local.get 0)) (i32.const 1) i32.add)
        (func (export "calls") (result i32) (call $mid (i32.const 2)) (call $leaf (i32.const 5)) i32.add)
        (func $boom (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
        (func (export "trap") (result i32) (call $mid (i32.const 1)) (call $boom) (i32.const 9) i32.add)
        (func $thrower (throw $e))
        (func (export "exn") (result i32)
            (block $h (try_table (catch_all $h) (call $thrower) (i32.const 1) drop)) (i32.const 4))
        (func $tc (param i32) (result i32)
            (if (result i32) (local.get 0) (then (return_call $tc (i32.sub (local.get 0) (i32.const 1))))
                (else (i32.const 0))))
        (func (export "tail") (result i32) (call $tc (i32.const 5))))"#;
    let (o, folded) = profiled(Config::default(), wat, "calls", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(22)]));
    assert_eq!(
        folded,
        "calls 13\ncalls;leaf 3\ncalls;mid 8\ncalls;mid;leaf 3\n"
    );
    let (o, _) = profiled(Config::default(), wat, "trap", &[]);
    assert_eq!(o.result, Err(TrapCode::IntegerDivideByZero));
    let (o, _) = profiled(Config::default(), wat, "exn", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(4)]));
    let (o, _) = profiled(Config::default(), wat, "tail", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(0)]));
    // "calls" costs 27 in all; every limit below stops it part way.
    for limit in [3u64, 10, 17, 26] {
        let (o, _) = profiled(with_gas(limit), wat, "calls", &[]);
        assert_eq!(o.result, Err(TrapCode::OutOfGas), "limit {limit}");
    }
}

#[test]
fn host_functions_charge_their_base_cost_all_or_nothing() {
    let wat = r#"(module (import "env" "h" (func $h (param i32) (result i32)))
        (func (export "f") (result i32) (call $h (i32.const 4))))"#;
    let run_h = |limit: u64| {
        let engine = Engine::new(with_gas(limit));
        let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
        let mut store = Store::new(&engine, ());
        store.set_gas_profiling(true);
        let ty = detwasm::FuncType::new([detwasm::ValType::I32], [detwasm::ValType::I32]);
        let h = store.alloc_named_host_func("env", "h", ty, 100, |mut caller, args, out| {
            let Value::I32(n) = args[0] else {
                unreachable!()
            };
            caller.charge_gas(u64::from(n as u32) * 10)?;
            out[0] = Value::I32(n + 1);
            Ok(())
        });
        let inst = store.instantiate(&module, &[Extern::Func(h)]).unwrap();
        let Some(Extern::Func(f)) = store.instance_export(inst, "f") else {
            panic!()
        };
        let r = store.invoke(f, &[]).map_err(|e| match e {
            Error::Trap(t) => t.code(),
            e => panic!("{e}"),
        });
        let folded = store.gas_profile_folded();
        (r, store.gas_used(), folded)
    };
    // const 1 + call 5 + base 100 + dynamic 40 = 146
    let (r, used, folded) = run_h(1000);
    assert_eq!(r, Ok(vec![Value::I32(5)]));
    assert_eq!(used, 146);
    assert_eq!(folded, "f 6\nf;env.h 140\n");
    // Base cost does not fit: the host function does not run.
    let (r, used, _) = run_h(50);
    assert_eq!(r, Err(TrapCode::OutOfGas));
    assert_eq!(used, 6);
    // Dynamic cost does not fit: base stays charged.
    let (r, used, _) = run_h(120);
    assert_eq!(r, Err(TrapCode::OutOfGas));
    assert_eq!(used, 106);
}

#[test]
fn metering_off_charges_nothing_for_wasm_code() {
    let config = Config {
        gas_metering: false,
        ..Config::default()
    };
    let o = run_with(config, LOOP, "count", &[Value::I32(1000)]);
    assert_eq!(o.result, Ok(vec![Value::I32(1000)]));
    assert_eq!(o.gas_used, 0);
}

#[test]
fn out_of_gas_inside_a_deep_call_chain_wastes_no_gas() {
    // Regression: the rest of a caller's segment after a call must not be prepaid
    // while the callee runs, or the callee runs out of gas early. With no dynamic
    // costs, an out-of-gas stop at limit L leaves less than the largest base cost
    // (5, `call`) unused, and the stop point only moves forward as L grows.
    let mut last = 0;
    for limit in 0..400u64 {
        let o = run_with(with_gas(limit), RECURSE, "r", &[Value::I32(30)]);
        if o.result.is_ok() {
            continue;
        }
        assert_eq!(o.result, Err(TrapCode::OutOfGas));
        assert!(limit - o.gas_used < 5, "limit {limit} used {}", o.gas_used);
        assert!(o.gas_used >= last);
        last = o.gas_used;
    }
}

#[test]
fn dynamic_charges_see_exactly_the_gas_of_executed_instructions() {
    // memory.grow's dynamic cost must fit in what is left after the instructions
    // before it, not after the prepaid rest of its segment.
    let wat = r#"(module (memory 1)
        (func (export "f") (result i32)
            (memory.grow (i32.const 1)) drop
            i32.const 1 i32.const 1 i32.add i32.const 1 i32.add drop
            i32.const 7))"#;
    // const 1 + grow 10 + 1024 = 1035 fits exactly; the rest needs 8 more.
    let o = run_with(with_gas(1035), wat, "f", &[]);
    assert_eq!(o.result, Err(TrapCode::OutOfGas));
    assert_eq!(o.gas_used, 1035);
    let o = run_with(with_gas(1043), wat, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(7)]));
    assert_eq!(o.gas_used, 1043);
}

struct Checkpoints(std::sync::Arc<std::sync::Mutex<Vec<detwasm::Checkpoint>>>);

impl detwasm::TraceHook for Checkpoints {
    fn host_call(&mut self, _: &detwasm::HostCall<'_>, _: &detwasm::HostCallOutcome<'_>) {}
    fn checkpoint(&mut self, cp: &detwasm::Checkpoint) {
        self.0.lock().unwrap().push(cp.clone());
    }
}

fn checkpoints(
    config: Config,
    wat: &str,
    func: &str,
    args: &[Value],
) -> (Outcome, Vec<detwasm::Checkpoint>) {
    let engine = Engine::new(config);
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, ());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    store.set_trace_hook(Some(Box::new(Checkpoints(seen.clone()))));
    let inst = store.instantiate(&module, &[]).unwrap();
    let Some(Extern::Func(f)) = store.instance_export(inst, func) else {
        panic!()
    };
    let result = store.invoke(f, args).map_err(|e| match e {
        Error::Trap(t) => t.code(),
        e => panic!("{e}"),
    });
    let cps = seen.lock().unwrap().clone();
    (
        Outcome {
            result,
            gas_used: store.gas_used(),
        },
        cps,
    )
}

#[test]
fn checkpoints_fall_exactly_where_out_of_gas_would() {
    let wat = r#"(module (memory 1)
        (func $f (param i32) (result i32)
            (i32.store (i32.mul (local.get 0) (i32.const 4)) (local.get 0))
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (local.get 0) (call $f (i32.sub (local.get 0) (i32.const 1)))))))
        (func (export "run") (result i32) (drop (memory.grow (i32.const 1))) (call $f (i32.const 40))))"#;
    let plain = run(wat, "run", &[]);
    for n in [7u64, 50, 333] {
        let config = Config {
            checkpoint_interval: n,
            ..Config::default()
        };
        let (o, cps) = checkpoints(config, wat, "run", &[]);
        // Checkpoints never change results or gas.
        assert_eq!(
            (o.result.clone(), o.gas_used),
            (plain.result.clone(), plain.gas_used)
        );
        // memory.grow's 1024-gas dynamic cost passes several boundaries at once: one
        // checkpoint per instruction at most, so at least one per 1034 gas.
        assert!(
            cps.len() as u64 >= plain.gas_used / 1034,
            "interval {n}: {} checkpoints",
            cps.len()
        );
        for (i, cp) in cps.iter().enumerate() {
            assert_eq!(cp.index, i as u64);
            // The checkpoint is before an instruction with a nonzero cost: a run
            // limited to the gas used there stops there, out of gas.
            let limited = run_with(with_gas(cp.gas_used), wat, "run", &[]);
            assert_eq!(
                limited.result,
                Err(TrapCode::OutOfGas),
                "interval {n} checkpoint {i}"
            );
            assert_eq!(limited.gas_used, cp.gas_used, "interval {n} checkpoint {i}");
        }
        // Identical runs give identical checkpoints, digests included.
        let (_, again) = checkpoints(
            Config {
                checkpoint_interval: n,
                ..Config::default()
            },
            wat,
            "run",
            &[],
        );
        assert_eq!(cps, again);
    }
}

#[test]
fn interval_one_checkpoints_every_instruction() {
    // const 1 + const 1 + div_u 4 + const 1 + add 1: every instruction that would
    // end above the current boundary gets a checkpoint; the first ends exactly at the
    // first boundary (1), so the checkpoints are before the other four.
    let config = Config {
        checkpoint_interval: 1,
        ..Config::default()
    };
    let (o, cps) = checkpoints(config, STRAIGHT, "f", &[]);
    assert_eq!(o.result, Ok(vec![Value::I32(4)]));
    let used: Vec<u64> = cps.iter().map(|c| c.gas_used).collect();
    assert_eq!(used, vec![1, 2, 6, 7]);
    let offsets: Vec<u32> = cps.iter().map(|c| c.offset).collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
}

/// `local.get 0; i32.load; local.set 1; local.get 1` (gas 1, 2, 1, 1): the first three
/// are one register-form op whose `local.set` is folded into the load.
const LOAD_SINK: &str = r#"(module (memory 1)
  (func (export "f") (param i32) (result i32) (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (local.get 1)))"#;

#[test]
fn a_folded_local_set_that_cannot_be_paid_runs_out_of_gas_after_its_load_traps_or_not() {
    // Enough for the load but not the set: an in-range load runs out of gas at the
    // set; an out-of-range load traps first, as the stack machine would.
    let o = run_with(with_gas(3), LOAD_SINK, "f", &[Value::I32(0)]);
    assert_eq!((o.result, o.gas_used), (Err(TrapCode::OutOfGas), 3));
    let o = run_with(with_gas(3), LOAD_SINK, "f", &[Value::I32(65536)]);
    assert_eq!(
        (o.result, o.gas_used),
        (Err(TrapCode::MemoryOutOfBounds), 3)
    );
    // Not enough for the load: out of gas before it, whatever the address.
    let o = run_with(with_gas(2), LOAD_SINK, "f", &[Value::I32(65536)]);
    assert_eq!((o.result, o.gas_used), (Err(TrapCode::OutOfGas), 1));
    let o = run_with(with_gas(5), LOAD_SINK, "f", &[Value::I32(0)]);
    assert_eq!((o.result, o.gas_used), (Ok(vec![Value::I32(0)]), 5));
}

#[test]
fn a_trapping_load_does_not_pay_for_its_folded_local_set() {
    // Found by the `differential` fuzz target against the reference meter: the set
    // after a load that traps never runs, whether the segment was prepaid (enough gas)
    // or is charged per op in step mode (limit 4 < the segment's 5).
    for limit in [1_000_000, 4] {
        let o = run_with(with_gas(limit), LOAD_SINK, "f", &[Value::I32(65536)]);
        assert_eq!(
            (o.result, o.gas_used),
            (Err(TrapCode::MemoryOutOfBounds), 3),
            "limit {limit}"
        );
    }
}

#[test]
fn merged_copies_keep_wasm_order_and_exact_out_of_gas_points() {
    // Rotations through copies that read what the copy before wrote (a `Copy2`
    // runs its two copies in order), then a weighted sum that tells each local
    // apart.
    let wat = r#"(module (func (export "f") (param i32 i32 i32 i32) (result i32) (local i32)
        (local.set 4 (local.get 3))
        (local.set 3 (local.get 2))
        (local.set 2 (local.get 3))
        (local.set 1 (local.get 0))
        (local.set 0 (local.get 4))
        (i32.add (i32.add (local.get 0) (i32.mul (local.get 1) (i32.const 10)))
          (i32.add (i32.mul (local.get 2) (i32.const 100))
            (i32.mul (local.get 3) (i32.const 1000))))))"#;
    let args = [Value::I32(1), Value::I32(2), Value::I32(3), Value::I32(4)];
    let o = run(wat, "f", &args);
    // locals after: 0 = 4, 1 = 1, 2 = 3, 3 = 3.
    assert_eq!(o.result, Ok(vec![Value::I32(4 + 10 + 300 + 3000)]));
    let full = o.gas_used;
    // Every limit below the full cost stops out of gas having used exactly the limit
    // (each instruction costs 1 gas here), inside the merged copies too.
    for limit in 0..full {
        let o = run_with(with_gas(limit), wat, "f", &args);
        assert_eq!(o.result, Err(TrapCode::OutOfGas), "limit {limit}");
        assert_eq!(o.gas_used, limit, "limit {limit}");
    }
}

/// Runs `func(args)` of `wat` at every gas limit from 0 to its full cost + 1 and
/// asserts that the threaded backend, the loop backend, the unfused translation
/// (`Config::fusion` off turns prepaying past a branch off too) and the fused one
/// checkpointing every instruction give the same outcome and gas figure at each.
fn assert_every_gas_limit_agrees_unfused(wat: &str, func: &str, args: &[Value]) {
    let configs = |limit: u64| {
        let base = with_gas(limit);
        [
            base.clone(),
            Config {
                dispatch: detwasm::Dispatch::Loop,
                ..base.clone()
            },
            Config {
                fusion: false,
                ..base.clone()
            },
            Config {
                checkpoint_interval: 1,
                ..base
            },
        ]
    };
    let full = run(wat, func, args);
    for limit in 0..=full.gas_used + 1 {
        let outcomes: Vec<(Result<Vec<Value>, TrapCode>, u64)> = configs(limit)
            .into_iter()
            .map(|c| {
                let o = run_with(c, wat, func, args);
                (o.result, o.gas_used)
            })
            .collect();
        assert!(
            outcomes.windows(2).all(|w| w[0] == w[1]),
            "{func}({args:?}), limit {limit}: {outcomes:?}"
        );
    }
}

#[test]
fn fall_through_segments_prepaid_at_the_head_keep_every_gas_figure() {
    // A loop whose segments continue past `br_if`s and an `if` (the head prepays
    // what follows each conditional branch; a taken branch gives it back), with a
    // division that traps on the last round. Every gas limit must give the outcome
    // and gas figure that the unfused translation gives (`fusion` off turns fusion,
    // and so prepaying past a branch, off), in both dispatch backends.
    let wat = r#"(module (func (export "f") (param i32) (result i32) (local i32 i32)
        (block $out
          (loop $top
            (br_if $out (i32.ge_u (local.get 1) (i32.const 6)))
            (local.set 2 (i32.add (local.get 2) (local.get 1)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $top (i32.and (local.get 1) (i32.const 1)))
            (if (i32.eq (local.get 1) (local.get 0))
              (then (local.set 2 (i32.div_u (local.get 2) (i32.const 0)))))
            (br $top)))
        (local.get 2)))"#;
    for arg in [4, 100] {
        assert_every_gas_limit_agrees_unfused(wat, "f", &[Value::I32(arg)]);
    }
    // The trap and result themselves: the division by zero at i = 4, or 0 + ... + 5.
    assert_eq!(
        run(wat, "f", &[Value::I32(4)]).result,
        Err(TrapCode::IntegerDivideByZero)
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(100)]).result,
        Ok(vec![Value::I32(15)])
    );
}

#[test]
fn teed_operands_read_from_their_local_keep_every_value_and_gas_figure() {
    // The first `local.tee`'s operand is popped four ops later: the translator drops
    // its copy back and the add reads local 2 (unless local 2 is written in between,
    // as in the second function, where the copy stays). A load that may trap sits in
    // between. Every gas limit must give the outcome and gas figure of the unfused
    // translation (checkpoints on) and of the loop backend.
    let wat = r#"(module (memory 1)
      (func (export "f") (param i32 i32) (result i32) (local i32)
        (i32.add (local.tee 2 (i32.add (local.get 0) (local.get 1)))
          (i32.mul (i32.load (local.get 1)) (i32.add (local.get 0) (i32.const 3)))))
      (func (export "g") (param i32 i32) (result i32) (local i32)
        (i32.add (local.tee 2 (i32.add (local.get 0) (local.get 1)))
          (i32.mul (i32.load (local.get 1)) (local.tee 2 (i32.const 3)))))
      (data (i32.const 8) "\05"))"#;
    // (0 + 8) + 5 * 3 and (0 + 8) + 5 * 3, then a load out of bounds.
    let cases = [
        ("f", 0, 8, Ok(vec![Value::I32(8 + 5 * 3)])),
        ("g", 0, 8, Ok(vec![Value::I32(8 + 5 * 3)])),
        ("f", 1, 65_535, Err(TrapCode::MemoryOutOfBounds)),
        ("g", 1, 65_535, Err(TrapCode::MemoryOutOfBounds)),
    ];
    for (func, a, b, expected) in cases {
        let args = [Value::I32(a), Value::I32(b)];
        let full = run(wat, func, &args);
        assert_eq!(full.result, expected, "{func}({a}, {b})");
        assert_every_gas_limit_agrees_unfused(wat, func, &args);
    }
}

#[test]
fn an_operand_teed_in_place_keeps_its_slot_for_the_tee() {
    // The operand pushed by `local.get 0` (in `f`) or left by `local.tee 3` (in `g`)
    // is copied to local 3 by a `local.tee` that reads it in place (the op before
    // wrote local 2, so the tee is a copy of the operand slot), then popped by the
    // add three ops later. Folding the add's operand back to local 0 (or 3) must
    // keep the copy that fills the slot the tee reads: a differential fuzz finding
    // (a gas figure changed through a branch on the value the tee copied).
    let wat = r#"(module
      (func (export "f") (param f64 f64) (result f64) (local f32 f64)
        local.get 1
        local.get 0
        f32.const 1
        f32.neg
        local.set 2
        local.tee 3
        local.get 3
        f64.add
        drop
        drop
        local.get 3)
      (func (export "g") (param f64 f64) (result f64) (local f32 f64)
        local.get 1
        (local.tee 3 (f64.add (local.get 0) (local.get 0)))
        f32.const 1
        f32.neg
        local.set 2
        local.tee 1
        local.get 1
        f64.add
        drop
        drop
        (f64.add (local.get 1) (local.get 3))))"#;
    let args = [Value::F64(7.0f64.to_bits()), Value::F64(2.5f64.to_bits())];
    assert_eq!(
        run(wat, "f", &args).result,
        Ok(vec![Value::F64(7.0f64.to_bits())])
    );
    assert_eq!(
        run(wat, "g", &args).result,
        Ok(vec![Value::F64(28.0f64.to_bits())])
    );
    for func in ["f", "g"] {
        assert_every_gas_limit_agrees_unfused(wat, func, &args);
    }
}

#[test]
fn labels_inside_segments_keep_every_gas_figure() {
    // Labels that code falls into and that only branches charging the segment they
    // enter target are inside a segment, with no head: in every_label.wat the loop,
    // the ends of `$skip`, `$a` and the `if`. They are entered by `br_if`,
    // `br_table` (to a block and to the loop), a `catch_all` (to the loop) and the
    // `if`'s `else`; the load after the first of them traps when `arg` is large.
    // Every gas limit must give the outcome and gas figure that the unfused
    // translation gives, in both backends.
    let wat = include_str!("wat/every_label.wat");
    for arg in [0, 20_000] {
        assert_every_gas_limit_agrees_unfused(wat, "f", &[Value::I32(arg)]);
    }
    assert_eq!(
        run(wat, "f", &[Value::I32(20_000)]).result,
        Err(TrapCode::MemoryOutOfBounds)
    );
    assert!(run(wat, "f", &[Value::I32(0)]).result.is_ok());
}

#[test]
fn binops_fused_with_a_shifted_operand_compute_and_charge_as_the_two_instructions() {
    // `add`, `or` and `xor` of a shift or rotation by a constant: the shift on either
    // side, counts at and past the width (taken mod the width), the shifted operand
    // a local or an operand slot (the shift in place). Every gas limit must give the
    // unfused translation's outcome and gas figure, in both backends.
    let wat = r#"(module
      (func (export "f") (param $p i32) (param $q i32) (param $r i64) (param $s i64) (result i64)
        (local $a i32) (local $d i64)
        (local.set $a (i32.xor (local.get $p) (i32.rotl (local.get $q) (i32.const 37))))
        (local.set $a (i32.add (i32.shr_u (local.get $q) (i32.const 3)) (local.get $a)))
        (local.set $a (i32.or (local.get $a)
          (i32.shl (i32.add (local.get $p) (local.get $q)) (i32.const 33))))
        (local.set $d (i64.xor (local.get $r) (i64.rotl (local.get $s) (i64.const 70))))
        (local.set $d (i64.add (local.get $d) (i64.shr_u (local.get $s) (i64.const 63))))
        (local.set $d (i64.or (i64.shl (i64.xor (local.get $r) (local.get $s)) (i64.const 64))
          (local.get $d)))
        (i64.xor (i64.extend_i32_u (local.get $a)) (local.get $d))))"#;
    let (p, q, r, s) = (
        0x1234_5678u32,
        0x9abc_def0u32,
        0x0fed_cba9_8765_4321u64,
        u64::MAX - 5,
    );
    let mut a = p ^ q.rotate_left(5);
    a = (q >> 3).wrapping_add(a);
    a |= p.wrapping_add(q) << 1;
    let mut d = r ^ s.rotate_left(6);
    d = d.wrapping_add(s >> 63);
    d |= r ^ s;
    let args = [
        Value::I32(p as i32),
        Value::I32(q as i32),
        Value::I64(r as i64),
        Value::I64(s as i64),
    ];
    assert_eq!(
        run(wat, "f", &args).result,
        Ok(vec![Value::I64((u64::from(a) ^ d) as i64)])
    );
    assert_every_gas_limit_agrees_unfused(wat, "f", &args);
}

#[test]
fn f64_stores_fused_with_their_value_compute_trap_and_charge_as_the_two_instructions() {
    // `f64.store` of an `f64.add`, `f64.sub` and `f64.mul`: a NaN result stored
    // canonical, a static offset, and with `p = 65530` the first store is out of
    // bounds. Every gas limit must give the unfused translation's outcome and gas
    // figure, in both backends.
    let wat = r#"(module (memory 1)
      (func (export "f") (param $p i32) (param $x f64) (param $y f64) (result i64)
        (f64.store (local.get $p) (f64.add (local.get $x) (local.get $y)))
        (f64.store offset=8 (local.get $p) (f64.sub (local.get $x) (f64.mul (local.get $y) (f64.const 3))))
        (f64.store offset=16 (local.get $p) (f64.mul (local.get $x) (f64.const inf)))
        (f64.store offset=24 (local.get $p) (f64.add (local.get $y) (f64.const -nan:0x1)))
        (i64.xor (i64.load (local.get $p))
          (i64.xor (i64.load offset=8 (local.get $p))
            (i64.xor (i64.load offset=16 (local.get $p)) (i64.load offset=24 (local.get $p)))))))"#;
    let (x, y) = (0.0f64, 2.5f64);
    let args = |p: i32| {
        [
            Value::I32(p),
            Value::F64(x.to_bits()),
            Value::F64(y.to_bits()),
        ]
    };
    for p in [0, 65530] {
        assert_every_gas_limit_agrees_unfused(wat, "f", &args(p));
    }
    // 0 * inf and y + NaN are the canonical NaN (SPEC.md §Floats).
    let nan = 0x7ff8_0000_0000_0000u64;
    let want = (x + y).to_bits() ^ (x - y * 3.0).to_bits() ^ nan ^ nan;
    assert_eq!(
        run(wat, "f", &args(0)).result,
        Ok(vec![Value::I64(want as i64)])
    );
    assert_eq!(
        run(wat, "f", &args(65530)).result,
        Err(TrapCode::MemoryOutOfBounds)
    );
}

#[test]
fn f64_mul_add_rounds_twice_and_charges_as_the_two_instructions() {
    // `0.1 * 10 + -1` is 0 with the product rounded first (a fused multiply-add would
    // give 2^-54 + ...); `inf * 0 + 1` is the canonical NaN; the product on either
    // side. Every gas limit must give the unfused translation's outcome and gas
    // figure, in both backends.
    let wat = r#"(module
      (func (export "f") (param $a f64) (param $b f64) (param $c f64) (result f64 f64 f64)
        (f64.add (f64.mul (local.get $a) (local.get $b)) (local.get $c))
        (f64.add (f64.const 1) (f64.mul (f64.const inf) (f64.sub (local.get $c) (local.get $c))))
        (f64.add (local.get $c) (f64.mul (local.get $b) (local.get $b)))))"#;
    let args = [
        Value::F64(0.1f64.to_bits()),
        Value::F64(10f64.to_bits()),
        Value::F64((-1f64).to_bits()),
    ];
    assert_ne!(
        0.1f64.mul_add(10.0, -1.0),
        0.0,
        "one rounding would not give 0"
    );
    assert_eq!(
        run(wat, "f", &args).result,
        Ok(vec![
            Value::F64(0),
            Value::F64(0x7ff8_0000_0000_0000),
            Value::F64(99f64.to_bits()),
        ])
    );
    assert_every_gas_limit_agrees_unfused(wat, "f", &args);
}

#[test]
fn bit_fields_compute_and_charge_as_the_two_instructions() {
    // `(x >> sh) & mask` of a local and of an operand, with counts 0, 31 and 37 (taken
    // mod 32). Every gas limit must give the unfused translation's outcome and gas
    // figure, in both backends.
    let wat = r#"(module
      (func (export "f") (param $x i32) (param $y i32) (result i32 i32 i32 i32)
        (i32.and (i32.shr_u (local.get $x) (i32.const 37)) (i32.const 0xff))
        (i32.and (i32.shr_u (i32.add (local.get $x) (local.get $y)) (i32.const 31)) (i32.const -1))
        (i32.and (i32.shr_u (local.get $y) (i32.const 0)) (i32.const 0xf0f0))
        (i32.and (i32.shr_u (local.get $x) (i32.const 24)) (i32.const 0x80))))"#;
    let (x, y) = (0x89ab_cdefu32, 0x7654_3211u32);
    let args = [Value::I32(x as i32), Value::I32(y as i32)];
    let want = [
        (x >> 5) & 0xff,
        x.wrapping_add(y) >> 31,
        y & 0xf0f0,
        (x >> 24) & 0x80,
    ];
    assert_eq!(
        run(wat, "f", &args).result,
        Ok(want.iter().map(|v| Value::I32(*v as i32)).collect())
    );
    assert_every_gas_limit_agrees_unfused(wat, "f", &args);
}

#[test]
fn counter_steps_fused_into_branches_compute_and_charge_as_the_instructions() {
    // Loops whose counter's step is fused into the branch that ends them
    // (`BrIncIf...`): a `local.tee` step compared with a local, a `local.set` step
    // of -3 compared signed with a constant as it wraps below zero, a count down
    // tested for zero, an unsigned compare of the counter on the right as it wraps
    // past 2^32 - 1, an `eqz` test and an `if` on a stepped counter. Every gas limit
    // must give the unfused translation's outcome and gas figure, in both backends.
    let wat = r#"(module
      (func (export "f") (param $n i32) (param $m i32) (result i32 i32 i32 i32 i32)
        (local $i i32) (local $j i32) (local $k i32) (local $s i32) (local $u i32)
        (loop $a
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (br_if $a (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (local.set $j (i32.const 5))
        (loop $b
          (local.set $s (i32.xor (local.get $s) (local.get $j)))
          (local.set $j (i32.sub (local.get $j) (i32.const 3)))
          (br_if $b (i32.gt_s (local.get $j) (i32.const -10))))
        (local.set $k (local.get $m))
        (loop $c
          (local.set $s (i32.add (local.get $s) (i32.const 7)))
          (br_if $c (local.tee $k (i32.add (local.get $k) (i32.const -1)))))
        (local.set $u (i32.const -3))
        (loop $d
          (local.set $s (i32.mul (local.get $s) (i32.const 3)))
          (br_if $d (i32.ge_u (local.get $m) (local.tee $u (i32.add (local.get $u) (i32.const 2))))))
        (local.set $k (i32.const -4))
        (block $e
          (loop $f
            (br_if $e (i32.eqz (local.tee $k (i32.add (local.get $k) (i32.const 1)))))
            (local.set $s (i32.sub (local.get $s) (i32.const 1)))
            (br $f)))
        (if (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2))) (i32.const 9))
          (then (local.set $s (i32.add (local.get $s) (i32.const 1000)))))
        (local.get $i) (local.get $j) (local.get $k) (local.get $s) (local.get $u)))"#;
    let args = [Value::I32(6), Value::I32(4)];
    // $s: 0+1+...+5 = 15; xor with 5, 2, -1, -4, -7 (j ends at -10); 4 × 7; × 3^k for
    // u = -1, 1, 3, 5 (the last fails `4 >= u`: u = -1 is 2^32 - 1 unsigned, so the
    // first round also fails: one multiplication); -3 for k = -3..-1; i = 8 < 9.
    let mut sum: i32 = 15;
    for j in [5, 2, -1, -4, -7] {
        sum ^= j;
    }
    sum = (sum + 28) * 3 - 3 + 1000;
    assert_eq!(
        run(wat, "f", &args).result,
        Ok(vec![
            Value::I32(8),
            Value::I32(-10),
            Value::I32(0),
            Value::I32(sum),
            Value::I32(-1),
        ])
    );
    assert_every_gas_limit_agrees_unfused(wat, "f", &args);
}

#[test]
fn sums_fused_into_branches_and_multiplicative_hashes_compute_and_charge_as_the_instructions() {
    // Bounds tests on a sum with a constant (`BrSumIf...Imm`), signed and unsigned,
    // wrapping past 2^32 - 1 and below zero, as a `br_if` and an `if`; and
    // multiplicative hashes `(x * C) >> s` (`I32MulShrUImm`) with a wrapping product
    // and counts of 0, 16 and 33 (taken mod 32). Every gas limit must give the
    // unfused translation's outcome and gas figure, in both backends.
    let wat = r#"(module
      (func (export "f") (param $p i32) (param $q i32) (result i32 i32 i32 i32)
        (local $r i32)
        (block $a
          (br_if $a (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (i32.const 10)))
          (local.set $r (i32.const 1)))
        (block $b
          (br_if $b (i32.lt_s (i32.sub (local.get $q) (i32.const 5)) (i32.const 0)))
          (local.set $r (i32.add (local.get $r) (i32.const 2))))
        (if (i32.eq (i32.add (local.get $q) (i32.const -3)) (i32.const 1))
          (then (local.set $r (i32.add (local.get $r) (i32.const 4)))))
        (local.get $r)
        (i32.shr_u (i32.mul (local.get $p) (i32.const -1640531527)) (i32.const 16))
        (i32.shr_u (i32.mul (i32.add (local.get $p) (local.get $q)) (i32.const 3)) (i32.const 0))
        (i32.shr_u (i32.mul (local.get $q) (i32.const 0x10001)) (i32.const 33))))"#;
    for (p, q) in [(-2i32, 4i32), (6, 5), (-7, 2)] {
        let (pu, qu) = (p as u32, q as u32);
        let mut r = 0;
        if pu.wrapping_add(4) <= 10 {
            r = 1;
        }
        if q.wrapping_sub(5) >= 0 {
            r += 2;
        }
        if qu.wrapping_add(0xffff_fffd) == 1 {
            r += 4;
        }
        let want = [
            r,
            pu.wrapping_mul(0x9e37_79b9) >> 16,
            pu.wrapping_add(qu).wrapping_mul(3),
            qu.wrapping_mul(0x10001) >> 1,
        ];
        let args = [Value::I32(p), Value::I32(q)];
        assert_eq!(
            run(wat, "f", &args).result,
            Ok(want.iter().map(|v| Value::I32(*v as i32)).collect())
        );
        assert_every_gas_limit_agrees_unfused(wat, "f", &args);
    }
}

#[test]
fn stores_fused_with_their_address_add_wrap_and_trap_as_the_two_instructions() {
    // Stores at an `i32.add` (or `i32.sub`) of a local and a constant or of two
    // locals, of a local's value or a constant: with `p = -8` every sum wraps into
    // the memory; with `p = 65530` the first store is out of bounds. Every gas limit
    // must give the unfused translation's outcome and gas figure, in both backends.
    let wat = r#"(module (memory 1)
      (func (export "f") (param $p i32) (param $q i32) (result i64)
        (i32.store (i32.add (local.get $p) (i32.const 16)) (local.get $q))
        (i32.store8 (i32.add (local.get $p) (local.get $q)) (i32.const 0x1ff))
        (i64.store (i32.sub (local.get $p) (i32.const -24)) (i64.const -3))
        (f64.store (i32.add (local.get $p) (i32.const 40)) (f64.const 1.5))
        (i64.store16 (i32.add (local.get $q) (local.get $p)) (i64.const 0x12345))
        (i64.add (i64.load (i32.const 8))
          (i64.add (i64.load (i32.const 16)) (i64.load (i32.const 32))))))"#;
    for p in [-8, 65530] {
        assert_every_gas_limit_agrees_unfused(wat, "f", &[Value::I32(p), Value::I32(20)]);
    }
    // Memory after `f(-8, 20)`: bytes 8..12 = 20 (i32), byte 12 = 0xff then
    // 0x2345 at 12..14, 16..24 = -3, 32..40 = 1.5.
    let word8 = 20u64 | (0x2345u64 << 32);
    let want = word8
        .wrapping_add((-3i64) as u64)
        .wrapping_add(1.5f64.to_bits());
    assert_eq!(
        run(wat, "f", &[Value::I32(-8), Value::I32(20)]).result,
        Ok(vec![Value::I64(want as i64)])
    );
    assert_eq!(
        run(wat, "f", &[Value::I32(65530), Value::I32(20)]).result,
        Err(TrapCode::MemoryOutOfBounds)
    );
}
