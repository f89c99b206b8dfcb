//! The WASI preview1 `errno` values and [`Fail`], the outcome of a host call that did
//! not succeed: an errno returned to the guest, or a trap that ends the run (out of gas,
//! `proc_exit`). It decides nothing; the calls pick the errno. Depends on `exec::Trap`.

use crate::exec::{Trap, TrapCode};

/// A WASI preview1 error number, with the numeric value the guest sees.
///
/// Only the values detwasm returns are listed; the numbering is the preview1 witx
/// `errno` enum (`typenames.witx`), where `success` is 0.
///
/// # Spec
/// WASI preview1 `errno`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub enum Errno {
    /// `2big`: argument list too long.
    TooBig = 1,
    /// `badf`: bad file descriptor.
    Badf = 8,
    /// `busy`: device or resource busy.
    Busy = 10,
    /// `exist`: file exists.
    Exist = 20,
    /// `fault`: bad address (a guest pointer out of bounds).
    Fault = 21,
    /// `fbig`: file too large.
    Fbig = 22,
    /// `ilseq`: illegal byte sequence (a path that is not UTF-8).
    Ilseq = 25,
    /// `inval`: invalid argument.
    Inval = 28,
    /// `isdir`: is a directory.
    Isdir = 31,
    /// `loop`: too many levels of symbolic links.
    Loop = 32,
    /// `mfile`: file descriptor value too large (too many open fds).
    Mfile = 33,
    /// `nametoolong`: filename too long.
    Nametoolong = 37,
    /// `noent`: no such file or directory.
    Noent = 44,
    /// `nospc`: no space left on device.
    Nospc = 51,
    /// `notdir`: not a directory.
    Notdir = 54,
    /// `notempty`: directory not empty.
    Notempty = 55,
    /// `notsock`: not a socket.
    Notsock = 57,
    /// `notsup`: not supported.
    Notsup = 58,
    /// `overflow`: value too large to be stored in data type.
    Overflow = 61,
    /// `perm`: operation not permitted (a path escaping its preopen).
    Perm = 63,
    /// `spipe`: invalid seek (positional operations on stdio).
    Spipe = 70,
    /// `xdev`: cross-device link (between two preopens).
    Xdev = 75,
    /// `notcapable`: capabilities insufficient (adding rights with
    /// `fd_fdstat_set_rights`).
    Notcapable = 76,
}

impl Errno {
    /// The numeric value returned to the guest.
    pub fn code(self) -> u16 {
        self as u16
    }

    /// The witx name, lowercase, e.g. `"noent"`.
    pub fn name(self) -> &'static str {
        match self {
            Errno::TooBig => "2big",
            Errno::Badf => "badf",
            Errno::Busy => "busy",
            Errno::Exist => "exist",
            Errno::Fault => "fault",
            Errno::Fbig => "fbig",
            Errno::Ilseq => "ilseq",
            Errno::Inval => "inval",
            Errno::Isdir => "isdir",
            Errno::Loop => "loop",
            Errno::Mfile => "mfile",
            Errno::Nametoolong => "nametoolong",
            Errno::Noent => "noent",
            Errno::Nospc => "nospc",
            Errno::Notdir => "notdir",
            Errno::Notempty => "notempty",
            Errno::Notsock => "notsock",
            Errno::Notsup => "notsup",
            Errno::Overflow => "overflow",
            Errno::Perm => "perm",
            Errno::Spipe => "spipe",
            Errno::Xdev => "xdev",
            Errno::Notcapable => "notcapable",
        }
    }
}

/// Why a host call did not succeed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fail {
    /// Return this errno to the guest; the run goes on.
    Errno(Errno),
    /// End the run with this trap (out of gas, `proc_exit`, or a bug in detwasm
    /// reported as `TrapCode::Internal`).
    Trap(Trap),
}

impl From<Errno> for Fail {
    fn from(errno: Errno) -> Fail {
        Fail::Errno(errno)
    }
}

impl From<Trap> for Fail {
    fn from(trap: Trap) -> Fail {
        Fail::Trap(trap)
    }
}

impl Fail {
    /// A failure that is a bug in detwasm, never the guest's fault: it ends the run
    /// with `TrapCode::Internal` rather than panicking.
    pub(crate) fn internal() -> Fail {
        Fail::Trap(Trap::new(TrapCode::Internal))
    }
}

/// The result of a host call's body.
pub(crate) type CallResult<T = ()> = Result<T, Fail>;
