;; The start function traps during instantiation: the data segment was applied, the
;; global set before the trap stays set.
(module
  (memory (export "memory") 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (data (i32.const 0) "applied")
  (func $start
    (global.set $g (i32.const 5))
    (drop (i32.div_u (i32.const 1) (global.get $g)))
    unreachable)
  (start $start)
  (func (export "f")))
