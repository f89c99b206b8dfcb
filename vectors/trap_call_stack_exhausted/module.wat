;; Unbounded recursion traps with call stack exhausted at the default call depth limit (10000).
(module
  (global $depth (export "depth") (mut i32) (i32.const 0))
  (func $down (export "f")
    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
    (call $down)))
