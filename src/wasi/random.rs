//! The deterministic random byte stream behind `random_get` (SPEC.md §Host random):
//! SHA-256 in counter mode over a domain tag, the seed and a block counter. Another
//! implementation reproduces it byte for byte from the definition on
//! [`RandomStream`]. Depends on sha2, `errno`, `guest_mem`.

use sha2::{Digest, Sha256};

use super::errno::CallResult;
use super::guest_mem::GuestMem;
use super::Wasi;

/// The domain tag hashed before the seed.
pub const RANDOM_DOMAIN_TAG: &[u8] = b"detwasm/random/v1";

/// The byte stream of a seed: block `i` (from 0) is
/// `SHA-256("detwasm/random/v1" || seed as u64 LE || i as u64 LE)` (17 + 8 + 8 bytes
/// hashed), and the stream is block 0, block 1, ... concatenated. `random_get` calls
/// consume it in order, each taking the next `len` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RandomStream {
    seed: u64,
    next_block: u64,
    block: [u8; 32],
    /// Bytes of `block` already consumed; 32 when a new block is needed.
    used: usize,
}

impl RandomStream {
    /// The stream of `seed`, at its start.
    pub fn new(seed: u64) -> RandomStream {
        RandomStream {
            seed,
            next_block: 0,
            block: [0; 32],
            used: 32,
        }
    }

    /// The position in the stream: the seed, the index of the next block to compute
    /// and how many bytes of the current block were consumed (32: none left).
    pub fn position(&self) -> (u64, u64, u32) {
        (self.seed, self.next_block, self.used as u32)
    }

    /// The stream of `seed` at a [`RandomStream::position`]; `None` when `used` is
    /// above 32, or below it with no block computed yet.
    pub fn at(seed: u64, next_block: u64, used: u32) -> Option<RandomStream> {
        let block = match used {
            32 => [0; 32],
            0..32 => RandomStream::block(seed, next_block.checked_sub(1)?),
            _ => return None,
        };
        Some(RandomStream {
            seed,
            next_block,
            block,
            used: used as usize,
        })
    }

    /// Block `index` of the stream of `seed`.
    pub fn block(seed: u64, index: u64) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(RANDOM_DOMAIN_TAG);
        h.update(seed.to_le_bytes());
        h.update(index.to_le_bytes());
        h.finalize().into()
    }

    /// Fills `out` with the next `out.len()` bytes of the stream.
    pub fn fill(&mut self, out: &mut [u8]) {
        let mut done = 0;
        while done < out.len() {
            if self.used == self.block.len() {
                self.block = RandomStream::block(self.seed, self.next_block);
                self.next_block = self.next_block.wrapping_add(1);
                self.used = 0;
            }
            let n = (self.block.len() - self.used).min(out.len() - done);
            out[done..done + n].copy_from_slice(&self.block[self.used..self.used + n]);
            self.used += n;
            done += n;
        }
    }
}

/// `random_get(buf, buf_len)`: writes the next `buf_len` bytes of the stream.
pub(crate) fn random_get(wasi: &mut Wasi, mem: &mut GuestMem, buf: u32, len: u32) -> CallResult {
    mem.check(buf, u64::from(len))?;
    mem.prepay_writes(u64::from(len))?;
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
    wasi.random.fill(&mut bytes);
    mem.write(buf, &bytes)
}
