//! Tests of the deterministic WASI host (`detwasm::wasi`) through the library API: a
//! generated wat module imports every provided function and re-exports a thin wrapper
//! for each, so the tests call host functions with the instance's memory and check
//! exact results, errnos, memory contents, tree states and gas. No test touches the
//! network, the real clock or the real environment; the host-directory tests use
//! cargo's per-target temporary directory.

// Tests state their expectations with unwrap and panics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use detwasm::validate::{self, ValidateErrorKind};
use detwasm::value::{ExternType, ValType};
use detwasm::wasi::fs::{Dir, Entry};
use detwasm::wasi::{
    self, abi, clock::CLOCK_STEP_NS, gas, Errno, OutputStream, Preopen, RandomStream, Wasi,
    WasiConfig, DEFAULT_CLOCK_START_NS,
};
use detwasm::{
    Config, Engine, Error, Extern, FuncAddr, Instance, Linker, Memory, Module, Store, TrapCode,
    Value,
};
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------
// Harness

/// The errno value the guest sees.
fn e(errno: Errno) -> i32 {
    i32::from(errno.code())
}

const PREOPEN: i64 = 3;
/// Scratch areas of the harness memory (2 pages).
const PATH_A: u32 = 0x100;
const PATH_B: u32 = 0x800;
const IOVS: u32 = 0x1000;
const OUT: u32 = 0x2000;
const OUT2: u32 = 0x2008;
const DATA: u32 = 0x3000;
const BIG: u32 = 0x10000;
const MEM_BYTES: u32 = 2 * 65536;

const FILE_RW: i64 = (abi::FILE_RIGHTS) as i64;
const FILE_RO: i64 = (abi::FILE_RIGHTS & !abi::RIGHT_FD_WRITE) as i64;
const DIR_R: i64 = abi::DIR_RIGHTS as i64;
const INHERIT: i64 = abi::DIR_INHERITING_RIGHTS as i64;

fn wat_type(t: &ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        other => panic!("unexpected wasi param type {other}"),
    }
}

/// A module importing every provided function, exporting a same-named wrapper for
/// each, its memory, and `poke(addr, byte)`.
fn harness_wat() -> String {
    let mut imports = String::new();
    let mut wrappers = String::new();
    for (module, name, ty) in wasi::allowlist().iter() {
        let ExternType::Func(ft) = ty else {
            panic!("{name} is not a function")
        };
        let params: Vec<&str> = ft.params().iter().map(wat_type).collect();
        let results = if ft.results().is_empty() {
            ""
        } else {
            "(result i32)"
        };
        let params = params.join(" ");
        imports.push_str(&format!(
            "(import \"{module}\" \"{name}\" (func ${name} (param {params}) {results}))\n"
        ));
        let gets: String = (0..ft.params().len())
            .map(|i| format!("(local.get {i})"))
            .collect();
        wrappers.push_str(&format!(
            "(func (export \"{name}\") (param {params}) {results} (call ${name} {gets}))\n"
        ));
    }
    format!(
        "(module\n{imports}(memory (export \"memory\") 2)\n{wrappers}\
         (func (export \"poke\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"
    )
}

/// A file's metadata as `filestat` lays it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Filestat {
    dev: u64,
    ino: u64,
    filetype: u8,
    nlink: u64,
    size: u64,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

/// One `dirent` and its name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dirent {
    next: u64,
    ino: u64,
    filetype: u8,
    name: String,
}

/// An instance of a module linked to a fresh WASI host.
struct Guest {
    store: Store<Wasi>,
    inst: Instance,
    mem: Memory,
}

impl Guest {
    fn new(config: WasiConfig) -> Guest {
        Guest::with(Config::default(), config, &harness_wat())
    }

    fn with(engine_config: Config, config: WasiConfig, wat: &str) -> Guest {
        let engine = Engine::new(engine_config);
        let bytes = wat::parse_str(wat).expect("test wat");
        validate::validate(&bytes, engine.config(), Some(&wasi::allowlist())).expect("valid");
        let module = Module::new(&engine, &bytes).expect("module");
        let mut store = Store::new(&engine, Wasi::new(config).expect("wasi config"));
        let inst = wasi_linker()
            .instantiate(&mut store, &module)
            .expect("instantiate");
        let mem = match store.instance_export(inst, "memory") {
            Some(Extern::Memory(m)) => m,
            _ => panic!("no memory export"),
        };
        Guest { store, inst, mem }
    }

    fn state(&mut self) -> &mut Wasi {
        self.store.data_mut()
    }

    /// Invokes export `name`; integer arguments are converted to its parameter types.
    fn call(&mut self, name: &str, args: &[i64]) -> Result<Vec<Value>, Error> {
        let Some(Extern::Func(f)) = self.store.instance_export(self.inst, name) else {
            panic!("no export {name}");
        };
        let ty = self.store.func_type(f.addr()).unwrap().clone();
        assert_eq!(ty.params().len(), args.len(), "arity of {name}");
        let values: Vec<Value> = ty
            .params()
            .iter()
            .zip(args)
            .map(|(t, &a)| match t {
                ValType::I32 => Value::I32(a as i32),
                ValType::I64 => Value::I64(a),
                other => panic!("{other}"),
            })
            .collect();
        self.store.invoke(f, &values)
    }

    /// Calls a wasi wrapper and returns its errno.
    fn errno(&mut self, name: &str, args: &[i64]) -> i32 {
        match self.call(name, args) {
            Ok(v) => match v.as_slice() {
                [Value::I32(x)] => *x,
                other => panic!("{name} returned {other:?}"),
            },
            Err(err) => panic!("{name} failed: {err}"),
        }
    }

    fn poke(&mut self, addr: u32, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            self.call("poke", &[i64::from(addr) + i as i64, i64::from(b)])
                .unwrap();
        }
    }

    fn peek(&self, addr: u32, len: u32) -> Vec<u8> {
        let data = self.store.memory_data(self.mem).unwrap();
        data[addr as usize..(addr + len) as usize].to_vec()
    }

    fn u32_at(&self, addr: u32) -> u32 {
        u32::from_le_bytes(self.peek(addr, 4).try_into().unwrap())
    }

    fn u64_at(&self, addr: u32) -> u64 {
        u64::from_le_bytes(self.peek(addr, 8).try_into().unwrap())
    }

    /// Stores `s` at `addr`; returns `(addr, len)` as call arguments.
    fn put(&mut self, addr: u32, s: &[u8]) -> (i64, i64) {
        self.poke(addr, s);
        (i64::from(addr), s.len() as i64)
    }

    fn open_with(
        &mut self,
        dir: i64,
        dirflags: i64,
        path: &str,
        oflags: u16,
        rights: i64,
        fdflags: u16,
    ) -> Result<i64, i32> {
        let (p, l) = self.put(PATH_A, path.as_bytes());
        let args = [
            dir,
            dirflags,
            p,
            l,
            i64::from(oflags),
            rights,
            INHERIT,
            i64::from(fdflags),
            i64::from(OUT),
        ];
        match self.errno("path_open", &args) {
            0 => Ok(i64::from(self.u32_at(OUT))),
            errno => Err(errno),
        }
    }

    /// Opens a file read-write (following symlinks).
    fn open(&mut self, path: &str, oflags: u16) -> Result<i64, i32> {
        self.open_with(PREOPEN, 1, path, oflags, FILE_RW, 0)
    }

    fn write(&mut self, fd: i64, data: &[u8]) -> Result<u32, i32> {
        self.poke(DATA, data);
        self.poke(IOVS, &DATA.to_le_bytes());
        self.poke(IOVS + 4, &(data.len() as u32).to_le_bytes());
        match self.errno("fd_write", &[fd, i64::from(IOVS), 1, i64::from(OUT)]) {
            0 => Ok(self.u32_at(OUT)),
            errno => Err(errno),
        }
    }

    fn read(&mut self, fd: i64, len: u32) -> Result<Vec<u8>, i32> {
        self.poke(IOVS, &DATA.to_le_bytes());
        self.poke(IOVS + 4, &len.to_le_bytes());
        match self.errno("fd_read", &[fd, i64::from(IOVS), 1, i64::from(OUT)]) {
            0 => {
                let n = self.u32_at(OUT);
                Ok(self.peek(DATA, n))
            }
            errno => Err(errno),
        }
    }

    fn seek(&mut self, fd: i64, offset: i64, whence: u8) -> Result<u64, i32> {
        match self.errno("fd_seek", &[fd, offset, i64::from(whence), i64::from(OUT)]) {
            0 => Ok(self.u64_at(OUT)),
            errno => Err(errno),
        }
    }

    /// Calls a `(fd, path, path_len)` function on the preopen.
    fn path_op(&mut self, name: &str, path: &str) -> i32 {
        let (p, l) = self.put(PATH_A, path.as_bytes());
        self.errno(name, &[PREOPEN, p, l])
    }

    fn rename(&mut self, old: &str, new: &str) -> i32 {
        let (op, ol) = self.put(PATH_A, old.as_bytes());
        let (np, nl) = self.put(PATH_B, new.as_bytes());
        self.errno("path_rename", &[PREOPEN, op, ol, PREOPEN, np, nl])
    }

    fn symlink(&mut self, target: &str, at: &str) -> i32 {
        let (op, ol) = self.put(PATH_A, target.as_bytes());
        let (np, nl) = self.put(PATH_B, at.as_bytes());
        self.errno("path_symlink", &[op, ol, PREOPEN, np, nl])
    }

    fn link(&mut self, flags: i64, old: &str, new: &str) -> i32 {
        let (op, ol) = self.put(PATH_A, old.as_bytes());
        let (np, nl) = self.put(PATH_B, new.as_bytes());
        self.errno("path_link", &[PREOPEN, flags, op, ol, PREOPEN, np, nl])
    }

    fn readlink(&mut self, path: &str, buf_len: u32) -> Result<Vec<u8>, i32> {
        let (p, l) = self.put(PATH_A, path.as_bytes());
        let args = [
            PREOPEN,
            p,
            l,
            i64::from(DATA),
            i64::from(buf_len),
            i64::from(OUT),
        ];
        match self.errno("path_readlink", &args) {
            0 => {
                let n = self.u32_at(OUT);
                Ok(self.peek(DATA, n))
            }
            errno => Err(errno),
        }
    }

    fn filestat_at(&self, addr: u32) -> Filestat {
        Filestat {
            dev: self.u64_at(addr),
            ino: self.u64_at(addr + 8),
            filetype: self.peek(addr + 16, 1)[0],
            nlink: self.u64_at(addr + 24),
            size: self.u64_at(addr + 32),
            atim: self.u64_at(addr + 40),
            mtim: self.u64_at(addr + 48),
            ctim: self.u64_at(addr + 56),
        }
    }

    fn stat(&mut self, follow: bool, path: &str) -> Result<Filestat, i32> {
        let (p, l) = self.put(PATH_A, path.as_bytes());
        let args = [PREOPEN, i64::from(follow), p, l, i64::from(DATA)];
        match self.errno("path_filestat_get", &args) {
            0 => Ok(self.filestat_at(DATA)),
            errno => Err(errno),
        }
    }

    fn fstat(&mut self, fd: i64) -> Result<Filestat, i32> {
        match self.errno("fd_filestat_get", &[fd, i64::from(DATA)]) {
            0 => Ok(self.filestat_at(DATA)),
            errno => Err(errno),
        }
    }

    /// `(filetype, flags, rights_base, rights_inheriting)`.
    fn fdstat(&mut self, fd: i64) -> Result<(u8, u16, u64, u64), i32> {
        match self.errno("fd_fdstat_get", &[fd, i64::from(DATA)]) {
            0 => Ok((
                self.peek(DATA, 1)[0],
                u16::from_le_bytes(self.peek(DATA + 2, 2).try_into().unwrap()),
                self.u64_at(DATA + 8),
                self.u64_at(DATA + 16),
            )),
            errno => Err(errno),
        }
    }

    fn readdir(&mut self, fd: i64, buf_len: u32, cookie: u64) -> Result<(Vec<Dirent>, u32), i32> {
        let args = [
            fd,
            i64::from(BIG),
            i64::from(buf_len),
            cookie as i64,
            i64::from(OUT),
        ];
        match self.errno("fd_readdir", &args) {
            0 => {
                let used = self.u32_at(OUT);
                let raw = self.peek(BIG, used);
                let mut out = Vec::new();
                let mut at = 0usize;
                while at + 24 <= raw.len() {
                    let namlen = u32::from_le_bytes(raw[at + 16..at + 20].try_into().unwrap());
                    let end = at + 24 + namlen as usize;
                    if end > raw.len() {
                        break;
                    }
                    out.push(Dirent {
                        next: u64::from_le_bytes(raw[at..at + 8].try_into().unwrap()),
                        ino: u64::from_le_bytes(raw[at + 8..at + 16].try_into().unwrap()),
                        filetype: raw[at + 20],
                        name: String::from_utf8(raw[at + 24..end].to_vec()).unwrap(),
                    });
                    at = end;
                }
                Ok((out, used))
            }
            errno => Err(errno),
        }
    }

    fn names(&mut self, fd: i64) -> Vec<String> {
        let (entries, used) = self.readdir(fd, 4096, 0).unwrap();
        assert!(used < 4096, "listing fits");
        entries.into_iter().map(|d| d.name).collect()
    }

    fn tree(&self) -> Dir {
        self.store.data().preopen_tree(0).unwrap().clone()
    }

    fn gas_used(&self) -> u64 {
        self.store.gas_used()
    }
}

fn with_tree(tree: Dir) -> WasiConfig {
    WasiConfig {
        preopens: vec![Preopen {
            guest_path: "/data".to_owned(),
            tree,
        }],
        ..WasiConfig::default()
    }
}

fn sample_tree() -> Dir {
    let mut d = Dir::new();
    d.add_file("hello.txt", b"hello, world\n".to_vec()).unwrap();
    d.add_file("sub/inner.txt", b"inner".to_vec()).unwrap();
    d.add_dir("empty").unwrap();
    d.add_symlink("link-to-hello", "hello.txt").unwrap();
    d
}

// ---------------------------------------------------------------------------------
// The import allowlist

#[test]
fn allowlist_lists_preview1_without_proc_raise() {
    let allow = wasi::allowlist();
    let names: Vec<&str> = allow.iter().map(|(_, n, _)| n).collect();
    assert_eq!(names.len(), 45);
    assert!(allow.iter().all(|(m, _, _)| m == "wasi_snapshot_preview1"));
    for name in [
        "fd_write",
        "path_open",
        "poll_oneoff",
        "sock_accept",
        "proc_exit",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    assert!(!names.contains(&"proc_raise"));
    let Some(ExternType::Func(fd_write)) = allow.get("wasi_snapshot_preview1", "fd_write") else {
        panic!("fd_write");
    };
    assert_eq!(fd_write.to_string(), "[i32 i32 i32 i32] -> [i32]");
    let Some(ExternType::Func(exit)) = allow.get("wasi_snapshot_preview1", "proc_exit") else {
        panic!("proc_exit");
    };
    assert_eq!(exit.to_string(), "[i32] -> []");
    let Some(ExternType::Func(open)) = allow.get("wasi_snapshot_preview1", "path_open") else {
        panic!("path_open");
    };
    assert_eq!(
        open.to_string(),
        "[i32 i32 i32 i32 i32 i64 i64 i32 i32] -> [i32]"
    );
    // The provided names and base costs come from the same table.
    let provided: Vec<(&str, u64)> = wasi::provided_names().collect();
    assert_eq!(provided.len(), 45);
    for (name, base) in provided {
        let want = if name.starts_with("path_") {
            gas::PATH_CALL_BASE
        } else {
            gas::CALL_BASE
        };
        assert_eq!(base, want, "{name}");
    }
}

#[test]
fn validator_rejects_every_import_not_provided() {
    let bytes = wat::parse_str(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (import "env" "foo" (func))
            (import "wasi_snapshot_preview1" "proc_raise" (func (param i32) (result i32)))
            (import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "fd_wirte" (func (param i32 i32 i32 i32) (result i32))))"#,
    )
    .unwrap();
    let err = validate::validate(&bytes, &Config::default(), Some(&wasi::allowlist())).unwrap_err();
    let ValidateErrorKind::Imports(bad) = &err.kind else {
        panic!("{err}");
    };
    let listed: Vec<(&str, &str, &str)> = bad
        .iter()
        .map(|b| (b.module.as_str(), b.name.as_str(), b.reason.as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("env", "foo", "no such module"),
            ("wasi_snapshot_preview1", "proc_raise", "no such name in module"),
            (
                "wasi_snapshot_preview1",
                "fd_read",
                "type mismatch: host provides func [i32 i32 i32 i32] -> [i32], module imports func [i32 i32 i32] -> [i32]"
            ),
            ("wasi_snapshot_preview1", "fd_wirte", "no such name in module"),
        ]
    );
    assert_eq!(err.offset, bad[0].offset);
    // The harness module, importing everything provided, passes.
    let ok = wat::parse_str(harness_wat()).unwrap();
    validate::validate(&ok, &Config::default(), Some(&wasi::allowlist())).unwrap();
}

/// A linker with the WASI host over a `Store<Wasi>`.
fn wasi_linker() -> Linker<Wasi> {
    let mut linker = Linker::new();
    wasi::add_to_linker(&mut linker, |w: &mut Wasi| w).unwrap();
    linker
}

#[test]
fn the_linker_names_every_missing_import_before_allocating() {
    let engine = Engine::default();
    let wat = r#"(module (import "env" "foo" (func))
        (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
        (import "env" "bar" (memory 1)))"#;
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, Wasi::new(WasiConfig::default()).unwrap());
    match wasi_linker().instantiate(&mut store, &module) {
        Err(Error::Link(err)) => {
            let msg = err.to_string();
            assert!(msg.contains("2 import(s)"), "{msg}");
            assert!(msg.contains(r#""env" "foo""#), "{msg}");
            assert!(msg.contains(r#""env" "bar""#), "{msg}");
            assert!(!msg.contains("sched_yield"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    // Nothing was allocated: the 45 functions of the next instantiation are 0 to 44.
    let ok = Module::new(
        &engine,
        &wat::parse_str(r#"(module (func (export "f")))"#).unwrap(),
    )
    .unwrap();
    let inst = wasi_linker().instantiate(&mut store, &ok).unwrap();
    assert_eq!(
        store.instance_export(inst, "f"),
        Some(Extern::Func(store.func(FuncAddr(45)).unwrap()))
    );
}

// ---------------------------------------------------------------------------------
// Configuration

#[test]
fn config_defaults_and_rejections() {
    let c = WasiConfig::default();
    assert_eq!(c.clock_start_ns, 1_767_225_600_000_000_000);
    assert_eq!(c.clock_start_ns, DEFAULT_CLOCK_START_NS);
    assert_eq!(c.max_file_bytes, 64 << 20);
    assert_eq!(c.max_fs_bytes, 256 << 20);
    let bad = |c: WasiConfig| Wasi::new(c).unwrap_err().to_string();
    assert!(bad(WasiConfig {
        args: vec!["a\0b".into()],
        ..WasiConfig::default()
    })
    .contains("NUL"));
    assert!(bad(WasiConfig {
        env: vec![("A=B".into(), "c".into())],
        ..WasiConfig::default()
    })
    .contains("'='"));
    let mut big = Dir::new();
    big.add_file("f", vec![0u8; 100]).unwrap();
    assert!(bad(WasiConfig {
        max_file_bytes: 99,
        ..with_tree(big.clone())
    })
    .contains("max_file_bytes"));
    assert!(bad(WasiConfig {
        max_fs_bytes: 100,
        ..with_tree(big)
    })
    .contains("max_fs_bytes"));
}

// ---------------------------------------------------------------------------------
// args, environ

#[test]
fn args_and_environ_round_trip() {
    let mut g = Guest::new(WasiConfig {
        args: vec![
            "prog.wasm".into(),
            "hello".into(),
            "".into(),
            "wörld".into(),
        ],
        env: vec![("B".into(), "2".into()), ("A".into(), "x=y".into())],
        ..WasiConfig::default()
    });
    assert_eq!(
        g.errno("args_sizes_get", &[i64::from(OUT), i64::from(OUT2)]),
        0
    );
    assert_eq!(g.u32_at(OUT), 4);
    let expected: &[u8] = b"prog.wasm\0hello\0\0w\xc3\xb6rld\0";
    assert_eq!(g.u32_at(OUT2), expected.len() as u32);
    assert_eq!(g.errno("args_get", &[i64::from(IOVS), i64::from(DATA)]), 0);
    assert_eq!(g.peek(DATA, expected.len() as u32), expected);
    let ptrs: Vec<u32> = (0..4).map(|i| g.u32_at(IOVS + 4 * i)).collect();
    assert_eq!(ptrs, vec![DATA, DATA + 10, DATA + 16, DATA + 17]);

    assert_eq!(
        g.errno("environ_sizes_get", &[i64::from(OUT), i64::from(OUT2)]),
        0
    );
    assert_eq!((g.u32_at(OUT), g.u32_at(OUT2)), (2, 10));
    assert_eq!(
        g.errno("environ_get", &[i64::from(IOVS), i64::from(DATA)]),
        0
    );
    assert_eq!(g.peek(DATA, 10), b"B=2\0A=x=y\0");
    assert_eq!((g.u32_at(IOVS), g.u32_at(IOVS + 4)), (DATA, DATA + 4));
}

#[test]
fn bad_pointers_give_efault_and_change_nothing() {
    let mut g = Guest::new(WasiConfig {
        args: vec!["prog".into()],
        ..with_tree(sample_tree())
    });
    let end = i64::from(MEM_BYTES);
    assert_eq!(
        g.errno("args_sizes_get", &[end - 3, i64::from(OUT)]),
        e(Errno::Fault)
    );
    assert_eq!(
        g.errno("args_get", &[i64::from(OUT), end - 2]),
        e(Errno::Fault)
    );
    assert_eq!(g.errno("clock_time_get", &[0, 0, end - 7]), e(Errno::Fault));
    assert_eq!(g.errno("clock_time_get", &[0, 0, -1]), e(Errno::Fault));
    assert_eq!(g.errno("random_get", &[end - 10, 11]), e(Errno::Fault));
    assert_eq!(g.errno("fd_fdstat_get", &[1, end - 1]), e(Errno::Fault));
    // A path out of bounds.
    let open = |g: &mut Guest, p: i64, l: i64, out: i64| {
        g.errno("path_open", &[PREOPEN, 0, p, l, 1, FILE_RW, 0, 0, out])
    };
    assert_eq!(open(&mut g, end - 2, 5, i64::from(OUT)), e(Errno::Fault));
    // The fd result out of bounds: nothing is created.
    let (p, l) = g.put(PATH_A, b"new-file");
    assert_eq!(open(&mut g, p, l, end), e(Errno::Fault));
    assert_eq!(g.tree().get("new-file"), None);
    // An iovec pointing out of bounds: nothing is written.
    let fd = g.open("hello.txt", 0).unwrap();
    g.poke(IOVS, &(MEM_BYTES - 4).to_le_bytes());
    g.poke(IOVS + 4, &8u32.to_le_bytes());
    let args = [fd, i64::from(IOVS), 1, i64::from(OUT)];
    assert_eq!(g.errno("fd_write", &args), e(Errno::Fault));
    assert_eq!(g.errno("fd_read", &args), e(Errno::Fault));
    assert_eq!(
        g.errno("fd_write", &[fd, end - 4, 1, i64::from(OUT)]),
        e(Errno::Fault)
    );
    assert_eq!(
        g.tree().get("hello.txt"),
        Some(Entry::File(b"hello, world\n"))
    );
    assert_eq!(g.seek(fd, 0, abi::WHENCE_CUR), Ok(0));
    // The time was not observed by the failed calls: the first good one reads the start.
    assert_eq!(g.errno("clock_time_get", &[0, 0, i64::from(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), DEFAULT_CLOCK_START_NS);
}

#[test]
fn a_module_without_memory_gets_efault() {
    let wat = r#"(module
        (import "wasi_snapshot_preview1" "clock_time_get" (func $t (param i32 i64 i32) (result i32)))
        (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))
        (func (export "t") (result i32) (call $t (i32.const 0) (i64.const 0) (i32.const 0)))
        (func (export "y") (result i32) (call $y)))"#;
    let engine = Engine::default();
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(&engine, Wasi::new(WasiConfig::default()).unwrap());
    let inst = wasi_linker().instantiate(&mut store, &module).unwrap();
    for (name, want) in [("t", e(Errno::Fault)), ("y", 0)] {
        let Some(Extern::Func(f)) = store.instance_export(inst, name) else {
            panic!()
        };
        assert_eq!(store.invoke(f, &[]).unwrap(), vec![Value::I32(want)]);
    }
}

// ---------------------------------------------------------------------------------
// Clock, random, poll

#[test]
fn clock_starts_at_the_configured_time_and_strictly_increases() {
    let start = 1_000_000_000_000;
    let mut g = Guest::new(WasiConfig {
        clock_start_ns: start,
        ..WasiConfig::default()
    });
    let mut seen = Vec::new();
    for id in [0, 1, 0, 2, 3, 1] {
        assert_eq!(g.errno("clock_time_get", &[id, 1, i64::from(OUT)]), 0);
        seen.push(g.u64_at(OUT));
    }
    let step = CLOCK_STEP_NS;
    assert_eq!(step, 1_000_000);
    assert_eq!(
        seen,
        vec![
            start,
            start + step,
            start + 2 * step,
            3 * step,
            4 * step,
            start + 5 * step
        ]
    );
    for id in 0..4 {
        assert_eq!(g.errno("clock_res_get", &[id, i64::from(OUT)]), 0);
        assert_eq!(g.u64_at(OUT), step);
    }
    assert_eq!(
        g.errno("clock_res_get", &[4, i64::from(OUT)]),
        e(Errno::Inval)
    );
    assert_eq!(
        g.errno("clock_time_get", &[4, 0, i64::from(OUT)]),
        e(Errno::Inval)
    );
    // Neither res_get nor a failed time_get observed the clock.
    assert_eq!(g.errno("clock_time_get", &[0, 0, i64::from(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), start + 6 * step);
}

/// The stream's definition, computed independently.
fn reference_stream(seed: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0u64;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(b"detwasm/random/v1");
        h.update(seed.to_le_bytes());
        h.update(i.to_le_bytes());
        out.extend_from_slice(&h.finalize());
        i += 1;
    }
    out.truncate(len);
    out
}

#[test]
fn random_get_is_sha256_counter_mode_consumed_in_order() {
    let seed = 0x0123_4567_89ab_cdef;
    let mut g = Guest::new(WasiConfig {
        seed,
        ..WasiConfig::default()
    });
    let mut got = Vec::new();
    for (at, len) in [
        (DATA, 10u32),
        (DATA + 100, 0),
        (DATA + 200, 50),
        (DATA + 300, 33),
    ] {
        assert_eq!(g.errno("random_get", &[i64::from(at), i64::from(len)]), 0);
        got.extend(g.peek(at, len));
    }
    assert_eq!(got, reference_stream(seed, 93));
    // The library's own stream agrees, and another seed differs.
    let mut s = RandomStream::new(seed);
    let mut buf = [0u8; 93];
    s.fill(&mut buf);
    assert_eq!(buf.to_vec(), got);
    assert_ne!(reference_stream(seed + 1, 93), got);
    assert_eq!(RandomStream::block(seed, 1).to_vec(), got[32..64].to_vec());
}

/// Writes a clock subscription at `at`.
fn clock_sub(g: &mut Guest, at: u32, userdata: u64, id: u32, timeout: u64, abstime: bool) {
    let mut b = [0u8; 48];
    b[0..8].copy_from_slice(&userdata.to_le_bytes());
    b[8] = abi::EVENTTYPE_CLOCK;
    b[16..20].copy_from_slice(&id.to_le_bytes());
    b[24..32].copy_from_slice(&timeout.to_le_bytes());
    b[40..42].copy_from_slice(&u16::from(abstime).to_le_bytes());
    g.poke(at, &b);
}

fn fd_sub(g: &mut Guest, at: u32, userdata: u64, kind: u8, fd: u32) {
    let mut b = [0u8; 48];
    b[0..8].copy_from_slice(&userdata.to_le_bytes());
    b[8] = kind;
    b[16..20].copy_from_slice(&fd.to_le_bytes());
    g.poke(at, &b);
}

/// `(userdata, error, type, nbytes)` of each event written.
fn events(g: &Guest, n: u32) -> Vec<(u64, u16, u8, u64)> {
    (0..n)
        .map(|i| {
            let at = BIG + 32 * i;
            (
                g.u64_at(at),
                u16::from_le_bytes(g.peek(at + 8, 2).try_into().unwrap()),
                g.peek(at + 10, 1)[0],
                g.u64_at(at + 16),
            )
        })
        .collect()
}

#[test]
fn poll_oneoff_advances_the_clock_to_the_earliest_deadline() {
    let mut g = Guest::new(WasiConfig {
        stdin: b"abc".to_vec(),
        ..WasiConfig::default()
    });
    let start = DEFAULT_CLOCK_START_NS;
    // Two relative timeouts: the earlier fires, the clock jumps to it.
    clock_sub(&mut g, DATA, 7, 1, 5_000_000_000, false);
    clock_sub(&mut g, DATA + 48, 8, 0, 2_000_000_000, false);
    let poll = |g: &mut Guest, n: i64| {
        g.errno(
            "poll_oneoff",
            &[i64::from(DATA), i64::from(BIG), n, i64::from(OUT)],
        )
    };
    assert_eq!(poll(&mut g, 2), 0);
    assert_eq!(g.u32_at(OUT), 1);
    assert_eq!(events(&g, 1), vec![(8, 0, abi::EVENTTYPE_CLOCK, 0)]);
    assert_eq!(g.state().clock_now_ns(), start + 2_000_000_000);
    // An absolute deadline in the past fires at once without moving the clock back.
    clock_sub(&mut g, DATA, 9, 0, 5, true);
    assert_eq!(poll(&mut g, 1), 0);
    assert_eq!(events(&g, 1), vec![(9, 0, abi::EVENTTYPE_CLOCK, 0)]);
    assert_eq!(g.state().clock_now_ns(), start + 2_000_000_000);
    // With an fd subscription everything is ready at once and the clock stays.
    clock_sub(&mut g, DATA, 1, 0, 1_000, false);
    fd_sub(&mut g, DATA + 48, 2, abi::EVENTTYPE_FD_READ, 0);
    fd_sub(&mut g, DATA + 96, 3, abi::EVENTTYPE_FD_WRITE, 1);
    assert_eq!(poll(&mut g, 3), 0);
    assert_eq!(g.u32_at(OUT), 2);
    assert_eq!(
        events(&g, 2),
        vec![
            (2, 0, abi::EVENTTYPE_FD_READ, 3),
            (3, 0, abi::EVENTTYPE_FD_WRITE, 0),
        ]
    );
    assert_eq!(g.state().clock_now_ns(), start + 2_000_000_000);
    // A subscription that cannot be waited on fails the whole call (as in wasmtime):
    // a closed fd, a wrong direction, an unknown clock; nothing is written.
    g.poke(OUT, &77u32.to_le_bytes());
    fd_sub(&mut g, DATA + 144, 4, abi::EVENTTYPE_FD_READ, 99);
    assert_eq!(poll(&mut g, 4), e(Errno::Badf));
    fd_sub(&mut g, DATA + 144, 4, abi::EVENTTYPE_FD_READ, 1);
    assert_eq!(poll(&mut g, 4), e(Errno::Badf));
    clock_sub(&mut g, DATA + 144, 4, 99, 5, false);
    assert_eq!(poll(&mut g, 4), e(Errno::Inval));
    assert_eq!(g.u32_at(OUT), 77);
    assert_eq!(g.state().clock_now_ns(), start + 2_000_000_000);
    assert_eq!(poll(&mut g, 0), e(Errno::Inval));
    // The next observation reads the advanced clock.
    assert_eq!(g.errno("clock_time_get", &[0, 0, i64::from(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), start + 2_000_000_000);
    assert_eq!(g.errno("sched_yield", &[]), 0);
}

// ---------------------------------------------------------------------------------
// stdio

#[test]
fn stdin_reads_the_configured_bytes_and_stdout_is_captured() {
    let mut g = Guest::new(WasiConfig {
        stdin: b"line one\nline two\n".to_vec(),
        ..WasiConfig::default()
    });
    let echoed = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&echoed);
    g.state()
        .set_echo(Some(Box::new(move |stream, bytes: &[u8]| {
            sink.lock().unwrap().push((stream, bytes.to_vec()));
        })));
    assert_eq!(g.read(0, 5), Ok(b"line ".to_vec()));
    assert_eq!(g.read(0, 100), Ok(b"one\nline two\n".to_vec()));
    assert_eq!(g.read(0, 100), Ok(Vec::new()));
    assert_eq!(g.write(1, b"out"), Ok(3));
    assert_eq!(g.write(2, b"err!"), Ok(4));
    assert_eq!(g.write(1, b"put"), Ok(3));
    assert_eq!(g.write(0, b"x"), Err(e(Errno::Badf)));
    assert_eq!(g.read(1, 1), Err(e(Errno::Badf)));
    assert_eq!(g.seek(1, 0, abi::WHENCE_SET), Err(e(Errno::Spipe)));
    assert_eq!(
        g.fdstat(1),
        Ok((abi::FILETYPE_UNKNOWN, 0, abi::STDOUT_RIGHTS, 0))
    );
    assert_eq!(g.state().take_stdout(), b"output");
    assert_eq!(g.state().take_stdout(), b"");
    assert_eq!(g.state().take_stderr(), b"err!");
    assert_eq!(
        *echoed.lock().unwrap(),
        vec![
            (OutputStream::Stdout, b"out".to_vec()),
            (OutputStream::Stderr, b"err!".to_vec()),
            (OutputStream::Stdout, b"put".to_vec()),
        ]
    );
}

// ---------------------------------------------------------------------------------
// Files and directories

#[test]
fn preopens_are_listed_from_fd_3() {
    let mut config = with_tree(sample_tree());
    config.preopens.push(Preopen {
        guest_path: "/".into(),
        tree: Dir::new(),
    });
    let mut g = Guest::new(config);
    assert_eq!(g.errno("fd_prestat_get", &[3, i64::from(OUT)]), 0);
    assert_eq!(g.peek(OUT, 8), [0, 0, 0, 0, 5, 0, 0, 0]);
    assert_eq!(
        g.errno("fd_prestat_dir_name", &[3, i64::from(DATA), 4]),
        e(Errno::Nametoolong)
    );
    assert_eq!(g.errno("fd_prestat_dir_name", &[3, i64::from(DATA), 6]), 0);
    assert_eq!(g.peek(DATA, 5), b"/data");
    assert_eq!(g.errno("fd_prestat_get", &[4, i64::from(OUT)]), 0);
    assert_eq!(g.u32_at(OUT + 4), 1);
    for fd in [0, 1, 2, 5, 1000] {
        assert_eq!(
            g.errno("fd_prestat_get", &[fd, i64::from(OUT)]),
            e(Errno::Badf)
        );
    }
    assert_eq!(
        g.fdstat(3),
        Ok((
            abi::FILETYPE_DIRECTORY,
            0,
            abi::DIR_RIGHTS,
            abi::DIR_INHERITING_RIGHTS
        ))
    );
    let root = g.fstat(3).unwrap();
    assert_eq!(
        (root.dev, root.ino, root.filetype),
        (1, 1, abi::FILETYPE_DIRECTORY)
    );
    assert_eq!(g.fstat(4).unwrap().dev, 2);
    // Preloaded trees are renumbered breadth first in byte order of names, and
    // stamped with the clock start.
    let names = [
        "empty",
        "hello.txt",
        "link-to-hello",
        "sub",
        "sub/inner.txt",
    ];
    let inos: Vec<u64> = names
        .iter()
        .map(|p| g.stat(false, p).unwrap().ino)
        .collect();
    assert_eq!(inos, vec![2, 3, 4, 5, 6]);
    let s = g.stat(false, "sub/inner.txt").unwrap();
    assert_eq!(
        (s.atim, s.mtim, s.ctim),
        (
            DEFAULT_CLOCK_START_NS,
            DEFAULT_CLOCK_START_NS,
            DEFAULT_CLOCK_START_NS
        )
    );
    assert_eq!((s.nlink, s.size), (1, 5));
    assert_eq!(g.stat(false, "sub").unwrap().nlink, 2);
    assert_eq!(root.nlink, 4);
}

#[test]
fn create_write_read_seek_tell_and_stat() {
    let mut g = Guest::new(with_tree(sample_tree()));
    let fd = g
        .open("notes.txt", abi::OFLAGS_CREAT | abi::OFLAGS_EXCL)
        .unwrap();
    assert_eq!(fd, 4);
    assert_eq!(g.write(fd, b"0123456789"), Ok(10));
    assert_eq!(g.errno("fd_tell", &[fd, i64::from(OUT)]), 0);
    assert_eq!(g.u64_at(OUT), 10);
    assert_eq!(g.seek(fd, 2, abi::WHENCE_SET), Ok(2));
    assert_eq!(g.read(fd, 3), Ok(b"234".to_vec()));
    assert_eq!(g.seek(fd, -2, abi::WHENCE_END), Ok(8));
    assert_eq!(g.read(fd, 100), Ok(b"89".to_vec()));
    assert_eq!(g.read(fd, 100), Ok(Vec::new()));
    assert_eq!(g.seek(fd, -1, abi::WHENCE_CUR), Ok(9));
    assert_eq!(g.seek(fd, -10, abi::WHENCE_CUR), Err(e(Errno::Inval)));
    assert_eq!(g.seek(fd, 0, 3), Err(e(Errno::Inval)));
    // Writing past the end zero-fills the gap.
    assert_eq!(g.seek(fd, 12, abi::WHENCE_SET), Ok(12));
    assert_eq!(g.write(fd, b"AB"), Ok(2));
    assert_eq!(
        g.tree().get("notes.txt"),
        Some(Entry::File(b"0123456789\0\0AB"))
    );
    // pread/pwrite do not move the position.
    g.poke(IOVS, &DATA.to_le_bytes());
    g.poke(IOVS + 4, &4u32.to_le_bytes());
    assert_eq!(
        g.errno("fd_pread", &[fd, i64::from(IOVS), 1, 3, i64::from(OUT)]),
        0
    );
    assert_eq!((g.u32_at(OUT), g.peek(DATA, 4)), (4, b"3456".to_vec()));
    g.poke(DATA, b"wxyz");
    assert_eq!(
        g.errno("fd_pwrite", &[fd, i64::from(IOVS), 1, 1, i64::from(OUT)]),
        0
    );
    assert_eq!(g.seek(fd, 0, abi::WHENCE_CUR), Ok(14));
    assert_eq!(
        g.tree().get("notes.txt"),
        Some(Entry::File(b"0wxyz56789\0\0AB"))
    );
    // Stat by fd and by path agree; times come from the virtual clock.
    let by_fd = g.fstat(fd).unwrap();
    assert_eq!(by_fd, g.stat(true, "notes.txt").unwrap());
    assert_eq!(
        (by_fd.filetype, by_fd.size, by_fd.nlink),
        (abi::FILETYPE_REGULAR_FILE, 14, 1)
    );
    assert_eq!(by_fd.mtim, DEFAULT_CLOCK_START_NS);
    // set_size truncates and extends; allocate is not supported (as in wasmtime).
    assert_eq!(g.errno("fd_filestat_set_size", &[fd, 3]), 0);
    assert_eq!(g.errno("fd_filestat_set_size", &[fd, 5]), 0);
    assert_eq!(g.tree().get("notes.txt"), Some(Entry::File(b"0wx\0\0")));
    assert_eq!(g.errno("fd_allocate", &[fd, 0, 9]), e(Errno::Notsup));
    assert_eq!(g.fstat(fd).unwrap().size, 5);
    assert_eq!(g.errno("fd_advise", &[fd, 0, 5, 4]), 0);
    assert_eq!(g.errno("fd_advise", &[fd, 0, 5, 6]), e(Errno::Inval));
    assert_eq!(g.errno("fd_sync", &[fd]), 0);
    assert_eq!(g.errno("fd_datasync", &[fd]), 0);
    // Times: explicit, now (the clock advanced by one observation), and bad flags.
    assert_eq!(g.errno("clock_time_get", &[0, 0, i64::from(OUT)]), 0);
    let flags = i64::from(abi::FSTFLAGS_ATIM | abi::FSTFLAGS_MTIM_NOW);
    assert_eq!(g.errno("fd_filestat_set_times", &[fd, 77, 88, flags]), 0);
    let s = g.fstat(fd).unwrap();
    let now = DEFAULT_CLOCK_START_NS + CLOCK_STEP_NS;
    assert_eq!((s.atim, s.mtim, s.ctim), (77, now, now));
    let bad = i64::from(abi::FSTFLAGS_MTIM | abi::FSTFLAGS_MTIM_NOW);
    assert_eq!(
        g.errno("fd_filestat_set_times", &[fd, 0, 0, bad]),
        e(Errno::Inval)
    );
    assert_eq!(g.errno("fd_close", &[fd]), 0);
    assert_eq!(g.errno("fd_close", &[fd]), e(Errno::Badf));
    // Re-opening with trunc empties; excl on an existing file fails.
    assert_eq!(
        g.open("notes.txt", abi::OFLAGS_CREAT | abi::OFLAGS_EXCL),
        Err(e(Errno::Exist))
    );
    let fd = g.open("notes.txt", abi::OFLAGS_TRUNC).unwrap();
    assert_eq!(g.fstat(fd).unwrap().size, 0);
    assert_eq!(g.open("missing.txt", 0), Err(e(Errno::Noent)));
}

#[test]
fn append_and_access_modes() {
    let mut g = Guest::new(with_tree(sample_tree()));
    let fd = g
        .open_with(PREOPEN, 0, "hello.txt", 0, FILE_RW, abi::FDFLAGS_APPEND)
        .unwrap();
    assert_eq!(g.fdstat(fd).unwrap().1, abi::FDFLAGS_APPEND);
    assert_eq!(g.write(fd, b"more\n"), Ok(5));
    assert_eq!(
        g.tree().get("hello.txt"),
        Some(Entry::File(b"hello, world\nmore\n"))
    );
    assert_eq!(g.errno("fd_fdstat_set_flags", &[fd, 0]), 0);
    assert_eq!(g.seek(fd, 0, abi::WHENCE_SET), Ok(0));
    assert_eq!(g.write(fd, b"J"), Ok(1));
    assert_eq!(
        g.tree().get("hello.txt"),
        Some(Entry::File(b"Jello, world\nmore\n"))
    );
    assert_eq!(g.errno("fd_fdstat_set_flags", &[fd, 0x20]), e(Errno::Inval));
    // A read-only fd cannot write or resize; reported rights say so.
    let ro = g.open_with(PREOPEN, 0, "hello.txt", 0, FILE_RO, 0).unwrap();
    assert_eq!(
        g.fdstat(ro).unwrap().2,
        abi::FILE_RIGHTS & !abi::RIGHT_FD_WRITE
    );
    assert_eq!(g.write(ro, b"x"), Err(e(Errno::Badf)));
    assert_eq!(g.errno("fd_filestat_set_size", &[ro, 0]), e(Errno::Inval));
    assert_eq!(g.read(ro, 5), Ok(b"Jello".to_vec()));
    // Path rights never reach a file fd, even when asked for.
    let all = g.open_with(PREOPEN, 0, "hello.txt", 0, -1, 0).unwrap();
    assert_eq!(g.fdstat(all).unwrap().2, abi::FILE_RIGHTS);
    // Rights are fixed at open: fd_fdstat_set_rights is not supported (as in wasmtime).
    let r = abi::RIGHT_FD_READ as i64;
    assert_eq!(
        g.errno("fd_fdstat_set_rights", &[ro, r, 0]),
        e(Errno::Notsup)
    );
    assert_eq!(
        g.fdstat(ro).unwrap().2,
        abi::FILE_RIGHTS & !abi::RIGHT_FD_WRITE
    );
    assert_eq!(g.errno("fd_fdstat_set_rights", &[77, r, 0]), e(Errno::Badf));
}

#[test]
fn directories_mkdir_rmdir_and_readdir_order() {
    let mut g = Guest::new(with_tree(Dir::new()));
    for name in ["b", "a", "B", "é", "a0", "_"] {
        assert_eq!(g.path_op("path_create_directory", name), 0, "{name}");
    }
    assert_eq!(g.path_op("path_create_directory", "a"), e(Errno::Exist));
    assert_eq!(g.path_op("path_create_directory", "a/x/y"), e(Errno::Noent));
    assert_eq!(g.path_op("path_create_directory", "a/x/"), 0);
    assert_eq!(g.path_op("path_create_directory", "."), e(Errno::Exist));
    let fd = g.open("a/file", abi::OFLAGS_CREAT).unwrap();
    assert_eq!(
        g.path_op("path_create_directory", "a/file/d"),
        e(Errno::Notdir)
    );
    // Byte order of names, with . and .. first.
    assert_eq!(
        g.names(PREOPEN),
        vec![".", "..", "B", "_", "a", "a0", "b", "é"]
    );
    // Cookies are indices: resume after any entry.
    let (all, _) = g.readdir(PREOPEN, 4096, 0).unwrap();
    assert_eq!(
        all.iter().map(|d| d.next).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<u64>>()
    );
    let (rest, _) = g.readdir(PREOPEN, 4096, 5).unwrap();
    assert_eq!(
        rest.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        vec!["a0", "b", "é"]
    );
    assert_eq!(g.readdir(PREOPEN, 4096, 8).unwrap().0, vec![]);
    // `.` and `..` of the root are the root; `.` has the directory's own inode.
    assert_eq!((all[0].ino, all[1].ino), (1, 1));
    assert!(all.iter().all(|d| d.filetype == abi::FILETYPE_DIRECTORY));
    // A small buffer is filled completely and the last entry is cut.
    let (part, used) = g.readdir(PREOPEN, 60, 0).unwrap();
    assert_eq!(used, 60);
    assert_eq!(
        part.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        vec![".", ".."]
    );
    // A subdirectory through its own fd.
    let dfd = g
        .open_with(PREOPEN, 0, "a", abi::OFLAGS_DIRECTORY, DIR_R, 0)
        .unwrap();
    let (sub, _) = g.readdir(dfd, 4096, 0).unwrap();
    let a_ino = g.stat(false, "a").unwrap().ino;
    let file_ino = g.fstat(fd).unwrap().ino;
    assert_eq!(
        sub,
        vec![
            Dirent {
                next: 1,
                ino: a_ino,
                filetype: abi::FILETYPE_DIRECTORY,
                name: ".".into()
            },
            Dirent {
                next: 2,
                ino: 1,
                filetype: abi::FILETYPE_DIRECTORY,
                name: "..".into()
            },
            Dirent {
                next: 3,
                ino: file_ino,
                filetype: abi::FILETYPE_REGULAR_FILE,
                name: "file".into()
            },
            Dirent {
                next: 4,
                ino: g.stat(false, "a/x").unwrap().ino,
                filetype: abi::FILETYPE_DIRECTORY,
                name: "x".into()
            },
        ]
    );
    assert_eq!(g.readdir(fd, 100, 0), Err(e(Errno::Badf)));
    assert_eq!(g.readdir(1, 100, 0), Err(e(Errno::Badf)));
    assert_eq!(g.readdir(77, 100, 0), Err(e(Errno::Badf)));
    // File operations on a directory fd fail with EBADF.
    assert_eq!(g.read(dfd, 1), Err(e(Errno::Badf)));
    assert_eq!(g.write(dfd, b"x"), Err(e(Errno::Badf)));
    assert_eq!(g.seek(dfd, 0, abi::WHENCE_CUR), Err(e(Errno::Badf)));
    assert_eq!(g.errno("fd_sync", &[dfd]), e(Errno::Badf));
    assert_eq!(g.errno("fd_fdstat_set_flags", &[dfd, 0]), e(Errno::Badf));
    assert_eq!(g.errno("fd_filestat_set_size", &[dfd, 0]), e(Errno::Badf));
    // Opening a directory for writing or truncation is EISDIR.
    assert_eq!(
        g.open_with(PREOPEN, 0, "a", 0, FILE_RW, 0),
        Err(e(Errno::Isdir))
    );
    let trunc = abi::OFLAGS_TRUNC;
    assert_eq!(
        g.open_with(PREOPEN, 0, "a", trunc, DIR_R, 0),
        Err(e(Errno::Isdir))
    );
    let creat = abi::OFLAGS_CREAT;
    assert_eq!(
        g.open_with(PREOPEN, 0, "a/", creat, DIR_R, 0),
        Err(e(Errno::Isdir))
    );
    assert_eq!(
        g.open_with(PREOPEN, 0, "nodir/", creat, DIR_R, 0),
        Err(e(Errno::Isdir))
    );
    let both = abi::OFLAGS_CREAT | abi::OFLAGS_DIRECTORY;
    assert_eq!(
        g.open_with(PREOPEN, 0, "q", both, DIR_R, 0),
        Err(e(Errno::Inval))
    );
    // rmdir: not empty, not a directory, then success; the root cannot be removed.
    assert_eq!(g.path_op("path_remove_directory", "a"), e(Errno::Notempty));
    assert_eq!(
        g.path_op("path_remove_directory", "a/file"),
        e(Errno::Notdir)
    );
    assert_eq!(g.path_op("path_remove_directory", "a/x/"), 0);
    assert_eq!(g.path_op("path_remove_directory", "a/x"), e(Errno::Noent));
    assert_eq!(g.path_op("path_remove_directory", "."), e(Errno::Inval));
    assert_eq!(g.path_op("path_unlink_file", "a"), e(Errno::Isdir));
    assert_eq!(g.path_op("path_unlink_file", "a/file/"), e(Errno::Notdir));
    assert_eq!(g.path_op("path_unlink_file", "a/file"), 0);
    assert_eq!(g.path_op("path_remove_directory", "a"), 0);
    // The removed directory's fd still lists . and .. but nothing can be made in it.
    assert_eq!(g.names(dfd), vec![".", ".."]);
    assert_eq!(
        g.open_with(dfd, 0, "new", abi::OFLAGS_CREAT, FILE_RW, 0),
        Err(e(Errno::Noent))
    );
    // The unlinked file lives on through its fd.
    assert_eq!(g.write(fd, b"still here"), Ok(10));
    assert_eq!(g.fstat(fd).unwrap().nlink, 0);
    let before = g.tree().inode_count();
    assert_eq!(g.errno("fd_close", &[fd]), 0);
    assert_eq!(g.tree().inode_count(), before - 1);
}

#[test]
fn rename_files_and_directories() {
    let mut g = Guest::new(with_tree(sample_tree()));
    let ino = g.stat(false, "hello.txt").unwrap().ino;
    assert_eq!(g.rename("hello.txt", "sub/moved.txt"), 0);
    assert_eq!(g.stat(false, "sub/moved.txt").unwrap().ino, ino);
    assert_eq!(g.stat(false, "hello.txt"), Err(e(Errno::Noent)));
    // Over an existing file: replaced.
    assert_eq!(g.rename("sub/moved.txt", "sub/inner.txt"), 0);
    assert_eq!(
        g.tree().get("sub/inner.txt"),
        Some(Entry::File(b"hello, world\n"))
    );
    // Directories: into an empty directory yes, a non-empty one no, into itself no.
    assert_eq!(g.path_op("path_create_directory", "d1"), 0);
    assert_eq!(g.rename("sub", "empty"), 0);
    assert_eq!(
        g.names(PREOPEN),
        vec![".", "..", "d1", "empty", "link-to-hello"]
    );
    assert_eq!(
        g.tree().get("empty/inner.txt"),
        Some(Entry::File(b"hello, world\n"))
    );
    assert_eq!(g.rename("d1", "empty"), e(Errno::Notempty));
    assert_eq!(g.rename("empty", "empty/inside"), e(Errno::Inval));
    assert_eq!(g.rename("empty", "empty/inner.txt"), e(Errno::Notdir));
    assert_eq!(g.rename("empty/inner.txt", "d1"), e(Errno::Isdir));
    assert_eq!(g.rename("nothing", "x"), e(Errno::Noent));
    assert_eq!(g.rename(".", "x"), e(Errno::Busy));
    assert_eq!(g.rename("empty/inner.txt/", "x"), e(Errno::Notdir));
    // A directory's link counts follow it.
    assert_eq!(g.rename("d1", "empty/d1"), 0);
    assert_eq!(g.stat(false, "empty").unwrap().nlink, 3);
    assert_eq!(g.fstat(PREOPEN).unwrap().nlink, 3);
    // Renaming onto another name of the same inode does nothing.
    assert_eq!(g.link(0, "empty/inner.txt", "alias"), 0);
    assert_eq!(g.rename("alias", "empty/inner.txt"), 0);
    assert_eq!(g.stat(false, "alias").unwrap().nlink, 2);
}

#[test]
fn symlinks_and_hard_links() {
    let mut g = Guest::new(with_tree(sample_tree()));
    // Following a preloaded symlink, and not following it.
    let fd = g.open("link-to-hello", 0).unwrap();
    assert_eq!(g.read(fd, 5), Ok(b"hello".to_vec()));
    assert_eq!(
        g.open_with(PREOPEN, 0, "link-to-hello", 0, FILE_RW, 0),
        Err(e(Errno::Loop))
    );
    let l = g.stat(false, "link-to-hello").unwrap();
    assert_eq!((l.filetype, l.size), (abi::FILETYPE_SYMBOLIC_LINK, 9));
    assert_eq!(
        g.stat(true, "link-to-hello").unwrap().filetype,
        abi::FILETYPE_REGULAR_FILE
    );
    assert_eq!(g.readlink("link-to-hello", 100), Ok(b"hello.txt".to_vec()));
    assert_eq!(g.readlink("link-to-hello", 4), Ok(b"hell".to_vec()));
    assert_eq!(g.readlink("hello.txt", 100), Err(e(Errno::Inval)));
    // Symlinks to directories, followed in the middle of a path.
    assert_eq!(g.symlink("sub", "s"), 0);
    assert_eq!(g.symlink("sub", "s"), e(Errno::Exist));
    assert_eq!(g.symlink("x", "newdir/"), e(Errno::Noent));
    assert_eq!(g.symlink("x", "hello.txt/"), e(Errno::Notdir));
    let fd2 = g.open("s/inner.txt", 0).unwrap();
    assert_eq!(g.read(fd2, 10), Ok(b"inner".to_vec()));
    assert_eq!(
        g.stat(false, "s/").unwrap().filetype,
        abi::FILETYPE_DIRECTORY
    );
    // A dangling symlink: creating through it makes the target.
    assert_eq!(g.symlink("made-by-link", "dangling"), 0);
    assert_eq!(g.stat(true, "dangling"), Err(e(Errno::Noent)));
    let fd3 = g.open("dangling", abi::OFLAGS_CREAT).unwrap();
    assert_eq!(g.write(fd3, b"via link"), Ok(8));
    assert_eq!(g.tree().get("made-by-link"), Some(Entry::File(b"via link")));
    assert_eq!(
        g.open("dangling", abi::OFLAGS_CREAT | abi::OFLAGS_EXCL),
        Err(e(Errno::Exist))
    );
    // Unlinking a symlink removes the link, not the target.
    assert_eq!(g.path_op("path_unlink_file", "s"), 0);
    assert_eq!(g.tree().get("sub"), Some(Entry::Dir));
    // Hard links share the inode; nlink counts names.
    assert_eq!(g.link(0, "hello.txt", "sub/hard"), 0);
    let a = g.stat(false, "hello.txt").unwrap();
    let b = g.stat(false, "sub/hard").unwrap();
    assert_eq!((a.ino, a.nlink), (b.ino, 2));
    let fd4 = g.open("sub/hard", 0).unwrap();
    assert_eq!(g.seek(fd4, 0, abi::WHENCE_END), Ok(13));
    assert_eq!(g.write(fd4, b"!"), Ok(1));
    assert_eq!(
        g.tree().get("hello.txt"),
        Some(Entry::File(b"hello, world\n!"))
    );
    assert_eq!(g.path_op("path_unlink_file", "hello.txt"), 0);
    assert_eq!(g.stat(false, "sub/hard").unwrap().nlink, 1);
    assert_eq!(g.link(0, "sub", "dirlink"), e(Errno::Perm));
    assert_eq!(g.link(0, "sub/hard", "sub/inner.txt"), e(Errno::Exist));
    assert_eq!(g.link(0, "sub/hard", "sub/hard"), e(Errno::Exist));
    assert_eq!(g.link(0, "sub/hard", "newlink/"), e(Errno::Noent));
    // A hard link to a symlink is a symlink; following is refused (as in wasmtime).
    assert_eq!(g.link(0, "link-to-hello", "link2"), 0);
    assert_eq!(
        g.stat(false, "link2").unwrap().filetype,
        abi::FILETYPE_SYMBOLIC_LINK
    );
    assert_eq!(g.link(1, "dangling", "link3"), e(Errno::Inval));
    assert_eq!(g.link(1, "nothing/at/all", "link3"), e(Errno::Inval));
    assert!(g.stat(false, "link3").is_err());
}

#[test]
fn hostile_paths_never_escape_the_preopen() {
    let mut tree = sample_tree();
    tree.add_symlink("up", "../..").unwrap();
    tree.add_symlink("sub/up2", "../../etc/passwd").unwrap();
    tree.add_symlink("abs", "/etc/passwd").unwrap();
    tree.add_symlink("loop-a", "loop-b").unwrap();
    tree.add_symlink("loop-b", "loop-a").unwrap();
    tree.add_symlink("self", "self").unwrap();
    tree.add_symlink("dot-loop", "./dot-loop/x").unwrap();
    tree.add_symlink("root-dot", ".").unwrap();
    let mut g = Guest::new(with_tree(tree));
    let perm = Err(e(Errno::Perm));
    for path in [
        "../x",
        "..",
        "/etc/passwd",
        "/",
        "sub/../../hello.txt",
        "sub/../sub/../..",
        "up",
        "up/etc/passwd",
        "sub/up2",
        "abs",
        "root-dot/../hello.txt",
    ] {
        assert_eq!(g.open(path, 0), perm, "{path}");
        assert_eq!(
            g.stat(true, path).map(|_| ()),
            Err(e(Errno::Perm)),
            "{path}"
        );
    }
    assert_eq!(g.open("../new", abi::OFLAGS_CREAT), perm);
    assert_eq!(g.path_op("path_create_directory", "../d"), e(Errno::Perm));
    assert_eq!(g.path_op("path_unlink_file", "/hello.txt"), e(Errno::Perm));
    assert_eq!(g.rename("hello.txt", "../stolen"), e(Errno::Perm));
    assert_eq!(g.link(0, "hello.txt", "../stolen"), e(Errno::Perm));
    for path in ["loop-a", "loop-b", "self", "self/x", "dot-loop"] {
        assert_eq!(g.open(path, 0), Err(e(Errno::Loop)), "{path}");
    }
    // Not following the last component: the symlink itself is there.
    assert_eq!(
        g.stat(false, "up").unwrap().filetype,
        abi::FILETYPE_SYMBOLIC_LINK
    );
    assert_eq!(g.readlink("abs", 100), Ok(b"/etc/passwd".to_vec()));
    // Paths that stay inside work, however they wander.
    let fd = g.open("sub/.././/sub/../hello.txt", 0).unwrap();
    assert_eq!(g.read(fd, 5), Ok(b"hello".to_vec()));
    assert_eq!(g.open("root-dot/root-dot/hello.txt", 0).map(|_| ()), Ok(()));
    // Trailing slashes and odd bytes.
    assert_eq!(g.open("hello.txt/", 0), Err(e(Errno::Notdir)));
    assert_eq!(g.open("", 0), Err(e(Errno::Noent)));
    assert_eq!(g.open("hello.txt\0", 0), Err(e(Errno::Inval)));
    let (p, l) = g.put(PATH_A, b"bad\xff");
    let args = [PREOPEN, 0, p, l, 0, FILE_RW, 0, 0, i64::from(OUT)];
    assert_eq!(g.errno("path_open", &args), e(Errno::Ilseq));
    let long = "x".repeat(256);
    assert_eq!(g.open(&long, abi::OFLAGS_CREAT), Err(e(Errno::Nametoolong)));
    let longer = "a/".repeat(2049);
    assert_eq!(g.open(&longer, 0), Err(e(Errno::Nametoolong)));
    // A file fd is not a directory to resolve in; a closed fd is EBADF.
    let args = [fd, 0, p, l, 0, FILE_RW, 0, 0, i64::from(OUT)];
    assert_eq!(g.errno("path_open", &args), e(Errno::Notdir));
    let args = [55, 0, p, l, 0, FILE_RW, 0, 0, i64::from(OUT)];
    assert_eq!(g.errno("path_open", &args), e(Errno::Badf));
    // Nothing outside was touched: the tree is as loaded plus nothing.
    assert!(g.tree().get("stolen").is_none());
}

#[test]
fn two_preopens_are_separate_filesystems() {
    let mut config = with_tree(sample_tree());
    config.preopens.push(Preopen {
        guest_path: "/other".into(),
        tree: Dir::new(),
    });
    let mut g = Guest::new(config);
    let (op, ol) = g.put(PATH_A, b"hello.txt");
    let (np, nl) = g.put(PATH_B, b"moved");
    assert_eq!(
        g.errno("path_rename", &[3, op, ol, 4, np, nl]),
        e(Errno::Xdev)
    );
    assert_eq!(
        g.errno("path_link", &[3, 0, op, ol, 4, np, nl]),
        e(Errno::Xdev)
    );
    // Within the second one, all works and the first is untouched.
    assert_eq!(g.errno("path_create_directory", &[4, np, nl]), 0);
    assert_eq!(
        g.state().preopen_tree(1).unwrap().get("moved"),
        Some(Entry::Dir)
    );
    assert_eq!(g.tree(), {
        let w = Wasi::new(with_tree(sample_tree())).unwrap();
        w.preopen_tree(0).unwrap().clone()
    });
}

#[test]
fn fd_renumber_close_and_lowest_free_fd() {
    let mut g = Guest::new(with_tree(sample_tree()));
    let a = g.open("hello.txt", 0).unwrap();
    let b = g.open("sub/inner.txt", 0).unwrap();
    assert_eq!((a, b), (4, 5));
    assert_eq!(g.errno("fd_renumber", &[a, b]), 0);
    assert_eq!(g.read(b, 5), Ok(b"hello".to_vec()));
    assert_eq!(g.errno("fd_close", &[a]), e(Errno::Badf));
    assert_eq!(g.errno("fd_renumber", &[b, 99]), e(Errno::Badf));
    assert_eq!(g.errno("fd_renumber", &[b, b]), 0);
    // Renumbering stdout onto the file makes the file fd stdout.
    assert_eq!(g.errno("fd_renumber", &[1, b]), 0);
    assert_eq!(g.write(b, b"to stdout"), Ok(9));
    assert_eq!(g.state().take_stdout(), b"to stdout");
    assert_eq!(g.write(1, b"x"), Err(e(Errno::Badf)));
    // The lowest free number is reused.
    assert_eq!(g.open("hello.txt", 0), Ok(1));
    // Closing the preopen is allowed; then paths through it fail.
    assert_eq!(g.errno("fd_close", &[PREOPEN]), 0);
    assert_eq!(g.open("hello.txt", 0), Err(e(Errno::Badf)));
    // Sockets do not exist.
    assert_eq!(
        g.errno("sock_accept", &[0, 0, i64::from(OUT)]),
        e(Errno::Notsock)
    );
    assert_eq!(g.errno("sock_shutdown", &[3, 0]), e(Errno::Badf));
    assert_eq!(g.errno("sock_recv", &[2, 0, 0, 0, 0, 0]), e(Errno::Notsock));
    assert_eq!(g.errno("sock_send", &[42, 0, 0, 0, 0]), e(Errno::Badf));
}

// ---------------------------------------------------------------------------------
// Limits

#[test]
fn file_size_and_tree_size_limits() {
    let mut g = Guest::new(WasiConfig {
        max_file_bytes: 100,
        max_fs_bytes: 2000,
        ..with_tree(Dir::new())
    });
    let fd = g.open("f", abi::OFLAGS_CREAT).unwrap();
    assert_eq!(g.write(fd, &[7u8; 100]), Ok(100));
    assert_eq!(g.write(fd, b"x"), Err(e(Errno::Fbig)));
    assert_eq!(g.errno("fd_filestat_set_size", &[fd, 101]), e(Errno::Fbig));
    assert_eq!(g.errno("fd_allocate", &[fd, 100, 1]), e(Errno::Notsup));
    g.poke(IOVS, &DATA.to_le_bytes());
    g.poke(IOVS + 4, &1u32.to_le_bytes());
    assert_eq!(
        g.errno("fd_pwrite", &[fd, i64::from(IOVS), 1, -1, i64::from(OUT)]),
        e(Errno::Fbig)
    );
    assert_eq!(g.tree().get("f"), Some(Entry::File(&[7u8; 100])));
    // Fill the tree: each file costs 64 + name + data bytes.
    let used = g.tree().total_bytes();
    assert_eq!(used, 64 + 64 + 1 + 100);
    let mut fds = Vec::new();
    let err = loop {
        let name = format!("g{:02}", fds.len());
        match g.open(&name, abi::OFLAGS_CREAT) {
            Ok(fd) => {
                fds.push(fd);
                if let Err(errno) = g.write(fd, &[1u8; 100]) {
                    break errno;
                }
            }
            Err(errno) => break errno,
        }
    };
    assert_eq!(err, e(Errno::Nospc));
    assert!(g.tree().total_bytes() <= 2000);
    assert_eq!(g.path_op("path_create_directory", "d"), e(Errno::Nospc));
    // Space is freed when the last name and the last fd are gone.
    assert_eq!(g.path_op("path_unlink_file", "g00"), 0);
    assert_eq!(g.path_op("path_create_directory", "d"), e(Errno::Nospc));
    assert_eq!(g.errno("fd_close", &[fds[0]]), 0);
    assert_eq!(g.path_op("path_create_directory", "d"), 0);
    // Too many iovecs.
    assert_eq!(
        g.errno("fd_write", &[1, i64::from(IOVS), 1025, i64::from(OUT)]),
        e(Errno::Inval)
    );
}

#[test]
fn too_many_open_fds_is_emfile() {
    let mut g = Guest::new(with_tree(sample_tree()));
    let mut last = Ok(0);
    for _ in 0..(wasi::fs::MAX_OPEN_FDS - 4) {
        last = g.open("hello.txt", 0);
        assert!(last.is_ok());
    }
    assert_eq!(last, Ok(i64::from(wasi::fs::MAX_OPEN_FDS) - 1));
    assert_eq!(g.open("hello.txt", 0), Err(e(Errno::Mfile)));
}

// ---------------------------------------------------------------------------------
// Gas

#[test]
fn host_calls_charge_base_plus_bytes() {
    let mut g = Guest::new(with_tree(Dir::new()));
    // The wrapper around a host call costs its `call` and one `local.get` per
    // parameter; measure it on `sched_yield`, which has no parameters and no work.
    let measure = |g: &mut Guest, name: &str, args: &[i64]| {
        let before = g.gas_used();
        let errno = g.errno(name, args);
        (errno, g.gas_used() - before)
    };
    let (_, yield_cost) = measure(&mut g, "sched_yield", &[]);
    let wrapper = |params: u64| yield_cost - gas::CALL_BASE + params;
    // clock_time_get: base + 8 bytes written.
    let (errno, cost) = measure(&mut g, "clock_time_get", &[0, 0, i64::from(OUT)]);
    assert_eq!(
        (errno, cost),
        (0, wrapper(3) + gas::CALL_BASE + 8 * gas::GUEST_WRITE_BYTE)
    );
    // fd_write of n bytes to a file: base + iovec (8) + n read + n file data + 4 written.
    let fd = g.open("f", abi::OFLAGS_CREAT).unwrap();
    g.poke(DATA, &[b'z'; 300]);
    g.poke(IOVS, &DATA.to_le_bytes());
    for n in [0u32, 100, 300] {
        g.poke(IOVS + 4, &n.to_le_bytes());
        let args = [fd, i64::from(IOVS), 1, i64::from(OUT)];
        let (errno, cost) = measure(&mut g, "fd_write", &args);
        let n = u64::from(n);
        let want = wrapper(4)
            + gas::CALL_BASE
            + 8 * gas::GUEST_READ_BYTE
            + n * (gas::GUEST_READ_BYTE + gas::FILE_DATA_BYTE)
            + 4 * gas::GUEST_WRITE_BYTE;
        assert_eq!((errno, cost), (0, want), "n = {n}");
    }
    assert_eq!(g.fstat(fd).unwrap().size, 400);
    // Writing 1 byte 100 bytes past the end also pays the 100 zero-filled bytes.
    assert_eq!(g.seek(fd, 500, abi::WHENCE_SET), Ok(500));
    g.poke(IOVS + 4, &1u32.to_le_bytes());
    let (_, cost) = measure(
        &mut g,
        "fd_write",
        &[fd, i64::from(IOVS), 1, i64::from(OUT)],
    );
    assert_eq!(cost, wrapper(4) + gas::CALL_BASE + 8 + 1 + 1 + 100 + 4);
    // A path call: base + path bytes read + one step per component.
    let (p, l) = g.put(PATH_A, b"d1/../d2");
    let (errno, cost) = measure(&mut g, "path_create_directory", &[PREOPEN, p, l]);
    assert_eq!(errno, e(Errno::Noent));
    assert_eq!(cost, wrapper(3) + gas::PATH_CALL_BASE + 8 + gas::PATH_STEP);
    let (p, l) = g.put(PATH_A, b"d2");
    let (errno, cost) = measure(&mut g, "path_create_directory", &[PREOPEN, p, l]);
    assert_eq!(
        (errno, cost),
        (0, wrapper(3) + gas::PATH_CALL_BASE + 2 + gas::PATH_STEP)
    );
    // fd_readdir: one DIR_ENTRY per entry plus the bytes written.
    let (entries, used) = g.readdir(PREOPEN, 4096, 0).unwrap();
    assert_eq!(entries.len(), 4);
    let args = [PREOPEN, i64::from(BIG), 4096, 0, i64::from(OUT)];
    let (_, cost) = measure(&mut g, "fd_readdir", &args);
    let want = wrapper(5) + gas::CALL_BASE + 4 * gas::DIR_ENTRY + u64::from(used) + 4;
    assert_eq!(cost, want);
    // A failing call costs its base and what it read: EBADF costs the base only.
    let (errno, cost) = measure(
        &mut g,
        "fd_write",
        &[77, i64::from(IOVS), 1, i64::from(OUT)],
    );
    assert_eq!((errno, cost), (e(Errno::Badf), wrapper(4) + gas::CALL_BASE));
}

#[test]
fn out_of_gas_in_a_host_call_traps_before_any_effect() {
    // Find the gas a write needs, then give a fresh run one unit less.
    let run = |limit: Option<u64>| {
        let mut g = Guest::new(with_tree(Dir::new()));
        let fd = g.open("f", abi::OFLAGS_CREAT).unwrap();
        g.poke(DATA, &[b'q'; 64]);
        g.poke(IOVS, &DATA.to_le_bytes());
        g.poke(IOVS + 4, &64u32.to_le_bytes());
        let start = g.gas_used();
        if let Some(limit) = limit {
            g.store.set_gas_limit(limit);
        }
        let result = g.call("fd_write", &[fd, i64::from(IOVS), 1, i64::from(OUT)]);
        let used = if limit.is_some() {
            g.gas_used()
        } else {
            g.gas_used() - start
        };
        (result, used, g.tree())
    };
    let (ok, need, _) = run(None);
    assert_eq!(ok.unwrap(), vec![Value::I32(0)]);
    for limit in [need - 1, need - 5, need - 70, 20] {
        let (result, used, tree) = run(Some(limit));
        match result {
            Err(Error::Trap(t)) => assert_eq!(t.code(), TrapCode::OutOfGas),
            other => panic!("{other:?}"),
        }
        assert!(used <= limit);
        assert_eq!(tree.get("f"), Some(Entry::File(b"")), "limit {limit}");
    }
}

// ---------------------------------------------------------------------------------
// Whole programs: proc_exit, determinism

/// A `_start` that prints, creates files, reads the clock and random bytes, lists a
/// directory, and exits with the status given in its first argument's first byte.
const PROGRAM: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm\n")
  (data (i32.const 64) "out/result.bin")
  (data (i32.const 96) "out")
  (func (export "_start")
    (local $fd i32) (local $i i32)
    ;; print the greeting
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; mkdir out; create out/result.bin
    (drop (call $mkdir (i32.const 3) (i32.const 96) (i32.const 3)))
    (drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 14)
      (i32.const 1) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 200)))
    (local.set $fd (i32.load (i32.const 200)))
    ;; 3 clock readings and 40 random bytes into the file
    (loop $l
      (drop (call $clock (i32.const 0) (i64.const 0)
        (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 8)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (drop (call $random (i32.const 1048) (i32.const 40)))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 64))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; list the root onto stderr
    (drop (call $readdir (i32.const 3) (i32.const 2048) (i32.const 512) (i64.const 0) (i32.const 8)))
    (i32.store (i32.const 0) (i32.const 2048))
    (i32.store (i32.const 4) (i32.load (i32.const 8)))
    (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; exit with argv[1][0] - '0'
    (drop (call $args_get (i32.const 4096) (i32.const 4200)))
    (call $exit (i32.sub (i32.load8_u (i32.load (i32.const 4100))) (i32.const 48)))
    unreachable))"#;

/// Runs `PROGRAM`'s `_start`; returns everything observable.
fn run_program(seed: u64, arg: &str) -> (Option<i32>, Vec<u8>, Vec<u8>, Dir, u64) {
    let mut g = Guest::with(
        Config::default(),
        WasiConfig {
            args: vec!["program.wasm".into(), arg.into()],
            seed,
            ..with_tree(sample_tree())
        },
        PROGRAM,
    );
    let status = match g.call("_start", &[]) {
        Err(Error::Trap(t)) => t.exit_status(),
        other => panic!("{other:?}"),
    };
    assert_eq!(g.state().exit_status(), status);
    let stdout = g.state().take_stdout();
    let stderr = g.state().take_stderr();
    (status, stdout, stderr, g.tree(), g.gas_used())
}

#[test]
fn proc_exit_status_and_two_runs_are_identical() {
    let first = run_program(42, "7");
    let second = run_program(42, "7");
    assert_eq!(first, second);
    let (status, stdout, stderr, tree, gas_used) = first;
    assert_eq!(status, Some(7));
    assert_eq!(stdout, b"hello from wasm\n");
    // stderr is the raw dirent listing of the root: ., .., then names in byte order.
    let names: Vec<&str> = ["empty", "hello.txt", "link-to-hello", "out", "sub"].to_vec();
    let mut at = 0;
    let mut listed = Vec::new();
    while at + 24 <= stderr.len() {
        let len = u32::from_le_bytes(stderr[at + 16..at + 20].try_into().unwrap()) as usize;
        listed.push(String::from_utf8(stderr[at + 24..at + 24 + len].to_vec()).unwrap());
        at += 24 + len;
    }
    assert_eq!(listed[2..].to_vec(), names);
    let Some(Entry::File(data)) = tree.get("out/result.bin") else {
        panic!("no output file");
    };
    let start = DEFAULT_CLOCK_START_NS;
    let times: Vec<u64> = (0..3)
        .map(|i| u64::from_le_bytes(data[i * 8..i * 8 + 8].try_into().unwrap()))
        .collect();
    assert_eq!(
        times,
        vec![start, start + CLOCK_STEP_NS, start + 2 * CLOCK_STEP_NS]
    );
    assert_eq!(data[24..].to_vec(), reference_stream(42, 40));
    assert!(gas_used > 0);
    // Another seed changes only the random bytes.
    let (status2, stdout2, stderr2, tree2, gas2) = run_program(43, "7");
    assert_eq!(
        (status2, &stdout2, &stderr2, gas2),
        (Some(7), &stdout, &stderr, gas_used)
    );
    let Some(Entry::File(data2)) = tree2.get("out/result.bin") else {
        panic!()
    };
    assert_eq!(data2[..24], data[..24]);
    assert_ne!(data2[24..], data[24..]);
    // The exit status follows the argument.
    assert_eq!(run_program(42, "0").0, Some(0));
}

// ---------------------------------------------------------------------------------
// Trees: builder, walk, host load and export

#[test]
fn dir_builder_and_walk() {
    let mut d = Dir::new();
    d.add_file("b/c.txt", b"c".to_vec()).unwrap();
    d.add_file("a", b"a".to_vec()).unwrap();
    d.add_dir("b/d").unwrap();
    d.add_symlink("b-link", "b").unwrap();
    d.add_file("b-a", Vec::new()).unwrap();
    assert!(d.add_file("a", Vec::new()).is_err());
    assert!(d.add_file("a/x", Vec::new()).is_err());
    assert!(d.add_file("../x", Vec::new()).is_err());
    assert!(d.add_file("x//y", Vec::new()).is_err());
    assert!(d.add_symlink("z", "").is_err());
    let walk: Vec<(String, Entry)> = d.walk();
    assert_eq!(
        walk,
        vec![
            ("a".to_owned(), Entry::File(b"a")),
            ("b".to_owned(), Entry::Dir),
            ("b/c.txt".to_owned(), Entry::File(b"c")),
            ("b/d".to_owned(), Entry::Dir),
            ("b-a".to_owned(), Entry::File(b"")),
            ("b-link".to_owned(), Entry::Symlink("b")),
        ]
    );
    assert_eq!(d.get(""), Some(Entry::Dir));
    assert_eq!(d.get("b/d"), Some(Entry::Dir));
    assert_eq!(d.get("b/x"), None);
    // 7 inodes, 2 file bytes, 1 target byte, names a b c.txt d b-link b-a.
    assert_eq!(d.total_bytes(), 7 * 64 + 2 + 1 + (1 + 1 + 5 + 1 + 6 + 3));
}

#[cfg(unix)]
#[test]
fn load_host_and_export_to_host_round_trip() {
    use std::fs;
    let base = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wasi_host_round_trip");
    let _ = fs::remove_dir_all(&base);
    let src = base.join("src");
    fs::create_dir_all(src.join("sub/deeper")).unwrap();
    fs::write(src.join("a.txt"), b"alpha").unwrap();
    fs::write(src.join("sub/b.bin"), [0u8, 1, 2, 255]).unwrap();
    fs::write(src.join("sub/deeper/c"), b"").unwrap();
    std::os::unix::fs::symlink("../a.txt", src.join("sub/to-a")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", src.join("outside")).unwrap();
    let tree = Dir::load_host(&src).unwrap();
    assert_eq!(
        tree.walk(),
        vec![
            ("a.txt".to_owned(), Entry::File(b"alpha")),
            ("outside".to_owned(), Entry::Symlink("/etc/passwd")),
            ("sub".to_owned(), Entry::Dir),
            ("sub/b.bin".to_owned(), Entry::File(&[0, 1, 2, 255])),
            ("sub/deeper".to_owned(), Entry::Dir),
            ("sub/deeper/c".to_owned(), Entry::File(b"")),
            ("sub/to-a".to_owned(), Entry::Symlink("../a.txt")),
        ]
    );
    // A run changes the in-memory tree only; the host directory is untouched.
    let before: Vec<_> = walk_host(&src);
    let mut g = Guest::new(with_tree(tree));
    let fd = g.open("sub/to-a", abi::OFLAGS_TRUNC).unwrap();
    assert_eq!(g.write(fd, b"changed"), Ok(7));
    assert_eq!(g.path_op("path_create_directory", "new"), 0);
    assert_eq!(g.open("outside", 0), Err(e(Errno::Perm)));
    assert_eq!(walk_host(&src), before);
    // Export and reload: the same contents.
    let out = base.join("out");
    let final_tree = g.tree();
    final_tree.export_to_host(&out).unwrap();
    assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"changed");
    assert_eq!(
        fs::read_link(out.join("sub/to-a")).unwrap().to_str(),
        Some("../a.txt")
    );
    assert!(out.join("new").is_dir());
    let reloaded = Dir::load_host(&out).unwrap();
    assert_eq!(reloaded.walk(), final_tree.walk());
    // Exporting into a non-empty directory fails.
    assert!(wasi::fs::export_to_host(&final_tree, &out).is_err());
    // Special files are refused.
    let sock_dir = base.join("special");
    fs::create_dir_all(&sock_dir).unwrap();
    let _listener = std::os::unix::net::UnixListener::bind(sock_dir.join("sock")).unwrap();
    let err = Dir::load_host(&sock_dir).unwrap_err();
    assert!(err.to_string().contains("not a regular file"), "{err}");
    assert!(Dir::load_host(src.join("a.txt")).is_err());
    fs::remove_dir_all(&base).unwrap();
}

/// Every path under `root` with its kind and contents, sorted.
#[cfg(unix)]
fn walk_host(root: &std::path::Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap().display().to_string();
            let ft = entry.file_type().unwrap();
            let what = if ft.is_symlink() {
                format!("link {}", std::fs::read_link(&path).unwrap().display())
            } else if ft.is_dir() {
                stack.push(path.clone());
                "dir".to_owned()
            } else {
                format!("file {:?}", std::fs::read(&path).unwrap())
            };
            out.push((rel, what));
        }
    }
    out.sort();
    out
}

#[test]
fn guest_access_recording_lists_reads_and_writes() {
    let mut g = Guest::new(WasiConfig::default());
    g.state().set_record_guest_access(true);
    assert_eq!(g.errno("clock_time_get", &[0, 0, i64::from(OUT)]), 0);
    assert_eq!(g.state().guest_access().writes, vec![(OUT, 8)]);
    assert!(g.state().guest_access().reads.is_empty());
    g.poke(DATA, b"hi");
    g.poke(IOVS, &DATA.to_le_bytes());
    g.poke(IOVS + 4, &2u32.to_le_bytes());
    assert_eq!(
        g.errno("fd_write", &[1, i64::from(IOVS), 1, i64::from(OUT)]),
        0
    );
    let log = g.state().guest_access().clone();
    assert_eq!(log.reads, vec![(IOVS, 8), (DATA, 2)]);
    assert_eq!(log.writes, vec![(OUT, 4)]);
    g.state().set_record_guest_access(false);
    assert_eq!(g.errno("sched_yield", &[]), 0);
    assert!(g.state().guest_access().writes.is_empty());
}

#[test]
fn generated_hostile_paths_fail_cleanly_and_change_nothing() {
    let mut tree = sample_tree();
    tree.add_symlink("up", "..").unwrap();
    tree.add_symlink("abs", "/").unwrap();
    tree.add_symlink("loop", "loop/..").unwrap();
    tree.add_symlink("sub/back", "../sub/back").unwrap();
    let mut g = Guest::new(with_tree(tree));
    let before = g.tree();
    let parts = [
        "..",
        ".",
        "",
        "sub",
        "up",
        "abs",
        "loop",
        "hello.txt",
        "link-to-hello",
        "back",
        "x",
    ];
    let allowed = [
        0,
        e(Errno::Noent),
        e(Errno::Perm),
        e(Errno::Loop),
        e(Errno::Notdir),
        e(Errno::Isdir),
    ];
    // A fixed linear congruential generator: the same paths on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..400 {
        let n = 1 + next() % 6;
        let mut path: Vec<&str> = (0..n).map(|_| parts[next() % parts.len()]).collect();
        if next() % 5 == 0 {
            path.insert(0, "");
        }
        let path = path.join("/");
        let follow = next() % 2 == 1;
        let got = g.open_with(PREOPEN, i64::from(follow), &path, 0, FILE_RO, 0);
        let errno = match got {
            Ok(fd) => {
                assert_eq!(g.errno("fd_close", &[fd]), 0);
                0
            }
            Err(errno) => errno,
        };
        assert!(allowed.contains(&errno), "{path:?}: errno {errno}");
        if path.starts_with('/') {
            assert_eq!(errno, e(Errno::Perm), "{path:?}");
        }
        let stat = g.stat(follow, &path).err().unwrap_or(0);
        assert!(allowed.contains(&stat), "{path:?}: stat errno {stat}");
    }
    assert_eq!(g.tree(), before);
}

#[test]
fn deep_trees_need_no_recursion() {
    // A chain of 10000 nested directories made through directory fds, then
    // renumbered, cloned, compared and dropped: all iterative.
    let mut g = Guest::new(with_tree(Dir::new()));
    let mut dir = PREOPEN;
    for _ in 0..10_000 {
        let (p, l) = g.put(PATH_A, b"d");
        assert_eq!(g.errno("path_create_directory", &[dir, p, l]), 0);
        let next = g
            .open_with(dir, 0, "d", abi::OFLAGS_DIRECTORY, DIR_R, 0)
            .unwrap();
        if dir != PREOPEN {
            assert_eq!(g.errno("fd_close", &[dir]), 0);
        }
        dir = next;
    }
    // Climbing back to the root and one step further.
    let up = vec![".."; 10_000].join("/");
    let (p, l) = g.put(BIG, up.as_bytes());
    let args = [dir, 0, p, l, 0, 0, 0, 0, i64::from(OUT)];
    assert_eq!(g.errno("path_open", &args), e(Errno::Nametoolong));
    let up = vec![".."; 1300].join("/");
    let (p, l) = g.put(BIG, up.as_bytes());
    assert_eq!(
        g.errno("path_filestat_get", &[dir, 0, p, l, i64::from(DATA)]),
        0
    );
    let tree = g.tree();
    assert_eq!(tree.inode_count(), 10_001);
    let renumbered = Wasi::new(with_tree(tree.clone())).unwrap();
    let copy = renumbered.preopen_tree(0).unwrap().clone();
    assert_eq!(copy.inode_count(), 10_001);
    assert_eq!(copy.ino("d/d/d"), Some(4));
    drop((tree, copy, renumbered));
}
