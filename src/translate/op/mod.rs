//! The internal bytecode, defined by one op table. `for_each_op!` lists every internal
//! instruction once: its name, its operand fields, what kind of op it is, and the wasm
//! instructions (wasmparser's `Operator` names) it stands for. Everything else about
//! ops is derived from that list: the `Op` enum, the disassembler's names and operand
//! display (`detwasm inspect --bytecode`), the one-to-one lowering of every `unop` and
//! `binop` wasm operator, the slots an op reads (`Op::reads_mut`, for folding its
//! operand providers) and writes (`Op::dst_mut`, for folding a `local.set`), the branch
//! patching of every op with a `target`, and which ops end a gas segment. The
//! interpreter's dispatch `match` has one arm per op and no catch-all, so the compiler
//! rejects an op without a handler; the tests below fail when a wasm operator of the
//! profile has no row.
//!
//! Register form: every value lives in an untyped 64-bit frame slot, and operands are
//! frame-relative slot indices resolved at translation. Parameters and locals are
//! slots `0..num_locals`; the operand at height `h` of the wasm operand stack is slot
//! `num_locals + h`, so the slots hold exactly the stack machine's values (SPEC.md
//! §Stack, the §Trace checkpoint digest and the exception roots rely on that layout).
//! Branch targets are resolved code positions. Nothing here decodes wasm bytes.
//! Depends on wasmparser's `Operator` (names only).
//!
//! An op stands for a contiguous run of up to `MAX_PARTS` (8) wasm instructions of
//! one gas segment: its main instruction (the one it is named after), the
//! `local.get`s or constant before it that provide its operands (folded into its slot
//! operands or its `imm`), and a `local.set` after it (folded into its `dst`); a compare-and-branch op
//! also stands for the compare's providers. Only the main instruction can trap, and
//! the components before it only provide values (or, in a counter branch
//! `BrIncIf...`, step a local that nothing but the op itself reads before the branch),
//! so an out-of-gas stop before the main instruction leaves the op unexecuted and is
//! exact (`CompiledFunc::parts`, `CompiledFunc::main_part`; SPEC.md §Gas).
//!
//! # Adding an instruction
//! 1. Add a row to `for_each_op!` (doc comment, name, fields, kind, wasm instructions).
//!    Name the slots it reads `a`, `b`, `addr`, `val`, `cond` or `src`, and the one
//!    slot it writes `dst` as its first field, so folding applies to it.
//! 2. Add its arm to the interpreter's dispatch `match` (`exec`); the build fails until
//!    it exists.
//! 3. For kinds other than `unop` and `binop`, emit it in the translator (`translate`):
//!    a `custom` lowering in `Translator::op`, a fold rule (`imm_form`,
//!    `compare_branch`) for `binimm` and compare-and-branch rows. A conditional
//!    branch whose arm uses `br_if!` is emitted only by `emit_cond_branch`, which puts
//!    the `Refund` data op that `br_if!` reads or steps over after it.
//!
//! Kinds:
//! - `unop`: a wasm operator without immediates of one operand, lowered one to one by
//!   `lower_unop` (`dst = f(a)`).
//! - `binop`: a wasm operator without immediates of two operands, lowered one to one
//!   by `lower_binop` (`dst = f(a, b)`).
//! - `binimm`: a binop whose right operand is the constant just before it (`imm`).
//! - `custom`: lowered by the translator's own code (immediates, control flow).
//! - `branch`: carries a `target` code position that the translator patches.
//! - `call`: a call; it ends its gas segment (SPEC.md §Gas, charging semantics).
//! - `dynamic`: has a dynamic gas cost; it ends its gas segment.
//! - `gas`: the segment head, standing for no wasm instruction.
//! - `data`: operands of the op before it, never dispatched on its own.

use std::fmt;

/// What kind of op a row of the op table is (see the module docs).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// A wasm operator without immediates of one operand, lowered one to one
    /// (`lower_unop`): `dst = f(a)`.
    Unop,
    /// A wasm operator without immediates of two operands, lowered one to one
    /// (`lower_binop`): `dst = f(a, b)`.
    Binop,
    /// A binop whose right operand is the constant `imm` before it.
    BinImm,
    /// Lowered by the translator's own code.
    Custom,
    /// Carries a `target` code position.
    Branch,
    /// A call: ends its gas segment.
    Call,
    /// Has a dynamic gas cost: ends its gas segment.
    Dynamic,
    /// The segment head (`ConsumeGas`).
    Gas,
    /// Operands of the op before it.
    Data,
}

/// The op table: calls `$m!` with every row, in the form
/// `doc-comments Name { field: type, ... } kind [WasmOperator, ...];`
/// (the braces are omitted for an op without operands).
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
        // ---- control. Slots (`dst`, `a`, `cond`, `base`, ...) are frame-relative:
        // locals are slots 0..num_locals, the operand at height h is num_locals + h.
        /// Trap `unreachable`.
        Unreachable custom [Unreachable];
        /// Head of a straight-line segment: charges the static gas (`gas`) of the whole
        /// segment (SPEC.md §Gas, charging semantics).
        ConsumeGas { gas: u32 } gas [];
        /// Unconditional branch that moves nothing (a `br`, or the jump over an `else`).
        /// With metering, `target` is the op after the target segment's head and
        /// `gas` is that head's gas, which the jump charges (`Translator::enter_past_heads`;
        /// a `u64` so that the charge is one subtraction from memory).
        Jump { target: u32, gas: u64 } branch [Br];
        /// Unconditional branch that first moves the values the `Moves` op after it
        /// names.
        Br { target: u32 } branch [Br];
        /// The values a branch carries: copy `n` slots from `from` down to `to`
        /// (`to < from`, ascending order). Data of the branch before it.
        Moves { to: u32, from: u32, n: u32 } data [];
        /// What a taken conditional branch gives back and charges (SPEC.md §Gas is
        /// unchanged). `gas`: the gas of the rest of its segment, prepaid at the
        /// segment's head and left unexecuted (`Translator::emit_cond_branch`). `net`:
        /// the gas of the target segment's head, which the branch charges (its target
        /// is the op after that head, `Translator::enter_past_heads`), less `gas`.
        /// Data of the conditional branch before it (every one that moves nothing has
        /// it); a branch not taken steps over it.
        Refund { gas: u32, net: i64 } data [];
        /// Branch when slot `cond` (an i32) is non-zero; moves nothing. Like every
        /// conditional branch that moves nothing, followed by its `Refund`.
        BrIfNez { target: u32, cond: u32 } branch [BrIf];
        /// Branch when slot `cond` is non-zero, first doing the `Moves` after it;
        /// fall through past the `Moves` otherwise.
        BrIfNezMove { target: u32, cond: u32 } branch [BrIf];
        /// Jump when slot `cond` is zero (the `if` instruction).
        BrIfEqz { target: u32, cond: u32 } branch [If];
        /// Return from the function (results at `results..`) when slot `cond` is non-zero.
        ReturnIfNez { cond: u32, results: u32 } custom [BrIf];
        /// Branch by the i32 in slot `sel` (the popped operand, or the local or
        /// operand a folded `local.get` or `local.tee` names); the next `len + 1` ops
        /// are `BrTableJump`s or `BrTableEntry`s, the last the default. The carried
        /// values end at slot `top`.
        BrTable { len: u32, sel: u32, top: u32 } custom [BrTable];
        /// Data of a `BrTable`: branch to `target` moving `keep` slots (those just
        /// below the table's `top`) down to slot `to`; `target == u32::MAX` means
        /// return from the function.
        BrTableEntry { target: u32, to: u32, keep: u32 } branch [];
        /// Data of a `BrTable`: branch to `target` (inside the body) moving nothing,
        /// charging `gas`, as `Jump` does.
        BrTableJump { target: u32, gas: u64 } branch [];
        /// Return from the function; the results are at slots `results..`.
        Return { results: u32 } custom [Return];
        /// Call function `func` of the current instance's function index space; the
        /// arguments are at slots `base..` (they become the callee's first locals) and
        /// the results are left there.
        Call { func: u32, base: u32 } call [Call];
        /// `Call` of a function the module defines (`func` is at least the number of
        /// imported functions), so its code is the module's and its instance the
        /// current one: the interpreter enters it without looking the callee up in
        /// the store.
        CallInternal { func: u32, base: u32 } call [Call];
        /// Call through table `table` by the i32 in slot `index`, checking the callee
        /// against type `type_idx`; the arguments are the slots just below `index`.
        CallIndirect { type_idx: u32, table: u32, index: u32 } call [CallIndirect];
        /// Tail call of function `func`, arguments at slots `base..`.
        ReturnCall { func: u32, base: u32 } custom [ReturnCall];
        /// Tail call through table `table` (as `CallIndirect`).
        ReturnCallIndirect { type_idx: u32, table: u32, index: u32 } custom [ReturnCallIndirect];
        /// Throw a fresh exception of tag `tag`, its payload at slots `base..`.
        Throw { tag: u32, base: u32 } custom [Throw];
        /// Rethrow the exnref in slot `src`.
        ThrowRef { src: u32 } custom [ThrowRef];

        // ---- parametric
        /// Drop the top operand: no effect on slots, but a wasm instruction with a
        /// cost.
        Drop custom [Drop];
        /// `select`, typed or not: slot `s` keeps its value when slot `s + 2` is
        /// non-zero, else gets slot `s + 1`.
        Select { s: u32 } custom [Select, TypedSelect];

        // ---- variables
        /// Copy slot `src` to slot `dst`: `local.get`, `local.set` and `local.tee` (and
        /// a `local.get x; local.set y` pair).
        Copy { dst: u32, src: u32 } custom [LocalGet, LocalSet, LocalTee];
        /// Two copies in order, each a local-to-local `Copy` (`local.get x; local.set
        /// y`, or a `local.set y`): slot `d0` gets slot `s0`, then slot `d1` gets slot
        /// `s1`. Made only when all four slots are below 65536 (`u16` operands).
        Copy2 { d0: u16, s0: u16, d1: u16, s1: u16 } custom [LocalGet, LocalSet];
        /// Global `global` into slot `dst`.
        GlobalGet { dst: u32, global: u32 } custom [GlobalGet];
        /// Slot `src` into global `global`.
        GlobalSet { src: u32, global: u32 } custom [GlobalSet];

        // ---- constants
        /// Slot `dst` gets `value` (any numeric constant, or a null reference as 0).
        Const { dst: u32, value: u64 } custom [I32Const, I64Const, F32Const, F64Const, RefNull];

        /// A bit-preserving reinterpretation: copies the slot, and is a wasm
        /// instruction with a cost.
        Reinterpret { dst: u32, a: u32 } unop [I32ReinterpretF32, I64ReinterpretF64, F32ReinterpretI32, F64ReinterpretI64];

        // ---- references
        /// `ref.is_null`.
        RefIsNull { dst: u32, a: u32 } unop [RefIsNull];
        /// Slot `dst` gets a reference to function `func`.
        RefFunc { dst: u32, func: u32 } custom [RefFunc];

        // ---- tables; `s` is the slot of the first operand (the rest follow it) and of
        // the result
        /// `table.get` of table `table`.
        TableGet { table: u32, s: u32 } custom [TableGet];
        /// `table.set` of table `table`.
        TableSet { table: u32, s: u32 } custom [TableSet];
        /// `table.size` of table `table` into slot `dst`.
        TableSize { table: u32, dst: u32 } custom [TableSize];
        /// `table.grow` of table `table`.
        TableGrow { table: u32, s: u32 } dynamic [TableGrow];
        /// `table.fill` of table `table`.
        TableFill { table: u32, s: u32 } dynamic [TableFill];
        /// `table.copy` from table `src` to table `dst`.
        TableCopy { dst_table: u32, src_table: u32, s: u32 } dynamic [TableCopy];
        /// `table.init` of table `table` from element segment `elem`.
        TableInit { elem: u32, table: u32, s: u32 } dynamic [TableInit];
        /// `elem.drop` of element segment `elem`.
        ElemDrop { elem: u32 } custom [ElemDrop];

        // ---- memory; `offset` is the static offset in bytes, `addr` the slot of the
        // address
        /// `i32.load`.
        I32Load { dst: u32, addr: u32, offset: u32 } custom [I32Load];
        /// `i64.load`.
        I64Load { dst: u32, addr: u32, offset: u32 } custom [I64Load];
        /// `f32.load`.
        F32Load { dst: u32, addr: u32, offset: u32 } custom [F32Load];
        /// `f64.load`.
        F64Load { dst: u32, addr: u32, offset: u32 } custom [F64Load];
        /// `i32.load8_s`.
        I32Load8S { dst: u32, addr: u32, offset: u32 } custom [I32Load8S];
        /// `i32.load8_u`.
        I32Load8U { dst: u32, addr: u32, offset: u32 } custom [I32Load8U];
        /// `i32.load16_s`.
        I32Load16S { dst: u32, addr: u32, offset: u32 } custom [I32Load16S];
        /// `i32.load16_u`.
        I32Load16U { dst: u32, addr: u32, offset: u32 } custom [I32Load16U];
        /// `i64.load8_s`.
        I64Load8S { dst: u32, addr: u32, offset: u32 } custom [I64Load8S];
        /// `i64.load8_u`.
        I64Load8U { dst: u32, addr: u32, offset: u32 } custom [I64Load8U];
        /// `i64.load16_s`.
        I64Load16S { dst: u32, addr: u32, offset: u32 } custom [I64Load16S];
        /// `i64.load16_u`.
        I64Load16U { dst: u32, addr: u32, offset: u32 } custom [I64Load16U];
        /// `i64.load32_s`.
        I64Load32S { dst: u32, addr: u32, offset: u32 } custom [I64Load32S];
        /// `i64.load32_u`.
        I64Load32U { dst: u32, addr: u32, offset: u32 } custom [I64Load32U];
        // ---- loads fused with the `i32.add` that computes their address when their
        // static offset is 0: the address is `a + imm` or `a + b`, wrapped to 32 bits
        // as the `i32.add` wraps it, and only then bounds-checked (core §4.4.7); the
        // add is a part before the load, the main part (`Translator::emit_load`)
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.load` at the sum.
        I32LoadAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Load];
        /// `i32.add`, then `i32.load` at the sum.
        I32LoadAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I32Load];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i64.load` at the sum.
        I64LoadAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I64Load];
        /// `i32.add`, then `i64.load` at the sum.
        I64LoadAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I64Load];
        /// `i32.add` of a constant (or `i32.sub` of one), then `f32.load` at the sum.
        F32LoadAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, F32Load];
        /// `i32.add`, then `f32.load` at the sum.
        F32LoadAdd { dst: u32, a: u32, b: u32 } custom [I32Add, F32Load];
        /// `i32.add` of a constant (or `i32.sub` of one), then `f64.load` at the sum.
        F64LoadAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, F64Load];
        /// `i32.add`, then `f64.load` at the sum.
        F64LoadAdd { dst: u32, a: u32, b: u32 } custom [I32Add, F64Load];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.load8_s` at the sum.
        I32Load8SAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Load8S];
        /// `i32.add`, then `i32.load8_s` at the sum.
        I32Load8SAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I32Load8S];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.load8_u` at the sum.
        I32Load8UAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Load8U];
        /// `i32.add`, then `i32.load8_u` at the sum.
        I32Load8UAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I32Load8U];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.load16_s` at the sum.
        I32Load16SAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Load16S];
        /// `i32.add`, then `i32.load16_s` at the sum.
        I32Load16SAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I32Load16S];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.load16_u` at the sum.
        I32Load16UAddImm { dst: u32, a: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Load16U];
        /// `i32.add`, then `i32.load16_u` at the sum.
        I32Load16UAdd { dst: u32, a: u32, b: u32 } custom [I32Add, I32Load16U];
        // ---- the fused loads above whose added operand is an `i32.shl` by a constant
        // just before: the address is `(x << sh) + imm` or `(x << sh) + y` (`sh` the
        // constant mod 32), each step wrapped to 32 bits as the instructions wrap
        // them; the shift is a part before the add (`Translator::emit_scaled_load`
        // for the `Imm` rows, `Translator::emit_load` from an `I32AddShl` for the others).
        // `x` is a slot below 65536.
        /// `i32.shl` by a constant, `i32.add` of a constant, then `i32.load` at the sum.
        I32LoadShlAddImm { dst: u32, x: u16, sh: u16, imm: u32 } custom [I32Const, I32Shl, I32Add, I32Sub, I32Load];
        /// `i32.shl` by a constant, `i32.add` of slot `y`, then `i32.load` at the sum.
        I32LoadShlAdd { dst: u32, x: u16, sh: u16, y: u32 } custom [I32Const, I32Shl, I32Add, I32Load];
        /// `i32.shl` by a constant, `i32.add` of a constant, then `i64.load` at the sum.
        I64LoadShlAddImm { dst: u32, x: u16, sh: u16, imm: u32 } custom [I32Const, I32Shl, I32Add, I32Sub, I64Load];
        /// `i32.shl` by a constant, `i32.add` of slot `y`, then `i64.load` at the sum.
        I64LoadShlAdd { dst: u32, x: u16, sh: u16, y: u32 } custom [I32Const, I32Shl, I32Add, I64Load];
        /// `i32.shl` by a constant, `i32.add` of a constant, then `f32.load` at the sum.
        F32LoadShlAddImm { dst: u32, x: u16, sh: u16, imm: u32 } custom [I32Const, I32Shl, I32Add, I32Sub, F32Load];
        /// `i32.shl` by a constant, `i32.add` of slot `y`, then `f32.load` at the sum.
        F32LoadShlAdd { dst: u32, x: u16, sh: u16, y: u32 } custom [I32Const, I32Shl, I32Add, F32Load];
        /// `i32.shl` by a constant, `i32.add` of a constant, then `f64.load` at the sum.
        F64LoadShlAddImm { dst: u32, x: u16, sh: u16, imm: u32 } custom [I32Const, I32Shl, I32Add, I32Sub, F64Load];
        /// `i32.shl` by a constant, `i32.add` of slot `y`, then `f64.load` at the sum.
        F64LoadShlAdd { dst: u32, x: u16, sh: u16, y: u32 } custom [I32Const, I32Shl, I32Add, F64Load];
        /// `i32.store`.
        I32Store { addr: u32, val: u32, offset: u32 } custom [I32Store];
        /// `i64.store`.
        I64Store { addr: u32, val: u32, offset: u32 } custom [I64Store];
        /// `f32.store`.
        F32Store { addr: u32, val: u32, offset: u32 } custom [F32Store];
        /// `f64.store`.
        F64Store { addr: u32, val: u32, offset: u32 } custom [F64Store];
        /// `i32.store8`.
        I32Store8 { addr: u32, val: u32, offset: u32 } custom [I32Store8];
        /// `i32.store16`.
        I32Store16 { addr: u32, val: u32, offset: u32 } custom [I32Store16];
        /// `i64.store8`.
        I64Store8 { addr: u32, val: u32, offset: u32 } custom [I64Store8];
        /// `i64.store16`.
        I64Store16 { addr: u32, val: u32, offset: u32 } custom [I64Store16];
        /// `i64.store32`.
        I64Store32 { addr: u32, val: u32, offset: u32 } custom [I64Store32];
        // ---- stores of a constant (folded from the `i32.const` or `i64.const` just
        // before): `imm` is the value's low 32 bits, sign-extended for `i64.store`
        /// `i32.const`, then `i32.store` of it.
        I32StoreImm { addr: u32, imm: u32, offset: u32 } custom [I32Const, I32Store];
        /// `i32.const`, then `i32.store8` of it.
        I32Store8Imm { addr: u32, imm: u32, offset: u32 } custom [I32Const, I32Store8];
        /// `i32.const`, then `i32.store16` of it.
        I32Store16Imm { addr: u32, imm: u32, offset: u32 } custom [I32Const, I32Store16];
        /// `i64.const` of a value that sign-extends from 32 bits, then `i64.store` of it.
        I64StoreImm { addr: u32, imm: u32, offset: u32 } custom [I64Const, I64Store];
        /// `i64.const`, then `i64.store8` of it.
        I64Store8Imm { addr: u32, imm: u32, offset: u32 } custom [I64Const, I64Store8];
        /// `i64.const`, then `i64.store16` of it.
        I64Store16Imm { addr: u32, imm: u32, offset: u32 } custom [I64Const, I64Store16];
        /// `i64.const`, then `i64.store32` of it.
        I64Store32Imm { addr: u32, imm: u32, offset: u32 } custom [I64Const, I64Store32];
        // ---- `f64.store` of the `f64.add`, `f64.sub` or `f64.mul` just before it, the
        // value computed (and its NaN canonicalized, SPEC.md §Floats) as the binop
        // computes it; the binop is a part before the store, the main part
        // (`Translator::fuse_store_value`; the updates of float simulations). `at`,
        // `x` and `y` (the address and the binop's operands) are slots below 65536.
        /// `f64.add` of slots `x` and `y`, then `f64.store` of the sum at `at + offset`.
        F64AddStore { at: u16, x: u16, y: u16, offset: u32 } custom [F64Add, F64Store];
        /// `f64.sub` of slots `x` and `y`, then `f64.store` of the difference at `at + offset`.
        F64SubStore { at: u16, x: u16, y: u16, offset: u32 } custom [F64Sub, F64Store];
        /// `f64.mul` of slots `x` and `y`, then `f64.store` of the product at `at + offset`.
        F64MulStore { at: u16, x: u16, y: u16, offset: u32 } custom [F64Mul, F64Store];
        // ---- `f64.add` of the `f64.mul` just before it and another operand, each
        // result rounded and its NaN canonicalized as the two instructions do it (two
        // roundings, not a fused multiply-add; SPEC.md §Floats); the mul is a part
        // before the add, the main part (`Translator::fuse_mul_add`; dot products).
        // `x`, `y` and `z` are slots below 65536.
        /// `f64.mul` of slots `x` and `y`, then `f64.add` of the product and slot `z`.
        F64MulAdd { dst: u32, x: u16, y: u16, z: u16 } custom [F64Mul, F64Add];
        // ---- a bit field: `i32.and` with a constant of the `i32.shr_u` by a constant
        // just before it, `dst = (x >> sh) & mask` (`sh` the constant mod 32); the
        // shift is a part before the and, the main part (`Translator::fuse_imm_pair`;
        // decoders, byte swaps, hash buckets). `x` is a slot below 65536.
        /// `i32.shr_u` of slot `x` by `sh`, then `i32.and` with the constant `mask`.
        I32ShrUAndImm { dst: u32, x: u16, sh: u16, mask: u32 } custom [I32Const, I32ShrU, I32And];
        // ---- a multiplicative hash: `i32.shr_u` by a constant of the `i32.mul` by a
        // constant just before it, `dst = (x * mul) >> sh` (`sh` the constant mod 32,
        // the product wrapping); the mul is a part before the shift, the main part
        // (`Translator::fuse_imm_pair`; hash table slots). `x` is a slot below 65536.
        /// `i32.mul` of slot `x` by `mul`, then `i32.shr_u` by `sh`.
        I32MulShrUImm { dst: u32, x: u16, sh: u16, mul: u32 } custom [I32Const, I32Mul, I32ShrU];
        // ---- stores of static offset 0 fused with the `i32.add` that computes their
        // address (`Translator::fuse_store_address`): the address is `a + imm` or
        // `a + b`, wrapped to 32 bits as the `i32.add` wraps it, and only then
        // bounds-checked (core §4.4.7); the add is a part before the store, the main
        // part. `v` is the value's slot (made after folding, so never a fold target).
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.store` at the sum.
        I32StoreAddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I32Store];
        /// `i32.add`, then `i32.store` at the sum.
        I32StoreAdd { a: u32, b: u32, v: u32 } custom [I32Add, I32Store];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i64.store` at the sum.
        I64StoreAddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I64Store];
        /// `i32.add`, then `i64.store` at the sum.
        I64StoreAdd { a: u32, b: u32, v: u32 } custom [I32Add, I64Store];
        /// `i32.add` of a constant (or `i32.sub` of one), then `f32.store` at the sum.
        F32StoreAddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, F32Store];
        /// `i32.add`, then `f32.store` at the sum.
        F32StoreAdd { a: u32, b: u32, v: u32 } custom [I32Add, F32Store];
        /// `i32.add` of a constant (or `i32.sub` of one), then `f64.store` at the sum.
        F64StoreAddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, F64Store];
        /// `i32.add`, then `f64.store` at the sum.
        F64StoreAdd { a: u32, b: u32, v: u32 } custom [I32Add, F64Store];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.store8` at the sum.
        I32Store8AddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I32Store8];
        /// `i32.add`, then `i32.store8` at the sum.
        I32Store8Add { a: u32, b: u32, v: u32 } custom [I32Add, I32Store8];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i32.store16` at the sum.
        I32Store16AddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I32Store16];
        /// `i32.add`, then `i32.store16` at the sum.
        I32Store16Add { a: u32, b: u32, v: u32 } custom [I32Add, I32Store16];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i64.store8` at the sum.
        I64Store8AddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I64Store8];
        /// `i32.add`, then `i64.store8` at the sum.
        I64Store8Add { a: u32, b: u32, v: u32 } custom [I32Add, I64Store8];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i64.store16` at the sum.
        I64Store16AddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I64Store16];
        /// `i32.add`, then `i64.store16` at the sum.
        I64Store16Add { a: u32, b: u32, v: u32 } custom [I32Add, I64Store16];
        /// `i32.add` of a constant (or `i32.sub` of one), then `i64.store32` at the sum.
        I64Store32AddImm { a: u32, imm: u32, v: u32 } custom [I32Const, I32Add, I32Sub, I64Store32];
        /// `i32.add`, then `i64.store32` at the sum.
        I64Store32Add { a: u32, b: u32, v: u32 } custom [I32Add, I64Store32];
        // ---- the stores of a constant above fused the same way: the address is
        // `a + add`, the value `imm` as in the unfused row.
        /// `i32.add` of a constant (or `i32.sub` of one), `i32.const`, then `i32.store` of it at the sum.
        I32StoreImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Const, I32Store];
        /// `i32.add` of a constant (or `i32.sub` of one), `i32.const`, then `i32.store8` of it at the sum.
        I32Store8ImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Const, I32Store8];
        /// `i32.add` of a constant (or `i32.sub` of one), `i32.const`, then `i32.store16` of it at the sum.
        I32Store16ImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I32Const, I32Store16];
        /// `i32.add` of a constant (or `i32.sub` of one), `i64.const`, then `i64.store` of it at the sum.
        I64StoreImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I64Const, I64Store];
        /// `i32.add` of a constant (or `i32.sub` of one), `i64.const`, then `i64.store8` of it at the sum.
        I64Store8ImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I64Const, I64Store8];
        /// `i32.add` of a constant (or `i32.sub` of one), `i64.const`, then `i64.store16` of it at the sum.
        I64Store16ImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I64Const, I64Store16];
        /// `i32.add` of a constant (or `i32.sub` of one), `i64.const`, then `i64.store32` of it at the sum.
        I64Store32ImmAddImm { a: u32, add: u32, imm: u32 } custom [I32Const, I32Add, I32Sub, I64Const, I64Store32];
        /// `memory.size`.
        MemorySize { dst: u32 } custom [MemorySize];
        /// `memory.grow`.
        MemoryGrow { s: u32 } dynamic [MemoryGrow];
        /// `memory.init` from data segment `data`.
        MemoryInit { data: u32, s: u32 } dynamic [MemoryInit];
        /// `data.drop` of data segment `data`.
        DataDrop { data: u32 } custom [DataDrop];
        /// `memory.copy`.
        MemoryCopy { s: u32 } dynamic [MemoryCopy];
        /// `memory.fill`.
        MemoryFill { s: u32 } dynamic [MemoryFill];

        // ---- numeric, one to one
        I32Eqz { dst: u32, a: u32 } unop [I32Eqz];
        I32Eq { dst: u32, a: u32, b: u32 } binop [I32Eq];
        I32Ne { dst: u32, a: u32, b: u32 } binop [I32Ne];
        I32LtS { dst: u32, a: u32, b: u32 } binop [I32LtS];
        I32LtU { dst: u32, a: u32, b: u32 } binop [I32LtU];
        I32GtS { dst: u32, a: u32, b: u32 } binop [I32GtS];
        I32GtU { dst: u32, a: u32, b: u32 } binop [I32GtU];
        I32LeS { dst: u32, a: u32, b: u32 } binop [I32LeS];
        I32LeU { dst: u32, a: u32, b: u32 } binop [I32LeU];
        I32GeS { dst: u32, a: u32, b: u32 } binop [I32GeS];
        I32GeU { dst: u32, a: u32, b: u32 } binop [I32GeU];
        I32Clz { dst: u32, a: u32 } unop [I32Clz];
        I32Ctz { dst: u32, a: u32 } unop [I32Ctz];
        I32Popcnt { dst: u32, a: u32 } unop [I32Popcnt];
        I32Add { dst: u32, a: u32, b: u32 } binop [I32Add];
        I32Sub { dst: u32, a: u32, b: u32 } binop [I32Sub];
        I32Mul { dst: u32, a: u32, b: u32 } binop [I32Mul];
        I32DivS { dst: u32, a: u32, b: u32 } binop [I32DivS];
        I32DivU { dst: u32, a: u32, b: u32 } binop [I32DivU];
        I32RemS { dst: u32, a: u32, b: u32 } binop [I32RemS];
        I32RemU { dst: u32, a: u32, b: u32 } binop [I32RemU];
        I32And { dst: u32, a: u32, b: u32 } binop [I32And];
        I32Or { dst: u32, a: u32, b: u32 } binop [I32Or];
        I32Xor { dst: u32, a: u32, b: u32 } binop [I32Xor];
        I32Shl { dst: u32, a: u32, b: u32 } binop [I32Shl];
        I32ShrS { dst: u32, a: u32, b: u32 } binop [I32ShrS];
        I32ShrU { dst: u32, a: u32, b: u32 } binop [I32ShrU];
        I32Rotl { dst: u32, a: u32, b: u32 } binop [I32Rotl];
        I32Rotr { dst: u32, a: u32, b: u32 } binop [I32Rotr];
        I64Eqz { dst: u32, a: u32 } unop [I64Eqz];
        I64Eq { dst: u32, a: u32, b: u32 } binop [I64Eq];
        I64Ne { dst: u32, a: u32, b: u32 } binop [I64Ne];
        I64LtS { dst: u32, a: u32, b: u32 } binop [I64LtS];
        I64LtU { dst: u32, a: u32, b: u32 } binop [I64LtU];
        I64GtS { dst: u32, a: u32, b: u32 } binop [I64GtS];
        I64GtU { dst: u32, a: u32, b: u32 } binop [I64GtU];
        I64LeS { dst: u32, a: u32, b: u32 } binop [I64LeS];
        I64LeU { dst: u32, a: u32, b: u32 } binop [I64LeU];
        I64GeS { dst: u32, a: u32, b: u32 } binop [I64GeS];
        I64GeU { dst: u32, a: u32, b: u32 } binop [I64GeU];
        I64Clz { dst: u32, a: u32 } unop [I64Clz];
        I64Ctz { dst: u32, a: u32 } unop [I64Ctz];
        I64Popcnt { dst: u32, a: u32 } unop [I64Popcnt];
        I64Add { dst: u32, a: u32, b: u32 } binop [I64Add];
        I64Sub { dst: u32, a: u32, b: u32 } binop [I64Sub];
        I64Mul { dst: u32, a: u32, b: u32 } binop [I64Mul];
        I64DivS { dst: u32, a: u32, b: u32 } binop [I64DivS];
        I64DivU { dst: u32, a: u32, b: u32 } binop [I64DivU];
        I64RemS { dst: u32, a: u32, b: u32 } binop [I64RemS];
        I64RemU { dst: u32, a: u32, b: u32 } binop [I64RemU];
        I64And { dst: u32, a: u32, b: u32 } binop [I64And];
        I64Or { dst: u32, a: u32, b: u32 } binop [I64Or];
        I64Xor { dst: u32, a: u32, b: u32 } binop [I64Xor];
        I64Shl { dst: u32, a: u32, b: u32 } binop [I64Shl];
        I64ShrS { dst: u32, a: u32, b: u32 } binop [I64ShrS];
        I64ShrU { dst: u32, a: u32, b: u32 } binop [I64ShrU];
        I64Rotl { dst: u32, a: u32, b: u32 } binop [I64Rotl];
        I64Rotr { dst: u32, a: u32, b: u32 } binop [I64Rotr];
        F32Eq { dst: u32, a: u32, b: u32 } binop [F32Eq];
        F32Ne { dst: u32, a: u32, b: u32 } binop [F32Ne];
        F32Lt { dst: u32, a: u32, b: u32 } binop [F32Lt];
        F32Gt { dst: u32, a: u32, b: u32 } binop [F32Gt];
        F32Le { dst: u32, a: u32, b: u32 } binop [F32Le];
        F32Ge { dst: u32, a: u32, b: u32 } binop [F32Ge];
        F32Abs { dst: u32, a: u32 } unop [F32Abs];
        F32Neg { dst: u32, a: u32 } unop [F32Neg];
        F32Ceil { dst: u32, a: u32 } unop [F32Ceil];
        F32Floor { dst: u32, a: u32 } unop [F32Floor];
        F32Trunc { dst: u32, a: u32 } unop [F32Trunc];
        F32Nearest { dst: u32, a: u32 } unop [F32Nearest];
        F32Sqrt { dst: u32, a: u32 } unop [F32Sqrt];
        F32Add { dst: u32, a: u32, b: u32 } binop [F32Add];
        F32Sub { dst: u32, a: u32, b: u32 } binop [F32Sub];
        F32Mul { dst: u32, a: u32, b: u32 } binop [F32Mul];
        F32Div { dst: u32, a: u32, b: u32 } binop [F32Div];
        F32Min { dst: u32, a: u32, b: u32 } binop [F32Min];
        F32Max { dst: u32, a: u32, b: u32 } binop [F32Max];
        F32Copysign { dst: u32, a: u32, b: u32 } binop [F32Copysign];
        F64Eq { dst: u32, a: u32, b: u32 } binop [F64Eq];
        F64Ne { dst: u32, a: u32, b: u32 } binop [F64Ne];
        F64Lt { dst: u32, a: u32, b: u32 } binop [F64Lt];
        F64Gt { dst: u32, a: u32, b: u32 } binop [F64Gt];
        F64Le { dst: u32, a: u32, b: u32 } binop [F64Le];
        F64Ge { dst: u32, a: u32, b: u32 } binop [F64Ge];
        F64Abs { dst: u32, a: u32 } unop [F64Abs];
        F64Neg { dst: u32, a: u32 } unop [F64Neg];
        F64Ceil { dst: u32, a: u32 } unop [F64Ceil];
        F64Floor { dst: u32, a: u32 } unop [F64Floor];
        F64Trunc { dst: u32, a: u32 } unop [F64Trunc];
        F64Nearest { dst: u32, a: u32 } unop [F64Nearest];
        F64Sqrt { dst: u32, a: u32 } unop [F64Sqrt];
        F64Add { dst: u32, a: u32, b: u32 } binop [F64Add];
        F64Sub { dst: u32, a: u32, b: u32 } binop [F64Sub];
        F64Mul { dst: u32, a: u32, b: u32 } binop [F64Mul];
        F64Div { dst: u32, a: u32, b: u32 } binop [F64Div];
        F64Min { dst: u32, a: u32, b: u32 } binop [F64Min];
        F64Max { dst: u32, a: u32, b: u32 } binop [F64Max];
        F64Copysign { dst: u32, a: u32, b: u32 } binop [F64Copysign];
        I32WrapI64 { dst: u32, a: u32 } unop [I32WrapI64];
        I32TruncF32S { dst: u32, a: u32 } unop [I32TruncF32S];
        I32TruncF32U { dst: u32, a: u32 } unop [I32TruncF32U];
        I32TruncF64S { dst: u32, a: u32 } unop [I32TruncF64S];
        I32TruncF64U { dst: u32, a: u32 } unop [I32TruncF64U];
        I64ExtendI32S { dst: u32, a: u32 } unop [I64ExtendI32S];
        I64ExtendI32U { dst: u32, a: u32 } unop [I64ExtendI32U];
        I64TruncF32S { dst: u32, a: u32 } unop [I64TruncF32S];
        I64TruncF32U { dst: u32, a: u32 } unop [I64TruncF32U];
        I64TruncF64S { dst: u32, a: u32 } unop [I64TruncF64S];
        I64TruncF64U { dst: u32, a: u32 } unop [I64TruncF64U];
        F32ConvertI32S { dst: u32, a: u32 } unop [F32ConvertI32S];
        F32ConvertI32U { dst: u32, a: u32 } unop [F32ConvertI32U];
        F32ConvertI64S { dst: u32, a: u32 } unop [F32ConvertI64S];
        F32ConvertI64U { dst: u32, a: u32 } unop [F32ConvertI64U];
        F32DemoteF64 { dst: u32, a: u32 } unop [F32DemoteF64];
        F64ConvertI32S { dst: u32, a: u32 } unop [F64ConvertI32S];
        F64ConvertI32U { dst: u32, a: u32 } unop [F64ConvertI32U];
        F64ConvertI64S { dst: u32, a: u32 } unop [F64ConvertI64S];
        F64ConvertI64U { dst: u32, a: u32 } unop [F64ConvertI64U];
        F64PromoteF32 { dst: u32, a: u32 } unop [F64PromoteF32];
        I32Extend8S { dst: u32, a: u32 } unop [I32Extend8S];
        I32Extend16S { dst: u32, a: u32 } unop [I32Extend16S];
        I64Extend8S { dst: u32, a: u32 } unop [I64Extend8S];
        I64Extend16S { dst: u32, a: u32 } unop [I64Extend16S];
        I64Extend32S { dst: u32, a: u32 } unop [I64Extend32S];
        I32TruncSatF32S { dst: u32, a: u32 } unop [I32TruncSatF32S];
        I32TruncSatF32U { dst: u32, a: u32 } unop [I32TruncSatF32U];
        I32TruncSatF64S { dst: u32, a: u32 } unop [I32TruncSatF64S];
        I32TruncSatF64U { dst: u32, a: u32 } unop [I32TruncSatF64U];
        I64TruncSatF32S { dst: u32, a: u32 } unop [I64TruncSatF32S];
        I64TruncSatF32U { dst: u32, a: u32 } unop [I64TruncSatF32U];
        I64TruncSatF64S { dst: u32, a: u32 } unop [I64TruncSatF64S];
        I64TruncSatF64U { dst: u32, a: u32 } unop [I64TruncSatF64U];

        // ---- compare and branch: a compare whose only use is the `br_if` or `if` right
        // after it (an `if` branches on the negated compare)
        /// Branch when `I32Eq` of slots `a` and `b` holds.
        BrIfI32Eq { target: u32, a: u32, b: u32 } branch [I32Eq, BrIf, If];
        /// Branch when `I32Ne` of slots `a` and `b` holds.
        BrIfI32Ne { target: u32, a: u32, b: u32 } branch [I32Ne, BrIf, If];
        /// Branch when `I32LtS` of slots `a` and `b` holds.
        BrIfI32LtS { target: u32, a: u32, b: u32 } branch [I32LtS, BrIf, If];
        /// Branch when `I32LtU` of slots `a` and `b` holds.
        BrIfI32LtU { target: u32, a: u32, b: u32 } branch [I32LtU, BrIf, If];
        /// Branch when `I32GtS` of slots `a` and `b` holds.
        BrIfI32GtS { target: u32, a: u32, b: u32 } branch [I32GtS, BrIf, If];
        /// Branch when `I32GtU` of slots `a` and `b` holds.
        BrIfI32GtU { target: u32, a: u32, b: u32 } branch [I32GtU, BrIf, If];
        /// Branch when `I32LeS` of slots `a` and `b` holds.
        BrIfI32LeS { target: u32, a: u32, b: u32 } branch [I32LeS, BrIf, If];
        /// Branch when `I32LeU` of slots `a` and `b` holds.
        BrIfI32LeU { target: u32, a: u32, b: u32 } branch [I32LeU, BrIf, If];
        /// Branch when `I32GeS` of slots `a` and `b` holds.
        BrIfI32GeS { target: u32, a: u32, b: u32 } branch [I32GeS, BrIf, If];
        /// Branch when `I32GeU` of slots `a` and `b` holds.
        BrIfI32GeU { target: u32, a: u32, b: u32 } branch [I32GeU, BrIf, If];
        /// Branch when `I64Eq` of slots `a` and `b` holds.
        BrIfI64Eq { target: u32, a: u32, b: u32 } branch [I64Eq, BrIf, If];
        /// Branch when `I64Ne` of slots `a` and `b` holds.
        BrIfI64Ne { target: u32, a: u32, b: u32 } branch [I64Ne, BrIf, If];
        /// Branch when `I64LtS` of slots `a` and `b` holds.
        BrIfI64LtS { target: u32, a: u32, b: u32 } branch [I64LtS, BrIf, If];
        /// Branch when `I64LtU` of slots `a` and `b` holds.
        BrIfI64LtU { target: u32, a: u32, b: u32 } branch [I64LtU, BrIf, If];
        /// Branch when `I64GtS` of slots `a` and `b` holds.
        BrIfI64GtS { target: u32, a: u32, b: u32 } branch [I64GtS, BrIf, If];
        /// Branch when `I64GtU` of slots `a` and `b` holds.
        BrIfI64GtU { target: u32, a: u32, b: u32 } branch [I64GtU, BrIf, If];
        /// Branch when `I64LeS` of slots `a` and `b` holds.
        BrIfI64LeS { target: u32, a: u32, b: u32 } branch [I64LeS, BrIf, If];
        /// Branch when `I64LeU` of slots `a` and `b` holds.
        BrIfI64LeU { target: u32, a: u32, b: u32 } branch [I64LeU, BrIf, If];
        /// Branch when `I64GeS` of slots `a` and `b` holds.
        BrIfI64GeS { target: u32, a: u32, b: u32 } branch [I64GeS, BrIf, If];
        /// Branch when `I64GeU` of slots `a` and `b` holds.
        BrIfI64GeU { target: u32, a: u32, b: u32 } branch [I64GeU, BrIf, If];
        /// Branch when `I32Eq` of slot `a` and the constant `imm` holds.
        BrIfI32EqImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32Eq, BrIf, If];
        /// Branch when `I32Ne` of slot `a` and the constant `imm` holds.
        BrIfI32NeImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32Ne, BrIf, If];
        /// Branch when `I32LtS` of slot `a` and the constant `imm` holds.
        BrIfI32LtSImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32LtS, BrIf, If];
        /// Branch when `I32LtU` of slot `a` and the constant `imm` holds.
        BrIfI32LtUImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32LtU, BrIf, If];
        /// Branch when `I32GtS` of slot `a` and the constant `imm` holds.
        BrIfI32GtSImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32GtS, BrIf, If];
        /// Branch when `I32GtU` of slot `a` and the constant `imm` holds.
        BrIfI32GtUImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32GtU, BrIf, If];
        /// Branch when `I32LeS` of slot `a` and the constant `imm` holds.
        BrIfI32LeSImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32LeS, BrIf, If];
        /// Branch when `I32LeU` of slot `a` and the constant `imm` holds.
        BrIfI32LeUImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32LeU, BrIf, If];
        /// Branch when `I32GeS` of slot `a` and the constant `imm` holds.
        BrIfI32GeSImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32GeS, BrIf, If];
        /// Branch when `I32GeU` of slot `a` and the constant `imm` holds.
        BrIfI32GeUImm { target: u32, a: u32, imm: u32 } branch [I32Const, I32GeU, BrIf, If];

        // ---- a loop counter's step fused into the compare-and-branch just after it
        // (`Translator::fuse_counter_branch`): `x = x + add` (an `i32.add` or
        // `i32.sub` of a constant written back to its own slot, wrapping), then the
        // branch. The step's parts (its `local.get`, constant, add and `local.set`
        // or `local.tee`) come before the branch, the main part: none of them can
        // trap, so a stop out of gas before the branch leaves the op unexecuted
        // (its local's new value is seen by nothing but the op itself, which runs
        // whole on resumption). `x`, `p` and `q` are slots below 65536, `add` fits
        // in 16 bits.
        /// `x += add`, then branch when `I32Eq` of slots `p` and `q` holds.
        BrIncIfI32Eq { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32Eq, BrIf, If];
        /// `x += add`, then branch when `I32Ne` of slots `p` and `q` holds.
        BrIncIfI32Ne { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32Ne, BrIf, If];
        /// `x += add`, then branch when `I32LtS` of slots `p` and `q` holds.
        BrIncIfI32LtS { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LtS, BrIf, If];
        /// `x += add`, then branch when `I32LtU` of slots `p` and `q` holds.
        BrIncIfI32LtU { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LtU, BrIf, If];
        /// `x += add`, then branch when `I32GtS` of slots `p` and `q` holds.
        BrIncIfI32GtS { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GtS, BrIf, If];
        /// `x += add`, then branch when `I32GtU` of slots `p` and `q` holds.
        BrIncIfI32GtU { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GtU, BrIf, If];
        /// `x += add`, then branch when `I32LeS` of slots `p` and `q` holds.
        BrIncIfI32LeS { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LeS, BrIf, If];
        /// `x += add`, then branch when `I32LeU` of slots `p` and `q` holds.
        BrIncIfI32LeU { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LeU, BrIf, If];
        /// `x += add`, then branch when `I32GeS` of slots `p` and `q` holds.
        BrIncIfI32GeS { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GeS, BrIf, If];
        /// `x += add`, then branch when `I32GeU` of slots `p` and `q` holds.
        BrIncIfI32GeU { target: u32, x: u16, add: i16, p: u16, q: u16 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GeU, BrIf, If];
        /// `x += add`, then branch when `I32Eq` of `x` and the constant `imm` holds.
        BrIncIfI32EqImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32Eq, BrIf, If];
        /// `x += add`, then branch when `I32Ne` of `x` and the constant `imm` holds.
        BrIncIfI32NeImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32Ne, BrIf, If];
        /// `x += add`, then branch when `I32LtS` of `x` and the constant `imm` holds.
        BrIncIfI32LtSImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LtS, BrIf, If];
        /// `x += add`, then branch when `I32LtU` of `x` and the constant `imm` holds.
        BrIncIfI32LtUImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LtU, BrIf, If];
        /// `x += add`, then branch when `I32GtS` of `x` and the constant `imm` holds.
        BrIncIfI32GtSImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GtS, BrIf, If];
        /// `x += add`, then branch when `I32GtU` of `x` and the constant `imm` holds.
        BrIncIfI32GtUImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GtU, BrIf, If];
        /// `x += add`, then branch when `I32LeS` of `x` and the constant `imm` holds.
        BrIncIfI32LeSImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LeS, BrIf, If];
        /// `x += add`, then branch when `I32LeU` of `x` and the constant `imm` holds.
        BrIncIfI32LeUImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32LeU, BrIf, If];
        /// `x += add`, then branch when `I32GeS` of `x` and the constant `imm` holds.
        BrIncIfI32GeSImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GeS, BrIf, If];
        /// `x += add`, then branch when `I32GeU` of `x` and the constant `imm` holds.
        BrIncIfI32GeUImm { target: u32, x: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32GeU, BrIf, If];
        // ---- a sum with a constant fused into the compare-and-branch that pops it
        // (`Translator::fuse_sum_branch`; bounds tests such as `if (p + 4 > n)`):
        // branch when the compare of `s + add` (wrapping) and `imm` holds. The sum's
        // parts come before the branch, the main part; the sum is an operand slot
        // only the compare read, so it is not written. `s` is a slot below 65536,
        // `add` fits in 16 bits.
        /// Branch when `I32Eq` of `s + add` and the constant `imm` holds.
        BrSumIfI32EqImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32Eq, BrIf, If];
        /// Branch when `I32Ne` of `s + add` and the constant `imm` holds.
        BrSumIfI32NeImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32Ne, BrIf, If];
        /// Branch when `I32LtS` of `s + add` and the constant `imm` holds.
        BrSumIfI32LtSImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32LtS, BrIf, If];
        /// Branch when `I32LtU` of `s + add` and the constant `imm` holds.
        BrSumIfI32LtUImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32LtU, BrIf, If];
        /// Branch when `I32GtS` of `s + add` and the constant `imm` holds.
        BrSumIfI32GtSImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32GtS, BrIf, If];
        /// Branch when `I32GtU` of `s + add` and the constant `imm` holds.
        BrSumIfI32GtUImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32GtU, BrIf, If];
        /// Branch when `I32LeS` of `s + add` and the constant `imm` holds.
        BrSumIfI32LeSImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32LeS, BrIf, If];
        /// Branch when `I32LeU` of `s + add` and the constant `imm` holds.
        BrSumIfI32LeUImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32LeU, BrIf, If];
        /// Branch when `I32GeS` of `s + add` and the constant `imm` holds.
        BrSumIfI32GeSImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32GeS, BrIf, If];
        /// Branch when `I32GeU` of `s + add` and the constant `imm` holds.
        BrSumIfI32GeUImm { target: u32, s: u16, add: i16, imm: u32 } branch [I32Const, I32Add, I32Sub, I32GeU, BrIf, If];
        /// `x += add` (`add` any `i32`), then branch when `x` is not zero.
        BrIncIfNez { target: u32, x: u32, add: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, BrIf, If];
        /// `x += add` (`add` any `i32`), then branch when `x` is zero.
        BrIncIfEqz { target: u32, x: u32, add: u32 } branch [I32Const, I32Add, I32Sub, LocalSet, LocalTee, I32Eqz, BrIf, If];

        // ---- operand folds: `a` and `b` may be any slot, so these also stand for the
        // `local.get`s before them and a `local.set` after them (see `translate`)
        /// `I32Add` with a constant right operand `imm`.
        I32AddImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Add];
        /// `I32Mul` with a constant right operand `imm`.
        I32MulImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Mul];
        /// `I32And` with a constant right operand `imm`.
        I32AndImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32And];
        /// `I32Or` with a constant right operand `imm`.
        I32OrImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Or];
        /// `I32Xor` with a constant right operand `imm`.
        I32XorImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Xor];
        /// `I32Shl` with a constant right operand `imm`.
        I32ShlImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Shl];
        /// `I32ShrS` with a constant right operand `imm`.
        I32ShrSImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32ShrS];
        /// `I32ShrU` with a constant right operand `imm`.
        I32ShrUImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32ShrU];
        /// `I32Rotl` with a constant right operand `imm`.
        I32RotlImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Rotl];
        /// `I32Rotr` with a constant right operand `imm`.
        I32RotrImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Rotr];
        /// `I32Eq` with a constant right operand `imm`.
        I32EqImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Eq];
        /// `I32Ne` with a constant right operand `imm`.
        I32NeImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32Ne];
        /// `I32LtS` with a constant right operand `imm`.
        I32LtSImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32LtS];
        /// `I32LtU` with a constant right operand `imm`.
        I32LtUImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32LtU];
        /// `I32GtS` with a constant right operand `imm`.
        I32GtSImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32GtS];
        /// `I32GtU` with a constant right operand `imm`.
        I32GtUImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32GtU];
        /// `I32LeS` with a constant right operand `imm`.
        I32LeSImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32LeS];
        /// `I32LeU` with a constant right operand `imm`.
        I32LeUImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32LeU];
        /// `I32GeS` with a constant right operand `imm`.
        I32GeSImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32GeS];
        /// `I32GeU` with a constant right operand `imm`.
        I32GeUImm { dst: u32, a: u32, imm: u32 } binimm [I32Const, I32GeU];
        /// `I64Add` with a constant right operand `imm` (sign-extended).
        I64AddImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Add];
        /// `I64Mul` with a constant right operand `imm` (sign-extended).
        I64MulImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Mul];
        /// `I64And` with a constant right operand `imm` (sign-extended).
        I64AndImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64And];
        /// `I64Or` with a constant right operand `imm` (sign-extended).
        I64OrImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Or];
        /// `I64Xor` with a constant right operand `imm` (sign-extended).
        I64XorImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Xor];
        /// `I64Shl` with a constant right operand `imm` (sign-extended).
        I64ShlImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Shl];
        /// `I64ShrS` with a constant right operand `imm` (sign-extended).
        I64ShrSImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64ShrS];
        /// `I64ShrU` with a constant right operand `imm` (sign-extended).
        I64ShrUImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64ShrU];
        /// `I64Rotl` with a constant right operand `imm` (sign-extended).
        I64RotlImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Rotl];
        /// `I64Rotr` with a constant right operand `imm` (sign-extended).
        I64RotrImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Rotr];
        /// `I64Eq` with a constant right operand `imm` (sign-extended).
        I64EqImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Eq];
        /// `I64Ne` with a constant right operand `imm` (sign-extended).
        I64NeImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64Ne];
        /// `I64LtS` with a constant right operand `imm` (sign-extended).
        I64LtSImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64LtS];
        /// `I64LtU` with a constant right operand `imm` (sign-extended).
        I64LtUImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64LtU];
        /// `I64GtS` with a constant right operand `imm` (sign-extended).
        I64GtSImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64GtS];
        /// `I64GtU` with a constant right operand `imm` (sign-extended).
        I64GtUImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64GtU];
        /// `I64LeS` with a constant right operand `imm` (sign-extended).
        I64LeSImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64LeS];
        /// `I64LeU` with a constant right operand `imm` (sign-extended).
        I64LeUImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64LeU];
        /// `I64GeS` with a constant right operand `imm` (sign-extended).
        I64GeSImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64GeS];
        /// `I64GeU` with a constant right operand `imm` (sign-extended).
        I64GeUImm { dst: u32, a: u32, imm: u32 } binimm [I64Const, I64GeU];

        // ---- a binop whose other operand is a shift or rotation by a constant just
        // before it: `dst = a OP (x SHIFT sh)`, `sh` the constant taken mod the width
        // as the instruction takes it; the shift (with the `local.get` and constant it
        // folds) is the parts before the binop, the main part
        // (`Translator::fuse_shifted_operand`; the message schedules and rounds of
        // hashes). `x` is a slot below 65536.
        /// `i32.shl` of slot `x` by `sh`, then `i32.add` with slot `a`.
        I32AddShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Shl, I32Add];
        /// `i32.shr_u` of slot `x` by `sh`, then `i32.add` with slot `a`.
        I32AddShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32ShrU, I32Add];
        /// `i32.rotl` of slot `x` by `sh`, then `i32.add` with slot `a`.
        I32AddRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Rotl, I32Add];
        /// `i32.shl` of slot `x` by `sh`, then `i32.or` with slot `a`.
        I32OrShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Shl, I32Or];
        /// `i32.shr_u` of slot `x` by `sh`, then `i32.or` with slot `a`.
        I32OrShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32ShrU, I32Or];
        /// `i32.rotl` of slot `x` by `sh`, then `i32.or` with slot `a`.
        I32OrRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Rotl, I32Or];
        /// `i32.shl` of slot `x` by `sh`, then `i32.xor` with slot `a`.
        I32XorShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Shl, I32Xor];
        /// `i32.shr_u` of slot `x` by `sh`, then `i32.xor` with slot `a`.
        I32XorShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32ShrU, I32Xor];
        /// `i32.rotl` of slot `x` by `sh`, then `i32.xor` with slot `a`.
        I32XorRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I32Const, I32Rotl, I32Xor];
        /// `i64.shl` of slot `x` by `sh`, then `i64.add` with slot `a`.
        I64AddShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Shl, I64Add];
        /// `i64.shr_u` of slot `x` by `sh`, then `i64.add` with slot `a`.
        I64AddShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64ShrU, I64Add];
        /// `i64.rotl` of slot `x` by `sh`, then `i64.add` with slot `a`.
        I64AddRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Rotl, I64Add];
        /// `i64.shl` of slot `x` by `sh`, then `i64.or` with slot `a`.
        I64OrShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Shl, I64Or];
        /// `i64.shr_u` of slot `x` by `sh`, then `i64.or` with slot `a`.
        I64OrShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64ShrU, I64Or];
        /// `i64.rotl` of slot `x` by `sh`, then `i64.or` with slot `a`.
        I64OrRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Rotl, I64Or];
        /// `i64.shl` of slot `x` by `sh`, then `i64.xor` with slot `a`.
        I64XorShl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Shl, I64Xor];
        /// `i64.shr_u` of slot `x` by `sh`, then `i64.xor` with slot `a`.
        I64XorShrU { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64ShrU, I64Xor];
        /// `i64.rotl` of slot `x` by `sh`, then `i64.xor` with slot `a`.
        I64XorRotl { dst: u32, a: u32, x: u16, sh: u16 } custom [I64Const, I64Rotl, I64Xor];
        }
    };
}

/// Generates `Op` and its derived methods from the op table.
macro_rules! define_op {
    ($(
        $(#[$doc:meta])*
        $name:ident $({ $($field:ident : $fty:ty),* })? $kind:ident [$($wasm:ident),*];
    )*) => {
        /// One internal instruction (the rows of `for_each_op!`). Sixteen bytes; a
        /// test asserts it.
        ///
        /// `#[repr(u32)]`: the discriminant is a `u32` at offset 0 and equals the
        /// row's position in the table (`OpTag`), which the threaded dispatch reads
        /// to find an op's handler.
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub enum Op {
            $(
                $(#[$doc])*
                $name $({ $(#[allow(missing_docs)] $field: $fty),* })?,
            )*
        }

        /// Every row's position in the op table: the discriminant of the `Op` of the
        /// same name (both enums list the rows in table order from 0).
        #[allow(dead_code)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[repr(u32)]
        pub(crate) enum OpTag {
            $($name,)*
        }

        /// The number of rows of the op table.
        #[cfg_attr(not(detwasm_tail), allow(dead_code))]
        pub(crate) const OP_COUNT: usize = [$(OpTag::$name),*].len();

        impl Op {
            /// The op's name, as in the op table.
            #[cfg_attr(not(test), allow(dead_code))]
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$name { .. } => stringify!($name),)*
                }
            }

            /// The op's row in the table (its discriminant).
            #[cfg_attr(not(test), allow(dead_code))]
            pub(crate) fn tag(&self) -> OpTag {
                match self {
                    $(Op::$name { .. } => OpTag::$name,)*
                }
            }

            /// The op's kind (see the module docs).
            pub fn kind(&self) -> OpKind {
                match self {
                    $(Op::$name { .. } => op_kind!($kind),)*
                }
            }

            /// The wasm instructions the op stands for, by wasmparser `Operator` name:
            /// for a `fused` op its components in order; for other ops every wasm
            /// operator it may be lowered from.
            #[cfg_attr(not(test), allow(dead_code))]
            pub fn stands_for(&self) -> &'static [&'static str] {
                match self {
                    $(Op::$name { .. } => &[$(stringify!($wasm)),*],)*
                }
            }

            /// The code position the op jumps to, for patching: its `target` operand
            /// field (every `branch` row has one);
            /// `None` for an op without that field.
            pub fn target_mut(&mut self) -> Option<&mut u32> {
                $(op_target!(self, $name; $($($field),*)?);)*
                None
            }

            /// The slot the op writes its one result to, for retargeting a
            /// `local.set` after it: the `dst` field of every row whose first field
            /// is `dst`; `None` for any other op.
            pub fn dst_mut(&mut self) -> Option<&mut u32> {
                $(op_dst!(self, $name; $($($field),*)?);)*
                None
            }

            /// The single-slot operands the op reads (fields `a`, `b`, `addr`,
            /// `val`, `cond`, `src`), in operand-stack order, for folding the
            /// `local.get` or constant that provides one.
            #[allow(unused_assignments, unused_mut, unused_variables)]
            pub fn reads_mut(&mut self) -> [Option<&mut u32>; 2] {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            let mut r: [Option<&mut u32>; 2] = [None, None];
                            let mut i = 0usize;
                            $($(op_read!(r, i, $field, $field);)*)?
                            r
                        }
                    )*
                }
            }

            /// Whether the op ends its gas segment: calls and ops with a dynamic cost
            /// (SPEC.md §Gas, charging semantics).
            pub fn ends_segment(&self) -> bool {
                matches!(self.kind(), OpKind::Call | OpKind::Dynamic)
            }
        }

        impl fmt::Display for Op {
            /// `Name field=value ...`, the disassembler's form.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            f.write_str(stringify!($name))?;
                            $($(write!(f, concat!(" ", stringify!($field), "={}"), $field)?;)*)?
                            Ok(())
                        }
                    )*
                }
            }
        }

        /// The op of a wasm operator that a `unop` row lowers one to one, reading
        /// slot `a` and writing slot `dst`; `None` for every other operator.
        pub(crate) fn lower_unop(op: &wasmparser::Operator<'_>, dst: u32, a: u32) -> Option<Op> {
            $(op_lower!(unop, $kind, op, $name, [$($wasm),*], dst, a);)*
            None
        }

        /// The op of a wasm operator that a `binop` row lowers one to one, reading
        /// slots `a` and `b` and writing slot `dst`; `None` for every other operator.
        pub(crate) fn lower_binop(
            op: &wasmparser::Operator<'_>,
            dst: u32,
            a: u32,
            b: u32,
        ) -> Option<Op> {
            $(op_lower!(binop, $kind, op, $name, [$($wasm),*], dst, a, b);)*
            None
        }

        /// Every row: name, kind and the wasm operators it stands for (for tests and
        /// documentation).
        #[cfg_attr(not(test), allow(dead_code))]
        pub const OP_TABLE: &[(&str, OpKind, &[&str])] = &[
            $((stringify!($name), op_kind!($kind), &[$(stringify!($wasm)),*]),)*
        ];
    };
}

macro_rules! op_kind {
    (unop) => {
        OpKind::Unop
    };
    (binop) => {
        OpKind::Binop
    };
    (binimm) => {
        OpKind::BinImm
    };
    (custom) => {
        OpKind::Custom
    };
    (branch) => {
        OpKind::Branch
    };
    (call) => {
        OpKind::Call
    };
    (dynamic) => {
        OpKind::Dynamic
    };
    (gas) => {
        OpKind::Gas
    };
    (data) => {
        OpKind::Data
    };
}

/// `return Some(target)` for op `$name` when its operand fields include `target`.
macro_rules! op_target {
    ($s:ident, $name:ident; target $(, $rest:ident)*) => {
        if let Op::$name { target, .. } = $s {
            return Some(target);
        }
    };
    ($s:ident, $name:ident; $first:ident $(, $rest:ident)*) => {
        op_target!($s, $name; $($rest),*)
    };
    ($s:ident, $name:ident;) => {};
}

macro_rules! op_lower {
    (unop, unop, $op:ident, $name:ident, [$($wasm:ident),*], $dst:ident, $a:ident) => {
        if matches!($op, $(wasmparser::Operator::$wasm)|*) {
            return Some(Op::$name { dst: $dst, a: $a });
        }
    };
    (binop, binop, $op:ident, $name:ident, [$($wasm:ident),*], $dst:ident, $a:ident, $b:ident) => {
        if matches!($op, $(wasmparser::Operator::$wasm)|*) {
            return Some(Op::$name { dst: $dst, a: $a, b: $b });
        }
    };
    ($want:ident, $kind:ident, $op:ident, $name:ident, [$($wasm:ident),*], $($rest:ident),*) => {};
}

/// Collects the single-slot operand fields (`a`, `b`, `addr`, `val`, `cond`,
/// `src`) of an op pattern's bindings, in field order.
macro_rules! op_read {
    ($r:ident, $i:ident, a, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, b, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, addr, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, val, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, cond, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, sel, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, src, $v:ident) => {
        $r[$i] = Some($v);
        $i += 1;
    };
    ($r:ident, $i:ident, $other:ident, $v:ident) => {
        let _ = $v;
    };
}

/// `return Some(dst)` for op `$name` when its first operand field is `dst`.
macro_rules! op_dst {
    ($s:ident, $name:ident; dst $(, $rest:ident)*) => {
        if let Op::$name { dst, .. } = $s {
            return Some(dst);
        }
    };
    ($s:ident, $name:ident; $($rest:ident),*) => {};
}

for_each_op!(define_op);

#[cfg(test)]
mod tests;
