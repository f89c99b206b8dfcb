//! `poll_oneoff` on the virtual clock (SPEC.md §Host poll): fd subscriptions are ready
//! at once; when there are none, the clock jumps to the earliest clock deadline, so a
//! guest that sleeps never waits. Depends on `abi`, `clock`, `errno`, `guest_mem`.

use super::abi::{
    EVENTTYPE_CLOCK, EVENTTYPE_FD_READ, EVENTTYPE_FD_WRITE, EVENT_SIZE, SUBCLOCKFLAGS_ABSTIME,
    SUBSCRIPTION_SIZE,
};
use super::errno::{CallResult, Errno};
use super::fs::fd_table::FdKind;
use super::fs::tree::Body;
use super::guest_mem::GuestMem;
use super::Wasi;

/// One decoded subscription.
enum Sub {
    /// A clock subscription: clock id and absolute deadline in that clock's terms.
    Clock(u32, u64),
    /// An fd subscription: event type and `nbytes`.
    Fd(u8, u64),
}

/// An event to report.
struct Event {
    userdata: u64,
    error: u16,
    kind: u8,
    nbytes: u64,
}

impl Event {
    fn bytes(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0..8].copy_from_slice(&self.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&self.error.to_le_bytes());
        b[10] = self.kind;
        b[16..24].copy_from_slice(&self.nbytes.to_le_bytes());
        b
    }
}

/// Readiness of fd `fd` for `kind`: bytes available to read (file: size minus
/// position; stdin: the bytes held and not yet read, after taking one byte from the
/// stdin stream when none is held), 0 for writes, or `EBADF` when the fd is not open
/// or cannot do it.
fn fd_readiness(wasi: &mut Wasi, fd: u32, kind: u8) -> Result<u64, Errno> {
    let entry = wasi.fds.get(fd)?.clone();
    match (&entry.kind, kind) {
        (FdKind::Stdin, EVENTTYPE_FD_READ) => {
            wasi.stdin.fill(1);
            Ok(wasi.stdin.available().len() as u64)
        }
        (FdKind::Stdout | FdKind::Stderr, EVENTTYPE_FD_WRITE) => Ok(0),
        (FdKind::File { tree, ino, pos }, EVENTTYPE_FD_READ) => {
            match wasi.tree(*tree)?.node(*ino).map(|n| &n.body) {
                Some(Body::File(data)) => Ok((data.len() as u64).saturating_sub(*pos)),
                _ => Err(Errno::Badf),
            }
        }
        (FdKind::File { .. }, EVENTTYPE_FD_WRITE) => Ok(0),
        _ => Err(Errno::Badf),
    }
}

/// `poll_oneoff(in, out, nsubscriptions, nevents_ptr)`.
///
/// Subscriptions are decoded first, in order; the first that cannot be waited on
/// fails the whole call with its errno, as in wasmtime (an unknown clock id or
/// unknown flags: `EINVAL`; an fd that is not open, or cannot do the subscribed
/// direction: `EBADF`). If any is an fd subscription, the events are the fd events
/// (ready at once) plus every clock subscription whose deadline has passed, and the
/// clock does not move. Otherwise the clock advances to the earliest deadline (relative timeouts
/// count from the clock's current value; absolute ones are taken as given; the clock
/// never goes back), and every clock subscription whose deadline is then reached
/// fires. Events are written in subscription order.
pub(crate) fn poll_oneoff(
    wasi: &mut Wasi,
    mem: &mut GuestMem,
    input: u32,
    output: u32,
    count: u32,
    nevents_ptr: u32,
) -> CallResult {
    if count == 0 {
        return Err(Errno::Inval.into());
    }
    mem.check(input, u64::from(count) * u64::from(SUBSCRIPTION_SIZE))?;
    mem.check(output, u64::from(count) * u64::from(EVENT_SIZE))?;
    mem.check(nevents_ptr, 4)?;
    let mut subs = Vec::new();
    // NOTE: the ranges were checked above, so every address below fits in u32; the
    // arithmetic is checked anyway and a failure is EFAULT.
    let addr = |base: u32, index: u32, size: u32, field: u32| -> Result<u32, Errno> {
        u64::from(index)
            .checked_mul(u64::from(size))
            .and_then(|o| o.checked_add(u64::from(base) + u64::from(field)))
            .and_then(|a| u32::try_from(a).ok())
            .ok_or(Errno::Fault)
    };
    for i in 0..count {
        let at = addr(input, i, SUBSCRIPTION_SIZE, 0)?;
        let field = |offset: u32| addr(input, i, SUBSCRIPTION_SIZE, offset);
        let userdata = mem.read_u64(at)?;
        let tag = mem.read_u8(field(8)?)?;
        let sub = match tag {
            EVENTTYPE_CLOCK => {
                let id = mem.read_u32(field(16)?)?;
                let timeout = mem.read_u64(field(24)?)?;
                let flags = mem.read_u16(field(40)?)?;
                if flags & !SUBCLOCKFLAGS_ABSTIME != 0 {
                    return Err(Errno::Inval.into());
                }
                let now = wasi.clock.peek(id)?;
                let deadline = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                    timeout
                } else {
                    now.saturating_add(timeout)
                };
                Sub::Clock(id, deadline)
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = mem.read_u32(field(16)?)?;
                Sub::Fd(tag, fd_readiness(wasi, fd, tag)?)
            }
            _ => return Err(Errno::Inval.into()),
        };
        subs.push((userdata, sub));
    }
    // The clock moves only if every subscription is a valid clock subscription; the
    // move is computed on a copy so every write is paid for before it takes effect.
    let mut clock = wasi.clock.clone();
    if subs.iter().all(|(_, s)| matches!(s, Sub::Clock(..))) {
        let earliest = subs
            .iter()
            .filter_map(|(_, s)| match s {
                Sub::Clock(id, deadline) => {
                    let now = clock.peek(*id).ok()?;
                    Some((deadline.saturating_sub(now), *id, *deadline))
                }
                _ => None,
            })
            .min();
        if let Some((_, id, deadline)) = earliest {
            clock.advance_to(id, deadline)?;
        }
    }
    let mut events = Vec::new();
    for (userdata, sub) in &subs {
        let event = match sub {
            Sub::Clock(id, deadline) => {
                if clock.peek(*id)? < *deadline {
                    continue;
                }
                Event {
                    userdata: *userdata,
                    error: 0,
                    kind: EVENTTYPE_CLOCK,
                    nbytes: 0,
                }
            }
            Sub::Fd(kind, nbytes) => Event {
                userdata: *userdata,
                error: 0,
                kind: *kind,
                nbytes: *nbytes,
            },
        };
        events.push(event);
    }
    mem.prepay_writes(events.len() as u64 * u64::from(EVENT_SIZE) + 4)?;
    wasi.clock = clock;
    for (i, event) in (0u32..).zip(&events) {
        mem.write(addr(output, i, EVENT_SIZE, 0)?, &event.bytes())?;
    }
    let n = u32::try_from(events.len()).map_err(|_| Errno::Overflow)?;
    mem.write_u32(nevents_ptr, n)
}
