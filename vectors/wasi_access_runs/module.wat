;; Pins how a host call's guest memory accesses become trace records (SPEC.md §Trace
;; events): write runs merged across fields and sorted by address, the last write of a
;; byte winning, and read runs merged whatever order the host read them in.
(module
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; args_get: the pointer array (2 pointers, 8 bytes at 100) ends where the strings
    ;; begin (108): one write run 100..119.
    (drop (call $args_get (i32.const 100) (i32.const 108)))
    ;; fd_read into two adjacent buffers 300..305 and 305..310, nread at 200: the runs
    ;; are (200, 4 bytes) then (300, 10 bytes), in address order.
    (i32.store (i32.const 400) (i32.const 300))
    (i32.store (i32.const 404) (i32.const 5))
    (i32.store (i32.const 408) (i32.const 305))
    (i32.store (i32.const 412) (i32.const 5))
    (drop (call $fd_read (i32.const 0) (i32.const 400) (i32.const 2) (i32.const 200)))
    ;; fd_read whose nread (4 bytes at 502) overlaps its 4-byte buffer at 500: one run
    ;; 500..506 whose bytes 502..506 hold nread, the last write.
    (i32.store (i32.const 420) (i32.const 500))
    (i32.store (i32.const 424) (i32.const 4))
    (drop (call $fd_read (i32.const 0) (i32.const 420) (i32.const 1) (i32.const 502)))
    ;; fd_write of three iovecs that overlap (100..104, 102..106, 300..310): the reads
    ;; are the iovec array and the data, merged into runs.
    (i32.store (i32.const 440) (i32.const 100))
    (i32.store (i32.const 444) (i32.const 4))
    (i32.store (i32.const 448) (i32.const 102))
    (i32.store (i32.const 452) (i32.const 4))
    (i32.store (i32.const 456) (i32.const 300))
    (i32.store (i32.const 460) (i32.const 10))
    (drop (call $fd_write (i32.const 1) (i32.const 440) (i32.const 3) (i32.const 600)))))
