//! [`Sha256State`]: a running SHA-256 whose state can be saved and loaded (a suspended
//! WASI run's output and stdin digests, SPEC.md §Snapshot, suspended WASI runs).
//! sha2 0.10's `Sha256` cannot expose its state, so this keeps it: the eight chaining
//! words, the bytes hashed so far and the buffered tail of an incomplete 64-byte block.
//! The compression function is sha2's (`compress256`); only the block buffering and the
//! final padding (FIPS 180-4 §5.1.1) are here. Depends on sha2.

use sha2::digest::generic_array::GenericArray;

/// The initial hash value of SHA-256 (FIPS 180-4 §5.3.3).
const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A running SHA-256: [`Sha256State::update`] with bytes, [`Sha256State::finalize`]
/// for the digest of everything so far (the state is not consumed), and
/// [`Sha256State::parts`] / [`Sha256State::from_parts`] to save and load it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sha256State {
    h: [u32; 8],
    /// Bytes hashed so far.
    len: u64,
    /// The first `len % 64` bytes of the current block.
    tail: [u8; 64],
}

impl Default for Sha256State {
    fn default() -> Sha256State {
        Sha256State::new()
    }
}

impl Sha256State {
    /// The state of SHA-256 over no bytes.
    pub fn new() -> Sha256State {
        Sha256State {
            h: H0,
            len: 0,
            tail: [0; 64],
        }
    }

    /// How many bytes were hashed so far.
    pub fn len_bytes(&self) -> u64 {
        self.len
    }

    fn tail_len(&self) -> usize {
        (self.len % 64) as usize
    }

    /// Hashes `data` after the bytes so far.
    pub fn update(&mut self, mut data: &[u8]) {
        let used = self.tail_len();
        if used > 0 {
            let take = (64 - used).min(data.len());
            self.tail[used..used + take].copy_from_slice(&data[..take]);
            self.len = self.len.wrapping_add(take as u64);
            data = &data[take..];
            if used + take < 64 {
                return;
            }
            sha2::compress256(&mut self.h, &[GenericArray::clone_from_slice(&self.tail)]);
        }
        let whole = data.len() / 64 * 64;
        for block in data[..whole].chunks_exact(64) {
            sha2::compress256(&mut self.h, &[GenericArray::clone_from_slice(block)]);
        }
        let rest = &data[whole..];
        self.tail[..rest.len()].copy_from_slice(rest);
        self.len = self.len.wrapping_add(data.len() as u64);
    }

    /// The SHA-256 of every byte hashed so far.
    pub fn finalize(&self) -> [u8; 32] {
        let mut h = self.h;
        let used = self.tail_len();
        let mut block = [0u8; 128];
        block[..used].copy_from_slice(&self.tail[..used]);
        block[used] = 0x80;
        let total = if used < 56 { 64 } else { 128 };
        block[total - 8..total].copy_from_slice(&self.len.wrapping_mul(8).to_be_bytes());
        for b in block[..total].chunks_exact(64) {
            sha2::compress256(&mut h, &[GenericArray::clone_from_slice(b)]);
        }
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// The state as plain data: the chaining words, the bytes hashed so far and the
    /// tail (the `len % 64` bytes of the incomplete block).
    pub fn parts(&self) -> ([u32; 8], u64, Vec<u8>) {
        (self.h, self.len, self.tail[..self.tail_len()].to_vec())
    }

    /// The state [`Sha256State::parts`] gave; `None` when the tail is not `len % 64`
    /// bytes long.
    pub fn from_parts(h: [u32; 8], len: u64, tail: &[u8]) -> Option<Sha256State> {
        if tail.len() as u64 != len % 64 {
            return None;
        }
        let mut s = Sha256State {
            h,
            len,
            tail: [0; 64],
        };
        s.tail[..tail.len()].copy_from_slice(tail);
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::Sha256State;
    use sha2::{Digest, Sha256};

    /// A small deterministic generator (xorshift64*).
    fn next(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    #[test]
    fn equals_sha2_on_random_inputs_split_at_random_points() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        for case in 0..400 {
            let len = match case % 4 {
                0 => (next(&mut seed) % 130) as usize,
                1 => (next(&mut seed) % 1000) as usize,
                _ => (next(&mut seed) % 5000) as usize,
            };
            let data: Vec<u8> = (0..len).map(|_| next(&mut seed) as u8).collect();
            let mut ours = Sha256State::new();
            let mut at = 0;
            while at < len {
                let step = ((next(&mut seed) % 150) as usize).min(len - at);
                ours.update(&data[at..at + step]);
                at += step;
                // Saving and loading anywhere changes nothing.
                let (h, l, t) = ours.parts();
                ours = Sha256State::from_parts(h, l, &t).unwrap();
                let expect: [u8; 32] = Sha256::digest(&data[..at]).into();
                assert_eq!(ours.finalize(), expect, "case {case} at {at}");
            }
            let expect: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(ours.finalize(), expect, "case {case}");
            assert_eq!(ours.len_bytes(), len as u64);
        }
    }

    #[test]
    fn bad_tail_is_refused() {
        assert!(Sha256State::from_parts([0; 8], 3, b"ab").is_none());
        assert!(Sha256State::from_parts([0; 8], 64, b"").is_some());
    }
}
