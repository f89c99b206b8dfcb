;; A WASI command without a memory: every pointer is EFAULT; the errno becomes the exit status.
(module
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start")
    (call $proc_exit (call $random_get (i32.const 0) (i32.const 4)))))
