;; The function of oog_mid_segment with a limit equal to its cost (25) completes, using
;; all the gas.
(module
  (memory 1)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "f") (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 1)))
    (global.set $g (local.get 1))
    (i32.store (i32.const 8) (local.get 1))
    (local.set 1 (i32.mul (local.get 1) (i32.const 3)))
    (global.set $g (local.get 1))
    (i32.store (i32.const 12) (local.get 1))
    (i32.add (local.get 1) (i32.load (i32.const 8)))))
