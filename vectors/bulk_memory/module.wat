;; memory.init, data.drop, memory.copy (overlapping), memory.fill, and memory.init of the
;; dropped segment with length 0 (which succeeds).
(module
  (memory (export "memory") 1)
  (data $d "0123456789")
  (func (export "f") (result i32 i64)
    (memory.init $d (i32.const 100) (i32.const 2) (i32.const 6))
    (data.drop $d)
    (memory.copy (i32.const 102) (i32.const 100) (i32.const 6))
    (memory.fill (i32.const 200) (i32.const 0x5a) (i32.const 33))
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
    (i32.load (i32.const 102))
    (i64.load (i32.const 196))))
