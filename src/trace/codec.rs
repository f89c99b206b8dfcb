//! The canonical byte encoding of trace events (SPEC.md §Trace, encoding): fixed-width
//! little-endian integers, u64-length-prefixed byte strings and UTF-8 strings, 32-byte
//! digests. [`Enc`] writes; [`Dec`] reads with every length checked against the input
//! that remains, so no length field can make a reader allocate more than the input's
//! size, and no input can make it panic. Depends on nothing but `super::error`.

use super::error::TraceError;

/// A SHA-256 digest.
pub type Digest32 = [u8; 32];

/// Appends canonical encodings to a byte buffer.
#[derive(Default, Debug)]
pub(crate) struct Enc {
    pub(crate) buf: Vec<u8>,
}

impl Enc {
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub(crate) fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A length or count: u64.
    pub(crate) fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    /// A byte string: u64 length, then the bytes.
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.buf.extend_from_slice(b);
    }

    /// A string: its UTF-8 bytes as a byte string.
    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub(crate) fn digest(&mut self, d: &Digest32) {
        self.buf.extend_from_slice(d);
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.u8(u8::from(b));
    }
}

/// Reads canonical encodings from a slice. `base` is the slice's offset in the file,
/// so errors name absolute byte offsets.
pub(crate) struct Dec<'a> {
    data: &'a [u8],
    pos: usize,
    base: u64,
}

impl<'a> Dec<'a> {
    pub(crate) fn new(data: &'a [u8], base: u64) -> Dec<'a> {
        Dec { data, pos: 0, base }
    }

    /// Absolute offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The next `n` bytes.
    ///
    /// # Errors
    /// `Truncated` when fewer remain.
    pub(crate) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], TraceError> {
        if n > self.remaining() {
            return Err(TraceError::Truncated {
                what,
                offset: self.offset(),
                needed: n as u64,
                available: self.remaining() as u64,
            });
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], TraceError> {
        let b = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, TraceError> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, TraceError> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn i32(&mut self, what: &'static str) -> Result<i32, TraceError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, TraceError> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn digest(&mut self, what: &'static str) -> Result<Digest32, TraceError> {
        self.array(what)
    }

    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, TraceError> {
        let at = self.offset();
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(TraceError::Malformed {
                offset: at,
                message: format!("{what}: {b} is not a boolean (0 or 1)"),
            }),
        }
    }

    /// A count of items each at least `min_item_bytes` long: rejected unless that many
    /// items could fit in the remaining input, so callers may reserve capacity for it.
    pub(crate) fn count(
        &mut self,
        min_item_bytes: usize,
        what: &'static str,
    ) -> Result<usize, TraceError> {
        let at = self.offset();
        let n = self.u64(what)?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|n| n.saturating_mul(min_item_bytes.max(1)) <= self.remaining());
        fits.ok_or(TraceError::Truncated {
            what,
            offset: at,
            needed: n.saturating_mul(min_item_bytes.max(1) as u64),
            available: self.remaining() as u64,
        })
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self, what: &'static str) -> Result<&'a [u8], TraceError> {
        let n = self.count(1, what)?;
        self.take(n, what)
    }

    /// A UTF-8 string.
    pub(crate) fn str(&mut self, what: &'static str) -> Result<String, TraceError> {
        let at = self.offset();
        let b = self.bytes(what)?;
        String::from_utf8(b.to_vec()).map_err(|_| TraceError::Malformed {
            offset: at,
            message: format!("{what} is not valid UTF-8"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_capped_by_the_remaining_input() {
        let mut e = Enc::default();
        e.u64(u64::MAX);
        let mut d = Dec::new(&e.buf, 0);
        assert!(matches!(
            d.bytes("data"),
            Err(TraceError::Truncated { what: "data", .. })
        ));
        let mut e = Enc::default();
        e.u64(3);
        e.u8(1);
        let mut d = Dec::new(&e.buf, 10);
        assert!(matches!(
            d.count(8, "values"),
            Err(TraceError::Truncated { offset: 10, .. })
        ));
    }

    #[test]
    fn round_trip() {
        let mut e = Enc::default();
        e.u8(7);
        e.u32(0xdead_beef);
        e.i32(-2);
        e.u64(1 << 40);
        e.str("héllo");
        e.bool(true);
        let mut d = Dec::new(&e.buf, 0);
        assert_eq!(d.u8("a").ok(), Some(7));
        assert_eq!(d.u32("b").ok(), Some(0xdead_beef));
        assert_eq!(d.i32("c").ok(), Some(-2));
        assert_eq!(d.u64("d").ok(), Some(1 << 40));
        assert_eq!(d.str("e").ok().as_deref(), Some("héllo"));
        assert_eq!(d.bool("f").ok(), Some(true));
        assert!(d.is_empty());
    }
}
