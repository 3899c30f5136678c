// Prints layout.h computed against wasmtime's own headers.
#include <stddef.h>
#include <wasi.h>
#include <wasmtime.h>
#define WT_VERSION WASMTIME_VERSION
#include "../layout.h"

int main(void) {
  static char buf[16384];
  wt_layout(buf, sizeof buf);
  fputs(buf, stdout);
  return 0;
}
