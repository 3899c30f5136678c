// Linked into every C command that wasmbuild compiles, in place of
// wasi-libc's crt1-command.o (clang -nostartfiles).
//
// Debian 12's wasi-libc (0.0~git20220510) has a _start that leaves
// constructors and destructors to wasm-ld. wasm-ld then wraps *every*
// export of the command, not only _start, as "run the constructors, call
// the function, run the destructors". The preview1 adapter calls the
// program's exported cabi_realloc twice: for its stack before main, and for
// its state at the first WASI call that needs it. Through the wrapper each
// call ran the constructors again and then the destructors: the exit
// handlers (before main had even started) and the stdio flush, which
// wrote into the adapter while it was still setting up; the adapter
// refused the write and musl threw the buffered text away. So `printf("a\n")`
// as the first thing in main printed only "\n".
//
// This _start is what later wasi-libc releases have: it runs the
// constructors and destructors itself, and because it names
// __wasm_call_ctors, wasm-ld wraps no export, so cabi_realloc is a plain
// allocator again.
#include <wasi/api.h>

extern void __wasm_call_ctors(void);
extern void __wasm_call_dtors(void);
// __original_main is main itself, or wasi-libc's function that reads the
// arguments and calls main(argc, argv): what crt1-command.o calls.
extern int __original_main(void);

__attribute__((export_name("_start"))) void _start(void) {
  static volatile int started;
  if (started) __builtin_trap();  // a command runs once per instance
  started = 1;
  __wasm_call_ctors();
  int status = __original_main();
  __wasm_call_dtors();
  if (status != 0) __wasi_proc_exit(status);
}
