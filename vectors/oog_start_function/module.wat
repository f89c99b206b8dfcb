;; Gas runs out in the start function, during instantiation.
(module
  (global $n (export "n") (mut i64) (i64.const 0))
  (func $start
    (loop $l
      (global.set $n (i64.add (global.get $n) (i64.const 1)))
      (br $l)))
  (start $start)
  (func (export "f")))
