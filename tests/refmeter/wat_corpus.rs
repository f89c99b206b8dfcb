//! Corpus B of the reference-meter check: small wat modules, each with the calls to
//! compare, covering what the conformance suite exercises little under gas: loops,
//! calls and recursion, `call_indirect`, `memory.grow`, bulk memory and table
//! instructions with dynamic costs (including huge lengths that pay then trap),
//! exceptions across frames, tail calls, traps in the middle of straight-line code, the
//! SPEC.md §Stack limits, start functions and extended constant expressions.
//! Depends on detwasm's `Value` only.

use detwasm::Value;

/// One module and the calls to compare on it.
pub struct Case {
    pub name: &'static str,
    pub wat: &'static str,
    pub calls: Vec<(&'static str, Vec<Value>)>,
    /// Whether the calls also get out-of-gas probes (not for the deep stack cases,
    /// whose probes would only repeat the same paths at great cost).
    pub probe: bool,
}

fn i(v: i32) -> Value {
    Value::I32(v)
}

fn l(v: i64) -> Value {
    Value::I64(v)
}

/// `n` locals of type i64, as wat.
fn locals(n: usize) -> String {
    format!("(local{})", " i64".repeat(n))
}

/// Frames heavy enough that SPEC.md §Stack's height limit (4000000) is reached before
/// the depth limit (10000), by calls and by a tail call to a heavier function.
fn stack_case() -> Case {
    let wat = format!(
        r#"(module
  (func $fat (export "fat") (param i32) (result i32) {fat}
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $fat (i32.sub (local.get 0) (i32.const 1))))))
  (func $fatter (param i32) (result i32) {fatter} (local.get 0))
  (func $mid (export "mid") (param i32) (result i32) {fat}
    (if (result i32) (i32.eqz (local.get 0)) (then (return_call $fatter (i32.const 5)))
      (else (i32.add (i32.const 1) (call $mid (i32.sub (local.get 0) (i32.const 1)))))))
  (func $slim (export "slim") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (return_call $fatter (i32.const 5)))
      (else (i32.add (i32.const 1) (call $slim (i32.sub (local.get 0) (i32.const 1)))))))
)"#,
        fat = locals(1000),
        fatter = locals(2000),
    );
    // With SPEC.md §Stack's definition, height(fat) = 1 + 1 + 1000 + 2 + 2 = 1006, so
    // 3976 activations fit in 4000000 and fat(3976) (3977 activations) does not;
    // mid's deepest activation tail-calls the heavier fatter. The sweeps straddle both
    // boundaries, whatever the exact operand heights.
    let mut calls = vec![
        ("fat", vec![i(100)]),
        ("slim", vec![i(9998)]),
        ("slim", vec![i(9999)]),
    ];
    for n in 3973..=3978 {
        calls.push(("fat", vec![i(n)]));
    }
    for n in 3966..=3974 {
        calls.push(("mid", vec![i(n)]));
    }
    Case {
        name: "wat/stack_limits",
        wat: Box::leak(wat.into_boxed_str()),
        calls,
        probe: false,
    }
}

pub fn cases() -> Vec<Case> {
    vec![
        stack_case(),
        Case {
            name: "wat/loops",
            wat: r#"(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $i))
  (func (export "nested") (param $n i32) (result i64) (local $i i32) (local $j i32) (local $acc i64)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.mul (local.get $i) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc))
  (func (export "switch") (param $x i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get $x)))
      (return (i32.const 10)))
      (return (i32.const 20)))
      (return (i32.div_s (i32.const 30) (local.get $x))))
    (i32.const 40))
  (func (export "multi") (param i32) (result i32 i32)
    (local.get 0)
    (if (param i32) (result i32 i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (i32.const 2) (i32.add) (i32.const 9))))
  (func (export "loop_params") (param $n i32) (result i32)
    (i32.const 0) (local.get $n)
    (loop $l (param i32 i32) (result i32)
      (i32.sub (i32.const 1))
      (local.tee $n)
      (i32.add)
      (local.get $n)
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0)))
      (drop)))
)"#,
            calls: vec![
                ("count", vec![i(0)]),
                ("count", vec![i(1)]),
                ("count", vec![i(100)]),
                ("nested", vec![i(1)]),
                ("nested", vec![i(20)]),
                ("switch", vec![i(0)]),
                ("switch", vec![i(1)]),
                ("switch", vec![i(2)]),
                ("switch", vec![i(3)]),
                ("switch", vec![i(-7)]),
                ("multi", vec![i(0)]),
                ("multi", vec![i(5)]),
                ("loop_params", vec![i(10)]),
            ],
            probe: true,
        },
        Case {
            name: "wat/calls",
            wat: r#"(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "swap") (param i32 i64) (result i32)
    (call $swap (local.get 0) (local.get 1)) (drop) (drop)
    (call $print (local.get 0))
    (local.get 0))
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func $forever (export "forever") (result i32) (call $forever))
)"#,
            calls: vec![
                ("fac", vec![l(0)]),
                ("fac", vec![l(20)]),
                ("even", vec![i(11)]),
                ("even", vec![i(300)]),
                ("swap", vec![i(3), l(4)]),
                ("down", vec![i(9998)]),
                ("down", vec![i(9999)]),
                ("down", vec![i(10000)]),
                ("forever", vec![]),
            ],
            probe: true,
        },
        Case {
            name: "wat/call_indirect",
            wat: r#"(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table $t 6 funcref)
  (table $u 2 funcref)
  (elem (table $t) (i32.const 0) func $inc $dbl $nop $inc)
  (elem (table $u) (i32.const 1) func $dbl)
  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $nop (type $v))
  (func (export "call") (param $i i32) (param $x i32) (result i32)
    (call_indirect $t (type $ii) (local.get $x) (local.get $i)))
  (func (export "call_u") (param $i i32) (param $x i32) (result i32)
    (call_indirect $u (type $ii) (local.get $x) (local.get $i)))
  (func $tail (export "tail") (param $i i32) (param $x i32) (result i32)
    (return_call_indirect $t (type $ii) (local.get $x) (local.get $i)))
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (call_indirect $t (type $ii) (local.get $acc) (i32.and (local.get $n) (i32.const 1))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $acc))
)"#,
            calls: vec![
                ("call", vec![i(0), i(5)]),
                ("call", vec![i(1), i(5)]),
                ("call", vec![i(2), i(5)]),
                ("call", vec![i(4), i(5)]),
                ("call", vec![i(6), i(5)]),
                ("call", vec![i(-1), i(5)]),
                ("call_u", vec![i(0), i(5)]),
                ("call_u", vec![i(1), i(5)]),
                ("tail", vec![i(3), i(7)]),
                ("tail", vec![i(2), i(7)]),
                ("sum", vec![i(50)]),
            ],
            probe: true,
        },
        Case {
            name: "wat/memory_grow",
            wat: r#"(module
  (memory 1 4)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow_and_touch") (param i32) (result i32) (local $old i32)
    (local.set $old (memory.grow (local.get 0)))
    (if (i32.ge_s (local.get $old) (i32.const 0))
      (then (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 0xdead))))
    (local.get $old))
  (func (export "grow_loop") (result i32) (local $n i32)
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))
)"#,
            calls: vec![
                ("size", vec![]),
                ("grow", vec![i(0)]),
                ("grow", vec![i(1)]),
                ("grow", vec![i(5)]),
                ("grow", vec![i(-1)]),
                ("grow_and_touch", vec![i(1)]),
                ("size", vec![]),
                ("grow_and_touch", vec![i(1)]),
                ("grow_loop", vec![]),
            ],
            probe: true,
        },
        Case {
            name: "wat/grow_then_access",
            wat: r#"(module
  (memory 1 64)
  (func $grow (drop (memory.grow (i32.const 1))))
  (func $top (result i32) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))
  (func (export "store") (result i32)
    (call $grow) (i32.store (call $top) (i32.const 7)) (i32.load (call $top)))
  (func (export "inline_store")
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 9)))
  (func (export "inline_load") (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))
  (func (export "inline_fill")
    (drop (memory.grow (i32.const 1)))
    (memory.fill (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 16))
                 (i32.const 0x5a) (i32.const 16)))
  (func (export "callee_grows") (result i32)
    (call $grow)
    (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))
  (func (export "size") (result i32) (drop (memory.grow (i32.const 1))) (memory.size))
)"#,
            calls: vec![
                ("store", vec![]),
                ("inline_store", vec![]),
                ("inline_load", vec![]),
                ("inline_fill", vec![]),
                ("callee_grows", vec![]),
                ("size", vec![]),
            ],
            probe: true,
        },
        Case {
            name: "wat/memory_grow_unbounded",
            wat: r#"(module
  (memory 0)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
)"#,
            // 16384 pages (`max_memory_pages`) is the ceiling without a declared maximum;
            // growing to it would allocate 1 GiB, so only the refusals and a small
            // growth are compared.
            calls: vec![
                ("grow", vec![i(16385)]),
                ("grow", vec![i(3)]),
                ("grow", vec![i(16382)]),
                ("grow", vec![i(0x10000)]),
                ("grow", vec![i(-1)]),
            ],
            probe: true,
        },
        Case {
            name: "wat/bulk_memory",
            wat: r#"(module
  (memory 1)
  (data $d "0123456789abcdefghijklmnopqrstuvwxyz")
  (data (i32.const 100) "active")
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (data.drop $d))
  (func (export "load") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "fill_then_trap") (param i32) (result i32)
    (memory.fill (i32.const 0) (i32.const 7) (local.get 0))
    (i32.store (i32.const 65535) (i32.const 1))
    (i32.const 1))
)"#,
            calls: vec![
                ("fill", vec![i(0), i(0xaa), i(0)]),
                ("fill", vec![i(10), i(0xaa), i(1)]),
                ("fill", vec![i(10), i(0xbb), i(8)]),
                ("fill", vec![i(10), i(0xcc), i(9)]),
                ("fill", vec![i(0), i(0x11), i(65536)]),
                ("fill", vec![i(1), i(0x11), i(65536)]),
                ("fill", vec![i(65536), i(0x11), i(0)]),
                ("fill", vec![i(0), i(0x11), i(-1)]),
                ("copy", vec![i(200), i(100), i(6)]),
                ("copy", vec![i(201), i(200), i(17)]),
                ("copy", vec![i(0), i(1), i(65535)]),
                ("copy", vec![i(0), i(1), i(65536)]),
                ("copy", vec![i(-1), i(0), i(-1)]),
                ("init", vec![i(300), i(0), i(36)]),
                ("init", vec![i(300), i(30), i(7)]),
                ("init", vec![i(65530), i(0), i(7)]),
                ("load", vec![i(300)]),
                ("drop", vec![]),
                ("init", vec![i(300), i(0), i(0)]),
                ("init", vec![i(300), i(0), i(1)]),
                ("fill_then_trap", vec![i(64)]),
                ("load", vec![i(0)]),
            ],
            probe: true,
        },
        Case {
            name: "wat/tables",
            wat: r#"(module
  (table $t 4 10 funcref)
  (table $e 2 externref)
  (elem $seg func $a $b $a)
  (elem declare func $b)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (func (export "init") (param i32 i32 i32) (table.init $t $seg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "drop") (elem.drop $seg))
  (func (export "fill") (param i32 i32) (table.fill $t (local.get 0) (ref.func $b) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  (func (export "call") (param i32) (result i32) (call_indirect $t (result i32) (local.get 0)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "set_ext") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))
  (func (export "get_ext") (param i32) (result externref) (table.get $e (local.get 0)))
  (func (export "get") (param i32) (result funcref) (table.get $t (local.get 0)))
)"#,
            calls: vec![
                ("size", vec![]),
                ("call", vec![i(0)]),
                ("init", vec![i(0), i(0), i(3)]),
                ("call", vec![i(1)]),
                ("get", vec![i(1)]),
                ("init", vec![i(2), i(1), i(3)]),
                ("init", vec![i(1), i(0), i(0)]),
                ("fill", vec![i(3), i(1)]),
                ("fill", vec![i(3), i(2)]),
                ("fill", vec![i(0), i(-1)]),
                ("copy", vec![i(0), i(1), i(3)]),
                ("copy", vec![i(1), i(0), i(4)]),
                ("grow", vec![i(0)]),
                ("grow", vec![i(3)]),
                ("grow", vec![i(4)]),
                ("size", vec![]),
                ("is_null", vec![i(6)]),
                ("is_null", vec![i(100)]),
                ("drop", vec![]),
                ("init", vec![i(0), i(0), i(1)]),
                ("init", vec![i(0), i(0), i(0)]),
                ("set_ext", vec![i(1), Value::ExternRef(Some(42))]),
                ("get_ext", vec![i(1)]),
                ("set_ext", vec![i(2), Value::ExternRef(Some(42))]),
            ],
            probe: true,
        },
        Case {
            name: "wat/exceptions",
            wat: r#"(module
  (tag $e (param i32))
  (tag $pair (param i32 i64))
  (tag $empty)
  (global $g (mut i32) (i32.const 0))
  (func $thrower (param i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1)))
    (if (i32.eqz (local.get 0)) (then (throw $empty)))
    (throw $e (local.get 0)))
  (func $deep (param $n i32) (param $x i32)
    (if (i32.eqz (local.get $n)) (then (call $thrower (local.get $x)))
      (else (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $x)))))
  (func (export "catch") (param $n i32) (param $x i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h)
        (call $deep (local.get $n) (local.get $x)))
      (i32.const -1)))
  (func (export "catch_all") (param $n i32) (param $x i32) (result i32)
    (block $all
      (block $h (result i32)
        (try_table (catch $e $h) (catch_all $all)
          (call $deep (local.get $n) (local.get $x)))
        (return (i32.const -1)))
      (return))
    (i32.const -2))
  (func $rethrow (param $x i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h)
        (call $thrower (local.get $x)))
      (return))
    (throw_ref))
  (func (export "rethrow") (param $x i32) (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (call $rethrow (local.get $x)))
      (return (i32.const 0)))
    (drop)
    (i32.const 99))
  (func (export "uncaught") (param $x i32) (call $deep (i32.const 3) (local.get $x)))
  (func (export "null_ref") (throw_ref (ref.null exn)))
  (func (export "pair") (result i64) (local $b i64)
    (block $h (result i32 i64)
      (try_table (catch $pair $h)
        (throw $pair (i32.const 3) (i64.const 4)))
      (return (i64.const 0)))
    (local.set $b)
    (i64.extend_i32_u)
    (local.get $b)
    (i64.add))
  (func (export "loop_catch") (param $n i32) (result i32) (local $c i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h)
          (call $thrower (local.get $n)))
        (i32.const 0))
      (local.set $c (i32.add (local.get $c)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (local.get $c))
  (func (export "count") (result i32) (global.get $g))
)"#,
            calls: vec![
                ("catch", vec![i(0), i(5)]),
                ("catch", vec![i(10), i(5)]),
                ("catch", vec![i(3), i(0)]),
                ("catch_all", vec![i(3), i(0)]),
                ("catch_all", vec![i(3), i(7)]),
                ("rethrow", vec![i(4)]),
                ("rethrow", vec![i(0)]),
                ("uncaught", vec![i(1)]),
                ("null_ref", vec![]),
                ("pair", vec![]),
                ("loop_catch", vec![i(20)]),
                ("count", vec![]),
            ],
            probe: true,
        },
        Case {
            name: "wat/tail_calls",
            wat: r#"(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func $count (export "count") (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call $count (i32.sub (local.get $n) (i32.const 1))
                                (i64.add (local.get $acc) (i64.const 3))))))
  (func $ping (export "ping") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 7))
      (else (return_call $pong (i32.sub (local.get $n) (i32.const 1))))))
  (func $pong (param $n i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 8))
      (else (return_call $ping (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "to_host") (param i32) (return_call $print (local.get 0)))
)"#,
            calls: vec![
                ("count", vec![i(0), l(0)]),
                ("count", vec![i(1000), l(1)]),
                ("count", vec![i(30000), l(1)]),
                ("ping", vec![i(1001)]),
                ("to_host", vec![i(3)]),
            ],
            probe: true,
        },
        Case {
            name: "wat/traps_mid_segment",
            wat: r#"(module
  (memory 1)
  (global $g (mut i64) (i64.const 0))
  (func (export "div") (param i32 i32) (result i32)
    (global.set $g (i64.const 1))
    (i32.add (i32.const 1) (i32.div_u (local.get 0) (local.get 1))))
  (func (export "overflow") (param i32) (result i32)
    (i32.div_s (local.get 0) (i32.const -1)))
  (func (export "rem") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "unreachable_mid") (param i32) (result i32)
    (i32.store (i32.const 8) (local.get 0))
    (if (local.get 0) (then (unreachable)))
    (i32.load (i32.const 8)))
  (func (export "oob") (param i32) (result i32)
    (i32.store (i32.const 0) (i32.const 5))
    (i32.load offset=4 (local.get 0)))
  (func (export "store_oob") (param i32)
    (i64.store (i32.const 16) (i64.const -1))
    (i64.store (local.get 0) (i64.const 7)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_sat") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
  (func (export "floats") (param f32 f64) (result f64)
    (f64.add (f64.promote_f32 (f32.sqrt (local.get 0)))
             (f64.div (f64.nearest (local.get 1)) (f64.const 3))))
  (func (export "select") (param i32) (result i64)
    (select (i64.const 1) (i64.const 2) (local.get 0)))
  (func (export "g") (result i64) (global.get $g))
)"#,
            calls: vec![
                ("div", vec![i(7), i(2)]),
                ("div", vec![i(7), i(0)]),
                ("overflow", vec![i(i32::MIN)]),
                ("overflow", vec![i(6)]),
                ("rem", vec![l(i64::MIN), l(-1)]),
                ("rem", vec![l(5), l(0)]),
                ("unreachable_mid", vec![i(0)]),
                ("unreachable_mid", vec![i(3)]),
                ("oob", vec![i(65532)]),
                ("oob", vec![i(65531)]),
                ("oob", vec![i(-1)]),
                ("store_oob", vec![i(65528)]),
                ("store_oob", vec![i(65529)]),
                ("trunc", vec![Value::F64(f64::NAN.to_bits())]),
                ("trunc", vec![Value::F64(3e10f64.to_bits())]),
                ("trunc", vec![Value::F64((-2.5f64).to_bits())]),
                ("trunc_sat", vec![Value::F64((-2.5f64).to_bits())]),
                (
                    "floats",
                    vec![Value::F32(2.0f32.to_bits()), Value::F64(2.5f64.to_bits())],
                ),
                (
                    "floats",
                    vec![
                        Value::F32((-1.0f32).to_bits()),
                        Value::F64(0.5f64.to_bits()),
                    ],
                ),
                ("select", vec![i(0)]),
                ("select", vec![i(9)]),
                ("g", vec![]),
            ],
            probe: true,
        },
        Case {
            name: "wat/start_and_consts",
            wat: r#"(module
  (import "spectest" "global_i32" (global $base i32))
  (global $a i32 (i32.add (global.get $base) (i32.const 5)))
  (global $b i64 (i64.mul (i64.const 6) (i64.sub (i64.const 10) (i64.const 3))))
  (global $c (mut i32) (i32.const 0))
  (memory 1)
  (data (i32.add (global.get $base) (i32.const 1)) "hi")
  (func $start
    (local $i i32)
    (loop $l
      (global.set $c (i32.add (global.get $c) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 50)))))
  (start $start)
  (func (export "get") (result i32 i64 i32 i32)
    (global.get $a) (global.get $b) (global.get $c) (i32.load16_u (i32.const 667)))
)"#,
            calls: vec![("get", vec![])],
            probe: true,
        },
    ]
}
