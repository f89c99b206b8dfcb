;; SPEC.md §Exceptions: with max_live_exceptions = 3, a throw that finds 6 exceptions
;; held collects; all 6 are reachable from the table, so it traps with
;; exception_limit before creating the seventh.
(module
  (tag $e)
  (table $t 10 exnref)
  (func (export "f") (local $i i32) (local $x exnref)
    (loop $l
      (local.set $x
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $e))
          (unreachable)))
      (table.set $t (local.get $i) (local.get $x))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))
