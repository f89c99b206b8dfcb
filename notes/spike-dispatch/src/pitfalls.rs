//! Variants of one handler, each ending in a call to the next handler in tail position,
//! to see in the release assembly which ones LLVM turns into `jmp` (see REPORT.md).
//! Never executed; `keep` only stops the linker from dropping them.

use std::hint::black_box;

type H6 = unsafe fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8) -> u32;
type H7 = unsafe fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8, u64) -> u32;
type H8 = unsafe fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8, u64, u64) -> u32;
#[allow(improper_ctypes_definitions)]
type H7Sysv = unsafe extern "sysv64" fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8, f64) -> u32;
type HBig = unsafe fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8) -> Big;
type HRes = unsafe fn(*const u64, *mut u64, u64, *mut u8, usize, *mut u8) -> Result<(), Box<str>>;
type HRef = unsafe fn(*const u64, &mut Regs, *mut u8) -> u32;

#[derive(Clone, Copy)]
pub struct Big(pub u64, pub u64, pub u64);
pub struct Regs {
    pub fp: *mut u64,
    pub gas: u64,
}
pub struct Guard(pub *mut u64);
impl Drop for Guard {
    fn drop(&mut self) {
        unsafe { *self.0 += 1 }
    }
}

#[inline(always)]
unsafe fn next<T: Copy>(ip: *const u64) -> T {
    std::mem::transmute_copy::<u64, T>(&*ip)
}

/// baseline: 6 integer args, u32 result
#[inline(never)]
pub unsafe fn p_base(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    *fp += 1;
    next::<H6>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// a local with drop glue alive across the call
#[inline(never)]
pub unsafe fn p_drop(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    let _g = Guard(fp);
    next::<H6>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// the address of a local escapes (to a non-inlined function) before the call
#[inline(never)]
pub unsafe fn p_addr(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    let mut tmp = *fp;
    black_box(&mut tmp);
    *fp = tmp;
    next::<H6>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// a cold panic path: does it block the sibling call on the hot path?
#[inline(never)]
pub unsafe fn p_panic(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    let i = *ip as usize;
    let v = std::slice::from_raw_parts(fp, ml)[i]; // bounds check -> panic path
    *fp = v;
    next::<H6>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// a non-inlined (possibly unwinding) call before the tail call
#[inline(never)]
pub unsafe fn p_opaque(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    *fp = black_box(*fp);
    next::<H6>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// 7 integer args (one on the stack on SysV x86-64), same signature both sides
#[inline(never)]
pub unsafe fn p_seven(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8, x: u64) -> u32 {
    *fp += x;
    next::<H7>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx, x + 1)
}
/// 8 integer args
#[inline(never)]
pub unsafe fn p_eight(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8, x: u64, y: u64) -> u32 {
    *fp += x;
    next::<H8>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx, y, x)
}
/// 6 integer args + a float arg (xmm register): the wasmi trick for a 7th value
#[allow(improper_ctypes_definitions)]
#[inline(never)]
pub unsafe extern "sysv64" fn p_float(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8, x: f64) -> u32 {
    *fp += x.to_bits();
    next::<H7Sysv>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx, x)
}
/// caller returns u32 but calls a handler of another signature (mismatch)
#[inline(never)]
pub unsafe fn p_mismatch(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> u32 {
    next::<H7>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx, 7)
}
/// a 24-byte result returned through a hidden pointer (sret)
#[inline(never)]
pub unsafe fn p_big(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> Big {
    *fp += 1;
    next::<HBig>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// Result<(), Box<str>> (two words, in registers)
#[inline(never)]
pub unsafe fn p_result(ip: *const u64, fp: *mut u64, gas: u64, m: *mut u8, ml: usize, cx: *mut u8) -> Result<(), Box<str>> {
    *fp += 1;
    next::<HRes>(ip.add(1))(ip.add(1), fp, gas, m, ml, cx)
}
/// state passed as &mut Regs owned by the *caller's caller* (fine: not a local)
#[inline(never)]
pub unsafe fn p_regs(ip: *const u64, r: &mut Regs, cx: *mut u8) -> u32 {
    r.gas -= 1;
    next::<HRef>(ip.add(1))(ip.add(1), r, cx)
}
/// state in a local struct passed by reference to the next handler
#[inline(never)]
pub unsafe fn p_localref(ip: *const u64, r: &mut Regs, cx: *mut u8) -> u32 {
    let mut mine = Regs { fp: r.fp, gas: r.gas - 1 };
    next::<HRef>(ip.add(1))(ip.add(1), &mut mine, cx)
}

pub fn keep() {
    black_box(p_base as H6);
    black_box(p_drop as H6);
    black_box(p_addr as H6);
    black_box(p_panic as H6);
    black_box(p_opaque as H6);
    black_box(p_seven as H7);
    black_box(p_eight as H8);
    black_box(p_float as H7Sysv);
    black_box(p_mismatch as H6);
    black_box(p_big as HBig);
    black_box(p_result as HRes);
    black_box(p_regs as HRef);
    black_box(p_localref as HRef);
}
