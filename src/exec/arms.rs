//! The arms of the interpreter that both dispatch backends share: every op whose
//! semantics needs nothing but the frame slots, the current memory, the current
//! instance's globals and control flow inside the current function (or a return).
//! `pure_arms!($m)` calls `$m!` with rows `Name { fields } => body,`; each backend
//! (`Machine::run`'s `loop { match }` and `tail`'s handlers) defines the macros the
//! bodies use, over its own registers:
//!
//! - `sl!(slot)` / `ssl!(slot, v)`: read / write a frame slot;
//! - `tri!(result)`: the value or a trap (which `un!`, `bin!` and `bin_trap!`,
//!   defined here over `sl!`, `ssl!` and `tri!`, use: `dst = f(a)`, `dst = f(a, b)`,
//!   the latter trapping when `f` returns `Err(TrapCode)`);
//! - `fault!(code)`: trap with `code` at this op;
//! - `load!`, `store!`: a bounds-checked access of the current memory at an
//!   address value (`u32`) plus a static offset;
//! - `branch_to!(target)`: a jump inside the body, which charges the target's
//!   segment head when it can be paid;
//! - `enter_segment!(target, gas)`, `br_if!(target, cond)`: a jump to the op after a
//!   segment head, charging the head's `gas` (for `br_if!`, from its `Refund`),
//!   and switching to step mode when it cannot be paid; `br_if!` also takes back,
//!   when taken, the prepaid gas its `Refund` names, and steps over that `Refund`
//!   when not;
//! - `moves!()`: the `Moves` data op after a branch; `skip!(n)`: step over `n` data
//!   ops; `peek!(i)`: the `i`-th op after this one (data of a `BrTable`);
//! - `ret!(slot)`: return with the results at `slot..`;
//! - `global_get!(i)`, `global_set!(i, v)`: global `i` of the current instance;
//!   `memory_pages!()`: the size of the current memory in pages.
//!
//! An op listed here runs the same code in both backends; an op not listed here has
//! an arm in `Machine::run` and, where it is hot, its own handler in `tail`.

/// `dst = f(a)`: reads slot `$a` as `$inp`, writes `$e` as `$out` into slot `$dst`,
/// with the invoking backend's `sl!` and `ssl!`.
macro_rules! un {
    ($dst:expr, $a:expr, $inp:ident, $out:ident, |$x:ident| $e:expr) => {{
        let $x = $inp(sl!($a));
        ssl!($dst, $out($e));
    }};
}

/// `dst = f(a, b)`, as `un!`.
macro_rules! bin {
    ($dst:expr, $a:expr, $b:expr, $inp:ident, $out:ident, |$x:ident, $y:ident| $e:expr) => {{
        let $y = $inp(sl!($b));
        let $x = $inp(sl!($a));
        ssl!($dst, $out($e));
    }};
}

/// `dst = f(a, b)` where `f` returns `Err(TrapCode)` to trap, with the invoking
/// backend's `tri!`.
macro_rules! bin_trap {
    ($dst:expr, $a:expr, $b:expr, $inp:ident, $out:ident, |$x:ident, $y:ident| $e:expr) => {{
        let $y = $inp(sl!($b));
        let $x = $inp(sl!($a));
        let r = tri!($e);
        ssl!($dst, $out(r));
    }};
}

/// Calls `$m!` with the shared arms (see the module docs).
macro_rules! pure_arms {
    ($m:ident) => {
        $m! {
        Moves { .. } => fault!(TrapCode::Internal),
        Refund { .. } => fault!(TrapCode::Internal),
        BrTableEntry { .. } => fault!(TrapCode::Internal),
        BrTableJump { .. } => fault!(TrapCode::Internal),
        Br { target } => {
            moves!();
            branch_to!(target);
        },
        BrIfNezMove { target, cond } => {
            if sl!(cond) as u32 != 0 {
                moves!();
                branch_to!(target);
            } else {
                // Fall through past the `Moves` data op.
                skip!(1);
            }
        },
        ReturnIfNez { cond, results } => {
            if sl!(cond) as u32 != 0 {
                ret!(results);
            }
        },
        Return { results } => ret!(results),
        BrTable { len, sel, top } => {
            let i = (sl!(sel) as u32).min(len) as usize;
            // The `len + 1` `BrTableEntry` data ops follow the `BrTable`.
            match peek!(i) {
                Op::BrTableJump { target, gas } => enter_segment!(target, gas),
                Op::BrTableEntry { target, to, keep } => {
                    let from = top - keep;
                    if target == u32::MAX {
                        ret!(from);
                    } else {
                        for j in 0..keep {
                            ssl!(to + j, sl!(from + j));
                        }
                        branch_to!(target);
                    }
                }
                _ => fault!(TrapCode::Internal),
            }
        },
        GlobalGet { dst, global: i } => ssl!(dst, global_get!(i)),
        GlobalSet { src, global: i } => global_set!(i, sl!(src)),
        MemorySize { dst } => ssl!(dst, memory_pages!()),
        Unreachable {} => fault!(TrapCode::Unreachable),
        Jump { target: t, gas: n } => enter_segment!(t, n),
        BrIfNez { target, cond } => br_if!(target, sl!(cond) as u32 != 0),
        BrIfI32Eq { target, a, b } => br_if!(target, u32v(sl!(a)) == u32v(sl!(b))),
        BrIfI32Ne { target, a, b } => br_if!(target, u32v(sl!(a)) != u32v(sl!(b))),
        BrIfI32LtS { target, a, b } => br_if!(target, i32v(sl!(a)) < i32v(sl!(b))),
        BrIfI32LtU { target, a, b } => br_if!(target, u32v(sl!(a)) < u32v(sl!(b))),
        BrIfI32GtS { target, a, b } => br_if!(target, i32v(sl!(a)) > i32v(sl!(b))),
        BrIfI32GtU { target, a, b } => br_if!(target, u32v(sl!(a)) > u32v(sl!(b))),
        BrIfI32LeS { target, a, b } => br_if!(target, i32v(sl!(a)) <= i32v(sl!(b))),
        BrIfI32LeU { target, a, b } => br_if!(target, u32v(sl!(a)) <= u32v(sl!(b))),
        BrIfI32GeS { target, a, b } => br_if!(target, i32v(sl!(a)) >= i32v(sl!(b))),
        BrIfI32GeU { target, a, b } => br_if!(target, u32v(sl!(a)) >= u32v(sl!(b))),
        BrIfI64Eq { target, a, b } => br_if!(target, u64v(sl!(a)) == u64v(sl!(b))),
        BrIfI64Ne { target, a, b } => br_if!(target, u64v(sl!(a)) != u64v(sl!(b))),
        BrIfI64LtS { target, a, b } => br_if!(target, i64v(sl!(a)) < i64v(sl!(b))),
        BrIfI64LtU { target, a, b } => br_if!(target, u64v(sl!(a)) < u64v(sl!(b))),
        BrIfI64GtS { target, a, b } => br_if!(target, i64v(sl!(a)) > i64v(sl!(b))),
        BrIfI64GtU { target, a, b } => br_if!(target, u64v(sl!(a)) > u64v(sl!(b))),
        BrIfI64LeS { target, a, b } => br_if!(target, i64v(sl!(a)) <= i64v(sl!(b))),
        BrIfI64LeU { target, a, b } => br_if!(target, u64v(sl!(a)) <= u64v(sl!(b))),
        BrIfI64GeS { target, a, b } => br_if!(target, i64v(sl!(a)) >= i64v(sl!(b))),
        BrIfI64GeU { target, a, b } => br_if!(target, u64v(sl!(a)) >= u64v(sl!(b))),
        BrIfI32EqImm { target, a, imm } => br_if!(target, u32v(sl!(a)) == imm),
        BrIfI32NeImm { target, a, imm } => br_if!(target, u32v(sl!(a)) != imm),
        BrIfI32LtSImm { target, a, imm } => br_if!(target, i32v(sl!(a)) < imm as i32),
        BrIfI32LtUImm { target, a, imm } => br_if!(target, u32v(sl!(a)) < imm),
        BrIfI32GtSImm { target, a, imm } => br_if!(target, i32v(sl!(a)) > imm as i32),
        BrIfI32GtUImm { target, a, imm } => br_if!(target, u32v(sl!(a)) > imm),
        BrIfI32LeSImm { target, a, imm } => br_if!(target, i32v(sl!(a)) <= imm as i32),
        BrIfI32LeUImm { target, a, imm } => br_if!(target, u32v(sl!(a)) <= imm),
        BrIfI32GeSImm { target, a, imm } => br_if!(target, i32v(sl!(a)) >= imm as i32),
        BrIfI32GeUImm { target, a, imm } => br_if!(target, u32v(sl!(a)) >= imm),
        BrIfEqz { target, cond } => br_if!(target, sl!(cond) as u32 == 0),
        BrIncIfI32Eq { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) == u32v(sl!(q)))
        },
        BrIncIfI32Ne { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) != u32v(sl!(q)))
        },
        BrIncIfI32LtS { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, i32v(sl!(p)) < i32v(sl!(q)))
        },
        BrIncIfI32LtU { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) < u32v(sl!(q)))
        },
        BrIncIfI32GtS { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, i32v(sl!(p)) > i32v(sl!(q)))
        },
        BrIncIfI32GtU { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) > u32v(sl!(q)))
        },
        BrIncIfI32LeS { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, i32v(sl!(p)) <= i32v(sl!(q)))
        },
        BrIncIfI32LeU { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) <= u32v(sl!(q)))
        },
        BrIncIfI32GeS { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, i32v(sl!(p)) >= i32v(sl!(q)))
        },
        BrIncIfI32GeU { target, x, add, p, q } => {
            ssl!(x, o_u32(u32v(sl!(x)).wrapping_add(add as u32)));
            br_if!(target, u32v(sl!(p)) >= u32v(sl!(q)))
        },
        BrIncIfI32EqImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v == imm)
        },
        BrIncIfI32NeImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v != imm)
        },
        BrIncIfI32LtSImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, (v as i32) < imm as i32)
        },
        BrIncIfI32LtUImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v < imm)
        },
        BrIncIfI32GtSImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, (v as i32) > imm as i32)
        },
        BrIncIfI32GtUImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v > imm)
        },
        BrIncIfI32LeSImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, (v as i32) <= imm as i32)
        },
        BrIncIfI32LeUImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v <= imm)
        },
        BrIncIfI32GeSImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, (v as i32) >= imm as i32)
        },
        BrIncIfI32GeUImm { target, x, add, imm } => {
            let v = u32v(sl!(x)).wrapping_add(add as u32);
            ssl!(x, o_u32(v));
            br_if!(target, v >= imm)
        },
        BrSumIfI32EqImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) == imm),
        BrSumIfI32NeImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) != imm),
        BrSumIfI32LtSImm { target, s, add, imm } => br_if!(target, (u32v(sl!(s)).wrapping_add(add as u32) as i32) < imm as i32),
        BrSumIfI32LtUImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) < imm),
        BrSumIfI32GtSImm { target, s, add, imm } => br_if!(target, (u32v(sl!(s)).wrapping_add(add as u32) as i32) > imm as i32),
        BrSumIfI32GtUImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) > imm),
        BrSumIfI32LeSImm { target, s, add, imm } => br_if!(target, (u32v(sl!(s)).wrapping_add(add as u32) as i32) <= imm as i32),
        BrSumIfI32LeUImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) <= imm),
        BrSumIfI32GeSImm { target, s, add, imm } => br_if!(target, (u32v(sl!(s)).wrapping_add(add as u32) as i32) >= imm as i32),
        BrSumIfI32GeUImm { target, s, add, imm } => br_if!(target, u32v(sl!(s)).wrapping_add(add as u32) >= imm),
        BrIncIfNez { target, x, add } => {
            let v = u32v(sl!(x)).wrapping_add(add);
            ssl!(x, o_u32(v));
            br_if!(target, v != 0)
        },
        BrIncIfEqz { target, x, add } => {
            let v = u32v(sl!(x)).wrapping_add(add);
            ssl!(x, o_u32(v));
            br_if!(target, v == 0)
        },
        Drop {} => {},
        Select { s } => {
            if sl!(s + 2) as u32 == 0 {
                ssl!(s, sl!(s + 1));
            }
        },
        Copy { dst, src } => ssl!(dst, sl!(src)),
        Copy2 { d0, s0, d1, s1 } => {
            ssl!(d0, sl!(s0));
            ssl!(d1, sl!(s1));
        },
        Const { dst, value } => ssl!(dst, value),
        Reinterpret { dst, a } => ssl!(dst, sl!(a)),
        RefIsNull { dst, a } => un!(dst, a, u64v, o_bool, |x| x == 0),
        I32Load { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 4, |b| u64::from(u32::from_le_bytes(b))),
        I64Load { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 8, |b| u64::from_le_bytes(b)),
        F32Load { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 4, |b| u64::from(u32::from_le_bytes(b))),
        F64Load { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 8, |b| u64::from_le_bytes(b)),
        I32Load8S { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 1, |b| o_i32(i32::from(b[0] as i8))),
        I32Load8U { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 1, |b| u64::from(b[0])),
        I32Load16S { dst, addr, offset: o } => {
            load!(dst, u32v(sl!(addr)), o, 2, |b| o_i32(i32::from(i16::from_le_bytes(b))))
        },
        I32Load16U { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 2, |b| u64::from(u16::from_le_bytes(b))),
        I64Load8S { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 1, |b| o_i64(i64::from(b[0] as i8))),
        I64Load8U { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 1, |b| u64::from(b[0])),
        I64Load16S { dst, addr, offset: o } => {
            load!(dst, u32v(sl!(addr)), o, 2, |b| o_i64(i64::from(i16::from_le_bytes(b))))
        },
        I64Load16U { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 2, |b| u64::from(u16::from_le_bytes(b))),
        I64Load32S { dst, addr, offset: o } => {
            load!(dst, u32v(sl!(addr)), o, 4, |b| o_i64(i64::from(i32::from_le_bytes(b))))
        },
        I64Load32U { dst, addr, offset: o } => load!(dst, u32v(sl!(addr)), o, 4, |b| u64::from(u32::from_le_bytes(b))),
        I32LoadAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        I32LoadAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        I64LoadAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        I64LoadAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        F32LoadAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        F32LoadAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        F64LoadAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        F64LoadAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        I32Load8SAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 1, |b| o_i32(i32::from(b[0] as i8)))
        },
        I32Load8SAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 1, |b| o_i32(i32::from(b[0] as i8)))
        },
        I32Load8UAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 1, |b| u64::from(b[0]))
        },
        I32Load8UAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 1, |b| u64::from(b[0]))
        },
        I32Load16SAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 2, |b| o_i32(i32::from(i16::from_le_bytes(b))))
        },
        I32Load16SAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 2, |b| o_i32(i32::from(i16::from_le_bytes(b))))
        },
        I32Load16UAddImm { dst, a, imm } => {
            load!(dst, u32v(sl!(a)).wrapping_add(imm), 0u32, 2, |b| u64::from(u16::from_le_bytes(b)))
        },
        I32Load16UAdd { dst, a, b } => {
            load!(dst, u32v(sl!(a)).wrapping_add(u32v(sl!(b))), 0u32, 2, |b| u64::from(u16::from_le_bytes(b)))
        },
        I32LoadShlAddImm { dst, x, sh, imm } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(imm), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        I32LoadShlAdd { dst, x, sh, y } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(u32v(sl!(y))), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        I64LoadShlAddImm { dst, x, sh, imm } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(imm), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        I64LoadShlAdd { dst, x, sh, y } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(u32v(sl!(y))), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        F32LoadShlAddImm { dst, x, sh, imm } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(imm), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        F32LoadShlAdd { dst, x, sh, y } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(u32v(sl!(y))), 0u32, 4, |b| u64::from(u32::from_le_bytes(b)))
        },
        F64LoadShlAddImm { dst, x, sh, imm } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(imm), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        F64LoadShlAdd { dst, x, sh, y } => {
            load!(dst, u32v(sl!(x)).wrapping_shl(u32::from(sh)).wrapping_add(u32v(sl!(y))), 0u32, 8, |b| u64::from_le_bytes(b))
        },
        I32Store { addr, val, offset: o } => store!(u32v(sl!(addr)), sl!(val), o, 4, |v| (v as u32).to_le_bytes()),
        I64Store { addr, val, offset: o } => store!(u32v(sl!(addr)), sl!(val), o, 8, |v| v.to_le_bytes()),
        F32Store { addr, val, offset: o } => store!(u32v(sl!(addr)), sl!(val), o, 4, |v| (v as u32).to_le_bytes()),
        F64Store { addr, val, offset: o } => store!(u32v(sl!(addr)), sl!(val), o, 8, |v| v.to_le_bytes()),
        I32Store8 { addr, val, offset: o } => {
            store!(u32v(sl!(addr)), sl!(val), o, 1, |v| [v as u8])
        },
        I64Store8 { addr, val, offset: o } => {
            store!(u32v(sl!(addr)), sl!(val), o, 1, |v| [v as u8])
        },
        I32Store16 { addr, val, offset: o } => {
            store!(u32v(sl!(addr)), sl!(val), o, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store16 { addr, val, offset: o } => {
            store!(u32v(sl!(addr)), sl!(val), o, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store32 { addr, val, offset: o } => store!(u32v(sl!(addr)), sl!(val), o, 4, |v| (v as u32).to_le_bytes()),
        I32StoreImm { addr, imm, offset: o } => {
            store!(u32v(sl!(addr)), u64::from(imm), o, 4, |v| (v as u32).to_le_bytes())
        },
        I32Store8Imm { addr, imm, offset: o } => store!(u32v(sl!(addr)), u64::from(imm), o, 1, |v| [v as u8]),
        I32Store16Imm { addr, imm, offset: o } => {
            store!(u32v(sl!(addr)), u64::from(imm), o, 2, |v| (v as u16).to_le_bytes())
        },
        I64StoreImm { addr, imm, offset: o } => {
            store!(u32v(sl!(addr)), o_i64(i64::from(imm as i32)), o, 8, |v| v.to_le_bytes())
        },
        I64Store8Imm { addr, imm, offset: o } => store!(u32v(sl!(addr)), u64::from(imm), o, 1, |v| [v as u8]),
        I64Store16Imm { addr, imm, offset: o } => {
            store!(u32v(sl!(addr)), u64::from(imm), o, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store32Imm { addr, imm, offset: o } => {
            store!(u32v(sl!(addr)), u64::from(imm), o, 4, |v| (v as u32).to_le_bytes())
        },
        I32StoreAddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I32StoreAdd { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I64StoreAddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 8, |v| v.to_le_bytes())
        },
        I64StoreAdd { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 8, |v| v.to_le_bytes())
        },
        F32StoreAddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        F32StoreAdd { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        F64AddStore { at, x, y, offset: o } => {
            let v = float::f64_add(u64v(sl!(x)), u64v(sl!(y)));
            store!(u32v(sl!(at)), v, o, 8, |v| v.to_le_bytes())
        },
        F64SubStore { at, x, y, offset: o } => {
            let v = float::f64_sub(u64v(sl!(x)), u64v(sl!(y)));
            store!(u32v(sl!(at)), v, o, 8, |v| v.to_le_bytes())
        },
        F64MulStore { at, x, y, offset: o } => {
            let v = float::f64_mul(u64v(sl!(x)), u64v(sl!(y)));
            store!(u32v(sl!(at)), v, o, 8, |v| v.to_le_bytes())
        },
        F64MulAdd { dst, x, y, z } => {
            let m = float::f64_mul(u64v(sl!(x)), u64v(sl!(y)));
            ssl!(dst, float::f64_add(m, u64v(sl!(z))))
        },
        I32MulShrUImm { dst, x, sh, mul } => {
            un!(dst, x, u32v, o_u32, |v| v.wrapping_mul(mul).wrapping_shr(u32::from(sh)))
        },
        I32ShrUAndImm { dst, x, sh, mask } => {
            un!(dst, x, u32v, o_u32, |v| v.wrapping_shr(u32::from(sh)) & mask)
        },
        F64StoreAddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 8, |v| v.to_le_bytes())
        },
        F64StoreAdd { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 8, |v| v.to_le_bytes())
        },
        I32Store8AddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 1, |v| [v as u8])
        },
        I32Store8Add { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 1, |v| [v as u8])
        },
        I32Store16AddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I32Store16Add { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store8AddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 1, |v| [v as u8])
        },
        I64Store8Add { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 1, |v| [v as u8])
        },
        I64Store16AddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store16Add { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store32AddImm { a, imm, v } => {
            store!(u32v(sl!(a)).wrapping_add(imm), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I64Store32Add { a, b, v } => {
            store!(u32v(sl!(a)).wrapping_add(u32v(sl!(b))), sl!(v), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I32StoreImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I32Store8ImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 1, |v| [v as u8])
        },
        I32Store16ImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I64StoreImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), o_i64(i64::from(imm as i32)), 0u32, 8, |v| v.to_le_bytes())
        },
        I64Store8ImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 1, |v| [v as u8])
        },
        I64Store16ImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 2, |v| (v as u16).to_le_bytes())
        },
        I64Store32ImmAddImm { a, add, imm } => {
            store!(u32v(sl!(a)).wrapping_add(add), u64::from(imm), 0u32, 4, |v| (v as u32).to_le_bytes())
        },
        I32AddImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x.wrapping_add(c)),
        I32MulImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x.wrapping_mul(c)),
        I32AndImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x & c),
        I32OrImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x | c),
        I32XorImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x ^ c),
        I32ShlImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x.wrapping_shl(c)),
        I32ShrSImm { dst, a, imm: c } => {
            un!(dst, a, i32v, o_i32, |x| x.wrapping_shr(c))
        },
        I32ShrUImm { dst, a, imm: c } => {
            un!(dst, a, u32v, o_u32, |x| x.wrapping_shr(c))
        },
        I32RotlImm { dst, a, imm: c } => un!(dst, a, u32v, o_u32, |x| x.rotate_left(c)),
        I32RotrImm { dst, a, imm: c } => {
            un!(dst, a, u32v, o_u32, |x| x.rotate_right(c))
        },
        I64RotlImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.rotate_left(sx(c) as u32))
        },
        I64RotrImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.rotate_right(sx(c) as u32))
        },
        I32EqImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x == c),
        I32NeImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x != c),
        I32LtSImm { dst, a, imm: c } => un!(dst, a, i32v, o_bool, |x| x < c as i32),
        I32LtUImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x < c),
        I32GtSImm { dst, a, imm: c } => un!(dst, a, i32v, o_bool, |x| x > c as i32),
        I32GtUImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x > c),
        I32LeSImm { dst, a, imm: c } => un!(dst, a, i32v, o_bool, |x| x <= c as i32),
        I32LeUImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x <= c),
        I32GeSImm { dst, a, imm: c } => un!(dst, a, i32v, o_bool, |x| x >= c as i32),
        I32GeUImm { dst, a, imm: c } => un!(dst, a, u32v, o_bool, |x| x >= c),
        I64AddImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.wrapping_add(sx(c)))
        },
        I64MulImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.wrapping_mul(sx(c)))
        },
        I64AndImm { dst, a, imm: c } => un!(dst, a, u64v, o_u64, |x| x & sx(c)),
        I64OrImm { dst, a, imm: c } => un!(dst, a, u64v, o_u64, |x| x | sx(c)),
        I64XorImm { dst, a, imm: c } => un!(dst, a, u64v, o_u64, |x| x ^ sx(c)),
        I64ShlImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.wrapping_shl(sx(c) as u32))
        },
        I64ShrSImm { dst, a, imm: c } => {
            un!(dst, a, i64v, o_i64, |x| x.wrapping_shr(sx(c) as u32))
        },
        I64ShrUImm { dst, a, imm: c } => {
            un!(dst, a, u64v, o_u64, |x| x.wrapping_shr(sx(c) as u32))
        },
        I32AddShl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p.wrapping_add(q.wrapping_shl(u32::from(sh))))
        },
        I32AddShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p.wrapping_add(q.wrapping_shr(u32::from(sh))))
        },
        I32AddRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p.wrapping_add(q.rotate_left(u32::from(sh))))
        },
        I32OrShl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p | q.wrapping_shl(u32::from(sh)))
        },
        I32OrShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p | q.wrapping_shr(u32::from(sh)))
        },
        I32OrRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p | q.rotate_left(u32::from(sh)))
        },
        I32XorShl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p ^ q.wrapping_shl(u32::from(sh)))
        },
        I32XorShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p ^ q.wrapping_shr(u32::from(sh)))
        },
        I32XorRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u32v, o_u32, |p, q| p ^ q.rotate_left(u32::from(sh)))
        },
        I64AddShl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p.wrapping_add(q.wrapping_shl(u32::from(sh))))
        },
        I64AddShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p.wrapping_add(q.wrapping_shr(u32::from(sh))))
        },
        I64AddRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p.wrapping_add(q.rotate_left(u32::from(sh))))
        },
        I64OrShl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p | q.wrapping_shl(u32::from(sh)))
        },
        I64OrShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p | q.wrapping_shr(u32::from(sh)))
        },
        I64OrRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p | q.rotate_left(u32::from(sh)))
        },
        I64XorShl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p ^ q.wrapping_shl(u32::from(sh)))
        },
        I64XorShrU { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p ^ q.wrapping_shr(u32::from(sh)))
        },
        I64XorRotl { dst, a, x, sh } => {
            bin!(dst, a, x, u64v, o_u64, |p, q| p ^ q.rotate_left(u32::from(sh)))
        },
        I64EqImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x == sx(c)),
        I64NeImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x != sx(c)),
        I64LtSImm { dst, a, imm: c } => un!(dst, a, i64v, o_bool, |x| x < sx(c) as i64),
        I64LtUImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x < sx(c)),
        I64GtSImm { dst, a, imm: c } => un!(dst, a, i64v, o_bool, |x| x > sx(c) as i64),
        I64GtUImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x > sx(c)),
        I64LeSImm { dst, a, imm: c } => {
            un!(dst, a, i64v, o_bool, |x| x <= sx(c) as i64)
        },
        I64LeUImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x <= sx(c)),
        I64GeSImm { dst, a, imm: c } => {
            un!(dst, a, i64v, o_bool, |x| x >= sx(c) as i64)
        },
        I64GeUImm { dst, a, imm: c } => un!(dst, a, u64v, o_bool, |x| x >= sx(c)),
        I32Eqz { dst, a } => un!(dst, a, u32v, o_bool, |a| a == 0),
        I32Eq { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a == b),
        I32Ne { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a != b),
        I32LtS { dst, a, b } => bin!(dst, a, b, i32v, o_bool, |a, b| a < b),
        I32LtU { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a < b),
        I32GtS { dst, a, b } => bin!(dst, a, b, i32v, o_bool, |a, b| a > b),
        I32GtU { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a > b),
        I32LeS { dst, a, b } => bin!(dst, a, b, i32v, o_bool, |a, b| a <= b),
        I32LeU { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a <= b),
        I32GeS { dst, a, b } => bin!(dst, a, b, i32v, o_bool, |a, b| a >= b),
        I32GeU { dst, a, b } => bin!(dst, a, b, u32v, o_bool, |a, b| a >= b),
        I32Clz { dst, a } => un!(dst, a, u32v, o_u32, |a| a.leading_zeros()),
        I32Ctz { dst, a } => un!(dst, a, u32v, o_u32, |a| a.trailing_zeros()),
        I32Popcnt { dst, a } => un!(dst, a, u32v, o_u32, |a| a.count_ones()),
        I32Add { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.wrapping_add(b)),
        I32Sub { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.wrapping_sub(b)),
        I32Mul { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.wrapping_mul(b)),
        I32DivS { dst, a, b } => bin_trap!(dst, a, b, i32v, o_i32, |a, b| idiv32(a, b)),
        I32DivU { dst, a, b } => bin_trap!(dst, a, b, u32v, o_u32, |a, b| a
            .checked_div(b)
            .ok_or(TrapCode::IntegerDivideByZero)),
        I32RemS { dst, a, b } => bin_trap!(dst, a, b, i32v, o_i32, |a, b| if b == 0 {
            Err(TrapCode::IntegerDivideByZero)
        } else {
            Ok(a.wrapping_rem(b))
        }),
        I32RemU { dst, a, b } => bin_trap!(dst, a, b, u32v, o_u32, |a, b| a
            .checked_rem(b)
            .ok_or(TrapCode::IntegerDivideByZero)),
        I32And { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a & b),
        I32Or { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a | b),
        I32Xor { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a ^ b),
        I32Shl { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.wrapping_shl(b)),
        I32ShrS { dst, a, b } => {
            bin!(dst, a, b, i32v, o_i32, |a, b| a.wrapping_shr(b as u32))
        },
        I32ShrU { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.wrapping_shr(b)),
        I32Rotl { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.rotate_left(b)),
        I32Rotr { dst, a, b } => bin!(dst, a, b, u32v, o_u32, |a, b| a.rotate_right(b)),
        I64Eqz { dst, a } => un!(dst, a, u64v, o_bool, |a| a == 0),
        I64Eq { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a == b),
        I64Ne { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a != b),
        I64LtS { dst, a, b } => bin!(dst, a, b, i64v, o_bool, |a, b| a < b),
        I64LtU { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a < b),
        I64GtS { dst, a, b } => bin!(dst, a, b, i64v, o_bool, |a, b| a > b),
        I64GtU { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a > b),
        I64LeS { dst, a, b } => bin!(dst, a, b, i64v, o_bool, |a, b| a <= b),
        I64LeU { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a <= b),
        I64GeS { dst, a, b } => bin!(dst, a, b, i64v, o_bool, |a, b| a >= b),
        I64GeU { dst, a, b } => bin!(dst, a, b, u64v, o_bool, |a, b| a >= b),
        I64Clz { dst, a } => un!(dst, a, u64v, o_u64, |a| u64::from(a.leading_zeros())),
        I64Ctz { dst, a } => {
            un!(dst, a, u64v, o_u64, |a| u64::from(a.trailing_zeros()))
        },
        I64Popcnt { dst, a } => un!(dst, a, u64v, o_u64, |a| u64::from(a.count_ones())),
        I64Add { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a.wrapping_add(b)),
        I64Sub { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a.wrapping_sub(b)),
        I64Mul { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a.wrapping_mul(b)),
        I64DivS { dst, a, b } => bin_trap!(dst, a, b, i64v, o_i64, |a, b| idiv64(a, b)),
        I64DivU { dst, a, b } => bin_trap!(dst, a, b, u64v, o_u64, |a, b| a
            .checked_div(b)
            .ok_or(TrapCode::IntegerDivideByZero)),
        I64RemS { dst, a, b } => bin_trap!(dst, a, b, i64v, o_i64, |a, b| if b == 0 {
            Err(TrapCode::IntegerDivideByZero)
        } else {
            Ok(a.wrapping_rem(b))
        }),
        I64RemU { dst, a, b } => bin_trap!(dst, a, b, u64v, o_u64, |a, b| a
            .checked_rem(b)
            .ok_or(TrapCode::IntegerDivideByZero)),
        I64And { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a & b),
        I64Or { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a | b),
        I64Xor { dst, a, b } => bin!(dst, a, b, u64v, o_u64, |a, b| a ^ b),
        I64Shl { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| a.wrapping_shl(b as u32))
        },
        I64ShrS { dst, a, b } => {
            bin!(dst, a, b, i64v, o_i64, |a, b| a.wrapping_shr(b as u32))
        },
        I64ShrU { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| a.wrapping_shr(b as u32))
        },
        I64Rotl { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| a.rotate_left(b as u32))
        },
        I64Rotr { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| a.rotate_right(b as u32))
        },
        F32Eq { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_eq(a, b))
        },
        F32Ne { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_ne(a, b))
        },
        F32Lt { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_lt(a, b))
        },
        F32Gt { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_gt(a, b))
        },
        F32Le { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_le(a, b))
        },
        F32Ge { dst, a, b } => {
            bin!(dst, a, b, u32v, o_bool, |a, b| float::f32_ge(a, b))
        },
        F32Abs { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_abs(a)),
        F32Neg { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_neg(a)),
        F32Ceil { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_ceil(a)),
        F32Floor { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_floor(a)),
        F32Trunc { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_trunc(a)),
        F32Nearest { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_nearest(a)),
        F32Sqrt { dst, a } => un!(dst, a, u32v, o_u32, |a| float::f32_sqrt(a)),
        F32Add { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_add(a, b))
        },
        F32Sub { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_sub(a, b))
        },
        F32Mul { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_mul(a, b))
        },
        F32Div { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_div(a, b))
        },
        F32Min { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_min(a, b))
        },
        F32Max { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_max(a, b))
        },
        F32Copysign { dst, a, b } => {
            bin!(dst, a, b, u32v, o_u32, |a, b| float::f32_copysign(a, b))
        },
        F64Eq { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_eq(a, b))
        },
        F64Ne { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_ne(a, b))
        },
        F64Lt { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_lt(a, b))
        },
        F64Gt { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_gt(a, b))
        },
        F64Le { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_le(a, b))
        },
        F64Ge { dst, a, b } => {
            bin!(dst, a, b, u64v, o_bool, |a, b| float::f64_ge(a, b))
        },
        F64Abs { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_abs(a)),
        F64Neg { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_neg(a)),
        F64Ceil { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_ceil(a)),
        F64Floor { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_floor(a)),
        F64Trunc { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_trunc(a)),
        F64Nearest { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_nearest(a)),
        F64Sqrt { dst, a } => un!(dst, a, u64v, o_u64, |a| float::f64_sqrt(a)),
        F64Add { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_add(a, b))
        },
        F64Sub { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_sub(a, b))
        },
        F64Mul { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_mul(a, b))
        },
        F64Div { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_div(a, b))
        },
        F64Min { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_min(a, b))
        },
        F64Max { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_max(a, b))
        },
        F64Copysign { dst, a, b } => {
            bin!(dst, a, b, u64v, o_u64, |a, b| float::f64_copysign(a, b))
        },
        I32WrapI64 { dst, a } => un!(dst, a, u64v, o_u32, |a| a as u32),
        I32TruncF32S { dst, a } => {
            let r = tri!(trunc(float::i32_trunc_f32_s(sl!(a) as u32)));
            ssl!(dst, o_i32(r));
        },
        I32TruncF32U { dst, a } => {
            let r = tri!(trunc(float::i32_trunc_f32_u(sl!(a) as u32)));
            ssl!(dst, o_u32(r));
        },
        I32TruncF64S { dst, a } => {
            let r = tri!(trunc(float::i32_trunc_f64_s(sl!(a))));
            ssl!(dst, o_i32(r));
        },
        I32TruncF64U { dst, a } => {
            let r = tri!(trunc(float::i32_trunc_f64_u(sl!(a))));
            ssl!(dst, o_u32(r));
        },
        I64ExtendI32S { dst, a } => un!(dst, a, i32v, o_i64, |a| i64::from(a)),
        I64ExtendI32U { dst, a } => un!(dst, a, u32v, o_u64, |a| u64::from(a)),
        I64TruncF32S { dst, a } => {
            let r = tri!(trunc(float::i64_trunc_f32_s(sl!(a) as u32)));
            ssl!(dst, o_i64(r));
        },
        I64TruncF32U { dst, a } => {
            let r = tri!(trunc(float::i64_trunc_f32_u(sl!(a) as u32)));
            ssl!(dst, r);
        },
        I64TruncF64S { dst, a } => {
            let r = tri!(trunc(float::i64_trunc_f64_s(sl!(a))));
            ssl!(dst, o_i64(r));
        },
        I64TruncF64U { dst, a } => {
            let r = tri!(trunc(float::i64_trunc_f64_u(sl!(a))));
            ssl!(dst, r);
        },
        F32ConvertI32S { dst, a } => {
            un!(dst, a, i32v, o_u32, |a| float::f32_convert_i32_s(a))
        },
        F32ConvertI32U { dst, a } => {
            un!(dst, a, u32v, o_u32, |a| float::f32_convert_i32_u(a))
        },
        F32ConvertI64S { dst, a } => {
            un!(dst, a, i64v, o_u32, |a| float::f32_convert_i64_s(a))
        },
        F32ConvertI64U { dst, a } => {
            un!(dst, a, u64v, o_u32, |a| float::f32_convert_i64_u(a))
        },
        F32DemoteF64 { dst, a } => {
            un!(dst, a, u64v, o_u32, |a| float::f32_demote_f64(a))
        },
        F64ConvertI32S { dst, a } => {
            un!(dst, a, i32v, o_u64, |a| float::f64_convert_i32_s(a))
        },
        F64ConvertI32U { dst, a } => {
            un!(dst, a, u32v, o_u64, |a| float::f64_convert_i32_u(a))
        },
        F64ConvertI64S { dst, a } => {
            un!(dst, a, i64v, o_u64, |a| float::f64_convert_i64_s(a))
        },
        F64ConvertI64U { dst, a } => {
            un!(dst, a, u64v, o_u64, |a| float::f64_convert_i64_u(a))
        },
        F64PromoteF32 { dst, a } => {
            un!(dst, a, u32v, o_u64, |a| float::f64_promote_f32(a))
        },
        I32Extend8S { dst, a } => {
            un!(dst, a, u32v, o_i32, |a| i32::from(a as u8 as i8))
        },
        I32Extend16S { dst, a } => {
            un!(dst, a, u32v, o_i32, |a| i32::from(a as u16 as i16))
        },
        I64Extend8S { dst, a } => {
            un!(dst, a, u64v, o_i64, |a| i64::from(a as u8 as i8))
        },
        I64Extend16S { dst, a } => {
            un!(dst, a, u64v, o_i64, |a| i64::from(a as u16 as i16))
        },
        I64Extend32S { dst, a } => {
            un!(dst, a, u64v, o_i64, |a| i64::from(a as u32 as i32))
        },
        I32TruncSatF32S { dst, a } => {
            un!(dst, a, u32v, o_i32, |a| float::i32_trunc_sat_f32_s(a))
        },
        I32TruncSatF32U { dst, a } => {
            un!(dst, a, u32v, o_u32, |a| float::i32_trunc_sat_f32_u(a))
        },
        I32TruncSatF64S { dst, a } => {
            un!(dst, a, u64v, o_i32, |a| float::i32_trunc_sat_f64_s(a))
        },
        I32TruncSatF64U { dst, a } => {
            un!(dst, a, u64v, o_u32, |a| float::i32_trunc_sat_f64_u(a))
        },
        I64TruncSatF32S { dst, a } => {
            un!(dst, a, u32v, o_i64, |a| float::i64_trunc_sat_f32_s(a))
        },
        I64TruncSatF32U { dst, a } => {
            un!(dst, a, u32v, o_u64, |a| float::i64_trunc_sat_f32_u(a))
        },
        I64TruncSatF64S { dst, a } => {
            un!(dst, a, u64v, o_i64, |a| float::i64_trunc_sat_f64_s(a))
        },
        I64TruncSatF64U { dst, a } => {
            un!(dst, a, u64v, o_u64, |a| float::i64_trunc_sat_f64_u(a))
        },
        }
    };
}
