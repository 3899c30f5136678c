;; tablegrow grows a table by 2^27 elements (1 GiB of wasmtime's table
;; storage) and exits 0 when it got them, 1 when table.grow failed.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (table 0 funcref)
  (func (export "_start")
    (if (i32.eq (table.grow (ref.null func) (i32.const 0x8000000)) (i32.const -1))
      (then (call $exit (i32.const 1))))
    (call $exit (i32.const 0))))
