;; SPEC.md §Exceptions: with max_live_exceptions = 3 a store collects whenever a throw
;; finds 6 exceptions held. Two exceptions with a 2-value payload stay reachable, one
;; from the exnref global and one from a local; the loop then throws 12 exceptions and
;; drops each caught reference, so its throws 5 and 9 collect. Each collection charges
;; W = 1 + 1 activation + (1 exnref local + 3 table elements + 1 global) + 2 × (1 + 2)
;; reachable = 13.
(module
  (tag $e (param i32))
  (tag $p (param i32 i64))
  (table 3 exnref)
  (global $g (mut exnref) (ref.null exn))
  (func $catch (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $p (local.get 0) (i64.const 2)))
      (unreachable)))
  (func (export "f") (param $n i32) (result i32) (local $x exnref)
    (global.set $g (call $catch (i32.const 1)))
    (local.set $x (call $catch (i32.const 2)))
    (loop $l
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (throw $e (local.get $n)))
        (unreachable))
      (drop)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ;; Both held exceptions are intact: 1 + 2.
    (block $h (result i32 i64)
      (try_table (catch $p $h) (throw_ref (global.get $g)))
      (unreachable))
    (drop)
    (block $h2 (result i32 i64)
      (try_table (catch $p $h2) (throw_ref (local.get $x)))
      (unreachable))
    (drop)
    (i32.add)))
