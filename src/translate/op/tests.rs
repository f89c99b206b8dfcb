//! Tests of the op table: every wasm operator of the profile is named by a row or is
//! structural, every unop and binop row lowers its operators, every other row's
//! operators are lowered by the translator, and the compiled code agrees with the rows
//! (fused parts, branch targets).

use super::{lower_binop, lower_unop, Op, OpKind, OP_TABLE};
use crate::translate::STRUCTURAL;
use crate::{Config, Engine, Module};
use std::collections::BTreeSet;

/// The proposals of the profile (SPEC.md §Profile) that add operators, by wasmparser's
/// group name in `for_each_operator!`.
const PROFILE: &[&str] = &[
    "mvp",
    "sign_extension",
    "saturating_float_to_int",
    "bulk_memory",
    "reference_types",
    "tail_call",
    "exceptions",
];

/// Every wasm operator wasmparser knows: (proposal, name, the operator itself when it
/// has no immediates).
fn wasm_operators() -> Vec<(
    &'static str,
    &'static str,
    Option<wasmparser::Operator<'static>>,
)> {
    macro_rules! value {
        ($op:ident) => {
            Some(wasmparser::Operator::$op)
        };
        ($op:ident { $($t:tt)* }) => {
            None
        };
    }
    macro_rules! list {
        ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
            vec![$((stringify!($proposal), stringify!($op), value!($op $({ $($arg: $argty),* })?)),)*]
        };
    }
    wasmparser::for_each_operator!(list)
}

/// Operators of the profile's proposals that validation always rejects: a `select`
/// with other than one result type (core §3.3.4).
const NEVER_VALID: &[&str] = &["TypedSelectMulti"];

fn profile_operators() -> BTreeSet<&'static str> {
    wasm_operators()
        .into_iter()
        .filter(|(p, _, _)| PROFILE.contains(p))
        .map(|(_, name, _)| name)
        .collect()
}

#[test]
fn op_is_sixteen_bytes() {
    assert_eq!(std::mem::size_of::<Op>(), 16);
}

#[test]
fn every_profile_operator_has_a_row_or_is_structural() {
    let named: BTreeSet<&str> = OP_TABLE
        .iter()
        .flat_map(|(_, _, wasm)| wasm.iter().copied())
        .collect();
    let structural: BTreeSet<&str> = STRUCTURAL.iter().copied().collect();
    let missing: Vec<&str> = profile_operators()
        .into_iter()
        .filter(|o| !named.contains(o) && !structural.contains(o) && !NEVER_VALID.contains(o))
        .collect();
    assert!(
        missing.is_empty(),
        "operators with no op-table row: {missing:?}"
    );
    let both: Vec<&&str> = structural.intersection(&named).collect();
    assert!(both.is_empty(), "both structural and in a row: {both:?}");
}

#[test]
fn every_named_operator_is_in_the_profile() {
    let profile = profile_operators();
    for (name, _, wasm) in OP_TABLE {
        for w in *wasm {
            assert!(
                profile.contains(w),
                "row {name} names {w}, not a profile operator"
            );
        }
    }
    for s in STRUCTURAL {
        assert!(
            profile.contains(s),
            "structural {s} is not a profile operator"
        );
    }
}

#[test]
fn rows_have_unique_names_and_immediate_rows_a_binop() {
    let mut names = BTreeSet::new();
    for (name, kind, wasm) in OP_TABLE {
        assert!(names.insert(*name), "row {name} twice");
        match kind {
            OpKind::BinImm => {
                assert_eq!(wasm.len(), 2, "{name}");
                let base = name.strip_suffix("Imm").expect("an Imm row");
                assert!(
                    OP_TABLE
                        .iter()
                        .any(|(n, k, _)| *n == base && *k == OpKind::Binop),
                    "{name} has no binop {base}"
                );
            }
            OpKind::Unop | OpKind::Binop => assert!(!wasm.is_empty(), "{name}"),
            OpKind::Gas | OpKind::Data => assert!(wasm.is_empty(), "{name}"),
            OpKind::Branch => assert!(name.starts_with("Br") || *name == "Jump", "{name}"),
            _ => {}
        }
    }
}

#[test]
fn unop_and_binop_rows_lower_exactly_their_operators() {
    let rows = |want: OpKind| -> BTreeSet<&str> {
        OP_TABLE
            .iter()
            .filter(|(_, kind, _)| *kind == want)
            .flat_map(|(_, _, wasm)| wasm.iter().copied())
            .collect()
    };
    let (unops, binops) = (rows(OpKind::Unop), rows(OpKind::Binop));
    let mut lowered = 0;
    for (proposal, name, value) in wasm_operators() {
        let un = value.as_ref().and_then(|o| lower_unop(o, 7, 8));
        let bin = value.as_ref().and_then(|o| lower_binop(o, 7, 8, 9));
        let op = match (un, bin) {
            (Some(op), None) => {
                assert!(unops.contains(name), "{name} lowered as a unop");
                assert_eq!(op, {
                    let mut o = op;
                    let [a, b] = o.reads_mut();
                    assert_eq!((a.map(|x| *x), b.is_none()), (Some(8), true), "{name}");
                    o
                });
                op
            }
            (None, Some(op)) => {
                assert!(binops.contains(name), "{name} lowered as a binop");
                let mut o = op;
                let [a, b] = o.reads_mut();
                assert_eq!((a.map(|x| *x), b.map(|x| *x)), (Some(8), Some(9)), "{name}");
                op
            }
            (None, None) => {
                assert!(
                    !unops.contains(name) && !binops.contains(name),
                    "{name} is a unop or binop row but not lowered"
                );
                continue;
            }
            (Some(_), Some(_)) => panic!("{name} lowered twice"),
        };
        assert!(
            PROFILE.contains(&proposal),
            "{name} lowered outside the profile"
        );
        let mut o = op;
        assert_eq!(o.dst_mut().map(|d| *d), Some(7), "{name}");
        assert!(op.stands_for().contains(&name), "{name} lowered to {op}");
        lowered += 1;
    }
    assert_eq!(lowered, unops.len() + binops.len());
}

/// A module that uses every operator of the profile that a row of another kind than
/// `unop`, `binop` and `binimm` names, each in reachable code.
const EVERY_CUSTOM_OPERATOR: &str = r#"
(module
  (type $v (func))
  (type $ii (func (param i32) (result i32)))
  (tag $t (param i32))
  (memory 1)
  (table $tab 4 funcref)
  (table $tab2 4 funcref)
  (global $g (mut i32) (i32.const 0))
  (elem $e func $leaf)
  (data $d "abcd")
  (func $leaf)
  (func $id (type $ii) (local.get 0))
  (func $sums (param i32)
    (drop (i32.load (i32.add (local.get 0) (local.get 0))))
    (drop (i32.load (i32.sub (local.get 0) (i32.const 4))))
    (drop (i32.load (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 2))))))
  (func (export "control") (param i32) (result i32) (local i32)
    (block $b
      (br_if $b (local.get 0))
      (br_if $b (i32.eqz (local.get 0)))
      (br_table $b $b (local.get 0)))
    (if (local.get 0) (then (nop)) (else (nop)))
    (block $c (result i32)
      (br $c (i32.const 1)))
    (local.set 1)
    (local.tee 1 (local.get 0))
    (global.set $g)
    (drop (global.get $g))
    (drop (select (i32.const 1) (i32.const 2) (local.get 0)))
    (drop (select (result i32) (i32.const 1) (i32.const 2) (local.get 0)))
    (call $leaf)
    (call_indirect $tab (type $v) (i32.const 0))
    (if (local.get 0) (then (return (i32.const 3))))
    (br_if 0 (i32.const 4) (local.get 0))
    (drop)
    (if (local.get 0) (then (unreachable)))
    (i32.const 5))
  (func (export "tail1") (param i32) (result i32)
    (return_call $id (local.get 0)))
  (func (export "tail2") (param i32) (result i32)
    (return_call_indirect $tab (type $ii) (local.get 0) (i32.const 1)))
  (func (export "consts")
    (drop (i32.const 1))
    (drop (i64.const 2))
    (drop (f32.const 3))
    (drop (f64.const 4))
    (drop (ref.null func))
    (drop (ref.func $leaf)))
  (func (export "tables")
    (drop (table.get $tab (i32.const 0)))
    (table.set $tab (i32.const 0) (ref.null func))
    (drop (table.size $tab))
    (drop (table.grow $tab (ref.null func) (i32.const 1)))
    (table.fill $tab (i32.const 0) (ref.null func) (i32.const 1))
    (table.copy $tab $tab2 (i32.const 0) (i32.const 0) (i32.const 1))
    (table.init $tab $e (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $e))
  (func (export "memory")
    (drop (i32.load (i32.const 0)))
    (drop (i64.load (i32.const 0)))
    (drop (f32.load (i32.const 0)))
    (drop (f64.load (i32.const 0)))
    (drop (i32.load8_s (i32.const 0)))
    (drop (i32.load8_u (i32.const 0)))
    (drop (i32.load16_s (i32.const 0)))
    (drop (i32.load16_u (i32.const 0)))
    (drop (i64.load8_s (i32.const 0)))
    (drop (i64.load8_u (i32.const 0)))
    (drop (i64.load16_s (i32.const 0)))
    (drop (i64.load16_u (i32.const 0)))
    (drop (i64.load32_s (i32.const 0)))
    (drop (i64.load32_u (i32.const 0)))
    (i32.store (i32.const 0) (i32.const 0))
    (i64.store (i32.const 0) (i64.const 0))
    (f32.store (i32.const 0) (f32.const 0))
    (f64.store (i32.const 0) (f64.const 0))
    (i32.store8 (i32.const 0) (i32.const 0))
    (i32.store16 (i32.const 0) (i32.const 0))
    (i64.store8 (i32.const 0) (i64.const 0))
    (i64.store16 (i32.const 0) (i64.const 0))
    (i64.store32 (i32.const 0) (i64.const 0))
    (drop (memory.size))
    (drop (memory.grow (i32.const 0)))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
    (data.drop $d)
    (memory.copy (i32.const 0) (i32.const 1) (i32.const 1))
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 1)))
  (func (export "exceptions") (param i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (if (local.get 0) (then (throw $t (i32.const 1)))))
      (return))
    (throw_ref)))
"#;

/// Compiles `wat` with the default configuration.
fn compile(wat: &[u8]) -> Module {
    let bytes = wat::parse_bytes(wat).expect("test module parses");
    Module::new(&Engine::new(Config::default()), &bytes).expect("test module translates")
}

#[test]
fn translator_lowers_every_operator_of_the_other_rows() {
    let module = compile(EVERY_CUSTOM_OPERATOR.as_bytes());
    let produced: BTreeSet<&str> = module
        .inner
        .funcs
        .iter()
        .flat_map(|f| f.code.iter())
        .flat_map(|op| op.stands_for().iter().copied())
        .collect();
    let wanted: BTreeSet<&str> = OP_TABLE
        .iter()
        .filter(|(name, kind, _)| {
            !matches!(kind, OpKind::Unop | OpKind::Binop | OpKind::BinImm)
                && !is_compare_branch(name)
                && !is_shifted_operand(name)
                && !is_store_value(name)
                && *name != "F64MulAdd"
                && *name != "I32ShrUAndImm"
                && !is_counter_branch(name)
                && !is_sum_branch(name)
                && *name != "I32MulShrUImm"
        })
        .flat_map(|(_, _, wasm)| wasm.iter().copied())
        .collect();
    let missing: Vec<&&str> = wanted.difference(&produced).collect();
    assert!(
        missing.is_empty(),
        "no op produced for: {missing:?} (extend EVERY_CUSTOM_OPERATOR or the translator)"
    );
}

/// Whether row `name` is a compare-and-branch row (checked by
/// `every_compare_and_branch_row_is_produced`).
fn is_compare_branch(name: &str) -> bool {
    name.starts_with("BrIfI32") || name.starts_with("BrIfI64")
}

#[test]
fn every_compare_and_branch_row_is_produced() {
    let cmps = [
        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
    ];
    // Locals 0 and 1 are i64, 2 and 3 are i32; each compare feeds a `br_if` and an
    // `if` (the negated form), with a local or a constant right operand.
    let mut body = String::new();
    for c in cmps {
        for (t, x, y) in [("i32", 2, 3), ("i64", 0, 1)] {
            let cmp = format!("({t}.{c} (local.get {x}) (local.get {y}))");
            body += &format!("(br_if 0 {cmp}) (if {cmp} (then (nop)))\n");
        }
        let cmp = format!("(i32.{c} (local.get 2) (i32.const 5))");
        body += &format!("(br_if 0 {cmp}) (if {cmp} (then (nop)))\n");
    }
    let wat = format!("(module (func (param i64 i64 i32 i32) (block {body})))");
    let module = compile(wat.as_bytes());
    let produced = module
        .inner
        .funcs
        .iter()
        .flat_map(|f| f.code.iter())
        .map(|op| op.name());
    assert_rows_produced(produced, is_compare_branch);
}

/// Asserts that every row of the op table that `row` selects is among `produced`
/// (op names).
fn assert_rows_produced<'a>(produced: impl IntoIterator<Item = &'a str>, row: fn(&str) -> bool) {
    let produced: BTreeSet<&str> = produced.into_iter().collect();
    let missing: Vec<&str> = OP_TABLE
        .iter()
        .map(|(name, _, _)| *name)
        .filter(|name| row(name) && !produced.contains(name))
        .collect();
    assert!(missing.is_empty(), "not produced: {missing:?}");
}

/// Asserts that every op of `f` whose row `row` selects has its last part as its
/// main part (the memory access, after the parts that compute its address).
fn assert_main_part_last(f: &crate::translate::CompiledFunc, row: fn(&str) -> bool) {
    for (pc, op) in f.code.iter().enumerate() {
        if row(op.name()) {
            let parts = f.parts(pc).expect("in range");
            let n = parts.iter().take_while(|p| **p != 0).count();
            assert_eq!(f.main_part(pc), n - 1, "{op}: the main part is the last");
        }
    }
}

/// Whether row `name` is a load fused with the add of its address.
fn is_fused_load(name: &str) -> bool {
    name.contains("Load")
        && (name.ends_with("Add") || name.ends_with("AddImm"))
        && !name.contains("Shl")
}

#[test]
fn every_fused_load_row_is_produced() {
    // Each load of static offset 0 at an `i32.add` of two locals, of a constant, and
    // at an `i32.sub` of a constant (the immediate form of its negation).
    let loads = [
        "i32.load",
        "i64.load",
        "f32.load",
        "f64.load",
        "i32.load8_s",
        "i32.load8_u",
        "i32.load16_s",
        "i32.load16_u",
    ];
    let mut body = String::new();
    for l in loads {
        body += &format!("(drop ({l} (i32.add (local.get 0) (local.get 1))))\n");
        body += &format!("(drop ({l} (i32.add (local.get 0) (i32.const 8))))\n");
        body += &format!("(drop ({l} (i32.sub (local.get 0) (i32.const 8))))\n");
        // Not fused: a static offset, or an address kept in a local too.
        body += &format!("(drop ({l} offset=4 (i32.add (local.get 0) (local.get 1))))\n");
        body += &format!("(drop ({l} (local.tee 1 (i32.add (local.get 0) (i32.const 8)))))\n");
    }
    let wat = format!("(module (memory 1) (func (param i32 i32) {body}))");
    let module = compile(wat.as_bytes());
    let code = &module.inner.funcs[0].code;
    assert_rows_produced(code.iter().map(|op| op.name()), is_fused_load);
    // Per load: two fused ops of four and three parts (the add's and the load's), one
    // more for the `i32.sub`, and two plain loads.
    let fused = code.iter().filter(|op| is_fused_load(op.name())).count();
    let listing: Vec<String> = code.iter().map(|op| op.to_string()).collect();
    assert_eq!(fused, 3 * loads.len(), "{listing:#?}");
    assert_main_part_last(&module.inner.funcs[0], is_fused_load);
}

#[test]
fn every_scaled_load_row_is_produced() {
    // `base[i]` of 4- and 8-byte elements: the shift of the index folds into the
    // fused load, with the base a local (either side of the add) or a constant.
    let loads = [
        ("i32.load", 2),
        ("i64.load", 3),
        ("f32.load", 2),
        ("f64.load", 3),
    ];
    let mut body = String::new();
    for (l, k) in loads {
        let shl = format!("(i32.shl (local.get 0) (i32.const {k}))");
        body += &format!("(drop ({l} (i32.add (local.get 1) {shl})))\n");
        body += &format!("(drop ({l} (i32.add {shl} (local.get 1))))\n");
        body += &format!("(drop ({l} (i32.add {shl} (i32.const 1024))))\n");
        // Not fused: a shift kept in a local too.
        body += &format!("(drop ({l} (i32.add (local.tee 2 {shl}) (local.get 1))))\n");
    }
    let wat = format!("(module (memory 1) (func (param i32 i32) (local i32) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let names: Vec<&str> = f.code.iter().map(|op| op.name()).collect();
    assert_rows_produced(names.iter().copied(), |name| name.contains("LoadShlAdd"));
    let scaled = names.iter().filter(|n| n.contains("LoadShlAdd")).count();
    assert_eq!(scaled, 3 * loads.len(), "{names:?}");
    for (pc, op) in f.code.iter().enumerate() {
        if op.name().contains("LoadShlAdd") {
            // local.get, i32.const, i32.shl, the add's other operand, i32.add, the load.
            let parts = f.parts(pc).expect("in range");
            let n = parts.iter().take_while(|p| **p != 0).count();
            assert_eq!(n, 6, "{op}");
            assert_eq!(f.main_part(pc), 5, "{op}");
        }
    }
    assert_eq!(
        f.code[1],
        Op::I32LoadShlAdd {
            dst: 3,
            x: 0,
            sh: 2,
            y: 1
        }
    );
}

#[test]
fn every_store_immediate_row_is_produced() {
    // Each store of a constant; `i64.store` only of one that sign-extends from 32
    // bits (the other stays a `Const` and a store).
    let body = r#"
        (i32.store (local.get 0) (i32.const -7))
        (i32.store8 (local.get 0) (i32.const 300))
        (i32.store16 (local.get 0) (i32.const 70000))
        (i64.store (local.get 0) (i64.const -2))
        (i64.store (local.get 0) (i64.const 0x100000000))
        (i64.store8 (local.get 0) (i64.const 0x1234567890))
        (i64.store16 (local.get 0) (i64.const -1))
        (i64.store32 (local.get 0) (i64.const 0x7fffffffff))"#;
    let wat = format!("(module (memory 1) (func (param i32) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let names: Vec<&str> = f.code.iter().map(|op| op.name()).collect();
    let store_imm =
        |name: &str| name.contains("Store") && name.ends_with("Imm") && !is_fused_store(name);
    assert_rows_produced(names.iter().copied(), store_imm);
    assert!(
        names.windows(2).any(|w| w == ["Const", "I64Store"]),
        "an i64 constant beyond 32 bits is not folded: {names:?}"
    );
    for (pc, op) in f.code.iter().enumerate() {
        if store_imm(op.name()) {
            // The local.get of the address, the constant, then the store (main).
            assert_eq!(f.main_part(pc), 2, "{op}");
        }
    }
}

fn is_fused_store(name: &str) -> bool {
    name.contains("Store") && (name.ends_with("Add") || name.ends_with("AddImm"))
}

#[test]
fn every_fused_store_row_is_produced() {
    // Each store of static offset 0 at an `i32.add` of two locals, of a constant and
    // at an `i32.sub` of a constant, of a local's value and (for the integer stores)
    // of a constant.
    let stores = [
        ("i32.store", "(local.get 2)", Some("(i32.const -7)")),
        ("i64.store", "(local.get 3)", Some("(i64.const -2)")),
        ("f32.store", "(local.get 4)", None),
        ("f64.store", "(local.get 5)", None),
        ("i32.store8", "(local.get 2)", Some("(i32.const 300)")),
        ("i32.store16", "(local.get 2)", Some("(i32.const 70000)")),
        (
            "i64.store8",
            "(local.get 3)",
            Some("(i64.const 0x1234567890)"),
        ),
        ("i64.store16", "(local.get 3)", Some("(i64.const -1)")),
        (
            "i64.store32",
            "(local.get 3)",
            Some("(i64.const 0x7fffffffff)"),
        ),
    ];
    let mut body = String::new();
    let mut want = 0;
    for (st, value, constant) in stores {
        body += &format!("({st} (i32.add (local.get 0) (local.get 1)) {value})\n");
        body += &format!("({st} (i32.add (local.get 0) (i32.const 8)) {value})\n");
        body += &format!("({st} (i32.sub (local.get 0) (i32.const 8)) {value})\n");
        want += 3;
        if let Some(c) = constant {
            body += &format!("({st} (i32.add (local.get 0) (i32.const 8)) {c})\n");
            want += 1;
        }
        // Not fused: a static offset, an address kept in a local too, a value
        // computed between the address and the store.
        body += &format!("({st} offset=4 (i32.add (local.get 0) (local.get 1)) {value})\n");
        body += &format!("({st} (local.tee 1 (i32.add (local.get 0) (i32.const 8))) {value})\n");
    }
    body +=
        "(i32.store (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 2)))\n";
    let wat = format!("(module (memory 1) (func (param i32 i32 i32 i64 f32 f64) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let listing: Vec<String> = f.code.iter().map(|op| op.to_string()).collect();
    assert_rows_produced(f.code.iter().map(|op| op.name()), is_fused_store);
    let fused = f.code.iter().filter(|op| is_fused_store(op.name())).count();
    assert_eq!(fused, want, "{listing:#?}");
    assert_main_part_last(f, is_fused_store);
}

/// Whether row `name` is a binop fused with the shift of one of its operands (its own
/// test, `every_shifted_operand_row_is_produced`, covers it).
fn is_shifted_operand(name: &str) -> bool {
    ["Add", "Or", "Xor"].iter().any(|b| {
        ["Shl", "ShrU", "Rotl"]
            .iter()
            .any(|sh| name == format!("I32{b}{sh}") || name == format!("I64{b}{sh}"))
    })
}

#[test]
fn every_shifted_operand_row_is_produced() {
    // Each `add`, `or` and `xor` of a local and a `shl`, `shr_u` or `rotl` of a local by
    // a constant, the shift on either side; then what does not fuse: a shift by a
    // non-constant, a `shr_s`, a shift kept in a local too, an operand computed
    // between the shift and the binop.
    let mut body = String::new();
    let mut want = 0;
    for (w, l0, l1) in [("i32", 0, 1), ("i64", 2, 3)] {
        for b in ["add", "or", "xor"] {
            for sh in ["shl", "shr_u", "rotl"] {
                let shift = format!("({w}.{sh} (local.get {l1}) ({w}.const 37))");
                body += &format!("(drop ({w}.{b} (local.get {l0}) {shift}))\n");
                body += &format!("(drop ({w}.{b} {shift} (local.get {l0})))\n");
                want += 2;
            }
        }
        body += &format!(
            "(drop ({w}.xor (local.get {l0}) ({w}.rotl (local.get {l1}) (local.get {l0}))))\n"
        );
        body += &format!(
            "(drop ({w}.xor (local.get {l0}) ({w}.shr_s (local.get {l1}) ({w}.const 3))))\n"
        );
        body += &format!("(drop ({w}.xor (local.get {l0}) (local.tee {l1} ({w}.shl (local.get {l1}) ({w}.const 3)))))\n");
        body += &format!(
            "(drop ({w}.xor ({w}.shl (local.get {l1}) ({w}.const 3)) ({w}.mul (local.get {l0}) (local.get {l0}))))\n"
        );
    }
    let wat = format!("(module (func (param i32 i32 i64 i64) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let listing: Vec<String> = f.code.iter().map(|op| op.to_string()).collect();
    assert_rows_produced(f.code.iter().map(|op| op.name()), is_shifted_operand);
    let fused = f
        .code
        .iter()
        .filter(|op| is_shifted_operand(op.name()))
        .count();
    assert_eq!(fused, want, "{listing:#?}");
    assert_main_part_last(f, is_shifted_operand);
    // The shift count is taken mod the width: 37 is 5 for `i32`, 37 for `i64`.
    for op in &f.code {
        match op {
            Op::I32XorRotl { sh, .. } => assert_eq!(*sh, 5),
            Op::I64XorRotl { sh, .. } => assert_eq!(*sh, 37),
            _ => {}
        }
    }
}

/// Whether row `name` is an `f64.store` fused with the binop that computes its value
/// (its own test, `every_store_value_row_is_produced`, covers it).
fn is_store_value(name: &str) -> bool {
    matches!(name, "F64AddStore" | "F64SubStore" | "F64MulStore")
}

#[test]
fn every_store_value_row_is_produced() {
    // An `f64.store` of an `f64.add`, `f64.sub` and `f64.mul` of locals and of an
    // operand, at any static offset and at an address computed before the value;
    // then what does not fuse: a value kept in a local too, a division, an `f32`
    // store.
    let body = r#"
        (f64.store (local.get 0) (f64.add (local.get 1) (local.get 2)))
        (f64.store offset=24 (local.get 0) (f64.sub (local.get 1) (local.get 2)))
        (f64.store offset=8 (local.get 0) (f64.mul (f64.neg (local.get 1)) (local.get 2)))
        (f64.store (local.get 0) (local.tee 1 (f64.add (local.get 1) (local.get 2))))
        (f64.store (local.get 0) (f64.div (local.get 1) (local.get 2)))
        (f32.store (local.get 0) (f32.add (local.get 3) (local.get 3)))
        (f64.store (i32.add (local.get 0) (i32.const 8)) (f64.add (local.get 1) (local.get 2)))
    "#;
    let wat = format!("(module (memory 1) (func (param i32 f64 f64 f32) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let listing: Vec<String> = f.code.iter().map(|op| op.to_string()).collect();
    let row = is_store_value;
    assert_rows_produced(f.code.iter().map(|op| op.name()), row);
    assert_eq!(
        f.code.iter().filter(|op| row(op.name())).count(),
        4,
        "{listing:#?}"
    );
    assert_main_part_last(f, row);
    assert!(
        f.code.contains(&Op::F64SubStore {
            at: 0,
            x: 1,
            y: 2,
            offset: 24
        }),
        "{listing:#?}"
    );
}

#[test]
fn f64_mul_add_fuses_with_the_product_on_either_side() {
    // The product on the left, on the right, the second of two products; then what
    // does not fuse: a product kept in a local too, an `f32` mul-add, a subtraction.
    let body = r#"
        (drop (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
        (drop (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))))
        (drop (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1))))
        (drop (f64.add (local.tee 2 (f64.mul (local.get 0) (local.get 1))) (local.get 2)))
        (drop (f32.add (f32.mul (local.get 3) (local.get 3)) (local.get 3)))
        (drop (f64.sub (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
    "#;
    let wat = format!("(module (func (param f64 f64 f64 f32) {body}))");
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let listing: Vec<String> = f.code.iter().map(|op| op.to_string()).collect();
    let fused: Vec<&Op> = f
        .code
        .iter()
        .filter(|op| matches!(op, Op::F64MulAdd { .. }))
        .collect();
    assert_eq!(fused.len(), 3, "{listing:#?}");
    assert!(
        matches!(
            fused[0],
            Op::F64MulAdd {
                x: 0,
                y: 1,
                z: 2,
                ..
            }
        ),
        "{listing:#?}"
    );
    assert!(
        matches!(
            fused[1],
            Op::F64MulAdd {
                x: 0,
                y: 1,
                z: 2,
                ..
            }
        ),
        "{listing:#?}"
    );
    assert!(
        matches!(fused[2], Op::F64MulAdd { x: 1, y: 1, .. }),
        "{listing:#?}"
    );
    assert_main_part_last(f, |name| name == "F64MulAdd");
}

/// Compiles `func` (a function's text after `(func`) as the one function of a module:
/// the ops of the rows `row` selects, in code order, and the function's listing (for
/// failure messages). Asserts that each of those ops has its last part as its main
/// part.
fn fused_ops(func: &str, row: fn(&str) -> bool) -> (Vec<Op>, Vec<String>) {
    let module = compile(format!("(module (func {func}))").as_bytes());
    let f = &module.inner.funcs[0];
    assert_main_part_last(f, row);
    let listing = f.code.iter().map(ToString::to_string).collect();
    let fused = f.code.iter().filter(|op| row(op.name())).copied().collect();
    (fused, listing)
}

#[test]
fn bit_fields_fuse_the_shift_and_the_mask() {
    // `(x >> 37) & 0xff` (the count taken mod 32) of a local and of an operand; then
    // what does not fuse: a shift kept in a local too, a mask from a local, a signed
    // shift, an `i64` field.
    let body = r#"
        (drop (i32.and (i32.shr_u (local.get 0) (i32.const 37)) (i32.const 0xff)))
        (drop (i32.and (i32.shr_u (i32.add (local.get 0) (local.get 1)) (i32.const 8)) (i32.const 3)))
        (drop (i32.and (local.tee 1 (i32.shr_u (local.get 0) (i32.const 4))) (i32.const 15)))
        (drop (i32.and (i32.shr_u (local.get 0) (i32.const 4)) (local.get 1)))
        (drop (i32.and (i32.shr_s (local.get 0) (i32.const 4)) (i32.const 15)))
        (drop (i64.and (i64.shr_u (local.get 2) (i64.const 4)) (i64.const 15)))
    "#;
    let (fused, listing) = fused_ops(&format!("(param i32 i32 i64) {body}"), |name| {
        name == "I32ShrUAndImm"
    });
    assert_eq!(fused.len(), 2, "{listing:#?}");
    assert!(
        matches!(
            fused[0],
            Op::I32ShrUAndImm {
                x: 0,
                sh: 5,
                mask: 0xff,
                ..
            }
        ),
        "{listing:#?}"
    );
    assert!(
        matches!(fused[1], Op::I32ShrUAndImm { sh: 8, mask: 3, .. }),
        "{listing:#?}"
    );
}

/// Whether row `name` is a loop counter's step fused into a branch (its own test,
/// `every_counter_branch_row_is_produced`, covers it).
fn is_counter_branch(name: &str) -> bool {
    name.starts_with("BrInc")
}

#[test]
fn every_counter_branch_row_is_produced() {
    // Each compare of a counter stepped in place (`local.tee` or `local.set` then
    // `local.get`), against a local on either side and against a constant, as a
    // `br_if` and as an `if` (the negated compare); a step tested for zero; then what
    // does not fuse: a step of 40000, a step into another local, a label between the
    // step and the branch, a constant compared with a counter that is not the
    // stepped one.
    let cmps = [
        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
    ];
    let step = "(local.tee 0 (i32.add (local.get 0) (i32.const 1)))";
    let mut body = String::new();
    let mut want = 0;
    for c in cmps {
        body += &format!("(br_if 0 (i32.{c} {step} (local.get 1)))\n");
        body += &format!("(if (i32.{c} (local.get 1) {step}) (then (nop)))\n");
        body += &format!(
            "(local.set 0 (i32.sub (local.get 0) (i32.const 3))) (br_if 0 (i32.{c} (local.get 0) (i32.const 9)))\n"
        );
        want += 3;
    }
    body += "(br_if 0 (local.tee 0 (i32.add (local.get 0) (i32.const -100000))))\n";
    body += &format!("(br_if 0 (i32.eqz {step}))\n");
    want += 2;
    body += "(br_if 0 (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 40000))) (local.get 1)))\n";
    body +=
        "(br_if 0 (i32.ne (local.tee 1 (i32.add (local.get 0) (i32.const 1))) (local.get 1)))\n";
    body += "(local.set 0 (i32.add (local.get 0) (i32.const 1))) (block) (br_if 0 (i32.ne (local.get 0) (local.get 1)))\n";
    body += "(local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if 0 (i32.ne (local.get 1) (i32.const 5)))\n";
    let (fused, listing) = fused_ops(&format!("(param i32 i32) (loop {body})"), is_counter_branch);
    assert_rows_produced(fused.iter().map(|op| op.name()), is_counter_branch);
    assert_eq!(fused.len(), want, "{listing:#?}");
    // The step of -3 and of -100000 (a `Nez` takes any step), and the counter on the
    // right of a compare.
    assert!(
        fused.iter().any(|op| matches!(
            op,
            Op::BrIncIfI32Ne {
                x: 0,
                add: 1,
                p: 1,
                q: 0,
                ..
            }
        )),
        "{listing:#?}"
    );
    assert!(
        fused.iter().any(|op| matches!(
            op,
            Op::BrIncIfI32GeUImm {
                x: 0,
                add: -3,
                imm: 9,
                ..
            }
        )),
        "{listing:#?}"
    );
    assert!(
        fused.iter().any(|op| matches!(
            op,
            Op::BrIncIfNez {
                x: 0,
                add: 0xfffe_7960,
                ..
            }
        )),
        "{listing:#?}"
    );
}

/// Whether row `name` is a sum with a constant fused into a branch (its own test,
/// `every_sum_branch_row_is_produced`, covers it).
fn is_sum_branch(name: &str) -> bool {
    name.starts_with("BrSumIf")
}

#[test]
fn every_sum_branch_row_is_produced() {
    // Each compare of `local + 4` with a constant as a `br_if`, an `if` of an
    // `i32.sub` (the negated compare, the constant negated); then what does not
    // fuse: a constant beyond 16 bits, a sum kept in a local, a
    // sum compared with a local.
    let cmps = [
        "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u",
    ];
    let mut body = String::new();
    for c in cmps {
        body +=
            &format!("(br_if 0 (i32.{c} (i32.add (local.get 0) (i32.const 4)) (i32.const 100)))\n");
    }
    body += "(if (i32.gt_u (i32.sub (local.get 0) (i32.const 1)) (i32.const 9)) (then (nop)))\n";
    let want = 11;
    body += "(br_if 0 (i32.lt_u (i32.add (local.get 0) (i32.const 40000)) (i32.const 7)))\n";
    body +=
        "(br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 0) (i32.const 4))) (i32.const 7)))\n";
    body += "(br_if 0 (i32.lt_u (i32.add (local.get 0) (i32.const 4)) (local.get 1)))\n";
    let (fused, listing) = fused_ops(&format!("(param i32 i32) (loop {body})"), is_sum_branch);
    assert_rows_produced(fused.iter().map(|op| op.name()), is_sum_branch);
    assert_eq!(fused.len(), want, "{listing:#?}");
    assert!(
        fused.iter().any(|op| matches!(
            op,
            Op::BrSumIfI32LeUImm {
                s: 0,
                add: -1,
                imm: 9,
                ..
            }
        )),
        "{listing:#?}"
    );
}

#[test]
fn multiplicative_hashes_fuse_the_mul_and_the_shift() {
    // `(x * C) >> 48` (the count taken mod 32) of a local and of an operand; then what
    // does not fuse: a product kept in a local too, a shift by a local, a product of
    // two locals, a signed shift.
    let body = r#"
        (drop (i32.shr_u (i32.mul (local.get 0) (i32.const -1640531527)) (i32.const 48)))
        (drop (i32.shr_u (i32.mul (i32.add (local.get 0) (local.get 1)) (i32.const 3)) (i32.const 20)))
        (drop (i32.shr_u (local.tee 1 (i32.mul (local.get 0) (i32.const 3))) (i32.const 4)))
        (drop (i32.shr_u (i32.mul (local.get 0) (i32.const 3)) (local.get 1)))
        (drop (i32.shr_u (i32.mul (local.get 0) (local.get 1)) (i32.const 4)))
        (drop (i32.shr_s (i32.mul (local.get 0) (i32.const 3)) (i32.const 4)))
    "#;
    let (fused, listing) = fused_ops(&format!("(param i32 i32) {body}"), |name| {
        name == "I32MulShrUImm"
    });
    assert_eq!(fused.len(), 2, "{listing:#?}");
    assert!(
        matches!(
            fused[0],
            Op::I32MulShrUImm {
                x: 0,
                sh: 16,
                mul: 0x9e37_79b9,
                ..
            }
        ),
        "{listing:#?}"
    );
    assert!(
        matches!(fused[1], Op::I32MulShrUImm { sh: 20, mul: 3, .. }),
        "{listing:#?}"
    );
}

#[test]
fn copy_runs_merge_into_copy2() {
    // Five local-to-local copies in a row: two `Copy2`s and a `Copy`.
    let wat = r#"(module (func (param i32 i32 i32 i32) (result i32) (local i32)
        (local.set 4 (local.get 3))
        (local.set 3 (local.get 2))
        (local.set 2 (local.get 1))
        (local.set 1 (local.get 0))
        (local.set 0 (local.get 4))
        (local.get 0)))"#;
    let module = compile(wat.as_bytes());
    let f = &module.inner.funcs[0];
    let names: Vec<&str> = f.code.iter().map(|op| op.name()).collect();
    assert_eq!(names[1..4], ["Copy2", "Copy2", "Copy"], "{names:?}");
    // In wasm order, each copy its `local.get` then its `local.set`.
    assert_eq!(
        f.parts(1).map(|p| p[..5].to_vec()),
        Some(vec![1, 1, 1, 1, 0])
    );
    let offsets: Vec<u32> = (0..4).map(|k| f.offset(1, k).unwrap_or(0)).collect();
    assert!(offsets.windows(2).all(|w| w[1] == w[0] + 2), "{offsets:?}");
    assert_eq!(f.offset(2, 0), Some(offsets[3] + 2));
    assert_eq!(f.main_part(1), 0);
    let copy2 = |d0, s0, d1, s1| Op::Copy2 { d0, s0, d1, s1 };
    assert_eq!(f.code[1], copy2(4, 3, 3, 2));
    assert_eq!(f.code[2], copy2(2, 1, 1, 0));
    assert_eq!(f.code[3], Op::Copy { dst: 0, src: 4 });

    // A slot of 65536 or more is not packed: operand slots start after 50 000
    // locals, so the 16 000th operand is slot 65 999; its `local.set` stays a `Copy`
    // after the `Copy` before it.
    let wat = format!(
        "(module (func (param i32) (local {}) {} (local.set 1 (local.get 0)) (local.set 2) {}))",
        "i32 ".repeat(49_999),
        "(i32.const 7) ".repeat(16_000),
        "drop ".repeat(15_999),
    );
    let module = compile(wat.as_bytes());
    let code = &module.inner.funcs[0].code;
    let at = code
        .iter()
        .position(|op| *op == Op::Copy { dst: 1, src: 0 })
        .expect("the first copy is kept");
    assert_eq!(
        code[at + 1],
        Op::Copy {
            dst: 2,
            src: 65_999
        }
    );
}

#[test]
fn nothing_fuses_across_a_nop() {
    // A `nop` between a provider and its consumer keeps them apart (the parts of an
    // op are consecutive instructions): translation succeeds however many there are.
    let nops = "nop ".repeat(300);
    let wat = format!("(module (func (param i32) (result i32) local.get 0 {nops} i32.eqz))");
    let module = compile(wat.as_bytes());
    let names: Vec<&str> = module.inner.funcs[0]
        .code
        .iter()
        .map(|op| op.name())
        .collect();
    assert!(
        names.contains(&"Copy") && names.contains(&"I32Eqz"),
        "{names:?}"
    );
}

#[test]
fn compiled_code_agrees_with_the_rows() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sqlite3.wasm");
    let bytes = std::fs::read(path).expect("examples/sqlite3.wasm is committed");
    let module = Module::new(&Engine::new(Config::default()), &bytes).expect("translates");
    let (mut fused, mut imm) = (0usize, 0usize);
    for f in module.inner.funcs.iter() {
        for (pc, op) in f.code.iter().enumerate() {
            let parts = f.parts(pc).expect("in range");
            let n = parts.iter().take_while(|p| **p != 0).count();
            // Parts are contiguous, and their offsets increase.
            assert!(parts[n..].iter().all(|p| *p == 0), "{op} at {pc}");
            let offsets: Vec<u32> = (0..n).map(|k| f.offset(pc, k).unwrap_or(0)).collect();
            assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{op} at {pc}");
            match op.kind() {
                OpKind::Gas | OpKind::Data => assert_eq!(n, 0, "{op} at {pc}"),
                OpKind::Call | OpKind::Dynamic => assert_eq!(n, 1, "{op} at {pc}"),
                OpKind::BinImm => {
                    imm += 1;
                    assert!(n >= 2 && f.main_part(pc) >= 1, "{op} at {pc}");
                }
                // Branch data, the jump over an `else` and the return at a body's
                // `end` (structural instructions) stand for no costed instruction,
                // nor does a `local.tee`'s copy back to its operand slot.
                _ => assert!(
                    n >= 1
                        || matches!(
                            op,
                            Op::BrTableEntry { .. }
                                | Op::BrTableJump { .. }
                                | Op::Jump { .. }
                                | Op::Return { .. }
                        )
                        || matches!(op, Op::Copy { dst, .. } if *dst >= f.num_locals),
                    "{op} at {pc}"
                ),
            }
            if n > 1 {
                fused += 1;
                assert!(f.main_part(pc) < n, "{op} at {pc}");
            }
            let has_target = op.to_string().contains(" target=");
            let mut copy = *op;
            assert_eq!(copy.target_mut().is_some(), has_target, "{op}");
        }
    }
    assert!(fused > 10_000, "sqlite3 should use fused ops ({fused})");
    assert!(imm > 1000, "sqlite3 should use immediate ops ({imm})");
}

#[test]
fn display_names_the_op_and_its_operands() {
    let op = Op::Moves {
        to: 7,
        from: 9,
        n: 2,
    };
    assert_eq!(op.to_string(), "Moves to=7 from=9 n=2");
    assert_eq!(Op::Drop.to_string(), "Drop");
    assert_eq!(Op::Drop.name(), "Drop");
    assert!(!op.ends_segment() && Op::MemoryGrow { s: 3 }.ends_segment());
}

#[test]
fn br_table_reads_its_selector_from_a_local_or_a_teed_operand() {
    // Local 0 is the parameter; local 1 is written by the `local.tee`.
    let module = compile(
        br#"(module (func (param i32) (local i32)
          (block (block (br_table 0 1 (local.get 0))))
          (block (block (br_table 0 1 (local.tee 1 (i32.add (local.get 0) (i32.const 1))))))))"#,
    );
    let code = &module.inner.funcs[0].code;
    let tables: Vec<(usize, u32)> = code
        .iter()
        .enumerate()
        .filter_map(|(i, op)| match op {
            Op::BrTable { sel, .. } => Some((i, *sel)),
            _ => None,
        })
        .collect();
    let listing: Vec<String> = code.iter().map(ToString::to_string).collect();
    assert_eq!(
        tables.iter().map(|t| t.1).collect::<Vec<_>>(),
        [0, 1],
        "{listing:#?}"
    );
    for (i, _) in tables {
        assert!(
            !matches!(code[i - 1], Op::Copy { .. }),
            "a copy left before the br_table: {listing:#?}"
        );
    }
}

#[test]
fn a_teed_operand_popped_later_is_read_from_its_local() {
    // In `f` the add four ops after the `local.tee` reads local 2 and the tee leaves
    // no copy; in `g` local 2 is written in between, so the copy stays and the add
    // reads it.
    let module = compile(
        br#"(module (memory 1)
          (func (param i32 i32) (result i32) (local i32)
            (i32.add (local.tee 2 (i32.add (local.get 0) (local.get 1)))
              (i32.mul (i32.load (local.get 1)) (i32.add (local.get 0) (i32.const 3)))))
          (func (param i32 i32) (result i32) (local i32)
            (i32.add (local.tee 2 (i32.add (local.get 0) (local.get 1)))
              (i32.mul (i32.load (local.get 1)) (local.tee 2 (i32.const 3))))))"#,
    );
    let listing = |f: usize| -> Vec<String> {
        module.inner.funcs[f]
            .code
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    let last_add_reads = |f: usize| {
        module.inner.funcs[f]
            .code
            .iter()
            .rev()
            .find_map(|op| match op {
                Op::I32Add { a, .. } => Some(*a),
                _ => None,
            })
    };
    let copies = |f: usize| {
        module.inner.funcs[f]
            .code
            .iter()
            .filter(|op| matches!(op, Op::Copy { src: 2, .. }))
            .count()
    };
    assert_eq!(copies(0), 0, "{:#?}", listing(0));
    assert_eq!(last_add_reads(0), Some(2), "{:#?}", listing(0));
    assert_eq!(copies(1), 1, "{:#?}", listing(1));
    assert_eq!(last_add_reads(1), Some(3), "{:#?}", listing(1));
}

/// Branches of every kind and labels of every kind (see the file's comment).
const EVERY_LABEL: &str = include_str!("../../../tests/wat/every_label.wat");

#[test]
fn taken_branches_land_past_any_head_and_charge_the_rest_of_the_segment() {
    let bytes = wat::parse_str(EVERY_LABEL).expect("test module parses");
    for metering in [true, false] {
        let engine = Engine::new(Config {
            gas_metering: metering,
            ..Config::default()
        });
        let module = Module::new(&engine, &bytes).expect("test module translates");
        let f = &module.inner.funcs[1];
        let code = &f.code;
        let listing: Vec<String> = code.iter().map(ToString::to_string).collect();
        // What a branch landing at `target` must charge: the base gas of the ops from
        // it to the next segment head (the rest of the segment it lands in).
        let rest = |target: u32| -> i64 {
            (target as usize..code.len())
                .take_while(|&k| !matches!(code[k], Op::ConsumeGas { .. }))
                .map(|k| i64::from(f.side[k].cost()))
                .sum()
        };
        let charged = |target: u32, gas: i64| {
            if metering {
                assert_eq!(gas, rest(target), "landing at {target}: {listing:#?}");
            } else {
                assert_eq!(gas, 0, "landing at {target}: {listing:#?}");
            }
        };
        let mut kinds = BTreeSet::new();
        for (i, op) in code.iter().enumerate() {
            match *op {
                Op::Jump { target, gas } | Op::BrTableJump { target, gas } => {
                    kinds.insert(op.name());
                    charged(target, i64::try_from(gas).unwrap());
                }
                Op::Refund { gas, net } => {
                    let mut branch = code[i - 1];
                    kinds.insert(branch.name());
                    let target = *branch.target_mut().expect("a Refund follows a branch");
                    charged(target, net + i64::from(gas));
                }
                Op::BrIfNezMove { target, .. } => {
                    kinds.insert(op.name());
                    // A branch that moves values lands at a head, which charges.
                    let head = code[target as usize];
                    assert_eq!(
                        metering,
                        matches!(head, Op::ConsumeGas { .. }),
                        "{listing:#?}"
                    );
                }
                _ => {}
            }
        }
        for h in f.handlers.iter() {
            charged(h.target, i64::from(h.gas));
        }
        assert_eq!(f.handlers.len(), 1);
        let want = [
            "BrIfEqz",
            "BrIfI32LtUImm",
            "BrIfNez",
            "BrIfNezMove",
            "BrTableJump",
            "Jump",
        ];
        assert_eq!(kinds, want.into_iter().collect(), "{listing:#?}");
        // Heads: the body's; at `$b`'s end, which nothing falls into (it follows the
        // `br_table`); after the call; at the `else` arm; after `BrIfNezMove`, which
        // ends its segment; and at `$v`, which `BrIfNezMove` targets. The loop and
        // the ends of `$skip`, `$a` and the `if` are inside segments.
        let heads = code
            .iter()
            .filter(|op| matches!(op, Op::ConsumeGas { .. }))
            .count();
        assert_eq!(heads, if metering { 6 } else { 0 }, "{listing:#?}");
    }
}
