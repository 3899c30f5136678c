;; A core module made for a JavaScript host and other hosts: glue imports
;; of wasm-bindgen and ruby.wasm, Emscripten's JavaScript functions,
;; wasi-threads, a memory and a function from "env", a preview1 function
;; that does not exist, and two that do.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "wasi_snapshot_preview1" "sock_open" (func (param i32 i32 i32) (result i32)))
  (import "rb-js-abi-host" "reflect-apply" (func (param i32 i32 i32 i32)))
  (import "__wbindgen_placeholder__" "__wbindgen_describe" (func (param i32)))
  (import "env" "emscripten_date_now" (func (result f64)))
  (import "env" "memory" (memory 1))
  (import "env" "not_provided" (func))
  (import "wasi" "thread-spawn" (func (param i32) (result i32)))
  (func (export "_start"))
)
