// Linked into every C program that wasmbuild compiles.
//
// The preview1 adapter that turns a module into a wasi:cli component needs
// memory for its own state. When the program exports cabi_realloc it takes
// that memory from the program's allocator; otherwise it grows linear
// memory behind the allocator's back, and wasi-libc's malloc, which
// assumes that it alone grows memory, later hands the adapter's page out as
// heap: the first program to fill 128 KiB of heap corrupts the adapter and
// traps ("assertion failed at adapter line …").
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

__attribute__((export_name("cabi_realloc"))) void *cabi_realloc(void *ptr, size_t old_size,
                                                                  size_t align, size_t new_size) {
  if (new_size == 0) return (void *)align;
  if (align <= 16) {
    void *p = realloc(ptr, new_size);
    if (!p) abort();
    return p;
  }
  void *p = aligned_alloc(align, (new_size + align - 1) / align * align);
  if (!p) abort();
  if (ptr) {
    memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    free(ptr);
  }
  return p;
}
