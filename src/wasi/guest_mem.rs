//! The one door between host calls and guest memory: bounds-checked reads and writes
//! of bytes and little-endian integers in the calling instance's memory 0. A pointer
//! out of bounds gives `EFAULT`, never a panic. Every read is charged as it happens
//! ([`gas::GUEST_READ_BYTE`]); every write must have been prepaid
//! ([`GuestMem::prepay_writes`]) before the call has any effect. When recording is on,
//! every access is listed in an [`AccessLog`] so a trace can hook here and nowhere
//! else. Depends on `runtime::CallerContext`, `gas` and `errno`.

use super::errno::{CallResult, Errno, Fail};
use super::gas;
use crate::runtime::CallerContext;

/// The guest memory ranges one host call read and wrote, in order, as
/// `(address, length in bytes)`.
///
/// Kept only while recording is on ([`super::Wasi::set_record_guest_access`]); a trace
/// can rebuild the written data from the memory after the call and digest the reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessLog {
    /// Ranges read, in the order they were read.
    pub reads: Vec<(u32, u32)>,
    /// Ranges written, in the order they were written.
    pub writes: Vec<(u32, u32)>,
}

impl AccessLog {
    /// Empties both lists.
    pub fn clear(&mut self) {
        self.reads.clear();
        self.writes.clear();
    }
}

/// Guest memory and gas as one host call sees them.
pub(crate) struct GuestMem<'c, 'a> {
    caller: &'c mut CallerContext<'a>,
    log: Option<&'c mut AccessLog>,
    /// Bytes of writes paid for and not yet made.
    prepaid_write_bytes: u64,
}

impl<'c, 'a> GuestMem<'c, 'a> {
    /// Wraps the caller; `log`, when given, receives every access.
    pub(crate) fn new(caller: &'c mut CallerContext<'a>, log: Option<&'c mut AccessLog>) -> Self {
        GuestMem {
            caller,
            log,
            prepaid_write_bytes: 0,
        }
    }

    /// Charges `gas`, all or nothing.
    ///
    /// # Errors
    /// `Fail::Trap` (out of gas) when less remains; nothing is charged then.
    pub(crate) fn charge(&mut self, gas: u64) -> CallResult {
        self.caller.charge_gas(gas).map_err(Fail::Trap)
    }

    /// Size of the guest memory in bytes (0 without a memory).
    pub(crate) fn size(&self) -> u64 {
        self.caller.memory().map_or(0, |m| m.len() as u64)
    }

    /// Checks that `len` bytes at `ptr` lie inside the memory.
    ///
    /// # Errors
    /// `EFAULT` when they do not.
    pub(crate) fn check(&self, ptr: u32, len: u64) -> Result<(), Errno> {
        match u64::from(ptr).checked_add(len) {
            Some(end) if end <= self.size() => Ok(()),
            _ => Err(Errno::Fault),
        }
    }

    /// Copies `len` bytes out of guest memory, charging them first.
    ///
    /// # Errors
    /// `EFAULT` when out of bounds (nothing charged); out of gas.
    pub(crate) fn read(&mut self, ptr: u32, len: u32) -> CallResult<Vec<u8>> {
        self.check(ptr, u64::from(len))?;
        self.charge(gas::GUEST_READ_BYTE.saturating_mul(u64::from(len)))?;
        // Through the caller, so a trace records the read.
        let bytes = self.caller.read_memory(ptr, len).ok_or(Errno::Fault)?;
        if let Some(log) = self.log.as_deref_mut() {
            log.reads.push((ptr, len));
        }
        Ok(bytes)
    }

    /// Reads a little-endian `u32`.
    ///
    /// # Errors
    /// As [`GuestMem::read`].
    pub(crate) fn read_u32(&mut self, ptr: u32) -> CallResult<u32> {
        let b = self.read(ptr, 4)?;
        let arr: [u8; 4] = b.as_slice().try_into().map_err(|_| Fail::internal())?;
        Ok(u32::from_le_bytes(arr))
    }

    /// Reads a little-endian `u64`.
    ///
    /// # Errors
    /// As [`GuestMem::read`].
    pub(crate) fn read_u64(&mut self, ptr: u32) -> CallResult<u64> {
        let b = self.read(ptr, 8)?;
        let arr: [u8; 8] = b.as_slice().try_into().map_err(|_| Fail::internal())?;
        Ok(u64::from_le_bytes(arr))
    }

    /// Reads a little-endian `u16`.
    ///
    /// # Errors
    /// As [`GuestMem::read`].
    pub(crate) fn read_u16(&mut self, ptr: u32) -> CallResult<u16> {
        let b = self.read(ptr, 2)?;
        let arr: [u8; 2] = b.as_slice().try_into().map_err(|_| Fail::internal())?;
        Ok(u16::from_le_bytes(arr))
    }

    /// Reads one byte.
    ///
    /// # Errors
    /// As [`GuestMem::read`].
    pub(crate) fn read_u8(&mut self, ptr: u32) -> CallResult<u8> {
        let b = self.read(ptr, 1)?;
        b.first().copied().ok_or_else(Fail::internal)
    }

    /// Pays for `bytes` bytes of writes to come ([`gas::GUEST_WRITE_BYTE`] each).
    ///
    /// # Errors
    /// Out of gas; nothing is charged then.
    pub(crate) fn prepay_writes(&mut self, bytes: u64) -> CallResult {
        self.charge(gas::GUEST_WRITE_BYTE.saturating_mul(bytes))?;
        self.prepaid_write_bytes = self.prepaid_write_bytes.saturating_add(bytes);
        Ok(())
    }

    /// Copies `data` into guest memory at `ptr`; the bytes must have been prepaid.
    ///
    /// # Errors
    /// `EFAULT` when out of bounds; `TrapCode::Internal` when the write was not
    /// prepaid (a bug in detwasm, never the guest's).
    pub(crate) fn write(&mut self, ptr: u32, data: &[u8]) -> CallResult {
        let len = data.len() as u64;
        self.check(ptr, len)?;
        if self.prepaid_write_bytes < len {
            return Err(Fail::internal());
        }
        self.prepaid_write_bytes -= len;
        // Through the caller, so a trace records the write.
        if !self.caller.write_memory(ptr, data) {
            return Err(Errno::Fault.into());
        }
        if let Some(log) = self.log.as_deref_mut() {
            log.writes
                .push((ptr, u32::try_from(len).unwrap_or(u32::MAX)));
        }
        Ok(())
    }

    /// Writes a little-endian `u64` (prepaid).
    ///
    /// # Errors
    /// As [`GuestMem::write`].
    pub(crate) fn write_u64(&mut self, ptr: u32, value: u64) -> CallResult {
        self.write(ptr, &value.to_le_bytes())
    }

    /// Writes a little-endian `u32` (prepaid).
    ///
    /// # Errors
    /// As [`GuestMem::write`].
    pub(crate) fn write_u32(&mut self, ptr: u32, value: u32) -> CallResult {
        self.write(ptr, &value.to_le_bytes())
    }
}
