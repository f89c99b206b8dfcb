;; An infinite loop runs out of gas at exactly the gas limit (10007).
(module
  (global $n (export "n") (mut i32) (i32.const 0))
  (func (export "f")
    (loop $l
      (global.set $n (i32.add (global.get $n) (i32.const 1)))
      (br $l))))
