//! A deterministic WASI preview1 host (`wasi_snapshot_preview1`), SPEC.md §Host.
//!
//! Nothing of the real machine is read or written during a run: arguments and
//! environment come from [`WasiConfig`], time from a virtual clock (`clock`), random
//! bytes from a seeded SHA-256 stream (`random`), files from in-memory trees loaded
//! before the run (`fs`), stdin from configured bytes then an optional stream the
//! embedder supplies, read only as the guest reads (`stdin`); stdout and stderr are hashed
//! and counted, captured in memory up to a limit the embedder sets, and optionally echoed
//! through a sink the embedder supplies. Every host
//! call charges gas (`gas`) before it acts and reaches guest memory only through
//! `guest_mem`. No `HashMap` is used, so no iteration order can reach the guest.
//!
//! It builds on the public host-function API of `runtime` (`Linker::func_new`,
//! `Caller`), with its state in the store's host state, and never touches exec
//! internals. The only real I/O, reading a host
//! directory before a run and writing one after it, lives in `fs::host_io` and is
//! called by the CLI. Depends on `runtime`, `exec::Trap`, `value`, `validate`
//! (the allowlist type), `module`, `error` and sha2.

pub mod abi;
mod args_env;
pub mod clock;
mod errno;
pub mod fs;
mod funcs;
pub mod gas;
mod guest_mem;
mod poll;
mod proc;
pub mod random;
mod saved;
mod stdin;

use std::fmt;

use crate::sha256::Sha256State;

pub use errno::Errno;
pub use funcs::{add_to_linker, allowlist, provided_names, WASI_MODULE};
pub use guest_mem::AccessLog;
pub use random::RandomStream;
pub use saved::SavedWasi;
pub use stdin::StdinStream;

use clock::Clock;
use fs::fd_table::{FdEntry, FdKind, FdTable, MAX_OPEN_FDS};
use fs::tree::{Body, Dir};

/// Default [`WasiConfig::clock_start_ns`]: 2026-01-01T00:00:00Z, in ns since the Unix
/// epoch.
pub const DEFAULT_CLOCK_START_NS: u64 = 1_767_225_600_000_000_000;

/// Default [`WasiConfig::max_file_bytes`]: 64 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Default [`WasiConfig::max_fs_bytes`]: 256 MiB.
pub const DEFAULT_MAX_FS_BYTES: u64 = 256 * 1024 * 1024;

/// One directory tree mounted for the guest (a preopen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    /// The name the guest sees in `fd_prestat_dir_name`, e.g. `"/"`, `"/data"` or
    /// `"."`; wasi-libc maps absolute guest paths to the preopen with the longest
    /// matching prefix.
    pub guest_path: String,
    /// The tree's contents at the start of the run.
    pub tree: Dir,
}

/// Everything a run of the WASI host depends on. Two runs with equal configurations
/// (and the same module, gas limit and calls) behave identically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasiConfig {
    /// Command-line arguments; `args[0]` is the module's file name, as wasmtime sets
    /// it. Default: empty.
    pub args: Vec<String>,
    /// Environment variables as `(name, value)`, in the order the guest sees them.
    /// Nothing is inherited from the real environment. Default: empty.
    pub env: Vec<(String, String)>,
    /// Seed of the `random_get` stream ([`RandomStream`]). Default: 0.
    pub seed: u64,
    /// What `realtime` and `monotonic` read at the first observation, in ns since the
    /// Unix epoch; also the times of preloaded files. Default:
    /// [`DEFAULT_CLOCK_START_NS`].
    pub clock_start_ns: u64,
    /// The bytes fd 0 reads first; then the stream set with [`Wasi::set_stdin_stream`]
    /// (if any), then end of file. Default: empty.
    pub stdin: Vec<u8>,
    /// Directory trees, as fds 3, 4, ... in this order. Default: none.
    pub preopens: Vec<Preopen>,
    /// Largest size of one file, in bytes; growing a file past it fails with
    /// `EFBIG`. Default: [`DEFAULT_MAX_FILE_BYTES`].
    pub max_file_bytes: u64,
    /// Largest total size of all trees together ([`Dir::total_bytes`]), in bytes;
    /// growing past it fails with `ENOSPC`. Default: [`DEFAULT_MAX_FS_BYTES`].
    pub max_fs_bytes: u64,
}

impl Default for WasiConfig {
    fn default() -> WasiConfig {
        WasiConfig {
            args: Vec::new(),
            env: Vec::new(),
            seed: 0,
            clock_start_ns: DEFAULT_CLOCK_START_NS,
            stdin: Vec::new(),
            preopens: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_fs_bytes: DEFAULT_MAX_FS_BYTES,
        }
    }
}

/// A [`WasiConfig`] that cannot be used: the message says which field and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid wasi configuration: {0}")]
pub struct WasiConfigError(pub String);

/// Which captured stream an echoed write went to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum OutputStream {
    /// fd 1.
    Stdout,
    /// fd 2.
    Stderr,
}

/// Receives every byte the guest writes to stdout or stderr, as it is written (in
/// addition to the capture). The CLI uses it to echo to the real streams.
pub type EchoSink = Box<dyn FnMut(OutputStream, &[u8]) + Send>;

/// One output stream as captured: the digest and length of everything written, and
/// the first bytes up to the capture limit.
#[derive(Default)]
struct Capture {
    kept: Vec<u8>,
    /// Bytes kept since the start, including those taken.
    kept_total: u64,
    len_bytes: u64,
    sha256: Sha256State,
}

impl Capture {
    fn append(&mut self, data: &[u8], max_bytes: u64) {
        self.sha256.update(data);
        self.len_bytes = self.len_bytes.saturating_add(data.len() as u64);
        let room = max_bytes.saturating_sub(self.kept_total);
        let keep = usize::try_from(room).map_or(data.len(), |r| r.min(data.len()));
        if let Some(head) = data.get(..keep) {
            self.kept.extend_from_slice(head);
            self.kept_total += keep as u64;
        }
    }
}

/// The state of the WASI host for one run: fd table, trees, clock, random stream,
/// stdin position, captured stdout and stderr, and the exit status.
///
/// Keep it in the store's host state and define the host functions over it with
/// [`add_to_linker`]; read the results from it after the run (`Store::data`).
pub struct Wasi {
    args: Vec<String>,
    env: Vec<(String, String)>,
    pub(crate) clock: Clock,
    pub(crate) random: RandomStream,
    pub(crate) stdin: stdin::Stdin,
    stdout: Capture,
    stderr: Capture,
    max_capture_bytes: u64,
    echo: Option<EchoSink>,
    pub(crate) trees: Vec<Dir>,
    preopen_paths: Vec<String>,
    pub(crate) fds: FdTable,
    max_file_bytes: u64,
    max_fs_bytes: u64,
    pub(crate) exit_status: Option<i32>,
    record_access: bool,
    access_log: AccessLog,
}

impl fmt::Debug for Wasi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wasi")
            .field("args", &self.args)
            .field("env", &self.env)
            .field("preopens", &self.preopen_paths)
            .field("stdout_bytes", &self.stdout.len_bytes)
            .field("stderr_bytes", &self.stderr.len_bytes)
            .field("exit_status", &self.exit_status)
            .finish_non_exhaustive()
    }
}

/// Checks a string the guest will read as a NUL-terminated C string.
fn check_c_string(what: &str, s: &str) -> Result<(), WasiConfigError> {
    if s.contains('\0') {
        return Err(WasiConfigError(format!("{what} {s:?} contains a NUL byte")));
    }
    Ok(())
}

impl Wasi {
    /// The host state at the start of a run.
    ///
    /// fds 0, 1 and 2 are stdin, stdout and stderr; the preopens follow from fd 3 in
    /// order. Each preopen's tree is renumbered canonically (inodes numbered breadth
    /// first in byte order of names, root = 1) and every time in it set to
    /// `clock_start_ns`, so the start state depends only on the trees' contents.
    ///
    /// # Errors
    /// [`WasiConfigError`] when an argument, environment name or value, or preopen
    /// path contains NUL; an environment name is empty or contains `=`; the
    /// arguments or environment exceed 4 GiB; a preopen path is empty; there are more
    /// than `MAX_OPEN_FDS - 3` preopens; a preloaded file exceeds `max_file_bytes`;
    /// or the trees together exceed `max_fs_bytes`.
    pub fn new(config: WasiConfig) -> Result<Wasi, WasiConfigError> {
        for arg in &config.args {
            check_c_string("argument", arg)?;
        }
        for (name, value) in &config.env {
            check_c_string("environment name", name)?;
            check_c_string("environment value", value)?;
            if name.is_empty() || name.contains('=') {
                return Err(WasiConfigError(format!(
                    "environment name {name:?} is empty or contains '='"
                )));
            }
        }
        let args_bytes: u64 = config.args.iter().map(|a| a.len() as u64 + 1).sum();
        let env_bytes: u64 = config
            .env
            .iter()
            .map(|(n, v)| n.len() as u64 + v.len() as u64 + 2)
            .sum();
        if args_bytes > u64::from(u32::MAX) || env_bytes > u64::from(u32::MAX) {
            return Err(WasiConfigError(
                "arguments or environment larger than 4 GiB".to_owned(),
            ));
        }
        if config.preopens.len() > (MAX_OPEN_FDS - 3) as usize {
            return Err(WasiConfigError(format!(
                "{} preopens, at most {} allowed",
                config.preopens.len(),
                MAX_OPEN_FDS - 3
            )));
        }
        let mut fds = FdTable::default();
        for (fd, kind, rights) in [
            (0, FdKind::Stdin, abi::STDIN_RIGHTS),
            (1, FdKind::Stdout, abi::STDOUT_RIGHTS),
            (2, FdKind::Stderr, abi::STDOUT_RIGHTS),
        ] {
            fds.insert(
                fd,
                FdEntry {
                    kind,
                    flags: 0,
                    rights_base: rights,
                    rights_inheriting: 0,
                },
            );
        }
        let mut trees = Vec::new();
        let mut preopen_paths = Vec::new();
        let mut total: u64 = 0;
        for (i, preopen) in config.preopens.iter().enumerate() {
            check_c_string("preopen path", &preopen.guest_path)?;
            if preopen.guest_path.is_empty() {
                return Err(WasiConfigError("empty preopen path".to_owned()));
            }
            let (mut tree, largest) = preopen.tree.canonical(config.clock_start_ns);
            if largest > config.max_file_bytes {
                return Err(WasiConfigError(format!(
                    "preopen {}: a file of {largest} bytes exceeds max_file_bytes {}",
                    preopen.guest_path, config.max_file_bytes
                )));
            }
            total = total.saturating_add(tree.total_bytes());
            // The preopen's root is held open by its fd.
            if let Some(root) = tree.node_mut(fs::tree::ROOT_INO) {
                root.open = 1;
            }
            let fd = u32::try_from(i + 3).map_err(|_| WasiConfigError("fd".to_owned()))?;
            fds.insert(
                fd,
                FdEntry {
                    kind: FdKind::Dir {
                        tree: i,
                        ino: fs::tree::ROOT_INO,
                        preopen: Some(preopen.guest_path.clone()),
                    },
                    flags: 0,
                    rights_base: abi::DIR_RIGHTS,
                    rights_inheriting: abi::DIR_INHERITING_RIGHTS,
                },
            );
            trees.push(tree);
            preopen_paths.push(preopen.guest_path.clone());
        }
        if total > config.max_fs_bytes {
            return Err(WasiConfigError(format!(
                "the preopened trees take {total} bytes, more than max_fs_bytes {}",
                config.max_fs_bytes
            )));
        }
        Ok(Wasi {
            args: config.args,
            env: config.env,
            clock: Clock::new(config.clock_start_ns),
            random: RandomStream::new(config.seed),
            stdin: stdin::Stdin::new(config.stdin),
            stdout: Capture::default(),
            stderr: Capture::default(),
            max_capture_bytes: u64::MAX,
            echo: None,
            trees,
            preopen_paths,
            fds,
            max_file_bytes: config.max_file_bytes,
            max_fs_bytes: config.max_fs_bytes,
            exit_status: None,
            record_access: false,
            access_log: AccessLog::default(),
        })
    }

    /// Continues stdin after [`WasiConfig::stdin`]'s bytes with `stream`, read as the
    /// guest reads (SPEC.md §Host stdio).
    pub fn set_stdin_stream(&mut self, stream: Option<StdinStream>) {
        self.stdin.set_stream(stream);
    }

    /// The length, in bytes, and SHA-256 of every stdin byte the host held so far:
    /// [`WasiConfig::stdin`], then the bytes taken from the stdin stream (SPEC.md
    /// §Trace, start event `stdin_len` and `stdin_sha256`). The bytes themselves are
    /// not kept once the guest consumed them. Reads after this see end of file.
    pub fn finish_stdin(&mut self) -> (u64, [u8; 32]) {
        self.stdin.finish_held()
    }

    /// Takes the stdout captured so far, leaving the capture empty: the first
    /// [`Wasi::set_max_capture_bytes`] bytes written to stdout (all of them by
    /// default), less those taken before.
    pub fn take_stdout(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.stdout.kept)
    }

    /// Takes the stderr captured so far, leaving the capture empty (as
    /// [`Wasi::take_stdout`]).
    pub fn take_stderr(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.stderr.kept)
    }

    /// The stdout captured so far (as [`Wasi::take_stdout`] would take it).
    pub fn stdout(&self) -> &[u8] {
        &self.stdout.kept
    }

    /// The stderr captured so far.
    pub fn stderr(&self) -> &[u8] {
        &self.stderr.kept
    }

    /// Keeps at most the first `max_bytes` bytes written to each of stdout and stderr
    /// in memory (default: no limit). Bytes past it are still echoed, counted and
    /// hashed ([`Wasi::output_len_bytes`], [`Wasi::output_sha256`]), so a run's memory
    /// need not grow with its output.
    pub fn set_max_capture_bytes(&mut self, max_bytes: u64) {
        self.max_capture_bytes = max_bytes;
    }

    /// How many bytes the guest wrote to `stream` in all, kept or not, in bytes.
    pub fn output_len_bytes(&self, stream: OutputStream) -> u64 {
        self.capture(stream).len_bytes
    }

    /// SHA-256 of every byte the guest wrote to `stream`, kept or not (the end
    /// event's `stdout_sha256` and `stderr_sha256`, SPEC.md §Trace events).
    pub fn output_sha256(&self, stream: OutputStream) -> [u8; 32] {
        self.capture(stream).sha256.finalize()
    }

    fn capture(&self, stream: OutputStream) -> &Capture {
        match stream {
            OutputStream::Stdout => &self.stdout,
            OutputStream::Stderr => &self.stderr,
        }
    }

    /// Sets (or with `None` removes) the sink that receives every stdout and stderr
    /// write as it happens. Capture continues either way.
    pub fn set_echo(&mut self, sink: Option<EchoSink>) {
        self.echo = sink;
    }

    /// The status the guest passed to `proc_exit`, if it called it.
    pub fn exit_status(&self) -> Option<i32> {
        self.exit_status
    }

    /// The current state of preopen `index` (in [`WasiConfig::preopens`] order).
    pub fn preopen_tree(&self, index: usize) -> Option<&Dir> {
        self.trees.get(index)
    }

    /// Every preopen as `(guest path, current tree)`, in configuration order.
    pub fn preopens(&self) -> impl Iterator<Item = (&str, &Dir)> {
        self.preopen_paths
            .iter()
            .map(String::as_str)
            .zip(self.trees.iter())
    }

    /// What the virtual real-time clock reads now, in ns since the Unix epoch
    /// (without observing it).
    pub fn clock_now_ns(&self) -> u64 {
        self.clock.now()
    }

    /// Turns recording of guest memory accesses on or off (off at start). While on,
    /// [`Wasi::guest_access`] lists the ranges the last host call read and wrote.
    pub fn set_record_guest_access(&mut self, on: bool) {
        self.record_access = on;
        self.access_log.clear();
    }

    /// The guest memory ranges the last host call read and wrote (empty unless
    /// recording is on).
    pub fn guest_access(&self) -> &AccessLog {
        &self.access_log
    }

    // --- helpers for the calls ------------------------------------------------------

    /// Bytes used by all trees together.
    pub(crate) fn fs_used(&self) -> u64 {
        self.trees.iter().map(Dir::total_bytes).sum()
    }

    /// Checks that the trees may grow by `growth` bytes.
    ///
    /// # Errors
    /// `ENOSPC` beyond `max_fs_bytes`.
    pub(crate) fn reserve(&self, growth: u64) -> Result<(), Errno> {
        match self.fs_used().checked_add(growth) {
            Some(total) if total <= self.max_fs_bytes => Ok(()),
            _ => Err(Errno::Nospc),
        }
    }

    /// Checks a new file length and converts it to `usize`.
    ///
    /// # Errors
    /// `EFBIG` beyond `max_file_bytes` (or the host's address space).
    pub(crate) fn check_file_len(&self, len: u64) -> Result<usize, Errno> {
        if len > self.max_file_bytes {
            return Err(Errno::Fbig);
        }
        usize::try_from(len).map_err(|_| Errno::Fbig)
    }

    /// The tree and inode of directory fd `fd`.
    ///
    /// # Errors
    /// `EBADF` when `fd` is not open; `ENOTDIR` when it is not a directory.
    pub(crate) fn dir_fd(&self, fd: u32) -> Result<(usize, u64), Errno> {
        match self.fds.get(fd)?.kind {
            FdKind::Dir { tree, ino, .. } => Ok((tree, ino)),
            _ => Err(Errno::Notdir),
        }
    }

    /// Tree `index`.
    ///
    /// # Errors
    /// `EBADF` for an unknown index (never for an fd's own tree).
    pub(crate) fn tree(&self, index: usize) -> Result<&Dir, Errno> {
        self.trees.get(index).ok_or(Errno::Badf)
    }

    /// Tree `index`, writable.
    ///
    /// # Errors
    /// As [`Wasi::tree`].
    pub(crate) fn tree_mut(&mut self, index: usize) -> Result<&mut Dir, Errno> {
        self.trees.get_mut(index).ok_or(Errno::Badf)
    }

    /// Counts a new fd on inode `ino` of tree `tree`.
    pub(crate) fn hold(&mut self, tree: usize, ino: u64) {
        if let Some(node) = self.trees.get_mut(tree).and_then(|t| t.node_mut(ino)) {
            node.open += 1;
        }
    }

    /// Uncounts an fd on the inode of `entry`, freeing the inode if it was unlinked.
    pub(crate) fn drop_fd(&mut self, entry: &FdEntry) {
        if let Some((tree, ino)) = entry.inode() {
            if let Some(t) = self.trees.get_mut(tree) {
                if let Some(node) = t.node_mut(ino) {
                    node.open = node.open.saturating_sub(1);
                }
                t.release(ino);
            }
        }
    }

    /// Appends `data` to the captured stream (its digest, its length, and the bytes
    /// that fit in the capture limit) and echoes it.
    pub(crate) fn emit(&mut self, stream: OutputStream, data: &[u8]) {
        let max = self.max_capture_bytes;
        match stream {
            OutputStream::Stdout => self.stdout.append(data, max),
            OutputStream::Stderr => self.stderr.append(data, max),
        }
        if let Some(echo) = self.echo.as_mut() {
            echo(stream, data);
        }
    }

    pub(crate) fn args(&self) -> &[String] {
        &self.args
    }

    pub(crate) fn env(&self) -> &[(String, String)] {
        &self.env
    }

    pub(crate) fn access_log_mut(&mut self) -> &mut AccessLog {
        &mut self.access_log
    }

    pub(crate) fn recording(&self) -> bool {
        self.record_access
    }
}

/// The `filetype` of a tree inode.
pub(crate) fn filetype_of(body: &Body) -> u8 {
    match body {
        Body::File(_) => abi::FILETYPE_REGULAR_FILE,
        Body::Dir { .. } => abi::FILETYPE_DIRECTORY,
        Body::Symlink(_) => abi::FILETYPE_SYMBOLIC_LINK,
    }
}
