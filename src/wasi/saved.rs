//! The WASI host state of a suspended run as plain data ([`SavedWasi`], SPEC.md
//! §Snapshot, suspended WASI runs): what `Wasi::save` takes out of a running host and
//! `Wasi::load` checks and puts back, so a run suspended out of gas continues in
//! another process exactly as in this one. Loading checks every invariant the host's
//! calls rely on (tree structure, link and open counts, byte accounting, fd
//! references), so a forged state is an error, never a panic. Depends on serde, the
//! parent module's state types and `crate::sha256`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::clock::Clock;
use super::fs::fd_table::{FdEntry, FdKind, FdTable, MAX_OPEN_FDS};
use super::fs::tree::{valid_name, Body, Dir, Node, INODE_OVERHEAD_BYTES, ROOT_INO};
use super::{stdin, Capture, RandomStream, Wasi, WasiConfig};
use crate::sha256::Sha256State;

/// A running SHA-256 (`crate::sha256::Sha256State::parts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSha256 {
    h: [u32; 8],
    len: u64,
    tail: Vec<u8>,
}

impl SavedSha256 {
    fn of(s: &Sha256State) -> SavedSha256 {
        let (h, len, tail) = s.parts();
        SavedSha256 { h, len, tail }
    }

    fn load(&self, what: &str) -> Result<Sha256State, String> {
        Sha256State::from_parts(self.h, self.len, &self.tail)
            .ok_or_else(|| format!("{what}: hash tail of the wrong length"))
    }
}

/// One inode of a tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum SavedBody {
    File(Vec<u8>),
    Dir {
        entries: Vec<(String, u64)>,
        parent: u64,
    },
    Symlink(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SavedNode {
    ino: u64,
    body: SavedBody,
    nlink: u64,
    open: u32,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SavedTree {
    guest_path: String,
    nodes: Vec<SavedNode>,
    next_ino: u64,
    bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum SavedFdKind {
    Stdin,
    Stdout,
    Stderr,
    File { tree: u32, ino: u64, pos: u64 },
    Dir { tree: u32, ino: u64, preopen: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SavedFd {
    fd: u32,
    kind: SavedFdKind,
    flags: u16,
    rights_base: u64,
    rights_inheriting: u64,
}

/// The WASI host state of a run (SPEC.md §Snapshot, suspended WASI runs), in the order
/// the format lists it. The embedder's echo sink, stdin stream and capture limit are
/// not part of it: they are set again on the loaded host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedWasi {
    args: Vec<String>,
    env: Vec<(String, String)>,
    clock_start_ns: u64,
    clock_elapsed_ns: u64,
    random_seed: u64,
    random_next_block: u64,
    random_used: u32,
    /// The stdin bytes held and not yet consumed by the guest.
    stdin_unread: Vec<u8>,
    /// Whether the stdin stream had not ended (the resuming embedder supplies its
    /// continuation).
    stdin_stream_open: bool,
    /// Every stdin byte held so far: the count is `len` of the hash.
    stdin_sha256: SavedSha256,
    stdout_sha256: SavedSha256,
    stderr_sha256: SavedSha256,
    trees: Vec<SavedTree>,
    fds: Vec<SavedFd>,
    max_file_bytes: u64,
    max_fs_bytes: u64,
}

impl SavedWasi {
    /// Whether the run's stdin continued with a stream that had not ended when it was
    /// saved; the host loaded from it reads the stream set with
    /// [`Wasi::set_stdin_stream`] after the held bytes.
    pub fn stdin_stream_open(&self) -> bool {
        self.stdin_stream_open
    }

    /// How many bytes the run wrote to stdout so far.
    pub fn stdout_len_bytes(&self) -> u64 {
        self.stdout_sha256.len
    }

    /// How many bytes the run wrote to stderr so far.
    pub fn stderr_len_bytes(&self) -> u64 {
        self.stderr_sha256.len
    }
}

impl Wasi {
    /// The host state as plain data, for a suspended run (SPEC.md §Snapshot,
    /// suspended WASI runs). The bytes of stdout and stderr are not part of it, only
    /// their counts and running digests.
    pub fn save(&self) -> SavedWasi {
        let (stdin_unread, stdin_stream_open, stdin_hash) = self.stdin.save();
        let trees = self
            .trees
            .iter()
            .zip(&self.preopen_paths)
            .map(|(t, p)| SavedTree {
                guest_path: p.clone(),
                nodes: t
                    .nodes
                    .iter()
                    .map(|(&ino, n)| SavedNode {
                        ino,
                        body: match &n.body {
                            Body::File(d) => SavedBody::File(d.clone()),
                            Body::Symlink(s) => SavedBody::Symlink(s.clone()),
                            Body::Dir { entries, parent } => SavedBody::Dir {
                                entries: entries.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                                parent: *parent,
                            },
                        },
                        nlink: n.nlink,
                        open: n.open,
                        atim: n.atim,
                        mtim: n.mtim,
                        ctim: n.ctim,
                    })
                    .collect(),
                next_ino: t.next_ino,
                bytes: t.bytes,
            })
            .collect();
        let fds = self
            .fds
            .entries()
            .map(|(fd, e)| SavedFd {
                fd,
                kind: match &e.kind {
                    FdKind::Stdin => SavedFdKind::Stdin,
                    FdKind::Stdout => SavedFdKind::Stdout,
                    FdKind::Stderr => SavedFdKind::Stderr,
                    FdKind::File { tree, ino, pos } => SavedFdKind::File {
                        tree: *tree as u32,
                        ino: *ino,
                        pos: *pos,
                    },
                    FdKind::Dir { tree, ino, preopen } => SavedFdKind::Dir {
                        tree: *tree as u32,
                        ino: *ino,
                        preopen: preopen.is_some(),
                    },
                },
                flags: e.flags,
                rights_base: e.rights_base,
                rights_inheriting: e.rights_inheriting,
            })
            .collect();
        let (random_seed, random_next_block, random_used) = self.random.position();
        SavedWasi {
            args: self.args.clone(),
            env: self.env.clone(),
            clock_start_ns: self.clock.start_ns(),
            clock_elapsed_ns: self.clock.elapsed_ns(),
            random_seed,
            random_next_block,
            random_used,
            stdin_unread,
            stdin_stream_open,
            stdin_sha256: SavedSha256::of(&stdin_hash),
            stdout_sha256: SavedSha256::of(&self.stdout.sha256),
            stderr_sha256: SavedSha256::of(&self.stderr.sha256),
            trees,
            fds,
            max_file_bytes: self.max_file_bytes,
            max_fs_bytes: self.max_fs_bytes,
        }
    }

    /// The host [`Wasi::save`] saved, after checking every invariant the host relies
    /// on. No echo sink, no stdin stream, no capture limit: set them again.
    ///
    /// # Errors
    /// A message naming the first inconsistency: invalid arguments or environment (as
    /// [`Wasi::new`]), a random position or hash state out of range, a tree whose
    /// entries, parents, link counts, open counts or byte total disagree with its
    /// inodes, a file beyond `max_file_bytes`, trees beyond `max_fs_bytes`, an fd on a
    /// missing tree or inode or of the wrong kind, too many fds.
    pub fn load(saved: &SavedWasi) -> Result<Wasi, String> {
        if saved.trees.len() > (MAX_OPEN_FDS - 3) as usize {
            return Err(format!("{} preopens", saved.trees.len()));
        }
        // Arguments and environment go through the checks of a new run.
        let mut wasi = Wasi::new(WasiConfig {
            args: saved.args.clone(),
            env: saved.env.clone(),
            seed: saved.random_seed,
            clock_start_ns: saved.clock_start_ns,
            stdin: Vec::new(),
            preopens: Vec::new(),
            max_file_bytes: saved.max_file_bytes,
            max_fs_bytes: saved.max_fs_bytes,
        })
        .map_err(|e| e.to_string())?;
        wasi.clock = Clock::resumed(saved.clock_start_ns, saved.clock_elapsed_ns);
        wasi.random = RandomStream::at(
            saved.random_seed,
            saved.random_next_block,
            saved.random_used,
        )
        .ok_or("random stream position out of range")?;
        let stdin_hash = saved.stdin_sha256.load("stdin")?;
        if (saved.stdin_unread.len() as u64) > stdin_hash.len_bytes() {
            return Err("more stdin bytes unread than were held".to_string());
        }
        wasi.stdin = stdin::Stdin::resumed(saved.stdin_unread.clone(), stdin_hash);
        if !saved.stdin_stream_open {
            wasi.stdin.set_stream(None);
        }
        for (capture, s, what) in [
            (&mut wasi.stdout, &saved.stdout_sha256, "stdout"),
            (&mut wasi.stderr, &saved.stderr_sha256, "stderr"),
        ] {
            let sha = s.load(what)?;
            *capture = Capture {
                kept: Vec::new(),
                kept_total: sha.len_bytes(),
                len_bytes: sha.len_bytes(),
                sha256: sha,
            };
        }
        // The fd table first: the trees' open counts are checked against it.
        if saved.fds.len() > MAX_OPEN_FDS as usize {
            return Err(format!("{} open fds", saved.fds.len()));
        }
        let mut fds = FdTable::default();
        let mut opens: BTreeMap<(usize, u64), u32> = BTreeMap::new();
        for f in &saved.fds {
            let kind = match &f.kind {
                SavedFdKind::Stdin => FdKind::Stdin,
                SavedFdKind::Stdout => FdKind::Stdout,
                SavedFdKind::Stderr => FdKind::Stderr,
                SavedFdKind::File { tree, ino, pos } => FdKind::File {
                    tree: *tree as usize,
                    ino: *ino,
                    pos: *pos,
                },
                SavedFdKind::Dir { tree, ino, preopen } => {
                    let t = saved
                        .trees
                        .get(*tree as usize)
                        .ok_or_else(|| format!("fd {} on a missing tree", f.fd))?;
                    FdKind::Dir {
                        tree: *tree as usize,
                        ino: *ino,
                        preopen: preopen.then(|| t.guest_path.clone()),
                    }
                }
            };
            let entry = FdEntry {
                kind,
                flags: f.flags,
                rights_base: f.rights_base,
                rights_inheriting: f.rights_inheriting,
            };
            if let Some(at) = entry.inode() {
                let n = opens.entry(at).or_insert(0);
                *n = n.saturating_add(1);
            }
            if fds.insert(f.fd, entry).is_some() {
                return Err(format!("fd {} listed twice", f.fd));
            }
        }
        let mut trees = Vec::new();
        let mut paths = Vec::new();
        let mut total: u64 = 0;
        for (i, t) in saved.trees.iter().enumerate() {
            if t.guest_path.is_empty() || t.guest_path.contains('\0') {
                return Err(format!("tree {i}: bad preopen path"));
            }
            let dir = load_tree(t, saved.max_file_bytes, |ino| {
                opens.get(&(i, ino)).copied().unwrap_or(0)
            })
            .map_err(|e| format!("tree {} ({}): {e}", i, t.guest_path))?;
            total = total.saturating_add(dir.bytes);
            trees.push(dir);
            paths.push(t.guest_path.clone());
        }
        if total > saved.max_fs_bytes {
            return Err("the trees exceed max_fs_bytes".to_string());
        }
        // Every fd on a tree names an inode of the right kind.
        for (fd, e) in fds.entries() {
            let (tree, ino, want_dir) = match e.kind {
                FdKind::File { tree, ino, .. } => (tree, ino, false),
                FdKind::Dir { tree, ino, .. } => (tree, ino, true),
                _ => continue,
            };
            let node = trees
                .get(tree)
                .and_then(|t: &Dir| t.node(ino))
                .ok_or_else(|| format!("fd {fd} on a missing inode"))?;
            if want_dir != node.is_dir() || matches!(node.body, Body::Symlink(_)) {
                return Err(format!("fd {fd} on an inode of the wrong kind"));
            }
        }
        wasi.trees = trees;
        wasi.preopen_paths = paths;
        wasi.fds = fds;
        Ok(wasi)
    }
}

/// Rebuilds one tree and checks it: the root is a directory that is its own parent;
/// every entry has a valid name and names an inode of the tree other than the root;
/// every directory is named at most once, by its parent, and is reachable from the
/// root (no cycles); link counts are those the entries give; open counts are the
/// fds' (`open_of`); no inode is unreferenced; the byte total is recomputed.
fn load_tree(
    t: &SavedTree,
    max_file_bytes: u64,
    open_of: impl Fn(u64) -> u32,
) -> Result<Dir, String> {
    let mut nodes: BTreeMap<u64, Node> = BTreeMap::new();
    for n in &t.nodes {
        let body = match &n.body {
            SavedBody::File(d) => {
                if d.len() as u64 > max_file_bytes {
                    return Err(format!("inode {} beyond max_file_bytes", n.ino));
                }
                Body::File(d.clone())
            }
            SavedBody::Symlink(s) => Body::Symlink(s.clone()),
            SavedBody::Dir { entries, parent } => {
                let mut map = BTreeMap::new();
                for (name, ino) in entries {
                    if !valid_name(name) || map.insert(name.clone(), *ino).is_some() {
                        return Err(format!("inode {}: bad or repeated entry name", n.ino));
                    }
                }
                Body::Dir {
                    entries: map,
                    parent: *parent,
                }
            }
        };
        let node = Node {
            body,
            nlink: n.nlink,
            open: n.open,
            atim: n.atim,
            mtim: n.mtim,
            ctim: n.ctim,
        };
        if n.ino == 0 || n.ino >= t.next_ino || nodes.insert(n.ino, node).is_some() {
            return Err(format!("inode number {} out of range or repeated", n.ino));
        }
    }
    match nodes.get(&ROOT_INO).map(|n| &n.body) {
        Some(Body::Dir { parent, .. }) if *parent == ROOT_INO => {}
        _ => return Err("no root directory".to_string()),
    }
    // Names referring to each inode, and the recomputed byte total.
    let mut refs: BTreeMap<u64, u64> = BTreeMap::new();
    let mut bytes: u64 = 0;
    for (&ino, node) in &nodes {
        bytes = bytes.saturating_add(INODE_OVERHEAD_BYTES);
        match &node.body {
            Body::File(d) => bytes = bytes.saturating_add(d.len() as u64),
            Body::Symlink(s) => bytes = bytes.saturating_add(s.len() as u64),
            Body::Dir { entries, .. } => {
                for (name, &child) in entries {
                    bytes = bytes.saturating_add(name.len() as u64);
                    let Some(c) = nodes.get(&child) else {
                        return Err(format!("inode {ino}: entry {name:?} names no inode"));
                    };
                    if child == ROOT_INO {
                        return Err(format!("inode {ino}: entry {name:?} names the root"));
                    }
                    if let Body::Dir { parent, .. } = &c.body {
                        if *parent != ino {
                            return Err(format!("directory {child}: wrong parent"));
                        }
                    }
                    *refs.entry(child).or_insert(0) += 1;
                }
            }
        }
    }
    if bytes != t.bytes {
        return Err(format!("byte total {} (recomputed {bytes})", t.bytes));
    }
    let mut linked_dirs = 0usize;
    for (&ino, node) in &nodes {
        let named = refs.get(&ino).copied().unwrap_or(0);
        let want_nlink = match &node.body {
            Body::Dir { entries, .. } => {
                let subdirs = entries
                    .values()
                    .filter(|c| nodes.get(c).is_some_and(Node::is_dir))
                    .count() as u64;
                if ino == ROOT_INO || named == 1 {
                    if ino != ROOT_INO {
                        linked_dirs += 1;
                    }
                    2 + subdirs
                } else if named == 0 && entries.is_empty() {
                    0
                } else {
                    return Err(format!("directory {ino} named {named} times"));
                }
            }
            _ => named,
        };
        if node.nlink != want_nlink {
            return Err(format!("inode {ino}: link count {}", node.nlink));
        }
        if node.open != open_of(ino) {
            return Err(format!("inode {ino}: open count {}", node.open));
        }
        if ino != ROOT_INO && node.nlink == 0 && node.open == 0 {
            return Err(format!("inode {ino} is referred to by nothing"));
        }
    }
    // Every named directory is reachable from the root: no cycle hangs apart.
    let mut seen = 0usize;
    let mut stack = vec![ROOT_INO];
    while let Some(dir) = stack.pop() {
        if let Some(Body::Dir { entries, .. }) = nodes.get(&dir).map(|n| &n.body) {
            for child in entries.values() {
                if nodes.get(child).is_some_and(Node::is_dir) {
                    seen += 1;
                    if seen > linked_dirs {
                        return Err("a directory cycle".to_string());
                    }
                    stack.push(*child);
                }
            }
        }
    }
    if seen != linked_dirs {
        return Err("a directory unreachable from the root".to_string());
    }
    Ok(Dir {
        nodes,
        next_ino: t.next_ino,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasi::Preopen;

    fn host() -> Wasi {
        let mut tree = Dir::new();
        tree.add_file("a/f.txt", b"hello".to_vec()).unwrap();
        tree.add_symlink("a/link", "f.txt").unwrap();
        tree.add_dir("b/c").unwrap();
        let mut w = Wasi::new(WasiConfig {
            args: vec!["prog".into(), "x".into()],
            env: vec![("K".into(), "V".into())],
            seed: 7,
            stdin: b"some stdin".to_vec(),
            preopens: vec![Preopen {
                guest_path: "/data".into(),
                tree,
            }],
            ..WasiConfig::default()
        })
        .unwrap();
        let mut buf = [0u8; 5];
        w.random.fill(&mut buf);
        w.stdin.fill(4);
        w.stdin.consume(4);
        w.emit(crate::wasi::OutputStream::Stdout, b"out");
        w
    }

    fn ino(s: &SavedWasi, name: &str) -> u64 {
        s.trees[0]
            .nodes
            .iter()
            .find_map(|n| match &n.body {
                SavedBody::Dir { entries, .. } => {
                    entries.iter().find(|(k, _)| k == name).map(|(_, i)| *i)
                }
                _ => None,
            })
            .unwrap()
    }

    fn node(s: &mut SavedWasi, ino: u64) -> &mut SavedNode {
        s.trees[0].nodes.iter_mut().find(|n| n.ino == ino).unwrap()
    }

    #[test]
    fn a_saved_host_loads_as_it_was() {
        let w = host();
        let saved = w.save();
        let loaded = Wasi::load(&saved).unwrap();
        assert_eq!(loaded.save(), saved);
        assert_eq!(loaded.trees, w.trees);
        assert_eq!(loaded.fds, w.fds);
        assert_eq!(loaded.random, w.random);
        assert_eq!(loaded.clock, w.clock);
        assert_eq!(
            loaded.output_sha256(crate::wasi::OutputStream::Stdout),
            w.output_sha256(crate::wasi::OutputStream::Stdout)
        );
        assert_eq!(loaded.stdin.save(), w.stdin.save());
    }

    #[test]
    fn forged_states_are_refused() {
        let base = host().save();
        type Forge = fn(&mut SavedWasi);
        let forgeries: [(&str, Forge); 14] = [
            ("random position", |s| s.random_used = 33),
            ("hash tail", |s| s.stdout_sha256.tail.push(0)),
            ("unread stdin", |s| s.stdin_unread = vec![0; 100]),
            ("byte total", |s| s.trees[0].bytes += 1),
            ("link count", |s| {
                let f = ino(s, "f.txt");
                node(s, f).nlink += 1;
            }),
            ("open count", |s| node(s, ROOT_INO).open = 0),
            ("missing inode", |s| {
                let a = ino(s, "a");
                if let SavedBody::Dir { entries, .. } = &mut node(s, a).body {
                    entries[0].1 = 999;
                }
            }),
            ("entry naming the root", |s| {
                let a = ino(s, "a");
                if let SavedBody::Dir { entries, .. } = &mut node(s, a).body {
                    entries[0].1 = ROOT_INO;
                }
            }),
            ("directory named twice", |s| {
                let c = ino(s, "c");
                let a = ino(s, "a");
                if let SavedBody::Dir { entries, .. } = &mut node(s, a).body {
                    entries[0].1 = c;
                }
            }),
            ("fd on a missing tree", |s| {
                if let Some(SavedFdKind::Dir { tree, .. }) = s
                    .fds
                    .iter_mut()
                    .map(|f| &mut f.kind)
                    .find(|k| matches!(k, SavedFdKind::Dir { .. }))
                {
                    *tree = 5;
                }
            }),
            ("fd on a file as a directory", |s| {
                let f = ino(s, "f.txt");
                if let Some(SavedFdKind::Dir { ino, .. }) = s
                    .fds
                    .iter_mut()
                    .map(|f| &mut f.kind)
                    .find(|k| matches!(k, SavedFdKind::Dir { .. }))
                {
                    *ino = f;
                }
            }),
            ("unreferenced inode", |s| {
                let mut n = node(s, ROOT_INO).clone();
                n.ino = s.trees[0].next_ino;
                n.body = SavedBody::File(Vec::new());
                n.nlink = 0;
                n.open = 0;
                s.trees[0].next_ino += 1;
                s.trees[0].bytes += INODE_OVERHEAD_BYTES;
                s.trees[0].nodes.push(n);
            }),
            ("inode number", |s| s.trees[0].next_ino = 2),
            ("environment", |s| s.env.push(("A=B".into(), String::new()))),
        ];
        for (what, forge) in forgeries {
            let mut s = base.clone();
            forge(&mut s);
            assert_ne!(s, base, "{what}: nothing forged");
            assert!(Wasi::load(&s).is_err(), "{what}: accepted");
        }
    }

    #[test]
    fn a_directory_cycle_apart_from_the_root_is_refused() {
        let mut s = host().save();
        // Move `b` (holding `c`) under `c`: both named once, by their parents, but
        // unreachable from the root.
        let b = ino(&s, "b");
        let c = ino(&s, "c");
        let root_entries = match &mut node(&mut s, ROOT_INO).body {
            SavedBody::Dir { entries, .. } => entries,
            _ => unreachable!(),
        };
        root_entries.retain(|(k, _)| k != "b");
        node(&mut s, ROOT_INO).nlink -= 1;
        if let SavedBody::Dir { entries, .. } = &mut node(&mut s, c).body {
            entries.push(("b".into(), b));
        }
        node(&mut s, c).nlink += 1;
        if let SavedBody::Dir { parent, .. } = &mut node(&mut s, b).body {
            *parent = c;
        }
        let err = Wasi::load(&s).unwrap_err();
        assert!(
            err.contains("unreachable") || err.contains("cycle"),
            "{err}"
        );
    }
}
