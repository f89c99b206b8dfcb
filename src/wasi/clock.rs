//! The virtual clock (SPEC.md §Host clock) and the `clock_res_get` / `clock_time_get`
//! calls. No host clock is ever read: time starts at the configured start and moves
//! only by the fixed step per observation and by `poll_oneoff` waits. Depends on
//! `errno`, `guest_mem`.

use super::errno::{CallResult, Errno};
use super::guest_mem::GuestMem;
use super::Wasi;

/// How far the clock moves after each observation, in nanoseconds (1 ms); also what
/// `clock_res_get` reports for every clock.
pub const CLOCK_STEP_NS: u64 = 1_000_000;

/// `clockid::realtime`.
pub const CLOCK_REALTIME: u32 = 0;
/// `clockid::monotonic`.
pub const CLOCK_MONOTONIC: u32 = 1;
/// `clockid::process_cputime_id`.
pub const CLOCK_PROCESS_CPUTIME: u32 = 2;
/// `clockid::thread_cputime_id`.
pub const CLOCK_THREAD_CPUTIME: u32 = 3;

/// The virtual clock: one elapsed-time counter shared by every clock id.
///
/// `realtime` and `monotonic` read `start_ns + elapsed_ns`; the two CPU-time clocks
/// read `elapsed_ns`. Every observation returns the current value and then adds
/// [`CLOCK_STEP_NS`] (saturating), so observations of any clock are strictly
/// increasing until the counter saturates at `u64::MAX`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    start_ns: u64,
    elapsed_ns: u64,
}

impl Clock {
    /// A clock reading `start_ns` (ns since the Unix epoch) at its first observation.
    pub(crate) fn new(start_ns: u64) -> Clock {
        Clock {
            start_ns,
            elapsed_ns: 0,
        }
    }

    /// A clock `elapsed_ns` after its start (a suspended run's, loaded).
    pub(crate) fn resumed(start_ns: u64, elapsed_ns: u64) -> Clock {
        Clock {
            start_ns,
            elapsed_ns,
        }
    }

    /// The configured start, in ns since the Unix epoch.
    pub(crate) fn start_ns(&self) -> u64 {
        self.start_ns
    }

    /// How far the clock moved since its start, in ns.
    pub(crate) fn elapsed_ns(&self) -> u64 {
        self.elapsed_ns
    }

    /// The current value of clock `id` without observing it (no step).
    ///
    /// # Errors
    /// `EINVAL` for an unknown clock id.
    pub(crate) fn peek(&self, id: u32) -> Result<u64, Errno> {
        match id {
            CLOCK_REALTIME | CLOCK_MONOTONIC => Ok(self.start_ns.saturating_add(self.elapsed_ns)),
            CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => Ok(self.elapsed_ns),
            _ => Err(Errno::Inval),
        }
    }

    /// The current real time, used to stamp file times; not an observation.
    pub(crate) fn now(&self) -> u64 {
        self.start_ns.saturating_add(self.elapsed_ns)
    }

    /// Observes clock `id`: its current value, then the clock steps.
    ///
    /// # Errors
    /// `EINVAL` for an unknown clock id (the clock does not step then).
    pub(crate) fn observe(&mut self, id: u32) -> Result<u64, Errno> {
        let value = self.peek(id)?;
        self.elapsed_ns = self.elapsed_ns.saturating_add(CLOCK_STEP_NS);
        Ok(value)
    }

    /// Moves the clock forward so clock `id` reads at least `deadline`; never back.
    ///
    /// # Errors
    /// `EINVAL` for an unknown clock id.
    pub(crate) fn advance_to(&mut self, id: u32, deadline: u64) -> Result<(), Errno> {
        let elapsed = match id {
            CLOCK_REALTIME | CLOCK_MONOTONIC => deadline.saturating_sub(self.start_ns),
            CLOCK_PROCESS_CPUTIME | CLOCK_THREAD_CPUTIME => deadline,
            _ => return Err(Errno::Inval),
        };
        self.elapsed_ns = self.elapsed_ns.max(elapsed);
        Ok(())
    }
}

/// `clock_res_get(id, resolution_ptr)`: writes [`CLOCK_STEP_NS`] for every known id.
pub(crate) fn clock_res_get(wasi: &mut Wasi, mem: &mut GuestMem, id: u32, out: u32) -> CallResult {
    wasi.clock.peek(id)?;
    mem.check(out, 8)?;
    mem.prepay_writes(8)?;
    mem.write_u64(out, CLOCK_STEP_NS)
}

/// `clock_time_get(id, precision, time_ptr)`: observes the clock; `precision` is
/// ignored.
pub(crate) fn clock_time_get(wasi: &mut Wasi, mem: &mut GuestMem, id: u32, out: u32) -> CallResult {
    wasi.clock.peek(id)?;
    mem.check(out, 8)?;
    mem.prepay_writes(8)?;
    let now = wasi.clock.observe(id)?;
    mem.write_u64(out, now)
}
