//! The gas profile: gas attributed to call paths, exactly. Every charge belongs to the
//! function executing when it is made; a refund of prepaid gas (SPEC.md §Gas) is taken
//! back from the path that was charged. The sum over all paths equals the gas used
//! while profiling was on. Depends on nothing but std.
//!
//! Call paths are interned in a trie: a node is (parent node, function), and the
//! edge from a node to a callee is looked up once per call, so a call costs one map
//! lookup whatever the depth. Recursion is folded: calling a function that is already
//! on the node's path (the node itself or an ancestor) moves to that ancestor's node,
//! so a path never repeats a function, `main;f;g;f` is counted as `main;f`, and a
//! 10 000-deep recursion uses as many nodes as it has distinct functions. Self gas per
//! function stays exact: the node always names the executing function.

use std::collections::BTreeMap;

/// No node: the parent of a root node.
const NONE: u32 = u32::MAX;

/// One interned call path: its last function, its parent path and its gas.
#[derive(Clone, Debug)]
struct Node {
    /// The parent node, or `NONE` for an invocation's root function.
    parent: u32,
    /// The function executing on this path (a store function address).
    func: u32,
    /// Gas charged while this path was executing.
    gas: u64,
}

/// Gas per call path, accumulated across invocations of one store.
#[derive(Clone, Debug, Default)]
pub(crate) struct Profiler {
    /// The node of every live activation, root first.
    stack: Vec<u32>,
    /// Gas remaining at the last attribution.
    pub last: u64,
    /// Every path seen so far, indexed by node id.
    nodes: Vec<Node>,
    /// (parent node, callee) → the callee's node (a new child, or the ancestor the
    /// recursion folds into).
    edges: BTreeMap<(u32, u32), u32>,
    /// Gas charged while no activation was live (the empty path).
    orphan: u64,
}

impl Profiler {
    /// Enters `func`, called by the current activation (a root when none is live).
    /// O(log edges), plus O(path length) the first time this edge is taken.
    pub fn push(&mut self, func: u32) {
        let parent = self.stack.last().copied().unwrap_or(NONE);
        let id = match self.edges.get(&(parent, func)) {
            Some(id) => *id,
            None => {
                let id = self.resolve(parent, func);
                self.edges.insert((parent, func), id);
                id
            }
        };
        self.stack.push(id);
    }

    /// The node `func` runs on when called from `parent`: the nearest node on
    /// `parent`'s path (itself included) that runs `func`, else a new child.
    fn resolve(&mut self, parent: u32, func: u32) -> u32 {
        let mut at = parent;
        while let Some(n) = self.nodes.get(at as usize) {
            if n.func == func {
                return at;
            }
            at = n.parent;
        }
        // Ids stop short of `NONE`; past that (more nodes than memory allows in
        // practice) further paths are charged to the empty path, still exactly.
        let Some(id) = u32::try_from(self.nodes.len())
            .ok()
            .filter(|id| *id != NONE)
        else {
            return NONE;
        };
        self.nodes.push(Node {
            parent,
            func,
            gas: 0,
        });
        id
    }

    /// Leaves the current activation.
    pub fn pop(&mut self) {
        self.stack.pop();
    }

    /// Leaves every activation.
    pub fn clear(&mut self) {
        self.stack.clear();
    }

    /// Number of live activations.
    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Number of interned call paths (trie nodes) so far; a path never repeats a
    /// function, so a recursion adds no node per level.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Attributes the gas used since the last attribution to the current path.
    pub fn flush(&mut self, gas_remaining: u64) {
        let used = self.last.saturating_sub(gas_remaining);
        if used > 0 {
            *self.bucket(self.stack.len()) += used;
        }
        self.last = gas_remaining;
    }

    /// The gas counter of the path made of the first `depth` live activations.
    fn bucket(&mut self, depth: usize) -> &mut u64 {
        let node = depth
            .checked_sub(1)
            .and_then(|i| self.stack.get(i))
            .and_then(|n| self.nodes.get_mut(*n as usize));
        match node {
            Some(n) => &mut n.gas,
            None => &mut self.orphan,
        }
    }

    /// Takes a refund back from the path made of the first `depth` entries of the
    /// current path.
    pub fn refund(&mut self, depth: usize, amount: u64) {
        if amount == 0 {
            return;
        }
        let b = self.bucket(depth.min(self.stack.len()));
        *b = b.saturating_sub(amount);
        self.last = self.last.saturating_add(amount);
    }

    /// Every path with gas, as function addresses from the root, in path order.
    /// O(nodes × longest path); a path never repeats a function.
    pub fn paths(&self) -> Vec<(Vec<u32>, u64)> {
        let mut out: Vec<(Vec<u32>, u64)> = Vec::new();
        if self.orphan > 0 {
            out.push((Vec::new(), self.orphan));
        }
        for n in self.nodes.iter().filter(|n| n.gas > 0) {
            let mut path = vec![n.func];
            let mut at = n.parent;
            while let Some(p) = self.nodes.get(at as usize) {
                path.push(p.func);
                at = p.parent;
            }
            path.reverse();
            out.push((path, n.gas));
        }
        out.sort();
        out
    }

    /// Self gas per function address (the empty path's gas is nobody's).
    pub fn by_function(&self) -> BTreeMap<u32, u64> {
        let mut by = BTreeMap::new();
        for n in self.nodes.iter().filter(|n| n.gas > 0) {
            *by.entry(n.func).or_insert(0) += n.gas;
        }
        by
    }
}
