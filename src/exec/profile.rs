//! The gas profile: gas attributed to call paths, exactly. Every charge belongs to the
//! function executing when it is made; a refund of prepaid gas (SPEC.md §Gas) is taken
//! back from the path that was charged. The sum over all paths equals the gas used
//! while profiling was on. Depends on nothing but std.

use std::collections::BTreeMap;

/// Gas per call path, accumulated across invocations of one store.
#[derive(Clone, Debug, Default)]
pub(crate) struct Profiler {
    /// Function addresses from the invocation's root to the executing function.
    pub path: Vec<u32>,
    /// Gas remaining at the last attribution.
    pub last: u64,
    /// Gas charged per call path.
    pub totals: BTreeMap<Vec<u32>, u64>,
}

impl Profiler {
    /// Attributes the gas used since the last attribution to the current path.
    pub fn flush(&mut self, gas_remaining: u64) {
        let used = self.last.saturating_sub(gas_remaining);
        if used > 0 {
            *self.totals.entry(self.path.clone()).or_insert(0) += used;
        }
        self.last = gas_remaining;
    }

    /// Takes a refund back from the path made of the first `depth` entries of the
    /// current path.
    pub fn refund(&mut self, depth: usize, amount: u64) {
        if amount == 0 {
            return;
        }
        let key: Vec<u32> = self.path[..depth.min(self.path.len())].to_vec();
        if let Some(v) = self.totals.get_mut(&key) {
            *v = v.saturating_sub(amount);
        }
        self.last = self.last.saturating_add(amount);
    }
}
