;; The second data segment is out of bounds: instantiation traps outside any function;
;; the first segment stays applied.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "first")
  (data (i32.const 65535) "second")
  (func (export "f")))
