//! Where a function's frame holds values of type `exnref`, for the exception
//! collection of SPEC.md §Exceptions: the frame-relative slots of its `exnref` locals
//! and, at every call and `throw` site, of the `exnref` values on its operand stack.
//!
//! Built during translation from the validator's operand types, in time linear in the
//! validator's own work: the builder mirrors which operand positions hold an `exnref`
//! as a persistent linked list (one node per `exnref` pushed), so a site records one
//! node index instead of copying a list, and nesting, long bodies or many call sites
//! cannot make it quadratic.
//! Depends on wasmparser's validator (operand types) only.

use wasmparser::{AbstractHeapType, FuncValidator, HeapType, ValType, ValidatorResources};

/// No node: the empty list.
const NIL: u32 = u32::MAX;

/// A function's `exnref` slots (SPEC.md §Exceptions, roots).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExnMap {
    /// Local indices (parameters first) of type `exnref`, ascending.
    pub locals: Box<[u32]>,
    /// The list nodes: `(operand position above the locals, next node down or NIL)`.
    nodes: Box<[(u32, u32)]>,
    /// `(code position just after a call or throw op, first node)`, ascending by
    /// position. A site with no `exnref` operand is absent.
    sites: Box<[(u32, u32)]>,
}

impl ExnMap {
    /// The operand positions (above the locals) that hold an `exnref` in a frame
    /// suspended just after the op ending at code position `resume_pc`: for a call, the
    /// caller's operands below the arguments; for `throw`, every operand including the
    /// thrown values. Topmost first.
    pub fn operands_at(&self, resume_pc: u32) -> impl Iterator<Item = u32> + '_ {
        let first = match self.sites.binary_search_by_key(&resume_pc, |s| s.0) {
            Ok(i) => self.sites[i].1,
            Err(_) => NIL,
        };
        std::iter::successors((first != NIL).then_some(first), move |&n| {
            let next = self.nodes.get(n as usize).map_or(NIL, |x| x.1);
            (next != NIL).then_some(next)
        })
        .filter_map(move |n| self.nodes.get(n as usize).map(|x| x.0))
    }
}

/// Whether a value of type `t` is an exception reference: `exnref`, `(ref exn)` and
/// the always-null `(ref null noexn)` (SPEC.md §Profile maps them all to `exnref`).
pub(crate) fn is_exn(t: ValType) -> bool {
    match t {
        ValType::Ref(r) => matches!(
            r.heap_type(),
            HeapType::Abstract {
                ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
                ..
            }
        ),
        _ => false,
    }
}

/// Mirrors the `exnref` positions of the validator's operand stack while a body is
/// translated.
#[derive(Default)]
pub(crate) struct ExnMapBuilder {
    locals: Vec<u32>,
    nodes: Vec<(u32, u32)>,
    sites: Vec<(u32, u32)>,
    /// Top node of the mirrored operand stack.
    top: u32,
    /// Mirrored operand height.
    len: u32,
}

impl ExnMapBuilder {
    pub(crate) fn new(v: &FuncValidator<ValidatorResources>) -> ExnMapBuilder {
        let locals = (0..v.len_locals())
            .filter(|&i| v.get_local_type(i).is_some_and(is_exn))
            .collect();
        ExnMapBuilder {
            locals,
            top: NIL,
            ..ExnMapBuilder::default()
        }
    }

    fn truncate(&mut self, len: u32) {
        while self.top != NIL {
            let (pos, next) = self.nodes[self.top as usize];
            if pos < len {
                break;
            }
            self.top = next;
        }
        self.len = self.len.min(len);
    }

    /// Records the site of a call or throw op ending just before `resume_pc`, whose
    /// frame keeps the operands below `keep` (the mirrored stack is the one before the
    /// op).
    pub(crate) fn site(&mut self, resume_pc: u32, keep: u32) {
        let mut n = self.top;
        while n != NIL && self.nodes[n as usize].0 >= keep {
            n = self.nodes[n as usize].1;
        }
        if n != NIL {
            self.sites.push((resume_pc, n));
        }
    }

    /// Brings the mirror to the validator's stack after an op that left the operands
    /// below `post_height - pushed` untouched (`pushed` may overstate, never
    /// understate, the values the op pushed).
    pub(crate) fn sync(&mut self, v: &FuncValidator<ValidatorResources>, pushed: u32) {
        let post = v.operand_stack_height();
        let keep = post.saturating_sub(pushed);
        self.truncate(keep);
        let from = self.len.min(keep);
        for pos in from..post {
            let depth = (post - 1 - pos) as usize;
            if v.get_operand_type(depth).flatten().is_some_and(is_exn) {
                self.nodes.push((pos, self.top));
                self.top = (self.nodes.len() - 1) as u32;
            }
        }
        self.len = post;
    }

    /// Whether some local is of type `exnref`.
    pub(crate) fn has_locals(&self) -> bool {
        !self.locals.is_empty()
    }

    /// Whether local `index` is of type `exnref`.
    pub(crate) fn is_exn_local(&self, index: u32) -> bool {
        self.locals.binary_search(&index).is_ok()
    }

    /// Brings the mirror to the validator's height after an op that pushed at most one
    /// value, never an `exnref` (numeric, memory and most table operators, `drop`,
    /// `local.set`): an `exnref` the mirror still has on top either stayed (the op
    /// pushed nothing over it) or was replaced, which one type query tells.
    pub(crate) fn sync_plain(&mut self, v: &FuncValidator<ValidatorResources>) {
        let post = v.operand_stack_height();
        self.truncate(post);
        if post > 0 && self.top != NIL && self.nodes[self.top as usize].0 == post - 1 {
            let still = v.get_operand_type(0).flatten().is_some_and(is_exn);
            if !still {
                self.top = self.nodes[self.top as usize].1;
            }
        }
        self.len = post;
    }

    /// Checks the mirror against a full scan of the validator's stack (tests only:
    /// O(height)).
    #[cfg(test)]
    pub(crate) fn agrees(&self, v: &FuncValidator<ValidatorResources>) -> bool {
        let h = v.operand_stack_height();
        let mut want: Vec<u32> = (0..h)
            .filter(|&p| {
                v.get_operand_type((h - 1 - p) as usize)
                    .flatten()
                    .is_some_and(is_exn)
            })
            .collect();
        want.reverse();
        let mut got = Vec::new();
        let mut n = self.top;
        while n != NIL {
            got.push(self.nodes[n as usize].0);
            n = self.nodes[n as usize].1;
        }
        self.len == h && got == want
    }

    /// Whether the validator's operand stack holds no `exnref` (tests only: O(height));
    /// what a function without a mirror must keep.
    #[cfg(test)]
    pub(crate) fn none_on_stack(v: &FuncValidator<ValidatorResources>) -> bool {
        let h = v.operand_stack_height();
        (0..h).all(|d| !v.get_operand_type(d as usize).flatten().is_some_and(is_exn))
    }

    /// The finished map; `None` when the function never holds an `exnref`.
    pub(crate) fn finish(self) -> Option<Box<ExnMap>> {
        if self.locals.is_empty() && self.sites.is_empty() {
            return None;
        }
        Some(Box::new(ExnMap {
            locals: self.locals.into_boxed_slice(),
            nodes: self.nodes.into_boxed_slice(),
            sites: self.sites.into_boxed_slice(),
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use crate::{Config, Engine, Error, Module};

    /// Translates `bytes`; under `cfg(test)` the translator checks its `exnref` mirror
    /// against a full scan of the validator's stack after every operator and reports a
    /// mismatch as `Error::Internal`.
    fn translate(bytes: &[u8]) {
        if let Err(Error::Internal(what)) = Module::new(&Engine::new(Config::default()), bytes) {
            panic!("{what}");
        }
    }

    #[test]
    fn the_mirror_follows_the_validator_on_random_exception_modules() {
        // A fixed xorshift stream, so the cases are the same on every run.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut accepted = 0;
        let mut with_exnref = 0;
        for _ in 0..400 {
            let data: Vec<u8> = (0..3000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let mut u = arbitrary::Unstructured::new(&data);
            let c = wasm_smith::Config {
                exceptions_enabled: true,
                gc_enabled: false,
                simd_enabled: false,
                relaxed_simd_enabled: false,
                threads_enabled: false,
                memory64_enabled: false,
                custom_page_sizes_enabled: false,
                wide_arithmetic_enabled: false,
                max_memories: 1,
                max_memory32_bytes: 4 * 65536,
                max_table_elements: 100,
                extended_const_enabled: true,
                tail_call_enabled: true,
                reference_types_enabled: true,
                multi_value_enabled: true,
                max_funcs: 6,
                max_instructions: 200,
                max_nesting_depth: 8,
                max_imports: 0,
                ..wasm_smith::Config::default()
            };
            let Ok(m) = wasm_smith::Module::new(c, &mut u) else {
                continue;
            };
            let bytes = m.to_bytes();
            translate(&bytes);
            accepted += 1;
            let engine = Engine::new(Config::default());
            match Module::new(&engine, &bytes) {
                Ok(m) => {
                    with_exnref += usize::from(m.inner.funcs.iter().any(|f| f.exn_map.is_some()))
                }
                Err(e) => panic!("wasm-smith module refused: {e}"),
            }
        }
        assert!(accepted > 300, "only {accepted} modules generated");
        assert!(
            with_exnref > 20,
            "only {with_exnref} modules hold an exnref"
        );
    }

    #[test]
    fn the_mirror_follows_every_operator_that_moves_an_exnref() {
        // Each operator kind that pops or pushes an exnref, in reachable and
        // unreachable code, with multi-value blocks and branches carrying exnrefs.
        translate(
            &wat::parse_str(
                r#"(module
              (tag $t (param exnref))
              (table $tab 2 exnref)
              (global $g (mut exnref) (ref.null exn))
              (func $two (param exnref) (result exnref i32) (local.get 0) (i32.const 1))
              (func (export "f") (param $e exnref) (result exnref)
                (local $x exnref)
                (drop (ref.is_null (local.get $e)))
                (local.set $x (select (result exnref) (local.get $e) (ref.null exn) (i32.const 1)))
                (block $b (param exnref) (result exnref i32)
                  (i32.const 3)
                  (br_if $b (i32.const 0))
                  (drop)
                  (i32.const 4))
                (drop)
                (global.set $g (local.tee $x))
                (table.set $tab (i32.const 0) (global.get $g))
                (call $two (table.get $tab (i32.const 0)))
                (if (param exnref i32) (result exnref)
                  (then (drop))
                  (else (drop) (drop) (ref.null exn)))
                (block $h (result exnref)
                  (try_table (catch_all_ref $h) (throw $t (local.get $x)))
                  (unreachable))
                (throw_ref)))"#,
            )
            .unwrap(),
        );
    }

    #[test]
    fn without_exnref_types_the_mirror_starts_where_an_exnref_is_made() {
        // No function type, global or table holds an exnref: each body makes its
        // first one itself, and its call site below must still see it. A mirror that
        // starts too late fails the cfg(test) check (an exnref before the mirror) or
        // misses the site.
        for (local, make) in [
            ("", "(block $h (result exnref) (try_table (catch_all_ref $h) (throw $t)) (unreachable))"),
            ("", "(block $h (result exnref) (try_table (catch_ref $t $h) (throw $t)) (unreachable))"),
            ("", "(ref.null exn)"),
            ("(local $x exnref)", "(local.get $x)"),
        ] {
            let wasm = wat::parse_str(format!(
                r#"(module
                  (tag $t)
                  (func $g)
                  (func (export "f") {local}
                    (i32.const 0) (drop)
                    {make}
                    (call $g)
                    (drop)))"#
            ))
            .unwrap();
            let module = Module::new(&Engine::new(Config::default()), &wasm).unwrap();
            let f = &module.inner.funcs[1];
            let map = f.exn_map.as_deref().unwrap();
            let sites: Vec<Vec<u32>> = (0..f.code.len() as u32 + 1)
                .map(|pc| map.operands_at(pc).collect::<Vec<_>>())
                .filter(|v| !v.is_empty())
                .collect();
            assert_eq!(sites, vec![vec![0]], "{make}");
        }
        // A function that makes no exnref has no map and no mirror.
        let wasm = wat::parse_str(
            r#"(module (func $g) (func (export "f") (call $g) (drop (i32.const 1))))"#,
        )
        .unwrap();
        let module = Module::new(&Engine::new(Config::default()), &wasm).unwrap();
        assert!(module.inner.funcs[1].exn_map.is_none());
    }

    #[test]
    fn sites_record_exnref_operands_below_call_arguments_and_at_throws() {
        let wasm = wat::parse_str(
            r#"(module
              (tag $t (param exnref i32))
              (func $g (param i32 exnref) (result exnref) (local.get 1))
              (func (export "f") (param $p exnref) (local $q i32) (local $r exnref)
                (local.get $p)            ;; operand 0: exnref, kept below the call
                (local.get $r)            ;; operand 1: exnref, kept
                (i32.const 1)             ;; operand 2
                (call $g (i32.const 2) (local.get $p)) ;; arguments 3, 4
                (drop)
                (throw $t)))              ;; payload: operands 1 and 2"#,
        )
        .unwrap();
        let engine = Engine::new(Config::default());
        let module = Module::new(&engine, &wasm).unwrap();
        let f = &module.inner.funcs[1];
        let map = f.exn_map.as_deref().unwrap();
        assert_eq!(&*map.locals, &[0, 2]);
        let sites: Vec<Vec<u32>> = (0..f.code.len() as u32 + 1)
            .map(|pc| map.operands_at(pc).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect();
        // The call keeps operands 0 to 2, the throw sees 0 to 2 (its payload included):
        // exnrefs at 1 and 0 at both, topmost first.
        assert_eq!(sites, vec![vec![1, 0], vec![1, 0]]);
        let g = &module.inner.funcs[0];
        assert_eq!(&*g.exn_map.as_deref().unwrap().locals, &[1]);
    }
}
