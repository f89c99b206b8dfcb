//! [`Dir`]: an in-memory directory tree, the state of one preopen. It is an arena of
//! inodes keyed by inode number (so hard links, open-but-unlinked files and deep trees
//! need no recursion and no pointers), with directory entries in `BTreeMap`s (byte
//! order of names). It owns the tree's byte accounting and the low-level mutations;
//! it knows nothing of fds, gas or guest memory. Depends on nothing but std.

use std::collections::BTreeMap;
use std::io;

/// The inode number of a tree's root directory.
pub const ROOT_INO: u64 = 1;

/// Bytes every inode counts against the size limits on top of its content, so empty
/// files, directories and symlinks are not free (SPEC.md §Host filesystem limits).
pub const INODE_OVERHEAD_BYTES: u64 = 64;

/// The longest name of one directory entry, in bytes.
pub const MAX_NAME_BYTES: usize = 255;

/// The longest path argument and symlink target, in bytes.
pub const MAX_PATH_BYTES: usize = 4096;

/// What an inode holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    /// A regular file's contents.
    File(Vec<u8>),
    /// A directory: entries by name (never `.` or `..`) and the parent's inode
    /// (the root is its own parent; a removed directory keeps its last parent, unused).
    Dir {
        entries: BTreeMap<String, u64>,
        parent: u64,
    },
    /// A symbolic link's target, verbatim.
    Symlink(String),
}

/// One inode: contents, link count, open count and times (ns since the Unix epoch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) body: Body,
    /// Names referring to it; for a directory 2 + its subdirectories, 0 once removed.
    pub(crate) nlink: u64,
    /// fds referring to it; the inode is freed when this and `nlink` are both 0.
    pub(crate) open: u32,
    pub(crate) atim: u64,
    pub(crate) mtim: u64,
    pub(crate) ctim: u64,
}

impl Node {
    fn new(body: Body, now: u64) -> Node {
        let nlink = if matches!(body, Body::Dir { .. }) {
            2
        } else {
            0
        };
        Node {
            body,
            nlink,
            open: 0,
            atim: now,
            mtim: now,
            ctim: now,
        }
    }

    /// Bytes of content counted against the limits: file data or symlink target.
    fn content_bytes(&self) -> u64 {
        match &self.body {
            Body::File(data) => data.len() as u64,
            Body::Symlink(target) => target.len() as u64,
            Body::Dir { .. } => 0,
        }
    }

    pub(crate) fn is_dir(&self) -> bool {
        matches!(self.body, Body::Dir { .. })
    }
}

/// What a path of a [`Dir`] names, as [`Dir::get`] and [`Dir::walk`] report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry<'a> {
    /// A directory.
    Dir,
    /// A regular file with these contents.
    File(&'a [u8]),
    /// A symbolic link with this target.
    Symlink(&'a str),
}

/// An in-memory directory tree: the contents of one preopen, before, during and
/// after a run.
///
/// Build one with [`Dir::new`] and the `add_*` methods, or read a host directory with
/// [`Dir::load_host`]; after a run, [`crate::wasi::Wasi::preopen_tree`] gives the final
/// state, which [`Dir::export_to_host`] writes out. Paths given to these methods are
/// relative, `/`-separated, without empty, `.` or `..` components.
///
/// Size: every inode counts [`INODE_OVERHEAD_BYTES`] plus its contents (file bytes or
/// symlink target bytes), and every directory entry counts its name's bytes
/// ([`Dir::total_bytes`]). Equality compares everything, inode numbers and times
/// included: two runs that did the same things compare equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dir {
    pub(crate) nodes: BTreeMap<u64, Node>,
    pub(crate) next_ino: u64,
    pub(crate) bytes: u64,
}

impl Default for Dir {
    fn default() -> Dir {
        Dir::new()
    }
}

/// An `InvalidInput` error with `message`.
fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Checks one name of a directory entry: non-empty, not `.`/`..`, no `/` or NUL, at
/// most [`MAX_NAME_BYTES`] bytes.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && name.len() <= MAX_NAME_BYTES
        && !name.contains(['/', '\0'])
}

impl Dir {
    /// An empty tree: just a root directory (inode [`ROOT_INO`]).
    pub fn new() -> Dir {
        let mut nodes = BTreeMap::new();
        let mut root = Node::new(
            Body::Dir {
                entries: BTreeMap::new(),
                parent: ROOT_INO,
            },
            0,
        );
        root.nlink = 2;
        nodes.insert(ROOT_INO, root);
        Dir {
            nodes,
            next_ino: ROOT_INO + 1,
            bytes: INODE_OVERHEAD_BYTES,
        }
    }

    /// Total size counted against the limits, in bytes: [`INODE_OVERHEAD_BYTES`] per
    /// inode plus file and symlink contents plus entry names.
    pub fn total_bytes(&self) -> u64 {
        self.bytes
    }

    /// Number of inodes, the root and open-but-unlinked ones included.
    pub fn inode_count(&self) -> usize {
        self.nodes.len()
    }

    /// Adds an empty directory at `path`, creating missing parents.
    ///
    /// # Errors
    /// `InvalidInput` for a malformed path or a parent that is not a directory;
    /// `AlreadyExists` when `path` exists.
    pub fn add_dir(&mut self, path: &str) -> io::Result<()> {
        self.add(
            path,
            Body::Dir {
                entries: BTreeMap::new(),
                parent: ROOT_INO,
            },
        )
    }

    /// Adds a regular file at `path` with `data`, creating missing parents.
    ///
    /// # Errors
    /// As [`Dir::add_dir`].
    pub fn add_file(&mut self, path: &str, data: impl Into<Vec<u8>>) -> io::Result<()> {
        self.add(path, Body::File(data.into()))
    }

    /// Adds a symbolic link at `path` whose target is `target` (stored verbatim; it is
    /// only checked when a path is resolved through it), creating missing parents.
    ///
    /// # Errors
    /// As [`Dir::add_dir`]; `InvalidInput` also for a target that is empty, longer
    /// than [`MAX_PATH_BYTES`] or contains NUL.
    pub fn add_symlink(&mut self, path: &str, target: &str) -> io::Result<()> {
        if target.is_empty() || target.len() > MAX_PATH_BYTES || target.contains('\0') {
            return Err(invalid(format!("bad symlink target {target:?}")));
        }
        self.add(path, Body::Symlink(target.to_owned()))
    }

    /// Splits a builder path into its names.
    fn split(path: &str) -> io::Result<Vec<&str>> {
        let names: Vec<&str> = path.split('/').collect();
        if path.is_empty() || !names.iter().all(|n| valid_name(n)) {
            return Err(invalid(format!("bad path {path:?}")));
        }
        Ok(names)
    }

    fn add(&mut self, path: &str, body: Body) -> io::Result<()> {
        let names = Dir::split(path)?;
        let Some((last, parents)) = names.split_last() else {
            return Err(invalid(format!("bad path {path:?}")));
        };
        let mut cur = ROOT_INO;
        for name in parents {
            cur = match self.child(cur, name) {
                Some(ino) if self.node(ino).is_some_and(Node::is_dir) => ino,
                Some(_) => return Err(invalid(format!("{name:?} in {path:?} is not a directory"))),
                None => self.create(
                    cur,
                    name,
                    Body::Dir {
                        entries: BTreeMap::new(),
                        parent: cur,
                    },
                    0,
                ),
            };
        }
        if self.child(cur, last).is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{path:?} exists"),
            ));
        }
        self.create(cur, last, body, 0);
        Ok(())
    }

    /// What `path` names, without following symlinks; `""` is the root.
    pub fn get(&self, path: &str) -> Option<Entry<'_>> {
        let ino = self.lookup(path)?;
        self.entry_of(ino)
    }

    /// The inode number `path` names, without following symlinks; `""` is the root.
    pub fn ino(&self, path: &str) -> Option<u64> {
        self.lookup(path)
    }

    fn lookup(&self, path: &str) -> Option<u64> {
        if path.is_empty() {
            return Some(ROOT_INO);
        }
        let mut cur = ROOT_INO;
        for name in path.split('/') {
            cur = self.child(cur, name)?;
        }
        Some(cur)
    }

    fn entry_of(&self, ino: u64) -> Option<Entry<'_>> {
        Some(match &self.node(ino)?.body {
            Body::Dir { .. } => Entry::Dir,
            Body::File(data) => Entry::File(data),
            Body::Symlink(target) => Entry::Symlink(target),
        })
    }

    /// Every path below the root with what it names, parents before children and
    /// siblings in byte order of names (depth first). A hard-linked file appears under
    /// each of its names. O(total path bytes) time and memory; no recursion.
    pub fn walk(&self) -> Vec<(String, Entry<'_>)> {
        let mut out = Vec::new();
        // Collect every entry with a heap stack of (directory, path prefix), then
        // sort by path components: a directory's subtree then directly follows it
        // and siblings come in byte order of names.
        let mut stack: Vec<(u64, String)> = vec![(ROOT_INO, String::new())];
        while let Some((dir, prefix)) = stack.pop() {
            let Some(Body::Dir { entries, .. }) = self.node(dir).map(|n| &n.body) else {
                continue;
            };
            for (name, &ino) in entries {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}/{name}")
                };
                if let Some(entry) = self.entry_of(ino) {
                    if entry == Entry::Dir {
                        stack.push((ino, path.clone()));
                    }
                    out.push((path, entry));
                }
            }
        }
        out.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
        out
    }

    // --- crate-internal access and mutations -----------------------------------------

    pub(crate) fn node(&self, ino: u64) -> Option<&Node> {
        self.nodes.get(&ino)
    }

    pub(crate) fn node_mut(&mut self, ino: u64) -> Option<&mut Node> {
        self.nodes.get_mut(&ino)
    }

    /// The inode of entry `name` of directory `dir`.
    pub(crate) fn child(&self, dir: u64, name: &str) -> Option<u64> {
        match &self.node(dir)?.body {
            Body::Dir { entries, .. } => entries.get(name).copied(),
            _ => None,
        }
    }

    /// The parent of directory `dir` (the root's is itself).
    pub(crate) fn parent(&self, dir: u64) -> Option<u64> {
        match &self.node(dir)?.body {
            Body::Dir { parent, .. } => Some(*parent),
            _ => None,
        }
    }

    /// Bytes a new inode with `body` named `name` adds to the total.
    pub(crate) fn cost_of_new(name: &str, body: &Body) -> u64 {
        let content = match body {
            Body::File(data) => data.len() as u64,
            Body::Symlink(target) => target.len() as u64,
            Body::Dir { .. } => 0,
        };
        INODE_OVERHEAD_BYTES + content + name.len() as u64
    }

    /// Creates a new inode with `body` as entry `name` of directory `dir` (which must
    /// not have it) at time `now`; returns its inode number. A new directory's parent
    /// is set to `dir`.
    pub(crate) fn create(&mut self, dir: u64, name: &str, body: Body, now: u64) -> u64 {
        let ino = self.next_ino;
        self.next_ino += 1;
        let body = match body {
            Body::Dir { entries, .. } => Body::Dir {
                entries,
                parent: dir,
            },
            other => other,
        };
        let node = Node::new(body, now);
        self.bytes += INODE_OVERHEAD_BYTES + node.content_bytes();
        self.nodes.insert(ino, node);
        self.link(dir, name, ino, now);
        ino
    }

    /// Adds entry `name` -> `ino` to directory `dir` and counts the link (for a
    /// directory: the parent gains a link and `ino`'s parent becomes `dir`).
    pub(crate) fn link(&mut self, dir: u64, name: &str, ino: u64, now: u64) {
        let is_dir = self.node(ino).is_some_and(Node::is_dir);
        if let Some(node) = self.node_mut(ino) {
            if is_dir {
                if let Body::Dir { parent, .. } = &mut node.body {
                    *parent = dir;
                }
            } else {
                node.nlink += 1;
            }
            node.ctim = now;
        }
        if let Some(parent) = self.node_mut(dir) {
            if let Body::Dir { entries, .. } = &mut parent.body {
                entries.insert(name.to_owned(), ino);
            }
            if is_dir {
                parent.nlink += 1;
            }
            parent.mtim = now;
            parent.ctim = now;
        }
        self.bytes += name.len() as u64;
    }

    /// Removes entry `name` from directory `dir` and uncounts the link (a directory's
    /// count drops to 0: it is removed). Frees the inode when nothing refers to it any
    /// more. Returns the entry's inode.
    pub(crate) fn unlink(&mut self, dir: u64, name: &str, now: u64) -> Option<u64> {
        let ino = self.detach(dir, name, now)?;
        let is_dir = self.node(ino).is_some_and(Node::is_dir);
        if let Some(node) = self.node_mut(ino) {
            node.ctim = now;
            node.nlink = if is_dir {
                0
            } else {
                node.nlink.saturating_sub(1)
            };
        }
        self.release(ino);
        Some(ino)
    }

    /// Moves entry `name` of directory `dir` to entry `new_name` of directory
    /// `new_dir` (which must not have it), keeping the inode's link count; a moved
    /// directory's parent becomes `new_dir`.
    pub(crate) fn move_entry(
        &mut self,
        dir: u64,
        name: &str,
        new_dir: u64,
        new_name: &str,
        now: u64,
    ) {
        let Some(ino) = self.detach(dir, name, now) else {
            return;
        };
        let is_dir = self.node(ino).is_some_and(Node::is_dir);
        if let Some(node) = self.node_mut(ino) {
            node.ctim = now;
            if let Body::Dir { parent, .. } = &mut node.body {
                *parent = new_dir;
            }
        }
        if let Some(parent) = self.node_mut(new_dir) {
            if let Body::Dir { entries, .. } = &mut parent.body {
                entries.insert(new_name.to_owned(), ino);
            }
            if is_dir {
                parent.nlink += 1;
            }
            parent.mtim = now;
            parent.ctim = now;
        }
        self.bytes += new_name.len() as u64;
    }

    /// Removes entry `name` from directory `dir`, adjusting the directory's link count
    /// (for a subdirectory), times and the name's bytes, but not the inode's count.
    fn detach(&mut self, dir: u64, name: &str, now: u64) -> Option<u64> {
        let ino = match &mut self.node_mut(dir)?.body {
            Body::Dir { entries, .. } => entries.remove(name)?,
            _ => return None,
        };
        let is_dir = self.node(ino).is_some_and(Node::is_dir);
        if let Some(parent) = self.node_mut(dir) {
            if is_dir {
                parent.nlink = parent.nlink.saturating_sub(1);
            }
            parent.mtim = now;
            parent.ctim = now;
        }
        self.bytes -= name.len() as u64;
        Some(ino)
    }

    /// Frees inode `ino` when no name and no fd refers to it.
    pub(crate) fn release(&mut self, ino: u64) {
        let unused = self
            .node(ino)
            .is_some_and(|n| n.open == 0 && n.nlink == 0 && ino != ROOT_INO);
        if unused {
            if let Some(node) = self.nodes.remove(&ino) {
                self.bytes -= INODE_OVERHEAD_BYTES + node.content_bytes();
            }
        }
    }

    /// Sets the length of file `ino` to `len` bytes, zero-filling growth, and stamps
    /// `mtim`/`ctim`. The caller checked the limits.
    pub(crate) fn set_file_len(&mut self, ino: u64, len: usize, now: u64) {
        if let Some(node) = self.nodes.get_mut(&ino) {
            if let Body::File(data) = &mut node.body {
                let old = data.len() as u64;
                data.resize(len, 0);
                self.bytes = self.bytes - old + len as u64;
                node.mtim = now;
                node.ctim = now;
            }
        }
    }

    /// Writes `data` into file `ino` at byte `offset`, growing it (zero-filled) as
    /// needed, and stamps `mtim`/`ctim`. The caller checked the limits.
    pub(crate) fn write_file(&mut self, ino: u64, offset: usize, data: &[u8], now: u64) {
        if let Some(node) = self.nodes.get_mut(&ino) {
            if let Body::File(contents) = &mut node.body {
                let old = contents.len() as u64;
                let end = offset + data.len();
                if contents.len() < end {
                    contents.resize(end, 0);
                }
                contents[offset..end].copy_from_slice(data);
                self.bytes = self.bytes - old + contents.len() as u64;
                node.mtim = now;
                node.ctim = now;
            }
        }
    }

    /// A copy with inode numbers renumbered canonically and every time set to
    /// `time`: the root is [`ROOT_INO`], then inodes are numbered breadth first,
    /// entries of each directory in byte order of names, a hard-linked inode at its
    /// first name. Unreachable inodes are dropped and link counts recomputed, so the
    /// result depends only on the tree's contents. Also returns the size of the
    /// largest file, in bytes.
    pub(crate) fn canonical(&self, time: u64) -> (Dir, u64) {
        let mut map: BTreeMap<u64, u64> = BTreeMap::new();
        map.insert(ROOT_INO, ROOT_INO);
        let mut order = vec![ROOT_INO];
        let mut queue = std::collections::VecDeque::from([ROOT_INO]);
        while let Some(dir) = queue.pop_front() {
            if let Some(Body::Dir { entries, .. }) = self.node(dir).map(|n| &n.body) {
                for &child in entries.values() {
                    if map.contains_key(&child) {
                        continue;
                    }
                    let new = order.len() as u64 + ROOT_INO;
                    map.insert(child, new);
                    order.push(child);
                    if self.node(child).is_some_and(Node::is_dir) {
                        queue.push_back(child);
                    }
                }
            }
        }
        let mut out = Dir {
            nodes: BTreeMap::new(),
            next_ino: order.len() as u64 + ROOT_INO,
            bytes: 0,
        };
        let mut largest = 0;
        for &old in &order {
            let Some(node) = self.node(old) else { continue };
            let body = match &node.body {
                Body::File(data) => {
                    largest = largest.max(data.len() as u64);
                    Body::File(data.clone())
                }
                Body::Symlink(t) => Body::Symlink(t.clone()),
                Body::Dir { entries, parent } => Body::Dir {
                    entries: entries
                        .iter()
                        .filter_map(|(n, i)| map.get(i).map(|&m| (n.clone(), m)))
                        .collect(),
                    parent: map.get(parent).copied().unwrap_or(ROOT_INO),
                },
            };
            let mut new = Node::new(body, time);
            new.nlink = if new.is_dir() { 2 } else { 0 };
            out.bytes += INODE_OVERHEAD_BYTES + new.content_bytes();
            out.nodes
                .insert(map.get(&old).copied().unwrap_or(ROOT_INO), new);
        }
        // Count links: one per entry for non-directories, one per subdirectory for
        // directories; and the names' bytes.
        let mut links: Vec<(u64, u64, bool)> = Vec::new();
        for (&ino, node) in &out.nodes {
            if let Body::Dir { entries, .. } = &node.body {
                for (name, &child) in entries {
                    let child_is_dir = out.node(child).is_some_and(Node::is_dir);
                    links.push((ino, child, child_is_dir));
                    out.bytes += name.len() as u64;
                }
            }
        }
        for (dir, child, child_is_dir) in links {
            let target = if child_is_dir { dir } else { child };
            if let Some(n) = out.node_mut(target) {
                n.nlink += 1;
            }
        }
        (out, largest)
    }
}
