//! A per-thread counting global allocator for memory-bound tests (tests/flood.rs,
//! tests/hostile.rs): it forwards every call to `System` and counts the bytes each
//! thread holds and their peak, so a case run on one test thread is measured apart
//! from the others running in parallel. A test binary installs it with
//! `#[global_allocator] static ALLOCATOR: Counting = Counting;` and measures with
//! `peak_heap`. Depends on std only.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The counting allocator.
pub struct Counting;

thread_local! {
    static HELD: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn note(delta: i64) {
    let _ = HELD.try_with(|h| {
        let now = h.get() + delta;
        h.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

fn size_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            note(size_i64(layout.size()));
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            note(size_i64(layout.size()));
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-size_i64(layout.size()));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            note(size_i64(new_size) - size_i64(layout.size()));
        }
        p
    }
}

/// The bytes this thread holds now (allocated and not yet freed by it).
#[allow(dead_code)] // not every user needs it
pub fn held_heap() -> u64 {
    u64::try_from(HELD.with(Cell::get)).unwrap_or(0)
}

/// Runs `f` and returns its result with the peak of bytes this thread held beyond
/// what it held at the start (0 if it never rose above).
pub fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let base = HELD.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, u64::try_from(peak - base).unwrap_or(0))
}
