//! The guest memory accesses of one host call, as a trace records them (SPEC.md
//! §Trace events, host call `writes` and `reads_sha256`).
//!
//! Records are canonical, so that two implementations that split a call's accesses
//! differently (one write per field or one per structure, reads in another order)
//! record the same bytes: the accessed bytes are merged into maximal runs of
//! contiguous addresses, in address order, never empty. A write run holds the bytes
//! as the call left them (the last write of a byte wins); a read run holds the bytes
//! as the call first read them. Depends on sha2 only.

use sha2::{Digest, Sha256};

/// Guest memory accesses of one host call, kept while a trace hook is installed or
/// checkpoints need the written pages.
#[derive(Default)]
pub(crate) struct Access {
    /// Every write, in the order the call made it: address and bytes.
    pub writes: Vec<(u32, Vec<u8>)>,
    /// Every read, in the order the call made it: address and bytes.
    pub reads: Vec<(u32, Vec<u8>)>,
}

impl Access {
    /// The writes as canonical records: maximal runs of written bytes in address
    /// order, with their final contents.
    pub(crate) fn canonical_writes(&self) -> Vec<(u32, Vec<u8>)> {
        runs(self.writes.iter())
    }

    /// SHA-256 over the canonical read runs (the bytes as first read), each as its
    /// address (u32 LE), length (u64 LE) and bytes; of nothing when nothing was read.
    pub(crate) fn reads_digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        // Applying the reads last to first leaves each byte as it was first read.
        for (addr, bytes) in runs(self.reads.iter().rev()) {
            h.update(addr.to_le_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
        h.finalize().into()
    }
}

/// Merges `records` into maximal runs of contiguous bytes in address order, applying
/// the records in the order given (a later record's byte replaces an earlier one's).
/// Empty records contribute nothing. O(n log n + total bytes).
fn runs<'a>(records: impl Iterator<Item = &'a (u32, Vec<u8>)> + Clone) -> Vec<(u32, Vec<u8>)> {
    let mut spans: Vec<(u64, u64)> = records
        .clone()
        .filter(|(_, d)| !d.is_empty())
        .map(|(a, d)| (u64::from(*a), u64::from(*a) + d.len() as u64))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut out: Vec<(u32, Vec<u8>)> = merged
        .iter()
        .map(|&(s, e)| {
            let len = usize::try_from(e - s).unwrap_or(0);
            (u32::try_from(s).unwrap_or(u32::MAX), vec![0u8; len])
        })
        .collect();
    for (addr, data) in records {
        if data.is_empty() {
            continue;
        }
        let start = u64::from(*addr);
        // The run that contains `start`: the last one starting at or before it.
        let i = merged
            .partition_point(|&(s, _)| s <= start)
            .saturating_sub(1);
        let (Some(&(run_start, _)), Some((_, run))) = (merged.get(i), out.get_mut(i)) else {
            continue;
        };
        let offset = usize::try_from(start - run_start).unwrap_or(usize::MAX);
        if let Some(dst) = run.get_mut(offset..offset.saturating_add(data.len())) {
            dst.copy_from_slice(data);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(list: &[(u32, &[u8])]) -> Vec<(u32, Vec<u8>)> {
        list.iter().map(|&(a, d)| (a, d.to_vec())).collect()
    }

    #[test]
    fn writes_merge_into_maximal_runs_in_address_order_last_write_wins() {
        let a = Access {
            writes: rec(&[
                (20, b"xyz"),
                (10, b"ab"),
                (12, b"cd"),
                (5, b""),
                (21, b"Q"),
                (30, b"k"),
            ]),
            reads: Vec::new(),
        };
        assert_eq!(
            a.canonical_writes(),
            rec(&[(10, b"abcd"), (20, b"xQz"), (30, b"k")])
        );
        // The same bytes written in another split give the same records.
        let b = Access {
            writes: rec(&[(30, b"k"), (20, b"x"), (21, b"Qz"), (10, b"abcd")]),
            reads: Vec::new(),
        };
        assert_eq!(a.canonical_writes(), b.canonical_writes());
        assert_eq!(Access::default().canonical_writes(), Vec::new());
    }

    #[test]
    fn reads_digest_depends_on_the_bytes_read_not_on_the_split() {
        let one = Access {
            writes: Vec::new(),
            reads: rec(&[(100, b"hello")]),
        };
        let split = Access {
            writes: Vec::new(),
            reads: rec(&[(103, b"lo"), (100, b"hel"), (101, b"el")]),
        };
        assert_eq!(one.reads_digest(), split.reads_digest());
        // The first read of a byte counts.
        let changed = Access {
            writes: Vec::new(),
            reads: rec(&[(100, b"hello"), (100, b"j")]),
        };
        assert_eq!(one.reads_digest(), changed.reads_digest());
        let other = Access {
            writes: Vec::new(),
            reads: rec(&[(100, b"hellp")]),
        };
        assert_ne!(one.reads_digest(), other.reads_digest());
        // Nothing read: the digest of nothing.
        let empty: [u8; 32] = Sha256::digest(b"").into();
        assert_eq!(Access::default().reads_digest(), empty);
    }
}
