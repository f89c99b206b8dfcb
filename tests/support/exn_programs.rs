//! The exception programs shared by tests/exceptions.rs (behaviour, memory and the
//! collection's gas) and tests/gas_reference.rs (lock step with the reference meter):
//! WAT modules exercising SPEC.md §Exceptions collections. Depends on nothing.

/// `n` times: throw, catch with `catch_all_ref`, drop the exnref.
pub const DROP_LOOP: &str = r#"(module
  (tag $e (param i32))
  (func (export "run") (param $n i32)
    (loop $l
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (throw $e (local.get $n)))
        (unreachable))
      (drop)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))"#;

/// Stores each caught exnref in the next element of a 100-element table, counting the
/// stores in `$count`.
pub const HOARD: &str = r#"(module
  (tag $e)
  (table $t 100 exnref)
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "run")
    (local $x exnref)
    (loop $l
      (local.set $x
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $e))
          (unreachable)))
      (table.set $t (global.get $count) (local.get $x))
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (br $l))))"#;

/// A recursion `depth` deep: each frame catches an exception carrying its depth, keeps
/// its exnref in a local, in a global chain (through a payload) and on its operand
/// stack below the recursive call; the bottom throws and drops `churn` exceptions,
/// forcing collections. On the way back every frame reads its references' payloads;
/// the result is twice the sum of the depths.
pub const ROOTS: &str = r#"(module
  (tag $e (param i32))
  (tag $link (param i32 exnref))
  (global $chain (mut exnref) (ref.null exn))
  (func $catch (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (unreachable)))
  (func $payload (param exnref) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (local.get 0)))
      (unreachable)))
  (func $churn (param $n i32)
    (loop $l
      (drop (call $catch (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func $down (param $d i32) (param $churn i32) (result i32)
    (local $mine exnref)
    (local $acc i32)
    (local.set $mine (call $catch (local.get $d)))
    ;; Push a link (d, previous chain) onto the global chain.
    (global.set $chain
      (block $h (result exnref)
        (try_table (catch_all_ref $h)
          (throw $link (local.get $d) (global.get $chain)))
        (unreachable)))
    ;; An exnref on the operand stack below the recursive call.
    (call $catch (i32.add (local.get $d) (i32.const 1000)))
    (local.set $acc
      (if (result i32) (local.get $d)
        (then (call $down (i32.sub (local.get $d) (i32.const 1)) (local.get $churn)))
        (else (call $churn (local.get $churn)) (i32.const 0))))
    ;; acc + (payload(operand) - 1000) + payload(mine) = acc + 2d
    call $payload
    i32.const 1000
    i32.sub
    local.get $acc
    i32.add
    (call $payload (local.get $mine))
    i32.add)
  (func (export "run") (param i32 i32) (result i32)
    (call $down (local.get 0) (local.get 1)))
  (func (export "chain_sum") (result i32)
    (local $sum i32)
    (block $done
      (loop $l
        (br_if $done (ref.is_null (global.get $chain)))
        (block $h (result i32 exnref)
          (try_table (catch $link $h) (throw_ref (global.get $chain)))
          (unreachable))
        (global.set $chain)
        (local.set $sum (i32.add (local.get $sum)))
        (br $l)))
    (local.get $sum)))"#;

/// `make` returns a caught exception carrying its argument; `read` rethrows an exnref
/// and returns its payload; `churn` throws and drops `n` exceptions; `stash` puts an
/// exnref in an exported global, `clear` nulls it.
pub const EMBEDDER: &str = r#"(module
  (tag $e (param i32))
  (global $g (export "g") (mut exnref) (ref.null exn))
  (func $make (export "make") (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $e (local.get 0)))
      (unreachable)))
  (func (export "read") (param exnref) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw_ref (local.get 0)))
      (unreachable)))
  (func (export "churn") (param $n i32)
    (loop $l
      (drop (call $make (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "stash") (param i32) (global.set $g (call $make (local.get 0))))
  (func (export "clear") (global.set $g (ref.null exn))))"#;
